"""The calling-rules engine's decision: every rule id it emits is in the catalogue, what a
decision holds and refuses, and the reminders that come with every call.

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

import itertools
from datetime import datetime

import pytest

from courses.practice.calling_rules import (
    LINES,
    METHODS,
    RULE_IDS,
    STATE_RULES,
    Call,
    Decision,
    Finding,
    Lead,
    may_call,
)
from tests.practice.support import (
    CATALOGUE,
    FCC_ABANDONED,
    FCC_IDENTIFICATION,
    FINRA_DISCLOSURES,
    SUNDAY,
    TCPA_PRERECORDED_ID,
    TSR_DISCLOSURES,
    asked_not_to_call,
    at,
    broker,
    lead,
    reminders,
)

# the rules catalogue


def test_every_rule_id_the_engine_can_emit_is_in_the_catalogue():
    missing = RULE_IDS - set(CATALOGUE)
    assert not missing, sorted(missing)


def all_branches():
    """Leads and calls that between them reach every branch of the engine."""
    times = [at(12), at(20, 30), at(22), at(7), at(12, day=SUNDAY)]
    states = ("FL", "OK", "MD", "MS", "NY", "IN", "TX")
    flags = (False, True)
    grid = itertools.product(LINES, METHODS, flags, states, times, flags, flags, (0, 3), flags)
    for line, method, is_broker, state, moment, registry, dnc, count, state_list in grid:
        the_lead = Lead(
            local_time=moment,
            state=state,
            line=line,
            on_national_registry=registry,
            firm_dnc_request=dnc,
            calls_last_24h=count,
            on_state_list=state_list,
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
