"""What the quiz pages tell a rep as they go: questions left blank before submitting (asked on a
page of its own without JavaScript), the count of answers saved, the time left, and after a
fail the lessons to read again and when the next attempt may start."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import Answer, AttemptQuestion, Module, QuizAttempt
from courses.teams.services import assignment_create
from tests.quizzes.test_quiz_views import HTMX, OVERVIEW, quiz_with, start, submit
from tests.support import LESSON, answer_form

SECRETS = ["Registrations are permanent", "That was the old rule", "15 U.S.C. 6155", "correct"]


@pytest.fixture
def quiz_curriculum(db, builder):
    builder.with_quiz(text=quiz_with(draw=3))
    load_curriculum(builder.root)
    return builder


def attempt_url(attempt):
    return reverse("learner:quiz-attempt", args=[attempt.pk])


def one_answer(attempt):
    """The first question answered (wrong), the others left blank."""
    first = answer_form(attempt, right=False)["q1"]
    return {"q1": first}


@pytest.mark.django_db
class TestBlankQuestions:
    def test_submitting_with_blanks_asks_first_and_submits_nothing(
        self, rep_client, quiz_curriculum
    ):
        attempt = start(rep_client)
        response = submit(rep_client, attempt, one_answer(attempt))
        content = response.content.decode()
        assert response.status_code == 200
        assert "2 questions of 3 not answered yet" in content
        for position in (2, 3):
            assert f'href="{attempt_url(attempt)}#question-{position}">Question {position}</a>' in (
                content
            )
        assert '#question-1">Question 1</a>' not in content
        assert "Submit anyway" in content and "Go back and answer" in content
        # Submit anyway posts the same answers again, with the confirmation.
        assert f'name="q1" value="{one_answer(attempt)["q1"][0]}"' in content
        assert 'name="confirm" value="yes"' in content
        attempt.refresh_from_db()
        assert attempt.submitted_at is None
        # The answer given was kept: going back shows it.
        assert Answer.objects.filter(item__attempt=attempt).count() == 1
        assert rep_client.get(attempt_url(attempt)).content.decode().count(" checked>") == 1

    def test_the_confirmation_page_reveals_no_answer(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=4))
        load_curriculum(quiz_curriculum.root)
        attempt = start(rep_client)
        content = submit(rep_client, attempt, one_answer(attempt)).content.decode()
        assert "not answered yet" in content
        for secret in SECRETS:
            assert secret not in content

    def test_once_confirmed_the_blanks_score_wrong(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        data = answer_form(attempt, right=True)
        data.pop("q3")
        response = submit(rep_client, attempt, data | {"confirm": "yes"})
        assert response.status_code == 302
        attempt.refresh_from_db()
        assert attempt.submitted_at is not None
        blank = AttemptQuestion.objects.get(attempt=attempt, position=3)
        assert blank.is_correct is False and blank.points == 0

    @pytest.mark.parametrize("confirm", ["", "no", "YES", "1", "true", "yes "])
    def test_a_tampered_confirmation_asks_again(self, rep_client, quiz_curriculum, confirm):
        attempt = start(rep_client)
        response = submit(rep_client, attempt, one_answer(attempt) | {"confirm": confirm})
        assert response.status_code == 200
        assert "not answered yet" in response.content.decode()
        attempt.refresh_from_db()
        assert attempt.submitted_at is None

    def test_every_question_answered_needs_no_confirmation(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        assert submit(rep_client, attempt, answer_form(attempt)).status_code == 302
        attempt.refresh_from_db()
        assert attempt.passed is True

    def test_tampered_answers_are_refused_before_asking(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        response = submit(rep_client, attempt, {"q1": ["7"]})
        assert response.status_code == 400
        assert "not one of its choices" in response.content.decode()
        assert not Answer.objects.filter(item__attempt=attempt).exists()

    def test_after_the_time_limit_the_saved_answers_are_scored_without_asking(
        self, rep_client, quiz_curriculum
    ):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, time_limit_minutes=5))
        load_curriculum(quiz_curriculum.root)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = start(rep_client)
            clock.shift(datetime.timedelta(minutes=6))
            response = submit(rep_client, attempt, one_answer(attempt))
        assert response.status_code == 302
        attempt.refresh_from_db()
        assert attempt.timed_out and attempt.passed is False

    def test_someone_elses_attempt_is_not_found(self, client, rep, other_rep, quiz_curriculum):
        client.force_login(rep)
        attempt = start(client)
        client.force_login(other_rep)
        assert submit(client, attempt, one_answer(attempt)).status_code == 404
        assert not Answer.objects.exists()

    def test_the_attempt_page_carries_the_in_page_warning_hidden(self, rep_client, quiz_curriculum):
        # With JavaScript the page asks in place; its markup is there, hidden, for every question.
        attempt = start(rep_client)
        content = rep_client.get(attempt_url(attempt)).content.decode()
        warning = re.search(r'<section id="unanswered-warning".*?</section>', content, re.S)
        assert warning and " hidden " in warning.group(0)
        assert warning.group(0).count('<li data-position="') == 3
        assert 'name="confirm" value="yes">Submit anyway' in warning.group(0)


@pytest.mark.django_db
class TestSaving:
    def test_a_save_updates_the_count_out_of_band_and_says_when(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        with time_machine.travel(timezone.now(), tick=False):
            response = rep_client.post(
                reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"]}, **HTMX
            )
            saved_at = timezone.localtime().strftime("%-I:%M")
        content = response.content.decode()
        assert response.status_code == 200 and "<html" not in content
        assert f'<span class="saved">Saved {saved_at} ' in content
        # "Saving…" takes its place while the next save is on its way (htmx's indicator).
        assert '<span class="htmx-indicator saving">Saving…</span>' in content
        counted = re.search(r'<div id="answered"[^>]*>.*?</div>', content, re.S).group(0)
        assert 'hx-swap-oob="true"' in counted
        assert 'max="3" value="1"' in counted and "1 of 3 answered" in counted

    def test_a_refused_save_says_not_saved_and_why(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        response = rep_client.post(
            reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["9"]}, **HTMX
        )
        content = response.content.decode()
        assert response.status_code == 409
        assert "Not saved:" in content and "not one of its choices" in content
        assert "0 of 3 answered" in content

    def test_the_page_shows_the_saved_state_from_the_start(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        assert "Nothing answered yet" in rep_client.get(attempt_url(attempt)).content.decode()
        rep_client.post(reverse("learner:quiz-answer", args=[attempt.pk]), {"q1": ["0"]})
        content = rep_client.get(attempt_url(attempt)).content.decode()
        assert "Your answers so far are saved" in content and "1 of 3 answered" in content


@pytest.mark.django_db
class TestTimeLeft:
    def test_a_timed_attempt_counts_down_from_the_servers_time(self, rep_client, quiz_curriculum):
        quiz_curriculum.quiz(module="module-1", text=quiz_with(draw=3, time_limit_minutes=10))
        load_curriculum(quiz_curriculum.root)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = start(rep_client)
            clock.shift(datetime.timedelta(minutes=3, seconds=20))
            content = rep_client.get(attempt_url(attempt)).content.decode()
        assert 'role="timer" hidden data-seconds-left="400"' in content
        assert "submit by" in content  # what a page without JavaScript says

    def test_an_untimed_attempt_has_no_countdown(self, rep_client, quiz_curriculum):
        attempt = start(rep_client)
        assert 'role="timer"' not in rep_client.get(attempt_url(attempt)).content.decode()


MISSED_LESSONS = {
    # module-1 (the quiz's): teaches the calling-hours rule.
    "basics/module-1/intro.md": ["fcc-calling-hours"],
    # module-2: the registry rules (not taught at home), and calling hours again (taught there).
    "basics/module-2/registry-basics.md": ["registry-permanent", "tsr-registry-access"],
    "basics/module-2/hours-again.md": ["fcc-calling-hours", "registry-permanent"],
}


@pytest.fixture
def two_modules(db, builder):
    builder.course(modules=["module-1", "module-2"])
    builder.module(slug="module-1", lessons=["intro"], extra_steps="  - quiz: check.yaml\n")
    builder.quiz(module="module-1", text=quiz_with(draw=4, wait_minutes=10))
    builder.module(slug="module-2", lessons=["registry-basics", "hours-again"])
    for path, rules in MISSED_LESSONS.items():
        name = path.rsplit("/", 1)[1].removesuffix(".md").replace("-", " ").title()
        builder.write(path, LESSON.format(title=name).replace("[fcc-calling-hours]", str(rules)))
    load_curriculum(builder.root)
    return builder


def positions_of(attempt, *keys):
    items = attempt.items.filter(question__key__in=keys)
    return sorted(items.values_list("position", flat=True))


def revisit_section(content):
    found = re.search(r'<section class="card revisit".*?</section>', content, re.S)
    return found.group(0) if found else ""


@pytest.mark.django_db
class TestAfterAFail:
    def fail(self, client):
        attempt = start(client)
        submit(client, attempt, answer_form(attempt, right=False))
        attempt.refresh_from_db()
        return attempt

    def test_the_result_lists_the_lessons_teaching_the_missed_rules(self, rep_client, two_modules):
        attempt = self.fail(rep_client)
        section = revisit_section(rep_client.get(attempt_url(attempt)).content.decode())
        assert "Lessons to read again" in section
        lessons = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
        # The quiz's own module first; a rule taught there is not sent elsewhere, and one taught
        # elsewhere only to the first lesson teaching it.
        assert lessons == [
            ("/modules/module-1/intro/", "Intro"),
            ("/modules/module-2/registry-basics/", "Registry Basics"),
        ]
        hours = positions_of(attempt, "local-time")
        registry = positions_of(attempt, "registry-permanent", "scrub-days")
        assert f"question {hours[0]}</span>" in section
        assert f"questions {', '.join(map(str, registry))}</span>" in section
        assert "(Module 2)" in section
        # Only question numbers: nothing of the rules' wording or the right answers.
        for secret in [*SECRETS, "Registry entries are permanent", "Right answer"]:
            assert secret not in section

    def test_a_question_got_right_sends_to_no_lesson(self, rep_client, two_modules):
        attempt = start(rep_client)
        data = answer_form(attempt, right=False)
        right = answer_form(attempt, right=True)
        for key in ("registry-permanent", "scrub-days"):
            name = f"q{positions_of(attempt, key)[0]}"
            data[name] = right[name]
        submit(rep_client, attempt, data)
        section = revisit_section(rep_client.get(attempt_url(attempt)).content.decode())
        assert "Intro" in section and "Registry Basics" not in section

    def test_a_pass_lists_no_lessons_and_no_wait(self, rep_client, two_modules):
        attempt = start(rep_client)
        submit(rep_client, attempt, answer_form(attempt, right=True))
        content = rep_client.get(attempt_url(attempt)).content.decode()
        assert revisit_section(content) == "" and "Your next attempt" not in content

    def test_the_next_attempt_waits_with_a_countdown_and_early_starts_are_refused(
        self, rep_client, two_modules
    ):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            attempt = self.fail(rep_client)
            clock.shift(datetime.timedelta(minutes=4))
            content = rep_client.get(attempt_url(attempt)).content.decode()
            assert "Your next attempt" in content and "You can try again at" in content
            assert 'role="timer" hidden data-seconds-left="360"' in content
            assert 'data-reveal="start-attempt"' in content
            # The Start button is drawn hidden until then (the countdown shows it).
            assert re.search(r'<form [^>]*id="start-attempt" hidden>', content)
            refused = rep_client.post(reverse("learner:quiz-start", args=["module-1", "check"]))
            assert refused.status_code == 302 and refused["Location"] == OVERVIEW
            assert QuizAttempt.objects.count() == 1
            clock.shift(datetime.timedelta(minutes=6, seconds=1))
            content = rep_client.get(attempt_url(attempt)).content.decode()
            assert re.search(r'<form [^>]*id="start-attempt">', content)
            assert 'role="timer"' not in content
            start(rep_client)
        assert QuizAttempt.objects.count() == 2

    def test_the_overview_counts_down_the_wait_too(self, rep_client, two_modules):
        with time_machine.travel(timezone.now(), tick=False):
            self.fail(rep_client)
            content = rep_client.get(OVERVIEW).content.decode()
        assert 'data-seconds-left="600"' in content
        assert re.search(r'<form [^>]*id="start-attempt" hidden>', content)

    def test_out_of_attempts_there_is_no_countdown(self, rep_client, builder):
        builder.with_quiz(text=quiz_with(draw=3, wait_minutes=10, max_attempts=1))
        load_curriculum(builder.root)
        attempt = self.fail(rep_client)
        content = rep_client.get(attempt_url(attempt)).content.decode()
        assert "used all your attempts" in content
        assert 'role="timer"' not in content and 'id="start-attempt"' not in content

    def test_the_manager_sees_the_attempt_without_the_reps_next_steps(
        self, client, rep, manager, two_modules
    ):
        client.force_login(rep)
        attempt = self.fail(client)
        client.force_login(manager)
        content = client.get(attempt_url(attempt)).content.decode()
        assert "Not passed" in content
        assert revisit_section(content) == "" and "Your next attempt" not in content


@pytest.mark.django_db
def test_query_budgets(rep_client, manager, two_modules, django_assert_max_num_queries):
    assignment_create(
        by=manager,
        modules=[Module.objects.get(slug="module-1")],
        team=manager.managed_teams.get(),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    attempt = start(rep_client)
    rep_client.get(attempt_url(attempt))  # the question bank, read once into the content cache
    save = reverse("learner:quiz-answer", args=[attempt.pk])
    # Session, user, the attempt, then (in a savepoint) the attempt locked, its questions, the
    # answers cleared and written; then what the response shows: the attempt's questions and
    # answers (the bank from the content cache).
    with django_assert_max_num_queries(11):
        assert rep_client.post(save, {"q1": ["0"], "q2": ["1"]}, **HTMX).status_code == 200
    with django_assert_max_num_queries(9):
        rep_client.get(attempt_url(attempt))
    # Blanks: the answers kept, and the confirmation page drawn.
    with django_assert_max_num_queries(14):
        assert submit(rep_client, attempt, {"q1": ["0"]}).status_code == 200
    submit(rep_client, attempt, answer_form(attempt, right=False))
    # A failed attempt's result adds its attempts (for the key and the wait) and the lessons.
    with django_assert_max_num_queries(11):
        rep_client.get(attempt_url(attempt))
    with django_assert_max_num_queries(12):
        rep_client.get(OVERVIEW)
