"""Calling hours: the FCC's, the TSR's and FINRA's, in the called party's local time.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import UTC, date, datetime

from courses.practice.calling_rules import Call, may_call
from tests.practice.support import (
    CHICAGO,
    FCC_HOURS,
    FINRA_HOURS,
    FLORIDA_HOURS,
    LOS_ANGELES,
    NEW_YORK,
    TSR_HOURS,
    at,
    blocked_by,
    broker,
    lead,
)

# FCC calling hours, 47 CFR 64.1200(c)(1)


def test_fcc_before_8_am_blocks():
    assert FCC_HOURS in blocked_by(lead(local_time=at(7, 59, 59)))


def test_fcc_8_am_exactly_is_allowed():
    assert may_call(lead(local_time=at(8)), Call()).allowed


def test_fcc_9_pm_exactly_is_allowed():
    assert may_call(lead(local_time=at(21)), Call()).allowed


def test_fcc_one_second_after_9_pm_blocks():
    assert FCC_HOURS in blocked_by(lead(local_time=at(21, 0, 1)))


def test_fcc_a_microsecond_after_9_pm_blocks():
    assert FCC_HOURS in blocked_by(lead(local_time=at(21, 0, 0, 1)))


def test_fcc_middle_of_the_night_blocks():
    assert FCC_HOURS in blocked_by(lead(local_time=at(2)))


def test_fcc_hours_do_not_reach_ebr_calls():
    assert FCC_HOURS not in blocked_by(lead(local_time=at(22), last_purchase=date(2025, 1, 1)))


def test_fcc_hours_do_not_reach_calls_with_permission():
    assert FCC_HOURS not in blocked_by(lead(local_time=at(22)), Call(prior_express_consent=True))


def test_fcc_hours_do_not_reach_calls_with_written_permission():
    assert FCC_HOURS not in blocked_by(lead(local_time=at(22), written_permission=True))


def test_fcc_hours_do_not_protect_business_numbers():
    # 64.1200(c)(1) protects a "residential subscriber"; 64.1200(e) adds personal mobiles only.
    assert FCC_HOURS not in blocked_by(lead(local_time=at(22), line="business"))


def test_fcc_hours_protect_a_personal_mobile():
    # 64.1200(e): the calling-hours rule applies to wireless numbers too; a personal mobile is
    # protected like a home line.
    assert FCC_HOURS in blocked_by(lead(local_time=at(22), line="mobile"))


def test_fcc_hours_bind_broker_dealers():
    assert FCC_HOURS in blocked_by(lead(local_time=at(22)), broker())


def test_personal_relationship_is_no_fcc_hours_exception():
    # 64.1200(f)(15) leaves out permission, EBR and nonprofit calls, not personal relationships.
    assert FCC_HOURS in blocked_by(lead(local_time=at(22), personal_relationship=True))


# TSR calling hours, 16 CFR 310.4(c)


def test_tsr_hours_block_after_9_pm():
    assert TSR_HOURS in blocked_by(lead(local_time=at(21, 30)))


def test_tsr_hours_block_before_8_am():
    assert TSR_HOURS in blocked_by(lead(local_time=at(7, 30)))


def test_tsr_hours_have_no_ebr_exception():
    assert blocked_by(lead(local_time=at(22), last_purchase=date(2025, 1, 1))) == {TSR_HOURS}


def test_tsr_hours_yield_to_prior_consent():
    assert may_call(lead(local_time=at(22)), Call(prior_express_consent=True)).allowed


def test_tsr_hours_yield_to_written_permission():
    assert may_call(lead(local_time=at(22), written_permission=True), Call()).allowed


def test_tsr_hours_do_not_bind_broker_dealers():
    assert TSR_HOURS not in blocked_by(lead(local_time=at(22)), broker())


def test_tsr_hours_kept_for_business_numbers():
    # The sheet says only that "most" B2B calls are exempt (310.6), and that the DNC rules were
    # not extended to B2B; it does not exempt business numbers from 310.4(c).
    assert blocked_by(lead(local_time=at(22), line="business")) == {TSR_HOURS}


# FINRA calling hours, FINRA Rule 3230(a)(1)


def test_finra_hours_block_a_broker_dealer_after_9_pm():
    assert FINRA_HOURS in blocked_by(lead(local_time=at(21, 30)), broker())


def test_finra_hours_block_a_broker_dealer_before_8_am():
    assert FINRA_HOURS in blocked_by(lead(local_time=at(7)), broker())


def test_finra_hours_allow_8_am_exactly():
    assert may_call(lead(local_time=at(8)), broker()).allowed


def test_finra_hours_allow_9_pm_exactly():
    assert may_call(lead(local_time=at(21)), broker()).allowed


def test_finra_hours_yield_to_ebr():
    assert may_call(lead(local_time=at(22), last_inquiry=date(2025, 5, 1)), broker()).allowed


def test_finra_hours_yield_to_permission():
    assert may_call(lead(local_time=at(22)), broker(prior_express_consent=True)).allowed


def test_finra_hours_yield_when_the_called_party_is_a_broker_dealer():
    assert FINRA_HOURS not in blocked_by(lead(local_time=at(22), is_broker_dealer=True), broker())


def test_called_broker_dealer_is_no_fcc_hours_exception():
    assert FCC_HOURS in blocked_by(lead(local_time=at(22), is_broker_dealer=True), broker())


def test_finra_hours_do_not_protect_business_numbers():
    # 3230(a)(1): "no calls to a residence".
    assert may_call(lead(local_time=at(22), line="business"), broker()).allowed


def test_finra_hours_protect_a_personal_mobile():
    # The sheet's map of Rule 3230: "(f) wireless numbers are covered"; and 64.1200(e) for the FCC.
    assert blocked_by(lead(local_time=at(22), line="mobile"), broker()) == {FCC_HOURS, FINRA_HOURS}


def test_finra_hours_do_not_bind_other_callers():
    assert FINRA_HOURS not in blocked_by(lead(local_time=at(22)))


def test_broker_dealer_after_9_pm_is_blocked_by_fcc_and_finra():
    assert blocked_by(lead(local_time=at(22)), broker()) == {FCC_HOURS, FINRA_HOURS}


def test_non_broker_dealer_after_9_pm_is_blocked_by_fcc_and_tsr():
    assert blocked_by(lead(local_time=at(22))) == {FCC_HOURS, TSR_HOURS}


# the called party's local time counts, never the caller's


def test_late_for_the_caller_is_fine_when_early_evening_for_the_called_party():
    caller_clock = at(22, 30, tz=NEW_YORK)
    called_clock = caller_clock.astimezone(LOS_ANGELES)
    assert may_call(lead(state="CA", local_time=called_clock), Call()).allowed


def test_morning_for_the_caller_is_too_early_for_the_called_party():
    caller_clock = at(10, 30, tz=NEW_YORK)
    called_clock = caller_clock.astimezone(LOS_ANGELES)
    assert FCC_HOURS in blocked_by(lead(state="CA", local_time=called_clock))


def test_local_time_is_read_on_its_own_clock_not_in_utc():
    # 23:30 UTC is 19:30 in New York.
    utc = datetime(2025, 6, 4, 23, 30, tzinfo=UTC)
    assert may_call(lead(local_time=utc.astimezone(NEW_YORK)), Call()).allowed


def test_state_hours_use_the_called_party_clock_when_the_caller_is_still_inside_them():
    # Sheet, section 5: "For all state hour limits teach the called party's local time; no source
    # supports a 'caller's clock too' rule." 17:30 in Los Angeles is 20:30 in Miami.
    called_clock = at(17, 30, tz=LOS_ANGELES).astimezone(NEW_YORK)
    assert blocked_by(lead(state="FL", local_time=called_clock)) == {FLORIDA_HOURS}


def test_state_hours_ignore_the_caller_clock_when_it_is_past_8_pm():
    # Same fact: 20:30 in New York is 19:30 in Pensacola (Central time), inside Florida's hours.
    called_clock = at(20, 30, tz=NEW_YORK).astimezone(CHICAGO)
    assert may_call(lead(state="FL", local_time=called_clock), Call()).allowed


def test_finding_names_the_called_party_local_time_as_the_site_writes_times():
    # The site writes every time "9:30 p.m." (as its pages' date filter does), never "21:30".
    decision = may_call(lead(local_time=at(21, 30)), Call())
    finding = next(f for f in decision.findings if f.rule == FCC_HOURS)
    assert finding.message.startswith("It is 9:30 p.m. on ")
    assert "21:30" not in finding.message
    morning = may_call(lead(local_time=at(0, 5)), Call())
    assert next(f for f in morning.findings if f.rule == FCC_HOURS).message.startswith(
        "It is 12:05 a.m. on "
    )
