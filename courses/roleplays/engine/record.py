"""The do-not-call record a rep makes when a prospect asks not to be called again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from courses.roleplays.engine.script import either_or

# The options of the record, in English for the feedback (what the law asks is course content)
# and marked for the catalogue: the form shows them translated.
DNC_LISTS = {
    "firm": gettext_noop("Your firm's do-not-call list"),
    "national": gettext_noop("The National Do-Not-Call Registry"),
    "none": gettext_noop("No record is needed"),
}
DNC_DETAILS = {
    "number": gettext_noop("The telephone number"),
    "name": gettext_noop("The person's name, if given"),
    "date": gettext_noop("The date of the request"),
    "caller": gettext_noop("Your name and the firm you called for"),
}
REQUIRED_DNC_DETAILS = frozenset({"number", "name", "date"})
DNC_LIST_POINTS = 2
DNC_RECORD_MAX = DNC_LIST_POINTS + len(REQUIRED_DNC_DETAILS)
# The rules the do-not-call record is scored on, by their ids in the rules catalogue.
DNC_RULES = ("fcc-company-dnc-honor", "fcc-company-dnc-duration", "finra-firm-dnc-list")


@dataclass(frozen=True)
class DncRecord:
    list: str
    details: frozenset[str]

    def __post_init__(self) -> None:
        # forms hand over lists; a frozenset keeps the record hashable and order-free
        object.__setattr__(self, "details", frozenset(self.details))


@dataclass(frozen=True)
class DncRecordResult:
    points: int
    max_points: int
    correct_list: bool
    missing: frozenset[str]
    feedback: tuple[str, ...]
    rules: tuple[str, ...] = DNC_RULES


_FIRM_LIST_RULE = (
    "A request made to your firm goes on your firm's own do-not-call list: it must be honoured "
    "within a reasonable time not exceeding 10 business days and kept for 5 years. The National "
    "Do-Not-Call Registry is where consumers register their own numbers."
)


def score_dnc_record(record: DncRecord) -> DncRecordResult:
    if record.list not in DNC_LISTS:
        raise ValueError(f"unknown do-not-call list {record.list!r}; use {either_or(DNC_LISTS)}")
    unknown = record.details - DNC_DETAILS.keys()
    if unknown:
        raise ValueError(
            f"unknown do-not-call details {sorted(unknown)}; use {either_or(DNC_DETAILS)}"
        )

    correct_list = record.list == "firm"
    missing = REQUIRED_DNC_DETAILS - record.details
    feedback: list[str] = []
    if correct_list:
        feedback.append("Right list: the request goes on your firm's own do-not-call list.")
    elif record.list == "national":
        feedback.append(f"Wrong list. {_FIRM_LIST_RULE}")
    else:
        feedback.append(f"A record is needed. {_FIRM_LIST_RULE}")
    if missing:
        feedback.append(f"Missing from the record: {_details_text(missing)}.")
    else:
        feedback.append(
            f"The record has every detail it needs: {_details_text(REQUIRED_DNC_DETAILS)}."
        )
    if "caller" in record.details:
        feedback.append("Noting your own name and firm is allowed, but it earns no points.")

    points = (DNC_LIST_POINTS if correct_list else 0) + len(REQUIRED_DNC_DETAILS & record.details)
    return DncRecordResult(
        points=points,
        max_points=DNC_RECORD_MAX,
        correct_list=correct_list,
        missing=frozenset(missing),
        feedback=tuple(feedback),
    )


def _details_text(keys: Iterable[str]) -> str:
    # "; " because one label ("the person's name, if given") has a comma of its own
    return "; ".join(
        label[0].lower() + label[1:] for key, label in DNC_DETAILS.items() if key in keys
    )
