"""Background work, run by Django's tasks framework (immediately in development and tests, by
a database-backed worker in production).

No email is sent inside a transaction: a slow mail server must not hold the database's write
lock. A task claims its row in a short transaction (sets `claimed_at` only if the row is unsent
and unclaimed), so a second worker finds nothing to claim; sends with no transaction open; then,
in another short transaction, records when the email went. A send that fails hands the claim
back, so the next run sends it again; a worker that dies before sending leaves a claim that
lapses after `CLAIM_LEASE`, and the next run takes it.
"""

import datetime
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import ManagerDigest, Reminder
from courses.platform.access import visible_people
from courses.platform.language import in_recipients_language
from courses.platform.people import display_name
from courses.review.selectors import due_count
from courses.teams.selectors import build_grid


class Email(NamedTuple):
    subject: str
    body: str
    to: str


def site_link(path: str) -> str:
    return settings.SITE_URL + path


# Far longer than a send can take (the SMTP timeout is 20 seconds), so a live worker's claim
# never lapses while it is still sending.
CLAIM_LEASE = datetime.timedelta(minutes=15)


def send_once(model: type[models.Model], pk: int, compose: Callable[[int], Email | None]) -> bool:
    """Send the email of row `pk` unless it has been sent or is being sent; True if it went.

    `compose` returns None when there is nobody to send it to: the row is marked done, as there
    is nothing to retry.
    """
    claimed_at = timezone.now()
    with transaction.atomic():
        claimed = (
            model.objects.filter(pk=pk, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claimed_at - CLAIM_LEASE))
            .update(claimed_at=claimed_at)
        )
    if not claimed:
        return False
    ours = model.objects.filter(pk=pk, claimed_at=claimed_at, sent_at__isnull=True)
    try:
        email = compose(pk)
        if email is not None:
            send_mail(email.subject, email.body, None, [email.to])
    except BaseException:
        with transaction.atomic():
            ours.update(claimed_at=None)
        raise
    with transaction.atomic():
        ours.update(sent_at=timezone.now())
    return email is not None


def reminder_email(reminder_id: int) -> Email | None:
    reminder = Reminder.objects.select_related("user", "assignment__module", "requested_by").get(
        pk=reminder_id
    )
    if not reminder.user.email:
        return None
    module = reminder.assignment.module
    context = {
        "reminder": reminder,
        "user": reminder.user,
        "module": module,
        "today": timezone.localdate(),
        "requested_by": display_name(reminder.requested_by) if reminder.requested_by else "",
        "link": site_link(reverse("learner:module", args=[module.slug])),
        "reminders_link": site_link(reverse("learner:reminders")),
        "review_due": due_count(user=reminder.user, now=timezone.now()),
        "review_link": site_link(reverse("review:session")),
    }
    subject = {
        Reminder.Kind.DUE_IN_3_DAYS: _("Due in 3 days: %(module)s"),
        Reminder.Kind.DUE_TOMORROW: _("Due tomorrow: %(module)s"),
        Reminder.Kind.OVERDUE: _("Overdue: %(module)s"),
        Reminder.Kind.NOW: _("A reminder from your manager: %(module)s"),
    }[reminder.kind] % {"module": module.title}
    return Email(subject, render_to_string("emails/reminder.txt", context), reminder.user.email)


def digest_email(digest_id: int) -> Email | None:
    digest = ManagerDigest.objects.select_related("manager").get(pk=digest_id)
    manager = digest.manager
    if not manager.email:
        return None
    grid = build_grid(
        visible_people(manager).order_by("last_name", "first_name", "username"),
        today=timezone.localdate(),
        teams=manager.managed_teams.all(),
    )
    overdue = [(row, [cell for cell in row.cells.values() if cell.is_overdue]) for row in grid.rows]
    overdue = [(row, cells) for row, cells in overdue if cells]
    context = {
        "manager": manager,
        "overdue": overdue,
        "link": site_link(reverse("team:dashboard") + "?overdue=1"),
    }
    return Email(
        _("Weekly training digest: %(count)s rep(s) with overdue training")
        % {"count": len(overdue)},
        render_to_string("emails/digest.txt", context),
        manager.email,
    )


@task
def send_reminder(reminder_id: int) -> bool:
    return send_once(
        Reminder, reminder_id, in_recipients_language(reminder_email, Reminder, "user")
    )


@task
def send_digest(digest_id: int) -> bool:
    return send_once(
        ManagerDigest, digest_id, in_recipients_language(digest_email, ManagerDigest, "manager")
    )
