"""Fuzzing what a manager posts and filters: assignments, due dates, team members, the
dashboard. The values and checks are in fuzzing.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses.models import Assignment, Membership
from tests.platform.fuzzing import (
    FUZZ,
    as_client,
    assert_shown_escaped,
    dates,
    hostile,
    refused,
    send,
    text_input,
    url_ids,
    value,
)
from tests.platform.support import Rollback, World, body_of, snapshot

# A 100 KB value makes a long failure report; Hypothesis warns about it, and that is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def assignment_form(w: World):
    what = st.one_of(
        st.sampled_from(
            [
                f"module:{w.pending_module.pk}",
                f"module:{w.module.pk}",
                f"course:{w.module.course_id}",
                "module:99999",
                "module:",
                "team:1",
            ]
        ),
        hostile,
    )
    to = st.one_of(
        st.sampled_from(
            [
                f"team:{w.alpha.pk}",
                f"user:{w.users['rep'].pk}",
                f"team:{w.bravo.pk}",  # the other manager's team
                f"user:{w.users['other_rep'].pk}",  # the other manager's rep
                f"user:{w.users['compliance'].pk}",
                "team:",
                "user:-1",
            ]
        ),
        hostile,
    )
    return st.fixed_dictionaries(
        {
            "what": what,
            "to": to,
            "due_date": dates,
            "late_joiners": st.one_of(st.sampled_from(["same", "after"]), hostile),
            "late_joiner_days": st.one_of(st.sampled_from(["1", "14", "365"]), hostile),
            "note": text_input,
        }
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_assignment_create(world, data):
    payload = data.draw(assignment_form(world))
    with Rollback():
        client = as_client(world, "manager")
        known = set(Assignment.objects.values_list("pk", flat=True))
        response = send(client, "POST", reverse("team:assignment-new"), payload)
        created = Assignment.objects.exclude(pk__in=known)
        if refused(response):
            assert response.status_code == 400
            return
        assert response.status_code == 302
        assert created.exists()
        for assignment in created:
            assert assignment.team in (world.alpha, None)
            assert assignment.user in (world.users["rep"], None)
            assert 1 <= (assignment.late_joiner_days or 1) <= 365
        note = created.first().note
        assert note == payload["note"].strip()
        pages = [(client, reverse("team:assignments"))]
        if created.filter(module=world.pending_module).exists():  # the rep's only assignment of it
            pages.append((as_client(world, "rep"), "/"))
        assert_shown_escaped(note, pages)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_assignment_change_due_and_withdraw(world, data):
    pk = data.draw(
        st.one_of(st.sampled_from([world.assignment.pk, world.other_assignment.pk]), url_ids(world))
    )
    action = data.draw(st.sampled_from(["team:assignment-due", "team:assignment-withdraw"]))
    payload = {"due_date": data.draw(st.one_of(dates, st.lists(dates, max_size=2)))}
    with Rollback():
        client = as_client(world, "manager")
        response = send(client, "POST", reverse(action, args=[pk]), payload)
        if pk != world.assignment.pk:
            assert response.status_code == 404
        other = Assignment.objects.get(pk=world.other_assignment.pk)
        assert (other.due_date, other.withdrawn_at) == (
            world.other_assignment.due_date,
            world.other_assignment.withdrawn_at,
        )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_team_member_add_and_remove(world, data):
    team = data.draw(st.one_of(st.sampled_from([world.alpha.pk, world.bravo.pk]), url_ids(world)))
    usernames = [u.username for u in world.users.values()] + ["REP", " rep ", "rep@example.com"]
    with Rollback():
        client = as_client(world, "manager")
        members = set(Membership.objects.values_list("team_id", "user_id"))
        if data.draw(st.booleans()):
            person = data.draw(st.one_of(st.sampled_from(usernames), hostile))
            response = send(client, "POST", reverse("team:team", args=[team]), {"person": person})
        else:
            user = data.draw(url_ids(world))
            url = reverse("team:member-remove", args=[team, user])
            response = send(client, "POST", url, data.draw(st.dictionaries(hostile, hostile)))
        if team != world.alpha.pk:
            assert response.status_code == 404
        changed = members ^ set(Membership.objects.values_list("team_id", "user_id"))
        assert all(team_id == world.alpha.pk for team_id, _ in changed)
        # Only reps join teams: never a manager, an officer or an administrator.
        for _, user_id in changed:
            assert world.users["rep"].pk == user_id or world.users["other_rep"].pk == user_id


def dashboard_query(w: World):
    return st.dictionaries(
        st.sampled_from(["team", "module", "overdue", "sort", "page", "x"]),
        st.one_of(
            st.sampled_from(
                [str(w.alpha.pk), str(w.bravo.pk), str(w.module.pk), "progress", "overdue", "on"]
            ),
            value,
        ),
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_dashboard_filters(world, data):
    client = as_client(world, "manager")
    query = data.draw(dashboard_query(world))
    url = data.draw(st.sampled_from([reverse("team:dashboard"), reverse("team:dashboard-csv")]))
    before = snapshot()
    response = send(client, "GET", url, query, htmx=data.draw(st.booleans()), before=before)
    assert response.status_code == 200
    assert snapshot() == before
    body = body_of(response)
    # Filters never reach another team: the other rep never shows.
    assert f"/team/people/{world.users['other_rep'].pk}/" not in body
    assert "other-rep" not in body
