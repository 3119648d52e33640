"""Security: who may open what, CSRF, login throttling, sessions and production settings.

The role x URL matrix below lists every URL pattern of the site (walked from the resolver, so a
new URL fails `test_every_url_pattern_is_in_the_matrix` until it gets an entry) with the status
each kind of visitor gets. Django's admin is left out of the walk: it is Django's own, guarded by
`is_staff`, and checked once in `test_the_admin_is_for_staff_only`. The auth views under
`accounts/` are in the matrix: they are the site's front door (login, logout, password change
and reset) even though Django provides them.
"""

from __future__ import annotations

import csv
import datetime
import html.parser
import io
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from courses.certification.services import completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import (
    Assignment,
    Certificate,
    CompletionRecord,
    Module,
    QuizAttempt,
    RoleplayRun,
    Team,
)
from courses.quizzes.services import quiz_attempt_start
from courses.roleplays.services import roleplay_run_start
from courses.teams.services import assignment_create
from tests.factories import choose_reply, complete_module

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("anon", "rep", "manager", "other_manager", "compliance", "admin")
NEW_PASSWORD = "a-Long-unusual-passphrase-42"


# The world every matrix entry is built from ----------------------------------------------------


@dataclass
class World:
    """Two required modules (lesson, quiz, call); the rep has finished both (module 1 certified,
    module 2 waiting for review) and has an open attempt and two open calls; the other rep (in
    the other manager's team) has a certified module 1 with its own attempts and calls."""

    users: dict
    module: Module
    pending_module: Module
    certificate: Certificate
    record: CompletionRecord
    pending_record: CompletionRecord
    attempt: QuizAttempt
    open_attempt: QuizAttempt
    run: RoleplayRun
    open_run: RoleplayRun
    dnc_run: RoleplayRun
    other_attempt: QuizAttempt
    other_run: RoleplayRun
    other_certificate: Certificate
    alpha: Team
    bravo: Team
    assignment: Assignment
    other_assignment: Assignment
    extra: dict = field(default_factory=dict)

    def step(self, kind: str, module=None):
        return (module or self.module).steps.get(kind=kind)

    def step_url(self, name: str, kind: str) -> str:
        return reverse(name, args=[self.module.slug, self.step(kind).slug])

    @property
    def quiz(self):
        return self.step("quiz").quiz


@pytest.fixture
def world(builder, rep, other_rep, manager, other_manager, compliance, django_user_model):
    builder.course(modules=["module-1", "module-2"])
    builder.required_module("module-1")
    builder.required_module("module-2")
    load_curriculum(builder.root)
    module = Module.objects.get(slug="module-1")
    pending_module = Module.objects.get(slug="module-2")
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")

    record = complete_module(rep, module)
    certificate = completion_certify(officer=compliance, record=record)
    pending_record = complete_module(rep, pending_module)
    other_record = complete_module(other_rep, module)
    other_certificate = completion_certify(officer=compliance, record=other_record)

    quiz = module.steps.get(kind="quiz").quiz
    script = module.steps.get(kind="roleplay").script
    open_attempt = quiz_attempt_start(user=rep, quiz=quiz)
    open_run = roleplay_run_start(user=rep, script=script)
    dnc_run = roleplay_run_start(user=rep, script=script)
    for reply_id in ("opening.1", "objection.3", "stop.1"):  # "do not call me again", honoured
        choose_reply(rep, dnc_run, reply_id)

    alpha = Team.objects.get(name="Alpha")
    bravo = Team.objects.get(name="Bravo")
    due = timezone.localdate() + datetime.timedelta(days=30)
    (assignment,) = assignment_create(by=manager, modules=[module], team=alpha, due_date=due)
    (other_assignment,) = assignment_create(
        by=other_manager, modules=[module], team=bravo, due_date=due
    )
    return World(
        users={
            "rep": rep,
            "other_rep": other_rep,
            "manager": manager,
            "other_manager": other_manager,
            "compliance": compliance,
            "admin": admin,
        },
        module=module,
        pending_module=pending_module,
        certificate=certificate,
        record=record,
        pending_record=pending_record,
        attempt=QuizAttempt.objects.filter(user=rep, quiz=quiz, submitted_at__isnull=False)
        .order_by("pk")
        .first(),
        open_attempt=open_attempt,
        run=RoleplayRun.objects.filter(user=rep, script=script, finished_at__isnull=False)
        .order_by("pk")
        .first(),
        open_run=open_run,
        dnc_run=dnc_run,
        other_attempt=QuizAttempt.objects.filter(user=other_rep).first(),
        other_run=RoleplayRun.objects.filter(user=other_rep).first(),
        other_certificate=other_certificate,
        alpha=alpha,
        bravo=bravo,
        assignment=assignment,
        other_assignment=other_assignment,
    )


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def client_for(role: str, world: World, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anon":
        client.force_login(world.users[role])
    return client


# The matrix ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    method: str
    url: Callable[[World], str]
    expect: tuple[int, int, int, int, int, int]  # anon, rep, manager, other, compliance, admin
    data: Callable[[World], dict] = lambda w: {}
    note: str = ""

    def statuses(self) -> dict[str, int]:
        return dict(zip(ROLES, self.expect, strict=True))


def const(url: str) -> Callable[[World], str]:
    return lambda w: url


#              anon  rep  mgr  other compl admin
PUBLIC = (200, 200, 200, 200, 200, 200)
PUBLIC_POST = (302, 302, 302, 302, 302, 302)
SIGNED_IN = (302, 200, 200, 200, 200, 200)
SIGNED_IN_POST = (302, 302, 302, 302, 302, 302)
# The rep's own work: the rep, the rep's manager and compliance may look; nobody else.
REPS_WORK = (302, 200, 200, 404, 200, 404)
# Acting on the rep's own work: the rep only.
REP_ONLY_POST = (302, 302, 404, 404, 404, 404)
COMPLIANCE_GET = (302, 403, 403, 403, 200, 403)
COMPLIANCE_POST = (302, 403, 403, 403, 302, 403)
MANAGERS_GET = (302, 403, 200, 200, 403, 403)
# Team Alpha's things: its manager only; the other team's manager gets a 404.
ALPHA_GET = (302, 403, 200, 404, 403, 403)
ALPHA_POST = (302, 403, 302, 404, 403, 403)
OVERSEERS_GET = (302, 403, 200, 200, 200, 403)

DUE = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()

MATRIX: dict[str, list[Entry]] = {
    # Django's auth views: the front door.
    "/accounts/login/": [
        Entry("GET", const("/accounts/login/"), PUBLIC),
        Entry(
            "POST",
            const("/accounts/login/"),
            PUBLIC,
            data=lambda w: {"username": "rep", "password": "wrong"},
            note="a wrong password re-renders the form",
        ),
    ],
    "/accounts/logout/": [Entry("POST", const("/accounts/logout/"), PUBLIC_POST)],
    "/accounts/password_change/": [
        Entry("GET", const("/accounts/password_change/"), SIGNED_IN),
        Entry(
            "POST",
            const("/accounts/password_change/"),
            SIGNED_IN_POST,
            data=lambda w: {
                "old_password": "pw",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ),
    ],
    "/accounts/password_change/done/": [
        Entry("GET", const("/accounts/password_change/done/"), SIGNED_IN)
    ],
    "/accounts/password_reset/": [
        Entry("GET", const("/accounts/password_reset/"), PUBLIC),
        Entry(
            "POST",
            const("/accounts/password_reset/"),
            PUBLIC_POST,
            data=lambda w: {"email": "rep@example.com"},
        ),
    ],
    "/accounts/password_reset/done/": [
        Entry("GET", const("/accounts/password_reset/done/"), PUBLIC)
    ],
    "/accounts/reset/<uidb64>/<token>/": [
        Entry(
            "GET",
            const("/accounts/reset/MQ/not-a-token/"),
            PUBLIC,
            note="a bad link shows 'this link has expired'",
        )
    ],
    "/accounts/reset/done/": [Entry("GET", const("/accounts/reset/done/"), PUBLIC)],
    "/health/": [Entry("GET", const("/health/"), PUBLIC)],
    # Certificates and their public verification.
    "/certificates/<code:code>/": [
        Entry("GET", lambda w: reverse("certificates:detail", args=[w.certificate.code]), REPS_WORK)
    ],
    "/verify/": [Entry("GET", const("/verify/"), PUBLIC)],
    "/verify/<str:code>/": [
        Entry("GET", lambda w: reverse("verify:code", args=[w.certificate.code]), PUBLIC),
        Entry(
            "GET",
            const("/verify/NOSUCHCODE/"),
            (404, 404, 404, 404, 404, 404),
            note="unknown codes: the same plain answer, 404",
        ),
    ],
    # Compliance.
    "/compliance/": [Entry("GET", const("/compliance/"), COMPLIANCE_GET)],
    "/compliance/records/<int:record_id>/": [
        Entry("GET", lambda w: reverse("compliance:record", args=[w.record.pk]), COMPLIANCE_GET)
    ],
    "/compliance/records/<int:record_id>/certify/": [
        Entry(
            "POST",
            lambda w: reverse("compliance:certify", args=[w.pending_record.pk]),
            COMPLIANCE_POST,
            data=lambda w: {"note": "Evidence checked."},
        )
    ],
    "/compliance/records/<int:record_id>/reject/": [
        Entry(
            "POST",
            lambda w: reverse("compliance:reject", args=[w.pending_record.pk]),
            COMPLIANCE_POST,
            data=lambda w: {
                "note": "Redo the call.",
                "steps": [str(w.step("roleplay", w.pending_module).pk)],
            },
        )
    ],
    "/compliance/records/certify/": [
        Entry(
            "POST",
            const("/compliance/records/certify/"),
            COMPLIANCE_POST,
            data=lambda w: {"records": [str(w.pending_record.pk)]},
        )
    ],
    "/compliance/certificates/": [Entry("GET", const("/compliance/certificates/"), COMPLIANCE_GET)],
    "/compliance/certificates/<code:code>/revoke/": [
        Entry(
            "POST",
            lambda w: reverse("compliance:certificate-revoke", args=[w.certificate.code]),
            COMPLIANCE_POST,
            data=lambda w: {"reason": "Issued in error."},
        )
    ],
    "/compliance/modules/<int:module_id>/recertify/": [
        Entry("GET", lambda w: reverse("compliance:recertify", args=[w.module.pk]), COMPLIANCE_GET),
        Entry(
            "POST",
            lambda w: reverse("compliance:recertify", args=[w.module.pk]),
            COMPLIANCE_POST,
            data=lambda w: {"due_date": DUE, "reason": "The rules changed."},
        ),
    ],
    "/compliance/audit/": [Entry("GET", const("/compliance/audit/"), COMPLIANCE_GET)],
    "/compliance/audit.csv": [Entry("GET", const("/compliance/audit.csv"), COMPLIANCE_GET)],
    "/compliance/reports/certification/": [
        Entry("GET", const("/compliance/reports/certification/"), COMPLIANCE_GET)
    ],
    "/compliance/reports/certification.csv": [
        Entry("GET", const("/compliance/reports/certification.csv"), COMPLIANCE_GET)
    ],
    # Quiz insight: managers (their teams) and compliance (everyone).
    "/insights/quizzes/": [Entry("GET", const("/insights/quizzes/"), OVERSEERS_GET)],
    "/insights/quizzes/<int:quiz_id>/": [
        Entry("GET", lambda w: reverse("insights:quiz", args=[w.quiz.pk]), OVERSEERS_GET)
    ],
    # The rules catalogue with the organisation's results: managers (their teams), compliance.
    "/rules/": [Entry("GET", const("/rules/"), OVERSEERS_GET)],
    # Managers.
    "/team/": [Entry("GET", const("/team/"), MANAGERS_GET)],
    "/team/export.csv": [Entry("GET", const("/team/export.csv"), MANAGERS_GET)],
    "/team/people/<int:user_id>/": [
        Entry("GET", lambda w: reverse("team:person", args=[w.users["rep"].pk]), ALPHA_GET)
    ],
    "/team/assignments/": [Entry("GET", const("/team/assignments/"), MANAGERS_GET)],
    "/team/assignments/new/": [
        Entry("GET", const("/team/assignments/new/"), MANAGERS_GET),
        Entry(
            "POST",
            const("/team/assignments/new/"),
            (302, 403, 302, 400, 403, 403),
            data=lambda w: {
                "what": f"module:{w.pending_module.pk}",
                "to": f"team:{w.alpha.pk}",
                "due_date": DUE,
                "late_joiners": "same",
            },
            note="team Alpha is not among the other manager's choices: a form error",
        ),
    ],
    "/team/assignments/<int:pk>/due/": [
        Entry(
            "POST",
            lambda w: reverse("team:assignment-due", args=[w.assignment.pk]),
            ALPHA_POST,
            data=lambda w: {"due_date": DUE},
        )
    ],
    "/team/assignments/<int:pk>/withdraw/": [
        Entry(
            "POST",
            lambda w: reverse("team:assignment-withdraw", args=[w.assignment.pk]),
            ALPHA_POST,
        )
    ],
    "/team/teams/<int:team_id>/": [
        Entry("GET", lambda w: reverse("team:team", args=[w.alpha.pk]), ALPHA_GET),
        Entry(
            "POST",
            lambda w: reverse("team:team", args=[w.alpha.pk]),
            ALPHA_POST,
            data=lambda w: {"person": "other-rep"},
        ),
    ],
    "/team/teams/<int:team_id>/members/<int:user_id>/remove/": [
        Entry(
            "POST",
            lambda w: reverse("team:member-remove", args=[w.alpha.pk, w.users["rep"].pk]),
            ALPHA_POST,
        )
    ],
    # Learning: any signed-in person learns; their attempts and calls are their own.
    "/": [Entry("GET", const("/"), SIGNED_IN)],
    "/catalogue/": [Entry("GET", const("/catalogue/"), SIGNED_IN)],
    "/reminders/": [Entry("GET", const("/reminders/"), SIGNED_IN)],
    "/modules/<slug:module_slug>/": [
        Entry("GET", lambda w: reverse("learner:module", args=[w.module.slug]), SIGNED_IN)
    ],
    "/modules/<slug:module_slug>/<slug:step_slug>/": [
        Entry("GET", lambda w: w.step_url("learner:step", "lesson"), SIGNED_IN),
        Entry("GET", lambda w: w.step_url("learner:step", "quiz"), SIGNED_IN),
        Entry("GET", lambda w: w.step_url("learner:step", "roleplay"), SIGNED_IN),
    ],
    "/modules/<slug:module_slug>/<slug:step_slug>/complete/": [
        Entry("POST", lambda w: w.step_url("learner:lesson-complete", "lesson"), SIGNED_IN_POST)
    ],
    "/modules/<slug:module_slug>/<slug:step_slug>/attempts/": [
        Entry("POST", lambda w: w.step_url("learner:quiz-start", "quiz"), SIGNED_IN_POST)
    ],
    "/modules/<slug:module_slug>/<slug:step_slug>/calls/": [
        Entry("POST", lambda w: w.step_url("learner:roleplay-start", "roleplay"), SIGNED_IN_POST)
    ],
    "/attempts/<int:attempt_id>/": [
        Entry("GET", lambda w: reverse("learner:quiz-attempt", args=[w.attempt.pk]), REPS_WORK)
    ],
    "/attempts/<int:attempt_id>/answers/": [
        Entry(
            "POST",
            lambda w: reverse("learner:quiz-answer", args=[w.open_attempt.pk]),
            REP_ONLY_POST,
            data=lambda w: {"q1": "0"},
        )
    ],
    "/attempts/<int:attempt_id>/submit/": [
        Entry(
            "POST",
            lambda w: reverse("learner:quiz-submit", args=[w.open_attempt.pk]),
            REP_ONLY_POST,
            data=lambda w: {"q1": "0"},
        )
    ],
    "/calls/<int:run_id>/": [
        Entry("GET", lambda w: reverse("learner:roleplay-run", args=[w.run.pk]), REPS_WORK)
    ],
    "/calls/<int:run_id>/reply/": [
        Entry(
            "POST",
            lambda w: reverse("learner:roleplay-choose", args=[w.open_run.pk]),
            REP_ONLY_POST,
            data=lambda w: {"turn": "0", "option": "0"},
        )
    ],
    "/calls/<int:run_id>/record/": [
        Entry(
            "POST",
            lambda w: reverse("learner:roleplay-record", args=[w.dnc_run.pk]),
            REP_ONLY_POST,
            data=lambda w: {"list": "firm", "details": ["number", "name", "date"]},
        )
    ],
}

MATRIX_ENTRIES = [
    pytest.param(route, index, entry, id=f"{entry.method} {route} #{index}")
    for route, entries in MATRIX.items()
    for index, entry in enumerate(entries)
]
POST_ENTRIES = [p for p in MATRIX_ENTRIES if p.values[2].method == "POST"]
GET_ENTRIES = [p for p in MATRIX_ENTRIES if p.values[2].method == "GET"]


def site_routes(resolver=None, prefix: str = "/"):
    """Every URL pattern of the site, as its route, leaving out Django's admin."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "/admin/":
                continue
            yield from site_routes(pattern, route)
        else:
            yield route


def request(client: Client, entry: Entry, world: World, **extra):
    url = entry.url(world)
    if entry.method == "GET":
        return client.get(url, **extra)
    return client.post(url, entry.data(world), **extra)


class Rollback:
    """Run a block in a savepoint and undo whatever it wrote: each role (and each fuzzing
    example) meets the same world."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        return self.atomic.__exit__(*exc)


def test_every_url_pattern_is_in_the_matrix():
    routes = list(site_routes())
    assert len(routes) == len(set(routes))
    missing = sorted(set(routes) - MATRIX.keys())
    assert not missing, f"URL patterns with no entry in the security matrix: {missing}"
    stale = sorted(MATRIX.keys() - set(routes))
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


# Open to visitors; everything else sends them to log in.
PUBLIC_ROUTES = (
    "/health/",
    "/verify/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/reset/",
)


def is_public(route: str) -> bool:
    return route.startswith(PUBLIC_ROUTES)


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
def test_quiz_insight_counts_only_the_managers_own_people(world):
    mine = client_for("manager", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    theirs = client_for("other_manager", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    assert mine.context["analysis"].attempts == 1
    assert theirs.context["analysis"].attempts == 1
    everyone = client_for("compliance", world).get(reverse("insights:quiz", args=[world.quiz.pk]))
    assert everyone.context["analysis"].attempts == 2


# CSRF ------------------------------------------------------------------------------------------

EXCLUDED_FROM_SNAPSHOT = {Session}


def snapshot() -> dict:
    """Every row of every table but the sessions: a request that is refused changes none."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model not in EXCLUDED_FROM_SNAPSHOT
    }


def allowed_roles(route: str, entry: Entry) -> list[str]:
    """Someone who may make the request: the first signed-in role, and visitors if public."""
    statuses = entry.statuses()
    roles = [next(r for r in ROLES[1:] if statuses[r] < 400)]
    return [*roles, "anon"] if is_public(route) else roles


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "index", "entry"), POST_ENTRIES)
def test_every_post_needs_a_csrf_token(world, route, index, entry):
    for role in allowed_roles(route, entry):
        client = client_for(role, world, enforce_csrf_checks=True)
        before = snapshot()
        response = request(client, entry, world)
        assert response.status_code == 403, (role, response.status_code)
        assert b"Please try again" in response.content  # the CSRF failure page
        assert snapshot() == before
        if role != "anon":  # still signed in: not even logout happened
            assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_csrf_token_from_the_page_is_accepted(world):
    """The other half: with the token the page gives, the same client may post."""
    client = client_for("rep", world, enforce_csrf_checks=True)
    page = client.get(world.step_url("learner:step", "lesson")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    url = world.step_url("learner:lesson-complete", "lesson")
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.post(url, HTTP_X_CSRFTOKEN=header, HTTP_HX_REQUEST="true").status_code == 200


# Login throttling ------------------------------------------------------------------------------

LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def attempt(client: Client, username: str, password: str = "wrong"):
    return client.post(LOGIN, {"username": username, "password": password})


def page_text(response) -> str:
    """The visible text of a page, without the per-request tokens."""
    text = response.content.decode()
    text = re.sub(r'value="[^"]*"', 'value=""', text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def test_axes_is_configured():
    assert settings.INSTALLED_APPS.count("axes") == 1
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_out_and_the_right_password_then_fails_too(rep):
    client = Client()
    for _ in range(LIMIT - 1):
        assert attempt(client, "rep").status_code == 200
    locked = attempt(client, "rep")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get(username="rep").failures_since_start == LIMIT
    # Locked out: even the right password does not get in, and says nothing about it.
    right = attempt(client, "rep", "pw")
    assert right.status_code == 429
    assert page_text(right) == page_text(locked)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_lockout_page_is_the_sites_own_and_polite(rep):
    client = Client()
    for _ in range(LIMIT):
        response = attempt(client, "rep")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "Please wait before trying again" in body
    assert "try again in 15 minutes" in body
    assert reverse("password_reset") in body
    assert "CallReady" in body and 'class="site-header"' in body
    assert "rep" not in re.sub(r"<[^>]+>", " ", body).split("Please wait", 1)[1].split()


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(rep):
    start = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(LIMIT):
            attempt(client, "rep")
        assert attempt(client, "rep", "pw").status_code == 429
        traveller.shift(datetime.timedelta(minutes=14))
        assert attempt(client, "rep", "pw").status_code == 429
        # That try, during the lockout, started the wait again.
        traveller.shift(datetime.timedelta(minutes=14, seconds=59))
        assert attempt(client, "rep", "pw").status_code == 429
        traveller.shift(datetime.timedelta(minutes=15, seconds=1))
        response = attempt(client, "rep", "pw")
        assert response.status_code == 302
        assert response["Location"] == reverse("learner:home")
        # A success clears the failures: the count starts again from nothing.
        assert not AccessAttempt.objects.filter(username="rep").exists()


@pytest.mark.django_db
def test_a_success_resets_the_count(rep):
    client = Client()
    for _ in range(LIMIT - 1):
        attempt(client, "rep")
    assert attempt(client, "rep", "pw").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(LIMIT - 1):
        assert attempt(client, "rep").status_code == 200


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_address(rep, other_rep):
    client = Client()
    for _ in range(LIMIT):
        attempt(client, "rep")
    assert attempt(client, "rep", "pw").status_code == 429
    # Another person at the same address is not locked out...
    assert attempt(Client(), "other-rep", "pw").status_code == 302
    # ...nor is the same person from another address.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert attempt(elsewhere, "rep", "pw").status_code == 302


@pytest.mark.django_db
def test_known_and_unknown_usernames_look_the_same_before_and_after_lockout(rep):
    known, unknown = Client(), Client()
    for number in range(LIMIT + 2):
        a = attempt(known, "rep")
        b = attempt(unknown, "nobody-by-this-name")
        assert a.status_code == b.status_code, number
        assert page_text(a) == page_text(b).replace("nobody-by-this-name", "rep"), number
        assert a.status_code == (200 if number < LIMIT - 1 else 429)
    # The message after lockout names neither the account nor whether it exists.
    assert "nobody-by-this-name" not in b.content.decode()


@pytest.mark.django_db
def test_a_username_spelled_differently_does_not_escape_the_lockout(rep):
    client = Client()
    for _ in range(LIMIT):
        attempt(client, "rep")
    # The login form trims and normalises the username: these are the same name to Django.
    for spelling in (" rep", "rep ", "\uff52\uff45\uff50"):  # fullwidth "rep"
        assert attempt(client, spelling, "pw").status_code == 429, spelling


@pytest.mark.django_db
def test_a_username_longer_than_any_account_is_refused_by_the_form_and_not_recorded(rep):
    # The lockout records hold at most 255 characters; PostgreSQL would refuse a longer one.
    response = attempt(Client(), "9" * 1000, "pw")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert 'maxlength="150"' in response.content.decode()
    assert not AccessAttempt.objects.exists()
    # A name exactly as long as the limit is an ordinary wrong login.
    assert attempt(Client(), "9" * 150, "pw").status_code == 200
    assert AccessAttempt.objects.get().username == "9" * 150


# Sessions --------------------------------------------------------------------------------------


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def with_cookie(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


@pytest.mark.django_db
def test_the_session_key_changes_at_login_and_the_old_one_is_dead(rep):
    client = Client()
    session = client.session  # an anonymous session, as a visitor might have
    session["seen"] = True
    session.save()
    before = session_key(client)
    assert before and Session.objects.filter(session_key=before).exists()
    assert attempt(client, "rep", "pw").status_code == 302
    after = session_key(client)
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200
    assert with_cookie(before).get("/").status_code == 302
    assert with_cookie(after).get("/").status_code == 200


@pytest.mark.django_db
def test_logout_ends_the_session(rep):
    client = Client()
    attempt(client, "rep", "pw")
    key = session_key(client)
    assert with_cookie(key).get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    stolen = with_cookie(key).get("/")
    assert stolen.status_code == 302 and stolen["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions_but_not_this_one(rep):
    here, there = Client(), Client()
    attempt(here, "rep", "pw")
    attempt(there, "rep", "pw")
    assert there.get("/").status_code == 200
    response = here.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert here.get("/").status_code == 200
    assert here.get(reverse("password_change_done")).status_code == 200
    gone = there.get("/")
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_wrong_old_password_changes_nothing(rep):
    client = Client()
    client.force_login(rep)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    rep.refresh_from_db()
    assert rep.check_password("pw")


def test_cookies_are_same_site_and_the_session_cookie_is_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


# Production settings ---------------------------------------------------------------------------


def production_env(**changes) -> dict:
    """A production-like environment: no DEBUG, a long random key, one host, HTTPS on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "HTTPS", "SECURE_", "ALLOWED"))
        and key not in {"TRUSTED_PROXY_COUNT", "DATABASE_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "trainer.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "callready.example.com",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env |= changes
    return {key: value for key, value in env.items() if value is not None}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper()


@pytest.mark.parametrize("entry_point", ["trainer.wsgi", "trainer.asgi"])
@pytest.mark.parametrize("key", [None, ""])
def test_without_a_secret_key_the_site_refuses_to_start(entry_point, key):
    result = run_python(f"import {entry_point}", production_env(SECRET_KEY=key, DEBUG=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_without_a_secret_key_commands_that_sign_nothing_still_run():
    # A build step checks the project and collects static files before any secret exists.
    for command in (["check"], ["makemigrations", "--check", "--dry-run"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=production_env(SECRET_KEY=None, DEBUG=None),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION_VALUES = (
    "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k "
    "in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'AUTHENTICATION_BACKENDS', 'MIDDLEWARE']}))"
)


@pytest.fixture(scope="module")
def production():
    import json

    result = run_python(PRODUCTION_VALUES, production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_turns_https_on(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_throttles_logins_with_axes(production):
    assert production["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "courses.platform.backends.RoleAwareBackend",
    ]
    assert production["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    # The suite runs with the same backends, so its logins are throttled as in production.
    assert isinstance(get_backends()[0], AxesStandaloneBackend)


@pytest.mark.django_db
def test_hsts_over_https_with_the_production_value(production, rep):
    client = Client()
    client.force_login(rep)
    with override_settings(
        SECURE_HSTS_SECONDS=production["SECURE_HSTS_SECONDS"],
        SECURE_HSTS_INCLUDE_SUBDOMAINS=production["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        SECURE_HSTS_PRELOAD=production["SECURE_HSTS_PRELOAD"],
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=tuple(production["SECURE_PROXY_SSL_HEADER"]),
    ):
        secure = client.get("/", secure=True)
        assert secure.status_code == 200
        expected = f"max-age={production['SECURE_HSTS_SECONDS']}; includeSubDomains; preload"
        assert secure["Strict-Transport-Security"] == expected
        # Through the proxy, which says the browser used HTTPS.
        proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied["Strict-Transport-Security"] == expected
        # Plain HTTP is sent to HTTPS, and never gets the header (browsers ignore it there).
        plain = client.get("/catalogue/?x=1")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/catalogue/?x=1"
        assert "Strict-Transport-Security" not in plain


def csp_of(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.mark.django_db
def test_security_headers_on_ordinary_pages(world):
    for role, url in (
        ("anon", "/accounts/login/"),
        ("anon", "/verify/"),
        ("rep", "/"),
        ("manager", "/team/"),
        ("compliance", "/compliance/"),
    ):
        response = client_for(role, world).get(url)
        assert response.status_code == 200
        policy = csp_of(response)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        nonce = [s for s in policy["script-src"] if s.startswith("'nonce-")]
        assert len(nonce) == 1 and len(nonce[0]) > 20
        assert policy["default-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # A fresh nonce on every response.
    client = client_for("rep", world)
    assert csp_of(client.get("/"))["script-src"] != csp_of(client.get("/"))["script-src"]


class TagAudit(html.parser.HTMLParser):
    """Collects what a page must not have: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
            self.in_script = True
            if not attributes.get("src"):
                self.problems.append("a <script> without src")
        if tag == "style":
            self.problems.append("a <style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"a style= attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"an {name}= handler on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"a javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("script text inline")


def audit_html(response) -> TagAudit:
    audit = TagAudit()
    audit.feed(response.content.decode())
    nonce = next(s for s in csp_of(response)["script-src"] if s.startswith("'nonce-"))[7:-1]
    for script in audit.scripts:
        if script.get("nonce") != nonce:
            audit.problems.append(f"a <script> without the response's nonce: {script}")
    return audit


HTMX_FRAGMENTS = [
    ("rep", "POST", lambda w: w.step_url("learner:lesson-complete", "lesson"), {}),
    ("rep", "POST", lambda w: reverse("learner:quiz-answer", args=[w.open_attempt.pk]), {}),
    (
        "rep",
        "POST",
        lambda w: reverse("learner:roleplay-choose", args=[w.open_run.pk]),
        {"turn": "0", "option": "0"},
    ),
    ("manager", "GET", lambda w: "/team/?sort=progress", {}),
]


@pytest.mark.django_db
def test_no_inline_scripts_or_styles_on_any_page(world):
    """Every HTML page a rep, a manager, a compliance officer (and a visitor) sees."""
    checked = 0
    for _route, _index, entry in (p.values for p in GET_ENTRIES):
        for role in ("anon", "rep", "manager", "compliance"):
            response = client_for(role, world).get(entry.url(world))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            audit = audit_html(response)
            assert not audit.problems, (role, entry.url(world), audit.problems)
            assert audit.scripts, "the page loads htmx from a file"
            checked += 1
    # Pages that only show after something happened: errors, messages, a debrief, a lockout.
    client = client_for("rep", world)
    for response in (
        client.post(reverse("learner:quiz-submit", args=[world.open_attempt.pk]), {"q1": "9"}),
        client.post(
            reverse("learner:roleplay-record", args=[world.dnc_run.pk]),
            {"list": "firm", "details": ["number", "name", "date"]},
            follow=True,
        ),
        client_for("manager", world).post("/team/assignments/new/", {"what": "x"}),
        client_for("compliance", world).post(
            reverse("compliance:reject", args=[world.pending_record.pk]), {"note": ""}
        ),
        client_for("manager", world).post(
            reverse("team:team", args=[world.alpha.pk]), {"person": "nobody"}
        ),
        Client().post(LOGIN, {"username": "rep", "password": "wrong"}),
        Client().get("/verify/NOSUCHCODE/"),
    ):
        assert response.status_code in {200, 400, 404}, response.request
        audit = audit_html(response)
        assert not audit.problems, (response.request["PATH_INFO"], audit.problems)
        checked += 1
    locked = Client()
    for _ in range(LIMIT):
        response = attempt(locked, "nobody")
    assert response.status_code == 429
    assert not audit_html(response).problems
    for role, method, url, data in HTMX_FRAGMENTS:
        client = client_for(role, world)
        send = client.get if method == "GET" else client.post
        response = send(url(world), data, HTTP_HX_REQUEST="true")
        assert response.status_code in {200, 409}
        audit = TagAudit()
        audit.feed(response.content.decode())
        assert not audit.problems and not audit.scripts, (url(world), audit.problems)
    assert checked > 60


@pytest.mark.django_db
def test_the_real_curriculum_pages_have_no_inline_scripts_or_styles(rep):
    """The curriculum's own Markdown is sanitised: no lesson, quiz or call page of the real
    content brings in a script, a style or an event handler."""
    load_curriculum()
    client = Client()
    client.force_login(rep)
    steps = 0
    for module in Module.objects.published():
        pages = [reverse("learner:module", args=[module.slug])]
        pages += [
            reverse("learner:step", args=[module.slug, step.slug]) for step in module.steps.active()
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            audit = audit_html(response)
            assert not audit.problems, (url, audit.problems)
            steps += 1
    assert steps > 30
