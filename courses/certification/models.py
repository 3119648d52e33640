"""The audit log: an append-only record of what an auditor needs to see.

Entries are only ever inserted. Saving an existing entry, deleting one or updating the table
in bulk raises an error here; on PostgreSQL a trigger refuses it in the database as well.

Certification: the evidence that someone completed a required module, its review by
compliance, the certificate, and what ends a certificate (revocation, expiry, a required
recertification).

Every row here is append-only: a decision is a new row, never an edit of an old one, so the
record of who was trained on what, when, on which content version and who signed it off can be
shown as it was on any past day.
"""

import datetime
import secrets
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.certification.engagement import Flag, evidence_flags
from courses.curriculum.models import Module
from courses.teams.models import Assignment


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A row that can be created and read, never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        ASSIGNMENT_CREATED = "assignment.created", _("Assignment made")
        ASSIGNMENT_CHANGED = "assignment.changed", _("Assignment due date changed")
        ASSIGNMENT_WITHDRAWN = "assignment.withdrawn", _("Assignment withdrawn")
        ASSIGNMENT_REMINDED = "assignment.reminded", _("Reminder sent by a manager")
        MEMBER_ADDED = "team.member_added", _("Team member added")
        MEMBER_REMOVED = "team.member_removed", _("Team member removed")
        MANAGER_ADDED = "team.manager_added", _("Team manager added")
        MANAGER_REMOVED = "team.manager_removed", _("Team manager removed")
        ROLE_ADDED = "role.added", _("Role given")
        ROLE_REMOVED = "role.removed", _("Role taken away")
        MODULE_COMPLETED = "module.completed", _("Module completed")
        CERTIFIED = "completion.certified", _("Completion certified")
        REJECTED = "completion.rejected", _("Completion rejected")
        REVOKED = "certificate.revoked", _("Certificate revoked")
        EXPIRED = "certificate.expired", _("Certificate expired")
        RECERTIFICATION_REQUIRED = (
            "certificate.recertification_required",
            _("Recertification required"),
        )
        CONTENT_LOADED = "content.loaded", _("Content loaded")
        TWOFACTOR_ADDED = "twofactor.added", _("Two-factor authentication set up")
        TWOFACTOR_REMOVED = "twofactor.removed", _("Two-factor authentication removed")
        RECOVERY_CODES_REGENERATED = (
            "twofactor.codes_regenerated",
            _("Two-factor recovery codes regenerated"),
        )
        RECOVERY_CODE_USED = "twofactor.code_used", _("Two-factor recovery code used")
        ADMIN_ADDED = "admin.added", _("Added in the admin")
        ADMIN_CHANGED = "admin.changed", _("Changed in the admin")
        ADMIN_DELETED = "admin.deleted", _("Deleted in the admin")
        RECORD_EXPORTED = "record.exported", _("Training record exported")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_actions",
        help_text=_("Who did it; empty when the system did it."),
    )
    action = models.CharField(max_length=64, choices=Action.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_subject_of",
        help_text=_("The person the entry is about, if any."),
    )
    team_name = models.CharField(max_length=120, blank=True)
    module_slug = models.CharField(max_length=50, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    # The hash chain (courses/certification/chain.py): written once with the entry.
    sequence = models.PositiveBigIntegerField(
        unique=True, editable=False, help_text="The entry's place in the chain, from 1."
    )
    hash = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 over the previous entry's hash and this entry's content.",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"

    @property
    def note(self) -> str:
        """The note written with what was done (a certification, a rejection, an assignment),
        kept in the details; empty when there is none."""
        note = self.details.get("note") if isinstance(self.details, dict) else None
        return note if isinstance(note, str) else ""

    @property
    def note_not_in_summary(self) -> str:
        """The note, when the summary does not already say it in full (a rejection's does)."""
        return self.note if self.note and self.note not in self.summary else ""


# 20 random bytes in base 32: 32 characters, 160 bits: cannot be guessed or enumerated.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(32))


def code_groups(code: str) -> list[str]:
    """A code in groups of four, as certificates print it and people read it out."""
    return [code[i : i + 4] for i in range(0, len(code), 4)]


class CompletionRecord(AppendOnlyModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completion_records"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completion_records")
    completed_at = models.DateTimeField()
    content_version = models.CharField(max_length=64)
    rules_as_of = models.DateField()
    material_version = models.PositiveIntegerField()
    evidence = models.JSONField(help_text=_("A snapshot of the steps, answers and transcripts."))
    cycle = models.CharField(
        max_length=64, help_text=_("Identifies the completions this record was made from.")
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
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Rejected")

    record = models.OneToOneField(CompletionRecord, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    note = models.TextField(blank=True)
    redo_steps = models.JSONField(
        default=list, blank=True, help_text=_("Titles of reopened steps.")
    )
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.get_decision_display()}: {self.record}"


class CertificationStatus(models.TextChoices):
    """Every certification status the site shows or exports, in one vocabulary.

    A certificate at a moment is valid, not yet issued, expired, superseded or revoked. A
    person's standing on a required module is certified (they hold a valid certificate),
    pending (completed, awaiting review), rejected, expired, superseded, revoked or missing.
    """

    VALID = "valid", _("Valid")
    NOT_YET_ISSUED = "not yet issued", _("Not yet issued")
    CERTIFIED = "certified", _("Certified")
    PENDING = "pending", _("Pending")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    REVOKED = "revoked", _("Revoked")
    MISSING = "missing", _("Missing")


# Certificates expiring within this many days are flagged to the rep, their manager and compliance.
EXPIRY_WARNING_DAYS = 30


class CertificateQuerySet(AppendOnlyQuerySet):
    def expiring(self, *, now: datetime.datetime):
        """Certificates valid at `now` that expire within the warning window, soonest first
        (`certificate_expiring` is the same rule for one certificate already read)."""
        return (
            self.filter(
                issued_at__lte=now,
                revocation__isnull=True,
                expires_at__gt=now,
                expires_at__lte=now + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
            )
            .exclude(supersession__ends_at__lte=now)
            .order_by("expires_at")
        )


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

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.display_code}"

    @property
    def code_groups(self) -> list[str]:
        return code_groups(self.code)

    @property
    def display_code(self) -> str:
        return "-".join(self.code_groups)

    def status_at(self, moment) -> CertificationStatus:
        """Valid, expired, superseded or revoked at `moment` (related rows prefetched)."""
        revocation = getattr(self, "revocation", None)
        supersession = getattr(self, "supersession", None)
        return certificate_status(
            moment,
            issued_at=self.issued_at,
            expires_at=self.expires_at,
            revoked_at=revocation.at if revocation is not None else None,
            superseded_at=supersession.ends_at if supersession is not None else None,
        )


def certificate_status(
    moment: datetime.datetime,
    *,
    issued_at: datetime.datetime,
    expires_at: datetime.datetime | None,
    revoked_at: datetime.datetime | None,
    superseded_at: datetime.datetime | None,
) -> CertificationStatus:
    """A certificate's status at `moment`, from its dates: when it was issued, expires, was
    revoked and stops being valid through a supersession (None where there is none)."""
    if revoked_at is not None and revoked_at <= moment:
        return CertificationStatus.REVOKED
    if expires_at is not None and expires_at <= moment:
        return CertificationStatus.EXPIRED
    if superseded_at is not None and superseded_at <= moment:
        return CertificationStatus.SUPERSEDED
    if issued_at <= moment:
        return CertificationStatus.VALID
    return CertificationStatus.NOT_YET_ISSUED


def certificate_expiring(
    now: datetime.datetime,
    *,
    issued_at: datetime.datetime,
    expires_at: datetime.datetime | None,
    revoked_at: datetime.datetime | None,
    superseded_at: datetime.datetime | None,
) -> bool:
    """Whether `Certificate.objects.expiring(now=now)` holds the certificate with these dates:
    valid at `now`, never revoked, and expiring within the warning window."""
    return (
        revoked_at is None
        and expires_at is not None
        and expires_at <= now + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        and certificate_status(
            now,
            issued_at=issued_at,
            expires_at=expires_at,
            revoked_at=None,
            superseded_at=superseded_at,
        )
        is CertificationStatus.VALID
    )


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
        verbose_name_plural = _("expiries")

    def __str__(self):
        return f"Expiry of {self.certificate}"


class RecertificationRequest(AppendOnlyModel):
    """Compliance requires everyone certified on an older material version to recertify."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    material_version = models.PositiveIntegerField(help_text=_("The version now required."))
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
