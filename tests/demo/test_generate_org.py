"""The generate_org command: a realistic organisation, made through the services."""

import datetime
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Answer,
    Assignment,
    AttemptQuestion,
    AuditEntry,
    Certificate,
    CompletionRecord,
    Membership,
    Module,
    Quiz,
    QuizAttempt,
    Review,
    Revocation,
    RoleplayRun,
    RunTurn,
    Step,
    StepCompletion,
    Team,
)
from courses.platform.access import COMPLIANCE, MANAGER, REP
from courses.quizzes import scoring
from courses.quizzes.analysis import item_analysis
from courses.roleplays import engine
from courses.teams.selectors import build_grid
from tests.demo.generated_org import (
    dnc_record_of,
    generate,
    managers,
    officer,
    reps,
    shared_organisation,
)
from tests.support import role_group

User = get_user_model()

_org = shared_organisation("organisation_output", teams=2, reps_per_team=5, seed=1)


@pytest.fixture
def curriculum(db):
    return list(Module.objects.published())


@pytest.fixture
def org(organisation_output, db):
    """Two teams of five, made once for the module."""
    return organisation_output


def test_counts(org, curriculum):
    assert Team.objects.count() == 2
    assert managers().count() == 2
    assert reps().count() == 10
    assert User.objects.count() == 13
    assert set(role_group(MANAGER).user_set.all()) == set(managers())
    assert set(role_group(REP).user_set.all()) == set(reps())
    assert list(role_group(COMPLIANCE).user_set.all()) == [officer()]
    assert Membership.objects.count() == 10
    team_assignments = Assignment.objects.filter(team__isnull=False)
    assert team_assignments.count() == 2 * len(curriculum)
    assert Assignment.objects.filter(user__isnull=False).count() >= 1
    assert QuizAttempt.objects.exists()
    assert AttemptQuestion.objects.exists()
    assert Answer.objects.exists()
    assert RoleplayRun.objects.exists()
    assert RunTurn.objects.exists()
    assert StepCompletion.objects.exists()
    for user in User.objects.all():
        assert user.email == f"{user.username}@example.com"
        assert user.check_password("callready-demo")
        assert user.first_name and user.last_name
    assert "callready-demo" in org
    assert f"{Assignment.objects.count()} (" in org
    assert f"quiz attempts      {QuizAttempt.objects.count()}" in org
    assert "compliance         org-compliance" in org
    assert f"completion records {CompletionRecord.objects.count()}" in org
    assert f"certified          {Certificate.objects.count()}" in org
    assert f"rejected           {Review.objects.filter(decision='rejected').count()}" in org
    assert f"pending            {CompletionRecord.objects.filter(review=None).count()}" in org
    assert f"revoked            {Revocation.objects.count()}" in org
    expired = Certificate.objects.filter(revocation=None, expires_at__lte=timezone.now())
    assert f"expired            {expired.count()}" in org


def test_every_rep_is_in_a_team_with_a_manager(org):
    for rep in reps():
        (membership,) = rep.memberships.select_related("team")
        assert membership.team.managers.filter(groups__name=MANAGER).exists()
    for manager in managers():
        assert manager.managed_teams.exists()


def test_memberships_and_assignments_look_real(org):
    now = timezone.now()
    today = timezone.localdate()
    for membership in Membership.objects.all():
        assert now - datetime.timedelta(days=120) <= membership.joined_at < now
    assert len(set(Membership.objects.values_list("joined_at", flat=True))) == 10
    team_assignments = list(Assignment.objects.filter(team__isnull=False).select_related("team"))
    for assignment in team_assignments:
        assert assignment.assigned_by in assignment.team.managers.all()
        assert assignment.assigned_at < now
    dues = [a.due_date for a in team_assignments]
    assert any(due < today for due in dues)
    assert any(0 <= (due - today).days <= 3 for due in dues)
    assert sum((due - today).days > 3 for due in dues) > len(dues) / 2
    for assignment in Assignment.objects.filter(user__isnull=False):
        team = assignment.user.memberships.get().team
        assert assignment.assigned_by in team.managers.all()
        assert assignment.note


def test_nothing_is_in_the_future(org):
    now = timezone.now()
    stamps = [
        *QuizAttempt.objects.values_list("started_at", flat=True),
        *QuizAttempt.objects.values_list("submitted_at", flat=True),
        *RoleplayRun.objects.values_list("started_at", flat=True),
        *RoleplayRun.objects.values_list("finished_at", flat=True),
        *RunTurn.objects.values_list("chosen_at", flat=True),
        *StepCompletion.objects.values_list("completed_at", flat=True),
        *Assignment.objects.values_list("assigned_at", flat=True),
        *User.objects.values_list("date_joined", flat=True),
        *CompletionRecord.objects.values_list("completed_at", flat=True),
        *Review.objects.values_list("at", flat=True),
        *Certificate.objects.values_list("issued_at", flat=True),
        *Revocation.objects.values_list("at", flat=True),
        *AuditEntry.objects.values_list("at", flat=True),
        *StepCompletion.objects.exclude(voided_at=None).values_list("voided_at", flat=True),
    ]
    assert all(stamp is not None and stamp < now for stamp in stamps)
    # Nobody works on a module before they joined their team.
    joined = dict(Membership.objects.values_list("user_id", "joined_at"))
    for user_id, first in (
        StepCompletion.objects.values("user_id")
        .annotate(first=Min("completed_at"))
        .values_list("user_id", "first")
    ):
        assert first > joined[user_id] - datetime.timedelta(minutes=1)


def test_running_twice_with_the_same_prefix_is_refused(org):
    before = {
        model: model.objects.count()
        for model in (User, Team, Membership, Assignment, QuizAttempt, RoleplayRun, StepCompletion)
    }
    with pytest.raises(CommandError, match="already exist"):
        generate(teams=3, reps_per_team=2, seed=2)
    after = {model: model.objects.count() for model in before}
    assert after == before


def test_quiz_attempts_agree_with_the_scoring_engine(org):
    attempts = list(
        QuizAttempt.objects.select_related("quiz__step__module").prefetch_related(
            "items__question__choices", "items__answers__choice"
        )
    )
    assert attempts
    numbers = defaultdict(list)
    for attempt in attempts:
        quiz = attempt.quiz
        numbers[(attempt.user_id, quiz.pk)].append(attempt.number)
        assert attempt.pass_mark == quiz.pass_mark
        assert attempt.content_version == quiz.step.module.content_version
        assert attempt.submitted_at > attempt.started_at
        assert attempt.timed_out is False
        items = list(attempt.items.all())
        bank = quiz.questions.filter(retired_at__isnull=True).count()
        assert [item.position for item in items] == list(range(1, min(quiz.draw_count, bank) + 1))
        questions, answers = [], {}
        for item in items:
            choices = {c.pk: c for c in item.question.choices.all()}
            assert sorted(item.choice_order) == sorted(
                pk for pk, c in choices.items() if c.retired_at is None
            )
            if item.question.kind == "true_false":
                assert [choices[pk].key for pk in item.choice_order] == ["true", "false"]

            def key(pk, choices=choices):
                return choices[pk].key if choices[pk].key in ("true", "false") else str(pk)

            questions.append(
                scoring.Question(
                    key=str(item.pk),
                    kind=scoring.Kind(item.question.kind),
                    choices=tuple(key(pk) for pk in item.choice_order),
                    correct=frozenset(
                        key(pk) for pk in item.choice_order if choices[pk].is_correct
                    ),
                )
            )
            selected = [answer.choice_id for answer in item.answers.all()]
            assert set(selected) <= set(item.choice_order)
            if item.question.kind != "multiple":
                assert len(selected) <= 1
            answers[str(item.pk)] = [key(pk) for pk in selected]
        result = scoring.score_attempt(
            questions,
            answers,
            pass_mark=attempt.pass_mark,
            partial_credit=quiz.partial_credit,
        )
        assert attempt.percent == result.percent
        assert attempt.passed == result.passed
        assert attempt.max_points == result.max_points
        assert float(attempt.points) == round(float(result.points), 3)
        for item, outcome in zip(items, result.questions, strict=True):
            assert item.is_correct == outcome.is_correct
            assert float(item.points) == round(float(outcome.points), 3)
    for (_, _), seen in numbers.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)) and len(seen) <= 3
    # Stored well enough for item analysis.
    quiz = Quiz.objects.get(pk=attempts[0].quiz_id)
    analysis = item_analysis(quiz, QuizAttempt.objects.all())
    assert analysis.attempts >= 1
    assert (
        sum(stats.answered for stats in analysis.questions)
        == AttemptQuestion.objects.filter(attempt__quiz=quiz).count()
    )


def test_there_are_strong_and_weak_results(org):
    assert QuizAttempt.objects.filter(passed=True).exists()
    assert QuizAttempt.objects.filter(passed=False).exists()
    assert RoleplayRun.objects.filter(passed=True).exists()
    assert RoleplayRun.objects.filter(passed=False).exists()


def test_roleplay_runs_replay_through_the_script(org):
    runs = list(RoleplayRun.objects.select_related("script__step__module"))
    assert runs
    for run in runs:
        script = engine.parse_script(run.script_data)
        assert run.script_data == run.script.data
        assert run.content_version == run.script.step.module.content_version
        turns = list(run.turns.order_by("position"))
        assert [t.position for t in turns] == list(range(len(turns)))
        path = [t.reply for t in turns]
        state = engine.start_call(script)
        for turn in turns:
            assert turn.node == state.node
            state = engine.advance(script, state, turn.reply)
        assert engine.replay(script, path) == state
        assert engine.is_over(script, state)
        times = [run.started_at, *(t.chosen_at for t in turns), run.finished_at]
        assert times == sorted(times)
        ended_dnc = script.nodes[state.node].outcome == "dnc_honoured"
        assert (run.dnc_record is not None) == ended_dnc
        if ended_dnc:
            assert set(run.dnc_record) == {"list", "details", "recorded_at"}
            assert run.dnc_record["details"] == sorted(run.dnc_record["details"])
            assert datetime.datetime.fromisoformat(run.dnc_record["recorded_at"]) == (
                run.finished_at
            )
        result = engine.score_path(script, path, dnc_record_of(run))
        assert run.scores == dict(result.scores)
        assert run.total == result.total
        assert run.percent == result.percent
        assert run.passed == result.passed
        assert run.outcome == (result.outcome or "")
        assert run.violation == bool(result.violations)


def test_completions_exist_exactly_for_passed_work_and_read_lessons(org):
    completions = {
        (c.user_id, c.step_id): c for c in StepCompletion.objects.select_related("step__module")
    }
    # Only the steps compliance reopened on rejecting a completion are voided.
    reopened = {
        (review.record.user_id, title): review
        for review in Review.objects.filter(decision="rejected").select_related("record")
        for title in review.redo_steps
    }
    for completion in completions.values():
        assert completion.content_version == completion.step.module.content_version
        review = reopened.get((completion.user_id, completion.step.title))
        if review is not None and completion.step.module_id == review.record.module_id:
            assert completion.voided_at == review.at
            assert completion.void_reason == f"Reopened by compliance: {review.note}"[:300]
        else:
            assert completion.voided_at is None

    passed_quizzes = {}
    for attempt in QuizAttempt.objects.filter(passed=True).select_related("quiz"):
        passed_quizzes[(attempt.user_id, attempt.quiz.step_id)] = attempt.submitted_at
    passed_calls = {}
    for run in RoleplayRun.objects.filter(passed=True).select_related("script"):
        passed_calls[(run.user_id, run.script.step_id)] = run.finished_at
    assert passed_quizzes and passed_calls
    for key, submitted in passed_quizzes.items():
        assert completions[key].completed_at == submitted
    for key, finished in passed_calls.items():
        assert completions[key].completed_at == finished

    # A passed attempt or call is the only way to complete a quiz or a call.
    kinds = dict(Step.objects.values_list("pk", "kind"))
    for user_id, step_id in completions:
        if kinds[step_id] == Step.Kind.QUIZ:
            assert (user_id, step_id) in passed_quizzes
        elif kinds[step_id] == Step.Kind.ROLEPLAY:
            assert (user_id, step_id) in passed_calls
    # After passing, nobody tries again.
    for user_id, quiz_id in QuizAttempt.objects.filter(passed=True).values_list("user", "quiz"):
        assert (
            QuizAttempt.objects.filter(user_id=user_id, quiz_id=quiz_id, passed=True).count() == 1
        )

    # Lessons are read in order; anyone who tried the quiz or a call read every lesson first.
    lessons = defaultdict(list)
    for step in Step.objects.active().filter(kind=Step.Kind.LESSON).order_by("position"):
        lessons[step.module_id].append(step.pk)
    tried = set(QuizAttempt.objects.values_list("user_id", "quiz__step__module_id"))
    tried |= set(RoleplayRun.objects.values_list("user_id", "script__step__module_id"))
    for rep in reps():
        for module_id, steps in lessons.items():
            read = [(rep.pk, step) in completions for step in steps]
            assert read == sorted(read, reverse=True)
            if (rep.pk, module_id) in tried:
                assert all(read)


def test_progress_is_only_on_assigned_modules(org):
    today = timezone.localdate()
    grid = build_grid(reps(), today=today)
    assigned = {(row.person.pk, module_id) for row in grid.rows for module_id in row.cells}
    worked = set(StepCompletion.objects.values_list("user_id", "step__module_id"))
    worked |= set(QuizAttempt.objects.values_list("user_id", "quiz__step__module_id"))
    assert worked <= assigned
    statuses = {str(cell.status) for cell in grid.cells}
    assert {"done", "overdue"} <= statuses


def test_the_team_dashboard_shows_overdue_work(org, client):
    today = timezone.localdate()
    with_overdue = [
        manager
        for manager in managers()
        if build_grid(
            User.objects.filter(memberships__team__managers=manager).distinct(),
            today=today,
            teams=manager.managed_teams.all(),
        ).overdue_count
    ]
    assert with_overdue
    client.force_login(with_overdue[0])
    response = client.get(reverse("team:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "cell-overdue" in content
    assert "Overdue" in content


def test_the_compliance_officer(org):
    person = officer()
    assert person.groups.filter(name=COMPLIANCE).exists()
    assert person.check_password("callready-demo")
    assert person.email == "org-compliance@example.com"
    assert person.first_name and person.last_name
    assert person.date_joined < timezone.now()
    names = set(User.objects.exclude(pk=person.pk).values_list("first_name", "last_name"))
    assert (person.first_name, person.last_name) not in names
