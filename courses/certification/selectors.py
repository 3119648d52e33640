"""Where a person stands with certification, module by module: what My training and the
module page tell the rep."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from courses.certification.models import CertificationStatus as Status
from courses.models import Certificate, CompletionRecord, Module, Review

# A certificate's own status, read as the holder's standing on its module.
_STANDING_OF_CERTIFICATE = {
    Status.VALID: Status.CERTIFIED,
    Status.NOT_YET_ISSUED: Status.CERTIFIED,
    Status.EXPIRED: Status.EXPIRED,
    Status.SUPERSEDED: Status.SUPERSEDED,
    Status.REVOKED: Status.REVOKED,
}

_LABELS = {
    Status.PENDING: "Awaiting review",
    Status.REJECTED: "Rejected: redo required",
    Status.CERTIFIED: "Certified",
    Status.EXPIRED: "Certificate expired",
    Status.SUPERSEDED: "Recertification due",
    Status.REVOKED: "Certificate revoked",
}


@dataclass(frozen=True)
class ModuleCertification:
    """The latest completion of a module: pending, rejected, certified, or how its certificate
    ended (expired, superseded, revoked)."""

    module: Module
    record: CompletionRecord
    status: Status
    review: Review | None = None
    certificate: Certificate | None = None
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


def certification_statuses(
    user, *, now: datetime.datetime, module: Module | None = None
) -> list[ModuleCertification]:
    """The state of the user's latest completion of each required module (or of `module`)."""
    # What a status shows and is decided by; not the evidence (a snapshot of every answer and
    # transcript, which only compliance reads).
    records = (
        CompletionRecord.objects.filter(user=user)
        .select_related("module", "review", "certificate__revocation", "certificate__supersession")
        .only(
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
    )
    if module is not None:
        records = records.filter(module=module)
    latest: dict[int, CompletionRecord] = {}
    for record in records.order_by("-completed_at", "-pk"):
        latest.setdefault(record.module_id, record)
    statuses = []
    for record in sorted(latest.values(), key=lambda r: (r.module.position, r.module.title)):
        review = getattr(record, "review", None)
        certificate = getattr(record, "certificate", None)
        if review is None:
            statuses.append(ModuleCertification(record.module, record, Status.PENDING))
        elif review.decision == Review.Decision.REJECTED:
            statuses.append(ModuleCertification(record.module, record, Status.REJECTED, review))
        else:
            certificate_status = certificate.status_at(now) if certificate else None
            statuses.append(
                ModuleCertification(
                    record.module,
                    record,
                    _STANDING_OF_CERTIFICATE.get(certificate_status, Status.CERTIFIED),
                    review,
                    certificate,
                    certificate_status,
                )
            )
    return statuses
