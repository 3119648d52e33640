"""Rules practised in the dialing drill, reviewed in Today's review: each is asked as a lead card
that tests it (the rule unnamed until the answer), graded by the calling-rules engine, with the
drill's feedback; with and without htmx, and refusals that change nothing."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from courses.models import ReviewCard, ReviewLog, Rule
from courses.practice.grading import later_bounds
from courses.review.scheduling import Rating
from courses.review.services import practised
from tests.practice.drill_play import answer_to

HTMX = {"HTTP_HX_REQUEST": "true"}
SESSION = reverse("review:session")
NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
RULE = "fcc-calling-hours"
TITLE, CITATION = "Calling hours", "47 CFR 64.1200(c)(1)"  # the test catalogue's entry


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rule_card(quiz, rep, clock):
    """The rep missed the rule in a drill a week ago: its card is due."""
    practised(user=rep, outcomes=[(RULE, False)], at=NOW - 7 * DAY)
    return ReviewCard.objects.get(user=rep, rule__slug=RULE)


def answer_url(card):
    return reverse("review:answer", args=[card.pk])


def shown(client):
    """The lead the session page asks, and the page's review part."""
    response = client.get(SESSION)
    assert response.status_code == 200
    asked = response.context["asked"]
    return asked and asked.lead, response.content.decode().split('id="review"')[1]


def post(client, card, lead, *, right=True, answered=0, **extra):
    data = {"seen": card.reviews, "answered": answered, **answer_to(lead.card, right=right)}
    return client.post(answer_url(card), data, **extra)


def reviewed() -> ReviewLog:
    """The latest review answer (the drill's answer that made the card is logged too)."""
    return ReviewLog.objects.latest("pk")


def state():
    return (
        list(ReviewCard.objects.order_by("pk").values()),
        list(ReviewLog.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
class TestAsking:
    def test_a_practised_rule_comes_back_as_a_lead_that_names_no_rule(self, rep_client, rule_card):
        lead, page = shown(rep_client)
        assert lead is not None and lead.card.person in page
        for fact in lead.facts:
            assert escape(fact.text) in page
        assert page.count('name="choice"') == 3
        for label in ("Call now", "Call later", "Don&#x27;t call"):
            assert label in page
        assert TITLE not in page and CITATION not in page and RULE not in page

    def test_reloading_asks_the_same_lead(self, rep_client, rule_card):
        assert shown(rep_client)[0] == shown(rep_client)[0]

    def test_my_training_counts_the_rule_card_due(self, rep_client, rule_card):
        page = rep_client.get(reverse("learner:home")).content.decode()
        assert "<strong>1</strong> card due now" in page

    def test_a_retired_rule_is_not_asked(self, rep_client, rule_card):
        Rule.objects.filter(slug=RULE).update(retired_at=NOW)
        assert not shown(rep_client)[0]


@pytest.mark.django_db
class TestAnswering:
    def test_without_javascript_a_right_answer_shows_the_engines_feedback(
        self, rep_client, rule_card
    ):
        lead, _ = shown(rep_client)
        response = post(rep_client, rule_card, lead)
        log = reviewed()
        assert response.status_code == 302
        assert response["Location"] == f"{SESSION}?answered=1&last={log.pk}"
        assert log.correct and log.rating == Rating.Good
        assert log.answer[0] == answer_to(lead.card)["choice"]
        page = rep_client.get(response["Location"]).content.decode()
        assert "Right" in page and "The answer:" in page
        assert TITLE in page and CITATION in page  # the rule, named once answered

    def test_with_htmx_the_feedback_swaps_in_place(self, rep_client, rule_card):
        lead, _ = shown(rep_client)
        response = post(rep_client, rule_card, lead, right=False, **HTMX)
        page = response.content.decode()
        assert response.status_code == 200 and page.lstrip().startswith('<div id="review"')
        assert "Not quite" in page and "<html" not in page
        assert not reviewed().correct

    def test_a_wrong_answer_comes_back_sooner_than_a_right_one(
        self, rep_client, rule_card, other_rep
    ):
        practised(user=other_rep, outcomes=[(RULE, False)], at=NOW - 7 * DAY)
        other_card = ReviewCard.objects.get(user=other_rep)
        other_client = Client()
        other_client.force_login(other_rep)
        assert post(rep_client, rule_card, shown(rep_client)[0], right=True).status_code == 302
        assert (
            post(other_client, other_card, shown(other_client)[0], right=False).status_code == 302
        )
        rule_card.refresh_from_db()
        other_card.refresh_from_db()
        assert other_card.due < NOW + DAY < rule_card.due


@pytest.mark.django_db
class TestRefusals:
    @pytest.mark.parametrize(
        "answer, says",
        [
            ({"choice": "maybe"}, "Choose Call now, Call later or Don"),
            ({}, "Choose Call now, Call later or Don"),
            ({"q1": "0"}, "Choose Call now, Call later or Don"),
            ({"choice": "wait"}, "Say when to call back"),
            ({"choice": "wait", "callback_date": "2026-13-01", "callback_time": "09:00"}, ""),
        ],
    )
    def test_an_answer_the_page_does_not_offer_is_a_400_that_changes_nothing(
        self, rep_client, rule_card, answer, says
    ):
        self.assert_refused(rep_client, rule_card, answer, says)

    @pytest.mark.parametrize("outside", ["before the lead's time", "after the week shown"])
    def test_a_callback_outside_the_window_shown_is_a_400_that_changes_nothing(
        self, rep_client, rule_card, outside
    ):
        # The window is the lead's own, and each lead has its own day: measured from the lead.
        lead, page = shown(rep_client)
        first, last = later_bounds(lead.card)
        moment = first - datetime.timedelta(minutes=1) if "before" in outside else last + DAY
        assert f'min="{first.date().isoformat()}"' in page
        answer = {
            "choice": "wait",
            "callback_date": moment.date().isoformat(),
            "callback_time": moment.strftime("%H:%M"),
        }
        self.assert_refused(rep_client, rule_card, answer, "Set the callback after the lead")

    @staticmethod
    def assert_refused(client, card, answer, says):
        before = state()
        data = {"seen": card.reviews, "answered": 0, **answer}
        response = client.post(answer_url(card), data)
        assert response.status_code == 400
        assert "Nothing was changed" in response.content.decode()
        assert says.replace("'", "&#x27;") in response.content.decode()
        assert state() == before

    def test_a_double_submit_records_one_review(self, rep_client, rule_card):
        lead, _ = shown(rep_client)
        assert post(rep_client, rule_card, lead).status_code == 302
        assert post(rep_client, rule_card, lead).status_code == 400
        assert ReviewLog.objects.filter(card=rule_card).count() == 2  # the drill's, and one review

    def test_the_address_of_a_drill_answer_shows_no_feedback(self, rep_client, rule_card):
        drill_log = ReviewLog.objects.get(card=rule_card)  # logged by the drill, not a review
        response = rep_client.get(f"{SESSION}?answered=1&last={drill_log.pk}")
        assert response.status_code == 404

    def test_another_persons_rule_card_is_a_404(self, client, rule_card, other_rep):
        client.force_login(other_rep)
        response = client.post(answer_url(rule_card), {"seen": 1, "answered": 0, "choice": "call"})
        assert response.status_code == 404 and ReviewLog.objects.count() == 1


@pytest.mark.django_db
def test_a_lead_card_costs_no_more_queries_than_a_question(
    rep_client, rule_card, django_assert_max_num_queries
):
    # The session, the user, the next due card with its rule, and the outlook.
    with django_assert_max_num_queries(5):
        lead = rep_client.get(SESSION).context["asked"].lead
    # The answer: the card (locked) with its rule, the card written and the log made, the
    # page's reads again, and the feedback's rules from the catalogue.
    with django_assert_max_num_queries(11):
        assert post(rep_client, rule_card, lead, **HTMX).status_code == 200
