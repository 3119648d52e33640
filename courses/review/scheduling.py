"""When a review card comes back, and how well it is remembered: FSRS, through the fsrs package.

Pure Python: no Django, no database, no clock. Every moment is the caller's, so a review at a
given moment always schedules the same way (fuzzing, which spreads due dates at random, is off).

A card's memory is the state FSRS keeps for it: how far it is through its first steps, its
stability (days until recall falls to 90%) and difficulty, when it is due and when it was last
reviewed. A card exists only once it has been reviewed, so its memory is never empty.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

__all__ = ["DECAY", "FACTOR", "Memory", "Rating", "State", "band", "rating_for", "retrievability"]

# One first step: a question missed when a rep first meets it (or later forgets) comes back
# ten minutes on, within the same sitting; one answered right goes straight to days.
FIRST_STEPS = (datetime.timedelta(minutes=10),)
RELEARNING_STEPS = (datetime.timedelta(minutes=10),)
# The rules change and recertification comes yearly: nothing waits longer than a year.
LONGEST_INTERVAL_DAYS = 365
DESIRED_RETENTION = 0.9

SCHEDULER = Scheduler(
    parameters=DEFAULT_PARAMETERS,
    desired_retention=DESIRED_RETENTION,
    learning_steps=FIRST_STEPS,
    relearning_steps=RELEARNING_STEPS,
    maximum_interval=LONGEST_INTERVAL_DAYS,
    enable_fuzzing=False,
)

# The forgetting curve of `retrievability`, R = (1 + FACTOR * days / stability) ** DECAY, with
# days the whole days since the last review: named here so that the database can average it
# over many cards (courses.review.selectors) exactly as the scheduler computes it for one.
DECAY = -DEFAULT_PARAMETERS[20]
FACTOR = 0.9 ** (1 / DECAY) - 1

SECONDS_PER_DAY = 86_400
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Memory:
    state: State
    step: int | None  # the first (or relearning) step it is on; None once in review
    stability: float
    difficulty: float
    due: datetime.datetime
    last_review: datetime.datetime


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("a review moment needs its time zone")
    return moment.astimezone(datetime.UTC)


def _card(memory: Memory) -> Card:
    # A card id of our own: without one, fsrs makes one from the clock, and waits a millisecond.
    return Card(
        card_id=0,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due),
        last_review=_utc(memory.last_review),
    )


@cache
def _first(rating: Rating) -> tuple[Card, datetime.timedelta]:
    # A first review depends on its rating alone: the card it makes at one moment is the card
    # it makes at any other, moved by as much. Quiz submissions review many cards at once.
    card, _ = SCHEDULER.review_card(Card(card_id=0, due=EPOCH), rating, review_datetime=EPOCH)
    return card, card.due - EPOCH


def review(memory: Memory | None, rating: Rating, *, at: datetime.datetime) -> Memory:
    """The card's memory after a review at `at` with `rating` (None: its first review)."""
    at = _utc(at)
    if memory is None:
        card, interval = _first(rating)
        return Memory(
            State(card.state), card.step, card.stability, card.difficulty, at + interval, at
        )
    card, _ = SCHEDULER.review_card(_card(memory), rating, review_datetime=at)
    return Memory(
        state=State(card.state),
        step=card.step,
        stability=float(card.stability),
        difficulty=float(card.difficulty),
        due=card.due,
        last_review=card.last_review,
    )


def retrievability(memory: Memory, *, at: datetime.datetime) -> float:
    """The chance, between 0 and 1, that the card is recalled at `at`."""
    return SCHEDULER.get_card_retrievability(_card(memory), current_datetime=_utc(at))


def rating_for(points: Fraction | float) -> Rating:
    """A question's score (0 to 1) as a rating: fully right Good, partly right Hard, wrong Again."""
    if points >= 1:
        return Rating.Good
    if points > 0:
        return Rating.Hard
    return Rating.Again


def days_since_epoch(moment: datetime.datetime) -> float:
    """A moment as days since 1970 (UTC), the scale the database measures forgetting on."""
    return _utc(moment).timestamp() / SECONDS_PER_DAY


def moment_of(days: float) -> datetime.datetime:
    """The moment `days_since_epoch` gave `days` for, to the microsecond (a double holds days
    to well under half a microsecond for centuries to come)."""
    return EPOCH + datetime.timedelta(days=days)


# Below the recall the scheduler aims for, a card is overdue; well below it, mostly forgotten.
FADING = 0.7


def band(value: float) -> str:
    """Mastery (an average retrievability) in a word, for colour and for the legend: strong
    at or above the recall the scheduler aims for, fading below it, weak below FADING."""
    if value >= DESIRED_RETENTION:
        return "strong"
    if value >= FADING:
        return "fading"
    return "weak"
