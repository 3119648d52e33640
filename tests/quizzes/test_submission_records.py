"""What a submission writes, read back through the ORM.

A submission's writes are written out in SQL (`courses.platform.sql`), so these check that they
store exactly what the ORM would have: the same values, of the same types, on either database.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import Answer, ModuleProgress, Quiz, QuizAttempt, TeamTally
from courses.quizzes.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit
from courses.teams.services import assignment_create
from tests.support import QUIZ, answer_form

# Microseconds included: a moment must come back exactly as it went in.
NOW = datetime.datetime(2026, 3, 4, 15, 16, 17, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def quiz(db, builder):
    builder.with_quiz(text=QUIZ)
    load_curriculum(builder.root)
    return Quiz.objects.get()


def choices_of(attempt, form):
    """The choice ids a form's answers pick, by item id."""
    return {
        item.pk: {item.choice_order[int(index)] for index in form[f"q{item.position}"]}
        for item in attempt.items.all()
    }


def stored_answers(attempt):
    picked = {item.pk: set() for item in attempt.items.all()}
    for item_id, choice_id in Answer.objects.filter(item__attempt=attempt).values_list(
        "item_id", "choice_id"
    ):
        picked[item_id].add(choice_id)
    return picked


@pytest.fixture
def partial_credit_quiz(db, builder):
    builder.with_quiz(text=QUIZ.replace("questions:\n", "partial_credit: true\nquestions:\n", 1))
    load_curriculum(builder.root)
    return Quiz.objects.get()


@pytest.mark.django_db
def test_a_submission_stores_its_grade_its_answers_and_each_question_s_score(
    partial_credit_quiz, rep
):
    attempt = quiz_attempt_start(user=rep, quiz=partial_credit_quiz, now=NOW)
    wrong, right = answer_form(attempt, right=False), answer_form(attempt)
    # Saved wrong first, then submitted: the saved answers are replaced.
    quiz_answer_save(user=rep, attempt_id=attempt.pk, raw_answers=wrong, now=NOW)
    assert stored_answers(attempt) == choices_of(attempt, wrong)
    item = {i.question.key: f"q{i.position}" for i in attempt.items.select_related("question")}
    submitted = {
        **right,
        item["registry-permanent"]: wrong[item["registry-permanent"]],
        item["consent-elements"]: right[item["consent-elements"]][:1],  # half the right ones
    }
    # In New York: stored as the ORM stores it, a moment compares with others in SQL.
    moment = (NOW + datetime.timedelta(minutes=3)).astimezone(ZoneInfo("America/New_York"))

    _, graded = quiz_attempt_submit(
        user=rep, attempt_id=attempt.pk, raw_answers=submitted, now=moment
    )

    assert graded
    assert stored_answers(attempt) == choices_of(attempt, submitted)
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.submitted_at == moment and stored.timed_out is False
    graded_by_then = QuizAttempt.objects.filter(submitted_at__lte=moment)
    assert list(graded_by_then) == [stored]
    assert not graded_by_then.filter(submitted_at__lt=moment).exists()
    assert (stored.points, stored.max_points) == (Decimal("2.500"), 4)
    assert stored.percent == Decimal("62.5") and stored.passed is False
    scores = {
        i.question.key: (i.points, i.is_correct) for i in attempt.items.select_related("question")
    }
    assert scores == {
        "registry-permanent": (Decimal("0.000"), False),
        "local-time": (Decimal("1.000"), True),
        "consent-elements": (Decimal("0.500"), False),
        "scrub-days": (Decimal("1.000"), True),
    }


@pytest.mark.django_db
def test_a_second_submission_changes_nothing(quiz, rep):
    attempt = quiz_attempt_start(user=rep, quiz=quiz, now=NOW)
    quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers=answer_form(attempt), now=NOW)
    before = QuizAttempt.objects.filter(pk=attempt.pk).values().get()
    answers = stored_answers(attempt)

    _, graded = quiz_attempt_submit(
        user=rep,
        attempt_id=attempt.pk,
        raw_answers=answer_form(attempt, right=False),
        now=NOW + datetime.timedelta(minutes=1),
    )

    assert not graded
    assert QuizAttempt.objects.filter(pk=attempt.pk).values().get() == before
    assert stored_answers(attempt) == answers


@pytest.mark.django_db
def test_results_rise_in_the_progress_row_and_the_team_tally(quiz, rep, manager):
    assignment_create(
        by=manager,
        modules=[quiz.step.module],
        team=manager.managed_teams.get(),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    row = ModuleProgress.objects.filter(user=rep)
    tally = TeamTally.objects.filter(module=quiz.step.module, done=False, people__gt=0)

    def fail(percent_right, moment):
        attempt = quiz_attempt_start(user=rep, quiz=quiz, now=moment)
        form = answer_form(attempt, right=False)
        for item in attempt.items.order_by("position")[:percent_right]:
            form[f"q{item.position}"] = answer_form(attempt)[f"q{item.position}"]
        quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers=form, now=moment)

    fail(1, NOW)  # 25%: the first result makes the row
    assert row.values_list("best_quiz", "last_activity_at", "completed_at").get() == (
        Decimal("25.0"),
        NOW,
        None,
    )
    assert tally.values_list("people", "quiz_total", "quiz_count").get() == (
        1,
        Decimal("25.0"),
        1,
    )
    later = NOW + datetime.timedelta(hours=1)
    fail(2, later)  # 50%: better, and later
    fail(0, later - datetime.timedelta(minutes=1))  # 0%: neither better nor later
    assert row.values_list("best_quiz", "last_activity_at").get() == (Decimal("50.0"), later)
    assert tally.values_list("people", "quiz_total", "quiz_count").get() == (
        1,
        Decimal("50.0"),
        1,
    )
