import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import ManagerDigest, Module, Reminder
from courses.progress.services import step_complete
from courses.teams.services import assignment_create, reminders_queue
from courses.teams.tasks import send_reminder

DUE = datetime.date(2026, 12, 10)


def on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=datetime.UTC)
    )


@pytest.fixture
def module(db, builder):
    builder.simple(modules=1, lessons=2)
    load_curriculum(builder.root)
    return Module.objects.get()


@pytest.fixture
def assignment(manager, module):
    team = manager.managed_teams.get()
    with on(datetime.date(2026, 11, 20)):
        return assignment_create(by=manager, modules=[module], team=team, due_date=DUE)[0]


def emails_to(address):
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.django_db
class TestWhenRemindersGoOut:
    @pytest.mark.parametrize(
        "day, subject",
        [
            (datetime.date(2026, 12, 7), "Due in 3 days: Module 1"),
            (datetime.date(2026, 12, 9), "Due tomorrow: Module 1"),
            (datetime.date(2026, 12, 11), "Overdue: Module 1"),
        ],
    )
    def test_reminder_on_the_right_day(self, rep, assignment, day, subject):
        with on(day):
            call_command("queue_reminders")
        (message,) = emails_to(rep.email)
        assert message.subject == subject
        assert "https://callready.test/modules/module-1/" in message.body
        assert message.alternatives == []  # plain text only

    @pytest.mark.parametrize(
        "day", [datetime.date(2026, 12, 5), datetime.date(2026, 12, 8), datetime.date(2026, 12, 10)]
    )
    def test_no_reminder_on_other_days(self, rep, assignment, day):
        with on(day):
            reminders_queue()
        assert emails_to(rep.email) == []

    def test_no_reminder_once_the_module_is_done(self, rep, assignment, module):
        for step in module.steps.all():
            step_complete(user=rep, step=step)
        with on(datetime.date(2026, 12, 7)):
            reminders_queue()
        assert emails_to(rep.email) == []

    def test_overdue_is_sent_once_however_many_days_pass(self, rep, assignment):
        for day in (11, 12, 13):
            with on(datetime.date(2026, 12, day)):
                reminders_queue()
        assert [m.subject for m in emails_to(rep.email)] == ["Overdue: Module 1"]

    def test_a_new_due_date_starts_a_new_cycle(self, rep, manager, assignment):
        from courses.teams.services import assignment_change_due

        with on(datetime.date(2026, 12, 11)):
            reminders_queue()
            assignment_change_due(
                by=manager, assignment=assignment, due_date=datetime.date(2026, 12, 14)
            )
        with on(datetime.date(2026, 12, 13)):
            reminders_queue()
        assert [m.subject for m in emails_to(rep.email)] == [
            "Overdue: Module 1",
            "Due tomorrow: Module 1",
        ]


@pytest.mark.django_db
class TestEachReminderOnce:
    def test_running_the_command_twice_sends_nothing_twice(self, rep, manager, assignment):
        with on(datetime.date(2026, 12, 11)):
            call_command("queue_reminders")
            first = len(mail.outbox)
            call_command("queue_reminders")
        assert first == 2  # the rep's overdue reminder and the manager's digest
        assert len(mail.outbox) == 2
        assert Reminder.objects.count() == 1 and ManagerDigest.objects.count() == 1

    def test_a_reminder_is_recorded_before_it_is_sent_and_marked_when_sent(self, rep, assignment):
        with on(datetime.date(2026, 12, 9)):
            reminders_queue()
        reminder = Reminder.objects.get()
        assert reminder.sent_at is not None
        assert send_reminder.call(reminder.pk) is False  # claimed already: nothing more to send
        assert len(emails_to(rep.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(rep, assignment):
    with on(datetime.date(2026, 12, 9)):
        reminder = Reminder.objects.create(
            user=rep,
            assignment=assignment,
            kind="due-1",
            due_date=DUE,
            queued_at=datetime.datetime(2026, 12, 9, tzinfo=datetime.UTC),
        )
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(send_reminder.call(reminder.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(emails_to(rep.email)) == 1


@pytest.mark.django_db
class TestDigest:
    def test_weekly_digest_lists_overdue_reps_once_a_week(self, rep, manager, assignment):
        for day in (11, 12):  # Friday and Saturday of the same week
            with on(datetime.date(2026, 12, day)):
                reminders_queue()
        digests = [m for m in emails_to(manager.email) if "digest" in m.subject]
        assert len(digests) == 1
        assert "Rep" in digests[0].body and "Module 1: due 10 Dec 2026" in digests[0].body
        assert "https://callready.test/team/?overdue=1" in digests[0].body
        with on(datetime.date(2026, 12, 14)):  # the next Monday
            reminders_queue()
        assert len([m for m in emails_to(manager.email) if "digest" in m.subject]) == 2

    def test_no_digest_without_overdue_reps(self, rep, manager, assignment):
        with on(datetime.date(2026, 12, 7)):
            reminders_queue()
        assert not [m for m in emails_to(manager.email) if "digest" in m.subject]


@pytest.mark.django_db
def test_rep_sees_the_reminders_they_were_sent(rep_client, rep, assignment):
    with on(datetime.date(2026, 12, 7)):
        reminders_queue()
    content = rep_client.get(reverse("learner:reminders")).content.decode()
    assert "Due in 3 days" in content and "Module 1" in content
