"""May this lead be called now? A yes/no with every rule that blocks, each with its citation.

Pure Python: no Django, no database, no clock (the lead carries its own local time).

The only source of legal facts is ../shared/facts/us-telemarketing-rules.md: a rule or an
exception that file does not state, or marks UNCONFIRMED, is not implemented. Every call is
treated as telemarketing (the site trains sales reps), and every regime that binds the caller is
applied: the FCC/TCPA rules bind everyone, the FTC's TSR binds callers that are not broker-dealers,
FINRA Rule 3230 binds broker-dealers, and the state rules bind every caller.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Literal

Method = Literal["live", "autodialed", "prerecorded"]
METHODS: tuple[Method, ...] = ("live", "autodialed", "prerecorded")

EARLIEST = time(8)
FEDERAL_LATEST = time(21)
EBR_PURCHASE_MONTHS = 18
EBR_INQUIRY_MONTHS = 3


@dataclass(frozen=True)
class Lead:
    local_time: datetime
    state: str
    residential: bool = True
    on_national_registry: bool = False
    firm_dnc_request: bool = False
    last_purchase: date | None = None
    last_inquiry: date | None = None
    written_permission: bool = False
    personal_relationship: bool = False
    is_broker_dealer: bool = False
    calls_last_24h: int = 0


@dataclass(frozen=True)
class Call:
    caller_is_broker_dealer: bool = False
    method: Method = "live"
    to_cell: bool = False
    prior_express_consent: bool = False
    prior_express_written_consent: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str
    citation: str
    message: str
    blocks: bool


@dataclass(frozen=True)
class Decision:
    allowed: bool
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)


@dataclass(frozen=True)
class StateRule:
    name: str
    citation: str
    latest: time
    earliest: time = EARLIEST
    max_calls_per_24h: int | None = None
    no_sunday_calls: bool = False
    # Set where the state requires written consent for automated calls.
    automated_consent_citation: str | None = None


STATE_RULES: Mapping[str, StateRule] = MappingProxyType(
    {
        "FL": StateRule(
            name="Florida",
            citation="Fla. Stat. 501.616(6)",
            latest=time(20),
            max_calls_per_24h=3,
            automated_consent_citation="Fla. Stat. 501.059",
        ),
        "MD": StateRule(
            name="Maryland",
            citation="Maryland Stop the Spam Calls Act",
            latest=time(20),
            max_calls_per_24h=3,
        ),
        "MS": StateRule(
            name="Mississippi",
            citation="Miss. Code 77-3-723",
            latest=time(20),
            no_sunday_calls=True,
        ),
        "OK": StateRule(
            name="Oklahoma",
            citation="Oklahoma Telephone Solicitation Act",
            latest=time(20),
            max_calls_per_24h=3,
            automated_consent_citation="Oklahoma Telephone Solicitation Act",
        ),
    }
)


def has_ebr(lead: Lead, today: date) -> bool:
    """An established business relationship as 47 CFR 64.1200(f)(5) and 16 CFR 310.4 define it."""
    if lead.firm_dnc_request:
        return False
    return _within_months(lead.last_purchase, today, EBR_PURCHASE_MONTHS) or _within_months(
        lead.last_inquiry, today, EBR_INQUIRY_MONTHS
    )


def may_call(lead: Lead, call: Call) -> Decision:
    _validate(lead, call)
    ebr = has_ebr(lead, lead.local_time.date())
    findings = [
        *_firm_dnc(lead, call),
        *_national_registry(lead, call, ebr=ebr),
        *_calling_hours(lead, call, ebr=ebr),
        *_robocalls(lead, call, ebr=ebr),
        *_state_rules(lead, call),
        *_reminders(call),
    ]
    return Decision(allowed=not any(f.blocks for f in findings), findings=tuple(findings))


def _validate(lead: Lead, call: Call) -> None:
    if lead.local_time.tzinfo is None or lead.local_time.utcoffset() is None:
        raise ValueError("local_time must be an aware datetime in the called party's time zone")
    if len(lead.state) != 2 or not lead.state.isalpha():
        raise ValueError(f"state must be a two-letter code, it is {lead.state!r}")
    if lead.calls_last_24h < 0:
        raise ValueError(f"calls_last_24h must not be negative, it is {lead.calls_last_24h}")
    if call.method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, it is {call.method!r}")


def _within_months(day: date | None, today: date, months: int) -> bool:
    # A date after today is not "before the call"; counting it would stretch the exception.
    return day is not None and _months_before(today, months) <= day <= today


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    # Clamp to the month's end: 18 months before Aug 31 is the last day of February.
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _permission(lead: Lead, call: Call) -> bool:
    """Prior express invitation or permission, in any form."""
    # A do-not-call request is a request to stop: it revokes any permission given before.
    if lead.firm_dnc_request:
        return False
    return (
        lead.written_permission or call.prior_express_consent or call.prior_express_written_consent
    )


def _written_agreement(lead: Lead, call: Call) -> bool:
    """Signed, written, naming the number called."""
    if lead.firm_dnc_request:
        return False
    return lead.written_permission or call.prior_express_written_consent


def _block(rule: str, citation: str, message: str) -> Finding:
    return Finding(rule=rule, citation=citation, message=message, blocks=True)


def _remind(rule: str, citation: str, message: str) -> Finding:
    return Finding(rule=rule, citation=citation, message=message, blocks=False)


def _clock(lead: Lead) -> str:
    return lead.local_time.strftime("%H:%M on %A")


def _firm_dnc(lead: Lead, call: Call) -> list[Finding]:
    if not lead.firm_dnc_request:
        return []
    findings = [
        _block(
            "fcc-company-dnc",
            "47 CFR 64.1200(d)(3)",
            "This person asked the firm not to call: honor the request. It also ends any "
            "established business relationship (47 CFR 64.1200(f)(5)(i)), and no personal "
            "relationship or earlier permission overrides it.",
        )
    ]
    if call.caller_is_broker_dealer:
        findings.append(
            _block(
                "finra-firm-dnc",
                "FINRA Rule 3230(a)(2)",
                "The number is on the firm's do-not-call list; a do-not-call request ends the "
                "established business relationship (FINRA Rule 3230(b)(1)). Businesses are "
                "persons: the firm's list covers business numbers too.",
            )
        )
    elif lead.residential:
        # The TSR's do-not-call rules were not extended to business-to-business calls (2024).
        findings.append(
            _block(
                "tsr-company-dnc",
                "16 CFR 310.4(b)(1)(iii)(A)",
                "This person asked the seller not to call: calling is an abusive practice.",
            )
        )
    return findings


def _national_registry(lead: Lead, call: Call, *, ebr: bool) -> list[Finding]:
    if not (lead.on_national_registry and lead.residential):
        return []
    findings = []
    # The FCC's definition of telephone solicitation leaves out EBR and permission calls; the
    # facts file confirms no personal-relationship exception for the FCC.
    if not (ebr or _permission(lead, call)):
        findings.append(
            _block(
                "fcc-national-registry",
                "47 CFR 64.1200(c)(2)",
                "The number is on the National Do-Not-Call Registry and there is neither an "
                "established business relationship nor prior express invitation or permission.",
            )
        )
    if call.caller_is_broker_dealer:
        if not (ebr or _written_agreement(lead, call) or lead.personal_relationship):
            findings.append(
                _block(
                    "finra-national-registry",
                    "FINRA Rule 3230(a)(3)",
                    "The number is on the National Do-Not-Call Registry and none of the "
                    "exceptions in FINRA Rule 3230(b) applies: an established business "
                    "relationship, signed written permission naming the number, or a personal "
                    "relationship.",
                )
            )
    elif not (ebr or _written_agreement(lead, call)):
        findings.append(
            _block(
                "tsr-national-registry",
                "16 CFR 310.4(b)(1)(iii)(B)",
                "The number is on the National Do-Not-Call Registry and the seller has neither "
                "an established business relationship nor a signed express written agreement "
                "naming the number.",
            )
        )
    return findings


def _outside(moment: time, earliest: time, latest: time) -> bool:
    return moment < earliest or moment > latest


def _calling_hours(lead: Lead, call: Call, *, ebr: bool) -> list[Finding]:
    if not _outside(lead.local_time.time(), EARLIEST, FEDERAL_LATEST):
        return []
    clock = _clock(lead)
    findings = []
    if lead.residential and not (ebr or _permission(lead, call)):
        findings.append(
            _block(
                "fcc-calling-hours",
                "47 CFR 64.1200(c)(1)",
                f"It is {clock} where the called party is: no telephone solicitation to a "
                "residential subscriber before 8 a.m. or after 9 p.m. their local time.",
            )
        )
    if call.caller_is_broker_dealer:
        if lead.residential and not (ebr or _permission(lead, call) or lead.is_broker_dealer):
            findings.append(
                _block(
                    "finra-calling-hours",
                    "FINRA Rule 3230(a)(1)",
                    f"It is {clock} where the called party is: no calls to a residence before "
                    "8 a.m. or after 9 p.m. their local time, unless there is an established "
                    "business relationship or permission, or the called party is a broker or "
                    "dealer.",
                )
            )
    # The facts file says only "most" business-to-business calls are exempt from the TSR,
    # without saying which, so its hours are kept for business numbers too.
    elif not _permission(lead, call):
        findings.append(
            _block(
                "tsr-calling-hours",
                "16 CFR 310.4(c)",
                f"It is {clock} where the called party is: without prior consent, no "
                "telemarketing calls before 8 a.m. or after 9 p.m. their local time. An "
                "established business relationship is no exception here.",
            )
        )
    return findings


def _robocalls(lead: Lead, call: Call, *, ebr: bool) -> list[Finding]:
    if call.method == "live":
        return []
    withdrawn = lead.firm_dnc_request
    findings = []
    consent = (call.prior_express_consent or call.prior_express_written_consent) and not withdrawn
    if call.to_cell and not consent:
        findings.append(
            _block(
                "tcpa-cell-consent",
                "47 U.S.C. 227(b)(1)(A)(iii)",
                "Autodialed or prerecorded calls to a cell phone need the called party's prior "
                "express consent.",
            )
        )
    written = call.prior_express_written_consent and not withdrawn
    if not written:
        findings.append(
            _block(
                "fcc-robocall-written-consent",
                "47 CFR 64.1200(a)(2)-(3)",
                "Autodialed or prerecorded telemarketing calls need prior express written "
                "consent"
                + ("; an established business relationship is no substitute." if ebr else "."),
            )
        )
    rule = STATE_RULES.get(lead.state.upper())
    if rule is not None and rule.automated_consent_citation is not None and not written:
        findings.append(
            _block(
                "state-automated-consent",
                rule.automated_consent_citation,
                f"{rule.name} requires prior express written consent for automated calls.",
            )
        )
    return findings


def _state_rules(lead: Lead, call: Call) -> list[Finding]:
    rule = STATE_RULES.get(lead.state.upper())
    if rule is None:
        return []
    findings = []
    if _outside(lead.local_time.time(), rule.earliest, rule.latest):
        findings.append(
            _block(
                "state-calling-hours",
                rule.citation,
                f"It is {_clock(lead)} where the called party is: {rule.name} allows "
                f"solicitation calls only from {_hour(rule.earliest)} to {_hour(rule.latest)}.",
            )
        )
    if rule.no_sunday_calls and lead.local_time.weekday() == 6:
        findings.append(
            _block(
                "state-sunday",
                rule.citation,
                f"It is Sunday where the called party is: {rule.name} bans solicitation calls "
                "on Sunday.",
            )
        )
    limit = rule.max_calls_per_24h
    if limit is not None and lead.calls_last_24h >= limit:
        findings.append(
            _block(
                "state-call-limit",
                rule.citation,
                f"{rule.name} allows at most {limit} calls in 24 hours on the same subject; "
                f"{lead.calls_last_24h} were already made.",
            )
        )
    return findings


def _hour(moment: time) -> str:
    return f"{moment.hour % 12 or 12} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def _reminders(call: Call) -> list[Finding]:
    if call.method == "prerecorded":
        findings = [
            _remind(
                "tcpa-prerecorded-identification",
                "47 U.S.C. 227(d)(3)(A)",
                "The message must state who is calling at the start, and a telephone number or "
                "address during or after the message.",
            )
        ]
    else:
        findings = [
            _remind(
                "fcc-identification",
                "47 CFR 64.1200(d)(4)",
                "At the start of the call give your name, the entity you call for, and a "
                "telephone number or address.",
            )
        ]
    if call.caller_is_broker_dealer:
        findings.append(
            _remind(
                "finra-disclosures",
                "FINRA Rule 3230(c)",
                "At the start of the call give your name, the firm's name, a telephone number "
                "or address, and that the purpose is to solicit the purchase of securities or "
                "a related service.",
            )
        )
    else:
        findings.append(
            _remind(
                "tsr-disclosures",
                "16 CFR 310.4(d)",
                "Before any pitch, say promptly who the seller is, that the purpose is to sell, "
                "and what the goods or services are.",
            )
        )
    return findings
