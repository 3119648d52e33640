"""Password reset requests, counted so that resets can be rate limited (`platform.resets`)."""

from django.db import models
from django.utils import timezone


class PasswordResetRequest(models.Model):
    """A password reset request that was let through. Rows live in the database so that the
    limit holds across every server process; `clear_lockouts` deletes them once they no longer
    count. The email address is kept only as a digest: enough to count repeats, without keeping
    the addresses people typed, some of which belong to no account."""

    requested_at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    account = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["address", "requested_at"], name="reset_by_address"),
            models.Index(fields=["account", "requested_at"], name="reset_by_account"),
            models.Index(fields=["requested_at"], name="reset_by_time"),
        ]

    def __str__(self):
        return f"Password reset requested at {self.requested_at:%Y-%m-%d %H:%M}"
