"""Autodialed and prerecorded calls, under the TCPA and under the states' automated-call rules.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import date

import pytest

from courses.practice.calling_rules import STATE_RULES, Call, may_call
from tests.practice.support import (
    FCC_ABANDONED,
    FCC_HOURS,
    FCC_REGISTRY,
    FCC_ROBOCALL,
    FLORIDA_AUTOMATED,
    MARYLAND_AUTOMATED,
    OKLAHOMA_AUTOMATED,
    TCPA_MOBILE,
    TSR_HOURS,
    TSR_REGISTRY,
    asked_not_to_call,
    at,
    blocked_by,
    broker,
    lead,
    registered,
    reminders,
)

# autodialed and prerecorded calls. Sheet: 227(b)(1)(A)(iii) "Autodialed or artificial/
# prerecorded-voice calls to cell numbers need prior express consent"; 64.1200(a)(2) covers
# telemarketing with an autodialer OR a prerecorded voice to wireless numbers, (a)(3)
# prerecorded-voice telemarketing to residential lines; a live agent placing a call with a dialer
# to a home landline needs no TCPA consent; hand-dialed live calls to mobiles need none either.


def test_autodialed_call_to_a_mobile_without_consent_blocks():
    the_call = Call(method="autodialed")
    assert blocked_by(lead(line="mobile"), the_call) == {TCPA_MOBILE, FCC_ROBOCALL}


def test_prerecorded_call_to_a_mobile_without_consent_blocks():
    the_call = Call(method="prerecorded")
    assert blocked_by(lead(line="mobile"), the_call) == {TCPA_MOBILE, FCC_ROBOCALL}


def test_mobile_consent_is_met_by_prior_express_consent():
    the_call = Call(method="autodialed", prior_express_consent=True)
    assert TCPA_MOBILE not in blocked_by(lead(line="mobile"), the_call)


def test_telemarketing_robocall_needs_written_consent_even_with_mobile_consent():
    the_call = Call(method="autodialed", prior_express_consent=True)
    assert blocked_by(lead(line="mobile"), the_call) == {FCC_ROBOCALL}


def test_robocall_with_prior_express_written_consent_is_allowed():
    the_call = Call(method="prerecorded", prior_express_written_consent=True)
    assert may_call(lead(line="mobile"), the_call).allowed


def test_prerecorded_call_to_a_landline_needs_written_consent():
    # 64.1200(a)(3): prerecorded or artificial-voice telemarketing to residential lines.
    assert blocked_by(lead(), Call(method="prerecorded")) == {FCC_ROBOCALL}


def test_autodialed_live_agent_call_to_a_landline_needs_no_tcpa_consent():
    # Changed: the old engine required written consent for every autodialed call. Sheet: "A live
    # agent placing a call with a dialer to a residential landline needs no TCPA consent (the
    # abandoned-call rules of (a)(7) apply instead)".
    assert may_call(lead(), Call(method="autodialed")).allowed


def test_autodialed_call_comes_with_the_abandoned_call_reminder():
    # Same fact: the abandoned-call rules of 64.1200(a)(7) apply to dialer calls.
    assert FCC_ABANDONED in reminders(lead(), Call(method="autodialed"))


def test_live_and_prerecorded_calls_have_no_abandoned_call_reminder():
    assert FCC_ABANDONED not in reminders(lead(), Call())
    assert FCC_ABANDONED not in reminders(lead(), Call(method="prerecorded"))


def test_live_call_to_a_mobile_needs_no_consent():
    # "hand-dialed live sales calls to mobiles are lawful under the TCPA, subject to the hours and
    # do-not-call rules".
    assert may_call(lead(line="mobile"), Call()).allowed


def test_live_call_to_a_mobile_still_keeps_hours_and_registry():
    the_lead = lead(line="mobile", on_national_registry=True, local_time=at(22))
    assert blocked_by(the_lead) == {FCC_HOURS, FCC_REGISTRY, TSR_HOURS, TSR_REGISTRY}


def test_ebr_is_not_consent_for_a_prerecorded_telemarketing_call():
    assert FCC_ROBOCALL in blocked_by(
        lead(last_purchase=date(2025, 5, 1)), Call(method="prerecorded")
    )


def test_ebr_is_not_consent_for_an_autodialed_call_to_a_mobile():
    # Distinction 8: an EBR "is not consent for autodialed or prerecorded telemarketing".
    the_lead = lead(line="mobile", last_purchase=date(2025, 5, 1))
    assert blocked_by(the_lead, Call(method="autodialed")) == {TCPA_MOBILE, FCC_ROBOCALL}


def test_robocall_finding_says_ebr_is_no_substitute():
    decision = may_call(lead(last_purchase=date(2025, 5, 1)), Call(method="prerecorded"))
    assert "no substitute" in decision.blocking[0].message


def test_ebr_allows_a_live_call_to_a_registered_number():
    assert may_call(registered(last_purchase=date(2025, 5, 1)), Call()).allowed


def test_ebr_does_not_allow_a_prerecorded_call_to_a_registered_number():
    the_lead = registered(last_purchase=date(2025, 5, 1))
    assert blocked_by(the_lead, Call(method="prerecorded")) == {FCC_ROBOCALL}


def test_robocall_rules_bind_broker_dealers():
    the_call = broker(method="autodialed")
    assert blocked_by(lead(line="mobile"), the_call) == {TCPA_MOBILE, FCC_ROBOCALL}


def test_firm_request_withdraws_robocall_consent():
    the_call = Call(method="prerecorded", prior_express_written_consent=True)
    assert FCC_ROBOCALL in blocked_by(asked_not_to_call(line="mobile"), the_call)


# state rules for automated calls. Sheet: "Broader 'any automated system' consent rules come from
# state law (Florida 501.059, Oklahoma, Maryland)"; Maryland: "prior express written consent for
# calls made with an automated system (Md. Com. Law 14-4502)".


@pytest.mark.parametrize(
    ("state", "rule"),
    [("FL", FLORIDA_AUTOMATED), ("OK", OKLAHOMA_AUTOMATED), ("MD", MARYLAND_AUTOMATED)],
)
@pytest.mark.parametrize("method", ["autodialed", "prerecorded"])
def test_state_requires_written_consent_for_automated_calls(state, rule, method):
    assert rule in blocked_by(lead(state=state), Call(method=method))


@pytest.mark.parametrize("state", ["FL", "OK", "MD"])
def test_state_automated_rule_reaches_a_dialer_call_to_a_landline(state):
    # The state rule is broader than the TCPA: a dialer call to a landline needs no TCPA consent.
    assert blocked_by(lead(state=state), Call(method="autodialed")) == {
        STATE_RULES[state].automated
    }


def test_maryland_requires_written_consent_for_automated_calls():
    # Changed: the old engine said Maryland adds no automated-call rule. Corrected sheet: Maryland
    # requires "prior express written consent for calls made with an automated system".
    assert blocked_by(lead(state="MD"), Call(method="prerecorded")) == {
        FCC_ROBOCALL,
        MARYLAND_AUTOMATED,
    }


def test_state_automated_rule_yields_to_written_consent():
    the_call = Call(method="autodialed", prior_express_written_consent=True)
    assert may_call(lead(state="FL"), the_call).allowed


def test_state_automated_rule_is_not_met_by_unwritten_consent():
    the_call = Call(method="autodialed", prior_express_consent=True)
    assert blocked_by(lead(state="OK"), the_call) == {OKLAHOMA_AUTOMATED}


def test_state_automated_rule_leaves_live_calls_alone():
    assert may_call(lead(state="MD", line="mobile"), Call()).allowed


def test_mississippi_has_no_automated_call_rule_in_the_sheet():
    assert may_call(lead(state="MS"), Call(method="autodialed")).allowed
