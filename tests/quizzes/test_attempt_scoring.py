"""Scoring a whole attempt (the pure engine, no database): points, the pass mark and the percent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.quizzes.scoring import score_attempt
from tests.quizzes.support import multiple, questions, single, singles


def attempt(right, wrong, *, pass_mark=80):
    questions = singles(right + wrong)
    answers = {q.key: ["a"] if i < right else ["b"] for i, q in enumerate(questions)}
    return score_attempt(questions, answers, pass_mark=pass_mark)


# score_attempt


def test_attempt_sums_points():
    assert attempt(3, 2).points == 3


def test_attempt_max_points_is_the_number_of_questions():
    assert attempt(3, 2).max_points == 5


def test_attempt_keeps_question_order():
    questions = [single("b"), single("a"), single("c")]
    result = score_attempt(questions, {}, pass_mark=50)
    assert [r.key for r in result.questions] == ["b", "a", "c"]


def test_attempt_missing_answers_score_zero():
    result = score_attempt([single("a"), single("b")], {"a": ["a"]}, pass_mark=50)
    assert [r.points for r in result.questions] == [1, 0]


def test_attempt_with_no_answers_scores_zero():
    assert score_attempt(singles(3), {}, pass_mark=50).points == 0


def test_attempt_sums_partial_credit():
    questions = [multiple("m1"), multiple("m2")]
    answers = {"m1": ["a", "b"], "m2": ["a", "b", "d"]}
    result = score_attempt(questions, answers, pass_mark=50, partial_credit=True)
    assert result.points == 1


def test_attempt_partial_credit_off_by_default():
    result = score_attempt([multiple()], {"m": ["a", "b"]}, pass_mark=50)
    assert result.points == 0


def test_attempt_answer_for_unknown_question_raises():
    with pytest.raises(ValueError, match="not in the attempt: zz"):
        score_attempt([single("a")], {"a": ["a"], "zz": ["a"]}, pass_mark=50)


def test_attempt_unknown_choice_raises():
    with pytest.raises(ValueError):
        score_attempt([single("a")], {"a": ["z"]}, pass_mark=50)


def test_attempt_without_questions_raises():
    with pytest.raises(ValueError):
        score_attempt([], {}, pass_mark=50)


def test_attempt_duplicate_question_keys_raise():
    with pytest.raises(ValueError, match="duplicate"):
        score_attempt([single("a"), single("a")], {}, pass_mark=50)


@pytest.mark.parametrize("pass_mark", [-1, 101])
def test_attempt_pass_mark_out_of_range_raises(pass_mark):
    with pytest.raises(ValueError):
        score_attempt([single()], {}, pass_mark=pass_mark)


# score_attempt: pass mark


def test_exactly_at_pass_mark_passes():
    assert attempt(4, 1, pass_mark=80).passed


def test_just_below_pass_mark_fails():
    assert not attempt(3, 1, pass_mark=80).passed


def test_above_pass_mark_passes():
    assert attempt(5, 0, pass_mark=80).passed


def test_pass_mark_zero_passes_with_no_points():
    assert attempt(0, 3, pass_mark=0).passed


def test_pass_mark_hundred_needs_every_point():
    assert not attempt(9, 1, pass_mark=100).passed


def test_pass_mark_hundred_passes_with_every_point():
    assert attempt(10, 0, pass_mark=100).passed


def test_pass_is_exact_not_from_rounded_percent():
    # 1999/2500 = 79.96 %, shown as 80.0, still below a mark of 80.
    result = attempt(1999, 501, pass_mark=80)
    assert (result.percent, result.passed) == (Decimal("80.0"), False)


def test_two_thirds_fails_a_mark_of_67():
    assert not attempt(2, 1, pass_mark=67).passed


def test_two_thirds_passes_a_mark_of_66():
    assert attempt(2, 1, pass_mark=66).passed


def test_partial_credit_exactly_at_pass_mark_passes():
    result = score_attempt(
        [multiple(correct=("a", "b"))], {"m": ["a"]}, pass_mark=50, partial_credit=True
    )
    assert result.passed


# score_attempt: percent


def test_percent_is_a_decimal():
    assert isinstance(attempt(1, 1).percent, Decimal)


def test_percent_all_right():
    assert attempt(4, 0).percent == Decimal("100.0")


def test_percent_all_right_keeps_one_decimal_place():
    assert str(attempt(4, 0).percent) == "100.0"


def test_percent_none_right():
    assert str(attempt(0, 4).percent) == "0.0"


def test_percent_two_thirds_rounds_up():
    assert attempt(2, 1).percent == Decimal("66.7")


def test_percent_one_third_rounds_down():
    assert attempt(1, 2).percent == Decimal("33.3")


def test_percent_half_rounds_up_not_to_even():
    # 1/16 = 6.25 %: half-up gives 6.3 where banker's rounding would give 6.2.
    assert attempt(1, 15).percent == Decimal("6.3")


def test_percent_other_half_rounds_up():
    # 3/16 = 18.75 %
    assert attempt(3, 13).percent == Decimal("18.8")


def test_percent_of_partial_credit():
    result = score_attempt([multiple()], {"m": ["a"]}, pass_mark=50, partial_credit=True)
    assert result.percent == Decimal("33.3")


@st.composite
def attempts(draw):
    qs = [draw(questions(key=f"q{i}")) for i in range(draw(st.integers(1, 8)))]
    answers = {
        q.key: draw(st.frozensets(st.sampled_from(q.choices))) for q in qs if draw(st.booleans())
    }
    return qs, answers


@given(attempts(), st.booleans(), st.integers(0, 100))
def test_attempt_never_exceeds_max_points(case, partial_credit, pass_mark):
    qs, answers = case
    result = score_attempt(qs, answers, pass_mark=pass_mark, partial_credit=partial_credit)
    assert 0 <= result.points <= result.max_points == len(qs)
    assert all(0 <= r.points <= r.max_points for r in result.questions)
    assert Decimal(0) <= result.percent <= Decimal(100)
