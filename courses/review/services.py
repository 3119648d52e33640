"""Review cards made and moved by each review, as FSRS schedules them (courses.review.scheduling).

Three kinds of review: meeting a question in a quiz (`questions_met`, inside the submission's
transaction), answering a card in a review session (`card_review`) and practising a rule in
the dialing drill (`practised`). Session and drill answers are logged; a quiz's answers are
recorded by the quiz itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from courses.models import Rule
from courses.platform import sql
from courses.review import asking, scheduling
from courses.review.models import ReviewCard, ReviewLog
from courses.review.scheduling import Memory, Rating

# The fields of a card that hold its memory, in Memory's order.
MEMORY = ("state", "step", "stability", "difficulty", "due", "last_review")


class ReviewRefused(Exception):
    """The answer is not taken; the message says why, in words a rep understands."""


def memory_of(card: ReviewCard) -> Memory:
    return Memory(*(getattr(card, name) for name in MEMORY))


def _columns(memory: Memory) -> tuple:
    """A memory as the written-out statements write it: MEMORY's columns, then the last review
    in days."""
    return (
        int(memory.state),
        memory.step,
        memory.stability,
        memory.difficulty,
        memory.due,
        memory.last_review,
        scheduling.days_since_epoch(memory.last_review),
    )


def _remember(card: ReviewCard, memory: Memory) -> None:
    for name in MEMORY:
        setattr(card, name, getattr(memory, name))
    card.last_review_days = scheduling.days_since_epoch(memory.last_review)
    card.reviews += 1


# A submission's reads and writes hold the database's write lock: written out, see
# courses.platform.sql. One statement reads what the scheduler needs of the person's cards for
# the questions met (numbers only, which every database returns as they are: the last review
# as the days the database measures forgetting in; the old due date plays no part)...
_MET_BEFORE = (
    "SELECT {card.question}, {card.state}, {card.step}, {card.stability}, {card.difficulty}, "
    "{card.last_review_days} FROM {card} "
    "WHERE {card.user} = %s AND {card.question} IN ({questions})"
)
# ...and one makes the cards met for the first time and moves the others.
_MEET = (
    "INSERT INTO {card} ({card.user}, {card.question}, {card.state}, {card.step}, "
    "{card.stability}, {card.difficulty}, {card.due}, {card.last_review}, "
    "{card.last_review_days}, {card.reviews}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1) "
    "ON CONFLICT ({card.user}, {card.question}) DO UPDATE SET "
    "{card.state} = excluded.{card.state}, {card.step} = excluded.{card.step}, "
    "{card.stability} = excluded.{card.stability}, "
    "{card.difficulty} = excluded.{card.difficulty}, {card.due} = excluded.{card.due}, "
    "{card.last_review} = excluded.{card.last_review}, "
    "{card.last_review_days} = excluded.{card.last_review_days}, "
    "{card.reviews} = {card}.{card.reviews} + 1"
)


@transaction.atomic(savepoint=False)
def questions_met(
    *, user_id: int, outcomes: Sequence[tuple[int, Fraction | float]], at: datetime.datetime
) -> None:
    """Each question of a submitted attempt (question id, points from 0 to 1) becomes the
    person's card, or moves it: reviewed at `at`, rated by its score.

    Two statements, however many questions: the person's cards for them are read, then all are
    written at once. Inside the submission's transaction (and no savepoint of its own), so a
    submission that does not count changes no card.
    """
    question_ids = [question_id for question_id, _ in outcomes]
    if not question_ids:
        return
    read = _MET_BEFORE.replace("{questions}", ", ".join(["%s"] * len(question_ids)))
    known = {}
    for question_id, state, step, stability, difficulty, days in sql.values(
        read, [user_id, *question_ids], card=ReviewCard
    ):
        last_review = scheduling.moment_of(days)
        known[question_id] = Memory(state, step, stability, difficulty, last_review, last_review)
    rows = []
    for question_id, points in outcomes:
        memory = scheduling.review(known.get(question_id), scheduling.rating_for(points), at=at)
        rows.append((user_id, question_id, *_columns(memory)))
    sql.execute_many(_MEET, rows, card=ReviewCard)


# A session's answer moves its card only if nobody has answered it since it was read: one
# statement, written out, that changes nothing when the card has moved on.
_ANSWER = (
    "UPDATE {card} SET {card.state} = %s, {card.step} = %s, {card.stability} = %s, "
    "{card.difficulty} = %s, {card.due} = %s, {card.last_review} = %s, "
    "{card.last_review_days} = %s, {card.reviews} = %s "
    "WHERE {card.id} = %s AND {card.reviews} = %s"
)
ALREADY_ANSWERED = gettext_lazy("You have already answered this card; each answer counts once.")


def card_review(
    *,
    user,
    card_id: int,
    seen: int,
    raw_answers,
    number: int,
    now: datetime.datetime,
) -> ReviewLog:
    """Grade the answer to one of the person's due cards, as it was shown (after `seen`
    reviews, as question `number` of the session), and schedule it again.

    Raises ReviewCard.DoesNotExist for a card that is not theirs or not asked, and
    ReviewRefused for one already answered (a double submit), not due, or an answer that
    names anything not offered; nothing changes then. Each review is logged once.

    The answer is graded before the write begins, so the write holds the database's write
    lock for two statements: the card moved if it still stands where it was read, and the log.
    """
    card = asking.askable_card(user=user, card_id=card_id)
    if card is None:
        raise ReviewCard.DoesNotExist("No such card in the person's review.")
    if card.reviews != seen:
        raise ReviewRefused(ALREADY_ANSWERED)
    if card.due > now:
        raise ReviewRefused(gettext("This card is not due for review yet."))
    try:
        graded = asking.graded(card, raw_answers, number=number)
    except asking.NotAnswerable as refused:
        raise ReviewRefused(str(refused)) from None
    rating = scheduling.rating_for(graded.points)
    memory = scheduling.review(memory_of(card), rating, at=now)
    _remember(card, memory)
    with transaction.atomic():
        moved = [*_columns(memory), card.reviews, card.pk, seen]
        if not sql.execute(_ANSWER, moved, card=ReviewCard):
            raise ReviewRefused(ALREADY_ANSWERED)
        return ReviewLog.objects.create(
            card=card,
            number=card.reviews,
            rating=rating,
            correct=graded.correct,
            answer=graded.picked,
            reviewed_at=now,
        )


# A drill answer's reads and writes hold the write lock too: written out the same way. The
# rules' ids for the slugs practised...
_RULE_IDS = "SELECT {rule.slug}, {rule.id} FROM {rule} WHERE {rule.slug} IN ({slugs})"
# ...what the scheduler needs of the person's cards for those rules, locked in one order where
# the database locks rows, so that two answers of the same person queue rather than deadlock...
_PRACTISED_BEFORE = (
    "SELECT {card.rule}, {card.state}, {card.step}, {card.stability}, {card.difficulty}, "
    "{card.last_review_days} FROM {card} "
    "WHERE {card.user} = %s AND {card.rule} IN ({rules}) ORDER BY {card.rule}"
)
# ...one statement makes the cards practised for the first time and moves the others, each by
# as many reviews as it had answers, and returns what the log needs...
_PRACTISE = (
    "INSERT INTO {card} ({card.user}, {card.rule}, {card.state}, {card.step}, "
    "{card.stability}, {card.difficulty}, {card.due}, {card.last_review}, "
    "{card.last_review_days}, {card.reviews}) VALUES {rows} "
    "ON CONFLICT ({card.user}, {card.rule}) WHERE {card.rule} IS NOT NULL DO UPDATE SET "
    "{card.state} = excluded.{card.state}, {card.step} = excluded.{card.step}, "
    "{card.stability} = excluded.{card.stability}, "
    "{card.difficulty} = excluded.{card.difficulty}, {card.due} = excluded.{card.due}, "
    "{card.last_review} = excluded.{card.last_review}, "
    "{card.last_review_days} = excluded.{card.last_review_days}, "
    "{card.reviews} = {card}.{card.reviews} + excluded.{card.reviews} "
    "RETURNING {card.rule}, {card.id}, {card.reviews}"
)
_CARD_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
# ...and one logs every answer (a practice answer picks no choices).
_LOG = (
    "INSERT INTO {log} ({log.card}, {log.number}, {log.rating}, {log.correct}, {log.answer}, "
    "{log.reviewed_at}) VALUES {rows}"
)
_LOG_ROW = "(%s, %s, %s, %s, '[]', %s)"


@transaction.atomic(savepoint=False)
def practised(*, user, outcomes: Iterable[tuple[str, bool]], at: datetime.datetime) -> None:
    """Practice of rules (rule slug, answered right) reviews the person's cards for those
    rules at `at`, making the cards they do not have yet; each answer is logged.

    A slug the catalogue does not hold gets no card: a rule is remembered only as the catalogue
    states it (the calling-rules engine's ids are all in the loaded catalogue, as its tests hold).

    Four statements, however many rules: their ids, the person's cards for them, one write of
    all the cards and one of the log. Inside the drill answer's transaction (and no savepoint of
    its own), so an answer that is refused changes no card.
    """
    outcomes = list(outcomes)
    slugs = list(dict.fromkeys(slug for slug, _ in outcomes))
    if not slugs:
        return
    read_ids = _RULE_IDS.replace("{slugs}", ", ".join(["%s"] * len(slugs)))
    rule_ids = dict(sql.values(read_ids, slugs, rule=Rule))
    answers: dict[int, list[tuple[Rating, bool]]] = {}
    for slug, correct in outcomes:
        if slug in rule_ids:
            rating = Rating.Good if correct else Rating.Again
            answers.setdefault(rule_ids[slug], []).append((rating, correct))
    if not answers:
        return
    read = _PRACTISED_BEFORE.replace("{rules}", ", ".join(["%s"] * len(answers)))
    read += sql.for_update(ReviewCard)
    known = {}
    for rule_id, state, step, stability, difficulty, days in sql.values(
        read, [user.pk, *answers], card=ReviewCard
    ):
        last_review = scheduling.moment_of(days)
        known[rule_id] = Memory(state, step, stability, difficulty, last_review, last_review)
    cards = []  # the values of _CARD_ROW, card after card
    for rule_id, reviews in answers.items():
        memory = known.get(rule_id)
        for rating, _ in reviews:
            memory = scheduling.review(memory, rating, at=at)
        cards.extend((user.pk, rule_id, *_columns(memory), len(reviews)))
    write = _PRACTISE.replace("{rows}", ", ".join([_CARD_ROW] * len(answers)))
    logs = []  # the values of _LOG_ROW, answer after answer
    for rule_id, card_id, count in sql.values(write, cards, card=ReviewCard):
        # Numbered from the card's count as written, which ends with this write's answers.
        reviews = answers[rule_id]
        for number, (rating, correct) in enumerate(reviews, start=count - len(reviews) + 1):
            logs.extend((card_id, number, int(rating), correct, at))
    answered = sum(len(reviews) for reviews in answers.values())
    sql.execute(_LOG.replace("{rows}", ", ".join([_LOG_ROW] * answered)), logs, log=ReviewLog)
