"""Tests of courses/calling_rules.py.

Every legal fact tested here comes from /work/shared/facts/us-telemarketing-rules.md ("the sheet"),
as corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.curriculum.loading import CONTENT_ROOT, Problems
from courses.curriculum.loading.rules import read_catalogue
from courses.practice.calling_rules import (
    LINES,
    METHODS,
    RULE_IDS,
    STATE_RULES,
    Call,
    Decision,
    Finding,
    Lead,
    has_ebr,
    may_call,
)

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WEDNESDAY = date(2025, 6, 4)
SATURDAY = date(2025, 6, 7)
SUNDAY = date(2025, 6, 8)

# Rule ids, as in the rules catalogue (courses/content/rules/*.yaml).
FCC_HOURS = "fcc-calling-hours"
FCC_REGISTRY = "fcc-national-registry"
FCC_COMPANY_DNC = "fcc-company-dnc-honor"
FCC_IDENTIFICATION = "fcc-identification"
FCC_ABANDONED = "fcc-abandoned-calls"
FCC_ROBOCALL = "fcc-robocall-written-consent"
TCPA_MOBILE = "tcpa-mobile-autodialer-consent"
TCPA_PRERECORDED_ID = "tcpa-prerecorded-identification"
TSR_HOURS = "tsr-calling-hours"
TSR_REGISTRY = "tsr-national-registry"
TSR_COMPANY_DNC = "tsr-company-dnc"
TSR_DISCLOSURES = "tsr-disclosures"
FINRA_HOURS = "finra-calling-hours"
FINRA_FIRM_DNC = "finra-firm-dnc"
FINRA_REGISTRY = "finra-national-registry"
FINRA_DISCLOSURES = "finra-disclosures"
FLORIDA_HOURS = "florida-calling-hours"
FLORIDA_LIMIT = "florida-call-limit"
FLORIDA_AUTOMATED = "florida-automated-consent"
OKLAHOMA_AUTOMATED = "oklahoma-automated-consent"
MARYLAND_AUTOMATED = "maryland-automated-consent"
MISSISSIPPI_HOURS = "mississippi-calling-hours"
MISSISSIPPI_SUNDAY = "mississippi-sunday"

CATALOGUE = read_catalogue(CONTENT_ROOT / "rules", Problems(CONTENT_ROOT))


def at(hour, minute=0, second=0, microsecond=0, *, day=WEDNESDAY, tz=NEW_YORK):
    return datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=tz)


def lead(**changes):
    return Lead(**{"local_time": at(12), "state": "NY", **changes})


def broker(**changes):
    return Call(caller_is_broker_dealer=True, **changes)


def blocked_by(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.rule for f in decision.blocking}


def reminders(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.rule for f in decision.findings if not f.blocks}


# the rules catalogue


def test_every_rule_id_the_engine_can_emit_is_in_the_catalogue():
    missing = RULE_IDS - set(CATALOGUE)
    assert not missing, sorted(missing)


def all_branches():
    """Leads and calls that between them reach every branch of the engine."""
    times = [at(12), at(20, 30), at(22), at(7), at(12, day=SUNDAY)]
    states = ("FL", "OK", "MD", "MS", "NY")
    flags = (False, True)
    grid = itertools.product(LINES, METHODS, flags, states, times, flags, flags, (0, 3))
    for line, method, is_broker, state, moment, registry, dnc, count in grid:
        the_lead = Lead(
            local_time=moment,
            state=state,
            line=line,
            on_national_registry=registry,
            firm_dnc_request=dnc,
            calls_last_24h=count,
        )
        yield the_lead, Call(caller_is_broker_dealer=is_broker, method=method)


def test_the_engine_emits_every_rule_id_it_declares_and_no_other():
    emitted = {
        f.rule
        for the_lead, the_call in all_branches()
        for f in may_call(the_lead, the_call).findings
    }
    assert emitted == RULE_IDS


def test_every_emitted_rule_id_is_in_the_catalogue():
    emitted = {
        f.rule
        for the_lead, the_call in all_branches()
        for f in may_call(the_lead, the_call).findings
    }
    assert emitted <= set(CATALOGUE), sorted(emitted - set(CATALOGUE))


@pytest.mark.parametrize("state", sorted(STATE_RULES))
def test_state_rule_ids_are_the_catalogue_entries_of_that_state(state):
    for rule_id in STATE_RULES[state].rule_ids:
        assert CATALOGUE[rule_id].state == state


def test_findings_carry_no_citation_of_their_own():
    # Citations come from the catalogue: a Finding is a rule id, a message and whether it blocks.
    assert set(Finding.__dataclass_fields__) == {"rule", "message", "blocks"}


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


# the decision


def test_plain_lead_at_noon_may_be_called():
    assert may_call(lead(), Call()).allowed


def test_decision_has_no_blocking_findings_when_allowed():
    assert may_call(lead(), Call()).blocking == ()


def test_blocking_lists_only_blocking_findings():
    decision = may_call(lead(local_time=at(22)), Call())
    assert decision.blocking and all(f.blocks for f in decision.blocking)


def test_findings_are_a_tuple_of_findings():
    decision = may_call(lead(), Call())
    assert isinstance(decision, Decision)
    assert all(isinstance(f, Finding) for f in decision.findings)


def test_every_blocking_finding_has_a_message():
    assert all(f.message for f in may_call(lead(local_time=at(22)), Call()).blocking)


def test_naive_local_time_raises():
    with pytest.raises(ValueError):
        may_call(lead(local_time=datetime(2025, 6, 4, 12)), Call())


def test_state_must_be_two_letters():
    with pytest.raises(ValueError):
        may_call(lead(state="FLA"), Call())


def test_negative_call_count_raises():
    with pytest.raises(ValueError):
        may_call(lead(calls_last_24h=-1), Call())


def test_unknown_method_raises():
    with pytest.raises(ValueError):
        may_call(lead(), Call(method="fax"))


def test_unknown_line_raises():
    with pytest.raises(ValueError):
        may_call(lead(line="pager"), Call())


def test_the_model_expresses_the_call_check_page_choices():
    assert LINES == ("landline", "mobile", "business")
    assert METHODS == ("live", "autodialed", "prerecorded")


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


def test_finding_names_the_called_party_local_time():
    decision = may_call(lead(local_time=at(21, 45)), Call())
    assert "21:45" in decision.blocking[0].message


def test_state_hours_use_the_called_party_clock_when_the_caller_is_still_inside_them():
    # Sheet, section 5: "For all state hour limits teach the called party's local time; no source
    # supports a 'caller's clock too' rule." 17:30 in Los Angeles is 20:30 in Miami.
    called_clock = at(17, 30, tz=LOS_ANGELES).astimezone(NEW_YORK)
    assert blocked_by(lead(state="FL", local_time=called_clock)) == {FLORIDA_HOURS}


def test_state_hours_ignore_the_caller_clock_when_it_is_past_8_pm():
    # Same fact: 20:30 in New York is 19:30 in Pensacola (Central time), inside Florida's hours.
    called_clock = at(20, 30, tz=NEW_YORK).astimezone(CHICAGO)
    assert may_call(lead(state="FL", local_time=called_clock), Call()).allowed


# National Do-Not-Call Registry


def registered(**changes):
    return lead(on_national_registry=True, **changes)


def test_registry_blocks_a_cold_call():
    assert blocked_by(registered()) == {FCC_REGISTRY, TSR_REGISTRY}


def test_registry_blocks_a_broker_dealer_cold_call():
    assert blocked_by(registered(), broker()) == {FCC_REGISTRY, FINRA_REGISTRY}


def test_registry_protects_a_personal_mobile():
    # 64.1200(e): "The registry accepts personal wireless numbers. ... a personal mobile is
    # protected like a home line."
    assert blocked_by(registered(line="mobile")) == {FCC_REGISTRY, TSR_REGISTRY}


def test_registry_protects_a_personal_mobile_from_broker_dealers():
    # Same fact, and the sheet's map of Rule 3230: "(f) wireless numbers are covered".
    assert blocked_by(registered(line="mobile"), broker()) == {FCC_REGISTRY, FINRA_REGISTRY}


def test_registry_does_not_protect_business_numbers():
    # Distinction 15: "Business numbers are not protected by the national registry".
    assert may_call(registered(line="business"), Call()).allowed


def test_registry_does_not_protect_business_numbers_from_broker_dealers():
    assert may_call(registered(line="business"), broker()).allowed


def test_tsr_registry_yields_to_a_recent_purchase():
    assert may_call(registered(last_purchase=date(2024, 6, 1)), Call()).allowed


def test_tsr_registry_yields_to_a_recent_inquiry():
    assert may_call(registered(last_inquiry=date(2025, 5, 1)), Call()).allowed


def test_registry_blocks_once_the_ebr_has_lapsed():
    assert blocked_by(registered(last_purchase=date(2023, 11, 1))) == {FCC_REGISTRY, TSR_REGISTRY}


def test_tsr_registry_yields_to_a_signed_written_agreement():
    assert may_call(registered(written_permission=True), Call()).allowed


def test_tsr_registry_yields_to_prior_express_written_consent():
    assert may_call(registered(), Call(prior_express_written_consent=True)).allowed


def test_registry_needs_the_agreement_in_writing():
    # Changed: the old engine let unwritten permission past the FCC's registry rule. Sheet,
    # 64.1200(c)(2)(ii): "Unwritten permission does not get past the registry."
    assert blocked_by(registered(), Call(prior_express_consent=True)) == {
        FCC_REGISTRY,
        TSR_REGISTRY,
    }


def test_fcc_registry_yields_to_a_personal_relationship_but_the_tsr_has_no_such_exception():
    # Changed: the old engine had no FCC personal-relationship exception. Sheet: "a personal
    # relationship between the individual caller and the person called — 64.1200(c)(2)(iii)
    # ... The TSR has no personal-relationship exception."
    assert blocked_by(registered(personal_relationship=True)) == {TSR_REGISTRY}


def test_finra_registry_yields_to_ebr():
    assert may_call(registered(last_purchase=date(2025, 1, 1)), broker()).allowed


def test_finra_registry_yields_to_written_permission():
    assert may_call(registered(written_permission=True), broker()).allowed


def test_finra_registry_yields_to_a_personal_relationship():
    assert FINRA_REGISTRY not in blocked_by(registered(personal_relationship=True), broker())


def test_personal_relationship_passes_the_registry_for_a_broker_dealer():
    # Changed: the old engine blocked this under the FCC rule. Sheet: the FCC has a personal-
    # relationship exception (64.1200(c)(2)(iii)), and so does FINRA (3230(b)(3)).
    assert may_call(registered(personal_relationship=True), broker()).allowed


def test_finra_registry_needs_permission_in_writing():
    # Changed: the FCC's registry rule now blocks too. 3230(b)(2) needs "prior express written
    # permission, signed, with the number", and 64.1200(c)(2)(ii) likewise.
    assert blocked_by(registered(), broker(prior_express_consent=True)) == {
        FCC_REGISTRY,
        FINRA_REGISTRY,
    }


def test_tsr_registry_does_not_bind_broker_dealers():
    assert TSR_REGISTRY not in blocked_by(registered(), broker())


def test_finra_registry_does_not_bind_other_callers():
    assert FINRA_REGISTRY not in blocked_by(registered(personal_relationship=True))


# firm-specific do-not-call requests


def asked_not_to_call(**changes):
    return lead(firm_dnc_request=True, **changes)


def test_firm_request_blocks():
    assert blocked_by(asked_not_to_call()) == {FCC_COMPANY_DNC, TSR_COMPANY_DNC}


def test_firm_request_blocks_a_broker_dealer():
    assert blocked_by(asked_not_to_call(), broker()) == {FCC_COMPANY_DNC, FINRA_FIRM_DNC}


def test_firm_request_on_a_personal_mobile_blocks():
    # 64.1200(e): the company-list rule applies to wireless numbers too.
    assert blocked_by(asked_not_to_call(line="mobile")) == {FCC_COMPANY_DNC, TSR_COMPANY_DNC}


def test_firm_request_beats_a_recent_purchase():
    assert not may_call(asked_not_to_call(last_purchase=WEDNESDAY), Call()).allowed


def test_firm_request_beats_ebr_for_a_broker_dealer():
    assert FINRA_FIRM_DNC in blocked_by(asked_not_to_call(last_purchase=WEDNESDAY), broker())


def test_firm_request_beats_finra_account_activity():
    # 3230(b)(1): a firm-specific do-not-call request ends the EBR, whatever made it.
    the_lead = asked_not_to_call(on_national_registry=True, last_account_activity=WEDNESDAY)
    assert FINRA_REGISTRY in blocked_by(the_lead, broker())


def test_firm_request_ends_ebr_so_the_registry_blocks_again():
    the_lead = asked_not_to_call(on_national_registry=True, last_purchase=WEDNESDAY)
    assert {FCC_REGISTRY, TSR_REGISTRY} <= blocked_by(the_lead)


def test_firm_request_ends_ebr_so_fcc_hours_apply_again():
    the_lead = asked_not_to_call(local_time=at(22), last_purchase=WEDNESDAY)
    assert FCC_HOURS in blocked_by(the_lead)


def test_firm_request_beats_a_personal_relationship():
    assert not may_call(asked_not_to_call(personal_relationship=True), broker()).allowed


def test_firm_request_beats_the_fcc_personal_relationship_exception():
    # Distinction 14: "The personal-relationship exception gets past the national registry, not
    # past a 'don't call me'."
    the_lead = asked_not_to_call(on_national_registry=True, personal_relationship=True)
    assert {FCC_COMPANY_DNC, FCC_REGISTRY} <= blocked_by(the_lead)


def test_firm_request_beats_written_permission():
    assert not may_call(asked_not_to_call(written_permission=True), Call()).allowed


def test_firm_request_beats_prior_express_written_consent():
    assert not may_call(asked_not_to_call(), Call(prior_express_written_consent=True)).allowed


def test_firm_request_blocks_a_business_number():
    assert not may_call(asked_not_to_call(line="business"), Call()).allowed


def test_tsr_company_list_does_not_cover_business_numbers():
    # "2024 amendments: ... DNC rules not extended to B2B."
    assert blocked_by(asked_not_to_call(line="business")) == {FCC_COMPANY_DNC}


def test_broker_dealer_firm_list_covers_business_numbers():
    # Distinction 15: "a broker-dealer still keeps businesses on its own do-not-call list"
    # (NASD interpretive letter, Oct 31, 1995).
    assert blocked_by(asked_not_to_call(line="business"), broker()) == {
        FCC_COMPANY_DNC,
        FINRA_FIRM_DNC,
    }


def test_firm_request_message_mentions_the_end_of_the_ebr():
    decision = may_call(asked_not_to_call(), Call())
    assert "ends any established business relationship" in decision.blocking[0].message


def test_finra_firm_request_message_mentions_the_end_of_the_ebr():
    decision = may_call(asked_not_to_call(), broker())
    finra = next(f for f in decision.blocking if f.rule == FINRA_FIRM_DNC)
    assert "ends any established business relationship" in finra.message


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


# reminders


def test_identification_reminder_on_every_live_call():
    assert FCC_IDENTIFICATION in reminders(lead())


def test_tsr_disclosure_reminder_for_other_callers():
    assert reminders(lead()) == {FCC_IDENTIFICATION, TSR_DISCLOSURES}


def test_finra_disclosure_reminder_for_broker_dealers():
    # Changed: the rule is finra-disclosures, 3230(d)(4) in the catalogue. Sheet correction: "an
    # earlier version of this sheet said 3230(c) ... Never cite 3230(c) for the disclosures."
    assert reminders(lead(), broker()) == {FCC_IDENTIFICATION, FINRA_DISCLOSURES}


def test_finra_disclosures_are_cited_as_3230_d_4():
    assert CATALOGUE[FINRA_DISCLOSURES].citation == "FINRA Rule 3230(d)(4)"


def test_prerecorded_message_identification_reminder():
    the_call = Call(method="prerecorded", prior_express_written_consent=True)
    assert reminders(lead(), the_call) == {TCPA_PRERECORDED_ID, TSR_DISCLOSURES}


def test_autodialed_call_keeps_the_live_identification_reminder():
    assert reminders(lead(), Call(method="autodialed")) == {
        FCC_IDENTIFICATION,
        FCC_ABANDONED,
        TSR_DISCLOSURES,
    }


def test_reminders_never_block():
    decision = may_call(lead(), broker())
    assert decision.allowed and len(decision.findings) == 2


def test_reminders_come_with_blocked_calls_too():
    assert reminders(asked_not_to_call()) == {FCC_IDENTIFICATION, TSR_DISCLOSURES}


# properties

ZONES = [NEW_YORK, LOS_ANGELES, CHICAGO, ZoneInfo("Pacific/Honolulu")]
DATES = st.none() | st.dates(date(2022, 1, 1), date(2026, 12, 31))

leads = st.builds(
    Lead,
    local_time=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.sampled_from(ZONES),
    ),
    state=st.sampled_from(["FL", "OK", "MD", "MS", "NY", "CA", "TX"]),
    line=st.sampled_from(LINES),
    on_national_registry=st.booleans(),
    firm_dnc_request=st.booleans(),
    last_purchase=DATES,
    last_inquiry=DATES,
    last_account_activity=DATES,
    written_permission=st.booleans(),
    personal_relationship=st.booleans(),
    is_broker_dealer=st.booleans(),
    calls_last_24h=st.integers(0, 6),
)
calls = st.builds(
    Call,
    caller_is_broker_dealer=st.booleans(),
    method=st.sampled_from(METHODS),
    prior_express_consent=st.booleans(),
    prior_express_written_consent=st.booleans(),
)


@given(leads, calls)
def test_firm_request_always_blocks_and_never_unblocks(the_lead, the_call):
    before = may_call(the_lead, the_call)
    after = may_call(replace(the_lead, firm_dnc_request=True), the_call)
    assert not after.allowed
    assert {f.rule for f in before.blocking} <= {f.rule for f in after.blocking}


@given(leads, calls)
def test_allowed_exactly_when_nothing_blocks(the_lead, the_call):
    decision = may_call(the_lead, the_call)
    assert decision.allowed == (decision.blocking == ())


@given(leads, calls)
def test_every_finding_names_a_catalogue_rule(the_lead, the_call):
    rules = {f.rule for f in may_call(the_lead, the_call).findings}
    assert rules <= RULE_IDS and rules <= set(CATALOGUE)


@given(leads, calls)
def test_each_caller_gets_only_its_own_regime(the_lead, the_call):
    binds = {CATALOGUE[f.rule].binds for f in may_call(the_lead, the_call).findings}
    if the_call.caller_is_broker_dealer:
        assert "sellers-outside-tsr-exclusion" not in binds
    else:
        assert "broker-dealers" not in binds


@given(leads, calls)
def test_state_findings_only_for_calls_into_that_state(the_lead, the_call):
    for finding in may_call(the_lead, the_call).findings:
        state = CATALOGUE[finding.rule].state
        assert state in ("", the_lead.state.upper())


@given(leads, calls)
def test_account_activity_never_changes_a_non_broker_decision(the_lead, the_call):
    the_call = replace(the_call, caller_is_broker_dealer=False)
    with_activity = may_call(replace(the_lead, last_account_activity=WEDNESDAY), the_call)
    without = may_call(replace(the_lead, last_account_activity=None), the_call)
    assert with_activity == without


@given(leads, calls)
def test_business_numbers_never_get_registry_findings(the_lead, the_call):
    rules = {f.rule for f in may_call(replace(the_lead, line="business"), the_call).findings}
    assert not rules & {FCC_REGISTRY, TSR_REGISTRY, FINRA_REGISTRY}


@given(leads, calls)
def test_two_identification_reminders_always(the_lead, the_call):
    identification = {
        FCC_IDENTIFICATION,
        TCPA_PRERECORDED_ID,
        TSR_DISCLOSURES,
        FINRA_DISCLOSURES,
    }
    decision = may_call(the_lead, the_call)
    assert len([f for f in decision.findings if f.rule in identification]) == 2
    assert all(
        not f.blocks for f in decision.findings if f.rule in identification | {FCC_ABANDONED}
    )
