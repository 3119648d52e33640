"""Who may open what: every URL for every kind of visitor (the matrix in url_matrix.py), the
admin, GETs that change nothing, and no one reaching another person's or another team's work.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from courses.quizzes.services import quiz_attempt_start
from courses.roleplays.services import roleplay_run_start
from tests.platform.support import ROLES, Rollback, body_of, client_for, snapshot
from tests.platform.url_matrix import (
    DUE,
    MATRIX,
    MATRIX_ENTRIES,
    POST_ENTRIES,
    is_public,
    request,
    site_routes,
)


def test_every_url_pattern_is_in_the_matrix():
    routes = list(site_routes())
    assert len(routes) == len(set(routes))
    missing = sorted(set(routes) - MATRIX.keys())
    assert not missing, f"URL patterns with no entry in the security matrix: {missing}"
    stale = sorted(MATRIX.keys() - set(routes))
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "index", "entry"), MATRIX_ENTRIES)
def test_role_url_matrix(world, route, index, entry):
    got = {}
    for role in ROLES:
        with Rollback():
            response = request(client_for(role, world), entry, world)
        got[role] = response.status_code
        if role == "anon" and not is_public(route):
            assert response.status_code == 302
            assert response["Location"].startswith(f"{reverse('login')}?next="), route
    assert got == entry.statuses(), f"{entry.method} {entry.url(world)} {entry.note}"


@pytest.mark.django_db
def test_the_admin_is_for_staff_only(world):
    for role in ROLES[:-1]:
        response = client_for(role, world).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert client_for("admin", world).get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "index", "entry"), POST_ENTRIES)
def test_changes_need_a_post(world, route, index, entry):
    """A GET to an endpoint that changes things changes nothing: 405, or the page itself."""
    client = client_for("compliance" if "/compliance/" in route else "rep", world)
    if route.startswith("/team/"):
        client = client_for("manager", world)
    before = snapshot()
    response = client.get(entry.url(world))
    assert response.status_code in {200, 405}
    assert snapshot() == before


# Object-level checks ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rep_cannot_see_or_touch_another_reps_work(world):
    client = client_for("rep", world)
    other_open = quiz_attempt_start(user=world.users["other_rep"], quiz=world.quiz)
    other_call = roleplay_run_start(
        user=world.users["other_rep"], script=world.step("roleplay").script
    )
    before = snapshot()
    for url in (
        reverse("learner:quiz-attempt", args=[world.other_attempt.pk]),
        reverse("learner:quiz-attempt", args=[other_open.pk]),
        reverse("learner:roleplay-run", args=[world.other_run.pk]),
        reverse("learner:roleplay-run", args=[other_call.pk]),
        reverse("certificates:detail", args=[world.other_certificate.code]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("learner:quiz-answer", args=[other_open.pk]), {"q1": "0"}),
        (reverse("learner:quiz-submit", args=[other_open.pk]), {"q1": "0"}),
        (reverse("learner:roleplay-choose", args=[other_call.pk]), {"turn": 0, "option": 0}),
        (reverse("learner:roleplay-record", args=[other_call.pk]), {"list": "firm"}),
        (reverse("learner:roleplay-end", args=[other_call.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    # Nor through the pages that list work: nothing of the other rep's shows.
    home = client.get("/").content.decode()
    assert world.other_certificate.code not in home
    assert world.other_certificate.display_code not in home


@pytest.mark.django_db
def test_a_manager_cannot_see_or_touch_another_teams_people_or_work(world):
    client = client_for("other_manager", world)
    rep = world.users["rep"]
    before = snapshot()
    for url in (
        reverse("team:person", args=[rep.pk]),
        reverse("team:team", args=[world.alpha.pk]),
        reverse("learner:quiz-attempt", args=[world.attempt.pk]),
        reverse("learner:quiz-attempt", args=[world.open_attempt.pk]),
        reverse("learner:roleplay-run", args=[world.run.pk]),
        reverse("learner:roleplay-run", args=[world.open_run.pk]),
        reverse("certificates:detail", args=[world.certificate.code]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("team:assignment-due", args=[world.assignment.pk]), {"due_date": DUE}),
        (reverse("team:assignment-withdraw", args=[world.assignment.pk]), {}),
        (reverse("team:team", args=[world.alpha.pk]), {"person": "other-rep"}),
        (reverse("team:member-remove", args=[world.alpha.pk, rep.pk]), {}),
        (reverse("team:member-remove", args=[world.bravo.pk, rep.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    # Assigning to the other team, or to its member, is a form error.
    for to in (f"team:{world.alpha.pk}", f"user:{rep.pk}"):
        response = client.post(
            reverse("team:assignment-new"),
            {"what": f"module:{world.module.pk}", "to": to, "due_date": DUE},
        )
        assert response.status_code == 400
    assert snapshot() == before

    # The pages that list people and assignments show only the manager's own.
    other_rep = world.users["other_rep"]
    for url in ("/team/", f"/team/?team={world.alpha.pk}", f"/team/?team={world.alpha.pk}&x=1"):
        body = client.get(url).content.decode()
        assert f"/team/people/{other_rep.pk}/" in body, url
        assert f"/team/people/{rep.pk}/" not in body, url
    for url in ("/team/export.csv", f"/team/export.csv?team={world.alpha.pk}"):
        rows = list(csv.reader(io.StringIO(body_of(client.get(url)).removeprefix("\ufeff"))))
        assert {row[1] for row in rows[1:]} == {"other-rep"}, url
    assignments = client.get("/team/assignments/").content.decode()
    assert f"/team/assignments/{world.other_assignment.pk}/" in assignments
    assert f"/team/assignments/{world.assignment.pk}/" not in assignments
    assert "Alpha" not in assignments
    person = client.get(reverse("team:person", args=[world.users["other_rep"].pk]))
    assert person.status_code == 200
    assert f"/attempts/{world.attempt.pk}/" not in person.content.decode()


@pytest.mark.django_db
def test_a_manager_cannot_add_or_see_a_rep_outside_their_scope(world):
    """The other team's rep is not in this manager's scope: refused, and still out of sight."""
    client = client_for("manager", world)
    other_rep = world.users["other_rep"]
    before = snapshot()
    for typed in ("other-rep", "OTHER-REP", "other-rep@example.com", " other-rep "):
        response = client.post(reverse("team:team", args=[world.alpha.pk]), {"person": typed})
        assert response.status_code == 400, typed
        assert "placed in your scope" in response.content.decode()
    assert snapshot() == before
    assert client.get(reverse("team:person", args=[other_rep.pk])).status_code == 404
    assert f"/team/people/{other_rep.pk}/" not in client.get("/team/").content.decode()


@pytest.mark.django_db
def test_quiz_insight_counts_only_the_managers_own_people(world):
    mine = client_for("manager", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    theirs = client_for("other_manager", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    assert mine.context["analysis"].attempts == 1
    assert theirs.context["analysis"].attempts == 1
    everyone = client_for("compliance", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    assert everyone.context["analysis"].attempts == 2
