"""Where a person stands with certification, module by module: what My training and the
module page tell the rep."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from courses.models import Certificate, CompletionRecord, Module, Review


@dataclass(frozen=True)
class CertificationStatus:
    module: Module
    record: CompletionRecord
    state: str  # awaiting, certified, rejected
    review: Review | None = None
    certificate: Certificate | None = None
    certificate_status: str = ""  # valid, expired, superseded, revoked

    @property
    def label(self) -> str:
        if self.state == "awaiting":
            return "Awaiting review"
        if self.state == "rejected":
            return "Rejected: redo required"
        return {
            "valid": "Certified",
            "expired": "Certificate expired",
            "superseded": "Recertification due",
            "revoked": "Certificate revoked",
        }.get(self.certificate_status, "Certified")


def certification_statuses(
    user, *, now: datetime.datetime, module: Module | None = None
) -> list[CertificationStatus]:
    """The state of the user's latest completion of each required module (or of `module`)."""
    records = CompletionRecord.objects.filter(user=user).select_related(
        "module", "review", "certificate__revocation", "certificate__supersession"
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
            statuses.append(CertificationStatus(record.module, record, "awaiting"))
        elif review.decision == Review.Decision.REJECTED:
            statuses.append(CertificationStatus(record.module, record, "rejected", review))
        else:
            statuses.append(
                CertificationStatus(
                    record.module,
                    record,
                    "certified",
                    review,
                    certificate,
                    certificate.status_at(now) if certificate else "",
                )
            )
    return statuses
