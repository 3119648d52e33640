import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.quizzes.scoring import (
    Kind,
    Question,
    bank_problems,
    draw_questions,
    score_attempt,
    score_question,
    shuffled,
)


def single(key="q", correct="a", choices=("a", "b", "c"), tags=()):
    return Question(key, Kind.SINGLE, tuple(choices), frozenset({correct}), tuple(tags))


def multiple(key="m", correct=("a", "b", "c"), choices=("a", "b", "c", "d", "e"), tags=()):
    return Question(key, Kind.MULTIPLE, tuple(choices), frozenset(correct), tuple(tags))


def true_false(key="tf", correct="true", tags=()):
    return Question(key, Kind.TRUE_FALSE, ("true", "false"), frozenset({correct}), tuple(tags))


def singles(n, tags=()):
    return [single(key=f"q{i}", tags=tags) for i in range(n)]


def attempt(right, wrong, *, pass_mark=80):
    questions = singles(right + wrong)
    answers = {q.key: ["a"] if i < right else ["b"] for i, q in enumerate(questions)}
    return score_attempt(questions, answers, pass_mark=pass_mark)


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


# draw_questions


def tagged_bank():
    return [
        *[single(f"hours{i}", tags=["calling-hours"]) for i in range(3)],
        *[single(f"dnc{i}", tags=["dnc"]) for i in range(3)],
        single("both", tags=["calling-hours", "dnc"]),
        *singles(5),
    ]


def test_draw_returns_count_questions():
    assert len(draw_questions(singles(10), 4, rng=random.Random(1))) == 4


def test_draw_questions_come_from_the_bank():
    bank = singles(10)
    assert all(q in bank for q in draw_questions(bank, 4, rng=random.Random(1)))


def test_draw_never_repeats_a_question():
    drawn = draw_questions(singles(10), 10, rng=random.Random(1))
    assert len({q.key for q in drawn}) == 10


def test_draw_whole_bank():
    bank = singles(6)
    assert sorted(q.key for q in draw_questions(bank, 6, rng=random.Random(2))) == sorted(
        q.key for q in bank
    )


def test_draw_zero():
    assert draw_questions(singles(3), 0, rng=random.Random(1)) == []


def test_draw_is_deterministic_for_a_seed():
    bank = tagged_bank()
    first = draw_questions(bank, 6, min_per_tag={"dnc": 2}, rng=random.Random(42))
    second = draw_questions(bank, 6, min_per_tag={"dnc": 2}, rng=random.Random(42))
    assert first == second


def test_draw_differs_between_seeds():
    bank = singles(30)
    draws = {tuple(q.key for q in draw_questions(bank, 5, rng=random.Random(s))) for s in range(5)}
    assert len(draws) > 1


def test_draw_order_varies_between_seeds():
    bank = singles(3, tags=["t"])
    orders = {
        tuple(q.key for q in draw_questions(bank, 3, min_per_tag={"t": 3}, rng=random.Random(s)))
        for s in range(30)
    }
    assert len(orders) > 1


def test_draw_mixes_minimum_picks_into_the_order():
    bank = [single("tagged", tags=["dnc"]), *singles(9)]
    positions = {
        [
            q.key for q in draw_questions(bank, 5, min_per_tag={"dnc": 1}, rng=random.Random(s))
        ].index("tagged")
        for s in range(30)
    }
    assert len(positions) > 1


def test_draw_meets_tag_minimum():
    drawn = draw_questions(tagged_bank(), 4, min_per_tag={"dnc": 3}, rng=random.Random(3))
    assert sum("dnc" in q.tags for q in drawn) >= 3


def test_draw_meets_several_tag_minimums():
    minimums = {"dnc": 2, "calling-hours": 2}
    for seed in range(20):
        drawn = draw_questions(tagged_bank(), 4, min_per_tag=minimums, rng=random.Random(seed))
        assert all(sum(tag in q.tags for q in drawn) >= n for tag, n in minimums.items())


def test_draw_question_counts_toward_every_tag():
    bank = [single("both", tags=["a", "b"]), *singles(5)]
    drawn = draw_questions(bank, 2, min_per_tag={"a": 1, "b": 1}, rng=random.Random(1))
    assert "both" in {q.key for q in drawn}


def test_draw_minimum_equal_to_tagged_questions_takes_them_all():
    drawn = draw_questions(tagged_bank(), 5, min_per_tag={"dnc": 4}, rng=random.Random(5))
    assert {"dnc0", "dnc1", "dnc2", "both"} <= {q.key for q in drawn}


def test_draw_more_than_bank_raises():
    with pytest.raises(ValueError):
        draw_questions(singles(3), 4, rng=random.Random(1))


def test_draw_negative_count_raises():
    with pytest.raises(ValueError):
        draw_questions(singles(3), -1, rng=random.Random(1))


def test_draw_unmeetable_tag_minimum_raises():
    with pytest.raises(ValueError, match="'dnc'"):
        draw_questions(tagged_bank(), 6, min_per_tag={"dnc": 5}, rng=random.Random(1))


def test_draw_minimum_for_missing_tag_raises():
    with pytest.raises(ValueError):
        draw_questions(singles(5), 2, min_per_tag={"nowhere": 1}, rng=random.Random(1))


def test_draw_minimums_above_count_raise():
    with pytest.raises(ValueError):
        draw_questions(
            tagged_bank(), 2, min_per_tag={"dnc": 2, "calling-hours": 1}, rng=random.Random(1)
        )


def test_draw_negative_minimum_raises():
    with pytest.raises(ValueError):
        draw_questions(singles(5), 2, min_per_tag={"x": -1}, rng=random.Random(1))


def test_draw_duplicate_keys_raise():
    with pytest.raises(ValueError):
        draw_questions([single("a"), single("a")], 1, rng=random.Random(1))


def test_draw_leaves_the_bank_alone():
    bank = singles(5)
    draw_questions(bank, 3, rng=random.Random(1))
    assert [q.key for q in bank] == ["q0", "q1", "q2", "q3", "q4"]


# shuffled


def test_shuffled_keeps_every_item():
    assert sorted(shuffled([3, 1, 2], random.Random(1))) == [1, 2, 3]


def test_shuffled_leaves_the_input_alone():
    items = (1, 2, 3, 4)
    shuffled(items, random.Random(1))
    assert items == (1, 2, 3, 4)


def test_shuffled_is_deterministic_for_a_seed():
    assert shuffled(range(20), random.Random(9)) == shuffled(range(20), random.Random(9))


def test_shuffled_returns_a_list():
    assert isinstance(shuffled("abc", random.Random(1)), list)


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


# properties

CHOICE_KEYS = ("a", "b", "c", "d", "e", "f")
TAGS = ("calling-hours", "dnc", "ebr", "robocalls")


@st.composite
def questions(draw, key="q", tags=()):
    kind = draw(st.sampled_from(Kind))
    if kind == Kind.TRUE_FALSE:
        choices = ("true", "false")
    else:
        choices = CHOICE_KEYS[: draw(st.integers(2, len(CHOICE_KEYS)))]
    if kind == Kind.MULTIPLE:
        correct = draw(st.frozensets(st.sampled_from(choices), min_size=1))
    else:
        correct = frozenset({draw(st.sampled_from(choices))})
    return Question(key, kind, choices, correct, tuple(tags))


@st.composite
def attempts(draw):
    qs = [draw(questions(key=f"q{i}")) for i in range(draw(st.integers(1, 8)))]
    answers = {
        q.key: draw(st.frozensets(st.sampled_from(q.choices))) for q in qs if draw(st.booleans())
    }
    return qs, answers


@st.composite
def banks_with_minimums(draw):
    bank = [
        draw(questions(key=f"q{i}", tags=draw(st.lists(st.sampled_from(TAGS), unique=True))))
        for i in range(draw(st.integers(1, 15)))
    ]
    tagged = Counter(tag for q in bank for tag in q.tags)
    minimums: dict[str, int] = {}
    budget = len(bank)
    for tag in sorted(tagged):
        if draw(st.booleans()):
            minimums[tag] = draw(st.integers(0, min(tagged[tag], budget)))
            budget -= minimums[tag]
    count = draw(st.integers(sum(minimums.values()), len(bank)))
    return bank, minimums, count


@given(attempts(), st.booleans(), st.integers(0, 100))
def test_attempt_never_exceeds_max_points(case, partial_credit, pass_mark):
    qs, answers = case
    result = score_attempt(qs, answers, pass_mark=pass_mark, partial_credit=partial_credit)
    assert 0 <= result.points <= result.max_points == len(qs)
    assert all(0 <= r.points <= r.max_points for r in result.questions)
    assert Decimal(0) <= result.percent <= Decimal(100)


@given(questions(), st.data())
def test_partial_credit_never_below_all_or_nothing(question, data):
    picks = data.draw(st.frozensets(st.sampled_from(question.choices)))
    strict = score_question(question, picks).points
    assert score_question(question, picks, partial_credit=True).points >= strict


@given(banks_with_minimums(), st.integers(0, 2**32))
def test_draw_always_meets_tag_minimums(case, seed):
    bank, minimums, count = case
    drawn = draw_questions(bank, count, min_per_tag=minimums, rng=random.Random(seed))
    assert all(sum(tag in q.tags for q in drawn) >= n for tag, n in minimums.items())


@given(banks_with_minimums(), st.integers(0, 2**32))
def test_draw_never_repeats_and_returns_count(case, seed):
    bank, minimums, count = case
    drawn = draw_questions(bank, count, min_per_tag=minimums, rng=random.Random(seed))
    assert len(drawn) == len({q.key for q in drawn}) == count


@given(banks_with_minimums(), st.integers(0, 2**32))
def test_a_bank_without_problems_can_always_be_drawn(case, seed):
    bank, minimums, count = case
    if bank_problems(bank, draw=count, min_per_tag=minimums, pass_mark=50) == []:
        assert (
            len(draw_questions(bank, count, min_per_tag=minimums, rng=random.Random(seed))) == count
        )
