"""Scoring a call, and the do-not-call record made at its end."""

import pytest

from courses.roleplays.engine import (
    DNC_RECORD_MAX,
    DNC_RULES,
    OUTCOMES,
    DncRecord,
    ReplyNotOffered,
    Script,
    parse_script,
    score_dnc_record,
    score_path,
)
from tests.roleplays.scripts import (
    FULL_RECORD,
    looping_data,
    script_data,
)


@pytest.fixture
def script() -> Script:
    return parse_script(script_data())


# --- Scoring a call -----------------------------------------------------------------------------


def test_score_a_clean_call(script):
    result = score_path(script, ["intro", "ask"])
    assert result.scores == {"rapport": 2, "discovery": 3, "objections": 0, "compliance": 2}
    assert result.total == 7
    assert result.best == script.best_call
    assert sum(result.best.values()) == result.best_total
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
