"""Fuzzing the public pages and the account pages: certificate verification, login and
password change; and the hostile inputs that once got a 500, kept as plain regression tests.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.platform.fuzzing import (
    FUZZ,
    as_client,
    codes,
    is_marked,
    refused,
    send,
    text_input,
    value,
)
from tests.platform.support import NEW_PASSWORD, Rollback, body_of, snapshot

# A 100 KB value makes a long failure report; Hypothesis warns about it, and that is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_verify(world, data):
    client = Client()
    before = snapshot()
    if data.draw(st.booleans()):
        code = data.draw(st.one_of(st.just(world.certificate.display_code), value))
        response = send(client, "GET", reverse("verify:form"), {"code": code}, before=before)
        assert response.status_code in {200, 302}
    else:
        code = data.draw(codes)
        url = "/verify/" + urllib.parse.quote(code, safe="") + "/"
        response = send(client, "GET", url, before=before)
        assert response.status_code in {200, 404}
        if response.status_code == 200:
            assert re.sub(r"[^A-Z0-9]", "", code.upper()) == world.certificate.code or (
                re.sub(r"[^A-Z0-9]", "", code.upper()) == world.other_certificate.code
            )
        assert response["X-Robots-Tag"] == "noindex"
    assert snapshot() == before


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_login(world, data):
    client = Client()
    username = data.draw(st.one_of(st.sampled_from(["rep", "admin", "nobody"]), text_input))
    password = data.draw(st.one_of(st.just("pw"), text_input))
    with Rollback():
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code < 500
        signed_in = "_auth_user_id" in client.session
        assert signed_in == (response.status_code == 302)
        assert signed_in == (username.strip() in {"rep", "admin"} and password == "pw")
        if is_marked(username) and response.status_code == 200:
            assert username.strip() not in body_of(response)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_password_change(world, data):
    new = data.draw(st.one_of(st.just(NEW_PASSWORD), text_input))
    payload = {
        "old_password": data.draw(st.one_of(st.just("pw"), text_input)),
        "new_password1": new,
        "new_password2": data.draw(st.one_of(st.just(new), text_input)),
    }
    with Rollback():
        client = as_client(world, "rep")
        send(client, "POST", reverse("password_change"), payload)
        rep = type(world.users["rep"]).objects.get(pk=world.users["rep"].pk)
        changed = not rep.check_password("pw")
        if changed:
            assert payload["old_password"] == "pw"
            assert rep.check_password(payload["new_password1"])


# Inputs that once got a 500 (found by the fuzzing above), kept as plain regression tests. -------

REGRESSIONS = [
    ("rep", lambda w: reverse("learner:quiz-answer", args=[w.open_attempt.pk]), {"q1": "²"}),
    ("rep", lambda w: reverse("learner:quiz-answer", args=[w.open_attempt.pk]), {"q1": "9" * 5000}),
    ("rep", lambda w: reverse("learner:quiz-submit", args=[w.open_attempt.pk]), {"q2": "²"}),
    (
        "compliance",
        lambda w: reverse("compliance:bulk-certify"),
        {"records": [str(2**63), str(2**64), "²", "9" * 5000]},
    ),
    (
        "manager",
        lambda w: reverse("team:member-remove", args=[w.alpha.pk, 2**64]),
        {},
    ),
    (
        "compliance",
        lambda w: reverse("compliance:certify", args=[w.pending_record.pk]),
        {"note": "a\x00b"},
    ),
    (
        "compliance",
        lambda w: reverse("compliance:recertify", args=[w.module.pk]),
        {"due_date": "9999-12-31", "reason": "x"},
    ),
    # PostgreSQL refuses NUL in a query: a 500 there, not on SQLite (the suite runs on both).
    ("compliance", lambda w: "/certificates/a%00b/", None),
    ("compliance", lambda w: "/compliance/certificates/a%00b/revoke/", {"reason": "x"}),
    ("compliance", lambda w: "/compliance/audit/?person=a%00b&action=%00", None),
    ("compliance", lambda w: "/compliance/reports/certification/?team=%00&as_of=9999-12-31", None),
    ("manager", lambda w: "/team/?team=%00&module=%00&sort=%00", None),
    ("rep", lambda w: "/verify/?code=a%00b", None),
    ("rep", lambda w: "/verify/a%00b/", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url", "data"), REGRESSIONS)
def test_hostile_inputs_that_once_failed(world, role, url, data):
    client = as_client(world, role)
    method = "GET" if data is None else "POST"
    response = send(client, method, url(world), data)
    assert response.status_code in {200, 302, 400, 404, 409}
    if "/certify/" in url(world) and data.get("note"):
        assert refused(response)  # a NUL is refused, as every form refuses it
