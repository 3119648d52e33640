"""The platform's one table: who a person is at the single sign-on provider."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
