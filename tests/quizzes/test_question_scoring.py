"""Scoring one question (the pure engine in courses/quizzes/scoring.py, no database): single
choice, true/false, select-all with and without partial credit, and input it refuses.
"""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.quizzes.scoring import Kind, Question, score_question
from tests.quizzes.support import multiple, questions, single, true_false

# score_question: single choice


def test_single_right_choice_scores_one():
    assert score_question(single(), ["a"]).points == 1


def test_single_wrong_choice_scores_zero():
    assert score_question(single(), ["b"]).points == 0


def test_single_two_choices_including_the_right_one_scores_zero():
    assert score_question(single(), ["a", "b"]).points == 0


def test_single_partial_credit_flag_changes_nothing():
    assert score_question(single(), ["a", "b"], partial_credit=True).points == 0


def test_unanswered_question_scores_zero():
    assert score_question(single(), []).points == 0


def test_unanswered_multiple_scores_zero_with_partial_credit():
    assert score_question(multiple(), [], partial_credit=True).points == 0


def test_repeated_pick_counts_once():
    assert score_question(single(), ["a", "a"]).points == 1


def test_selection_may_be_any_iterable():
    assert score_question(single(), (key for key in ["a"])).points == 1


# score_question: true/false


def test_true_false_right_answer_scores_one():
    assert score_question(true_false(correct="false"), ["false"]).points == 1


def test_true_false_wrong_answer_scores_zero():
    assert score_question(true_false(correct="false"), ["true"]).points == 0


def test_true_false_both_answers_scores_zero():
    assert score_question(true_false(), ["true", "false"]).points == 0


def test_kind_given_as_plain_string_is_scored():
    question = Question("q", "true_false", ("true", "false"), frozenset({"true"}))
    assert score_question(question, ["true"]).points == 1


# score_question: multiple, all or nothing


def test_multiple_exact_set_scores_one():
    assert score_question(multiple(), ["a", "b", "c"]).points == 1


def test_multiple_missing_one_scores_zero_by_default():
    assert score_question(multiple(), ["a", "b"]).points == 0


def test_multiple_one_extra_scores_zero_by_default():
    assert score_question(multiple(), ["a", "b", "c", "d"]).points == 0


# score_question: multiple, partial credit


def test_partial_credit_all_right_scores_one():
    assert score_question(multiple(), ["a", "b", "c"], partial_credit=True).points == 1


def test_partial_credit_two_of_three_right():
    assert score_question(multiple(), ["a", "b"], partial_credit=True).points == Fraction(2, 3)


def test_partial_credit_two_right_one_wrong_is_one_third():
    result = score_question(multiple(), ["a", "b", "d"], partial_credit=True)
    assert result.points == Fraction(1, 3)


def test_partial_credit_one_right_one_wrong_is_zero():
    assert score_question(multiple(), ["a", "d"], partial_credit=True).points == 0


def test_partial_credit_never_goes_negative():
    assert score_question(multiple(), ["a", "d", "e"], partial_credit=True).points == 0


def test_partial_credit_only_wrong_picks_is_zero():
    assert score_question(multiple(), ["d", "e"], partial_credit=True).points == 0


def test_partial_credit_all_choices_picked():
    result = score_question(multiple(), ["a", "b", "c", "d", "e"], partial_credit=True)
    assert result.points == Fraction(1, 3)


def test_partial_credit_points_are_a_fraction():
    result = score_question(multiple(), ["a"], partial_credit=True)
    assert isinstance(result.points, Fraction)


def test_partial_credit_is_not_correct():
    assert not score_question(multiple(), ["a", "b"], partial_credit=True).is_correct


# score_question: the result


def test_result_carries_key_selection_and_key():
    result = score_question(single(key="hours"), ["b"])
    assert (result.key, result.selected, result.correct) == ("hours", {"b"}, {"a"})


def test_result_is_worth_one_point():
    assert score_question(single(), ["b"]).max_points == 1


def test_right_answer_is_correct():
    assert score_question(single(), ["a"]).is_correct


def test_wrong_answer_is_not_correct():
    assert not score_question(single(), ["c"]).is_correct


def test_points_of_all_kinds_are_fractions():
    assert isinstance(score_question(single(), ["a"]).points, Fraction)


# score_question: refused input


def test_unknown_choice_raises():
    with pytest.raises(ValueError, match="'z' is not among its choices"):
        score_question(single(), ["z"])


def test_unknown_choice_next_to_a_right_one_raises():
    with pytest.raises(ValueError):
        score_question(single(), ["a", "z"])


def test_unknown_choice_on_true_false_raises():
    with pytest.raises(ValueError):
        score_question(true_false(), ["yes"])


def test_bare_string_selection_raises():
    with pytest.raises(TypeError):
        score_question(true_false(), "true")


def test_malformed_question_is_not_scored():
    broken = Question("q", Kind.SINGLE, ("a", "b"), frozenset({"a", "b"}))
    with pytest.raises(ValueError, match="exactly one correct choice"):
        score_question(broken, ["a", "b"])


def test_multiple_without_correct_choice_is_not_scored():
    with pytest.raises(ValueError):
        score_question(multiple(correct=()), [], partial_credit=True)


@given(questions(), st.data())
def test_partial_credit_never_below_all_or_nothing(question, data):
    picks = data.draw(st.frozensets(st.sampled_from(question.choices)))
    strict = score_question(question, picks).points
    assert score_question(question, picks, partial_credit=True).points >= strict
