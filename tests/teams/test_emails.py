"""Reminder and digest emails are sent with no transaction open, each once, and one that fails
to send, or whose worker died before sending, goes out on a later run."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from courses.curriculum.loading import load_curriculum
from courses.models import ManagerDigest, Module, Reminder
from courses.teams import tasks
from courses.teams.services import assignment_create, reminders_queue
from courses.teams.tasks import send_digest, send_reminder

DUE = datetime.date(2026, 12, 10)
OVERDUE_DAY = datetime.date(2026, 12, 11)


def on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=datetime.UTC)
    )


@pytest.fixture
def overdue(db, builder, manager):
    """An assignment of the rep's team that is overdue on OVERDUE_DAY."""
    builder.simple(modules=1, lessons=1)
    load_curriculum(builder.root)
    with on(datetime.date(2026, 11, 20)):
        assignment_create(
            by=manager,
            modules=[Module.objects.get()],
            team=manager.managed_teams.get(),
            due_date=DUE,
        )


@pytest.fixture
def sends(monkeypatch):
    """Each email sent, with whether a transaction was open when it was handed over."""
    sent = []
    real_send_mail = tasks.send_mail

    def recording_send_mail(subject, *args, **kwargs):
        sent.append((subject, connection.in_atomic_block))
        return real_send_mail(subject, *args, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", recording_send_mail)
    return sent


def failing_send_mail(*args, **kwargs):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.django_db(transaction=True)
def test_reminders_and_digests_are_sent_with_no_transaction_open(rep, manager, overdue, sends):
    with on(OVERDUE_DAY):
        reminders_queue()
    assert sorted(sends) == [
        ("Overdue: Module 1", False),
        ("Weekly training digest: 1 rep(s) with overdue training", False),
    ]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert not ManagerDigest.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_sending_the_same_reminder_again_sends_nothing(rep, overdue, sends):
    with on(OVERDUE_DAY):
        reminders_queue()
        reminder = Reminder.objects.get()
        digest = ManagerDigest.objects.get()
        assert send_reminder.call(reminder.pk) is False
        assert send_digest.call(digest.pk) is False
        reminders_queue()
    assert len(sends) == 2
    assert [m.subject for m in mail.outbox if rep.email in m.to] == ["Overdue: Module 1"]


@pytest.mark.django_db(transaction=True)
def test_a_reminder_that_failed_to_send_goes_out_on_the_next_run(rep, overdue, monkeypatch):
    monkeypatch.setattr(tasks, "send_mail", failing_send_mail)
    with on(OVERDUE_DAY):
        reminders_queue()  # the worker's failure is recorded on the task, not raised here
        reminder = Reminder.objects.get()
        assert reminder.sent_at is None
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send_reminder.call(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.sent_at is None
    assert mail.outbox == []

    monkeypatch.undo()
    with on(OVERDUE_DAY + datetime.timedelta(days=1)):
        reminders_queue()
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert [m.subject for m in mail.outbox if rep.email in m.to] == ["Overdue: Module 1"]


@pytest.mark.django_db(transaction=True)
def test_a_digest_that_failed_to_send_goes_out_on_the_next_run(manager, overdue, monkeypatch):
    monkeypatch.setattr(tasks, "send_mail", failing_send_mail)
    with on(OVERDUE_DAY):
        reminders_queue()  # the worker's failure is recorded on the task, not raised here
    assert ManagerDigest.objects.get().sent_at is None
    assert mail.outbox == []

    monkeypatch.undo()
    with on(OVERDUE_DAY + datetime.timedelta(days=1)):
        reminders_queue()
    assert ManagerDigest.objects.get().sent_at is not None
    assert len([m for m in mail.outbox if manager.email in m.to]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_reminder_whose_worker_died_goes_out_once_its_claim_lapses(rep, overdue, monkeypatch):
    monkeypatch.setattr(tasks, "send_mail", failing_send_mail)
    with on(OVERDUE_DAY):
        reminders_queue()
    monkeypatch.undo()
    reminder = Reminder.objects.get()
    # What a worker killed between its claim and the send leaves behind.
    with on(OVERDUE_DAY):
        Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now())
        assert not send_reminder.call(reminder.pk)  # claimed a moment ago: someone is sending
    reminder.refresh_from_db()
    assert reminder.sent_at is None and mail.outbox == []
    assert reminder not in Reminder.objects.filter(user=rep, sent_at__isnull=False)

    with on(OVERDUE_DAY + datetime.timedelta(days=1)):  # long after the claim lapsed
        reminders_queue()
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert [m.subject for m in mail.outbox if rep.email in m.to] == ["Overdue: Module 1"]
