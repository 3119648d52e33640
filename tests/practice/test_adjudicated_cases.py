"""The call check against the adjudicated cases (tests/practice/adjudicated.py): the question as
the page's query parameters, read by the page's form, answered by the engine. No database."""

import pytest

from courses.practice.calling_rules import RULE_IDS, may_call, next_call_time
from courses.practice.forms import CallCheckForm
from tests.practice.adjudicated import CASES


def decide(query):
    form = CallCheckForm(query)
    assert form.is_valid(), form.errors
    lead, call = form.lead_and_call()
    return may_call(lead, call), next_call_time(lead, call)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_engine_agrees_with_the_adjudicated_case(case):
    decision, next_call = decide(case.query)
    blocking = {finding.rule for finding in decision.blocking}
    reminders = {finding.rule for finding in decision.findings if not finding.blocks}
    assert decision.verdict == case.verdict, case.fact
    if case.blocks is not None:
        assert blocking == case.blocks, case.fact
    assert case.includes <= blocking, case.fact
    assert case.reminds <= reminders, case.fact
    if case.verdict == "wait":
        assert next_call.strftime("%Y-%m-%dT%H:%M") == case.next, case.fact


def test_there_are_at_least_sixty_cases_each_resting_on_a_fact():
    assert len(CASES) >= 60
    assert all(case.fact for case in CASES)
    assert len({case.name for case in CASES}) == len(CASES)


def test_every_wait_says_when_and_nothing_else_does():
    for case in CASES:
        assert (case.next is not None) == (case.verdict == "wait"), case.name


def test_the_cases_cover_every_rule_the_engine_implements():
    covered = set().union(*(c.blocks or set() for c in CASES), *(c.includes for c in CASES))
    covered |= set().union(*(c.reminds for c in CASES))
    assert covered == RULE_IDS, sorted(RULE_IDS - covered)


def test_every_verdict_is_adjudicated():
    assert {case.verdict for case in CASES} == {"call", "wait", "do-not-call"}
