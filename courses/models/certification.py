"""Certification: the evidence that someone completed a required module, its review by
compliance, the certificate, and what ends a certificate (revocation, expiry, a required
recertification).

Every row here is append-only: a decision is a new row, never an edit of an old one, so the
record of who was trained on what, when, on which content version and who signed it off can be
shown as it was on any past day.
"""

import secrets
from functools import cached_property

from django.conf import settings
from django.db import models

from ..engagement import Flag, evidence_flags
from .assignments import Assignment
from .audit import AppendOnlyModel
from .content import Module

# 20 random bytes in base 32: 32 characters, 160 bits: cannot be guessed or enumerated.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(32))


class CompletionRecord(AppendOnlyModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completion_records"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completion_records")
    completed_at = models.DateTimeField()
    content_version = models.CharField(max_length=64)
    rules_as_of = models.DateField()
    material_version = models.PositiveIntegerField()
    evidence = models.JSONField(help_text="A snapshot of the steps, answers and transcripts.")
    cycle = models.CharField(
        max_length=64, help_text="Identifies the completions this record was made from."
    )

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "cycle"], name="record_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.user} completed {self.module} on {self.completed_at:%Y-%m-%d}"

    @cached_property
    def flags(self) -> list[Flag]:
        """What in the evidence looks like work done too fast to be real."""
        return evidence_flags(self.evidence)


class Review(AppendOnlyModel):
    class Decision(models.TextChoices):
        CERTIFIED = "certified", "Certified"
        REJECTED = "rejected", "Rejected"

    record = models.OneToOneField(CompletionRecord, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    note = models.TextField(blank=True)
    redo_steps = models.JSONField(default=list, blank=True, help_text="Titles of reopened steps.")
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.get_decision_display()}: {self.record}"


class Certificate(AppendOnlyModel):
    record = models.OneToOneField(
        CompletionRecord, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=32, unique=True, default=new_verification_code)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates_issued"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.display_code}"

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def status_at(self, moment) -> str:
        """valid, expired, superseded or revoked at `moment` (related rows prefetched)."""
        revocation = getattr(self, "revocation", None)
        if revocation is not None and revocation.at <= moment:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= moment:
            return "expired"
        supersession = getattr(self, "supersession", None)
        if supersession is not None and supersession.ends_at <= moment:
            return "superseded"
        return "valid" if self.issued_at <= moment else "not yet issued"


class Revocation(AppendOnlyModel):
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="revocation"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField()

    def __str__(self):
        return f"Revoked {self.certificate}"


class Expiry(AppendOnlyModel):
    """A certificate's expiry, processed once: the module was assigned to the person again."""

    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="expiry")
    processed_at = models.DateTimeField()
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "expiries"

    def __str__(self):
        return f"Expiry of {self.certificate}"


class RecertificationRequest(AppendOnlyModel):
    """Compliance requires everyone certified on an older material version to recertify."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    material_version = models.PositiveIntegerField(help_text="The version now required.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    due_date = models.DateField()
    at = models.DateTimeField()

    def __str__(self):
        return f"Recertify {self.module} (version {self.material_version})"


class Supersession(AppendOnlyModel):
    """A certificate on an older material version stops being valid at `ends_at`."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="supersession"
    )
    request = models.ForeignKey(
        RecertificationRequest, on_delete=models.PROTECT, related_name="supersessions"
    )
    ends_at = models.DateTimeField()
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.certificate} superseded"
