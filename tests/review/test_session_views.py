"""Today's review, as a rep meets it: My training's summary, one due card at a time asked as the
quiz asks it, feedback as the quiz review gives it, with and without htmx, and refusals."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from courses.curriculum.loading import load_curriculum
from courses.models import Quiz, ReviewCard, ReviewLog
from courses.review.selectors import SESSION_CARDS
from tests.review.support import KEYS, card, meet, picks
from tests.support import QUIZ

HTMX = {"HTTP_HX_REQUEST": "true"}
SESSION = reverse("review:session")
NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def due(quiz, rep, clock):
    """The rep met the quiz a week ago, every answer wrong: all four cards are due."""
    meet(rep, quiz, wrong=KEYS, at=NOW - 7 * DAY)
    return quiz


def answer_url(card):
    return reverse("review:answer", args=[card.pk])


def shown_card(client) -> ReviewCard:
    """The card the session page shows now."""
    return client.get(SESSION).context["card"]


def post_answer(client, card, *, right=True, answered=0, **extra):
    data = {
        "seen": card.reviews,
        "answered": answered,
        **picks(card, right=right, number=answered + 1),
    }
    return client.post(answer_url(card), data, **extra)


def state():
    return (
        list(ReviewCard.objects.order_by("pk").values()),
        list(ReviewLog.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
class TestMyTraining:
    def test_it_shows_how_many_cards_are_due_and_a_button_to_start(self, rep_client, due):
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert "Today's review" in content
        assert "<strong>4</strong> cards due now" in content
        assert f'href="{SESSION}">Start today\'s review</a>' in content
        assert reverse("review:mastery") in content

    def test_when_nothing_is_due_it_says_when_the_next_card_is(self, rep_client, quiz, rep, clock):
        meet(rep, quiz, at=NOW - MINUTE)
        content = rep_client.get(reverse("learner:home")).content.decode()
        assert "Nothing is due now: your 4 cards come back just before" in content
        assert "Start today&#x27;s review" not in content

    def test_nothing_shows_before_a_quiz_is_taken(self, rep_client, quiz):
        assert "Today's review" not in rep_client.get(reverse("learner:home")).content.decode()


@pytest.mark.django_db
class TestAsking:
    def test_a_due_card_is_asked_as_its_quiz_asks_it_without_its_answer(self, rep_client, due):
        response = rep_client.get(SESSION)
        content = response.content.decode()
        asked = response.context["card"]
        assert escape(asked.question.prompt) in content
        assert 'class="question card" id="question-1"' in content
        assert 'name="q1"' in content and "Card 1 of up to 10 · 4 due now" in content
        for choice in asked.question.choices.all():
            assert escape(choice.text) in content
        # Nothing of the answer: not the key, not the explanation, not the rule.
        assert "Right answer" not in content and "is-correct" not in content
        assert escape(asked.question.explanation) not in content
        assert "Rule:" not in content

    def test_the_longest_waiting_card_comes_first(self, rep_client, due, rep):
        first = ReviewCard.objects.get(pk=shown_card(rep_client).pk)
        assert all(first.due <= other.due for other in ReviewCard.objects.filter(user=rep))

    def test_reloading_shows_the_same_card_in_the_same_order(self, rep_client, due):
        first, again = rep_client.get(SESSION).context, rep_client.get(SESSION).context
        assert first["card"] == again["card"]
        assert [c.text for c in first["asked"].question.choices] == [
            c.text for c in again["asked"].question.choices
        ]

    def test_nothing_due_says_when_the_next_card_is(self, rep_client, quiz, rep, clock):
        meet(rep, quiz, at=NOW - MINUTE)
        content = rep_client.get(SESSION).content.decode()
        assert "Nothing is due for review now" in content and "The next is due on" in content
        # No answer form in the review (the page's footer has the language chooser's).
        assert "<form" not in content.split('id="review"')[1].split("</main>")[0]

    def test_without_cards_it_says_where_they_come_from(self, rep_client, quiz):
        content = rep_client.get(SESSION).content.decode()
        assert "Each question you meet in a quiz, and each rule you practise in the" in content


@pytest.mark.django_db
class TestAnswering:
    def test_without_javascript_an_answer_redirects_to_its_feedback_and_the_next_card(
        self, rep_client, due
    ):
        asked = shown_card(rep_client)
        response = post_answer(rep_client, asked)
        log = ReviewLog.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{SESSION}?answered=1&last={log.pk}"
        content = rep_client.get(response["Location"]).content.decode()
        assert 'id="feedback-heading" tabindex="-1" autofocus>Right</h2>' in content
        assert escape(asked.question.explanation) in content
        assert "Rule: " + escape(asked.question.citation) in content
        assert "Right answer" in content and "Your answer" in content
        assert "This card comes back" in content
        # And the next card, as question 2 of the session.
        assert 'name="q2"' in content and "Card 2 of up to 10 · 3 due now" in content

    def test_with_htmx_the_feedback_and_the_next_card_swap_in_place(self, rep_client, due):
        asked = shown_card(rep_client)
        response = post_answer(rep_client, asked, **HTMX)
        content = response.content.decode()
        assert response.status_code == 200
        assert content.lstrip().startswith('<div id="review"') and "<html" not in content
        assert escape(asked.question.explanation) in content and 'name="q2"' in content
        assert ReviewLog.objects.count() == 1

    def test_a_wrong_answer_is_shown_wrong_and_comes_back_within_minutes(self, rep_client, due):
        asked = shown_card(rep_client)
        response = post_answer(rep_client, asked, right=False, **HTMX)
        content = response.content.decode()
        assert ">Not quite</h2>" in content and "badge-failed" in content
        assert ReviewCard.objects.get(pk=asked.pk).due == NOW + 10 * MINUTE
        assert ReviewLog.objects.get().correct is False

    def test_a_right_answer_waits_longer_than_a_wrong_one(
        self, rep_client, due, rep, other_rep, client
    ):
        meet(other_rep, due, wrong=KEYS, at=NOW - 7 * DAY)
        mine = shown_card(rep_client)
        post_answer(rep_client, mine, right=True)
        client.force_login(other_rep)
        theirs = shown_card(client)
        post_answer(client, theirs, right=False)
        assert ReviewCard.objects.get(pk=mine.pk).due > ReviewCard.objects.get(pk=theirs.pk).due

    def test_a_session_stops_after_ten_cards(self, rep_client, rep, db, builder, clock):
        questions = "\n".join(
            f"""  - id: q{i}
    kind: true_false
    prompt: Statement {i}.
    answer: true
    explanation: Because {i}."""
            for i in range(12)
        )
        builder.with_quiz(text=f"title: Many\npass_mark: 50\ndraw: 12\nquestions:\n{questions}\n")
        load_curriculum(builder.root)
        meet(rep, Quiz.objects.get(), wrong=[f"q{i}" for i in range(12)], at=NOW - 7 * DAY)
        page = rep_client.get(SESSION)
        for answered in range(SESSION_CARDS):
            response = post_answer(rep_client, page.context["card"], answered=answered)
            page = rep_client.get(response["Location"])
        content = page.content.decode()
        assert "Session done: 10 cards" in content and "2 more cards are due now" in content
        # No answer form in the review (the page's footer has the language chooser's).
        assert "<form" not in content.split('id="review"')[1].split("</main>")[0]
        assert ReviewLog.objects.count() == 10
        assert "Card 1 of up to 10" in rep_client.get(SESSION).content.decode()

    def test_the_answer_key_is_kept_back_as_the_quiz_keeps_it(
        self, rep_client, rep, db, builder, clock
    ):
        builder.with_quiz(text=QUIZ.replace("questions:\n", "review: key_after_pass\nquestions:\n"))
        load_curriculum(builder.root)
        meet(rep, Quiz.objects.get(), wrong=KEYS, at=NOW - 7 * DAY)
        asked = shown_card(rep_client)
        content = post_answer(rep_client, asked, right=False, **HTMX).content.decode()
        assert escape(asked.question.explanation) in content and "Your answer" in content
        assert "Right answer" not in content


@pytest.mark.django_db
class TestRefusals:
    def test_a_choice_that_was_not_offered_is_a_400_and_changes_nothing(self, rep_client, due):
        asked = shown_card(rep_client)
        before = state()
        for extra in ({}, HTMX):
            for choice in ("9", "-1", "x", "0\x00"):
                response = rep_client.post(
                    answer_url(asked), {"seen": 1, "answered": 0, "q1": choice}, **extra
                )
                assert response.status_code == 400
                assert "not one of its choices" in response.content.decode()
        assert state() == before

    def test_a_field_of_another_question_is_a_400(self, rep_client, due):
        asked = shown_card(rep_client)
        before = state()
        response = rep_client.post(answer_url(asked), {"seen": 1, "answered": 0, "q2": "0"})
        assert response.status_code == 400 and state() == before

    def test_no_answer_is_a_400_that_reveals_nothing(self, rep_client, due):
        asked = shown_card(rep_client)
        response = rep_client.post(answer_url(asked), {"seen": 1, "answered": 0})
        content = response.content.decode()
        assert response.status_code == 400 and "Choose an answer first" in content
        assert escape(asked.question.explanation) not in content and "Right answer" not in content

    def test_another_persons_card_is_a_404(self, client, due, rep, other_rep):
        client.force_login(other_rep)
        theirs = card(rep, "local-time")
        before = state()
        response = client.post(answer_url(theirs), {"seen": 1, "answered": 0, "q1": "0"})
        assert response.status_code == 404 and state() == before
        assert (
            client.post(
                reverse("review:answer", args=[999999]), {"seen": 1, "answered": 0}
            ).status_code
            == 404
        )

    def test_a_card_not_due_is_a_400(self, rep_client, quiz, rep, clock):
        meet(rep, quiz, at=NOW - MINUTE)
        known = card(rep, "local-time")
        before = state()
        response = post_answer(rep_client, known)
        assert response.status_code == 400 and "not due" in response.content.decode()
        assert state() == before

    def test_a_double_submit_is_a_400_and_records_one_review(self, rep_client, due):
        asked = shown_card(rep_client)
        data = {"seen": 1, "answered": 0, **picks(asked, right=False)}
        assert rep_client.post(answer_url(asked), data).status_code == 302
        after = state()
        clock_later = NOW + DAY  # the card is due again by then: still the same answer
        with time_machine.travel(clock_later, tick=False):
            again = rep_client.post(answer_url(asked), data, **HTMX)
        assert again.status_code == 400 and "already answered" in again.content.decode()
        assert state() == after and ReviewLog.objects.count() == 1

    @pytest.mark.parametrize(
        "data",
        [
            {"answered": "0", "q1": "0"},
            {"seen": "x", "answered": "0", "q1": "0"},
            {"seen": "1", "answered": "10", "q1": "0"},
            {"seen": "1", "answered": "-1", "q1": "0"},
            {"seen": "1", "q1": "0"},
        ],
    )
    def test_missing_or_bad_card_details_are_a_400(self, rep_client, due, data):
        asked = shown_card(rep_client)
        before = state()
        assert rep_client.post(answer_url(asked), data).status_code == 400
        assert state() == before

    def test_the_feedback_of_someone_elses_review_is_a_404(self, rep_client, due, other_rep):
        post_answer(rep_client, shown_card(rep_client))
        log = ReviewLog.objects.get()
        client = Client()
        client.force_login(other_rep)
        assert client.get(f"{SESSION}?answered=1&last={log.pk}").status_code == 404
        assert rep_client.get(f"{SESSION}?answered=1&last={log.pk}").status_code == 200

    @pytest.mark.parametrize(
        "query", ["answered=x", "answered=-1", "answered=11", "last=0", "last=y"]
    )
    def test_a_tampered_address_is_a_400(self, rep_client, due, query):
        response = rep_client.get(f"{SESSION}?{query}")
        assert response.status_code == 400
        assert "does not name a point in a review session" in response.content.decode()

    def test_answers_need_a_post(self, rep_client, due):
        asked = shown_card(rep_client)
        assert rep_client.get(answer_url(asked)).status_code == 405

    def test_visitors_are_sent_to_log_in(self, client, due):
        response = client.get(SESSION)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
class TestQueryBudgets:
    @pytest.mark.parametrize("people", [1, 6])
    def test_the_session_pages_do_not_grow_with_cards_or_people(
        self, client, quiz, rep, django_user_model, people, django_assert_max_num_queries, clock
    ):
        from tests.support import make_user

        for i in range(people):
            meet(
                make_user(django_user_model, f"p{people}-{i}", "Rep"),
                quiz,
                wrong=KEYS,
                at=NOW - 7 * DAY,
            )
        meet(rep, quiz, wrong=KEYS, at=NOW - 7 * DAY)
        client.force_login(rep)
        # The session, the user, the next due card, its question (with its quiz and case) and
        # choices, and the outlook (cards, due, next due) in one aggregate.
        with django_assert_max_num_queries(6):
            asked = client.get(SESSION).context["card"]
        # The answer: the card (locked), its question and choices, the card written and the
        # log made (in a savepoint), then the page's reads again, and the feedback's question,
        # choices and the person's attempts at its quiz (the review policy).
        data = {"seen": asked.reviews, "answered": 0, **picks(asked)}
        with django_assert_max_num_queries(16):
            assert client.post(answer_url(asked), data, **HTMX).status_code == 200
        log = ReviewLog.objects.get(card__user=rep)
        with django_assert_max_num_queries(10):
            client.get(f"{SESSION}?answered=1&last={log.pk}")
        client.get(reverse("learner:home"))  # the modules' steps, read once and kept
        # My training's own reads (tests/progress) and the outlook, in one aggregate.
        with django_assert_max_num_queries(9):
            assert client.get(reverse("learner:home")).status_code == 200


@pytest.mark.django_db
def test_a_question_changed_by_a_content_load_is_asked_as_changed(
    rep_client, rep, builder, clock, django_assert_max_num_queries
):
    """The question a card asks is kept between pages, for as long as its content is the same."""
    builder.with_quiz(text=QUIZ)
    load_curriculum(builder.root)
    meet(rep, Quiz.objects.get(), wrong=KEYS, at=NOW - 7 * DAY)
    ReviewCard.objects.exclude(question__key="registry-permanent").update(due=NOW + DAY)
    assert "Five years" in rep_client.get(SESSION).content.decode()
    # Asked again, the question is not read again: the session, the user, the count, the card.
    with django_assert_max_num_queries(4):
        assert "Five years" in rep_client.get(SESSION).content.decode()

    builder.with_quiz(text=QUIZ.replace("Five years", "Ten years"))
    load_curriculum(builder.root)
    page = rep_client.get(SESSION).content.decode()
    assert "Ten years" in page and "Five years" not in page
