"""The team tallies the dashboard adds up follow every change, whichever way it is made."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import ManagerScope, Membership, Module, Team, TeamTally
from courses.progress.services import step_complete
from courses.teams import tally
from courses.teams.services import assignment_create, team_member_add, team_member_remove
from tests.support import make_user


@pytest.fixture
def module(db, builder):
    builder.simple(modules=1, lessons=2)
    load_curriculum(builder.root)
    return Module.objects.get()


@pytest.fixture
def team(manager):
    return manager.managed_teams.get()


def headline(client) -> tuple[str, str]:
    """The dashboard's "done" share and overdue count, as a manager reads them."""
    page = client.get(reverse("team:dashboard")).content.decode()
    values = re.findall(r'<span class="stat-value">([^<]*)</span>', page)
    return values[0], values[1]


def assign(manager, team, module, days):
    due = timezone.localdate() + datetime.timedelta(days=days)
    return assignment_create(by=manager, modules=[module], team=team, due_date=due)[0]


def test_the_dashboard_follows_completions_and_team_moves(client, manager, team, module, rep):
    other = make_user(type(rep), "second", "Rep")
    ManagerScope.objects.create(manager=manager, rep=other)
    team_member_add(by=manager, team=team, user=other)
    assign(manager, team, module, -1)
    client.force_login(manager)
    assert headline(client) == ("0%", "2")

    for step in module.steps.all():
        step_complete(user=rep, step=step)
    assert headline(client) == ("50%", "1")

    team_member_remove(by=manager, team=team, user=other)
    assert headline(client) == ("100%", "0")


def test_someone_in_two_teams_is_counted_once(client, manager, team, module, rep):
    second = Team.objects.create(name="Second")
    second.managers.add(manager)
    team_member_add(by=manager, team=second, user=rep)
    assign(manager, team, module, 5)
    assign(manager, second, module, -2)
    client.force_login(manager)
    # Both teams: the earlier due date applies, and the rep is one person, overdue once.
    assert headline(client) == ("0%", "1")
    page = client.get(reverse("team:dashboard"), {"team": team.pk}).content.decode()
    assert re.findall(r'<span class="stat-value">([^<]*)</span>', page)[:2] == ["0%", "0"]
    assert not TeamTally.objects.filter(people__gt=0, team__in=[team, second]).exists()


def test_memberships_made_outside_the_services_are_counted(manager, team, module, rep):
    """The admin edits memberships directly; the tallies follow it all the same."""
    assign(manager, team, module, 3)
    newcomer = make_user(type(rep), "newcomer", "Rep")
    Membership.objects.create(team=team, user=newcomer)
    assert tally.stored() == tally.measured([team.pk])
    assert sum(row["people"] for row in tally.stored().values()) == 2
    newcomer.delete()
    assert sum(row["people"] for row in tally.stored().values()) == 1


def test_rebuild_progress_checks_and_repairs_the_tallies(manager, team, module, capsys):
    assign(manager, team, module, 3)
    TeamTally.objects.update(people=7)
    with pytest.raises(Exception, match="1 rows differ from the facts"):
        call_command("rebuild_progress", "--check")
    assert "team tally of team" in capsys.readouterr().out
    call_command("rebuild_progress")
    assert "1 team tallies counted" in capsys.readouterr().out
    call_command("rebuild_progress", "--check")
    assert "1 team tallies match the facts" in capsys.readouterr().out
