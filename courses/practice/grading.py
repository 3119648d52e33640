"""Grading a drill answer, and the rules a card tests. Pure Python: no Django.

The rep answers Call now, Call later (with a moment on the lead's clock) or Don't call. The
engine decides what was right: Call now when its verdict is "call", Don't call when it is
"do-not-call", Call later when it is "wait" and the engine allows the call at the moment chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from types import MappingProxyType

from django.utils.translation import gettext_noop

from courses.practice.calling_rules import (
    FCC_CALLING_HOURS,
    FCC_NATIONAL_REGISTRY,
    FINRA_CALLING_HOURS,
    FINRA_NATIONAL_REGISTRY,
    STATE_RULES,
    TSR_CALLING_HOURS,
    TSR_COMPANY_DNC,
    TSR_NATIONAL_REGISTRY,
    Call,
    Decision,
    Lead,
    Verdict,
    local_clock,
    may_call,
    next_call_time,
)
from courses.practice.cards import Card

# The rep's three answers, by the verdict each one claims: in English, marked for the
# catalogue; a page shows them translated (`gettext(CHOICES[verdict])`).
CHOICES = MappingProxyType(
    {
        "call": gettext_noop("Call now"),
        "wait": gettext_noop("Call later"),
        "do-not-call": gettext_noop("Don't call"),
    }
)

# How far ahead a callback may be set: past any time rule's reach (a Sunday ban and a night, or
# 24 hours of calls, clear within a week).
LATER_DAYS = 8
# The calls counted toward a state's limit are cleared 24 hours on, as next_call_time counts.
CLEARED = timedelta(hours=24)


@dataclass(frozen=True)
class Grade:
    choice: Verdict
    correct: bool
    late: bool  # answered after the time box: wrong, whatever the choice
    decision: Decision  # the engine's, at the moment the rep met the lead
    later: datetime | None  # the callback the rep set, on the lead's clock
    at_later: Decision | None  # the engine's decision at that moment
    earliest: datetime | None  # the first lawful moment, on the lead's clock, for a "wait"
    rules: tuple[str, ...]  # the rules the card tests

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def right_choice(self) -> bool:
        """Whether the choice was right, late or not."""
        return self.correct or (self.late and _right(self.verdict, self.choice, self.at_later))


def later_bounds(card: Card) -> tuple[datetime, datetime]:
    """The moments a callback may be set for: after the lead's time, within LATER_DAYS."""
    first = card.local + timedelta(minutes=1)
    last = datetime.combine(card.local.date() + timedelta(days=LATER_DAYS), time(23, 59))
    return first, last


def decision_at(card: Card, moment: datetime) -> Decision:
    """The engine's decision for the same call at a later moment of the lead's clock, with the
    calls counted toward a state's limit cleared once 24 hours have passed."""
    cleared = moment - card.local >= CLEARED
    lead = replace(
        card.lead,
        local_time=local_clock(moment),
        calls_last_24h=0 if cleared else card.lead.calls_last_24h,
    )
    return may_call(lead, card.call)


def earliest_call(card: Card) -> datetime | None:
    moment = next_call_time(card.lead, card.call)
    return None if moment is None else moment.replace(tzinfo=None)


def grade(card: Card, choice: str, later: datetime | None = None, *, late: bool = False) -> Grade:
    """Grade one answer. `later` (naive, on the lead's clock) goes with a "wait" and must be
    within `later_bounds`; a choice or a moment that is not one is a ValueError."""
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {', '.join(CHOICES)}, it is {choice!r}")
    at_later = None
    if choice == "wait":
        first, last = later_bounds(card)
        if later is None or not first <= later <= last:
            raise ValueError("a callback must be set after the lead's time, within the week")
        at_later = decision_at(card, later)
    elif later is not None:
        raise ValueError("only a callback has a moment")
    decision = may_call(card.lead, card.call)
    verdict = decision.verdict
    return Grade(
        choice=choice,
        correct=_right(verdict, choice, at_later) and not late,
        late=late,
        decision=decision,
        later=later,
        at_later=at_later,
        earliest=earliest_call(card) if verdict == "wait" else None,
        rules=tested_rules(card, decision),
    )


def _right(verdict: Verdict, choice: str, at_later: Decision | None) -> bool:
    if choice == "wait":
        return verdict == "wait" and at_later is not None and at_later.allowed
    return verdict == choice


# --- The rules a card tests ----------------------------------------------------------------------

# The catalogue's entry for an exception, by what it gets past: (exception, rule) -> entry.
EXCEPTIONS = MappingProxyType(
    {
        ("relationship", FCC_NATIONAL_REGISTRY): "fcc-ebr-definition",
        ("relationship", FINRA_NATIONAL_REGISTRY): "finra-ebr-exception",
        ("relationship", FCC_CALLING_HOURS): "fcc-solicitation-definition",
        ("written", FCC_NATIONAL_REGISTRY): "fcc-registry-written-agreement",
        ("written", FINRA_NATIONAL_REGISTRY): "finra-written-permission",
        ("written", FCC_CALLING_HOURS): "fcc-solicitation-definition",
        ("consent", FCC_CALLING_HOURS): "fcc-solicitation-definition",
        ("personal", FCC_NATIONAL_REGISTRY): "fcc-registry-personal-relationship",
        ("personal", FINRA_NATIONAL_REGISTRY): "finra-personal-relationship",
        ("broker-dealer caller", TSR_CALLING_HOURS): "tsr-broker-dealer-exclusion",
        ("broker-dealer caller", TSR_NATIONAL_REGISTRY): "tsr-broker-dealer-exclusion",
    }
)
# Rules a caller is outside of: flipping the caller shows them, but they are not what is tested.
NOT_THEIRS = MappingProxyType(
    {"broker-dealer caller": frozenset({TSR_CALLING_HOURS, TSR_NATIONAL_REGISTRY, TSR_COMPANY_DNC})}
)


def tested_rules(card: Card, decision: Decision | None = None) -> tuple[str, ...]:
    """The rules that decide a card, by catalogue id, each once.

    A card that may not be called now tests the rules that block it. A card that may be called
    tests what made it lawful where that can be told: the rules that would block it without one
    of its circumstances (a relationship, permission, consent, a personal relationship, a called
    broker-dealer, a business line, a live agent at the dialer, a broker-dealer caller, the
    called party's own clock), with the catalogue entry for that exception. Else it tests the
    hours and registry rules of its caller's regime (and its state's hours)."""
    decision = decision or may_call(card.lead, card.call)
    if decision.blocking:
        return _unique(f.rule for f in decision.blocking)
    rules: list[str] = []
    for exception, lead, call in _without_exceptions(card):
        for finding in may_call(lead, call).blocking:
            entry = EXCEPTIONS.get((exception, finding.rule))
            if finding.rule not in NOT_THEIRS.get(exception, ()):
                rules.append(finding.rule)
            if entry:
                rules.append(entry)
    return _unique(rules) if rules else _regime(card)


def _without_exceptions(card: Card) -> Iterable[tuple[str, Lead, Call]]:
    """The card with each of its circumstances that could make a call lawful taken away."""
    lead, call = card.lead, card.call
    if lead.last_purchase or lead.last_inquiry or lead.last_account_activity:
        yield (
            "relationship",
            replace(lead, last_purchase=None, last_inquiry=None, last_account_activity=None),
            call,
        )
    if lead.written_permission or call.prior_express_written_consent:
        yield (
            "written",
            replace(lead, written_permission=False),
            replace(call, prior_express_written_consent=False),
        )
    if call.prior_express_consent or call.prior_express_written_consent:
        yield (
            "consent",
            lead,
            replace(call, prior_express_consent=False, prior_express_written_consent=False),
        )
    if lead.personal_relationship:
        yield "personal", replace(lead, personal_relationship=False), call
    if lead.is_broker_dealer:
        yield "called broker-dealer", replace(lead, is_broker_dealer=False), call
    if lead.line == "business":
        yield "business line", replace(lead, line="landline"), call
    if call.method == "autodialed" and lead.line == "landline":
        yield "live agent", lead, replace(call, method="prerecorded")
    if call.caller_is_broker_dealer:
        yield "broker-dealer caller", lead, replace(call, caller_is_broker_dealer=False)
    if card.desk_time is not None:
        yield "called party's clock", replace(lead, local_time=local_clock(card.desk_time)), call


def _regime(card: Card) -> tuple[str, ...]:
    rules = [FCC_CALLING_HOURS, FCC_NATIONAL_REGISTRY]
    if card.call.caller_is_broker_dealer:
        rules += [FINRA_CALLING_HOURS, FINRA_NATIONAL_REGISTRY]
    else:
        rules += [TSR_CALLING_HOURS, TSR_NATIONAL_REGISTRY]
    state = STATE_RULES.get(card.lead.state.upper())
    if state is not None:
        rules.append(state.calling_hours)
    return tuple(rules)


def _unique(rules: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rules))
