"""Reads for practice pages: a call check's answer with its rules from the catalogue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from courses.curriculum.models import Rule
from courses.practice.calling_rules import (
    STATE_RULES,
    Call,
    Finding,
    Lead,
    Verdict,
    may_call,
    next_call_time,
)

CALL_LIMITS = frozenset(rule.call_limit for rule in STATE_RULES.values())


@dataclass(frozen=True)
class Cited:
    """A finding with its catalogue entry: the rule's title and citation come from there."""

    finding: Finding
    rule: Rule | None  # None only while the catalogue is not loaded


@dataclass(frozen=True)
class CallCheck:
    verdict: Verdict
    blocking: list[Cited]
    reminders: list[Cited]
    # When the lead may next be called, on their clock (a `wait` only): naive, since a page
    # must show it as it is, not converted to the site's time zone.
    next_call: datetime.datetime | None
    # The next call waits out a limit of calls in 24 hours, whose times are not known.
    waits_out_call_limit: bool
    # The oldest date on which one of the rules cited was checked against the facts.
    checked: datetime.date | None


def call_check(*, lead: Lead, call: Call) -> CallCheck:
    decision = may_call(lead, call)
    slugs = {f.rule for f in decision.findings}
    rules = (
        Rule.objects.published()
        .only("slug", "title", "citation", "checked")
        .in_bulk(slugs, field_name="slug")
    )
    cited = [Cited(finding, rules.get(finding.rule)) for finding in decision.findings]
    verdict = decision.verdict
    next_call = next_call_time(lead, call) if verdict == "wait" else None
    return CallCheck(
        verdict=verdict,
        blocking=[entry for entry in cited if entry.finding.blocks],
        reminders=[entry for entry in cited if not entry.finding.blocks],
        next_call=next_call and next_call.replace(tzinfo=None),
        waits_out_call_limit=any(f.rule in CALL_LIMITS for f in decision.blocking),
        checked=min((rule.checked for rule in rules.values()), default=None),
    )
