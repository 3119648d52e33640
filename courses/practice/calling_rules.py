"""May this lead be called now? A yes/no with every rule that blocks, each named by its rule id.

Pure Python: no Django, no database, no clock (the lead carries its own local time).

The only source of legal facts is ../shared/facts/us-telemarketing-rules.md: a rule or an
exception that file does not state, or marks UNCONFIRMED, is not implemented. Every call is
treated as telemarketing (the site trains sales reps), and every regime that binds the caller is
applied: the FCC/TCPA rules bind everyone, the FTC's TSR binds callers that are not broker-dealers,
FINRA Rule 3230 binds broker-dealers, and the state rules bind every caller calling into the state.

A Finding names its rule by the id of an entry in the rules catalogue
(courses/content/rules/*.yaml); the catalogue, not this module, holds the rule's title, citation
and statement. RULE_IDS lists every id this module can emit.

A lead's number is a `landline` (a home line), a personal `mobile`, or a `business` number. A
personal mobile is protected like a home line (47 CFR 64.1200(e)); a business number is not
protected by the national registry. A call is made `live` (hand-dialed), `autodialed` (placed by
a dialer, answered by a live agent) or `prerecorded` (an artificial or prerecorded voice).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Literal

from django.utils.dateformat import time_format
from django.utils.formats import get_format
from django.utils.translation import get_language

from courses.practice.states import (
    EARLIEST,
    INDIANA_NO_EBR_EXEMPTION,
    MISSISSIPPI_NO_CALL_LIST,
    STATE_DNC_LISTS,
    STATE_LIST_RULE_IDS,
    STATE_LISTS,
    STATE_RULES,
    US_STATES,
)

Line = Literal["landline", "mobile", "business"]
LINES: tuple[Line, ...] = ("landline", "mobile", "business")
Method = Literal["live", "autodialed", "prerecorded"]
METHODS: tuple[Method, ...] = ("live", "autodialed", "prerecorded")
Verdict = Literal["call", "wait", "do-not-call"]
VERDICTS: tuple[Verdict, ...] = ("call", "wait", "do-not-call")

# A lead's time is their wall clock, whatever their zone; arithmetic on it is wall-clock time.
LOCAL_CLOCK = timezone(timedelta(0), "the called party's local time")

FEDERAL_LATEST = time(21)
EBR_PURCHASE_MONTHS = 18
EBR_INQUIRY_MONTHS = 3

# Rule ids, as in the rules catalogue.
FCC_CALLING_HOURS = "fcc-calling-hours"
FCC_NATIONAL_REGISTRY = "fcc-national-registry"
FCC_COMPANY_DNC = "fcc-company-dnc-honor"
FCC_ROBOCALL_WRITTEN_CONSENT = "fcc-robocall-written-consent"
FCC_IDENTIFICATION = "fcc-identification"
FCC_ABANDONED_CALLS = "fcc-abandoned-calls"
TCPA_MOBILE_CONSENT = "tcpa-mobile-autodialer-consent"
TCPA_PRERECORDED_IDENTIFICATION = "tcpa-prerecorded-identification"
TSR_CALLING_HOURS = "tsr-calling-hours"
TSR_NATIONAL_REGISTRY = "tsr-national-registry"
TSR_COMPANY_DNC = "tsr-company-dnc"
TSR_DISCLOSURES = "tsr-disclosures"
FINRA_CALLING_HOURS = "finra-calling-hours"
FINRA_FIRM_DNC = "finra-firm-dnc"
FINRA_NATIONAL_REGISTRY = "finra-national-registry"
FINRA_DISCLOSURES = "finra-disclosures"


@dataclass(frozen=True)
class Lead:
    """The person called, as things stand at `local_time` (their own clock)."""

    local_time: datetime
    state: str
    line: Line = "landline"
    on_national_registry: bool = False
    # On the called party's state's own do-not-call list.
    on_state_list: bool = False
    firm_dnc_request: bool = False
    # A purchase or transaction with the seller (64.1200(f)(5); for a broker-dealer, a
    # transaction with the firm).
    last_purchase: date | None = None
    last_inquiry: date | None = None
    # FINRA Rule 3230(m) only: the last day the person had a security position, a money balance
    # or account activity with the firm or its clearing firm. Ignored for other callers.
    last_account_activity: date | None = None
    # A signed, written agreement to be called by this seller, naming the number.
    written_permission: bool = False
    # A personal relationship between the individual caller and the person called.
    personal_relationship: bool = False
    # The called party is a broker or dealer (an exception to FINRA's calling hours).
    is_broker_dealer: bool = False
    # Calls already made to this person in the last 24 hours on the same subject.
    calls_last_24h: int = 0


@dataclass(frozen=True)
class Call:
    caller_is_broker_dealer: bool = False
    method: Method = "live"
    prior_express_consent: bool = False
    prior_express_written_consent: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    blocks: bool


@dataclass(frozen=True)
class Decision:
    allowed: bool
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def verdict(self) -> Verdict:
        """`call`; `wait` when only the clock says no (hours, Sunday, calls in 24 hours);
        `do-not-call` when anything else does."""
        blocking = {f.rule for f in self.blocking}
        if not blocking:
            return "call"
        return "wait" if blocking <= TIME_RULE_IDS else "do-not-call"


RULE_IDS: frozenset[str] = frozenset(
    {
        FCC_CALLING_HOURS,
        FCC_NATIONAL_REGISTRY,
        FCC_COMPANY_DNC,
        FCC_ROBOCALL_WRITTEN_CONSENT,
        FCC_IDENTIFICATION,
        FCC_ABANDONED_CALLS,
        TCPA_MOBILE_CONSENT,
        TCPA_PRERECORDED_IDENTIFICATION,
        TSR_CALLING_HOURS,
        TSR_NATIONAL_REGISTRY,
        TSR_COMPANY_DNC,
        TSR_DISCLOSURES,
        FINRA_CALLING_HOURS,
        FINRA_FIRM_DNC,
        FINRA_NATIONAL_REGISTRY,
        FINRA_DISCLOSURES,
    }
).union(STATE_LIST_RULE_IDS, *(rule.rule_ids for rule in STATE_RULES.values()))

# Rules that only say "not now": the verdict is to wait, not to leave the lead alone.
TIME_RULE_IDS: frozenset[str] = frozenset(
    {FCC_CALLING_HOURS, TSR_CALLING_HOURS, FINRA_CALLING_HOURS}
).union(*({rule.calling_hours, rule.sunday, rule.call_limit} for rule in STATE_RULES.values()))


def has_ebr(lead: Lead, today: date, *, broker_dealer: bool = False) -> bool:
    """An established business relationship on `today`.

    As 47 CFR 64.1200(f)(5) and 16 CFR 310.4 define it: a purchase or transaction within 18
    months, or an inquiry within 3 months. For a broker-dealer (`broker_dealer=True`), FINRA Rule
    3230(m) also counts a security position, a money balance or account activity within 18
    months. A do-not-call request to the firm ends it (64.1200(f)(5)(i); 3230(b)(1)).
    """
    if lead.firm_dnc_request:
        return False
    return (
        _within_months(lead.last_purchase, today, EBR_PURCHASE_MONTHS)
        or _within_months(lead.last_inquiry, today, EBR_INQUIRY_MONTHS)
        or (
            broker_dealer and _within_months(lead.last_account_activity, today, EBR_PURCHASE_MONTHS)
        )
    )


def may_call(lead: Lead, call: Call) -> Decision:
    _validate(lead, call)
    today = lead.local_time.date()
    # The FCC's EBR binds every caller; FINRA's own, broader one counts only for FINRA's rules.
    ebr = has_ebr(lead, today)
    finra_ebr = call.caller_is_broker_dealer and has_ebr(lead, today, broker_dealer=True)
    findings = [
        *_firm_dnc(lead, call),
        *_national_registry(lead, call, ebr=ebr, finra_ebr=finra_ebr),
        *_calling_hours(lead, call, ebr=ebr, finra_ebr=finra_ebr),
        *_robocalls(lead, call, ebr=ebr),
        *_state_rules(lead, call),
        *_state_list(lead, ebr=ebr),
        *_reminders(call),
    ]
    return Decision(allowed=not any(f.blocks for f in findings), findings=tuple(findings))


def local_clock(moment: datetime) -> datetime:
    """A naive date and time read off the called party's own clock, as the engine takes it."""
    return moment.replace(tzinfo=LOCAL_CLOCK)


# The time rules clear within a week at most: a Sunday ban and a night, or 24 hours of calls.
_SEARCH_DAYS = 8


def next_call_time(lead: Lead, call: Call) -> datetime | None:
    """The first moment from the lead's own time at which this call would be allowed, on their
    clock, or None if none comes within a week (something other than the clock says no).

    The clock only clears a call limit 24 hours after the earliest of the calls counted, and
    their times are not known: the answer waits the whole 24 hours, so it is never too early.
    """
    start, calls = lead.local_time, lead.calls_last_24h
    limits = {rule.call_limit for rule in STATE_RULES.values()}
    if any(f.rule in limits for f in may_call(lead, call).blocking):
        start, calls = start + timedelta(hours=24), 0
    mornings = (
        datetime.combine(start.date() + timedelta(days=n), EARLIEST, start.tzinfo)
        for n in range(_SEARCH_DAYS + 1)
    )
    for moment in (start, *(morning for morning in mornings if morning > start)):
        if may_call(replace(lead, local_time=moment, calls_last_24h=calls), call).allowed:
            return moment
    return None


def _validate(lead: Lead, call: Call) -> None:
    if lead.local_time.tzinfo is None or lead.local_time.utcoffset() is None:
        raise ValueError("local_time must be an aware datetime in the called party's time zone")
    if len(lead.state) != 2 or not lead.state.isalpha():
        raise ValueError(f"state must be a two-letter code, it is {lead.state!r}")
    if lead.line not in LINES:
        raise ValueError(f"line must be one of {', '.join(LINES)}, it is {lead.line!r}")
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


def _personal(lead: Lead) -> bool:
    """A home line or a personal mobile: 64.1200(e) protects a personal mobile like a home line."""
    return lead.line != "business"


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


def _personal_relationship(lead: Lead) -> bool:
    # The relationship gets past the registry, never past the person's own "don't call me".
    return lead.personal_relationship and not lead.firm_dnc_request


def _block(rule: str, message: str) -> Finding:
    return Finding(rule=rule, message=message, blocks=True)


def _remind(rule: str, message: str) -> Finding:
    return Finding(rule=rule, message=message, blocks=False)


def clock_text(moment: time | datetime) -> str:
    """7:40 p.m. (19.40 in Finnish): a time as the site's date filter writes it, in the active
    language's TIME_FORMAT; noon and midnight as 12:00 p.m. and 12:00 a.m."""
    return _clock_text(moment.hour, moment.minute, get_language())


@lru_cache(maxsize=4096)
def _clock_text(hour: int, minute: int, language: str | None) -> str:
    return time_format(time(hour, minute), get_format("TIME_FORMAT"))


def _clock(lead: Lead) -> str:
    return f"{clock_text(lead.local_time)} on {lead.local_time:%A}"


def _firm_dnc(lead: Lead, call: Call) -> list[Finding]:
    if not lead.firm_dnc_request:
        return []
    findings = [
        _block(
            FCC_COMPANY_DNC,
            "This person asked not to be called: honor the request. It also ends any "
            "established business relationship, and no personal relationship or earlier "
            "permission or consent overrides it.",
        )
    ]
    if call.caller_is_broker_dealer:
        findings.append(
            _block(
                FINRA_FIRM_DNC,
                "The number is on the firm's do-not-call list, and the request ends any "
                "established business relationship. Businesses are persons: the firm's list "
                "covers business numbers too.",
            )
        )
    elif _personal(lead):
        # The TSR's do-not-call rules were not extended to business-to-business calls (2024).
        findings.append(
            _block(
                TSR_COMPANY_DNC,
                "This person asked the seller not to call: calling is an abusive practice.",
            )
        )
    return findings


def _national_registry(lead: Lead, call: Call, *, ebr: bool, finra_ebr: bool) -> list[Finding]:
    # Business numbers are not protected by the national registry; personal mobiles are.
    if not (lead.on_national_registry and _personal(lead)):
        return []
    findings = []
    written = _written_agreement(lead, call)
    personal = _personal_relationship(lead)
    # FCC exceptions: an EBR, a signed written agreement, a personal relationship. Unwritten
    # permission does not get past the registry.
    if not (ebr or written or personal):
        findings.append(
            _block(
                FCC_NATIONAL_REGISTRY,
                "The number is on the National Do-Not-Call Registry and there is neither an "
                "established business relationship, nor a signed written agreement naming the "
                "number, nor a personal relationship between you and the person called.",
            )
        )
    if call.caller_is_broker_dealer:
        if not (finra_ebr or written or personal):
            findings.append(
                _block(
                    FINRA_NATIONAL_REGISTRY,
                    "The number is on the National Do-Not-Call Registry and none of FINRA's "
                    "exceptions applies: an established business relationship, signed written "
                    "permission naming the number, or a personal relationship.",
                )
            )
    # The TSR has no personal-relationship exception.
    elif not (ebr or written):
        findings.append(
            _block(
                TSR_NATIONAL_REGISTRY,
                "The number is on the National Do-Not-Call Registry and the seller has neither "
                "an established business relationship nor a signed express written agreement "
                "naming the number. A personal relationship is no exception under the TSR.",
            )
        )
    return findings


def _outside(moment: time, earliest: time, latest: time) -> bool:
    return moment < earliest or moment > latest


def _calling_hours(lead: Lead, call: Call, *, ebr: bool, finra_ebr: bool) -> list[Finding]:
    if not _outside(lead.local_time.time(), EARLIEST, FEDERAL_LATEST):
        return []
    clock = _clock(lead)
    permission = _permission(lead, call)
    findings = []
    if _personal(lead) and not (ebr or permission):
        findings.append(
            _block(
                FCC_CALLING_HOURS,
                f"It is {clock} where the called party is: no telephone solicitation to a "
                "home line or personal mobile before 8 a.m. or after 9 p.m. their local time.",
            )
        )
    if call.caller_is_broker_dealer:
        # FINRA's hours protect a residence; Rule 3230 covers wireless numbers too.
        if _personal(lead) and not (finra_ebr or permission or lead.is_broker_dealer):
            findings.append(
                _block(
                    FINRA_CALLING_HOURS,
                    f"It is {clock} where the called party is: no calls to a residence before "
                    "8 a.m. or after 9 p.m. their local time, unless there is an established "
                    "business relationship or permission, or the called party is a broker or "
                    "dealer.",
                )
            )
    # The facts file says only that "most" business-to-business calls are exempt from the TSR,
    # without saying which, so its hours are kept for business numbers too.
    elif not permission:
        findings.append(
            _block(
                TSR_CALLING_HOURS,
                f"It is {clock} where the called party is: without prior consent, no "
                "telemarketing calls before 8 a.m. or after 9 p.m. their local time. An "
                "established business relationship is no exception here.",
            )
        )
    return findings


def _robocalls(lead: Lead, call: Call, *, ebr: bool) -> list[Finding]:
    if call.method == "live":
        # Hand-dialed live calls need no consent under the TCPA or the state automated-call
        # rules; the hours and do-not-call rules still apply.
        return []
    # A do-not-call request is a request to stop: it revokes consent given before.
    withdrawn = lead.firm_dnc_request
    consent = (call.prior_express_consent or call.prior_express_written_consent) and not withdrawn
    written = call.prior_express_written_consent and not withdrawn
    no_substitute = "; an established business relationship is no substitute." if ebr else "."
    findings = []
    if lead.line == "mobile":
        if not consent:
            findings.append(
                _block(
                    TCPA_MOBILE_CONSENT,
                    "Autodialed or prerecorded calls to a mobile need the called party's prior "
                    "express consent" + no_substitute,
                )
            )
        if not written:
            findings.append(
                _block(
                    FCC_ROBOCALL_WRITTEN_CONSENT,
                    "Telemarketing calls to a mobile made with an autodialer or a prerecorded "
                    "voice need prior express written consent" + no_substitute,
                )
            )
    elif lead.line == "landline" and call.method == "prerecorded" and not written:
        # A live agent placing a call with a dialer to a home line needs no TCPA consent.
        findings.append(
            _block(
                FCC_ROBOCALL_WRITTEN_CONSENT,
                "Prerecorded or artificial-voice telemarketing calls to a home line need prior "
                "express written consent" + no_substitute,
            )
        )
    rule = STATE_RULES.get(lead.state.upper())
    if rule is not None and rule.automated_consent and not written:
        findings.append(
            _block(
                rule.automated,
                f"{rule.name} requires prior express written consent for calls made with an "
                "automated system, autodialed or prerecorded.",
            )
        )
    return findings


def _state_rules(lead: Lead, call: Call) -> list[Finding]:
    rule = STATE_RULES.get(lead.state.upper())
    if rule is None:
        return []
    findings = []
    # State hours run on the called party's clock only: lead.local_time.
    if _outside(lead.local_time.time(), rule.earliest, rule.latest):
        findings.append(
            _block(
                rule.calling_hours,
                f"It is {_clock(lead)} where the called party is: {rule.name} allows "
                f"solicitation calls only from {_hour(rule.earliest)} to {_hour(rule.latest)}",
            )
        )
    if rule.no_sunday_calls and lead.local_time.weekday() == 6:
        findings.append(
            _block(
                rule.sunday,
                f"It is Sunday where the called party is: {rule.name} bans solicitation calls "
                "on Sunday.",
            )
        )
    limit = rule.max_calls_per_24h
    if limit is not None and lead.calls_last_24h >= limit:
        findings.append(
            _block(
                rule.call_limit,
                f"{rule.name} allows at most {limit} calls in 24 hours on the same subject; "
                f"{lead.calls_last_24h} were already made.",
            )
        )
    return findings


def _state_list(lead: Lead, *, ebr: bool) -> list[Finding]:
    """A number on the state's own do-not-call list. The sheet states no exception to any
    state's list, and says outright that Indiana's has no relationship exemption; so no
    exception is applied, and the findings say which is known and which is not."""
    if not lead.on_state_list:
        return []
    code = lead.state.upper()
    name = US_STATES.get(code, code)
    if code == "IN":
        relationship = " An established business relationship does not change that." if ebr else ""
        return [
            _block(
                INDIANA_NO_EBR_EXEMPTION,
                "The number is on Indiana's own do-not-call list, and Indiana's list has no "
                "exemption for an established business relationship." + relationship,
            )
        ]
    if code == "MS":
        return [
            _block(
                MISSISSIPPI_NO_CALL_LIST,
                "The number is on Mississippi's No Call list, which covers home and mobile "
                "numbers.",
            )
        ]
    known = "one of the state lists this course names" if code in STATE_LISTS else "a state list"
    return [
        _block(
            STATE_DNC_LISTS,
            f"The number is on {name}'s own do-not-call list ({known}). This course knows no "
            "exception to it: do not call unless your firm's compliance table says one applies.",
        )
    ]


def _hour(moment: time) -> str:
    return f"{moment.hour % 12 or 12} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def _reminders(call: Call) -> list[Finding]:
    if call.method == "prerecorded":
        findings = [
            _remind(
                TCPA_PRERECORDED_IDENTIFICATION,
                "The message must state who is calling at the start, and a telephone number or "
                "address during or after the message.",
            )
        ]
    else:
        findings = [
            _remind(
                FCC_IDENTIFICATION,
                "At the start of the call give your name, the entity you call for, and a "
                "telephone number or address.",
            )
        ]
    if call.method == "autodialed":
        findings.append(
            _remind(
                FCC_ABANDONED_CALLS,
                "A dialer must connect an answered call to a live agent within 2 seconds of the "
                "greeting, abandon at most 3% of answered calls per campaign over 30 days, and "
                "let unanswered calls ring at least 15 seconds or 4 rings.",
            )
        )
    if call.caller_is_broker_dealer:
        findings.append(
            _remind(
                FINRA_DISCLOSURES,
                "At the start of the call give your name, the firm's name, a telephone number "
                "or address, and that the purpose is to solicit the purchase of securities or "
                "a related service.",
            )
        )
    else:
        findings.append(
            _remind(
                TSR_DISCLOSURES,
                "Before any pitch, say promptly who the seller is, that the purpose is to sell, "
                "and what the goods or services are.",
            )
        )
    return findings
