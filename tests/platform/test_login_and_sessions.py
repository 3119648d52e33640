"""Logging in: throttling repeated failures (django-axes), and the session: a new key at login,
ended by logout and by a password change elsewhere, and cookies the browser keeps to the site.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from courses.platform.access import COMPLIANCE
from tests.platform.support import LIMIT, LOGIN, NEW_PASSWORD, attempt
from tests.support import role_group


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "lands_on", "heading"),
    [
        ("rep", "learner:home", "My training"),
        ("manager", "team:dashboard", "Team dashboard"),
        ("officer", "compliance:queue", "Compliance"),
    ],
)
def test_each_role_lands_on_the_work_waiting_for_it(
    rep, manager, compliance, who, lands_on, heading
):
    client = Client()
    response = attempt(client, who, "pw")
    assert response.status_code == 302
    assert response["Location"] == reverse(lands_on)
    page = client.get(response["Location"])
    assert re.search(rf"<h1[^>]*>\s*{heading}", page.content.decode())


@pytest.mark.django_db
def test_an_officer_who_also_manages_lands_on_the_review_queue(manager):
    manager.groups.add(role_group(COMPLIANCE))
    response = attempt(Client(), "manager", "pw")
    assert response["Location"] == reverse("compliance:queue")


@pytest.mark.django_db
def test_the_page_asked_for_comes_before_the_roles_landing(manager):
    wanted = reverse("team:assignments")
    response = Client().post(f"{LOGIN}?next={wanted}", {"username": "manager", "password": "pw"})
    assert response["Location"] == wanted
    # An address off the site is not followed: the role's landing instead.
    response = Client().post(
        f"{LOGIN}?next=https://elsewhere.example/", {"username": "manager", "password": "pw"}
    )
    assert response["Location"] == reverse("team:dashboard")
