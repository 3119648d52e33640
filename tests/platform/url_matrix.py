"""The role x URL matrix: every URL pattern of the site (walked from the resolver, so a new URL
fails `test_every_url_pattern_is_in_the_matrix` until it gets an entry) with the status each
kind of visitor gets. Django's admin is left out of the walk: it is Django's own, guarded by
`is_staff`, and checked once in `test_the_admin_is_for_staff_only`. The auth views under
`accounts/` are in the matrix: they are the site's front door (login, logout, password change
and reset) even though Django provides them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.platform.support import NEW_PASSWORD, ROLES, World


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
# The rep's own practice: nobody else opens it.
OWN_GET = (302, 200, 404, 404, 404, 404)
# Acting on the rep's own work: the rep only.
REP_ONLY_POST = (302, 302, 404, 404, 404, 404)
COMPLIANCE_GET = (302, 403, 403, 403, 200, 403)
COMPLIANCE_POST = (302, 403, 403, 403, 302, 403)
# A download made by a POST (so that it is written to the audit log): compliance gets the file.
COMPLIANCE_DOWNLOAD = (302, 403, 403, 403, 200, 403)
MANAGERS_GET = (302, 403, 200, 200, 403, 403)
# Team Alpha's things: its manager only; the other team's manager gets a 404.
ALPHA_GET = (302, 403, 200, 404, 403, 403)
ALPHA_POST = (302, 403, 302, 404, 403, 403)
OVERSEERS_GET = (302, 403, 200, 200, 200, 403)
# Not served (a feature that is switched off): 404 for everyone, visitors included.
NOWHERE = (404, 404, 404, 404, 404, 404)

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
    # Two-factor authentication: each person's own (nobody in the world has turned it on; the
    # flows, with their POSTs, are in test_two_factor.py).
    "/accounts/two-factor/": [Entry("GET", const("/accounts/two-factor/"), SIGNED_IN)],
    "/accounts/two-factor/setup/": [Entry("GET", const("/accounts/two-factor/setup/"), SIGNED_IN)],
    "/accounts/two-factor/verify/": [
        Entry(
            "GET",
            const("/accounts/two-factor/verify/"),
            (302, 302, 302, 302, 302, 302),
            note="nobody has an authenticator, so there is no code to enter: sent on",
        )
    ],
    "/accounts/two-factor/recovery-codes/": [
        Entry(
            "GET",
            const("/accounts/two-factor/recovery-codes/"),
            (302, 302, 302, 302, 302, 302),
            note="no authenticator, no recovery codes: sent to the two-factor page",
        )
    ],
    "/accounts/two-factor/devices/<int:device_id>/remove/": [
        Entry(
            "GET",
            const("/accounts/two-factor/devices/999999/remove/"),
            (302, 404, 404, 404, 404, 404),
            note="only a person's own authenticator is found",
        )
    ],
    "/health/": [Entry("GET", const("/health/"), PUBLIC)],
    # Single sign-on: off unless OIDC_ISSUER_URL is set, as here; with it on, both are open to
    # visitors (tests/platform/test_oidc.py, tests/e2e/test_sso.py).
    "/oidc/authenticate/": [
        Entry("GET", const("/oidc/authenticate/"), NOWHERE, note="single sign-on is off")
    ],
    "/oidc/callback/": [
        Entry(
            "GET",
            const("/oidc/callback/?code=x&state=y"),
            NOWHERE,
            note="single sign-on is off",
        )
    ],
    # The language chooser, on every page (the login page too).
    "/i18n/setlang/": [
        Entry(
            "POST",
            const("/i18n/setlang/"),
            PUBLIC_POST,
            data=lambda w: {"language": "fi", "next": "/"},
        )
    ],
    # Certificates and their public verification.
    "/certificates/<code:code>/": [
        Entry("GET", lambda w: reverse("certificates:detail", args=[w.certificate.code]), REPS_WORK)
    ],
    "/certificates/<code:code>/certificate.pdf": [
        Entry("GET", lambda w: reverse("certificates:pdf", args=[w.certificate.code]), REPS_WORK)
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
    "/compliance/audit/verify/": [Entry("GET", const("/compliance/audit/verify/"), COMPLIANCE_GET)],
    "/compliance/people/<int:user_id>/record.json": [
        Entry(
            "POST",
            lambda w: reverse("compliance:record-json", args=[w.users["rep"].pk]),
            COMPLIANCE_DOWNLOAD,
        )
    ],
    "/compliance/people/<int:user_id>/record.pdf": [
        Entry(
            "POST",
            lambda w: reverse("compliance:record-pdf", args=[w.users["rep"].pk]),
            COMPLIANCE_DOWNLOAD,
        )
    ],
    "/compliance/reports/certification/": [
        Entry("GET", const("/compliance/reports/certification/"), COMPLIANCE_GET)
    ],
    "/compliance/reports/certification.csv": [
        Entry("GET", const("/compliance/reports/certification.csv"), COMPLIANCE_GET)
    ],
    "/compliance/reports/certification-totals.csv": [
        Entry("GET", const("/compliance/reports/certification-totals.csv"), COMPLIANCE_GET)
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
            "GET",
            lambda w: reverse("team:assignment-withdraw", args=[w.assignment.pk]),
            ALPHA_GET,
            note="the confirmation, naming what is withdrawn from whom",
        ),
        Entry(
            "POST",
            lambda w: reverse("team:assignment-withdraw", args=[w.assignment.pk]),
            ALPHA_POST,
            data=lambda w: {"confirm": "yes"},
        ),
    ],
    "/team/assignments/due/": [
        Entry(
            "POST",
            const("/team/assignments/due/"),
            (302, 403, 302, 302, 403, 403),
            data=lambda w: {"assignment": [w.assignment.pk], "due_date": DUE},
            note="another manager's assignment is an error on the page and changes nothing",
        )
    ],
    "/team/people/<int:user_id>/remind/<int:pk>/": [
        Entry(
            "POST",
            lambda w: reverse("team:remind-now", args=[w.users["rep"].pk, w.assignment.pk]),
            ALPHA_POST,
        )
    ],
    "/team/charts/": [Entry("GET", const("/team/charts/"), MANAGERS_GET)],
    "/team/teams/<int:team_id>/": [
        Entry("GET", lambda w: reverse("team:team", args=[w.alpha.pk]), ALPHA_GET),
        # Least privilege: a manager adds only reps an administrator placed in their scope.
        Entry(
            "POST",
            lambda w: reverse("team:team", args=[w.alpha.pk]),
            (302, 403, 400, 404, 403, 403),
            data=lambda w: {"person": "other-rep"},
            note="a rep outside the manager's scope is a form error and changes nothing",
        ),
        Entry(
            "POST",
            lambda w: reverse("team:team", args=[w.alpha.pk]),
            ALPHA_POST,
            data=lambda w: {"person": "rep"},
            note="a rep in the manager's scope",
        ),
    ],
    "/team/teams/<int:team_id>/members/<int:user_id>/remove/": [
        Entry(
            "POST",
            lambda w: reverse("team:member-remove", args=[w.alpha.pk, w.users["rep"].pk]),
            ALPHA_POST,
        )
    ],
    # Spaced review: each person's own cards; the mastery heatmap is for managers.
    "/review/": [Entry("GET", const("/review/"), SIGNED_IN)],
    "/review/mastery/": [Entry("GET", const("/review/mastery/"), SIGNED_IN)],
    "/review/cards/<int:card_id>/answer/": [
        Entry(
            "POST",
            lambda w: reverse("review:answer", args=[w.extra["due_card"].pk]),
            REP_ONLY_POST,
            data=lambda w: {"seen": w.extra["due_card"].reviews, "answered": 0, "q1": "0"},
            note="the rep's due card: anyone else's is not found",
        )
    ],
    "/team/mastery/": [Entry("GET", const("/team/mastery/"), MANAGERS_GET)],
    # The dialing drill: anyone signed in drills; a session is its owner's alone.
    "/practice/": [Entry("GET", const("/practice/"), SIGNED_IN)],
    "/practice/sessions/": [
        Entry(
            "POST", const("/practice/sessions/"), SIGNED_IN_POST, data=lambda w: {"mode": "drill"}
        )
    ],
    "/practice/sessions/<int:session_id>/": [
        Entry("GET", lambda w: reverse("practice:session", args=[w.drill.pk]), OWN_GET)
    ],
    "/practice/sessions/<int:session_id>/answer/": [
        Entry(
            "POST",
            lambda w: reverse("practice:answer", args=[w.drill.pk]),
            REP_ONLY_POST,
            data=lambda w: {"position": "0", "choice": "call"},
        )
    ],
    "/practice/sessions/<int:session_id>/next/": [
        Entry(
            "POST",
            lambda w: reverse("practice:next", args=[w.drill_answered.pk]),
            REP_ONLY_POST,
            data=lambda w: {"position": "1"},
        )
    ],
    # Learning: any signed-in person learns; their attempts and calls are their own.
    "/": [Entry("GET", const("/"), SIGNED_IN)],
    "/catalogue/": [Entry("GET", const("/catalogue/"), SIGNED_IN)],
    "/reminders/": [Entry("GET", const("/reminders/"), SIGNED_IN)],
    "/call-check/": [
        Entry("GET", const("/call-check/"), SIGNED_IN),
        Entry(
            "GET",
            const(
                "/call-check/?state=FL&when=2025-06-04T20:30&line=mobile&registry=1"
                "&caller=broker-dealer&method=live&consent=none"
            ),
            SIGNED_IN,
        ),
    ],
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
            # Confirmed: a submission that leaves questions blank is otherwise asked about first.
            data=lambda w: {"q1": "0", "confirm": "yes"},
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
    "/calls/<int:run_id>/end/": [
        Entry(
            "POST",
            lambda w: reverse("learner:roleplay-end", args=[w.open_run.pk]),
            REP_ONLY_POST,
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


# Open to visitors; everything else sends them to log in.
PUBLIC_ROUTES = (
    "/health/",
    "/i18n/setlang/",
    "/verify/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    "/oidc/",
)


def is_public(route: str) -> bool:
    return route.startswith(PUBLIC_ROUTES)
