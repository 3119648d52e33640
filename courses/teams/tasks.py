"""Background work, run by Django's tasks framework (immediately in development and tests, by
a database-backed worker in production).

A task claims its row (sets `sent_at` only if it is still empty) in the same transaction that
sends the email: a second worker finds nothing to claim, and a failed send leaves the row
unclaimed for the next run.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from courses.models import ManagerDigest, Reminder
from courses.platform.access import visible_people
from courses.teams.selectors import build_grid


def site_link(path: str) -> str:
    return settings.SITE_URL + path


@task
def send_reminder(reminder_id: int) -> bool:
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        reminder = Reminder.objects.select_related("user", "assignment__module").get(pk=reminder_id)
        if not reminder.user.email:
            return False
        module = reminder.assignment.module
        context = {
            "reminder": reminder,
            "user": reminder.user,
            "module": module,
            "link": site_link(reverse("learner:module", args=[module.slug])),
            "reminders_link": site_link(reverse("learner:reminders")),
        }
        subject = {
            Reminder.Kind.DUE_IN_3_DAYS: f"Due in 3 days: {module.title}",
            Reminder.Kind.DUE_TOMORROW: f"Due tomorrow: {module.title}",
            Reminder.Kind.OVERDUE: f"Overdue: {module.title}",
        }[reminder.kind]
        send_mail(
            subject,
            render_to_string("emails/reminder.txt", context),
            None,
            [reminder.user.email],
        )
    return True


@task
def send_digest(digest_id: int) -> bool:
    with transaction.atomic():
        claimed = ManagerDigest.objects.filter(pk=digest_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        digest = ManagerDigest.objects.select_related("manager").get(pk=digest_id)
        manager = digest.manager
        if not manager.email:
            return False
        grid = build_grid(
            visible_people(manager).order_by("last_name", "first_name", "username"),
            today=timezone.localdate(),
            teams=manager.managed_teams.all(),
        )
        overdue = [
            (row, [cell for cell in row.cells.values() if cell.is_overdue]) for row in grid.rows
        ]
        overdue = [(row, cells) for row, cells in overdue if cells]
        context = {
            "manager": manager,
            "overdue": overdue,
            "link": site_link(reverse("team:dashboard") + "?overdue=1"),
        }
        send_mail(
            f"Weekly training digest: {len(overdue)} rep(s) with overdue training",
            render_to_string("emails/digest.txt", context),
            None,
            [manager.email],
        )
    return True
