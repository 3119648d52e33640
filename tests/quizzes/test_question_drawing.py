"""Drawing an attempt's questions from a bank, meeting each tag's minimum, and shuffling the
choices (the pure engine, no database).
"""

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.quizzes.scoring import bank_problems, draw_questions, shuffled
from tests.quizzes.support import TAGS, questions, single, singles, tagged_bank

# draw_questions


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
