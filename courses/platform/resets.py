"""How often a password reset may be asked for: at most so many per hour from one address
(the client address as the login lockout reads it) and so many per hour for one email address,
whether or not an account has it, so the answer never tells which addresses have accounts."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courses.platform.models import PasswordResetRequest


def account_digest(email: str) -> str:
    """The email address as the limit counts it: case and surrounding spaces ignored."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


@transaction.atomic
def password_reset_admit(
    *, address: str | None, email: str, now: datetime.datetime | None = None
) -> bool:
    """Record the request and return True if it is within both limits; else record nothing
    and return False. Refused requests are not counted, so waiting out the hour always works."""
    now = now or timezone.now()
    since = now - settings.PASSWORD_RESET_LIMIT_WINDOW
    recent = PasswordResetRequest.objects.filter(requested_at__gt=since)
    account = account_digest(email)
    if recent.filter(account=account).count() >= settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT:
        return False
    per_address = settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    if address is not None and recent.filter(address=address).count() >= per_address:
        return False
    PasswordResetRequest.objects.create(requested_at=now, address=address, account=account)
    return True


def clear_password_resets(*, now: datetime.datetime | None = None) -> int:
    """Delete the requests that no longer count towards a limit; return how many."""
    now = now or timezone.now()
    since = now - settings.PASSWORD_RESET_LIMIT_WINDOW
    deleted, _ = PasswordResetRequest.objects.filter(requested_at__lte=since).delete()
    return deleted
