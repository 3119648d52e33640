"""The scheduler on a fixed clock: no database, no Django."""

import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from fsrs import Scheduler

from courses.review import scheduling
from courses.review.scheduling import Rating, State, band, rating_for, retrievability, review

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def test_a_first_review_makes_the_cards_memory_at_that_moment():
    memory = review(None, Rating.Good, at=NOW)
    assert memory.last_review == NOW
    assert memory.due > NOW
    assert memory.stability > 0 and 1 <= memory.difficulty <= 10


def test_a_right_first_answer_waits_days_and_a_wrong_one_comes_back_within_the_sitting():
    right = review(None, Rating.Good, at=NOW)
    partly = review(None, Rating.Hard, at=NOW)
    wrong = review(None, Rating.Again, at=NOW)
    assert right.state is State.Review and right.due - NOW >= DAY
    assert wrong.state is State.Learning and wrong.due - NOW == 10 * MINUTE
    assert wrong.due < partly.due < right.due


def test_a_right_answer_pushes_the_due_date_later_than_a_wrong_one():
    met = review(None, Rating.Good, at=NOW)
    later = met.due
    right = review(met, Rating.Good, at=later)
    wrong = review(met, Rating.Again, at=later)
    assert right.due > met.due + (met.due - NOW)  # the interval grows
    assert wrong.due - later == 10 * MINUTE and wrong.state is State.Relearning
    assert right.stability > met.stability > wrong.stability


def test_a_forgotten_card_relearnt_comes_back_in_days_again():
    met = review(None, Rating.Good, at=NOW)
    lapsed = review(met, Rating.Again, at=met.due)
    relearnt = review(lapsed, Rating.Good, at=lapsed.due)
    assert relearnt.state is State.Review and relearnt.due - lapsed.due >= DAY


def test_the_same_reviews_schedule_the_same_way():
    def history():
        memory = review(None, Rating.Hard, at=NOW)
        for rating in (Rating.Good, Rating.Again, Rating.Good, Rating.Good):
            memory = review(memory, rating, at=memory.due)
        return memory

    assert history() == history()


def test_nothing_waits_longer_than_a_year():
    memory = review(None, Rating.Good, at=NOW)
    for _ in range(30):
        memory = review(memory, Rating.Good, at=memory.due)
    assert memory.due - memory.last_review <= 365 * DAY


def test_retrievability_is_whole_right_after_a_review_and_falls_with_time():
    memory = review(None, Rating.Good, at=NOW)
    values = [retrievability(memory, at=NOW + days * DAY) for days in (0, 1, 3, 10, 100)]
    assert values[0] == 1
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    assert 0 < values[-1] < 0.6  # a power curve: it forgets slowly, never to nothing


def test_retrievability_is_about_the_desired_retention_when_a_card_falls_due():
    memory = review(review(None, Rating.Good, at=NOW), Rating.Good, at=NOW + 3 * DAY)
    assert retrievability(memory, at=memory.due) == pytest.approx(0.9, abs=0.02)


def test_retrievability_counts_whole_days_as_fsrs_does():
    memory = review(None, Rating.Good, at=NOW)
    assert retrievability(memory, at=NOW + 23 * datetime.timedelta(hours=1)) == 1
    assert retrievability(memory, at=NOW + 25 * datetime.timedelta(hours=1)) < 1


def test_moments_in_any_time_zone_are_the_same_moments():
    new_york = NOW.astimezone(ZoneInfo("America/New_York"))
    assert review(None, Rating.Good, at=new_york) == review(None, Rating.Good, at=NOW)
    memory = review(None, Rating.Good, at=NOW)
    assert retrievability(memory, at=new_york + 5 * DAY) == retrievability(memory, at=NOW + 5 * DAY)


def test_a_moment_without_its_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        review(None, Rating.Good, at=NOW.replace(tzinfo=None))


def test_the_curve_the_database_averages_is_the_schedulers():
    memory = review(None, Rating.Good, at=NOW)
    for days in (0, 1, 2, 7, 30, 400):
        at = NOW + days * DAY
        by_hand = (1 + scheduling.FACTOR * days / memory.stability) ** scheduling.DECAY
        assert retrievability(memory, at=at) == pytest.approx(by_hand, rel=1e-12)
    fsrs = Scheduler()
    assert pytest.approx((fsrs._DECAY, fsrs._FACTOR)) == (scheduling.DECAY, scheduling.FACTOR)


@pytest.mark.parametrize(
    ("points", "rating"),
    [
        (1, Rating.Good),
        (Fraction(1), Rating.Good),
        (Fraction(1, 2), Rating.Hard),
        (0.333, Rating.Hard),
        (0, Rating.Again),
        (Fraction(0), Rating.Again),
    ],
)
def test_a_score_is_rated_good_when_right_hard_when_partly_right_again_when_wrong(points, rating):
    assert rating_for(points) is rating


@pytest.mark.parametrize(
    ("value", "word"),
    [
        (1.0, "strong"),
        (0.9, "strong"),
        (0.89, "fading"),
        (0.7, "fading"),
        (0.69, "weak"),
        (0, "weak"),
    ],
)
def test_mastery_bands(value, word):
    assert band(value) == word


def test_days_since_epoch():
    assert scheduling.days_since_epoch(datetime.datetime(1970, 1, 2, tzinfo=datetime.UTC)) == 1
    assert scheduling.days_since_epoch(NOW + DAY) - scheduling.days_since_epoch(NOW) == 1


@pytest.mark.parametrize("rating", list(Rating))
def test_a_first_review_is_the_schedulers_at_any_moment(rating):
    for at in (NOW, NOW + datetime.timedelta(days=400, microseconds=123457)):
        card, _ = scheduling.SCHEDULER.review_card(
            scheduling.Card(card_id=0, due=at), rating, review_datetime=at
        )
        memory = review(None, rating, at=at)
        assert (memory.state, memory.step, memory.stability, memory.difficulty) == (
            card.state,
            card.step,
            card.stability,
            card.difficulty,
        )
        assert (memory.due, memory.last_review) == (card.due, card.last_review)


def test_a_moment_comes_back_from_its_days_to_the_microsecond():
    moment = NOW
    for _ in range(2000):
        moment += datetime.timedelta(days=3, hours=7, microseconds=987_653)
        assert scheduling.moment_of(scheduling.days_since_epoch(moment)) == moment
    far = datetime.datetime(2199, 12, 31, 23, 59, 59, 999_999, tzinfo=datetime.UTC)
    assert scheduling.moment_of(scheduling.days_since_epoch(far)) == far
