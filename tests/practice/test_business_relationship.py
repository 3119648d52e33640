"""An established business relationship (the FCC's and FINRA's own) and when it lapses.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import date

from courses.practice.calling_rules import has_ebr, may_call
from tests.practice.support import (
    FCC_HOURS,
    FCC_REGISTRY,
    FINRA_REGISTRY,
    TSR_REGISTRY,
    WEDNESDAY,
    at,
    blocked_by,
    broker,
    lead,
)

# has_ebr


def test_ebr_purchase_yesterday():
    assert has_ebr(lead(last_purchase=date(2025, 6, 3)), WEDNESDAY)


def test_ebr_purchase_today():
    assert has_ebr(lead(last_purchase=WEDNESDAY), WEDNESDAY)


def test_ebr_purchase_exactly_18_months_ago():
    assert has_ebr(lead(last_purchase=date(2023, 12, 4)), WEDNESDAY)


def test_no_ebr_purchase_a_day_over_18_months():
    assert not has_ebr(lead(last_purchase=date(2023, 12, 3)), WEDNESDAY)


def test_ebr_inquiry_exactly_3_months_ago():
    assert has_ebr(lead(last_inquiry=date(2025, 3, 4)), WEDNESDAY)


def test_no_ebr_inquiry_a_day_over_3_months():
    assert not has_ebr(lead(last_inquiry=date(2025, 3, 3)), WEDNESDAY)


def test_old_inquiry_with_recent_purchase_is_ebr():
    assert has_ebr(lead(last_inquiry=date(2024, 1, 1), last_purchase=date(2025, 1, 1)), WEDNESDAY)


def test_inquiry_does_not_get_the_18_months_of_a_purchase():
    assert not has_ebr(lead(last_inquiry=date(2025, 1, 1)), WEDNESDAY)


def test_ebr_months_are_calendar_months_clamped_to_month_end():
    assert has_ebr(lead(last_purchase=date(2024, 2, 29)), date(2025, 8, 31))


def test_no_ebr_the_day_before_the_clamped_month_end():
    assert not has_ebr(lead(last_purchase=date(2024, 2, 28)), date(2025, 8, 31))


def test_ebr_inquiry_clamped_to_end_of_february():
    assert has_ebr(lead(last_inquiry=date(2025, 2, 28)), date(2025, 5, 31))


def test_no_ebr_inquiry_before_clamped_end_of_february():
    assert not has_ebr(lead(last_inquiry=date(2025, 2, 27)), date(2025, 5, 31))


def test_no_ebr_without_purchase_or_inquiry():
    assert not has_ebr(lead(), WEDNESDAY)


def test_no_ebr_from_a_date_after_today():
    assert not has_ebr(lead(last_purchase=date(2025, 6, 5)), WEDNESDAY)


def test_firm_dnc_request_ends_ebr():
    assert not has_ebr(lead(last_purchase=WEDNESDAY, firm_dnc_request=True), WEDNESDAY)


# FINRA's own EBR, Rule 3230(m): "also counts a security position, a money balance or account
# activity with the firm (or its clearing firm) within 18 months, besides a transaction; an
# inquiry within 3 months". The FCC's EBR, 64.1200(f)(5), counts only "a purchase or transaction
# within 18 months ... or an inquiry or application within 3 months", so account activity is used
# for broker-dealer callers and for FINRA's rules only.


def test_finra_ebr_counts_account_activity_within_18_months():
    the_lead = lead(last_account_activity=date(2023, 12, 4))
    assert has_ebr(the_lead, WEDNESDAY, broker_dealer=True)


def test_finra_ebr_account_activity_a_day_over_18_months_is_none():
    the_lead = lead(last_account_activity=date(2023, 12, 3))
    assert not has_ebr(the_lead, WEDNESDAY, broker_dealer=True)


def test_account_activity_is_no_ebr_outside_finra():
    assert not has_ebr(lead(last_account_activity=WEDNESDAY), WEDNESDAY)


def test_finra_ebr_keeps_the_transaction_and_inquiry_windows():
    assert has_ebr(lead(last_purchase=date(2024, 1, 1)), WEDNESDAY, broker_dealer=True)
    assert not has_ebr(lead(last_inquiry=date(2025, 1, 1)), WEDNESDAY, broker_dealer=True)


def test_firm_dnc_request_ends_finra_ebr():
    # 3230(b)(1): an EBR "which a firm-specific do-not-call request ends".
    the_lead = lead(last_account_activity=WEDNESDAY, firm_dnc_request=True)
    assert not has_ebr(the_lead, WEDNESDAY, broker_dealer=True)


def test_account_activity_passes_finra_registry():
    the_lead = lead(on_national_registry=True, last_account_activity=date(2025, 1, 1))
    assert FINRA_REGISTRY not in blocked_by(the_lead, broker())


def test_account_activity_is_not_the_fcc_ebr_for_the_registry():
    # Rule 3230 does not displace FCC rules; the FCC's EBR is a purchase or transaction.
    the_lead = lead(on_national_registry=True, last_account_activity=date(2025, 1, 1))
    assert blocked_by(the_lead, broker()) == {FCC_REGISTRY}


def test_account_activity_passes_finra_hours_but_not_fcc_hours():
    the_lead = lead(local_time=at(22), last_account_activity=date(2025, 1, 1))
    assert blocked_by(the_lead, broker()) == {FCC_HOURS}


def test_account_activity_is_ignored_for_other_callers():
    the_lead = lead(on_national_registry=True, last_account_activity=date(2025, 1, 1))
    assert blocked_by(the_lead) == {FCC_REGISTRY, TSR_REGISTRY}


def test_transaction_is_an_ebr_for_fcc_and_finra():
    the_lead = lead(on_national_registry=True, last_purchase=date(2025, 1, 1))
    assert may_call(the_lead, broker()).allowed
