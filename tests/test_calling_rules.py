from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.calling_rules import STATE_RULES, Call, Decision, Finding, Lead, has_ebr, may_call

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WEDNESDAY = date(2025, 6, 4)
SATURDAY = date(2025, 6, 7)
SUNDAY = date(2025, 6, 8)

FCC_HOURS = "47 CFR 64.1200(c)(1)"
FCC_REGISTRY = "47 CFR 64.1200(c)(2)"
FCC_COMPANY_DNC = "47 CFR 64.1200(d)(3)"
FCC_IDENTIFICATION = "47 CFR 64.1200(d)(4)"
FCC_ROBOCALL = "47 CFR 64.1200(a)(2)-(3)"
TCPA_CELL = "47 U.S.C. 227(b)(1)(A)(iii)"
TCPA_PRERECORDED_ID = "47 U.S.C. 227(d)(3)(A)"
TSR_HOURS = "16 CFR 310.4(c)"
TSR_REGISTRY = "16 CFR 310.4(b)(1)(iii)(B)"
TSR_COMPANY_DNC = "16 CFR 310.4(b)(1)(iii)(A)"
TSR_DISCLOSURES = "16 CFR 310.4(d)"
FINRA_HOURS = "FINRA Rule 3230(a)(1)"
FINRA_FIRM_DNC = "FINRA Rule 3230(a)(2)"
FINRA_REGISTRY = "FINRA Rule 3230(a)(3)"
FINRA_DISCLOSURES = "FINRA Rule 3230(c)"
FLORIDA = "Fla. Stat. 501.616(6)"
FLORIDA_AUTOMATED = "Fla. Stat. 501.059"
MISSISSIPPI = "Miss. Code 77-3-723"
OKLAHOMA = "Oklahoma Telephone Solicitation Act"
MARYLAND = "Maryland Stop the Spam Calls Act"


def at(hour, minute=0, second=0, microsecond=0, *, day=WEDNESDAY, tz=NEW_YORK):
    return datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=tz)


def lead(**changes):
    return Lead(**{"local_time": at(12), "state": "NY", **changes})


def broker(**changes):
    return Call(caller_is_broker_dealer=True, **changes)


def blocked_by(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.citation for f in decision.blocking}


def reminders(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.citation for f in decision.findings if not f.blocks}


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


def test_fcc_hours_protect_residential_subscribers_only():
    assert FCC_HOURS not in blocked_by(lead(local_time=at(22), residential=False))


def test_fcc_hours_bind_broker_dealers():
    assert FCC_HOURS in blocked_by(lead(local_time=at(22)), broker())


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
    assert blocked_by(lead(local_time=at(22), residential=False)) == {TSR_HOURS}


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


def test_finra_hours_protect_residences_only():
    assert may_call(lead(local_time=at(22), residential=False), broker()).allowed


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


# National Do-Not-Call Registry


def registered(**changes):
    return lead(on_national_registry=True, **changes)


def test_registry_blocks_a_cold_call():
    assert blocked_by(registered()) == {FCC_REGISTRY, TSR_REGISTRY}


def test_registry_blocks_a_broker_dealer_cold_call():
    assert blocked_by(registered(), broker()) == {FCC_REGISTRY, FINRA_REGISTRY}


def test_registry_protects_residential_subscribers_only():
    assert may_call(registered(residential=False), Call()).allowed


def test_registry_does_not_protect_business_numbers_from_broker_dealers():
    assert may_call(registered(residential=False), broker()).allowed


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


def test_tsr_registry_needs_the_agreement_in_writing():
    assert blocked_by(registered(), Call(prior_express_consent=True)) == {TSR_REGISTRY}


def test_personal_relationship_is_no_registry_exception_outside_finra():
    assert TSR_REGISTRY in blocked_by(registered(personal_relationship=True))


def test_finra_registry_yields_to_ebr():
    assert may_call(registered(last_purchase=date(2025, 1, 1)), broker()).allowed


def test_finra_registry_yields_to_written_permission():
    assert may_call(registered(written_permission=True), broker()).allowed


def test_finra_registry_yields_to_a_personal_relationship():
    assert FINRA_REGISTRY not in blocked_by(registered(personal_relationship=True), broker())


def test_fcc_registry_has_no_confirmed_personal_relationship_exception():
    assert blocked_by(registered(personal_relationship=True), broker()) == {FCC_REGISTRY}


def test_personal_relationship_with_permission_passes_the_registry_for_a_broker_dealer():
    decision = may_call(registered(personal_relationship=True), broker(prior_express_consent=True))
    assert decision.allowed


def test_finra_registry_needs_permission_in_writing():
    assert blocked_by(registered(), broker(prior_express_consent=True)) == {FINRA_REGISTRY}


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


def test_firm_request_beats_a_recent_purchase():
    assert not may_call(asked_not_to_call(last_purchase=WEDNESDAY), Call()).allowed


def test_firm_request_beats_ebr_for_a_broker_dealer():
    assert FINRA_FIRM_DNC in blocked_by(asked_not_to_call(last_purchase=WEDNESDAY), broker())


def test_firm_request_ends_ebr_so_the_registry_blocks_again():
    the_lead = asked_not_to_call(on_national_registry=True, last_purchase=WEDNESDAY)
    assert {FCC_REGISTRY, TSR_REGISTRY} <= blocked_by(the_lead)


def test_firm_request_ends_ebr_so_fcc_hours_apply_again():
    the_lead = asked_not_to_call(local_time=at(22), last_purchase=WEDNESDAY)
    assert FCC_HOURS in blocked_by(the_lead)


def test_firm_request_beats_a_personal_relationship():
    assert not may_call(asked_not_to_call(personal_relationship=True), broker()).allowed


def test_firm_request_beats_written_permission():
    assert not may_call(asked_not_to_call(written_permission=True), Call()).allowed


def test_firm_request_beats_prior_express_written_consent():
    assert not may_call(asked_not_to_call(), Call(prior_express_written_consent=True)).allowed


def test_firm_request_blocks_a_business_number():
    assert not may_call(asked_not_to_call(residential=False), Call()).allowed


def test_tsr_company_list_does_not_cover_business_numbers():
    assert blocked_by(asked_not_to_call(residential=False)) == {FCC_COMPANY_DNC}


def test_broker_dealer_firm_list_covers_business_numbers():
    assert FINRA_FIRM_DNC in blocked_by(asked_not_to_call(residential=False), broker())


def test_firm_request_message_mentions_the_end_of_the_ebr():
    decision = may_call(asked_not_to_call(), Call())
    assert "64.1200(f)(5)(i)" in decision.blocking[0].message


def test_finra_firm_request_message_mentions_the_end_of_the_ebr():
    decision = may_call(asked_not_to_call(), broker())
    finra = next(f for f in decision.blocking if f.citation == FINRA_FIRM_DNC)
    assert "3230(b)(1)" in finra.message


# autodialed and prerecorded calls


def test_autodialed_call_to_a_cell_without_consent_blocks():
    assert blocked_by(lead(), Call(method="autodialed", to_cell=True)) == {TCPA_CELL, FCC_ROBOCALL}


def test_prerecorded_call_to_a_cell_without_consent_blocks():
    assert TCPA_CELL in blocked_by(lead(), Call(method="prerecorded", to_cell=True))


def test_cell_consent_is_met_by_prior_express_consent():
    the_call = Call(method="autodialed", to_cell=True, prior_express_consent=True)
    assert TCPA_CELL not in blocked_by(lead(), the_call)


def test_telemarketing_robocall_needs_written_consent_even_with_cell_consent():
    the_call = Call(method="autodialed", to_cell=True, prior_express_consent=True)
    assert blocked_by(lead(), the_call) == {FCC_ROBOCALL}


def test_robocall_with_prior_express_written_consent_is_allowed():
    the_call = Call(method="prerecorded", to_cell=True, prior_express_written_consent=True)
    assert may_call(lead(), the_call).allowed


def test_prerecorded_call_to_a_landline_needs_written_consent():
    assert blocked_by(lead(), Call(method="prerecorded")) == {FCC_ROBOCALL}


def test_live_call_to_a_cell_needs_no_consent():
    assert may_call(lead(), Call(to_cell=True)).allowed


def test_ebr_is_not_consent_for_a_prerecorded_telemarketing_call():
    assert FCC_ROBOCALL in blocked_by(
        lead(last_purchase=date(2025, 5, 1)), Call(method="prerecorded")
    )


def test_robocall_finding_says_ebr_is_no_substitute():
    decision = may_call(lead(last_purchase=date(2025, 5, 1)), Call(method="prerecorded"))
    assert "no substitute" in decision.blocking[0].message


def test_ebr_allows_a_live_call_to_a_registered_number():
    assert may_call(registered(last_purchase=date(2025, 5, 1)), Call()).allowed


def test_ebr_does_not_allow_a_prerecorded_call_to_a_registered_number():
    the_lead = registered(last_purchase=date(2025, 5, 1))
    assert blocked_by(the_lead, Call(method="prerecorded")) == {FCC_ROBOCALL}


def test_robocall_rules_bind_broker_dealers():
    assert blocked_by(lead(), broker(method="autodialed", to_cell=True)) == {
        TCPA_CELL,
        FCC_ROBOCALL,
    }


def test_florida_requires_written_consent_for_automated_calls():
    assert FLORIDA_AUTOMATED in blocked_by(lead(state="FL"), Call(method="autodialed"))


def test_oklahoma_requires_written_consent_for_automated_calls():
    assert OKLAHOMA in blocked_by(lead(state="OK"), Call(method="prerecorded"))


def test_florida_automated_call_with_written_consent_is_allowed():
    the_call = Call(method="autodialed", prior_express_written_consent=True)
    assert may_call(lead(state="FL"), the_call).allowed


def test_maryland_adds_no_automated_call_rule():
    assert blocked_by(lead(state="MD"), Call(method="prerecorded")) == {FCC_ROBOCALL}


# state rules


def test_state_rules_cover_the_states_in_the_facts_file():
    assert set(STATE_RULES) == {"FL", "MD", "MS", "OK"}


def test_texas_hours_are_unconfirmed_and_not_a_rule():
    assert "TX" not in STATE_RULES


def test_state_rules_are_read_only():
    with pytest.raises(TypeError):
        STATE_RULES["TX"] = STATE_RULES["FL"]


@pytest.mark.parametrize(
    ("state", "citation"),
    [("FL", FLORIDA), ("OK", OKLAHOMA), ("MD", MARYLAND), ("MS", MISSISSIPPI)],
)
def test_state_citation(state, citation):
    assert STATE_RULES[state].citation == citation


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_allows_8_pm_exactly(state):
    assert may_call(lead(state=state, local_time=at(20)), Call()).allowed


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_blocks_one_second_after_8_pm(state):
    citation = STATE_RULES[state].citation
    assert blocked_by(lead(state=state, local_time=at(20, 0, 1))) == {citation}


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_blocks_before_8_am(state):
    assert STATE_RULES[state].citation in blocked_by(lead(state=state, local_time=at(7, 59)))


@pytest.mark.parametrize("state", ["FL", "OK", "MD", "MS"])
def test_state_allows_8_am_exactly(state):
    assert may_call(lead(state=state, local_time=at(8)), Call()).allowed


def test_florida_8_to_8_is_stricter_than_federal_9_pm():
    assert blocked_by(lead(state="FL", local_time=at(20, 30))) == {FLORIDA}


def test_florida_hours_have_no_ebr_exception():
    the_lead = lead(state="FL", local_time=at(20, 30), last_purchase=date(2025, 5, 1))
    assert FLORIDA in blocked_by(the_lead)


def test_florida_hours_bind_broker_dealers():
    assert blocked_by(lead(state="FL", local_time=at(20, 30)), broker()) == {FLORIDA}


def test_florida_hours_cover_business_numbers():
    assert FLORIDA in blocked_by(lead(state="FL", local_time=at(20, 30), residential=False))


def test_florida_allows_a_third_call():
    assert may_call(lead(state="FL", calls_last_24h=2), Call()).allowed


def test_florida_blocks_a_fourth_call_in_24_hours():
    assert blocked_by(lead(state="FL", calls_last_24h=3)) == {FLORIDA}


def test_florida_call_limit_binds_broker_dealers():
    assert blocked_by(lead(state="FL", calls_last_24h=5), broker()) == {FLORIDA}


@pytest.mark.parametrize("state", ["OK", "MD"])
def test_three_call_limit(state):
    assert blocked_by(lead(state=state, calls_last_24h=3)) == {STATE_RULES[state].citation}


@pytest.mark.parametrize("state", ["OK", "MD"])
def test_third_call_allowed(state):
    assert may_call(lead(state=state, calls_last_24h=2), Call()).allowed


def test_mississippi_has_no_call_limit():
    assert may_call(lead(state="MS", calls_last_24h=5), Call()).allowed


def test_mississippi_blocks_sunday_calls():
    assert blocked_by(lead(state="MS", local_time=at(12, day=SUNDAY))) == {MISSISSIPPI}


def test_mississippi_allows_saturday_calls():
    assert may_call(lead(state="MS", local_time=at(12, day=SATURDAY)), Call()).allowed


def test_mississippi_sunday_ban_uses_the_called_party_date():
    caller_clock = at(22, 30, day=SATURDAY, tz=LOS_ANGELES)
    called_clock = caller_clock.astimezone(ZoneInfo("America/Chicago"))  # Sunday 00:30
    findings = may_call(lead(state="MS", local_time=called_clock), Call()).blocking
    assert "state-sunday" in {f.rule for f in findings}


def test_mississippi_sunday_evening_lists_both_state_findings():
    decision = may_call(lead(state="MS", local_time=at(20, 30, day=SUNDAY)), Call())
    assert {f.rule for f in decision.blocking} == {"state-calling-hours", "state-sunday"}


def test_other_states_allow_sunday_calls():
    assert may_call(lead(state="FL", local_time=at(12, day=SUNDAY)), Call()).allowed


def test_state_without_a_rule_has_no_call_limit():
    assert may_call(lead(state="NY", calls_last_24h=10), Call()).allowed


def test_state_without_a_rule_allows_8_to_9():
    assert may_call(lead(state="TX", local_time=at(20, 30)), Call()).allowed


def test_state_code_is_case_insensitive():
    assert blocked_by(lead(state="fl", calls_last_24h=3)) == {FLORIDA}


def test_florida_finding_message_names_the_hours():
    decision = may_call(lead(state="FL", local_time=at(20, 30)), Call())
    assert "8 a.m. to 8 p.m." in decision.blocking[0].message


# reminders


def test_identification_reminder_on_every_live_call():
    assert FCC_IDENTIFICATION in reminders(lead())


def test_tsr_disclosure_reminder_for_other_callers():
    assert reminders(lead()) == {FCC_IDENTIFICATION, TSR_DISCLOSURES}


def test_finra_disclosure_reminder_for_broker_dealers():
    assert reminders(lead(), broker()) == {FCC_IDENTIFICATION, FINRA_DISCLOSURES}


def test_prerecorded_message_identification_reminder():
    the_call = Call(method="prerecorded", prior_express_written_consent=True)
    assert reminders(lead(), the_call) == {TCPA_PRERECORDED_ID, TSR_DISCLOSURES}


def test_autodialed_call_keeps_the_live_identification_reminder():
    assert FCC_IDENTIFICATION in reminders(lead(), Call(method="autodialed"))


def test_reminders_never_block():
    decision = may_call(lead(), broker())
    assert decision.allowed and len(decision.findings) == 2


def test_reminders_come_with_blocked_calls_too():
    assert reminders(asked_not_to_call()) == {FCC_IDENTIFICATION, TSR_DISCLOSURES}


# properties

ZONES = [NEW_YORK, LOS_ANGELES, ZoneInfo("America/Chicago"), ZoneInfo("Pacific/Honolulu")]
DATES = st.none() | st.dates(date(2022, 1, 1), date(2026, 12, 31))

leads = st.builds(
    Lead,
    local_time=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.sampled_from(ZONES),
    ),
    state=st.sampled_from(["FL", "OK", "MD", "MS", "NY", "CA", "TX"]),
    residential=st.booleans(),
    on_national_registry=st.booleans(),
    firm_dnc_request=st.booleans(),
    last_purchase=DATES,
    last_inquiry=DATES,
    written_permission=st.booleans(),
    personal_relationship=st.booleans(),
    is_broker_dealer=st.booleans(),
    calls_last_24h=st.integers(0, 6),
)
calls = st.builds(
    Call,
    caller_is_broker_dealer=st.booleans(),
    method=st.sampled_from(["live", "autodialed", "prerecorded"]),
    to_cell=st.booleans(),
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
def test_every_blocking_finding_is_cited(the_lead, the_call):
    assert all(f.citation and f.rule for f in may_call(the_lead, the_call).blocking)


@given(leads, calls)
def test_each_caller_gets_only_its_own_regime(the_lead, the_call):
    citations = {f.citation for f in may_call(the_lead, the_call).findings}
    foreign = "16 CFR" if the_call.caller_is_broker_dealer else "FINRA"
    assert not any(c.startswith(foreign) for c in citations)


@given(leads, calls)
def test_two_identification_reminders_always(the_lead, the_call):
    decision = may_call(the_lead, the_call)
    assert len([f for f in decision.findings if not f.blocks]) == 2
