"""A script as a graph: problems of its paths, and the best score it allows."""

from typing import Any

import pytest

from courses.roleplays.engine import (
    DNC_RECORD_MAX,
    Script,
    best,
    parse_script,
)
from tests.roleplays.scripts import (
    assert_problem,
    looping_data,
    problems_of,
    script_data,
)


@pytest.fixture
def script() -> Script:
    return parse_script(script_data())


# --- Graph problems -----------------------------------------------------------------------------


def test_next_naming_a_missing_node():
    data = script_data()
    data["nodes"]["pitch"]["replies"][1]["next"] = "clsoe"
    problems = problems_of(data)
    assert "node 'pitch': replies.1.next: leads to a missing node 'clsoe'" in map(str, problems)


def test_unreachable_node():
    data = script_data()
    data["nodes"]["orphan"] = {"prospect": "Hello?", "replies": [{"text": "Hi", "next": "booked"}]}
    assert [str(p) for p in problems_of(data)] == [
        "node 'orphan': no path from the start node 'opening' reaches this node"
    ]


def test_loop_without_an_exit():
    data = script_data()
    data["nodes"]["pitch"]["replies"] = [{"id": "again", "text": "But...", "next": "pitch"}]
    lines = [str(p) for p in problems_of(data)]
    assert (
        "node 'pitch': no path from this node reaches an end: a loop without an exit, or a dead end"
        in lines
    )
    # the opening can still end, through the violation
    assert not any(line.startswith("node 'opening'") for line in lines)


def test_dead_end_behind_a_node():
    data = script_data()
    data["nodes"]["pitch"]["replies"] = [{"id": "on", "text": "Go on.", "next": "limbo"}]
    data["nodes"]["limbo"] = {"prospect": "..."}
    lines = [str(p) for p in problems_of(data)]
    assert "node 'limbo': replies: a node without replies must be an end (end: true)" in lines
    assert any(
        line.startswith("node 'pitch': no path from this node reaches an end") for line in lines
    )


def test_end_node_needs_an_outcome():
    data = script_data()
    del data["nodes"]["booked"]["outcome"]
    assert_problem(data, "booked", "outcome", "an end node needs an outcome")


def test_end_node_cannot_have_replies():
    data = script_data()
    data["nodes"]["booked"]["replies"] = [{"text": "One more thing", "next": "pitch"}]
    assert_problem(data, "booked", "replies", "an end node cannot have replies")


@pytest.mark.parametrize(
    "node",
    [{"prospect": "Hm."}, {"prospect": "Hm.", "replies": []}, {"prospect": "Hm.", "end": False}],
)
def test_node_without_replies_must_be_an_end(node):
    data = script_data()
    data["nodes"]["pitch"]["replies"].append({"text": "Wait", "next": "stuck"})
    data["nodes"]["stuck"] = node
    assert_problem(data, "stuck", "replies", "must be an end")


def test_outcome_only_on_an_end_node():
    data = script_data()
    data["nodes"]["pitch"]["outcome"] = "polite_exit"
    assert_problem(data, "pitch", "outcome", "only an end node")


def test_violation_needs_a_rule():
    data = script_data()
    del data["nodes"]["opening"]["replies"][2]["citation"]
    del data["nodes"]["opening"]["replies"][2]["rules"]
    assert_problem(data, "opening", "replies.2.rules", "a violation must name the rule it breaks")


def test_a_violation_naming_its_rules_needs_no_citation_text():
    data = script_data()
    del data["nodes"]["opening"]["replies"][2]["citation"]
    assert parse_script(data).reply("late").rules == ("fcc-calling-hours",)


def test_a_script_stored_before_rule_ids_still_reads():
    """Runs keep a copy of the script they were played on; older copies carry only the
    citation text of a violation, and their transcripts must still replay."""
    data = script_data()
    del data["nodes"]["opening"]["replies"][2]["rules"]
    late = parse_script(data).reply("late")
    assert (late.rules, late.citation) == ((), "47 CFR 64.1200(c)(1)")


@pytest.mark.parametrize("value", ["fcc-calling-hours", [""], [3], {"a": 1}])
def test_rules_are_a_list_of_ids(value):
    data = script_data()
    data["nodes"]["opening"]["replies"][0]["rules"] = value
    assert_problem(data, "opening", "replies.0.rules", "must be a list of rule ids")


def test_duplicate_reply_ids():
    data = script_data()
    data["nodes"]["pitch"]["replies"][1]["id"] = "intro"
    assert_problem(
        data, "pitch", "replies.1.id", "duplicate reply id 'intro', also used in node 'opening'"
    )


def test_explicit_id_may_not_take_a_default_id():
    data = script_data()
    del data["nodes"]["pitch"]["replies"][0]["id"]  # becomes pitch.1
    data["nodes"]["opening"]["replies"][0]["id"] = "pitch.1"
    assert_problem(data, "pitch", "replies.0.id", "duplicate reply id 'pitch.1'")


def test_start_names_a_missing_node():
    assert_problem(script_data(start="openin"), None, "start", "names a missing node 'openin'")


def test_no_call_can_be_passed_without_a_violation():
    data = script_data()
    for reply in data["nodes"]["pitch"]["replies"]:
        reply.update(violation=True, rules=["fcc-calling-hours"])
    assert_problem(data, None, "start", "no one could pass")


def test_failed_violation_end_reachable_without_a_violation():
    data = script_data()
    data["nodes"]["pitch"]["replies"][0]["next"] = "failed"
    assert_problem(data, "failed", "outcome", "a call without any violation can end here")


def test_best_total_must_be_positive():
    data = script_data()
    for node in data["nodes"].values():
        for reply in node.get("replies", []):
            reply["scores"] = {"rapport": -1}
    data["nodes"]["removed"]["outcome"] = "polite_exit"  # no do-not-call bonus either
    assert_problem(data, None, "nodes", "best achievable total is -2")


def test_script_too_complex_to_score(monkeypatch):
    # a hub with many loops: the used replies make many states
    replies = [
        {"id": f"q{i}", "text": "Ask", "next": "hub", "scores": {"discovery": 1}} for i in range(12)
    ]
    replies.append({"id": "bye", "text": "Bye", "next": "done"})
    data = script_data(
        start="hub",
        nodes={
            "hub": {"prospect": "Yes?", "replies": replies},
            "done": {"prospect": "Bye.", "end": True, "outcome": "polite_exit"},
        },
    )
    assert parse_script(data).best_total == 12
    monkeypatch.setattr(best, "MAX_SCORING_STATES", 100)
    assert_problem(data, None, "nodes", "script too complex to score")


# --- Best achievable ----------------------------------------------------------------------------


def test_best_per_dimension_differs_from_best_total(script):
    assert script.best == {
        "rapport": 2,
        "discovery": 3,
        "objections": 0,
        "compliance": 2 + 1 + DNC_RECORD_MAX,
    }
    assert script.best_total == 10
    assert sum(script.best.values()) == 13


def test_best_ignores_violation_replies(script):
    assert script.best["objections"] == 0  # only the violation scores objections


def test_best_counts_a_looped_reply_once():
    script = parse_script(looping_data())
    # q1, back, q2, back (once), close: the loop reply earns its point once
    assert script.best == {"rapport": 1, "discovery": 5, "objections": 1, "compliance": 0}
    assert script.best_total == 7


def test_best_is_reached_through_a_long_chain():
    # deeper than Python's recursion limit, which the search must not depend on
    count = 1500
    nodes: dict[str, Any] = {
        f"n{i}": {
            "prospect": "Go on.",
            "replies": [
                {
                    "text": "More",
                    "next": f"n{i + 1}" if i + 1 < count else "done",
                    "scores": {"rapport": 1},
                }
            ],
        }
        for i in range(count)
    }
    nodes["done"] = {"prospect": "Bye.", "end": True, "outcome": "polite_exit"}
    assert parse_script(script_data(start="n0", nodes=nodes)).best_total == count
