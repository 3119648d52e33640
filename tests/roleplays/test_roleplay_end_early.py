"""Ending a call early: the rep hangs up, and the call is scored as it stands."""

import pytest

from courses.roleplays.engine import (
    ENDED_EARLY,
    RUN_OUTCOMES,
    ReplyNotOffered,
    advance,
    end_early,
    is_over,
    offered_replies,
    parse_script,
    replay,
    score_path,
    start_call,
)
from tests.roleplays.scripts import FULL_RECORD, script_data


@pytest.fixture
def script():
    return parse_script(script_data())


def test_ending_early_ends_the_call_where_it_stands(script):
    state = end_early(script, advance(script, start_call(script), "intro"))
    assert is_over(script, state)
    assert state.node == "pitch"
    assert state.path == ("intro",)
    assert offered_replies(script, state) == ()
    assert offered_replies(script, state, seed=7) == ()


def test_nothing_can_be_said_after_hanging_up(script):
    state = end_early(script, start_call(script))
    with pytest.raises(ReplyNotOffered, match="already over"):
        advance(script, state, "intro")


def test_a_call_that_is_over_cannot_be_ended_again(script):
    with pytest.raises(ReplyNotOffered, match="already over"):
        end_early(script, replay(script, ["intro", "ask"]))
    with pytest.raises(ReplyNotOffered, match="already over"):
        end_early(script, end_early(script, start_call(script)))


def test_replay_rebuilds_a_call_ended_early(script):
    assert replay(script, ["intro"], ended_early=True) == end_early(
        script, replay(script, ["intro"])
    )


def test_a_call_ended_early_is_scored_as_it_stands_and_does_not_pass():
    # intro alone is worth 4 of 10: with a pass mark of 40 it would pass had the call ended
    script = parse_script(script_data(pass_mark=40))
    result = score_path(script, ["intro"], ended_early=True)
    assert result.scores == {"rapport": 2, "discovery": 0, "objections": 0, "compliance": 2}
    assert result.total == 4
    assert result.percent == 40
    assert result.end_outcome == result.outcome == ENDED_EARLY
    assert RUN_OUTCOMES[ENDED_EARLY] == "Call ended early"
    assert result.passed is False
    assert result.needs_dnc_record is False
    assert result.best == script.best_call


def test_a_call_ended_before_any_reply_scores_nothing(script):
    result = score_path(script, [], ended_early=True)
    assert result.total == 0
    assert result.percent == 0
    assert result.passed is False


def test_a_violation_before_hanging_up_still_fails_for_the_violation(script):
    data = script_data()
    data["nodes"]["opening"]["replies"][2]["next"] = "pitch"
    del data["nodes"]["failed"]
    script = parse_script(data)
    result = score_path(script, ["late"], ended_early=True)
    assert result.violations
    assert result.outcome == "failed_violation"
    assert result.end_outcome == ENDED_EARLY
    assert result.passed is False


def test_a_call_ended_early_takes_no_do_not_call_record(script):
    with pytest.raises(ValueError, match="dnc_honoured"):
        score_path(script, ["intro"], FULL_RECORD, ended_early=True)


def test_a_call_in_progress_is_not_over(script):
    result = score_path(script, ["intro"])
    assert result.end_outcome is None
    assert result.passed is False
