"""The quiz engine: score an attempt, draw questions from a bank, check a bank.

Pure Python: no Django, no database, no clock. Randomness comes only from the `random.Random`
the caller passes, so a seeded attempt is reproducible.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import floor

TRUE_FALSE_CHOICES = ("true", "false")


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    choices: tuple[str, ...]
    correct: frozenset[str]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionResult:
    key: str
    selected: frozenset[str]
    correct: frozenset[str]
    points: Fraction
    max_points: int
    is_correct: bool


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]
    points: Fraction
    max_points: int
    percent: Decimal
    passed: bool


def score_question(
    question: Question, selected: Iterable[str], *, partial_credit: bool = False
) -> QuestionResult:
    problems = _question_problems(question)
    if problems:
        raise ValueError(problems[0])
    # A bare string is an iterable of characters: "ab" would silently become {"a", "b"}.
    if isinstance(selected, str):
        raise TypeError(f"question {question.key!r}: selected must be a collection of choice keys")
    picks = frozenset(selected)
    unknown = sorted(picks - set(question.choices))
    if unknown:
        raise ValueError(
            f"question {question.key!r}: {', '.join(map(repr, unknown))} "
            f"{'is' if len(unknown) == 1 else 'are'} not among its choices"
        )
    points = _points(question, picks, partial_credit=partial_credit)
    return QuestionResult(
        key=question.key,
        selected=picks,
        correct=question.correct,
        points=points,
        max_points=1,
        is_correct=points == 1,
    )


def _points(question: Question, picks: frozenset[str], *, partial_credit: bool) -> Fraction:
    if question.kind != Kind.MULTIPLE or not partial_credit:
        return Fraction(1 if picks == question.correct else 0)
    right = len(picks & question.correct)
    wrong = len(picks - question.correct)
    return max(Fraction(0), Fraction(right - wrong, len(question.correct)))


def score_attempt(
    questions: Sequence[Question],
    answers: Mapping[str, Iterable[str]],
    *,
    pass_mark: int,
    partial_credit: bool = False,
) -> QuizResult:
    if not questions:
        raise ValueError("an attempt needs at least one question")
    if not 0 <= pass_mark <= 100:
        raise ValueError(f"pass_mark must be between 0 and 100, it is {pass_mark}")
    duplicates = _duplicates(q.key for q in questions)
    if duplicates:
        raise ValueError(f"duplicate question keys in the attempt: {', '.join(duplicates)}")
    strays = sorted(set(answers) - {q.key for q in questions})
    if strays:
        raise ValueError(f"answers for questions not in the attempt: {', '.join(strays)}")

    results = tuple(
        score_question(q, answers.get(q.key, ()), partial_credit=partial_credit) for q in questions
    )
    points = sum((r.points for r in results), Fraction(0))
    max_points = sum(r.max_points for r in results)
    return QuizResult(
        questions=results,
        points=points,
        max_points=max_points,
        percent=_percent(points, max_points),
        # Exact: a score of 79.96% rounds to "80.0" but does not pass a mark of 80.
        passed=points * 100 >= pass_mark * max_points,
    )


def _percent(points: Fraction, max_points: int) -> Decimal:
    # Round the exact fraction; going through a float or a finite Decimal first could round twice.
    tenths = floor(points * 1000 / max_points + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


def shuffled[T](items: Sequence[T], rng: random.Random) -> list[T]:
    result = list(items)
    rng.shuffle(result)
    return result


def draw_questions(
    bank: Sequence[Question],
    count: int,
    *,
    min_per_tag: Mapping[str, int] | None = None,
    rng: random.Random,
) -> list[Question]:
    minimums = dict(min_per_tag or {})
    if count < 0:
        raise ValueError(f"count must not be negative, it is {count}")
    if count > len(bank):
        raise ValueError(f"cannot draw {count} questions from a bank of {len(bank)}")
    duplicates = _duplicates(q.key for q in bank)
    if duplicates:
        raise ValueError(f"duplicate question keys in the bank: {', '.join(duplicates)}")
    negative = sorted(tag for tag, n in minimums.items() if n < 0)
    if negative:
        raise ValueError(f"negative tag minimums: {', '.join(negative)}")
    # Checked up front so the outcome never depends on which questions the rng happens to pick.
    if sum(minimums.values()) > count:
        raise ValueError(f"the tag minimums add up to {sum(minimums.values())}, more than {count}")

    chosen: list[Question] = []
    remaining = list(bank)
    for tag in sorted(minimums):
        missing = minimums[tag] - sum(tag in q.tags for q in chosen)
        if missing <= 0:
            continue
        candidates = [q for q in remaining if tag in q.tags]
        if len(candidates) < missing:
            raise ValueError(
                f"tag {tag!r} needs {minimums[tag]} questions but the bank has only "
                f"{sum(tag in q.tags for q in bank)}"
            )
        picked = rng.sample(candidates, missing)
        chosen.extend(picked)
        taken = {q.key for q in picked}
        remaining = [q for q in remaining if q.key not in taken]
    chosen.extend(rng.sample(remaining, count - len(chosen)))
    return shuffled(chosen, rng)


def bank_problems(
    bank: Sequence[Question], *, draw: int, min_per_tag: Mapping[str, int], pass_mark: int
) -> list[str]:
    problems: list[str] = []
    if draw < 1:
        problems.append(f"draw must be at least 1, it is {draw}")
    elif draw > len(bank):
        problems.append(f"draw ({draw}) is larger than the bank ({_plural(len(bank), 'question')})")
    for tag in sorted(min_per_tag):
        needed = min_per_tag[tag]
        having = sum(tag in q.tags for q in bank)
        if needed < 0:
            problems.append(f"min_per_tag.{tag}: must not be negative, it is {needed}")
        elif needed > having:
            problems.append(
                f"min_per_tag.{tag}: needs {needed} but only "
                f"{_plural(having, 'question')} {'has' if having == 1 else 'have'} that tag"
            )
    total = sum(min_per_tag.values())
    if total > draw:
        problems.append(f"min_per_tag: the minimums add up to {total}, more than draw ({draw})")
    if not 0 <= pass_mark <= 100:
        problems.append(f"pass_mark must be between 0 and 100, it is {pass_mark}")
    problems.extend(
        f"question {key!r}: the key is used by more than one question"
        for key in _duplicates(q.key for q in bank)
    )
    for question in bank:
        problems.extend(_question_problems(question))
    return problems


def _question_problems(question: Question) -> list[str]:
    prefix = f"question {question.key!r}:"
    if question.kind not in Kind:
        return [f"{prefix} unknown kind {question.kind!r}"]
    problems: list[str] = []
    if len(question.choices) < 2:
        problems.append(f"{prefix} needs at least 2 choices, it has {len(question.choices)}")
    problems.extend(
        f"{prefix} choice {key!r} appears more than once" for key in _duplicates(question.choices)
    )
    if question.kind == Kind.TRUE_FALSE and sorted(question.choices) != sorted(TRUE_FALSE_CHOICES):
        problems.append(
            f"{prefix} a true/false question has exactly the choices 'true' and 'false'"
        )
    problems.extend(
        f"{prefix} correct choice {key!r} is not one of its choices"
        for key in sorted(question.correct - set(question.choices))
    )
    if question.kind == Kind.MULTIPLE:
        if not question.correct:
            problems.append(
                f"{prefix} a multiple-choice question needs at least one correct choice"
            )
    elif len(question.correct) != 1:
        label = "single-choice" if question.kind == Kind.SINGLE else "true/false"
        problems.append(
            f"{prefix} a {label} question needs exactly one correct choice, "
            f"it has {len(question.correct)}"
        )
    return problems


def _duplicates(keys: Iterable[str]) -> list[str]:
    return sorted(key for key, n in Counter(keys).items() if n > 1)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
