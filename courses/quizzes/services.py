"""Quiz attempts: start (draw), keep answers, submit (score once)."""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from courses.models import Answer, AttemptQuestion, Choice, Question, Quiz, QuizAttempt, Step
from courses.platform import sql
from courses.progress.read_model import refresh
from courses.progress.services import step_complete
from courses.quizzes import scoring
from courses.quizzes.selectors import AnswerKey, quiz_answer_key
from courses.review import services as review_cards  # as a module: review asks as quizzes do

# Answers that arrive a moment after the deadline (a slow network) still count.
DEADLINE_GRACE = datetime.timedelta(seconds=15)

# The fields a submission writes on its attempt.
GRADED = ("submitted_at", "timed_out", "points", "max_points", "percent", "passed")


class QuizRefused(Exception):
    """The action is not allowed; the message says why, in words a rep understands."""


class UnansweredQuestions(Exception):
    """A submission left questions blank and was not confirmed: nothing was submitted. The
    answers posted with it were kept; `positions` are the blank questions' numbers."""

    def __init__(self, positions: Sequence[int]):
        super().__init__(f"{len(positions)} unanswered")
        self.positions = list(positions)


@dataclass(frozen=True)
class Availability:
    open_attempt: QuizAttempt | None
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    wait_until: datetime.datetime | None
    passed: bool
    refusal: str  # why a new attempt cannot start now; empty when it can

    @property
    def can_start(self) -> bool:
        return not self.refusal

    @property
    def waiting(self) -> bool:
        """Whether only the wait after a failed attempt keeps a new one from starting now."""
        return self.wait_until is not None and self.open_attempt is None and self.attempts_left != 0


def quiz_availability(
    *, user, quiz: Quiz, attempts: Sequence[QuizAttempt], now: datetime.datetime
) -> Availability:
    """Whether `user` may start an attempt now, given their attempts on the quiz."""
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    used = len(attempts)
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)
    submitted = [a for a in attempts if a.submitted_at is not None]
    passed = any(a.passed for a in submitted)
    last = max(submitted, key=lambda a: a.submitted_at, default=None)
    wait_until = None
    if last is not None and not last.passed and quiz.wait_minutes:
        wait_until = last.submitted_at + datetime.timedelta(minutes=quiz.wait_minutes)
        if wait_until <= now:
            wait_until = None
    refusal = ""
    if open_attempt is not None:
        refusal = _("You already have an attempt in progress.")
    elif left == 0:
        refusal = _("You have used all your attempts at this quiz. Ask your manager for help.")
    elif wait_until is not None:
        local = timezone.localtime(wait_until)
        refusal = _("You can try again at %(moment)s.") % {
            "moment": dateformat.format(local, "g:i a (j M)")
        }
    return Availability(open_attempt, used, left, wait_until, passed, refusal)


def answer_key_shown(*, quiz: Quiz, attempts: Sequence[QuizAttempt]) -> bool:
    """Whether the person who made `attempts` may see the quiz's answer key in a review.

    Under the `key_after_pass` policy a failed attempt shows which questions were wrong, with
    the rule and its explanation, but not the keyed choices: the next attempt must test what
    the rep understood, not what they remember of the key. The key is shown once they pass or
    have no attempts left.
    """
    if quiz.review == Quiz.Review.FULL:
        return True
    submitted = [a for a in attempts if a.submitted_at is not None]
    if any(a.passed for a in submitted):
        return True
    return (
        quiz.max_attempts is not None
        and len(attempts) >= quiz.max_attempts
        and all(a.submitted_at is not None for a in attempts)
    )


def _rng() -> random.Random:
    return random.Random(secrets.randbits(64))


def _bank(quiz: Quiz) -> list[Question]:
    questions = quiz.questions.filter(retired_at__isnull=True).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.filter(retired_at__isnull=True))
    )
    return list(questions)


def as_scoring_question(question: Question) -> scoring.Question:
    """A question of the bank (its live choices prefetched) as the scoring engine reads it."""
    choices = list(question.choices.all())
    return scoring.Question(
        key=question.key,
        kind=scoring.Kind(question.kind),
        choices=tuple(c.key for c in choices),
        correct=frozenset(c.key for c in choices if c.is_correct),
        tags=tuple(question.tags),
    )


def choice_order(question: Question, rng: random.Random) -> list[int]:
    """The ids of the question's live choices (prefetched) in the order they are shown."""
    choices = list(question.choices.all())
    if question.kind == Question.Kind.TRUE_FALSE:
        # "True" before "False", as people expect to read them.
        return [c.pk for c in sorted(choices, key=lambda c: c.key != "true")]
    return [c.pk for c in scoring.shuffled(choices, rng)]


@transaction.atomic
def quiz_attempt_start(
    *, user, quiz: Quiz, now: datetime.datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """Start an attempt, fixing its questions, their order and each question's choice order.

    If an attempt is already open, that one is returned: reloading or double-clicking never
    starts a second attempt.
    """
    now = now or timezone.now()
    attempts = list(QuizAttempt.objects.filter(user=user, quiz=quiz))
    for attempt in attempts:
        if attempt.submitted_at is None:
            attempt.user = user
            quiz_attempt_finish_if_expired(attempt=attempt, now=now)  # then holds its grade
    availability = quiz_availability(user=user, quiz=quiz, attempts=attempts, now=now)
    if availability.open_attempt is not None:
        return availability.open_attempt
    if not availability.can_start:
        raise QuizRefused(availability.refusal)

    rng = rng or _rng()
    bank = {question.key: question for question in _bank(quiz)}
    drawn = scoring.draw_questions(
        [as_scoring_question(question) for question in bank.values()],
        min(quiz.draw_count, len(bank)),
        min_per_tag=quiz.min_per_tag,
        rng=rng,
    )
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                quiz=quiz,
                number=len(attempts) + 1,
                started_at=now,
                deadline=(
                    now + datetime.timedelta(minutes=quiz.time_limit_minutes)
                    if quiz.time_limit_minutes
                    else None
                ),
                content_version=quiz.step.module.content_version,
                pass_mark=quiz.pass_mark,
            )
    except IntegrityError:
        # Another request started it a moment ago: use that one.
        return QuizAttempt.objects.get(user=user, quiz=quiz, submitted_at__isnull=True)
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            position=position,
            question=bank[question.key],
            choice_order=choice_order(bank[question.key], rng),
        )
        for position, question in enumerate(drawn, start=1)
    )
    return attempt


def _is_expired(attempt: QuizAttempt, now: datetime.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


class Drawn(NamedTuple):
    """One question of an attempt, as answering and scoring it need it."""

    pk: int  # the attempt's item
    position: int
    kind: str
    choice_order: list[int]
    question_id: int


def _drawn(attempt: QuizAttempt, content_version: str) -> tuple[AnswerKey, list[Drawn]]:
    """The answer key of the quiz's bank at its module's current `content_version`, and the
    attempt's questions in order, each with its kind from the key (a question's kind is
    content, like its choices)."""
    rows = list(
        attempt.items.order_by("position").values_list(
            "pk", "position", "question_id", "choice_order"
        )
    )
    answer_key = quiz_answer_key(
        attempt.quiz_id, content_version, (choice_id for row in rows for choice_id in row[3])
    )
    return answer_key, [
        Drawn(pk, position, answer_key.kinds[question_id], choice_order, question_id)
        for pk, position, question_id, choice_order in rows
    ]


def parse_answers(items: Sequence[Drawn], raw: Mapping[str, Sequence[str]]) -> dict[int, list[int]]:
    """Turn posted form values into {item id: [choice id, ...]}, refusing anything not offered.

    The form names a question by its position (`q3`) and a choice by its position in that
    question's shuffled order, so the page never reveals choice identities.
    """
    answers: dict[int, list[int]] = {}
    positions = {f"q{item.position}": item for item in items}
    for name in raw:
        if name.startswith("q") and name not in positions:
            raise QuizRefused(_("Your answers name a question that is not in this attempt."))
    for name, item in positions.items():
        values = raw.get(name, [])
        picked: list[int] = []
        for value in values:
            # ASCII digits, and few of them: "²".isdigit() is true but int() refuses it, and
            # int() refuses thousands of digits too.
            number = value.isascii() and value.isdigit() and len(value) <= 6
            if not number or int(value) >= len(item.choice_order):
                raise QuizRefused(
                    _("Question %(number)s: that answer is not one of its choices.")
                    % {"number": item.position}
                )
            choice_id = item.choice_order[int(value)]
            if choice_id not in picked:
                picked.append(choice_id)
        if len(picked) > 1 and item.kind != "multiple":
            raise QuizRefused(
                _("Question %(number)s: choose only one answer.") % {"number": item.position}
            )
        answers[item.pk] = picked
    return answers


def _open_attempt_for_update(*, user, attempt_id: int) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("quiz", "quiz__step", "quiz__step__module")
        .get(pk=attempt_id, user=user)
    )
    attempt.user = user  # already loaded: no need to read it again
    return attempt


# A submission's writes hold the database's write lock: written out, see courses.platform.sql.
_CLAIM = (
    "UPDATE {attempt} SET {attempt.submitted_at} = %s, {attempt.timed_out} = %s, "
    "{attempt.points} = %s, {attempt.max_points} = %s, {attempt.percent} = %s, "
    "{attempt.passed} = %s WHERE {attempt.id} = %s AND {attempt.submitted_at} IS NULL"
)
_SCORE_ITEM = "UPDATE {item} SET {item.points} = %s, {item.is_correct} = %s WHERE {item.id} = %s"
_CLEAR_ANSWERS = "DELETE FROM {answer} WHERE {answer.item} = %s"
_ADD_ANSWER = "INSERT INTO {answer} ({answer.item}, {answer.choice}) VALUES (%s, %s)"


def _claim(attempt_id: int, graded: Mapping) -> bool:
    """Grade the attempt if it is still open; only one claim can succeed."""
    values = [graded[name] for name in GRADED]
    return bool(sql.execute(_CLAIM, [*values, attempt_id], attempt=QuizAttempt))


def _record_item_scores(scores: Mapping[int, tuple[float, bool]]) -> None:
    sql.execute_many(
        _SCORE_ITEM,
        [
            (Decimal(str(points)), is_correct, item_id)
            for item_id, (points, is_correct) in scores.items()
        ],
        item=AttemptQuestion,
    )


def _store_answers(answers: Mapping[int, list[int]]) -> None:
    """Replace the answers of the items in `answers` (item id: choice ids)."""
    sql.execute_many(_CLEAR_ANSWERS, [(item_id,) for item_id in answers], answer=Answer)
    sql.execute_many(
        _ADD_ANSWER,
        [(item_id, choice_id) for item_id, picked in answers.items() for choice_id in picked],
        answer=Answer,
    )


@transaction.atomic
def quiz_answer_save(
    *,
    user,
    attempt_id: int,
    raw_answers: Mapping[str, Sequence[str]],
    now: datetime.datetime | None = None,
) -> QuizAttempt:
    """Keep the answers given so far; the attempt stays open. Refused once it is over."""
    now = now or timezone.now()
    attempt = _open_attempt_for_update(user=user, attempt_id=attempt_id)
    if attempt.submitted_at is not None:
        raise QuizRefused(
            _("This attempt has already been submitted; answers can no longer change.")
        )
    if _is_expired(attempt, now):
        raise QuizRefused(_("Time is up for this attempt; answers can no longer change."))
    _key, items = _drawn(attempt, attempt.quiz.step.module.content_version)
    _store_answers(parse_answers(items, raw_answers))
    return attempt


def quiz_attempt_submit(
    *,
    user,
    attempt_id: int,
    raw_answers: Mapping[str, Sequence[str]] | None,
    confirmed: bool = True,
    now: datetime.datetime | None = None,
) -> tuple[QuizAttempt, bool]:
    """Submit an attempt and score it, once.

    Returns the attempt and whether this call graded it. A repeated or concurrent submission
    finds it already graded and changes nothing. After the deadline, newly posted answers are
    ignored and the answers saved in time are scored.

    Unless `confirmed`, posted answers that leave questions blank are kept (as saving them
    does) and UnansweredQuestions is raised instead: the rep is asked first. Once confirmed,
    the blanks are scored, as wrong.

    Everything is read and scored first; the writes then start by claiming the attempt (only
    one claim can succeed), so the database's write lock is held for the writes alone.
    """
    now = now or timezone.now()
    # With its quiz, and the id and content version of the quiz's module (the version names
    # the question bank). The step a pass completes is read only when it does.
    attempt = (
        QuizAttempt.objects.select_related("quiz")
        .annotate(
            module_id=F("quiz__step__module_id"),
            module_version=F("quiz__step__module__content_version"),
        )
        .get(pk=attempt_id, user=user)
    )
    attempt.user = user
    if attempt.submitted_at is not None:
        return attempt, False
    answer_key, items = _drawn(attempt, attempt.module_version)
    timed_out = _is_expired(attempt, now)
    if raw_answers is not None and not timed_out:
        answers = parse_answers(items, raw_answers)
        blank = [item.position for item in items if not answers[item.pk]]
        if blank and not confirmed:
            quiz_answer_save(user=user, attempt_id=attempt.pk, raw_answers=raw_answers, now=now)
            raise UnansweredQuestions(blank)
    else:
        answers = {item.pk: [] for item in items}
        for item_id, choice_id in Answer.objects.filter(item_id__in=list(answers)).values_list(
            "item_id", "choice_id"
        ):
            answers[item_id].append(choice_id)
    result, scores = _score(attempt, answer_key, items, answers)
    step = (
        Step.objects.select_related("module").get(pk=attempt.quiz.step_id)
        if result.passed
        else None
    )
    graded = {  # GRADED, with this submission's values
        "submitted_at": now,
        "timed_out": timed_out,
        "points": Decimal(str(round(float(result.points), 3))),
        "max_points": result.max_points,
        "percent": result.percent,
        "passed": result.passed,
    }
    with transaction.atomic():
        if not _claim(attempt.pk, graded):
            attempt.refresh_from_db()
            return attempt, False
        if raw_answers is not None and not timed_out:
            _store_answers(answers)
        _record_item_scores(scores)
        # Each question met becomes the person's review card, or moves it.
        review_cards.questions_met(
            user_id=user.pk,
            outcomes=[(item.question_id, scores[item.pk][0]) for item in items],
            at=now,
        )
        completed = False
        if step is not None:
            _completion, completed = step_complete(
                user=user, step=step, started_at=attempt.started_at, now=now
            )
        if not completed:  # a completion made now has refreshed the row, this result in it
            refresh(
                user_id=user.pk,
                module_id=attempt.module_id,
                attempt_percent=result.percent,
                moment=now,
            )
    for name, value in graded.items():
        setattr(attempt, name, value)
    return attempt, True


def quiz_attempt_finish_if_expired(*, attempt: QuizAttempt, now: datetime.datetime | None = None):
    """Grade an open attempt whose time ran out, with the answers saved in time. When this call
    graded it, `attempt` then holds its grade (its related rows stay loaded)."""
    now = now or timezone.now()
    if attempt.submitted_at is not None or not _is_expired(attempt, now):
        return False
    submitted, graded = quiz_attempt_submit(
        user=attempt.user, attempt_id=attempt.pk, raw_answers=None, now=now
    )
    if graded:
        for name in GRADED:
            setattr(attempt, name, getattr(submitted, name))
    return graded


def _score(
    attempt: QuizAttempt,
    answer_key: AnswerKey,
    items: Sequence[Drawn],
    answers: Mapping[int, list[int]],
) -> tuple[scoring.QuizResult, dict[int, tuple[float, bool]]]:
    """Score the answers with the engine: the result, and each item's points and whether it
    was right.

    The keyed choices come from the quiz's answer key at its module's current content version
    (as the database holds them now; usually already in the content cache).
    """
    choices = answer_key.choices  # by id: (key, is_correct)

    def scoring_key(choice_id: int) -> str:
        # True/false questions are scored on their "true"/"false" keys; others on choice ids.
        key = choices[choice_id][0]
        return key if key in scoring.TRUE_FALSE_CHOICES else str(choice_id)

    questions = [
        scoring.Question(
            key=str(item.pk),
            kind=scoring.Kind(item.kind),
            choices=tuple(scoring_key(cid) for cid in item.choice_order),
            correct=frozenset(scoring_key(cid) for cid in item.choice_order if choices[cid][1]),
        )
        for item in items
    ]
    result = scoring.score_attempt(
        questions,
        {str(item.pk): [scoring_key(cid) for cid in answers[item.pk]] for item in items},
        pass_mark=attempt.pass_mark,
        partial_credit=attempt.quiz.partial_credit,
    )
    by_key = {r.key: r for r in result.questions}
    scores = {}
    for item in items:
        outcome = by_key[str(item.pk)]
        scores[item.pk] = (round(float(outcome.points), 3), outcome.is_correct)
    return result, scores
