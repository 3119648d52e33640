"""How a card is asked and graded: the one place where a card's kind decides it.

A question card is asked exactly as its quiz asks the question (the same choices in a shuffled
order, named by their place in it, the same form and partial) and scored by the quiz's engine,
with the quiz's own partial-credit setting. Its feedback is the quiz review's: right or wrong,
the explanation and the rule, and the right answer where the quiz's review policy shows it.

A rule card is made by practice in the dialing drill (`services.practised`). A session can ask
one only with a lead card dealt for its rule, which the drill provides; until a session can,
rule cards are neither asked nor counted as due (they do count towards mastery). Asking them
means: widening ASKABLE (and My training's written-out count, `selectors.review_today`, which a
test holds to it), and a branch in `asked`, `graded` and `feedback`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Prefetch, Q

from courses.curriculum.models import published_step
from courses.models import Choice, Question, QuizAttempt
from courses.quizzes import scoring
from courses.quizzes import services as quizzes  # as a module: submitting a quiz reviews cards
from courses.quizzes.selectors import ShownChoice, ShownQuestion
from courses.review.models import ReviewCard, ReviewLog
from courses.review.scheduling import Rating

# The cards a session asks: those of questions still in a published quiz.
ASKABLE = Q(question__isnull=False, question__retired_at__isnull=True) & published_step(
    "question__quiz__step__"
)


class NotAnswerable(Exception):
    """The answer cannot be graded; the message says why."""


@dataclass(frozen=True)
class Graded:
    points: Fraction
    correct: bool
    picked: list[int]  # choice ids


def _question(card: ReviewCard) -> Question:
    live = Choice.objects.filter(retired_at__isnull=True)
    return (
        Question.objects.select_related("quiz", "scenario")
        .prefetch_related(Prefetch("choices", queryset=live))
        .get(pk=card.question_id)
    )


def _order(question: Question, card_id: int, reviews: int) -> list[int]:
    # The same order for as long as the card is at this review, so that a reload shows it as
    # before and the answer posted refers to what was shown.
    return quizzes.choice_order(question, random.Random(f"{card_id}:{reviews}"))


def _shown(question: Question, order: Sequence[int], number: int) -> ShownQuestion:
    scenario = question.scenario.text if question.scenario_id else ""
    choices = {choice.pk: choice for choice in question.choices.all()}
    return ShownQuestion(
        item_id=question.pk,
        position=number,
        kind=question.kind,
        kind_label=question.get_kind_display(),
        prompt=question.prompt,
        scenario=scenario,
        new_scenario=bool(scenario),
        choices=[
            ShownChoice(index, choices[choice_id].text, False)
            for index, choice_id in enumerate(order)
        ],
    )


def asked(card: ReviewCard, *, number: int) -> ShownQuestion:
    """The card as the page asks it, as question `number` of the session: nothing of its
    answer."""
    question = _question(card)
    return _shown(question, _order(question, card.pk, card.reviews), number)


def graded(card: ReviewCard, raw: Mapping[str, Sequence[str]], *, number: int) -> Graded:
    """The answer posted for the card shown as question `number` (form values `q<number>`),
    scored as its quiz scores it. Refuses an answer that names anything not offered."""
    question = _question(card)
    order = _order(question, card.pk, card.reviews)
    drawn = quizzes.Drawn(card.pk, number, question.kind, order, question.pk)
    try:
        picked = quizzes.parse_answers([drawn], raw)[card.pk]
    except quizzes.QuizRefused as refused:
        raise NotAnswerable(str(refused)) from None
    if not picked:
        raise NotAnswerable("Choose an answer first: the right one is shown once you have.")
    keys = {choice.pk: choice.key for choice in question.choices.all()}
    result = scoring.score_question(
        quizzes.as_scoring_question(question),
        [keys[choice_id] for choice_id in picked],
        partial_credit=question.quiz.partial_credit,
    )
    return Graded(result.points, result.is_correct, picked)


def feedback(log: ReviewLog, *, user, number: int) -> ShownQuestion:
    """A review answer as the quiz review shows one: what was picked, right or wrong, the
    explanation and the rule, and the keyed choices where the quiz's review policy allows."""
    card = log.card
    question = _question(card)
    order = _order(question, card.pk, log.number - 1)
    shown = _shown(question, order, number)
    attempts = list(QuizAttempt.objects.filter(user=user, quiz=question.quiz_id))
    key = quizzes.answer_key_shown(quiz=question.quiz, attempts=attempts)
    choices = {choice.pk: choice for choice in question.choices.all()}
    picked = set(log.answer)
    for choice_id, entry in zip(order, shown.choices, strict=True):
        entry.selected = choice_id in picked
        if key:
            entry.correct = choices[choice_id].is_correct
            entry.feedback = choices[choice_id].feedback
    shown.explanation = question.explanation
    shown.citation = question.citation
    shown.is_correct = log.correct
    shown.points = log.rating == Rating.Hard  # partly right, shown as the quiz review shows it
    return shown
