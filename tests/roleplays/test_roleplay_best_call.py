"""A best call: the table of a debrief adds up, and a perfect call earns full marks in every row.

The best per dimension (`Script.best`) takes each dimension from its own best call, so it does
not add up to the best total; a debrief compares a call with one call that earns the best total.
"""

from pathlib import Path

import pytest
import yaml
from hypothesis import given

from courses.roleplays.engine import (
    DIMENSIONS,
    DNC_RECORD_MAX,
    DncRecord,
    Script,
    parse_script,
    replay,
    score_path,
)
from tests.roleplays.scripts import FULL_RECORD, looping_data, script_data
from tests.roleplays.test_roleplay_properties import FAST, generated_scripts

CONTENT = Path(__file__).resolve().parents[2] / "courses" / "content"
CONTENT_SCRIPTS = sorted(
    path
    for path in CONTENT.glob("*/*/*.yaml")
    if path.name not in ("module.yaml", "quiz.yaml", "course.yaml")
)


def record_for(script: Script, path) -> DncRecord | None:
    return (
        FULL_RECORD if script.nodes[replay(script, path).node].outcome == "dnc_honoured" else None
    )


def assert_best_call_adds_up(script: Script) -> None:
    path = script.best_path
    result = score_path(script, path, record_for(script, path))
    assert result.total == script.best_total
    assert result.percent == 100
    assert result.passed
    assert result.best == result.scores == script.best_call
    assert sum(result.best.values()) == result.best_total == script.best_total
    for dimension in DIMENSIONS:
        assert result.best[dimension] <= script.best[dimension]


def test_the_best_call_is_the_one_with_the_best_total():
    script = parse_script(script_data())
    assert script.best_path == ("intro", "remove")
    assert script.best_call == {
        "rapport": 2,
        "discovery": 0,
        "objections": 0,
        "compliance": 2 + 1 + DNC_RECORD_MAX,
    }
    assert sum(script.best_call.values()) == script.best_total == 10
    assert sum(script.best.values()) == 13  # the maxima, each from its own call


def test_a_perfect_call_shows_full_marks_in_every_row():
    script = parse_script(script_data())
    assert_best_call_adds_up(script)


def test_a_weaker_call_is_compared_with_the_best_call():
    script = parse_script(script_data())
    result = score_path(script, ["intro", "ask"])
    assert result.scores == {"rapport": 2, "discovery": 3, "objections": 0, "compliance": 2}
    assert result.best == script.best_call
    assert sum(result.best.values()) == result.best_total == 10


def test_a_perfect_call_by_another_way_shows_its_own_rows():
    """Two calls earn the best total with different points: each is compared with itself."""
    data = script_data()
    data["nodes"]["pitch"]["replies"][0]["scores"] = {"discovery": 6}  # intro+ask: 2+2+6 = 10
    script = parse_script(data)
    assert script.best_total == 10
    booked = score_path(script, ["intro", "ask"])
    honoured = score_path(script, ["intro", "remove"], FULL_RECORD)
    assert booked.total == honoured.total == 10
    assert booked.best == booked.scores
    assert honoured.best == honoured.scores
    # among equal totals the best call is the one with more compliance points
    assert script.best_path == ("intro", "remove")


def test_a_violation_never_counts_as_the_best_call():
    script = parse_script(script_data())
    result = score_path(script, ["late"])
    assert result.violations
    assert result.best == script.best_call


def test_the_best_call_through_a_loop_asks_each_question_once():
    script = parse_script(looping_data())
    assert_best_call_adds_up(script)
    assert script.best_path.count("q1") == 1
    assert script.best_path.count("q2") == 1


def test_the_best_call_of_a_long_chain():
    count = 1500
    nodes = {
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
    script = parse_script(script_data(start="n0", nodes=nodes))
    assert len(script.best_path) == count
    assert_best_call_adds_up(script)


@pytest.mark.parametrize("path", CONTENT_SCRIPTS, ids=lambda path: path.stem)
def test_every_call_in_the_curriculum_adds_up(path):
    script = parse_script(yaml.safe_load(path.read_text()))
    assert_best_call_adds_up(script)


def test_the_curriculum_has_calls_to_check():
    assert len(CONTENT_SCRIPTS) >= 8


@FAST
@given(generated_scripts())
def test_a_generated_script_has_a_best_call_that_adds_up(data):
    assert_best_call_adds_up(parse_script(data))
