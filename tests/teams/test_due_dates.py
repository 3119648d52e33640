"""An assignment's due date has the same bounds however it is set: created or moved, through
the manager's pages or through the services."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Assignment, AuditEntry, Module
from courses.teams.services import assignment_change_due, assignment_create

TODAY = datetime.date(2026, 11, 2)
LATEST = datetime.date(2029, 11, 1)  # three years of 365 days from TODAY
TOO_FAR = LATEST + datetime.timedelta(days=1)
FIVE_YEARS = datetime.date(2031, 11, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def module(db, builder):
    builder.simple(modules=1, lessons=1)
    load_curriculum(builder.root)
    return Module.objects.get()


@pytest.fixture
def team(manager):
    return manager.managed_teams.get()


@pytest.fixture
def assignment(manager, team, module):
    due = TODAY + datetime.timedelta(days=10)
    return assignment_create(by=manager, modules=[module], team=team, due_date=due)[0]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def create_form(team, module, due: datetime.date) -> dict:
    return {"what": f"module:{module.pk}", "to": f"team:{team.pk}", "due_date": due.isoformat()}


@pytest.mark.django_db
class TestThroughTheServices:
    @pytest.mark.parametrize("due", [TOO_FAR, FIVE_YEARS])
    def test_creating_past_the_bound_is_refused_and_creates_nothing(
        self, manager, team, module, due
    ):
        with pytest.raises(ValidationError, match="more than three years away"):
            assignment_create(by=manager, modules=[module], team=team, due_date=due)
        assert not Assignment.objects.exists()
        created = AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNMENT_CREATED)
        assert not created.exists()

    def test_creating_at_the_bound_is_accepted(self, manager, team, module):
        (created,) = assignment_create(by=manager, modules=[module], team=team, due_date=LATEST)
        assert created.due_date == LATEST

    @pytest.mark.parametrize("due", [TOO_FAR, FIVE_YEARS])
    def test_moving_past_the_bound_is_refused_and_changes_nothing(self, manager, assignment, due):
        with pytest.raises(ValidationError, match="the latest is 01 Nov 2029"):
            assignment_change_due(by=manager, assignment=assignment, due_date=due)
        assignment.refresh_from_db()
        assert assignment.due_date == TODAY + datetime.timedelta(days=10)
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNMENT_CHANGED).exists()

    def test_moving_to_the_bound_is_accepted(self, manager, assignment):
        assignment_change_due(by=manager, assignment=assignment, due_date=LATEST)
        assignment.refresh_from_db()
        assert assignment.due_date == LATEST


@pytest.mark.django_db
class TestThroughTheManagersPages:
    @pytest.mark.parametrize("due", [TOO_FAR, FIVE_YEARS])
    def test_creating_past_the_bound_is_refused_with_the_reason(
        self, manager_client, team, module, due
    ):
        response = manager_client.post(
            reverse("team:assignment-new"), create_form(team, module, due)
        )
        assert response.status_code == 400
        assert "The due date is more than three years away" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_creating_at_the_bound_is_accepted(self, manager_client, team, module):
        response = manager_client.post(
            reverse("team:assignment-new"), create_form(team, module, LATEST)
        )
        assert response.status_code == 302
        assert Assignment.objects.get().due_date == LATEST

    @pytest.mark.parametrize("due", [TOO_FAR, FIVE_YEARS])
    def test_moving_past_the_bound_is_refused_with_the_reason(
        self, manager_client, assignment, due
    ):
        response = manager_client.post(
            reverse("team:assignment-due", args=[assignment.pk]),
            {"due_date": due.isoformat()},
            follow=True,
        )
        content = response.content.decode()
        assert "The due date is more than three years away" in content
        assert "is changed" not in content
        assignment.refresh_from_db()
        assert assignment.due_date == TODAY + datetime.timedelta(days=10)

    def test_moving_to_the_bound_is_accepted(self, manager_client, assignment):
        response = manager_client.post(
            reverse("team:assignment-due", args=[assignment.pk]),
            {"due_date": LATEST.isoformat()},
            follow=True,
        )
        assert "is changed" in response.content.decode()
        assignment.refresh_from_db()
        assert assignment.due_date == LATEST
