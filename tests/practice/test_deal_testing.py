"""One lead card that tests one rule, as spaced review asks a rule: pure Python, no database."""

from collections import Counter

import pytest

from courses.practice import grading
from courses.practice.drill import TESTABLE_RULE_IDS, deal, deal_testing, verdict_of

SEEDS = range(40)


@pytest.mark.parametrize("rule", sorted(TESTABLE_RULE_IDS))
def test_each_card_dealt_for_a_rule_tests_that_rule(rule):
    for seed in SEEDS:
        card = deal_testing(rule, f"{seed}:1")
        assert rule in grading.tested_rules(card), (rule, seed)


def test_every_rule_a_drill_card_tests_can_be_reviewed():
    tested = set()
    for seed in range(150):
        for card in deal(seed):
            tested |= set(grading.tested_rules(card))
    assert tested <= TESTABLE_RULE_IDS
    # Every rule that can block a call comes up.
    assert tested >= TESTABLE_RULE_IDS - set(grading.EXCEPTIONS.values())


def test_the_same_seed_deals_the_same_lead_and_another_seed_another():
    rule = "fcc-national-registry"
    assert deal_testing(rule, "7:1") == deal_testing(rule, "7:1")
    assert len({deal_testing(rule, f"7:{reviews}") for reviews in range(1, 6)}) > 1


def test_a_rule_no_card_tests_is_refused():
    for rule in ("finra-2150b", "fcc-registry-written-agreement", "no-such-rule"):
        with pytest.raises(ValueError):
            deal_testing(rule, "1:1")


def test_the_rule_does_not_give_the_answer_away():
    """A rule that an exception can get past is reviewed with lawful calls as well as blocked
    ones; and over every rule, no single answer is right most of the time, so pressing the same
    button each time does not pass."""
    for rule in ("fcc-calling-hours", "fcc-national-registry", "tsr-national-registry"):
        verdicts = Counter(verdict_of(deal_testing(rule, f"{seed}:1")) for seed in SEEDS)
        assert verdicts["call"] >= 8 and verdicts["call"] <= len(SEEDS) - 8, (rule, verdicts)
    verdicts = Counter(
        verdict_of(deal_testing(rule, f"{seed}:1"))
        for rule in TESTABLE_RULE_IDS
        for seed in range(10)
    )
    total = sum(verdicts.values())
    assert set(verdicts) == {"call", "wait", "do-not-call"}
    assert max(verdicts.values()) / total < 0.5, verdicts
