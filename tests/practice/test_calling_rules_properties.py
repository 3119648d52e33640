"""Properties of the calling-rules engine over random leads and calls.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from courses.practice.calling_rules import LINES, METHODS, RULE_IDS, Call, Lead, may_call
from tests.practice.support import (
    CATALOGUE,
    CHICAGO,
    FCC_ABANDONED,
    FCC_IDENTIFICATION,
    FCC_REGISTRY,
    FINRA_DISCLOSURES,
    FINRA_REGISTRY,
    LOS_ANGELES,
    NEW_YORK,
    TCPA_PRERECORDED_ID,
    TSR_DISCLOSURES,
    TSR_REGISTRY,
    WEDNESDAY,
)

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
