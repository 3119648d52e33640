"""The first lawful moment for a call the clock alone forbids: next_call_time.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30.
"""

from datetime import date

from courses.practice.calling_rules import Call, may_call, next_call_time
from tests.practice.support import CHICAGO, SUNDAY, WEDNESDAY, at, lead, registered

THURSDAY = date(2025, 6, 5)
FRIDAY = date(2025, 6, 6)
MONDAY = date(2025, 6, 9)


def test_a_lead_that_may_be_called_now_may_be_called_at_once():
    assert next_call_time(lead(), Call()) == at(12)


def test_before_8_am_the_same_mornings_8_am():
    # Sheet 1: no solicitation before 8 a.m. local time; 8 a.m. itself is inside the hours.
    assert next_call_time(lead(local_time=at(7, 30)), Call()) == at(8)


def test_after_9_pm_the_next_mornings_8_am():
    assert next_call_time(lead(local_time=at(21, 30)), Call()) == at(8, day=THURSDAY)


def test_florida_after_8_pm_the_next_morning():
    # Sheet 5: Florida 8 a.m. to 8 p.m.
    the_lead = lead(state="FL", local_time=at(20, 30))
    assert next_call_time(the_lead, Call()) == at(8, day=THURSDAY)


def test_a_call_limit_waits_24_hours():
    # Sheet 5: at most 3 calls in 24 hours in Florida; the earliest call is not known, so wait 24.
    the_lead = lead(state="FL", calls_last_24h=3, local_time=at(14))
    assert next_call_time(the_lead, Call()) == at(14, day=THURSDAY)


def test_a_call_limit_met_before_8_am_clears_the_next_morning_at_8():
    the_lead = lead(state="FL", calls_last_24h=3, local_time=at(7, 30))
    assert next_call_time(the_lead, Call()) == at(8, day=THURSDAY)


def test_a_call_limit_met_late_clears_the_morning_after_the_24_hours():
    the_lead = lead(state="FL", calls_last_24h=3, local_time=at(20, 30))
    assert next_call_time(the_lead, Call()) == at(8, day=FRIDAY)


def test_mississippi_sunday_waits_for_monday_morning():
    # Sheet 5: no solicitation calls on Sunday in Mississippi.
    the_lead = lead(state="MS", local_time=at(11, day=SUNDAY, tz=CHICAGO))
    assert next_call_time(the_lead, Call()) == at(8, day=MONDAY, tz=CHICAGO)


def test_no_moment_when_something_other_than_the_clock_says_no():
    assert next_call_time(registered(), Call()) is None


def test_the_moment_found_is_lawful_and_nothing_earlier_on_the_hour_is():
    for moment in (at(7, 30), at(21, 30), at(23, 59), at(0, 1), at(12, day=SUNDAY)):
        the_lead = lead(state="MS", local_time=moment)
        found = next_call_time(the_lead, Call())
        assert may_call(lead(state="MS", local_time=found), Call()).allowed
        assert found >= moment
        assert found.date() >= WEDNESDAY
