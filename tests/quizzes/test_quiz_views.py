import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import dateformat, timezone

from courses.curriculum.loading import load_curriculum
from courses.models import Answer, Module, Quiz, QuizAttempt, StepCompletion
from courses.teams.services import assignment_create
from tests.support import QUIZ, answer_form

HTMX = {"HTTP_HX_REQUEST": "true"}
START = reverse("learner:quiz-start", args=["module-1", "check"])
OVERVIEW = reverse("learner:step", args=["module-1", "check"])


def quiz_with(**settings):
    """The standard test quiz with some of its settings changed."""
    text = QUIZ
    for name, value in settings.items():
        if re.search(rf"^{name}:", text, flags=re.M):
            text = re.sub(rf"^{name}:.*$", f"{name}: {value}", text, flags=re.M)
        else:
            text = text.replace("questions:\n", f"{name}: {value}\nquestions:\n", 1)
    return text


@pytest.fixture
def quiz_curriculum(db, builder):
    builder.with_quiz(text=quiz_with(draw=3))
    load_curriculum(builder.root)
    return builder


def start(client):
    response = client.post(START)
    assert response.status_code == 302, response.content
    return QuizAttempt.objects.latest("pk")


def submit(client, attempt, data, **extra):
    return client.post(reverse("learner:quiz-submit", args=[attempt.pk]), data, **extra)


@pytest.mark.django_db
class TestStarting:
    def test_overview_shows_the_rules_of_the_quiz(self, rep_client, quiz_curriculum):
        content = rep_client.get(OVERVIEW).content.decode()
        assert "3</strong> questions" in content
        assert "Pass mark: <strong>75%</strong>" in content
        assert "Start the quiz" in content

    def test_start_fixes_the_drawn_questions_and_their_order(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        items = list(attempt.items.order_by("position"))
        assert len(items) == 3
        assert len({item.question_id for item in items}) == 3
        url = reverse("learner:quiz-attempt", args=[attempt.pk])
        first = re.findall(r"<fieldset.*?</fieldset>", rep_client.get(url).content.decode(), re.S)
        again = re.findall(r"<fieldset.*?</fieldset>", rep_client.get(url).content.decode(), re.S)
        assert len(first) == 3
        assert first == again

    def test_starting_again_resumes_the_open_attempt(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        assert start(rep_client) == attempt
        assert QuizAttempt.objects.count() == 1

    def test_true_false_shows_true_first(self, rep_client, rep, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=4))
        load_curriculum(quiz_curriculum.root)
        attempt = start(rep_client)
        item = attempt.items.get(question__key="local-time")
        keys = [item.question.choices.get(pk=pk).key for pk in item.choice_order]
        assert keys == ["true", "false"]


@pytest.mark.django_db
class TestNoAnswerKeyBeforeSubmission:
    def test_page_holds_no_key_explanation_feedback_or_citation(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=4))
        load_curriculum(quiz_curriculum.root)
        attempt = start(rep_client)
        html = rep_client.get(reverse("learner:quiz-attempt", args=[attempt.pk])).content.decode()
        for secret in [
            "Registrations are permanent",  # explanation
            "That was the old rule",  # per-choice feedback
            "15 U.S.C. 6155",  # citation
            "correct",
            "Right answer",
        ]:
            assert secret not in html
        # Choices are named by their shown position only.
        values = set(re.findall(r'name="q\d+" value="([^"]+)"', html))
        assert values <= {"0", "1", "2"}

    def test_answer_save_response_holds_no_key(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        response = rep_client.post(
            reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"]}, **HTMX
        )
        assert "explanation" not in response.content.decode().lower()


@pytest.mark.django_db
class TestAnswering:
    def test_htmx_save_keeps_answers_and_updates_progress(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        response = rep_client.post(
            reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"], "q2": ["1"]}, **HTMX
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert "2 of 3 answered" in content
        assert Answer.objects.filter(item__attempt=attempt).count() == 2
        page = rep_client.get(reverse("learner:quiz-attempt", args=[attempt.pk])).content.decode()
        assert page.count(" checked>") == 2

    def test_plain_save_redirects_back_with_a_message(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        response = rep_client.post(
            reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"]}, follow=True
        )
        assert "Your answers are saved" in response.content.decode()

    def test_saving_again_replaces_the_answers(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        url = reverse("learner:quiz-answer", args=[attempt.pk])
        rep_client.post(url, {"q1": ["0"]}, **HTMX)
        rep_client.post(url, {"q1": ["1"]}, **HTMX)
        assert Answer.objects.filter(item__attempt=attempt).count() == 1

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"q1": ["7"]}, "not one of its choices"),
            ({"q1": ["-1"]}, "not one of its choices"),
            ({"q1": ["abc"]}, "not one of its choices"),
            ({"q9": ["0"]}, "not in this attempt"),
        ],
    )
    def test_tampered_answers_are_refused_and_change_nothing(
        self, rep_client, quiz_curriculum, data, message
    ):
        attempt = start(rep_client)
        rep_client.post(reverse("learner:quiz-answer", args=[attempt.pk]), {"q2": ["0"]}, **HTMX)
        response = rep_client.post(reverse("learner:quiz-answer", args=[attempt.pk]), data, **HTMX)
        assert response.status_code == 409
        assert message in response.content.decode()
        assert Answer.objects.filter(item__attempt=attempt).count() == 1

    def test_two_answers_to_a_single_choice_question_are_refused(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        single = attempt.items.exclude(question__kind="multiple").first()
        response = submit(rep_client, attempt, {f"q{single.position}": ["0", "1"]})
        assert response.status_code == 400
        assert "choose only one answer" in response.content.decode()
        attempt.refresh_from_db()
        assert attempt.submitted_at is None


@pytest.mark.django_db
class TestSubmitting:
    def test_passing_scores_reveals_and_completes_the_step(self, rep_client, rep, quiz_curriculum):
        attempt = start(rep_client)
        response = submit(rep_client, attempt, answer_form(attempt, right=True), follow=True)
        content = response.content.decode()
        attempt.refresh_from_db()
        assert attempt.passed is True and attempt.percent == 100
        assert "Passed: 100%" in content
        assert "Review your answers" in content and "Rule: " in content
        assert StepCompletion.objects.filter(user=rep, step__slug="check").count() == 1

    def test_failing_shows_right_answers_and_does_not_complete(
        self, rep_client, rep, quiz_curriculum
    ):
        attempt = start(rep_client)
        content = submit(
            rep_client, attempt, answer_form(attempt, right=False), follow=True
        ).content.decode()
        attempt.refresh_from_db()
        assert attempt.passed is False and attempt.percent == 0
        assert "Not passed: 0%" in content
        assert "Right answer" in content
        assert not StepCompletion.objects.filter(user=rep).exists()

    def test_feedback_for_a_chosen_choice_is_shown(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=4))
        load_curriculum(quiz_curriculum.root)
        attempt = start(rep_client)
        item = attempt.items.get(question__key="registry-permanent")
        five_years = item.question.choices.get(text="Five years").pk
        data = {f"q{item.position}": [str(item.choice_order.index(five_years))], "confirm": "yes"}
        content = submit(rep_client, attempt, data, follow=True).content.decode()
        assert "That was the old rule." in content
        assert "Rule: 15 U.S.C. 6155" in content

    def test_a_second_submission_counts_once(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        submit(rep_client, attempt, answer_form(attempt, right=False))
        attempt.refresh_from_db()
        first = (attempt.submitted_at, attempt.percent)
        response = submit(rep_client, attempt, answer_form(attempt, right=True), follow=True)
        attempt.refresh_from_db()
        assert (attempt.submitted_at, attempt.percent) == first
        assert "already submitted; it counts once" in response.content.decode()

    def test_score_sent_by_the_client_is_ignored(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        data = answer_form(attempt, right=False) | {"score": "100", "passed": "true"}
        submit(rep_client, attempt, data)
        attempt.refresh_from_db()
        assert attempt.passed is False

    def test_answers_cannot_change_after_submission(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        submit(rep_client, attempt, answer_form(attempt, right=False))
        response = rep_client.post(
            reverse("learner:quiz-answer", args=[attempt.pk]), answer_form(attempt), **HTMX
        )
        assert response.status_code == 409
        assert "already been submitted" in response.content.decode()

    def test_partial_credit(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(
            module="module-1", text=quiz_with(draw=4, partial_credit="true", pass_mark=50)
        )
        load_curriculum(quiz_curriculum.root)
        attempt = start(rep_client)
        data = answer_form(attempt, right=True)
        item = attempt.items.get(question__key="consent-elements")
        data[f"q{item.position}"] = data[f"q{item.position}"][:1]  # one of the two right picks
        submit(rep_client, attempt, data)
        attempt.refresh_from_db()
        item.refresh_from_db()
        assert float(item.points) == 0.5
        assert attempt.percent == pytest.approx(87.5)


@pytest.mark.django_db
class TestOtherPeople:
    def test_another_users_attempt_is_not_found(self, client, rep, other_rep, quiz_curriculum):
        client.force_login(rep)
        attempt = start(client)
        client.force_login(other_rep)
        assert client.get(reverse("learner:quiz-attempt", args=[attempt.pk])).status_code == 404
        assert (
            client.post(reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"]})
        ).status_code == 404
        assert submit(client, attempt, answer_form(attempt)).status_code == 404
        attempt.refresh_from_db()
        assert attempt.submitted_at is None
        assert not Answer.objects.exists()

    def test_anonymous_is_sent_to_login(self, client, rep, quiz_curriculum):
        client.force_login(rep)
        attempt = start(client)
        client.logout()
        response = submit(client, attempt, answer_form(attempt))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
class TestLimits:
    def test_time_limit_is_kept_by_the_server(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, time_limit_minutes=10))
        load_curriculum(quiz_curriculum.root)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = start(rep_client)
            assert attempt.deadline == timezone.now() + datetime.timedelta(minutes=10)
            rep_client.post(
                reverse("learner:quiz-answer", args=[attempt.pk]),
                answer_form(attempt, right=False),
                **HTMX,
            )
            clock.shift(datetime.timedelta(minutes=11))
            late = rep_client.post(
                reverse("learner:quiz-answer", args=[attempt.pk]), answer_form(attempt), **HTMX
            )
            assert late.status_code == 409 and "Time is up" in late.content.decode()
            response = submit(rep_client, attempt, answer_form(attempt, right=True), follow=True)
        attempt.refresh_from_db()
        assert attempt.timed_out is True
        assert attempt.passed is False  # the late right answers were ignored
        assert "Time was up before you submitted" in response.content.decode()

    def test_an_expired_attempt_is_scored_when_opened(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, time_limit_minutes=5))
        load_curriculum(quiz_curriculum.root)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = start(rep_client)
            clock.shift(datetime.timedelta(minutes=6))
            content = rep_client.get(
                reverse("learner:quiz-attempt", args=[attempt.pk])
            ).content.decode()
        attempt.refresh_from_db()
        assert attempt.submitted_at is not None and attempt.timed_out
        assert "Time ran out" in content
        assert "Not passed: 0%" in content  # the page shows the grade it just gave

    def test_attempts_run_out(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, max_attempts=2))
        load_curriculum(quiz_curriculum.root)
        for _ in range(2):
            attempt = start(rep_client)
            submit(rep_client, attempt, answer_form(attempt, right=False))
        response = rep_client.post(START, follow=True)
        assert "used all your attempts" in response.content.decode()
        assert QuizAttempt.objects.count() == 2

    def test_waiting_time_between_attempts(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, wait_minutes=10))
        load_curriculum(quiz_curriculum.root)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = start(rep_client)
            submit(rep_client, attempt, answer_form(attempt, right=False))
            refused = rep_client.post(START, follow=True).content.decode()
            attempt.refresh_from_db()
            retry = timezone.localtime(attempt.submitted_at + datetime.timedelta(minutes=10))
            # Written as every time on the site is: "4:51 p.m.", not "4:51 PM".
            assert f"You can try again at {dateformat.format(retry, 'g:i a')}" in refused
            assert not re.search(r"\d (AM|PM)\b", refused)
            assert QuizAttempt.objects.count() == 1
            clock.shift(datetime.timedelta(minutes=11))
            start(rep_client)
        assert QuizAttempt.objects.count() == 2

    def test_fail_retake_pass(self, rep_client, rep, quiz_curriculum):
        attempt = start(rep_client)
        submit(rep_client, attempt, answer_form(attempt, right=False))
        second = start(rep_client)
        assert second.number == 2
        submit(rep_client, second, answer_form(second, right=True))
        overview = rep_client.get(OVERVIEW).content.decode()
        assert "You have passed this quiz" in overview
        assert overview.count("Review<span") == 2
        assert StepCompletion.objects.filter(user=rep).count() == 1


@pytest.mark.django_db
class TestReviewPolicy:
    """key_after_pass: a failed attempt shows which questions were wrong, with the rule and its
    explanation, but not the right choices, until the rep passes or has no attempts left."""

    @pytest.fixture
    def keyed(self, quiz_curriculum):
        text = quiz_with(draw=4, review="key_after_pass", max_attempts=3)
        quiz_curriculum.quiz(module="module-1", text=text)
        load_curriculum(quiz_curriculum.root)
        return quiz_curriculum

    def review_of(self, client, attempt):
        return client.get(reverse("learner:quiz-attempt", args=[attempt.pk])).content.decode()

    def fail_choosing_five_years(self, client):
        attempt = start(client)
        data = answer_form(attempt, right=False)
        item = attempt.items.get(question__key="registry-permanent")
        five_years = item.question.choices.get(text="Five years").pk
        data[f"q{item.position}"] = [str(item.choice_order.index(five_years))]
        submit(client, attempt, data)
        return attempt

    def test_a_failed_attempt_keeps_the_key_back(self, rep_client, keyed):
        attempt = self.fail_choosing_five_years(rep_client)
        content = self.review_of(rep_client, attempt)
        assert "Not passed: 0%" in content
        assert "Wrong" in content and "Your answer" in content
        assert "Registrations are permanent until the consumer removes them." in content
        assert "Rule: 15 U.S.C. 6155" in content
        assert "The right answers are shown once you pass" in content
        # Neither the keyed choices nor the feedback that would point to them.
        assert "Right answer" not in content and "is-correct" not in content
        assert "That was the old rule." not in content

    def test_passing_shows_the_key_of_every_attempt(self, rep_client, keyed):
        failed = self.fail_choosing_five_years(rep_client)
        second = start(rep_client)
        submit(rep_client, second, answer_form(second, right=True))
        content = self.review_of(rep_client, failed)
        assert "Right answer" in content and "That was the old rule." in content
        assert "The right answers are shown once you pass" not in content

    def test_the_key_is_shown_when_no_attempt_is_left(self, rep_client, quiz_curriculum):
        text = quiz_with(draw=4, review="key_after_pass", max_attempts=1)
        quiz_curriculum.quiz(module="module-1", text=text)
        load_curriculum(quiz_curriculum.root)
        attempt = self.fail_choosing_five_years(rep_client)
        assert "Right answer" in self.review_of(rep_client, attempt)

    def test_the_manager_sees_the_key_of_a_reps_failed_attempt(self, client, rep, manager, keyed):
        client.force_login(rep)
        attempt = self.fail_choosing_five_years(client)
        client.force_login(manager)
        assert "Right answer" in self.review_of(client, attempt)

    def test_a_required_module_keeps_the_key_back_by_default(self, builder):
        builder.course(modules=["module-1"])
        builder.module(
            slug="module-1", lessons=["intro"], required=True, extra_steps="  - quiz: check.yaml\n"
        )
        builder.quiz(module="module-1")
        load_curriculum(builder.root)
        assert Quiz.objects.get().review == Quiz.Review.KEY_AFTER_PASS


@pytest.mark.django_db
def test_attempt_page_query_budget(rep_client, manager, builder, django_assert_max_num_queries):
    questions = "\n".join(
        f"""  - id: q{i}
    kind: single
    prompt: Question {i}?
    explanation: Because.
    choices:
      - {{text: Right {i}, correct: true}}
      - {{text: Wrong {i}}}"""
        for i in range(30)
    )
    builder.with_quiz(text=f"title: Big\npass_mark: 50\ndraw: 30\nquestions:\n{questions}\n")
    load_curriculum(builder.root)
    # Assigned to the rep's team, so that the result moves the team's tally.
    assignment_create(
        by=manager,
        modules=[Module.objects.get()],
        team=manager.managed_teams.get(),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    attempt = start(rep_client)
    url = reverse("learner:quiz-attempt", args=[attempt.pk])
    with django_assert_max_num_queries(9):
        rep_client.get(url)
    answers = answer_form(attempt, right=False)
    # Session, user, attempt (with its module's content version), its questions (the quiz's
    # answer key comes from the content cache), the writes (the graded result; the answers
    # cleared and written and each question's score, three statements each run for every
    # question in one call), the person's progress row (locked, made), the person's team
    # (locked where rows lock) and the assignments that set their due date, the one tally
    # row the result moves, and the person's review cards for the questions (read, then all
    # written in one statement); however many questions were drawn (and the savepoint a test's
    # transaction adds). A later attempt only raises the row's best result.
    with django_assert_max_num_queries(18):
        assert submit(rep_client, attempt, answers).status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.items.filter(is_correct=False).count() == 30
    with django_assert_max_num_queries(9):
        rep_client.get(url)
    with django_assert_max_num_queries(12):
        rep_client.get(OVERVIEW)
    # A pass also reads the step, completes it (the completion made in its own savepoint, the
    # step's opening forgotten) and recounts the progress row from four small aggregates.
    attempt = start(rep_client)
    with django_assert_max_num_queries(29):
        assert submit(rep_client, attempt, answer_form(attempt)).status_code == 302
    assert StepCompletion.objects.filter(step__slug="check").exists()


@pytest.mark.django_db
def test_the_attempt_page_shows_the_questions_as_last_loaded(rep_client, builder):
    # Question texts are read once per content version; a load that changes one shows at once.
    builder.with_quiz(text=quiz_with(draw=4))
    load_curriculum(builder.root)
    attempt = start(rep_client)
    url = reverse("learner:quiz-attempt", args=[attempt.pk])
    assert "How long does a registration" in rep_client.get(url).content.decode()
    builder.quiz(
        module="module-1",
        text=quiz_with(draw=4).replace(
            "How long does a registration", "For how long does a registration"
        ),
    )
    load_curriculum(builder.root)
    content = rep_client.get(url).content.decode()
    assert "For how long does a registration" in content
    assert "How long does a registration" not in content


@pytest.mark.django_db
def test_a_submission_is_marked_by_the_key_as_last_loaded(rep_client, builder):
    # The answer key is read once per content version too: saving answers reads it before the
    # load that moves a question's right answer, and the submission after it marks by the new.
    builder.with_quiz(text=quiz_with(draw=4))
    load_curriculum(builder.root)
    attempt = start(rep_client)
    save = reverse("learner:quiz-answer", args=[attempt.pk])
    assert rep_client.post(save, answer_form(attempt)).status_code == 302
    moved = (
        quiz_with(draw=4)
        .replace("Five years\n", "Five years\n        correct: true\n")
        .replace("reassigned\n        correct: true\n", "reassigned\n")
    )
    assert moved.count("correct: true") == QUIZ.count("correct: true")
    builder.quiz(module="module-1", text=moved)
    load_curriculum(builder.root)
    assert submit(rep_client, attempt, answer_form(attempt)).status_code == 302
    assert list(attempt.items.values_list("is_correct", flat=True)) == [True] * 4
