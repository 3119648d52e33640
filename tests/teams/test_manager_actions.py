"""What a manager does to assignments: no doubles, withdrawals confirmed, reminders on demand,
due dates moved together."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Assignment, AuditEntry, Module, Reminder, Team
from courses.progress.services import step_complete
from courses.teams.services import assignment_create, assignment_withdraw
from tests.support import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = datetime.date(2026, 11, 2)
DUE = TODAY + datetime.timedelta(days=10)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.fixture
def modules(db, builder):
    builder.simple(modules=2, lessons=2)
    load_curriculum(builder.root)
    return list(Module.objects.order_by("position"))


@pytest.fixture
def team(manager):
    return manager.managed_teams.get()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def assign_form(module, to, due=DUE):
    return {"what": f"module:{module.pk}", "to": to, "due_date": due.isoformat()}


def snapshot():
    return sorted(
        Assignment.objects.values_list("pk", "module_id", "due_date", "withdrawn_at", "user_id")
    )


@pytest.mark.django_db
class TestNoDoubleAssignments:
    def test_the_same_module_for_the_same_team_on_the_same_day_is_refused(
        self, manager_client, team, modules, frozen
    ):
        url = reverse("team:assignment-new")
        assert (
            manager_client.post(url, assign_form(modules[0], f"team:{team.pk}")).status_code == 302
        )
        before = snapshot()
        response = manager_client.post(url, assign_form(modules[0], f"team:{team.pk}"))
        assert response.status_code == 400
        page = response.content.decode()
        assert f"{modules[0].title} is already assigned to team Alpha, due 12 Nov 2026" in page
        assert "Nothing was assigned" in page
        assert snapshot() == before

    def test_the_same_module_for_the_same_person_is_refused_and_a_course_assigns_nothing(
        self, manager_client, rep, team, modules, frozen
    ):
        url = reverse("team:assignment-new")
        manager_client.post(url, assign_form(modules[1], f"user:{rep.pk}"))
        before = snapshot()
        course = modules[0].course
        response = manager_client.post(
            url,
            {"what": f"course:{course.pk}", "to": f"user:{rep.pk}", "due_date": DUE.isoformat()},
        )
        assert response.status_code == 400
        assert "already assigned to Rep" in response.content.decode()
        assert snapshot() == before  # not even the module that was not assigned yet

    def test_another_day_another_person_or_after_a_withdrawal_is_fine(
        self, manager, manager_client, rep, team, modules, frozen
    ):
        url = reverse("team:assignment-new")
        manager_client.post(url, assign_form(modules[0], f"team:{team.pk}"))
        later = DUE + datetime.timedelta(days=1)
        assert (
            manager_client.post(url, assign_form(modules[0], f"team:{team.pk}", later)).status_code
            == 302
        )
        assert (
            manager_client.post(url, assign_form(modules[0], f"user:{rep.pk}")).status_code == 302
        )
        assignment_withdraw(by=manager, assignment=Assignment.objects.get(team=team, due_date=DUE))
        assert (
            manager_client.post(url, assign_form(modules[0], f"team:{team.pk}")).status_code == 302
        )
        assert Assignment.objects.active().count() == 3

    def test_moving_a_due_date_onto_a_taken_day_is_refused(
        self, manager, manager_client, team, modules, frozen
    ):
        first = assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)[0]
        other_day = DUE + datetime.timedelta(days=2)
        assignment_create(by=manager, modules=[modules[0]], team=team, due_date=other_day)
        response = manager_client.post(
            reverse("team:assignment-due", args=[first.pk]),
            {"due_date": other_day.isoformat()},
            follow=True,
        )
        assert "that date is taken" in response.content.decode()
        first.refresh_from_db()
        assert first.due_date == DUE


@pytest.mark.django_db
class TestWithdrawing:
    def test_the_question_names_the_module_and_everyone_it_reaches(
        self, manager, manager_client, rep, team, modules, frozen
    ):
        assignment = assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)[0]
        url = reverse("team:assignment-withdraw", args=[assignment.pk])
        page = manager_client.get(url).content.decode()
        assert "<h1>Withdraw this assignment?</h1>" in page
        assert f"<strong>{modules[0].title}</strong>, due 12 Nov 2026" in page
        assert "team Alpha (1 member: Rep)" in page
        assert "Yes, withdraw" in page
        assert Assignment.objects.get().withdrawn_at is None  # asking changes nothing

    def test_with_htmx_the_question_is_a_fragment_of_the_page(
        self, manager, manager_client, team, modules, frozen
    ):
        assignment = assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)[0]
        url = reverse("team:assignment-withdraw", args=[assignment.pk])
        response = manager_client.get(url, **HTMX)
        page = response.content.decode()
        assert "<html" not in page and "<h1>" not in page
        assert f'id="confirm-{assignment.pk}"' in page and "Yes, withdraw" in page

    def test_only_a_confirmed_post_withdraws(self, manager, manager_client, rep, modules, frozen):
        assignment = assignment_create(by=manager, modules=[modules[0]], user=rep, due_date=DUE)[0]
        url = reverse("team:assignment-withdraw", args=[assignment.pk])
        response = manager_client.post(url, {})
        assert (
            "will be withdrawn from" in response.content.decode()
            and "Rep" in response.content.decode()
        )
        assert Assignment.objects.get().withdrawn_at is None
        response = manager_client.post(url, {"confirm": "yes"}, follow=True)
        assert f"{modules[0].title} is withdrawn." in response.content.decode()
        assignment.refresh_from_db()
        assert assignment.withdrawn_at is not None and assignment.withdrawn_by == manager
        assert AuditEntry.objects.filter(action="assignment.withdrawn").count() == 1

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
    def test_tampered_ids_are_not_found(self, manager_client, pk):
        url = f"/team/assignments/{pk}/withdraw/"
        assert manager_client.get(url).status_code == 404
        assert manager_client.post(url, {"confirm": "yes"}).status_code == 404

    def test_another_managers_assignment_is_not_found(
        self, manager, client, other_manager, team, modules, frozen
    ):
        assignment = assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)[0]
        client.force_login(other_manager)
        url = reverse("team:assignment-withdraw", args=[assignment.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "yes"}).status_code == 404
        assert Assignment.objects.get().withdrawn_at is None


@pytest.mark.django_db
class TestRemindNow:
    @pytest.fixture
    def assignment(self, manager, team, modules, frozen):
        return assignment_create(
            by=manager, modules=[modules[0]], team=team, due_date=TODAY - datetime.timedelta(days=2)
        )[0]

    def remind(self, client, rep, assignment, **extra):
        return client.post(reverse("team:remind-now", args=[rep.pk, assignment.pk]), **extra)

    def test_one_reminder_is_sent_logged_and_a_second_refused_for_a_day(
        self, manager, manager_client, rep, assignment, frozen, django_capture_on_commit_callbacks
    ):
        person_page = manager_client.get(reverse("team:person", args=[rep.pk])).content.decode()
        assert "Remind now" in person_page
        with django_capture_on_commit_callbacks(execute=True):
            response = self.remind(manager_client, rep, assignment, follow=True)
        assert f"A reminder of {assignment.module.title} is on its way to Rep." in (
            response.content.decode()
        )
        (message,) = mail.outbox
        assert message.to == [rep.email]
        assert message.subject == f"A reminder from your manager: {assignment.module.title}"
        assert "Manager asks you to finish" in message.body and "it was due on" in message.body
        (entry,) = AuditEntry.objects.filter(action="assignment.reminded")
        assert (entry.actor, entry.person, entry.object_id) == (manager, rep, str(assignment.pk))
        assert entry.summary == f"Rep reminded of {assignment.module.title}, due 2026-10-31"

        frozen.shift(datetime.timedelta(hours=23))
        with django_capture_on_commit_callbacks(execute=True):
            response = self.remind(manager_client, rep, assignment, follow=True)
        page = response.content.decode()
        assert "Nothing was sent: Rep was reminded of" in page and "less than a day ago" in page
        assert "The next reminder can go at 10:00 a.m. on 3 Nov 2026." in page  # New York time
        assert len(mail.outbox) == 1
        assert Reminder.objects.count() == 1
        assert AuditEntry.objects.filter(action="assignment.reminded").count() == 1

        frozen.shift(datetime.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            self.remind(manager_client, rep, assignment)
        assert len(mail.outbox) == 2

    def test_with_htmx_the_answer_is_a_fragment(
        self, manager_client, rep, assignment, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self.remind(manager_client, rep, assignment, **HTMX)
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page
        assert 'class="message message-success"' in page and "on its way to Rep" in page
        response = self.remind(manager_client, rep, assignment, **HTMX)
        assert 'class="message message-error"' in response.content.decode()
        assert len(mail.outbox) == 1

    def test_a_finished_module_is_not_reminded(
        self, manager_client, rep, assignment, django_capture_on_commit_callbacks
    ):
        for step in assignment.module.steps.all():
            step_complete(user=rep, step=step)
        with django_capture_on_commit_callbacks(execute=True):
            response = self.remind(manager_client, rep, assignment, follow=True)
        assert "has finished" in response.content.decode()
        assert mail.outbox == [] and not Reminder.objects.exists()

    def test_another_manager_or_a_person_outside_the_assignment_gets_404(
        self, client, manager, rep, other_rep, other_manager, assignment, django_user_model
    ):
        client.force_login(other_manager)
        assert self.remind(client, rep, assignment).status_code == 404
        assert self.remind(client, other_rep, assignment).status_code == 404
        # The manager's own assignment, but for someone it does not reach.
        loner = make_user(django_user_model, "loner", "Rep")
        Team.objects.get(name="Alpha").memberships.create(user=loner)
        own = assignment_create(by=manager, modules=[assignment.module], user=loner, due_date=DUE)[
            0
        ]
        client.force_login(manager)
        assert self.remind(client, rep, own).status_code == 404
        assert not Reminder.objects.exists() and mail.outbox == []

    def test_a_rep_is_refused(self, rep_client, rep, assignment):
        assert self.remind(rep_client, rep, assignment).status_code == 403


@pytest.mark.django_db
class TestBulkDueDate:
    @pytest.fixture
    def assignments(self, manager, rep, team, modules, frozen):
        return [
            assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)[0],
            assignment_create(by=manager, modules=[modules[1]], user=rep, due_date=DUE)[0],
        ]

    def post(self, client, ids, due="2026-12-01"):
        return client.post(
            reverse("team:assignments-due"), {"assignment": ids, "due_date": due}, follow=True
        )

    def test_the_chosen_assignments_all_move_and_each_change_is_logged(
        self, manager_client, assignments
    ):
        page = manager_client.get(reverse("team:assignments")).content.decode()
        assert 'form="bulk-due"' in page and "Change the ticked assignments" in page
        response = self.post(manager_client, [a.pk for a in assignments])
        assert "The due date of 2 assignment(s) is now 1 Dec 2026." in response.content.decode()
        assert {a.due_date for a in Assignment.objects.all()} == {datetime.date(2026, 12, 1)}
        assert AuditEntry.objects.filter(action="assignment.changed").count() == 2

    @pytest.mark.parametrize(
        "due, message",
        [
            ("2026-10-01", "The due date cannot be in the past."),
            ("not a date", "Enter a valid date."),
            ("2031-01-01", "more than three years away"),
        ],
    )
    def test_a_bad_date_changes_nothing(self, manager_client, assignments, due, message):
        before = snapshot()
        response = self.post(manager_client, [a.pk for a in assignments], due)
        page = response.content.decode()
        assert message in page and "Nothing was changed." in page
        assert snapshot() == before

    def test_someone_elses_or_a_withdrawn_assignment_changes_nothing(
        self, manager, manager_client, other_manager, assignments, modules
    ):
        theirs = assignment_create(
            by=other_manager,
            modules=[modules[0]],
            team=Team.objects.get(name="Bravo"),
            due_date=DUE,
        )[0]
        assignment_withdraw(by=manager, assignment=assignments[1])
        before = snapshot()
        for ids in ([assignments[0].pk, theirs.pk], [assignments[0].pk, assignments[1].pk]):
            response = self.post(manager_client, ids)
            assert "Nothing was changed." in response.content.decode()
        assert snapshot() == before

    def test_choosing_nothing_or_tampering_changes_nothing(self, manager_client, assignments):
        before = snapshot()
        assert "Choose at least one" in self.post(manager_client, []).content.decode()
        assert self.post(manager_client, ["1; drop table"]).status_code == 404
        assert snapshot() == before


@pytest.mark.django_db
def test_the_database_refuses_a_double_that_slips_past_the_check(
    manager, team, modules, monkeypatch, frozen
):
    """Two requests that both checked before either wrote: the constraint stops the second,
    and the manager gets the same message."""
    from django.core.exceptions import ValidationError

    from courses.teams import services

    assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)
    real = services._refuse_duplicates
    calls = []

    def late_check(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:  # only the check after the failed write sees the first one
            real(*args, **kwargs)

    monkeypatch.setattr(services, "_refuse_duplicates", late_check)
    with pytest.raises(ValidationError, match="already assigned to team Alpha"):
        assignment_create(by=manager, modules=[modules[0]], team=team, due_date=DUE)
    assert Assignment.objects.count() == 1 and len(calls) == 2
