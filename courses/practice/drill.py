"""The dialing drill's dealer: sessions of lead cards drawn from the calling-rules engine's inputs.
Pure Python: no Django, no database, no clock.

The dealer only chooses inputs (the state, the lead's clock, the line, the lists, the history
with the firm, permission, the caller and how the call is made). What a card's answer is, the
engine says when the card is graded (grading.py); the dealer asks the engine only to keep a
session balanced, so that answering every card the same way cannot pass.

Cards are weighted toward the distinctions the facts sheet calls worth testing, each dealt by
a scenario (scenarios.py): a do-not-call request beats a business relationship; the called
party's clock counts, not the caller's; broker-dealers are outside the TSR but under FINRA 3230
and the FCC; a business relationship is no consent for autodialed or prerecorded calls;
Florida's (Maryland's, Oklahoma's) 8-to-8 and 3 calls; the time-of-day exceptions differ by
regime; a personal relationship gets past the registry, not past "don't call me"; business
numbers are not on the registry; a live agent with a dialer needs no consent to call a
landline; personal mobiles are protected like home lines; state lists and Indiana's missing
relationship exemption; Maryland's consent rule; Mississippi's Sunday.

The same seed deals the same cards: every choice is made by `random.Random(seed)`, or by a
`random.Random` it seeds for each card.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from courses.practice.calling_rules import (
    FCC_ABANDONED_CALLS,
    FCC_IDENTIFICATION,
    FINRA_DISCLOSURES,
    RULE_IDS,
    TCPA_PRERECORDED_IDENTIFICATION,
    TSR_DISCLOSURES,
    VERDICTS,
    Verdict,
    may_call,
)
from courses.practice.cards import Card, Place, shift_zone
from courses.practice.grading import tested_rules
from courses.practice.roster import (
    CENTRAL,
    DESKS,
    EASTERN,
    MOUNTAIN,
    PACIFIC,
    PLACES,
    ZONE_OF_PLACE,
)
from courses.practice.scenarios import (
    DAYS_DEALT,
    FIRST_DAY,
    SCENARIOS,
    Scenario,
    automated_consent,
    broker_regimes,
    build,
    business_line,
    callers_clock,
    dialer_to_landline,
    dnc_beats_ebr,
    ebr_is_no_consent,
    hours_exceptions,
    minutes_between,
    mississippi,
    personal_mobile,
    personal_relationship,
    plain,
    spec_for,
    state_lists,
    strict_states,
)
from courses.practice.states import STATE_RULES

CARDS = 10
# Seeds a rep may replay: what the site deals, and any other that fits the column.
MAX_SEED = 2**62

# Findings that only remind (say who you are, mind the dialer): they never block a call.
REMINDER_RULE_IDS = frozenset(
    {
        FCC_IDENTIFICATION,
        FCC_ABANDONED_CALLS,
        TCPA_PRERECORDED_IDENTIFICATION,
        TSR_DISCLOSURES,
        FINRA_DISCLOSURES,
    }
)
BLOCKING_RULE_IDS = RULE_IDS - REMINDER_RULE_IDS


def verdict_of(card: Card) -> Verdict:
    return may_call(card.lead, card.call).verdict


# Enough for any verdict from the scenarios' mix; a deal that needs more is a dealer's bug.
ATTEMPTS = 500


def _weighted(rng, scenarios=SCENARIOS) -> Scenario:
    return rng.choices([s for s, _ in scenarios], weights=[w for _, w in scenarios])[0]


def _card_for(
    rng,
    target: Verdict | None,
    pool: Sequence[Place] = PLACES,
    *,
    check: Callable[[Card], bool] | None = None,
    day: date | None = None,
    scenarios: tuple[tuple[Scenario, int], ...] = SCENARIOS,
) -> Card:
    for _ in range(ATTEMPTS):
        spec = spec_for(rng, pool, _weighted(rng, scenarios), day)
        if spec is None:
            continue
        card = build(spec)
        if (target is None or verdict_of(card) == target) and (check is None or check(card)):
            return card
    raise RuntimeError(f"no card with the verdict {target!r} in {ATTEMPTS} attempts")


def _targets(rng, count: int) -> list[Verdict]:
    """Each verdict as evenly as `count` allows: 10 cards are 4, 3 and 3, so always answering
    the same way scores at most 4."""
    extra = rng.sample(VERDICTS, count % len(VERDICTS))
    targets = [v for v in VERDICTS for _ in range(count // len(VERDICTS))] + extra
    rng.shuffle(targets)
    return targets


def deal(seed: int, *, count: int = CARDS) -> tuple[Card, ...]:
    """A drill session: `count` lead cards, balanced between the three answers."""
    return tuple(deal_card(seed, position, count=count) for position in range(count))


def deal_card(seed: int, position: int, *, count: int = CARDS) -> Card:
    """Card `position` of the session `seed` deals, without dealing the others: the seed
    draws the session's answers and a seed for each card, so an answer is graded by dealing
    one card."""
    rng = random.Random(seed)
    targets = _targets(rng, count)
    card_seeds = [rng.getrandbits(64) for _ in range(count)]
    return _card_for(random.Random(card_seeds[position]), targets[position])


# --- One card for one rule -----------------------------------------------------------------------

# Where a rule is found, when it is a state's own: its place must be in that state.
RULE_STATES = {rule_id: code for code, rule in STATE_RULES.items() for rule_id in rule.rule_ids} | {
    "indiana-no-ebr-exemption": "IN",
    "mississippi-no-call-list": "MS",
}


def _rule_scenarios(rule_id: str) -> tuple[tuple[Scenario, int], ...]:
    """The scenarios most likely to make `rule_id` decide a card."""
    by_rule = {
        "fcc-calling-hours": (hours_exceptions, callers_clock, personal_mobile),
        "tsr-calling-hours": (hours_exceptions, callers_clock),
        "finra-calling-hours": (broker_regimes, hours_exceptions),
        "fcc-national-registry": (personal_mobile, broker_regimes, plain),
        "tsr-national-registry": (personal_relationship, personal_mobile, plain),
        "finra-national-registry": (broker_regimes, personal_mobile, plain),
        "fcc-company-dnc-honor": (dnc_beats_ebr, personal_relationship),
        "tsr-company-dnc": (dnc_beats_ebr, personal_relationship),
        "finra-firm-dnc": (dnc_beats_ebr, business_line),
        "fcc-robocall-written-consent": (ebr_is_no_consent, dialer_to_landline),
        "tcpa-mobile-autodialer-consent": (ebr_is_no_consent,),
        "state-dnc-lists": (state_lists,),
        "indiana-no-ebr-exemption": (state_lists,),
        "mississippi-no-call-list": (state_lists, mississippi),
        "mississippi-sunday": (mississippi,),
    }
    if rule_id in by_rule:
        return tuple((s, 1) for s in by_rule[rule_id])
    if rule_id.endswith("-automated-consent"):
        return ((automated_consent, 2), (dialer_to_landline, 1))
    return ((strict_states, 2), (mississippi, 1))  # a state's hours or call limit


def deal_for_rule(rule_id: str, seed: int) -> Card:
    """One card whose decision turns on `rule_id`: the engine blocks it with that rule."""
    if rule_id not in BLOCKING_RULE_IDS:
        raise ValueError(f"{rule_id!r} is not a rule that can block a call")
    rng = random.Random(f"{rule_id}:{seed}")
    state = RULE_STATES.get(rule_id)
    pool = [p for p in PLACES if p.state == state] if state else PLACES
    scenarios = _rule_scenarios(rule_id)
    for _ in range(ATTEMPTS):
        spec = spec_for(rng, pool, _weighted(rng, scenarios))
        if spec is None:
            continue
        card = build(spec)
        if rule_id in {f.rule for f in may_call(card.lead, card.call).blocking}:
            return card
    raise RuntimeError(f"no card blocked by {rule_id!r} in {ATTEMPTS} attempts")


# --- One card that tests one rule, for spaced review ---------------------------------------------

# The catalogue entries of the exceptions a dealt card can turn on (grading.EXCEPTIONS), with
# the scenarios that deal them. No scenario gives written permission to call a number on the
# registry, so the two entries for that are never tested, and never reviewed.
EXCEPTION_SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "fcc-ebr-definition": (personal_mobile, ebr_is_no_consent, state_lists),
    "finra-ebr-exception": (broker_regimes,),
    "fcc-solicitation-definition": (hours_exceptions,),
    "fcc-registry-personal-relationship": (personal_relationship, broker_regimes),
    "finra-personal-relationship": (personal_relationship, broker_regimes),
    "tsr-broker-dealer-exclusion": (broker_regimes, hours_exceptions),
}
# The rules a drill card can test (grading.tested_rules), so the rules practice remembers.
TESTABLE_RULE_IDS = BLOCKING_RULE_IDS | frozenset(EXCEPTION_SCENARIOS)


def deal_testing(rule_id: str, seed: str) -> Card:
    """One card that tests `rule_id`: blocked by it, or lawful because one of its circumstances
    gets past it. Which of the two the rule allows, the scenarios decide, so the card's answer
    is not told by the rule it reviews."""
    if rule_id not in TESTABLE_RULE_IDS:
        raise ValueError(f"{rule_id!r} is not a rule a drill card tests")
    rng = random.Random(f"{rule_id}:{seed}")
    state = RULE_STATES.get(rule_id)
    pool = [p for p in PLACES if p.state == state] if state else PLACES
    if rule_id in EXCEPTION_SCENARIOS:
        scenarios = tuple((s, 1) for s in EXCEPTION_SCENARIOS[rule_id])
    else:
        scenarios = _rule_scenarios(rule_id)
    return _card_for(
        rng, None, pool, check=lambda card: rule_id in tested_rules(card), scenarios=scenarios
    )


# --- The calling block ---------------------------------------------------------------------------

# Minutes the block's clock moves for each answer: a call made takes a few minutes (dial, talk,
# note, dial again within a minute), a callback set takes two, a lead left alone one.
BLOCK_MINUTES: dict[str, int] = {"call": 5, "wait": 2, "do-not-call": 1}

# When a block starts, on the Eastern clock, and how its leads spread over the zones: blocks
# that meet a limit on some lead's clock (8 a.m., 8 p.m. in the stricter states, 9 p.m.).
BLOCK_WINDOWS: tuple[tuple[time, time, dict[str, int]], ...] = (
    (time(7, 45), time(8, 5), {EASTERN: 6, CENTRAL: 3, PACIFIC: 1}),
    (time(19, 45), time(20, 0), {EASTERN: 5, CENTRAL: 3, MOUNTAIN: 1, PACIFIC: 1}),
    (time(20, 40), time(21, 5), {EASTERN: 3, CENTRAL: 4, MOUNTAIN: 1, PACIFIC: 2}),
)
# States whose own hours end at 8 p.m. come up more often in a block: they are where its
# clock bites first.
STRICT_WEIGHT = 3
# The block's own clock sets every lead's time and day, and is the only desk clock shown.
BLOCK_SCENARIOS = tuple((s, w) for s, w in SCENARIOS if s not in (callers_clock, mississippi))


@dataclass(frozen=True)
class Block:
    """Ten leads worked as one calling block, in calling order (east to west). Each card's
    clock is set for the block's start; `block_card` moves it to when the rep reaches it."""

    desk: Place
    start: datetime  # the rep's own clock when the block starts, naive
    cards: tuple[Card, ...]

    def clock(self, minutes: int) -> datetime:
        return self.start + timedelta(minutes=minutes)


def desk_for(zone: str) -> Place:
    known = {d.zone: d for d in DESKS}
    return known.get(zone) or Place(zone.rsplit("/", 1)[-1].replace("_", " "), "", zone)


def deal_block(seed: int, *, desk_zone: str, count: int = CARDS) -> Block:
    """A calling block: leads in several zones, sorted east to west, as the Pacing module plans
    a block (the eastern zones reach their limits first). Six leads in ten could be called at
    noon and three could not be called at all: the block's clock decides the rest."""
    rng = random.Random(f"block:{seed}")
    first, last, weights = rng.choice(BLOCK_WINDOWS)
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS_DEALT))
    eastern = datetime.combine(day, minutes_between(rng, first, last))
    start = shift_zone(eastern, EASTERN, desk_zone)
    targets: list[Verdict | None] = ["call"] * (count * 6 // 10) + ["do-not-call"] * (count // 3)
    targets += [None] * (count - len(targets))
    rng.shuffle(targets)
    cards = []
    for target in targets:
        zone = rng.choices(list(weights), weights=list(weights.values()))[0]
        pool = [
            p
            for p in PLACES
            if ZONE_OF_PLACE.get(p.zone, p.zone) == zone
            for _ in range(STRICT_WEIGHT if p.state in STATE_RULES else 1)
        ]
        card = _card_for(rng, None, pool, check=_midday(target), day=day, scenarios=BLOCK_SCENARIOS)
        cards.append(card.at(shift_zone(start, desk_zone, card.place.zone)))
    cards.sort(key=lambda c: -_utc_offset(c))
    return Block(desk=desk_for(desk_zone), start=start, cards=tuple(cards))


def _midday(target: Verdict | None) -> Callable[[Card], bool] | None:
    """Whether a card's verdict at noon on its day is `target`: what the block's clock cannot
    change."""
    if target is None:
        return None

    def check(card: Card) -> bool:
        return verdict_of(card.at(datetime.combine(card.local.date(), time(12)))) == target

    return check


def _utc_offset(card: Card) -> timedelta:
    return ZoneInfo(card.place.zone).utcoffset(card.local) or timedelta(0)


def block_card(block: Block, index: int, minutes: int) -> Card:
    """The block's card `index` when the rep reaches it, `minutes` into the block: the lead's
    clock is the block's clock read in the lead's zone."""
    card = block.cards[index]
    return card.at(shift_zone(block.clock(minutes), block.desk.zone, card.place.zone))
