"""The read models never drift from the facts they summarise.

Whatever people do (lessons, quiz attempts, calls), whatever compliance reopens, whatever the
content loses or regains, and whoever moves between teams or gets assignments, every stored
progress row equals a recomputation from the completions, attempts and calls themselves, every
team tally equals a recount, and the dashboard's summary built from the tallies equals the one
built from everyone's cells.
"""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from courses.certification.services import CertificationRefused, completion_reject
from courses.curriculum.loading import load_curriculum
from courses.models import (
    Assignment,
    CompletionRecord,
    ManagerScope,
    Module,
    ModuleProgress,
    Step,
    Team,
)
from courses.progress.read_model import recomputed, stored
from courses.progress.services import ProgressRefused, lesson_complete
from courses.quizzes.services import QuizRefused
from courses.roleplays.services import RoleplayRefused
from courses.teams import tally
from courses.teams.selectors import build_grid, team_summary
from courses.teams.services import (
    assignment_change_due,
    assignment_create,
    assignment_withdraw,
    team_member_add,
    team_member_remove,
)
from tests.factories import CLEAN_CALL, complete_module, play_call, take_quiz
from tests.support import QUIZ, ROLEPLAY, make_user, opened_long_ago

VIOLATION_CALL = ("opening.1", "objection.2")
WRONG_OPENING_CALL = ("opening.2", "objection.1")


@contextlib.contextmanager
def refused_if_already_assigned():
    """An assignment the same people already have, due the same day, is refused: the sequence
    goes on with nothing assigned or moved (other refusals still fail the test)."""
    before = list(Assignment.objects.order_by("pk").values_list("pk", "due_date", "withdrawn_at"))
    try:
        yield
    except ValidationError as error:
        assert error.code == "duplicate", error
        after = Assignment.objects.order_by("pk").values_list("pk", "due_date", "withdrawn_at")
        assert list(after) == before


def write_curriculum(builder, *, with_extra: bool):
    builder.course(modules=["module-1", "module-2"])
    builder.module(
        slug="module-1",
        lessons=["intro", "extra"] if with_extra else ["intro"],
        required=True,
        extra_steps="  - quiz: check.yaml\n  - roleplay: call.yaml\n",
    )
    builder.quiz(module="module-1", text=QUIZ)
    builder.write("basics/module-1/call.yaml", ROLEPLAY)
    builder.module(slug="module-2", lessons=["first", "second"])
    load_curriculum(builder.root)


@pytest.mark.django_db
def test_the_read_model_equals_the_facts_after_any_sequence(builder, django_user_model):
    write_curriculum(builder, with_extra=True)
    people = [make_user(django_user_model, f"rep-{i}", "Rep") for i in range(3)]
    manager = make_user(django_user_model, "boss", "Manager")
    officer = make_user(django_user_model, "officer", "Compliance")
    teams = [Team.objects.create(name=name) for name in ("East", "West")]
    for team in teams:
        team.managers.add(manager)
    ManagerScope.objects.bulk_create([ManagerScope(manager=manager, rep=p) for p in people])

    class Training(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.savepoint_create()
            self.extra_present = True

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        @initialize()
        def one_rep_has_finished_the_required_module(self):
            # So that compliance has a record to reopen from the first step on.
            complete_module(people[0], Module.objects.get(slug="module-1"))

        @initialize()
        def teams_with_work_to_do(self):
            # Someone in each team, someone in both, and work assigned to both teams, so that
            # every later step moves a tally.
            for person, team in [(0, 0), (1, 0), (1, 1), (2, 1)]:
                team_member_add(by=manager, team=teams[team], user=people[person])
            for team, slug in [(0, "module-1"), (1, "module-2"), (1, "module-1")]:
                assignment_create(
                    by=manager,
                    modules=[Module.objects.get(slug=slug)],
                    team=teams[team],
                    due_date=timezone.localdate() + datetime.timedelta(days=3 * team - 1),
                )

        @rule(person=st.sampled_from(people), slug=st.sampled_from(["intro", "extra", "first"]))
        def read_a_lesson(self, person, slug):
            step = Step.objects.active().filter(slug=slug).select_related("module").first()
            if step is None:
                return  # retired just now
            opened_long_ago(person, [step])
            with contextlib.suppress(ProgressRefused):
                lesson_complete(user=person, step=step)

        @rule(person=st.sampled_from(people), right=st.booleans())
        def take_the_quiz(self, person, right):
            quiz = Step.objects.get(slug="check").quiz
            wrong = () if right else quiz.questions.values_list("key", flat=True)
            with contextlib.suppress(QuizRefused):  # out of attempts or waiting: nothing happens
                take_quiz(person, quiz, list(wrong))

        @rule(
            person=st.sampled_from(people),
            replies=st.sampled_from([CLEAN_CALL, VIOLATION_CALL, WRONG_OPENING_CALL]),
        )
        def play_the_call(self, person, replies):
            with contextlib.suppress(RoleplayRefused):
                play_call(person, Step.objects.get(slug="call").script, replies)

        @rule(person=st.sampled_from(people))
        def finish_the_required_module(self, person):
            complete_module(person, Module.objects.get(slug="module-1"))

        @precondition(lambda self: CompletionRecord.objects.exists())
        @rule(data=st.data())
        def compliance_reopens_steps(self, data):
            record = data.draw(st.sampled_from(list(CompletionRecord.objects.order_by("pk"))))
            steps = list(Step.objects.active().filter(module=record.module).order_by("pk"))
            redo = data.draw(st.lists(st.sampled_from(steps), min_size=1, unique=True))
            with contextlib.suppress(CertificationRefused):  # already reviewed
                completion_reject(officer=officer, record=record, note="Redo it.", redo_steps=redo)

        @rule()
        def content_loses_or_regains_a_lesson(self):
            self.extra_present = not self.extra_present
            write_curriculum(builder, with_extra=self.extra_present)

        @rule(person=st.sampled_from(people), team=st.sampled_from(teams), join=st.booleans())
        def team_move(self, person, team, join):
            if join:
                team_member_add(by=manager, team=team, user=person)
            else:
                team_member_remove(by=manager, team=team, user=person)

        @rule(
            team=st.sampled_from(teams),
            slug=st.sampled_from(["module-1", "module-2"]),
            days=st.integers(-10, 10),
            late_joiner_days=st.sampled_from([None, 0, 14]),
        )
        def assign(self, team, slug, days, late_joiner_days):
            with refused_if_already_assigned():
                assignment_create(
                    by=manager,
                    modules=[Module.objects.get(slug=slug)],
                    team=team,
                    due_date=timezone.localdate() + datetime.timedelta(days=days),
                    late_joiner_days=late_joiner_days,
                )

        @rule(
            person=st.sampled_from(people),
            slug=st.sampled_from(["module-1", "module-2"]),
            days=st.integers(-10, 10),
        )
        def assign_a_person(self, person, slug, days):
            with refused_if_already_assigned():
                assignment_create(
                    by=manager,
                    modules=[Module.objects.get(slug=slug)],
                    user=person,
                    due_date=timezone.localdate() + datetime.timedelta(days=days),
                )

        @precondition(lambda self: Assignment.objects.active().exists())
        @rule(data=st.data(), withdraw=st.booleans(), days=st.integers(-10, 10))
        def change_an_assignment(self, data, withdraw, days):
            assignment = data.draw(
                st.sampled_from(list(Assignment.objects.active().order_by("pk")))
            )
            if withdraw:
                assignment_withdraw(by=manager, assignment=assignment)
            else:
                due = timezone.localdate() + datetime.timedelta(days=days)
                with refused_if_already_assigned():
                    assignment_change_due(by=manager, assignment=assignment, due_date=due)

        @invariant()
        def every_row_equals_the_facts(self):
            assert stored() == recomputed()

        @invariant()
        def every_team_tally_equals_a_recount(self):
            assert tally.stored() == tally.measured([team.pk for team in teams])

        @invariant()
        def the_dashboard_summary_equals_everyones_cells(self):
            today = timezone.localdate()
            for chosen in ([teams[0]], [teams[1]], teams):
                everyone = django_user_model.objects.filter(memberships__team__in=chosen)
                grid = build_grid(everyone.distinct().order_by("pk"), today=today, teams=chosen)
                summary = team_summary(teams=chosen, today=today)
                assert [
                    (s.module.pk, s.assigned, s.done, s.overdue, s.average_quiz)
                    for s in summary.summaries
                ] == [
                    (s.module.pk, s.assigned, s.done, s.overdue, s.average_quiz)
                    for s in grid.summaries
                ]
                assert summary.completion_rate == grid.completion_rate
                assert summary.overdue_count == grid.overdue_count

    Training.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Training.TestCase().runTest()


@pytest.mark.django_db
def test_rebuild_progress_repairs_rows_and_check_reports_drift(builder, rep, capsys):
    write_curriculum(builder, with_extra=False)
    complete_module(rep, Module.objects.get(slug="module-1"))
    row = ModuleProgress.objects.get(user=rep)
    assert row.steps_done == 3 and row.completed_at is not None and row.call == "passed"
    ModuleProgress.objects.filter(pk=row.pk).update(steps_done=0, completed_at=None)

    with pytest.raises(Exception, match="1 rows differ from the facts"):
        call_command("rebuild_progress", "--check")
    call_command("rebuild_progress")
    assert "1 rows written, 0 removed" in capsys.readouterr().out
    row.refresh_from_db()
    assert row.steps_done == 3 and row.completed_at is not None
    call_command("rebuild_progress", "--check")
    assert "All 1 progress rows and 0 team tallies match the facts" in capsys.readouterr().out
