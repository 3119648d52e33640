"""The roleplay engine: reading scripts, running calls through them and scoring the calls.

Plain functions, no database. The property tests at the end build random scripts and check the
engine against a brute-force search.
"""

import copy
import json
import pickle
import textwrap
from collections import Counter, deque
from fractions import Fraction
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.roleplays import engine
from courses.roleplays.engine import (
    DIMENSIONS,
    DNC_RECORD_MAX,
    DNC_RULES,
    OUTCOMES,
    CallState,
    DncRecord,
    ReplyNotOffered,
    Script,
    ScriptInvalid,
    ScriptProblem,
    advance,
    is_over,
    offered_replies,
    parse_script,
    replay,
    score_dnc_record,
    score_path,
    start_call,
)

FULL_RECORD = DncRecord("firm", frozenset({"number", "name", "date"}))


def persona(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Dana Whitfield",
        "role": "Owner of a two-chair dental practice",
        "location": "Tampa, Florida",
        "local_time": "Tuesday, 10:15 a.m. Eastern",
        "lead_source": "State dental board's public directory",
        "known": {"Income": "About $250,000 a year", "ZIP code": "33606"},
        "relationship": "None - this is the first call",
        "consent": "None",
        "national_dnc": False,
        "firm_dnc": False,
        **changes,
    }


def script_data(**changes: Any) -> dict[str, Any]:
    """A small valid script.

    Lawful calls: intro|sneaky, then ask (booked) or remove (DNC honoured, +5 for the record).
    Best rapport 2 and discovery 3 come from intro+ask; best compliance 8 and the best total 10
    come from intro+remove, so the best total (10) is not the sum of the maxima (13).
    """
    data = {
        "title": "Not interested",
        "summary": "A flat no at the first sentence.",
        "pass_mark": 70,
        "persona": persona(),
        "briefing": "Goal: earn a 15-minute meeting.",
        "start": "opening",
        "nodes": {
            "opening": {
                "prospect": "Whitfield Dental, this is Dana.",
                "replies": [
                    {
                        "id": "intro",
                        "text": "Hi Dana, this is Sam Ortiz from Harbor Financial.",
                        "next": "pitch",
                        "scores": {"rapport": 2, "compliance": 2},
                        "feedback": "Name, firm and purpose up front.",
                        "rules": ["tsr-disclosures"],
                        "citation": "16 CFR 310.4(d)",
                    },
                    {
                        "id": "sneaky",
                        "text": "Hi Dana! Happy with your returns?",
                        "next": "pitch",
                        "scores": {"rapport": 1, "compliance": -2},
                    },
                    {
                        "id": "late",
                        "text": "This will only take a minute.",
                        "next": "failed",
                        "scores": {"rapport": 9, "objections": 9},
                        "violation": True,
                        "rules": ["fcc-calling-hours"],
                        "citation": "47 CFR 64.1200(c)(1)",
                        "feedback": "Calling hours.",
                    },
                ],
            },
            "pitch": {
                "prospect": "Not interested.",
                "replies": [
                    {
                        "id": "ask",
                        "text": "Fair. May I ask one question?",
                        "next": "booked",
                        "scores": {"discovery": 3},
                    },
                    {
                        "id": "remove",
                        "text": "I'll take you off our list.",
                        "next": "removed",
                        "scores": {"compliance": 1},
                    },
                ],
            },
            "booked": {"prospect": "Thursday at two.", "end": True, "outcome": "meeting_booked"},
            "removed": {"prospect": "Thanks.", "end": True, "outcome": "dnc_honoured"},
            "failed": {"prospect": "Click.", "end": True, "outcome": "failed_violation"},
        },
    }
    data.update(changes)
    return data


def looping_data() -> dict[str, Any]:
    """A hub the rep may return to: each question is worth points once, however often asked."""
    return script_data(
        pass_mark=50,
        start="hub",
        nodes={
            "hub": {
                "prospect": "What else?",
                "replies": [
                    {
                        "id": "q1",
                        "text": "Ask about goals.",
                        "next": "answer",
                        "scores": {"discovery": 2},
                    },
                    {
                        "id": "q2",
                        "text": "Ask about timing.",
                        "next": "answer",
                        "scores": {"discovery": 3},
                    },
                    {
                        "id": "close",
                        "text": "Suggest a meeting.",
                        "next": "booked",
                        "scores": {"objections": 1},
                    },
                ],
            },
            "answer": {
                "prospect": "Good question.",
                "replies": [
                    {"id": "back", "text": "Thanks.", "next": "hub", "scores": {"rapport": 1}}
                ],
            },
            "booked": {"prospect": "Fine.", "end": True, "outcome": "meeting_booked"},
        },
    )


def problems_of(data: Any) -> list[ScriptProblem]:
    with pytest.raises(ScriptInvalid) as caught:
        parse_script(data)
    return caught.value.problems


def assert_problem(data: Any, node: str | None, field: str, fragment: str) -> None:
    problems = problems_of(data)
    matching = [p for p in problems if p.node == node and p.field == field]
    assert matching, f"no problem at {node!r} {field!r} in {[str(p) for p in problems]}"
    assert any(fragment in p.message for p in matching), [str(p) for p in matching]


@pytest.fixture
def script() -> Script:
    return parse_script(script_data())


# --- Parsing ------------------------------------------------------------------------------------


def test_parse_reads_every_field(script):
    assert script.title == "Not interested"
    assert script.summary == "A flat no at the first sentence."
    assert script.pass_mark == 70
    assert script.persona["known"]["ZIP code"] == "33606"
    assert script.persona["national_dnc"] is False
    assert script.start == "opening"
    assert list(script.nodes) == ["opening", "pitch", "booked", "removed", "failed"]
    assert script.nodes["booked"].end is True
    assert script.nodes["booked"].outcome == "meeting_booked"
    assert script.nodes["opening"].outcome is None
    late = script.reply("late")
    assert late.violation is True
    assert late.citation == "47 CFR 64.1200(c)(1)"


def test_scores_cover_every_dimension(script):
    assert script.reply("ask").scores == {
        "rapport": 0,
        "discovery": 3,
        "objections": 0,
        "compliance": 0,
    }


def test_optional_fields_default_to_empty():
    data = script_data()
    del data["summary"], data["briefing"]
    script = parse_script(data)
    assert script.summary == script.briefing == ""
    assert script.reply("ask").feedback == ""
    assert script.reply("ask").citation == ""
    assert script.reply("ask").violation is False


def test_reply_ids_default_to_node_and_one_based_position():
    data = script_data()
    for reply in data["nodes"]["pitch"]["replies"]:
        del reply["id"]
    script = parse_script(data)
    assert [reply.id for reply in script.nodes["pitch"].replies] == ["pitch.1", "pitch.2"]


def test_text_is_stripped():
    script = parse_script(script_data(title="  Not interested \n", briefing="Goal.\n"))
    assert script.title == "Not interested"
    assert script.briefing == "Goal."


def test_unknown_reply_id_is_a_key_error(script):
    with pytest.raises(KeyError):
        script.reply("nope")


def test_to_data_round_trips(script):
    assert parse_script(script.to_data()) == script


def test_to_data_round_trips_default_ids_and_zero_scores():
    data = looping_data()
    del data["nodes"]["hub"]["replies"][0]["id"]
    data["nodes"]["hub"]["replies"][1]["scores"] = {"discovery": 3, "rapport": 0}
    script = parse_script(data)
    again = script.to_data()
    assert "id" not in again["nodes"]["hub"]["replies"][0]
    assert parse_script(again) == script


def test_to_data_is_plain_json(script):
    data = script.to_data()
    assert json.loads(json.dumps(data)) == data
    assert type(data["persona"]["known"]) is dict


def test_script_cannot_be_changed(script):
    with pytest.raises(TypeError):
        script.best["rapport"] = 99  # type: ignore[index]
    with pytest.raises(TypeError):
        script.persona["known"]["ZIP code"] = "1"
    with pytest.raises(TypeError):
        script.reply("ask").scores.update(discovery=1)  # type: ignore[attr-defined]


def test_script_is_hashable_and_survives_pickle_and_copy(script):
    assert hash(script) == hash(parse_script(script_data()))
    assert pickle.loads(pickle.dumps(script)) == script
    assert copy.deepcopy(script) == script
    assert json.dumps(script.best)


# --- Shape problems -----------------------------------------------------------------------------


def test_problem_reads_as_node_field_message():
    problem = ScriptProblem("pitch", "replies.2.next", "leads to a missing node 'clsoe'")
    assert str(problem) == "node 'pitch': replies.2.next: leads to a missing node 'clsoe'"
    assert str(ScriptProblem(None, "start", "required")) == "start: required"
    assert str(ScriptProblem("pitch", "", "unreachable")) == "node 'pitch': unreachable"


def test_script_invalid_message_lists_every_problem():
    with pytest.raises(ScriptInvalid) as caught:
        parse_script(script_data(title="", pass_mark=101))
    assert str(caught.value).splitlines() == [
        "title: must not be empty",
        "pass_mark: must be from 0 to 100, got 101",
    ]


@pytest.mark.parametrize("data", [None, [], "title: x", 3])
def test_script_must_be_a_mapping(data):
    assert_problem(data, None, "", "must be a mapping")


@pytest.mark.parametrize("field", ["title", "pass_mark", "persona", "start", "nodes"])
def test_required_script_fields(field):
    data = script_data()
    del data[field]
    assert_problem(data, None, field, "required")


def test_unknown_script_field():
    assert_problem(script_data(author="me"), None, "author", "unknown field")


@pytest.mark.parametrize("value", [-1, 101, 1000])
def test_pass_mark_out_of_range(value):
    assert_problem(script_data(pass_mark=value), None, "pass_mark", "from 0 to 100")


@pytest.mark.parametrize("value", ["70", 70.0, True, None])
def test_pass_mark_must_be_a_whole_number(value):
    assert_problem(script_data(pass_mark=value), None, "pass_mark", "whole number")


@pytest.mark.parametrize("value", [0, 100])
def test_pass_mark_bounds_are_allowed(value):
    assert parse_script(script_data(pass_mark=value)).pass_mark == value


@pytest.mark.parametrize("field", list(persona()))
def test_persona_fields_are_required(field):
    data = script_data(persona={k: v for k, v in persona().items() if k != field})
    assert_problem(data, None, f"persona.{field}", "required")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("name", 7, "must be text"),
        ("role", "", "must not be empty"),
        ("national_dnc", "no", "true or false"),
        ("firm_dnc", 0, "true or false"),
        ("known", ["Income"], "mapping"),
    ],
)
def test_persona_field_types(field, value, fragment):
    assert_problem(
        script_data(persona=persona(**{field: value})), None, f"persona.{field}", fragment
    )


def test_persona_known_values_must_be_text():
    data = script_data(persona=persona(known={"ZIP code": 33606}))
    assert_problem(data, None, "persona.known.ZIP code", "quote numbers")


def test_unknown_persona_field():
    assert_problem(script_data(persona=persona(age=52)), None, "persona.age", "unknown field")


def test_persona_must_be_a_mapping():
    assert_problem(script_data(persona="Dana"), None, "persona", "mapping")


def test_unknown_node_field():
    data = script_data()
    data["nodes"]["pitch"]["mood"] = "grumpy"
    assert_problem(data, "pitch", "mood", "unknown field")


def test_unknown_reply_field():
    data = script_data()
    data["nodes"]["pitch"]["replies"][1]["tone"] = "warm"
    assert_problem(data, "pitch", "replies.1.tone", "unknown field")


@pytest.mark.parametrize("field", ["text", "next"])
def test_reply_text_and_next_are_required(field):
    data = script_data()
    del data["nodes"]["pitch"]["replies"][0][field]
    assert_problem(data, "pitch", f"replies.0.{field}", "required")


def test_prospect_line_is_required():
    data = script_data()
    del data["nodes"]["pitch"]["prospect"]
    assert_problem(data, "pitch", "prospect", "required")


def test_unknown_score_dimension():
    data = script_data()
    data["nodes"]["pitch"]["replies"][0]["scores"] = {"charm": 2}
    assert_problem(data, "pitch", "replies.0.scores.charm", "unknown dimension")


@pytest.mark.parametrize("points", ["2", 1.5, True])
def test_score_points_must_be_whole_numbers(points):
    data = script_data()
    data["nodes"]["pitch"]["replies"][0]["scores"] = {"discovery": points}
    assert_problem(data, "pitch", "replies.0.scores.discovery", "whole number")


def test_unknown_outcome():
    data = script_data()
    data["nodes"]["booked"]["outcome"] = "sale"
    assert_problem(data, "booked", "outcome", "unknown outcome 'sale'")


def test_yaml_booleans_get_a_hint():
    data = script_data()
    data["nodes"]["pitch"]["replies"][0]["next"] = False  # `next: no` in YAML
    assert_problem(data, "pitch", "replies.0.next", "put words like yes, no")


def test_node_ids_must_be_text():
    data = script_data()
    data["nodes"][True] = {"prospect": "Yes?", "end": True, "outcome": "polite_exit"}
    assert_problem(data, None, "nodes.True", "node ids must be text")


def test_node_must_be_a_mapping():
    data = script_data()
    data["nodes"]["booked"] = "Thursday at two."
    problems = problems_of(data)
    assert [str(p) for p in problems] == [
        "node 'booked': a node must be a mapping of fields, got str 'Thursday at two.'"
    ]


def test_every_problem_is_collected():
    data = script_data(title=5, pass_mark=200)
    data["nodes"]["pitch"]["replies"][0]["next"] = "clsoe"
    data["nodes"]["booked"]["outcome"] = "sale"
    assert {(p.node, p.field) for p in problems_of(data)} == {
        (None, "title"),
        (None, "pass_mark"),
        ("booked", "outcome"),
        ("pitch", "replies.0.next"),
        ("booked", ""),  # only the dangling reply led there
    }


def test_a_broken_reply_keeps_the_others_positions():
    data = script_data()
    data["nodes"]["pitch"]["replies"].insert(0, "Go on.")
    data["nodes"]["pitch"]["replies"][2]["next"] = "clsoe"
    assert [str(p) for p in problems_of(data)] == [
        "node 'pitch': replies.0: a reply must be a mapping of fields, got str 'Go on.'",
        "node 'pitch': replies.2.next: leads to a missing node 'clsoe'",
        "node 'removed': no path from the start node 'opening' reaches this node",
    ]


def test_outcome_must_be_a_known_word():
    data = script_data()
    data["nodes"]["booked"]["outcome"] = ["meeting_booked"]
    assert_problem(data, "booked", "outcome", "unknown outcome")


@pytest.mark.parametrize(("nodes", "fragment"), [({}, "at least one node"), ([], "mapping")])
def test_nodes_must_be_a_non_empty_mapping(nodes, fragment):
    assert_problem(script_data(nodes=nodes), None, "nodes", fragment)


def test_authored_yaml_parses():
    data = yaml.safe_load(
        textwrap.dedent("""\
            title: "Not interested"
            pass_mark: 70
            persona:
              name: Dana Whitfield
              role: Owner of a two-chair dental practice
              location: Tampa, Florida
              local_time: Tuesday, 10:15 a.m. Eastern
              lead_source: Built list from the state dental board's public directory
              known:
                ZIP code: "33606"
              relationship: None - this is the first call
              consent: None
              national_dnc: false
              firm_dnc: false
            briefing: |
              Goal: earn a 15-minute meeting.
            start: opening
            nodes:
              opening:
                prospect: "Whitfield Dental, this is Dana."
                replies:
                  - text: "Hi Dana, this is Sam Ortiz calling from Harbor Financial..."
                    next: booked
                    scores: {rapport: 2, compliance: 2}
                    citation: 16 CFR 310.4(d)
              booked:
                prospect: "Thursday at two works."
                end: true
                outcome: meeting_booked
        """)
    )
    script = parse_script(data)
    assert script.persona["consent"] == "None"
    assert script.briefing == "Goal: earn a 15-minute meeting."
    assert script.reply("opening.1").next == "booked"
    assert script.best_total == 4


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
    monkeypatch.setattr(engine, "MAX_SCORING_STATES", 100)
    assert_problem(data, None, "nodes", "script too complex to score")


# --- Running a call -----------------------------------------------------------------------------


def test_start_call(script):
    assert start_call(script) == CallState("opening", ())
    assert not is_over(script, start_call(script))


def test_offered_replies_are_the_node_replies(script):
    offered = offered_replies(script, start_call(script))
    assert [reply.id for reply in offered] == ["intro", "sneaky", "late"]


def test_a_seed_shuffles_the_replies_and_keeps_them_so(script):
    start = start_call(script)
    first = [reply.id for reply in offered_replies(script, start, seed=7)]
    assert sorted(first) == ["intro", "late", "sneaky"]
    assert [reply.id for reply in offered_replies(script, start, seed=7)] == first  # a reload


def test_the_position_of_a_reply_tells_nothing_about_it(script):
    """Across runs every reply is offered first about as often as the others."""
    start = start_call(script)
    firsts = Counter(offered_replies(script, start, seed=seed)[0].id for seed in range(600))
    assert set(firsts) == {"intro", "sneaky", "late"}
    assert all(150 <= count <= 250 for count in firsts.values()), firsts


def test_the_order_depends_on_the_node_as_well_as_the_seed():
    orders = {tuple(engine.shuffled_for(3, node, range(6))) for node in ("a", "b", "c", "d")}
    assert len(orders) > 1


def test_the_order_is_the_same_in_every_process():
    # Seeded from text, never from Python's per-process hash of it.
    assert engine.shuffled_for(12345, "opening", "abcdef") == ["a", "b", "d", "c", "e", "f"]


def test_advance_follows_the_reply(script):
    state = advance(script, start_call(script), "intro")
    assert state == CallState("pitch", ("intro",))
    state = advance(script, state, "ask")
    assert state == CallState("booked", ("intro", "ask"))
    assert is_over(script, state)
    assert offered_replies(script, state) == ()


def test_advance_refuses_a_reply_offered_elsewhere(script):
    with pytest.raises(ReplyNotOffered, match="'ask' is not offered at node 'opening'"):
        advance(script, start_call(script), "ask")


@pytest.mark.parametrize("reply_id", ["nope", "", None, ["intro"]])
def test_advance_refuses_unknown_replies(script, reply_id):
    with pytest.raises(ReplyNotOffered, match="unknown reply"):
        advance(script, start_call(script), reply_id)


def test_advance_refuses_after_the_end(script):
    over = replay(script, ["intro", "ask"])
    with pytest.raises(ReplyNotOffered, match="already over"):
        advance(script, over, "ask")


def test_advance_goes_on_after_a_violation(script):
    state = advance(script, start_call(script), "late")
    assert state.node == "failed"


def test_replay_rebuilds_the_state(script):
    assert replay(script, ["sneaky", "remove"]) == CallState("removed", ("sneaky", "remove"))
    assert replay(script, []) == start_call(script)


def test_replay_refuses_an_invalid_step(script):
    with pytest.raises(ReplyNotOffered):
        replay(script, ["intro", "intro"])


def test_replay_refuses_a_bare_string(script):
    with pytest.raises(TypeError):
        replay(script, "intro")  # type: ignore[arg-type]


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


# --- Scoring a call -----------------------------------------------------------------------------


def test_score_a_clean_call(script):
    result = score_path(script, ["intro", "ask"])
    assert result.scores == {"rapport": 2, "discovery": 3, "objections": 0, "compliance": 2}
    assert result.total == 7
    assert result.best == script.best
    assert result.best_total == 10
    assert result.percent == 70
    assert result.violations == ()
    assert result.end_outcome == result.outcome == "meeting_booked"
    assert result.needs_dnc_record is False
    assert result.dnc is None
    assert result.passed is True


def test_a_looped_reply_counts_once():
    script = parse_script(looping_data())
    result = score_path(script, ["q1", "back", "q1", "back", "q1", "back", "close"])
    assert result.scores == {"rapport": 1, "discovery": 2, "objections": 1, "compliance": 0}


def test_exactly_the_pass_mark_passes():
    script = parse_script(script_data(pass_mark=70))
    assert score_path(script, ["intro", "ask"]).passed is True


def test_one_below_the_pass_mark_fails():
    script = parse_script(script_data(pass_mark=71))
    result = score_path(script, ["intro", "ask"])
    assert result.percent == 70
    assert result.passed is False
    assert result.outcome == "meeting_booked"


def test_percent_rounds_down():
    data = script_data()
    opening, pitch = data["nodes"]["opening"]["replies"], data["nodes"]["pitch"]["replies"]
    opening[0]["scores"], opening[1]["scores"] = {"rapport": 1}, {}
    pitch[0]["scores"], pitch[1]["scores"] = {"discovery": 2}, {}
    data["nodes"]["removed"]["outcome"] = "polite_exit"
    script = parse_script(data)
    assert script.best_total == 3
    assert score_path(script, ["sneaky", "ask"]).percent == 66  # 66.7


def test_a_violation_fails_whatever_the_score():
    data = script_data(pass_mark=0)
    data["nodes"]["failed"] = {
        "prospect": "You called at 9:30 at night!",
        "replies": [{"id": "sorry", "text": "Sorry.", "next": "pitch"}],
    }
    script = parse_script(data)
    result = score_path(script, ["late", "sorry", "remove"], FULL_RECORD)
    assert result.percent == 100  # 9 + 9 + 1 + 5 points, more than the lawful best
    assert result.violations == (script.reply("late"),)
    assert result.end_outcome == "dnc_honoured"
    assert result.outcome == "failed_violation"
    assert result.passed is False


def test_a_violation_at_the_end(script):
    result = score_path(script, ["late"])
    assert result.end_outcome == "failed_violation"
    assert result.outcome == "failed_violation"
    assert result.passed is False


def test_an_unfinished_call_does_not_pass():
    script = parse_script(script_data(pass_mark=0))
    result = score_path(script, ["intro"])
    assert result.end_outcome is None
    assert result.outcome is None
    assert result.percent == 40
    assert result.passed is False


def test_an_unfinished_call_with_a_violation_has_failed():
    data = script_data()
    data["nodes"]["failed"] = {"prospect": "What?", "replies": [{"text": "Sorry", "next": "pitch"}]}
    result = score_path(parse_script(data), ["late"])
    assert result.end_outcome is None
    assert result.outcome == "failed_violation"


def test_percent_is_never_below_zero():
    data = script_data()
    data["nodes"]["opening"]["replies"][1]["scores"] = {"rapport": -30}
    result = score_path(parse_script(data), ["sneaky", "ask"])
    assert result.total == -27
    assert result.percent == 0


def test_percent_is_never_above_100(script):
    assert score_path(script, ["late"]).percent == 100


def test_score_path_refuses_an_invalid_path(script):
    with pytest.raises(ReplyNotOffered):
        score_path(script, ["ask"])


def test_a_dnc_call_needs_its_record():
    script = parse_script(script_data(pass_mark=0))
    result = score_path(script, ["intro", "remove"])
    assert result.end_outcome == result.outcome == "dnc_honoured"
    assert result.needs_dnc_record is True
    assert result.dnc is None
    assert result.scores["compliance"] == 3
    assert result.passed is False  # on the record alone: the pass mark is 0


def test_the_dnc_record_counts_on_compliance(script):
    result = score_path(script, ["intro", "remove"], FULL_RECORD)
    assert result.needs_dnc_record is False
    assert result.dnc == score_dnc_record(FULL_RECORD)
    assert result.scores["compliance"] == 3 + DNC_RECORD_MAX
    assert result.total == result.best_total == 10
    assert result.percent == 100
    assert result.passed is True


def test_a_poor_dnc_record_can_fail_the_call(script):
    result = score_path(script, ["intro", "remove"], DncRecord("national", frozenset({"number"})))
    assert result.total == 6
    assert result.passed is False


def test_a_dnc_record_for_another_outcome_is_refused(script):
    with pytest.raises(ValueError, match="dnc_honoured"):
        score_path(script, ["intro", "ask"], FULL_RECORD)


# --- The do-not-call record ---------------------------------------------------------------------


def test_a_full_record():
    result = score_dnc_record(FULL_RECORD)
    assert result.points == result.max_points == DNC_RECORD_MAX == 5
    assert result.correct_list is True
    assert result.missing == frozenset()
    assert result.rules == DNC_RULES


def test_the_caller_detail_is_allowed_but_earns_nothing():
    result = score_dnc_record(DncRecord("firm", frozenset({"number", "name", "date", "caller"})))
    assert result.points == 5
    assert any("no points" in line for line in result.feedback)


@pytest.mark.parametrize("listed", ["national", "none"])
def test_the_wrong_list_earns_nothing_for_the_list(listed):
    result = score_dnc_record(DncRecord(listed, frozenset({"number", "name", "date"})))
    assert result.points == 3
    assert result.correct_list is False
    text = " ".join(result.feedback)
    assert "your firm's own do-not-call list" in text
    assert "10 business days" in text
    assert "5 years" in text
    assert "National Do-Not-Call Registry is where consumers register their own numbers" in text


def test_missing_details_are_named():
    result = score_dnc_record(DncRecord("firm", frozenset({"name"})))
    assert result.points == 3
    assert result.missing == {"number", "date"}
    assert "Missing from the record: the telephone number; the date of the request." in (
        result.feedback
    )


def test_an_empty_record():
    result = score_dnc_record(DncRecord("none", frozenset()))
    assert result.points == 0
    assert result.missing == {"number", "name", "date"}


def test_record_details_may_be_given_as_a_list():
    assert DncRecord("firm", ["number", "number"]).details == {"number"}  # type: ignore[arg-type]


def test_unknown_list_is_refused():
    with pytest.raises(ValueError, match="unknown do-not-call list"):
        score_dnc_record(DncRecord("state", frozenset()))


def test_unknown_detail_is_refused():
    with pytest.raises(ValueError, match="unknown do-not-call details"):
        score_dnc_record(DncRecord("firm", frozenset({"number", "email"})))


def test_outcome_labels_cover_every_outcome():
    assert set(OUTCOMES) == {
        "meeting_booked",
        "callback_scheduled",
        "polite_exit",
        "dnc_honoured",
        "failed_violation",
    }


# --- Properties of generated scripts ------------------------------------------------------------

LAWFUL_OUTCOMES = [outcome for outcome in OUTCOMES if outcome != "failed_violation"]
RULE = "fcc-calling-hours"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def generated_scripts(draw: st.DrawFn) -> dict[str, Any]:
    """Random valid scripts: a DAG of prospect lines plus back-edges and violations.

    Every inner node has a lawful reply to a later node or an end, so every loop has an exit and
    a lawful call can always finish; every node has a lawful reply into it from an earlier node,
    so the start reaches everything. The failed end is only reached through violations.
    """
    inner = [f"n{i}" for i in range(draw(st.integers(1, 5)))]
    outcomes = draw(st.lists(st.sampled_from(LAWFUL_OUTCOMES), min_size=1, max_size=3))
    ends = [f"end{i}" for i in range(len(outcomes))]
    replies: dict[str, list[dict[str, Any]]] = {node: [] for node in inner}

    def add(source: str, target: str, violation: bool = False) -> None:
        reply: dict[str, Any] = {"text": f"To {target}", "next": target}
        if draw(st.booleans()):
            reply["id"] = f"r{sum(map(len, replies.values()))}"
        scores = draw(st.dictionaries(st.sampled_from(DIMENSIONS), st.integers(-2, 4), max_size=3))
        if scores:
            reply["scores"] = scores
        if violation:
            reply.update(violation=True, rules=[RULE])
        replies[source].append(reply)

    for index, node in enumerate(inner[1:], start=1):
        add(draw(st.sampled_from(inner[:index])), node)
    for end in ends:
        add(draw(st.sampled_from(inner)), end)
    for index, node in enumerate(inner):
        add(node, draw(st.sampled_from(inner[index + 1 :] + ends)))
    for _ in range(draw(st.integers(0, 4))):
        violation = draw(st.booleans())
        targets = [*inner, *ends, *(["failed"] if violation else [])]
        add(draw(st.sampled_from(inner)), draw(st.sampled_from(targets)), violation)

    # the first reply of any lawful call is from the start, so its bonus outweighs every
    # penalty elsewhere and the best total stays above 0
    penalty = sum(
        -points
        for rs in replies.values()
        for r in rs
        for points in r.get("scores", {}).values()
        if points < 0
    )
    for reply in replies[inner[0]]:
        reply.setdefault("scores", {})
        reply["scores"]["compliance"] = reply["scores"].get("compliance", 0) + penalty + 1

    nodes: dict[str, Any] = {
        node: {"prospect": f"At {node}", "replies": replies[node]} for node in inner
    }
    for end, outcome in zip(ends, outcomes, strict=True):
        nodes[end] = {"prospect": "Goodbye.", "end": True, "outcome": outcome}
    if any(r["next"] == "failed" for rs in replies.values() for r in rs):
        nodes["failed"] = {"prospect": "Click.", "end": True, "outcome": "failed_violation"}
    return script_data(pass_mark=draw(st.integers(0, 100)), start="n0", nodes=nodes)


def brute_force(script: Script) -> dict[str, tuple[int, list[str]]]:
    """Every (node, replies used) state a lawful call can reach, without the engine's shortcuts.

    Returns, per dimension and for "total", the best value and a path that earns it.
    """
    start = (script.start, frozenset[str]())
    came_from: dict[tuple[str, frozenset[str]], tuple[Any, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        node = script.nodes[state[0]]
        for reply in () if node.end else node.replies:
            if not reply.violation:
                after = (reply.next, state[1] | {reply.id})
                if after not in came_from:
                    came_from[after] = (state, reply.id)
                    queue.append(after)

    best: dict[str, tuple[int, list[str]]] = {}
    for state in came_from:
        node = script.nodes[state[0]]
        if not node.end:
            continue
        values = {d: sum(script.reply(r).scores[d] for r in state[1]) for d in DIMENSIONS}
        if node.outcome == "dnc_honoured":
            values["compliance"] += DNC_RECORD_MAX
        values["total"] = sum(values.values())
        for objective, value in values.items():
            if objective not in best or value > best[objective][0]:
                best[objective] = (value, path_to(came_from, state))
    return best


def path_to(came_from: dict[Any, Any], state: Any) -> list[str]:
    path: list[str] = []
    while came_from[state] is not None:
        state, reply_id = came_from[state]
        path.append(reply_id)
    return path[::-1]


def random_walk(script: Script, choices: list[int]) -> CallState:
    state = start_call(script)
    for choice in choices:
        offered = offered_replies(script, state)
        if not offered:
            break
        state = advance(script, state, offered[choice % len(offered)].id)
    return state


def record_for(script: Script, state: CallState) -> DncRecord | None:
    return FULL_RECORD if script.nodes[state.node].outcome == "dnc_honoured" else None


@FAST
@given(generated_scripts())
def test_generated_scripts_parse_and_round_trip(data):
    script = parse_script(data)
    assert script.best_total > 0
    assert parse_script(script.to_data()) == script


@FAST
@given(generated_scripts(), st.lists(st.integers(0, 20), max_size=30))
def test_a_lawful_finished_call_never_beats_the_best(data, choices):
    script = parse_script(data)
    state = random_walk(script, choices)
    result = score_path(script, state.path, record_for(script, state))
    if is_over(script, state) and not result.violations:
        assert result.total <= script.best_total
        for dimension in DIMENSIONS:
            assert result.scores[dimension] <= script.best[dimension]
        assert 0 <= result.percent <= 100


@FAST
@given(generated_scripts())
def test_the_best_is_what_some_call_earns(data):
    script = parse_script(data)
    expected = brute_force(script)
    assert script.best == {d: expected[d][0] for d in DIMENSIONS}
    assert script.best_total == expected["total"][0]
    for objective, (value, path) in expected.items():
        result = score_path(script, path, record_for(script, replay(script, path)))
        assert not result.violations
        assert (result.total if objective == "total" else result.scores[objective]) == value
    assert (
        score_path(
            script,
            expected["total"][1],
            FULL_RECORD
            if script.nodes[replay(script, expected["total"][1]).node].outcome == "dnc_honoured"
            else None,
        ).percent
        == 100
    )


@FAST
@given(generated_scripts(), st.lists(st.integers(0, 20), max_size=30))
def test_replay_reproduces_the_walk(data, choices):
    script = parse_script(data)
    state = random_walk(script, choices)
    assert replay(script, state.path) == state
    assert replay(script, list(state.path)) == state


@FAST
@given(generated_scripts(), st.data())
def test_an_unreachable_node_is_always_reported(data, draw):
    target = draw.draw(st.sampled_from(sorted(data["nodes"])))
    data["nodes"]["orphan"] = {"prospect": "Who?", "replies": [{"text": "Hi", "next": target}]}
    problems = problems_of(data)
    assert [(p.node, p.field) for p in problems] == [("orphan", "")]
    assert "no path from the start node 'n0' reaches this node" in problems[0].message


@FAST
@given(generated_scripts(), st.data())
def test_a_dangling_next_is_always_reported(data, draw):
    node = draw.draw(st.sampled_from([n for n, v in data["nodes"].items() if "replies" in v]))
    replies = data["nodes"][node]["replies"]
    replies.append({"text": "Off the map", "next": "nowhere"})
    problems = problems_of(data)
    assert (
        ScriptProblem(node, f"replies.{len(replies) - 1}.next", "leads to a missing node 'nowhere'")
        in problems
    )


json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.sampled_from(["", "n0", "end0", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["n0", "text", "next", "end", "1"]), children, max_size=3)
    ),
    max_leaves=10,
)


@FAST
@given(json_like)
def test_any_data_is_a_script_or_a_list_of_problems(data):
    with pytest.raises(ScriptInvalid) as caught:
        parse_script(data)
    assert caught.value.problems


@FAST
@given(generated_scripts(), st.data())
def test_a_damaged_script_gives_problems_not_crashes(data, draw):
    # replace one value anywhere in a valid script with junk
    holder: Any = data
    while True:
        keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
        key = draw.draw(st.sampled_from(keys))
        if not isinstance(holder[key], dict | list) or not holder[key] or draw.draw(st.booleans()):
            break
        holder = holder[key]
    holder[key] = draw.draw(json_like)
    try:
        script = parse_script(data)
    except ScriptInvalid as invalid:
        assert invalid.problems
    else:
        assert parse_script(script.to_data()) == script


# --- How much a call measures -------------------------------------------------------------------


def test_random_play_passes_as_often_as_the_passing_paths_are_likely(script):
    """Opening: intro, sneaky or a violation (1/3 each). Then ask (booked) or remove (the
    do-not-call request, recorded perfectly). Of the four lawful calls, only intro+remove
    (10 of 10) and intro+ask (7 of 10) reach the pass mark of 70%."""
    assert engine.random_pass_chance(script) == pytest.approx(float(Fraction(1, 3)))


def test_random_play_never_passes_when_every_lawful_call_is_weak():
    data = script_data(pass_mark=100)
    data["nodes"]["pitch"]["replies"][0]["scores"] = {"discovery": 30}
    script = parse_script(data)
    # Only intro+ask (2 + 2 + 30 = 34 of 34) passes: 1/3 * 1/2.
    assert engine.random_pass_chance(script) == pytest.approx(1 / 6)


def test_random_play_through_a_loop_ends():
    """The call passes when at least one question is asked before closing: unless the very
    first reply closes (1 in 3), the caller goes round the loop and closes later."""
    chance = engine.random_pass_chance(parse_script(looping_data()))
    assert chance == pytest.approx(2 / 3, abs=1e-5)
