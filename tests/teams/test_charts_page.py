"""The manager's charts: completion over time per team against due dates, and the status mix."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Membership, Module, Team
from courses.progress.services import step_complete
from courses.teams.services import assignment_create
from tests.support import make_user

NOW = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC)  # a Wednesday
TODAY = datetime.date(2026, 11, 18)


@pytest.fixture
def modules(db, builder):
    builder.simple(modules=2, lessons=1)
    load_curriculum(builder.root)
    return list(Module.objects.order_by("position"))


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(15), datetime.UTC))


def finish(user, module, day):
    with at(day):
        for step in module.steps.all():
            step_complete(user=user, step=step)


@pytest.mark.django_db
def test_the_charts_show_each_teams_completion_and_the_status_mix(
    client, manager, rep, modules, django_user_model
):
    alpha = manager.managed_teams.get()
    second = make_user(django_user_model, "second", "Rep")
    Membership.objects.create(team=alpha, user=second)
    with at(TODAY - datetime.timedelta(days=30)):
        assignment_create(
            by=manager, modules=modules, team=alpha, due_date=TODAY + datetime.timedelta(days=5)
        )
    finish(rep, modules[0], TODAY - datetime.timedelta(days=9))  # a Monday, 9 Nov
    finish(second, modules[0], TODAY - datetime.timedelta(days=1))
    client.force_login(manager)
    with time_machine.travel(NOW):
        page = client.get(reverse("team:charts")).content.decode()

    assert '<svg class="chart" viewBox="0 0 640 260" role="img"' in page
    assert '<title id="over-time-title">Completion over time by team</title>' in page
    assert "Team Alpha: 50% of 4 assigned modules done today. Due dates: 23 Nov." in page
    assert "<caption>Share of assigned modules done, at the end of each week</caption>" in page
    # Four pairs: none done by Sunday 8 Nov, one by Sunday 15 Nov, two today.
    assert '<th scope="row">Sun 8 Nov</th><td class="num">0%</td>' in page
    assert '<th scope="row">Sun 15 Nov</th><td class="num">25%</td>' in page
    assert '<th scope="row">Today</th><td class="num">50%</td>' in page
    assert page.count('class="chart-due"') == 1
    # Status mix: two done, two not started (due in five days: not "due soon" yet).
    assert "Done: 2. In progress: 0. Due soon: 0. Overdue: 0. Not started: 2." in page
    assert '<td class="num">2</td><td class="num">50%</td>' in page
    assert "style=" not in page and "<script>" not in page


@pytest.mark.django_db
def test_nothing_assigned_says_so(client, manager):
    client.force_login(manager)
    page = client.get(reverse("team:charts")).content.decode()
    assert page.count("Nothing is assigned to your teams yet.") == 2
    assert "<svg" not in page


@pytest.mark.django_db
def test_a_rep_is_refused_and_another_manager_sees_only_their_teams(
    client, rep_client, manager, other_manager, modules
):
    assert rep_client.get(reverse("team:charts")).status_code == 403
    assignment_create(by=manager, modules=modules, team=manager.managed_teams.get(), due_date=TODAY)
    client.force_login(other_manager)
    page = client.get(reverse("team:charts")).content.decode()
    assert "Alpha" not in page and page.count("Nothing is assigned to your teams yet.") == 2


@pytest.mark.django_db
@pytest.mark.parametrize("teams, size", [(1, 1), (4, 30)])
def test_query_count_does_not_grow_with_teams_or_people(
    client, manager, modules, django_user_model, teams, size, django_assert_num_queries
):
    for t in range(teams):
        team = Team.objects.create(name=f"Team {t}")
        team.managers.add(manager)
        people = django_user_model.objects.bulk_create(
            django_user_model(username=f"t{t}p{i}") for i in range(size)
        )
        Membership.objects.bulk_create(Membership(team=team, user=p) for p in people)
        assignment_create(by=manager, modules=modules, team=team, due_date=TODAY)
        finish(people[0], modules[0], TODAY - datetime.timedelta(days=3))
    client.force_login(manager)
    # Session, user, teams, people, memberships (twice), assignments (twice), modules, step
    # counts, progress, completion times, and the modules of the assignments.
    with time_machine.travel(NOW), django_assert_num_queries(12):
        response = client.get(reverse("team:charts"))
    assert response.status_code == 200
    assert response.content.decode().count('class="chart-line"') == teams
