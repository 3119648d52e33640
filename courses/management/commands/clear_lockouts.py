import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from courses.platform.resets import clear_password_resets


def clear_lockouts(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the login-throttling records that no longer serve: failed attempts past their
    cool-off (they lock nobody out any more), login and failure logs older than
    LOCKOUT_RECORDS_KEPT_DAYS, and password reset requests past their hour. Returns how many
    of each went."""
    now = now or timezone.now()
    kept_since = now - datetime.timedelta(days=settings.LOCKOUT_RECORDS_KEPT_DAYS)
    attempts = AccessAttempt.objects.filter(attempt_time__lte=now - settings.AXES_COOLOFF_TIME)
    return {
        "failed attempts past their cool-off": attempts.delete()[1].get(
            AccessAttempt._meta.label, 0
        ),
        "login logs": AccessLog.objects.filter(attempt_time__lte=kept_since).delete()[0],
        "failure logs": AccessFailureLog.objects.filter(attempt_time__lte=kept_since).delete()[0],
        "password reset requests": clear_password_resets(now=now),
    }


class Command(BaseCommand):
    help = (
        "Delete old login lockout records (failed attempts past their cool-off, login and "
        "failure logs older than LOCKOUT_RECORDS_KEPT_DAYS) and password reset requests that no "
        "longer count towards the limit. Run it daily from a scheduler."
    )

    def handle(self, *args, **options):
        counts = clear_lockouts()
        self.stdout.write(
            "Deleted " + ", ".join(f"{count} {what}" for what, count in counts.items()) + "."
        )
