"""Where a person stands with certification, module by module: what My training and the
module page tell the rep; and whether the audit log's hash chain is intact."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from courses.certification import chain
from courses.certification.models import CODE_ALPHABET, certificate_expiring, certificate_status
from courses.certification.models import CertificationStatus as Status
from courses.models import AuditEntry, CompletionRecord, Module, Review
from courses.platform.days import day, long_day
from courses.platform.rows import TemplateRow
from courses.progress.selectors import module_url_for

# A certificate's own status, read as the holder's standing on its module.
_STANDING_OF_CERTIFICATE = {
    Status.VALID: Status.CERTIFIED,
    Status.NOT_YET_ISSUED: Status.CERTIFIED,
    Status.EXPIRED: Status.EXPIRED,
    Status.SUPERSEDED: Status.SUPERSEDED,
    Status.REVOKED: Status.REVOKED,
}

_LABELS = {
    Status.PENDING: _("Awaiting review"),
    Status.REJECTED: _("Rejected: redo required"),
    Status.CERTIFIED: _("Certified"),
    Status.EXPIRED: _("Certificate expired"),
    Status.SUPERSEDED: _("Recertification due"),
    Status.REVOKED: _("Certificate revoked"),
}


@dataclass(frozen=True, slots=True)
class ModuleCertification(TemplateRow):
    """The latest completion of a module: pending, rejected, certified, or how its certificate
    ended (expired, superseded, revoked). Plain values, with the days and addresses as the
    page writes them."""

    module_title: str
    module_url: str
    completed_day: str
    status: Status
    redo_steps: Sequence[str] = ()  # rejected: the titles of the steps reopened
    note: str = ""  # rejected: the officer's note
    certificate_url: str = ""  # empty: no certificate
    certified_day: str = ""
    expires_day: str = ""  # empty: the certificate does not expire
    certificate_status: Status | None = None

    @property
    def label(self) -> str:
        return _LABELS[self.status]

    @property
    def badge(self) -> str:
        """The badge style: a certified module shows its certificate as valid."""
        return Status.VALID if self.status == Status.CERTIFIED else self.status

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == Status.REJECTED

    @property
    def has_expired(self) -> bool:
        return self.certificate_status == Status.EXPIRED


@dataclass(frozen=True, slots=True)
class ExpiringCertificate:
    """A certificate of the person's that `Certificate.objects.expiring` holds."""

    module_title: str
    expires_at: datetime.datetime
    expires_on: str  # as the notice writes it


@dataclass(frozen=True, slots=True)
class Certification:
    statuses: list[ModuleCertification]
    expiring: list[ExpiringCertificate]  # soonest first


# What a status shows and is decided by; not the evidence (a snapshot of every answer and
# transcript, which only compliance reads).
_FIELDS = (
    "module_id",
    "module__slug",
    "module__title",
    "module__position",
    "completed_at",
    "review__decision",
    "review__note",
    "review__redo_steps",
    "certificate__code",
    "certificate__issued_at",
    "certificate__expires_at",
    "certificate__revocation__at",
    "certificate__supersession__ends_at",
)
# Built once, latest first: only the person changes from one visit to the next. A query only
# when filtered, never evaluated itself.
_RECORDS = CompletionRecord.objects.order_by("-completed_at", "-pk").values_list(*_FIELDS)


def certificate_url(code: str) -> str:
    """A certificate's page: the address of certificate pages plus its code (codes need no
    quoting), worked out once per process rather than for each certificate shown."""
    return (
        _certificate_pages(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF) + code + "/"
    )


@lru_cache(maxsize=16)
def _certificate_pages(prefix: str, urlconf: str) -> str:
    sample = CODE_ALPHABET[0] * 32
    return reverse("certificates:detail", args=[sample], urlconf=urlconf).removesuffix(f"{sample}/")


def certification_statuses(
    user, *, now: datetime.datetime, module: Module | None = None
) -> list[ModuleCertification]:
    """The state of the user's latest completion of each module (or of `module`)."""
    return certification(user, now=now, module=module).statuses


def certification(user, *, now: datetime.datetime, module: Module | None = None) -> Certification:
    """The state of the user's latest completion of each module (or of `module`), and which of
    their certificates expire soon, in one query."""
    records = _RECORDS.filter(user=user)
    if module is not None:
        records = records.filter(module=module)
    latest = {}
    expiring = []
    for row in records:
        latest.setdefault(row[0], row)
        title, code, issued_at, expires_at, revoked_at, superseded_at = row[2], *row[8:]
        if code is not None and certificate_expiring(
            now,
            issued_at=issued_at,
            expires_at=expires_at,
            revoked_at=revoked_at,
            superseded_at=superseded_at,
        ):
            expiring.append(ExpiringCertificate(title, expires_at, long_day(expires_at)))
    expiring.sort(key=lambda certificate: certificate.expires_at)

    statuses = []
    for row in sorted(latest.values(), key=lambda row: (row[3], row[2])):
        _record, slug, title, _order, completed_at, decision, note, redo_steps = row[:8]
        code, issued_at, expires_at, revoked_at, superseded_at = row[8:]
        shown = (title, module_url_for(slug), day(completed_at))
        if decision is None:
            statuses.append(ModuleCertification(*shown, Status.PENDING))
        elif decision == Review.Decision.REJECTED:
            statuses.append(
                ModuleCertification(*shown, Status.REJECTED, redo_steps=redo_steps, note=note)
            )
        elif code is None:
            statuses.append(ModuleCertification(*shown, Status.CERTIFIED))
        else:
            certificate = certificate_status(
                now,
                issued_at=issued_at,
                expires_at=expires_at,
                revoked_at=revoked_at,
                superseded_at=superseded_at,
            )
            statuses.append(
                ModuleCertification(
                    *shown,
                    _STANDING_OF_CERTIFICATE[certificate],
                    certificate_url=certificate_url(code),
                    certified_day=day(issued_at),
                    expires_day=day(expires_at),
                    certificate_status=certificate,
                )
            )
    return Certification(statuses=statuses, expiring=expiring)


def audit_chain_verdict(*, using: str = "default") -> chain.Verdict:
    """Whether the audit log in database `using` is an unbroken hash chain. It reads every
    entry (in chunks, in sequence order): one pass over the table, so it runs on request
    (the audit page's button, `manage.py verify_audit`, after a restore), never on every view."""
    rows = (
        AuditEntry.objects.using(using)
        .order_by("sequence")
        .values("pk", "hash", *chain.FIELDS)
        .iterator(chunk_size=5000)
    )
    return chain.verify_audit_chain(rows)
