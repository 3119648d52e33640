"""Reading a roleplay script: every field, and every problem of shape."""

import copy
import json
import pickle
import textwrap

import pytest
import yaml

from courses.roleplays.engine import (
    Script,
    ScriptInvalid,
    ScriptProblem,
    parse_script,
)
from tests.roleplays.scripts import (
    assert_problem,
    looping_data,
    persona,
    problems_of,
    script_data,
)


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
