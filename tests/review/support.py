"""Review cards made the way a rep makes them (by taking quizzes), and answers to them as a
session shows them."""

from __future__ import annotations

import datetime

import pytest

from courses.curriculum.loading import load_curriculum
from courses.models import Choice, Quiz, ReviewCard
from courses.review import asking
from tests.factories import QUESTION_SECONDS, take_quiz
from tests.support import QUIZ

MET = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
KEYS = ("registry-permanent", "local-time", "consent-elements", "scrub-days")


@pytest.fixture
def quiz(db, builder):
    """The test quiz: all four questions drawn."""
    builder.with_quiz(text=QUIZ)
    load_curriculum(builder.root)
    return Quiz.objects.get()


def meet(user, quiz, wrong=(), *, at=MET):
    """Take the quiz, right except for the questions keyed in `wrong`, submitting at `at`."""
    took = datetime.timedelta(seconds=QUESTION_SECONDS * quiz.draw_count)
    return take_quiz(user, quiz, list(wrong), at=at - took)


def card(user, key: str) -> ReviewCard:
    return ReviewCard.objects.select_related("question").get(user=user, question__key=key)


def picks(card: ReviewCard, *, right: bool = True, number: int = 1) -> dict[str, list[str]]:
    """The form values answering the card right (or wrong), as question `number` of a session
    shows it."""
    shown = asking.asked(card, number=number).question
    correct = set(
        Choice.objects.filter(question=card.question_id, is_correct=True).values_list(
            "text", flat=True
        )
    )
    indexes = [str(c.index) for c in shown.choices if (c.text in correct) == right]
    if card.question.kind != "multiple" or not right:
        indexes = indexes[:1]
    return {f"q{number}": indexes}
