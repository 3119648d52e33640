"""Grading a drill answer and the rules a card tests (courses/practice/grading.py). No database.

Every legal fact the cards rest on comes from the compliance team's facts sheet, through the
calling-rules engine: these tests check that grading follows the engine, not the law itself.
"""

import itertools
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.practice.calling_rules import Call, may_call, next_call_time
from courses.practice.drill import deal, deal_for_rule, verdict_of
from courses.practice.grading import (
    CHOICES,
    LATER_DAYS,
    decision_at,
    grade,
    later_bounds,
)
from courses.practice.grading import (
    tested_rules as rules_of,
)
from tests.practice.drill_support import (
    BUFFALO,
    JACKSON,
    NEW_YORK_DESK,
    SPOKANE,
    TAMPA,
    at,
    card,
)
from tests.practice.support import CATALOGUE

# The three answers


def test_the_three_answers():
    assert dict(CHOICES) == {"call": "Call now", "wait": "Call later", "do-not-call": "Don't call"}


def test_call_now_is_right_when_the_engine_says_call():
    plain = card()
    assert verdict_of(plain) == "call"
    assert grade(plain, "call").correct
    assert not grade(plain, "do-not-call").correct
    assert not grade(plain, "wait", at(15)).correct


def test_dont_call_is_right_when_the_engine_says_do_not_call():
    registered = card(on_national_registry=True)
    assert verdict_of(registered) == "do-not-call"
    assert grade(registered, "do-not-call").correct
    assert not grade(registered, "call").correct
    # A callback is no answer to a lead who may not be called at all, whenever it is set.
    assert not grade(registered, "wait", at(10, day=4)).correct


def test_call_later_is_right_at_a_lawful_moment():
    late = card(local=at(21, 30))
    assert verdict_of(late) == "wait"
    assert grade(late, "wait", at(9, day=4)).correct
    assert grade(late, "wait", at(8, day=4)).correct  # 8 a.m. exactly is inside the hours


def test_call_later_is_wrong_at_a_moment_still_outside_the_hours():
    late = card(local=at(21, 30))
    graded = grade(late, "wait", at(23, 0))
    assert not graded.correct and not graded.at_later.allowed
    assert not grade(late, "wait", at(7, 59, day=4)).correct


def test_call_now_and_dont_call_are_wrong_for_a_callback_card():
    late = card(local=at(21, 30))
    assert not grade(late, "call").correct
    assert not grade(late, "do-not-call").correct


def test_the_earliest_lawful_moment_comes_with_a_callback_card():
    late = card(local=at(21, 30))
    graded = grade(late, "call")
    assert graded.earliest == at(8, day=4)
    assert graded.earliest == next_call_time(late.lead, late.call).replace(tzinfo=None)
    assert grade(card(), "call").earliest is None


def test_the_earliest_moment_is_always_a_right_callback():
    for c in itertools.chain.from_iterable(deal(seed) for seed in range(60)):
        if verdict_of(c) == "wait":
            earliest = grade(c, "call").earliest
            assert grade(c, "wait", earliest).correct


def test_the_lead_clock_counts_not_the_callers():
    # 6:30 p.m. in Spokane is 9:30 p.m. in New York: the lead may be called.
    evening = card(place=SPOKANE, local=at(18, 30), desk=NEW_YORK_DESK)
    assert grade(evening, "call").correct


# A state's call limit clears 24 hours on


def test_florida_three_calls_wait_the_whole_24_hours():
    limited = card(place=TAMPA, local=at(14), calls_last_24h=3)
    assert verdict_of(limited) == "wait"
    assert grade(limited, "call").earliest == at(14, day=4)
    assert not grade(limited, "wait", at(13, 59, day=4)).correct
    assert grade(limited, "wait", at(14, day=4)).correct
    assert grade(limited, "wait", at(9, day=5)).correct


def test_calls_are_cleared_only_after_24_hours():
    limited = card(place=TAMPA, local=at(14), calls_last_24h=3)
    assert decision_at(limited, at(14, day=4)).allowed
    assert not decision_at(limited, at(13, 59, day=4)).allowed


def test_mississippi_sunday_waits_for_monday():
    sunday = card(place=JACKSON, local=at(11, day=7))
    assert verdict_of(sunday) == "wait"
    assert grade(sunday, "call").earliest == at(8, day=8)
    assert not grade(sunday, "wait", at(18, day=7)).correct
    assert grade(sunday, "wait", at(9, day=8)).correct


# A late answer


def test_a_late_answer_is_wrong_and_says_so():
    graded = grade(card(), "call", late=True)
    assert graded.late and not graded.correct
    assert graded.right_choice  # the choice itself was right: the feedback can say so


def test_a_late_wrong_answer_is_not_a_right_choice():
    graded = grade(card(), "do-not-call", late=True)
    assert not graded.correct and not graded.right_choice


# Bad input


@pytest.mark.parametrize("choice", ["", "now", "later", "skip", "CALL", None, "call "])
def test_an_unknown_choice_is_refused(choice):
    with pytest.raises(ValueError):
        grade(card(), choice)


def test_a_callback_needs_a_moment():
    with pytest.raises(ValueError):
        grade(card(local=at(21, 30)), "wait")


@pytest.mark.parametrize(
    "moment",
    [at(21, 30), at(21, 0), datetime(2026, 6, 2, 9), at(9, day=3) + timedelta(days=LATER_DAYS + 1)],
)
def test_a_callback_must_be_after_the_leads_time_and_within_the_week(moment):
    with pytest.raises(ValueError):
        grade(card(local=at(21, 30)), "wait", moment)


def test_the_bounds_of_a_callback():
    first, last = later_bounds(card(local=at(21, 30)))
    assert first == at(21, 31)
    assert last == datetime(2026, 6, 3 + LATER_DAYS, 23, 59)
    grade(card(local=at(21, 30)), "wait", first)
    grade(card(local=at(21, 30)), "wait", last)


def test_only_a_callback_has_a_moment():
    with pytest.raises(ValueError):
        grade(card(), "call", at(15))


# The rules a card tests


def test_a_blocked_card_tests_its_blocking_rules():
    registered = card(on_national_registry=True)
    assert rules_of(registered) == ("fcc-national-registry", "tsr-national-registry")
    late = card(local=at(21, 30))
    assert rules_of(late) == ("fcc-calling-hours", "tsr-calling-hours")


def test_a_request_beats_a_relationship_and_tests_the_request():
    asked = card(firm_dnc_request=True, last_purchase=date(2026, 3, 1))
    assert rules_of(asked) == ("fcc-company-dnc-honor", "tsr-company-dnc")


def test_a_relationship_on_the_registry_tests_the_registry_and_its_exception():
    bought = card(on_national_registry=True, last_purchase=date(2026, 1, 10))
    assert verdict_of(bought) == "call"
    rules = rules_of(bought)
    assert {"fcc-national-registry", "tsr-national-registry", "fcc-ebr-definition"} <= set(rules)


def test_a_personal_relationship_for_a_broker_dealer_tests_both_exceptions_and_the_tsr_exclusion():
    friend = card(
        on_national_registry=True,
        personal_relationship=True,
        call=Call(caller_is_broker_dealer=True),
    )
    assert verdict_of(friend) == "call"
    assert set(rules_of(friend)) == {
        "fcc-national-registry",
        "fcc-registry-personal-relationship",
        "finra-national-registry",
        "finra-personal-relationship",
        "tsr-broker-dealer-exclusion",
    }


def test_a_business_number_on_the_registry_tests_the_registry():
    office = card(line="business", on_national_registry=True)
    assert verdict_of(office) == "call"
    assert {"fcc-national-registry", "tsr-national-registry"} <= set(rules_of(office))


def test_a_dialer_with_a_live_agent_to_a_landline_tests_the_robocall_rule():
    dialed = card(call=Call(method="autodialed"))
    assert verdict_of(dialed) == "call"
    assert rules_of(dialed) == ("fcc-robocall-written-consent",)


def test_the_callers_clock_card_tests_the_hours():
    evening = card(place=SPOKANE, local=at(18, 30), desk=NEW_YORK_DESK)
    assert set(rules_of(evening)) == {"fcc-calling-hours", "tsr-calling-hours"}


def test_a_late_call_with_a_relationship_by_a_broker_dealer_tests_the_hours_exceptions():
    late = card(
        local=at(21, 30), last_purchase=date(2026, 2, 1), call=Call(caller_is_broker_dealer=True)
    )
    assert verdict_of(late) == "call"
    rules = set(rules_of(late))
    assert {"fcc-calling-hours", "fcc-solicitation-definition", "finra-calling-hours"} <= rules


def test_an_ordinary_call_tests_the_hours_and_registry_of_its_regime():
    assert rules_of(card()) == (
        "fcc-calling-hours",
        "fcc-national-registry",
        "tsr-calling-hours",
        "tsr-national-registry",
    )
    assert rules_of(card(call=Call(caller_is_broker_dealer=True))) == (
        "fcc-calling-hours",
        "fcc-national-registry",
        "finra-calling-hours",
        "finra-national-registry",
    )
    assert rules_of(card(place=TAMPA))[-1] == "florida-calling-hours"


def test_every_dealt_card_tests_catalogue_rules_each_once():
    for c in itertools.chain.from_iterable(deal(seed) for seed in range(150)):
        rules = rules_of(c)
        assert rules and len(rules) == len(set(rules))
        assert set(rules) <= set(CATALOGUE), set(rules) - set(CATALOGUE)


def test_a_card_dealt_for_a_rule_tests_that_rule():
    for rule in ("florida-call-limit", "indiana-no-ebr-exemption", "finra-firm-dnc"):
        assert rule in rules_of(deal_for_rule(rule, 3))


def test_the_grade_carries_the_rules_tested():
    c = deal(11)[0]
    assert grade(c, "call").rules == rules_of(c)


# Grading follows the engine, for any dealt card and any answer


@given(seed=st.integers(0, 2**40), position=st.integers(0, 9), data=st.data())
def test_grading_agrees_with_the_engine(seed, position, data):
    c = deal(seed)[position]
    choice = data.draw(st.sampled_from(sorted(CHOICES)))
    later = None
    if choice == "wait":
        first, last = later_bounds(c)
        minutes = data.draw(st.integers(0, int((last - first).total_seconds() // 60)))
        later = first + timedelta(minutes=minutes)
    graded = grade(c, choice, later)
    verdict = may_call(c.lead, c.call).verdict
    if choice == "wait":
        assert graded.correct == (verdict == "wait" and decision_at(c, later).allowed)
    else:
        assert graded.correct == (verdict == choice)
    assert graded.verdict == verdict
    assert graded.decision == may_call(c.lead, c.call)


@given(seed=st.integers(0, 2**40), position=st.integers(0, 9))
def test_a_callback_before_the_earliest_moment_is_never_right(seed, position):
    c = deal(seed)[position]
    if verdict_of(c) != "wait":
        return
    earliest = grade(c, "call").earliest
    first, _ = later_bounds(c)
    if earliest - timedelta(minutes=1) >= first:
        assert not grade(c, "wait", earliest - timedelta(minutes=1)).correct


def test_buffalo_is_new_york():
    assert BUFFALO.state == "NY"
