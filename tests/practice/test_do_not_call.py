"""The National Do-Not-Call Registry and firm-specific do-not-call requests.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import date

from courses.practice.calling_rules import Call, may_call
from tests.practice.support import (
    FCC_COMPANY_DNC,
    FCC_HOURS,
    FCC_REGISTRY,
    FINRA_FIRM_DNC,
    FINRA_REGISTRY,
    TSR_COMPANY_DNC,
    TSR_REGISTRY,
    WEDNESDAY,
    asked_not_to_call,
    at,
    blocked_by,
    broker,
    registered,
)

# National Do-Not-Call Registry


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
