"""The platform's tables: who a person is at the single sign-on provider, the language they
chose, and the password reset requests counted to rate-limit resets (`platform.resets`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SingleSignOnIdentity(models.Model):
    """The provider's subject (`sub`) for an account made by single sign-on. A sign-in finds
    its account by issuer and subject, never by a name or an email address, which another
    account (one with a password) may share."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_sso_subject")
        ]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"


class LanguagePreference(models.Model):
    """The interface language a person chose: it follows them to any browser they log in on,
    and their emails are written in it. Without one, the browser's languages decide."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self):
        return f"{self.user}: {self.language}"


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
