"""Every change needs a CSRF token; every page carries the security headers and a strict
Content-Security-Policy, with no inline script, style or event handler to weaken it.
"""

from __future__ import annotations

import html.parser
import re

import pytest
from django.test import Client
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Module
from tests.platform.support import LIMIT, LOGIN, ROLES, attempt, client_for, snapshot
from tests.platform.url_matrix import GET_ENTRIES, POST_ENTRIES, Entry, is_public, request


def allowed_roles(route: str, entry: Entry) -> list[str]:
    """Someone who may make the request: the first signed-in role let past the access check
    (their input may still be refused, a 400), and visitors if public."""
    statuses = entry.statuses()
    roles = [next(r for r in ROLES[1:] if statuses[r] <= 400)]
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
