"""State rules on calling hours, call limits and Sunday calls.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import date

import pytest

from courses.practice.calling_rules import STATE_RULES, Call, may_call
from tests.practice.support import (
    CHICAGO,
    FLORIDA_HOURS,
    FLORIDA_LIMIT,
    LOS_ANGELES,
    MISSISSIPPI_HOURS,
    MISSISSIPPI_SUNDAY,
    SATURDAY,
    SUNDAY,
    at,
    blocked_by,
    broker,
    lead,
)

# state rules


def test_state_rules_cover_the_states_in_the_facts_file():
    assert set(STATE_RULES) == {"FL", "MD", "MS", "OK"}


def test_texas_hours_are_unconfirmed_and_not_a_rule():
    assert "TX" not in STATE_RULES


def test_state_rules_are_read_only():
    with pytest.raises(TypeError):
        STATE_RULES["TX"] = STATE_RULES["FL"]


@pytest.mark.parametrize(
    ("state", "ids"),
    [
        ("FL", {"florida-calling-hours", "florida-call-limit", "florida-automated-consent"}),
        ("OK", {"oklahoma-calling-hours", "oklahoma-call-limit", "oklahoma-automated-consent"}),
        ("MD", {"maryland-calling-hours", "maryland-call-limit", "maryland-automated-consent"}),
        ("MS", {"mississippi-calling-hours", "mississippi-sunday"}),
    ],
)
def test_state_rule_ids(state, ids):
    assert STATE_RULES[state].rule_ids == ids


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_allows_8_pm_exactly(state):
    assert may_call(lead(state=state, local_time=at(20)), Call()).allowed


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_blocks_one_second_after_8_pm(state):
    hours = STATE_RULES[state].calling_hours
    assert blocked_by(lead(state=state, local_time=at(20, 0, 1))) == {hours}


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_blocks_before_8_am(state):
    assert STATE_RULES[state].calling_hours in blocked_by(lead(state=state, local_time=at(7, 59)))


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_allows_8_am_exactly(state):
    assert may_call(lead(state=state, local_time=at(8)), Call()).allowed


def test_florida_8_to_8_is_stricter_than_federal_9_pm():
    assert blocked_by(lead(state="FL", local_time=at(20, 30))) == {FLORIDA_HOURS}


def test_florida_hours_have_no_ebr_exception():
    the_lead = lead(state="FL", local_time=at(20, 30), last_purchase=date(2025, 5, 1))
    assert FLORIDA_HOURS in blocked_by(the_lead)


def test_florida_hours_bind_broker_dealers():
    assert blocked_by(lead(state="FL", local_time=at(20, 30)), broker()) == {FLORIDA_HOURS}


def test_florida_hours_cover_business_numbers():
    # The sheet states 501.616(6) without limiting it to home lines.
    assert FLORIDA_HOURS in blocked_by(lead(state="FL", local_time=at(20, 30), line="business"))


def test_florida_hours_cover_personal_mobiles():
    assert FLORIDA_HOURS in blocked_by(lead(state="FL", local_time=at(20, 30), line="mobile"))


def test_florida_allows_a_third_call():
    assert may_call(lead(state="FL", calls_last_24h=2), Call()).allowed


def test_florida_blocks_a_fourth_call_in_24_hours():
    assert blocked_by(lead(state="FL", calls_last_24h=3)) == {FLORIDA_LIMIT}


def test_florida_call_limit_binds_broker_dealers():
    assert blocked_by(lead(state="FL", calls_last_24h=5), broker()) == {FLORIDA_LIMIT}


@pytest.mark.parametrize("state", ["OK", "MD"])
def test_three_call_limit(state):
    assert blocked_by(lead(state=state, calls_last_24h=3)) == {STATE_RULES[state].call_limit}


@pytest.mark.parametrize("state", ["OK", "MD"])
def test_third_call_allowed(state):
    assert may_call(lead(state=state, calls_last_24h=2), Call()).allowed


def test_mississippi_has_no_call_limit():
    assert may_call(lead(state="MS", calls_last_24h=5), Call()).allowed


def test_mississippi_blocks_sunday_calls():
    assert blocked_by(lead(state="MS", local_time=at(12, day=SUNDAY))) == {MISSISSIPPI_SUNDAY}


def test_mississippi_allows_saturday_calls():
    assert may_call(lead(state="MS", local_time=at(12, day=SATURDAY)), Call()).allowed


def test_mississippi_sunday_ban_uses_the_called_party_date():
    caller_clock = at(22, 30, day=SATURDAY, tz=LOS_ANGELES)
    called_clock = caller_clock.astimezone(CHICAGO)  # Sunday 00:30
    assert MISSISSIPPI_SUNDAY in blocked_by(lead(state="MS", local_time=called_clock))


def test_mississippi_sunday_evening_lists_both_state_findings():
    the_lead = lead(state="MS", local_time=at(20, 30, day=SUNDAY))
    assert blocked_by(the_lead) == {MISSISSIPPI_HOURS, MISSISSIPPI_SUNDAY}


def test_other_states_allow_sunday_calls():
    assert may_call(lead(state="FL", local_time=at(12, day=SUNDAY)), Call()).allowed


def test_state_without_a_rule_has_no_call_limit():
    assert may_call(lead(state="NY", calls_last_24h=10), Call()).allowed


def test_state_without_a_rule_allows_8_to_9():
    assert may_call(lead(state="TX", local_time=at(20, 30)), Call()).allowed


def test_state_code_is_case_insensitive():
    assert blocked_by(lead(state="fl", calls_last_24h=3)) == {FLORIDA_LIMIT}


def test_florida_finding_message_names_the_hours():
    decision = may_call(lead(state="FL", local_time=at(20, 30)), Call())
    assert "8 a.m. to 8 p.m." in decision.blocking[0].message
