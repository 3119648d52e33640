"""The daily clean-up of login lockout records and password reset requests."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone

from courses.models import PasswordResetRequest

NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def at(when, model, **fields):
    row = model.objects.create(
        user_agent="test", ip_address="93.184.216.1", username=f"rep-{when:%d%H%M}", **fields
    )
    # attempt_time is set when a row is made: put it where the test needs it.
    model.objects.filter(pk=row.pk).update(attempt_time=when)
    return row


@pytest.mark.django_db
def test_old_records_go_and_recent_ones_stay(capsys):
    ago = lambda **delta: NOW - datetime.timedelta(**delta)  # noqa: E731
    at(ago(minutes=16), AccessAttempt, failures_since_start=5)
    kept_attempt = at(ago(minutes=10), AccessAttempt, failures_since_start=5)
    at(ago(days=31), AccessLog)
    kept_log = at(ago(days=29), AccessLog)
    at(ago(days=31), AccessFailureLog, locked_out=True)
    kept_failure = at(ago(days=29), AccessFailureLog, locked_out=False)
    PasswordResetRequest.objects.create(requested_at=ago(minutes=61), account="a")
    kept_reset = PasswordResetRequest.objects.create(requested_at=ago(minutes=59), account="b")

    with time_machine.travel(NOW, tick=False):
        call_command("clear_lockouts")

    assert list(AccessAttempt.objects.all()) == [kept_attempt]
    assert list(AccessLog.objects.all()) == [kept_log]
    assert list(AccessFailureLog.objects.all()) == [kept_failure]
    assert list(PasswordResetRequest.objects.all()) == [kept_reset]
    out = capsys.readouterr().out
    assert "1 failed attempts past their cool-off" in out
    assert "1 login logs, 1 failure logs, 1 password reset requests" in out


@pytest.mark.django_db
def test_running_it_again_deletes_nothing_more(capsys, settings):
    settings.LOCKOUT_RECORDS_KEPT_DAYS = 7
    at(timezone.now() - datetime.timedelta(days=8), AccessLog)
    call_command("clear_lockouts")
    call_command("clear_lockouts")
    assert not AccessLog.objects.exists()
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Deleted 0 failed attempts past their cool-off, 0 login logs, 0 failure logs, "
        "0 password reset requests."
    )


@pytest.mark.django_db
def test_a_lockout_still_in_its_cool_off_still_holds(rep, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "rep", "password": "wrong"})
    call_command("clear_lockouts")
    response = client.post("/accounts/login/", {"username": "rep", "password": "pw"})
    assert response.status_code == 429
