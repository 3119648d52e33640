"""A signed-in session ends after a while without activity: sooner for compliance officers and
administrators. The clock is moved, never waited for."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.platform.idle import REFRESH_AFTER_SECONDS, Idle, idle_state
from tests.support import make_user

START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def limits(settings):
    """The production defaults (the test settings keep sessions for years)."""
    settings.SESSION_IDLE_MINUTES = 60
    settings.SESSION_IDLE_MINUTES_PRIVILEGED = 15


LOGIN = reverse("login")


# The decision, without a database ----------------------------------------------------------


@pytest.mark.parametrize(
    ("last_seen", "now", "state"),
    [
        (None, 1000, Idle.REFRESH),  # never seen: start the clock
        (1000, 1000, Idle.FRESH),
        (1000, 1000 + REFRESH_AFTER_SECONDS - 1, Idle.FRESH),
        (1000, 1000 + REFRESH_AFTER_SECONDS, Idle.REFRESH),
        (1000, 1000 + 3600, Idle.REFRESH),  # exactly the limit: still in
        (1000, 1000 + 3601, Idle.EXPIRED),
        (1000, 900, Idle.FRESH),  # another server's clock a little behind: nothing to write
        (10000, 1000, Idle.REFRESH),  # a clock set far back: start again from now
    ],
)
def test_idle_state(last_seen, now, state):
    assert idle_state(last_seen=last_seen, now=now, limit_seconds=3600) is state


# Through the site ----------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("limits")
class TestIdleExpiry:
    def test_a_rep_is_logged_out_after_an_idle_hour_and_told_why(self, rep):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            assert client.get("/").status_code == 200
            clock.shift(datetime.timedelta(minutes=60, seconds=1))
            response = client.get("/?tab=1")
            assert response.status_code == 302
            assert response["Location"] == f"{LOGIN}?next=/%3Ftab%3D1"
            page = client.get(response["Location"])
            assert "Your session ended after 60 minutes without activity" in page.content.decode()
            # Logged out for good: the next page asks for a login again, without the message.
            again = client.get("/")
            assert again.status_code == 302
            assert "Your session ended" not in client.get(again["Location"]).content.decode()

    def test_activity_keeps_the_session(self, rep):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            for _ in range(6):  # five hours, a page every 55 minutes
                clock.shift(datetime.timedelta(minutes=55))
                assert client.get("/").status_code == 200

    @pytest.mark.parametrize("who", ["compliance", "staff"])
    def test_officers_and_administrators_get_fifteen_minutes(self, who, compliance, rep):
        user = compliance
        if who == "staff":
            rep.is_staff = True
            rep.save()
            user = rep
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(user)
            clock.shift(datetime.timedelta(minutes=14))
            assert client.get("/").status_code == 200
            clock.shift(datetime.timedelta(minutes=15, seconds=1))
            response = client.get("/", follow=True)
            assert response.redirect_chain[0][0].startswith(LOGIN)
            assert "after 15 minutes without activity" in response.content.decode()

    def test_a_manager_is_not_privileged(self, manager):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(manager)
            clock.shift(datetime.timedelta(minutes=59))
            assert client.get(reverse("team:dashboard")).status_code == 200

    def test_an_htmx_request_sends_the_page_to_log_in(self, rep):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            clock.shift(datetime.timedelta(hours=2))
            response = client.get(
                "/review/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/rules/"
            )
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{LOGIN}?next=/rules/"
        assert response.content == b""

    def test_a_form_sent_after_the_end_is_not_replayed(self, rep):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            clock.shift(datetime.timedelta(hours=2))
            response = client.post("/accounts/password_change/", {"old_password": "pw"})
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "Your session ended after 60 minutes without activity. Please log in again."
        ]

    def test_the_session_is_written_at_most_once_a_minute(self, rep):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            with CaptureQueriesContext(connection) as queries:
                for _ in range(5):
                    clock.shift(datetime.timedelta(seconds=10))
                    client.get("/rules/")
            assert session_writes(queries) == 0
            clock.shift(datetime.timedelta(seconds=REFRESH_AFTER_SECONDS))
            with CaptureQueriesContext(connection) as queries:
                client.get("/rules/")
                client.get("/rules/")
            assert session_writes(queries) == 1

    def test_the_limit_comes_from_the_settings(self, rep, settings):
        settings.SESSION_IDLE_MINUTES = 5
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(rep)
            clock.shift(datetime.timedelta(minutes=5, seconds=1))
            response = client.get("/", follow=True)
        assert "after 5 minutes without activity" in response.content.decode()

    def test_visitors_are_untouched(self, rep):
        assert Client().get("/health/").status_code == 200
        assert Client().get(LOGIN).status_code == 200


@pytest.mark.django_db
def test_one_minute_reads_in_the_singular(django_user_model):
    user = make_user(django_user_model, "solo", "Rep")
    with override_settings(SESSION_IDLE_MINUTES=1), time_machine.travel(START, tick=False) as clock:
        client = signed_in(user)
        clock.shift(datetime.timedelta(minutes=2))
        response = client.get("/", follow=True)
    assert "after 1 minute without activity" in response.content.decode()
