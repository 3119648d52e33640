"""The dialing drill's dealer (courses/practice/drill.py): reproducible sessions of lead cards,
balanced so that no constant answer passes, weighted toward the distinctions worth testing,
a card for every rule that can block a call, and the calling block. No database."""

import itertools
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from courses.practice.calling_rules import (
    LINES,
    METHODS,
    VERDICTS,
    Call,
    Lead,
    may_call,
)
from courses.practice.cards import describe
from courses.practice.drill import (
    BLOCK_MINUTES,
    BLOCKING_RULE_IDS,
    CARDS,
    REMINDER_RULE_IDS,
    block_card,
    deal,
    deal_block,
    deal_card,
    deal_for_rule,
    verdict_of,
)
from courses.practice.grading import grade
from courses.practice.scenarios import SCENARIOS
from courses.practice.states import US_STATES
from tests.practice.support import CATALOGUE

SEEDS = range(400)
SESSIONS = {seed: deal(seed) for seed in SEEDS}
NEW_YORK = "America/New_York"


# Reproducible


def test_a_session_has_ten_cards():
    assert all(len(cards) == CARDS == 10 for cards in SESSIONS.values())


def test_the_same_seed_deals_the_same_cards():
    assert deal(1234) == deal(1234)
    assert deal_block(1234, desk_zone=NEW_YORK) == deal_block(1234, desk_zone=NEW_YORK)


def test_one_card_is_dealt_as_the_session_deals_it():
    for seed in (0, 7, 2**40):
        cards = deal(seed)
        assert [deal_card(seed, position) for position in range(CARDS)] == list(cards)


def test_different_seeds_deal_different_sessions():
    assert len({SESSIONS[seed] for seed in SEEDS}) == len(SEEDS)


def test_a_session_holds_no_card_twice():
    assert all(len(set(cards)) == len(cards) for cards in SESSIONS.values())


# Balanced: no constant answer passes


def always(choice, cards):
    """Answers every card the same way; a callback is set for 10 a.m. the next day."""
    later = None
    score = 0
    for card in cards:
        if choice == "wait":
            later = datetime.combine(card.local.date() + timedelta(days=1), datetime.min.time())
            later += timedelta(hours=10)
        score += grade(card, choice, later).correct
    return score


@pytest.mark.parametrize("choice", VERDICTS)
def test_answering_every_card_the_same_way_scores_at_most_half(choice):
    scores = [always(choice, cards) for cards in SESSIONS.values()]
    assert sum(scores) / len(scores) <= 5
    assert max(scores) <= 4  # each verdict is at most 4 of the 10


def test_every_session_asks_for_all_three_answers():
    for cards in SESSIONS.values():
        counts = Counter(verdict_of(card) for card in cards)
        assert set(counts) == set(VERDICTS) and max(counts.values()) <= 4


# The answer comes from the engine


def test_every_card_is_a_valid_input_of_the_engine():
    for card in itertools.chain.from_iterable(SESSIONS.values()):
        assert card.lead.line in LINES and card.call.method in METHODS
        assert card.lead.state in US_STATES
        may_call(card.lead, card.call)  # raises on an input it does not take


def test_a_card_carries_no_answer():
    fields = {"lead", "call", "person", "place", "firm", "business", "relationship", "desk"}
    assert fields | {"topic"} == set(deal(7)[0].__dataclass_fields__)


def test_every_callback_card_has_a_lawful_moment_within_the_week():
    for card in itertools.chain.from_iterable(SESSIONS.values()):
        if verdict_of(card) == "wait":
            g = grade(card, "call")
            assert g.earliest is not None and g.earliest > card.local
            assert g.earliest - card.local <= timedelta(days=8)


# Weighted toward the distinctions worth testing


def test_every_scenario_deals_cards():
    topics = Counter(c.topic for c in itertools.chain.from_iterable(SESSIONS.values()))
    for scenario, _ in SCENARIOS:
        assert topics[scenario.__name__.replace("_", "-")] > 20, scenario.__name__


def distinctions(card):
    lead, call = card.lead, card.call
    ebr = lead.last_purchase or lead.last_inquiry
    return {
        "request beats a relationship": lead.firm_dnc_request and ebr,
        "the caller's clock differs": card.desk is not None,
        "a broker-dealer calls": call.caller_is_broker_dealer,
        "a relationship but a robocall": ebr and call.method != "live",
        "Florida, Maryland or Oklahoma": lead.state in ("FL", "MD", "OK"),
        "3 calls already": lead.calls_last_24h >= 3,
        "outside 8 to 9": not 8 <= lead.local_time.hour < 21,
        "a personal relationship": lead.personal_relationship,
        "a business line on the registry": lead.line == "business" and lead.on_national_registry,
        "a dialer to a landline": lead.line == "landline" and call.method == "autodialed",
        "a personal mobile": lead.line == "mobile",
        "a state list": lead.on_state_list,
        "Indiana with a relationship": lead.state == "IN" and ebr,
        "Maryland and a dialer": lead.state == "MD" and call.method != "live",
        "Mississippi on Sunday": lead.state == "MS" and lead.local_time.weekday() == 6,
    }


def test_each_distinction_comes_up_in_a_few_sessions():
    cards = list(itertools.chain.from_iterable(SESSIONS.values()))
    seen = Counter(name for card in cards for name, shown in distinctions(card).items() if shown)
    for name in distinctions(cards[0]):
        assert seen[name] >= len(SEEDS) // 20, name


def test_most_cards_turn_on_a_distinction():
    cards = list(itertools.chain.from_iterable(SESSIONS.values()))
    plain = [c for c in cards if c.topic == "plain"]
    assert len(plain) < len(cards) / 10


def test_a_do_not_call_request_with_a_relationship_is_never_to_be_called():
    for card in itertools.chain.from_iterable(SESSIONS.values()):
        if card.lead.firm_dnc_request:
            assert verdict_of(card) == "do-not-call"


# What the rep reads


def test_the_description_says_who_where_when_and_how():
    for card in deal(99):
        text = " ".join(f"{f.label}: {f.text}" for f in describe(card))
        assert card.person in text
        assert US_STATES[card.place.state] in text
        assert f"{card.local:%A}" in text
        hour = card.local.hour % 12 or 12
        assert (
            f"{hour}:{card.local.minute:02d} {'a.m.' if card.local.hour < 12 else 'p.m.'}" in text
        )
        assert ("National Do-Not-Call Registry") in text
        assert card.firm.name in text


def test_the_description_shows_the_callers_clock_when_the_card_is_about_it():
    card = next(c for c in itertools.chain.from_iterable(SESSIONS.values()) if c.desk is not None)
    labels = {f.label: f.text for f in describe(card)}
    assert card.desk.city in labels["Your time"]
    assert card.desk_time != card.local


def test_the_description_never_states_a_verdict():
    words = ("may be called", "may not", "lawful", "allowed", "blocked", "verdict")
    for card in itertools.chain.from_iterable(list(SESSIONS.values())[:50]):
        text = " ".join(f.text for f in describe(card)).lower()
        assert not any(word in text for word in words), text


# One card for one rule


def emitted_blocking_rules():
    grid = itertools.product(
        LINES, METHODS, (False, True), ("FL", "OK", "MD", "MS", "NY", "IN", "TX"),
        (datetime(2026, 6, 3, 12), datetime(2026, 6, 3, 20, 30), datetime(2026, 6, 3, 22),
         datetime(2026, 6, 7, 12)),
        (False, True), (False, True), (0, 3), (False, True),
    )  # fmt: skip
    rules = set()
    for line, method, broker, state, moment, registry, dnc, calls, state_list in grid:
        lead = Lead(
            local_time=moment.replace(tzinfo=ZoneInfo("America/New_York")),
            state=state,
            line=line,
            on_national_registry=registry,
            firm_dnc_request=dnc,
            calls_last_24h=calls,
            on_state_list=state_list,
        )
        call = Call(caller_is_broker_dealer=broker, method=method)
        rules |= {f.rule for f in may_call(lead, call).blocking}
    return rules


def test_the_blocking_rules_are_every_rule_the_engine_blocks_with():
    assert emitted_blocking_rules() == BLOCKING_RULE_IDS
    assert not BLOCKING_RULE_IDS & REMINDER_RULE_IDS
    assert set(BLOCKING_RULE_IDS) <= set(CATALOGUE)


@pytest.mark.parametrize("rule", sorted(BLOCKING_RULE_IDS))
def test_a_card_for_every_rule_that_can_block(rule):
    for seed in range(5):
        card = deal_for_rule(rule, seed)
        assert rule in {f.rule for f in may_call(card.lead, card.call).blocking}
        assert deal_for_rule(rule, seed) == card


def test_cards_for_a_rule_vary_with_the_seed():
    assert len({deal_for_rule("fcc-national-registry", seed) for seed in range(10)}) > 5


@pytest.mark.parametrize("rule", ["fcc-identification", "tsr-disclosures", "no-such-rule", ""])
def test_no_card_for_a_rule_that_never_blocks(rule):
    with pytest.raises(ValueError):
        deal_for_rule(rule, 1)


# The calling block


def play_block(block, choose):
    """Works the block, answering each card with `choose(card)`; returns the cards as met."""
    minutes, met = 0, []
    for index in range(len(block.cards)):
        card = block_card(block, index, minutes)
        met.append(card)
        minutes += BLOCK_MINUTES[choose(card)]
    return met


def test_a_block_is_ten_leads_in_several_zones_sorted_east_to_west():
    for seed in range(100):
        block = deal_block(seed, desk_zone=NEW_YORK)
        assert len(block.cards) == 10
        offsets = [ZoneInfo(c.place.zone).utcoffset(c.local) for c in block.cards]
        assert offsets == sorted(offsets, reverse=True)
    spans = [
        len({c.place.zone for c in deal_block(seed, desk_zone=NEW_YORK).cards})
        for seed in range(100)
    ]
    assert sum(s >= 2 for s in spans) >= 95  # nearly every block spans zones


def test_each_lead_is_met_at_the_block_clock_read_in_their_zone():
    block = deal_block(5, desk_zone="America/Denver")
    assert block.desk.city == "Denver"
    for index, minutes in ((0, 0), (3, 11), (9, 47)):
        card = block_card(block, index, minutes)
        desk = (block.start + timedelta(minutes=minutes)).replace(tzinfo=ZoneInfo("America/Denver"))
        expected = desk.astimezone(ZoneInfo(card.place.zone)).replace(tzinfo=None)
        assert card.local == expected


def test_the_clock_moves_more_for_a_call_made_than_for_a_lead_skipped():
    assert BLOCK_MINUTES["call"] > BLOCK_MINUTES["wait"] > BLOCK_MINUTES["do-not-call"] > 0


def test_a_block_played_right_asks_for_each_answer_over_many_blocks():
    verdicts = Counter()
    for seed in range(200):
        for card in play_block(deal_block(seed, desk_zone=NEW_YORK), verdict_of):
            verdicts[verdict_of(card)] += 1
    total = sum(verdicts.values())
    assert all(verdicts[v] / total >= 0.1 for v in VERDICTS), verdicts


@pytest.mark.parametrize("choice", ["call", "do-not-call"])
def test_answering_a_whole_block_the_same_way_does_not_pass(choice):
    scores = []
    for seed in range(200):
        met = play_block(deal_block(seed, desk_zone=NEW_YORK), lambda card: choice)
        scores.append(sum(verdict_of(card) == choice for card in met))
    assert sum(scores) / len(scores) <= 5
