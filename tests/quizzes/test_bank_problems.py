"""What is wrong with a question bank before anyone draws from it: too few questions for the
draw or for a tag's minimum, a pass mark that cannot be reached, broken questions.
"""

import pytest

from courses.quizzes.scoring import Kind, Question, bank_problems
from tests.quizzes.support import multiple, single, singles, tagged_bank

# bank_problems


def problems(bank=None, *, draw=3, min_per_tag=None, pass_mark=80):
    return bank_problems(
        singles(10) if bank is None else bank,
        draw=draw,
        min_per_tag=min_per_tag or {},
        pass_mark=pass_mark,
    )


def test_good_bank_has_no_problems():
    assert problems(tagged_bank(), draw=5, min_per_tag={"dnc": 2, "calling-hours": 2}) == []


def test_draw_larger_than_bank():
    assert problems(draw=12) == ["draw (12) is larger than the bank (10 questions)"]


def test_draw_larger_than_bank_of_one():
    assert problems(singles(1), draw=2) == ["draw (2) is larger than the bank (1 question)"]


def test_draw_equal_to_bank_is_fine():
    assert problems(draw=10) == []


def test_draw_zero_is_a_problem():
    assert problems(draw=0) == ["draw must be at least 1, it is 0"]


def test_tag_minimum_the_bank_cannot_supply():
    bank = [*singles(5), *[single(f"h{i}", tags=["calling-hours"]) for i in range(2)]]
    assert problems(bank, draw=5, min_per_tag={"calling-hours": 3}) == [
        "min_per_tag.calling-hours: needs 3 but only 2 questions have that tag"
    ]


def test_tag_minimum_with_one_tagged_question():
    bank = [*singles(5), single("h", tags=["dnc"])]
    assert problems(bank, draw=5, min_per_tag={"dnc": 2}) == [
        "min_per_tag.dnc: needs 2 but only 1 question has that tag"
    ]


def test_tag_minimum_for_missing_tag():
    assert problems(draw=3, min_per_tag={"ebr": 1}) == [
        "min_per_tag.ebr: needs 1 but only 0 questions have that tag"
    ]


def test_negative_tag_minimum():
    assert problems(min_per_tag={"dnc": -1}) == ["min_per_tag.dnc: must not be negative, it is -1"]


def test_minimums_adding_up_above_draw():
    assert problems(tagged_bank(), draw=3, min_per_tag={"dnc": 2, "calling-hours": 2}) == [
        "min_per_tag: the minimums add up to 4, more than draw (3)"
    ]


def test_minimums_adding_up_to_draw_is_fine():
    assert problems(tagged_bank(), draw=4, min_per_tag={"dnc": 2, "calling-hours": 2}) == []


@pytest.mark.parametrize("pass_mark", [-1, 101])
def test_pass_mark_out_of_range(pass_mark):
    assert problems(pass_mark=pass_mark) == [
        f"pass_mark must be between 0 and 100, it is {pass_mark}"
    ]


@pytest.mark.parametrize("pass_mark", [0, 100])
def test_pass_mark_at_the_ends_is_fine(pass_mark):
    assert problems(pass_mark=pass_mark) == []


def test_duplicate_question_keys():
    assert problems([single("x"), single("x"), single("y")], draw=2) == [
        "question 'x': the key is used by more than one question"
    ]


def test_single_with_two_correct_choices():
    bad = Question("x", Kind.SINGLE, ("a", "b", "c"), frozenset({"a", "b"}))
    assert problems([bad, *singles(3)]) == [
        "question 'x': a single-choice question needs exactly one correct choice, it has 2"
    ]


def test_single_with_no_correct_choice():
    bad = Question("x", Kind.SINGLE, ("a", "b"), frozenset())
    assert problems([bad, *singles(3)]) == [
        "question 'x': a single-choice question needs exactly one correct choice, it has 0"
    ]


def test_true_false_with_both_correct():
    bad = Question("x", Kind.TRUE_FALSE, ("true", "false"), frozenset({"true", "false"}))
    assert problems([bad, *singles(3)]) == [
        "question 'x': a true/false question needs exactly one correct choice, it has 2"
    ]


def test_true_false_with_other_choices():
    bad = Question("x", Kind.TRUE_FALSE, ("yes", "no"), frozenset({"yes"}))
    assert problems([bad, *singles(3)]) == [
        "question 'x': a true/false question has exactly the choices 'true' and 'false'"
    ]


def test_multiple_with_no_correct_choice():
    assert problems([multiple("x", correct=()), *singles(3)]) == [
        "question 'x': a multiple-choice question needs at least one correct choice"
    ]


def test_multiple_with_every_choice_correct_is_fine():
    assert problems([multiple("x", correct=("a", "b"), choices=("a", "b")), *singles(3)]) == []


def test_question_with_one_choice():
    assert problems([single("x", choices=("a",)), *singles(3)]) == [
        "question 'x': needs at least 2 choices, it has 1"
    ]


def test_correct_choice_that_is_not_a_choice():
    assert problems([single("x", correct="z"), *singles(3)]) == [
        "question 'x': correct choice 'z' is not one of its choices"
    ]


def test_duplicate_choice():
    assert problems([single("x", choices=("a", "b", "b")), *singles(3)]) == [
        "question 'x': choice 'b' appears more than once"
    ]


def test_unknown_kind():
    bad = Question("x", "essay", ("a", "b"), frozenset({"a"}))
    assert problems([bad, *singles(3)]) == ["question 'x': unknown kind 'essay'"]


def test_every_problem_is_reported():
    bank = [single("x", choices=("a",)), single("x")]
    assert len(problems(bank, draw=5, pass_mark=120)) == 4
