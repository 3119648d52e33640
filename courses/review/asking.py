"""How a card is asked and graded: the one place where a card's kind decides it.

A question card is asked exactly as its quiz asks the question (the same choices in a shuffled
order, named by their place in it, the same form and partial) and scored by the quiz's engine,
with the quiz's own partial-credit setting. Its feedback is the quiz review's: right or wrong,
the explanation and the rule, and the right answer where the quiz's review policy shows it.

A rule card (made by practice in the dialing drill, `services.practised`) is asked as the
drill asks: a lead card that tests the rule, dealt anew at each review, to call now, call
later (when, on the lead's clock) or not call. The page names no rule before the answer, and
a rule's cards are not all answered the same way. It is graded by the calling-rules engine,
and its feedback is the drill's: the findings, each with the catalogue's title and citation.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from courses.curriculum.models import published_step
from courses.curriculum.selectors import content_cache
from courses.models import Choice, Course, Module, Question, Quiz, QuizAttempt, Rule, Step
from courses.platform import sql
from courses.practice.cards import Card, Fact, describe
from courses.practice.drill import TESTABLE_RULE_IDS, deal_testing
from courses.practice.forms import LeadAnswerForm
from courses.practice.grading import CHOICES, grade, later_bounds
from courses.practice.selectors import Feedback, lead_feedback
from courses.quizzes import scoring
from courses.quizzes import services as quizzes  # as a module: submitting a quiz reviews cards
from courses.quizzes.selectors import ShownChoice, ShownQuestion
from courses.review.models import ReviewCard, ReviewLog
from courses.review.scheduling import Rating

# The cards a session asks: those of questions still in a published quiz, and those of rules
# still in the catalogue that a lead card can test.
ASKABLE = (
    Q(question__isnull=False, question__retired_at__isnull=True)
    & published_step("question__quiz__step__")
) | Q(rule__retired_at__isnull=True, rule__slug__in=sorted(TESTABLE_RULE_IDS))

# The same rule written out (see courses.platform.sql), for the reads every review page and
# answer makes, which built by the ORM cost several times running them; a test holds the two
# to the same cards. A person's askable cards: FROM this, with the person's id and then
# ASKABLE_SLUGS as its parameters.
ASKABLE_FROM = (
    "FROM {card} "
    "LEFT JOIN {question} ON {question}.{question.id} = {card}.{card.question} "
    "LEFT JOIN {quiz} ON {quiz}.{quiz.id} = {question}.{question.quiz} "
    "LEFT JOIN {step} ON {step}.{step.id} = {quiz}.{quiz.step} "
    "LEFT JOIN {module} ON {module}.{module.id} = {step}.{step.module} "
    "LEFT JOIN {course} ON {course}.{course.id} = {module}.{module.course} "
    "LEFT JOIN {rule} ON {rule}.{rule.id} = {card}.{card.rule} "
    "WHERE {card}.{card.user} = %s AND ("
    "({question}.{question.id} IS NOT NULL AND {question}.{question.retired_at} IS NULL "
    "AND {step}.{step.retired_at} IS NULL AND {module}.{module.retired_at} IS NULL "
    "AND {course}.{course.retired_at} IS NULL) "
    "OR ({rule}.{rule.retired_at} IS NULL AND {rule}.{rule.slug} IN ({slugs})))"
).replace("{slugs}", ", ".join(["%s"] * len(TESTABLE_RULE_IDS)))
ASKABLE_SLUGS = sorted(TESTABLE_RULE_IDS)
ASKABLE_TABLES = {
    "card": ReviewCard,
    "question": Question,
    "quiz": Quiz,
    "step": Step,
    "module": Module,
    "course": Course,
    "rule": Rule,
}


# A card as the askable reads read it: with its question's content version (its module's),
# under which the question is kept (`_question`).
ASKABLE_CARDS = "SELECT {card}.*, {module}.{module.content_version} AS content_version "
_CARD = ASKABLE_CARDS + ASKABLE_FROM + " AND {card}.{card.id} = %s"


def askable_card(*, user, card_id: int, lock: bool = False) -> ReviewCard | None:
    """One of the person's cards a session asks, locked for the answer if `lock`, or None."""
    template = _CARD + (sql.for_update(ReviewCard, of=ReviewCard) if lock else "")
    found = sql.rows(ReviewCard, template, [user.pk, *ASKABLE_SLUGS, card_id], **ASKABLE_TABLES)
    return found[0] if found else None


class NotAnswerable(Exception):
    """The answer cannot be graded; the message says why."""


@dataclass(frozen=True)
class Graded:
    points: Fraction
    correct: bool
    picked: list  # the choice ids picked; for a lead card, the answer and any callback moment


@dataclass(frozen=True)
class LeadShown:
    """A lead card as the page asks it: what it says, and nothing of its answer."""

    number: int
    card: Card
    facts: tuple[Fact, ...]
    callback_first: datetime.datetime
    callback_last: datetime.datetime

    @property
    def choices(self):
        """The three answers, labelled in the language of the page."""
        return [(verdict, _(label)) for verdict, label in CHOICES.items()]


@dataclass(frozen=True)
class Asked:
    """A card as the page asks it: one of the two is given."""

    question: ShownQuestion | None = None
    lead: LeadShown | None = None


@dataclass(frozen=True)
class Told:
    """A review answer's feedback: one of the two is given."""

    question: ShownQuestion | None = None
    lead: Feedback | None = None

    @property
    def correct(self) -> bool:
        return self.lead.right if self.lead else bool(self.question.is_correct)

    @property
    def partly(self) -> bool:
        return self.question is not None and bool(self.question.points)


def _lead(card: ReviewCard, reviews: int) -> Card:
    # A new lead at each review, the same for as long as the card is at this review.
    return deal_testing(card.rule.slug, f"{card.pk}:{reviews}")


def _question(card: ReviewCard) -> Question:
    """The card's question, with its quiz, its case and its live choices.

    It is content, changed only by a load that gives its module a new content version: a card
    read by the askable reads carries that version, and the question is kept in the content
    cache under it, as quiz banks are."""
    version = getattr(card, "content_version", None)
    key = f"review-question:{card.question_id}:{version}"
    if version and (kept := content_cache().get(key)) is not None:
        return kept
    live = Choice.objects.filter(retired_at__isnull=True)
    question = (
        Question.objects.select_related("quiz", "scenario")
        .prefetch_related(Prefetch("choices", queryset=live))
        .get(pk=card.question_id)
    )
    if version:
        content_cache().set(key, question)
    return question


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


def asked(card: ReviewCard, *, number: int) -> Asked:
    """The card as the page asks it, as question `number` of the session: nothing of its
    answer."""
    if card.rule_id:
        lead = _lead(card, card.reviews)
        first, last = later_bounds(lead)
        return Asked(lead=LeadShown(number, lead, describe(lead), first, last))
    question = _question(card)
    return Asked(question=_shown(question, _order(question, card.pk, card.reviews), number))


def graded(card: ReviewCard, raw: Mapping[str, Sequence[str]], *, number: int) -> Graded:
    """The answer posted for the card shown as question `number` (form values `q<number>`),
    scored as its quiz scores it; or, for a lead card, the answer (`choice`, and a callback's
    `callback_date` and `callback_time`) as the engine grades it. Refuses an answer that names
    anything not offered."""
    if card.rule_id:
        return _graded_lead(card, raw)
    question = _question(card)
    order = _order(question, card.pk, card.reviews)
    drawn = quizzes.Drawn(card.pk, number, question.kind, order, question.pk)
    try:
        picked = quizzes.parse_answers([drawn], raw)[card.pk]
    except quizzes.QuizRefused as refused:
        raise NotAnswerable(str(refused)) from None
    if not picked:
        raise NotAnswerable(_("Choose an answer first: the right one is shown once you have."))
    keys = {choice.pk: choice.key for choice in question.choices.all()}
    result = scoring.score_question(
        quizzes.as_scoring_question(question),
        [keys[choice_id] for choice_id in picked],
        partial_credit=question.quiz.partial_credit,
    )
    return Graded(result.points, result.is_correct, picked)


def _graded_lead(card: ReviewCard, raw: Mapping[str, Sequence[str]]) -> Graded:
    form = LeadAnswerForm({name: values[-1] for name, values in raw.items() if values})
    if not form.is_valid():
        if "choice" in form.errors:
            raise NotAnswerable(_("Choose Call now, Call later or Don't call."))
        raise NotAnswerable(next(iter(form.errors.values()))[0])
    choice, callback = form.cleaned_data["choice"], form.cleaned_data["callback"]
    try:
        graded = grade(_lead(card, card.reviews), choice, callback)
    except ValueError:
        raise NotAnswerable(
            _("Set the callback after the lead's time, within the week shown.")
        ) from None
    picked = [choice] + ([callback.isoformat(timespec="minutes")] if callback else [])
    return Graded(Fraction(int(graded.correct)), graded.correct, picked)


def feedback(log: ReviewLog, *, user, number: int) -> Told:
    """A review answer as the quiz review shows one: what was picked, right or wrong, the
    explanation and the rule, and the keyed choices where the quiz's review policy allows; for
    a lead card, as the drill shows one."""
    card = log.card
    if card.rule_id:
        lead = _lead(card, log.number - 1)
        choice, *callback = log.answer
        later = datetime.datetime.fromisoformat(callback[0]) if callback else None
        return Told(lead=lead_feedback(lead, grade(lead, choice, later)))
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
    return Told(question=shown)
