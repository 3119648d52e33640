"""A quiz's question bank as plain values, read once per content version.

Questions and choices change only when the content files are loaded, and a load that changes
anything in a module gives it a new content version; so a quiz and its module's version name
one bank for good, and every page that shows questions can share it (in the content cache).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from courses.curriculum.models import published_step
from courses.curriculum.selectors import content_cache
from courses.models import Answer, AttemptQuestion, Choice, Question, QuizAttempt, Step
from courses.platform.rows import TemplateRow


# Banks are unpickled from the content cache on every page that shows questions: plain (not
# slotted) dataclasses unpickle by setting their __dict__ at once, several times faster.
@dataclass(frozen=True)
class BankQuestion:
    kind: str
    kind_label: str
    prompt: str
    scenario_id: int | None
    scenario: str
    explanation: str
    citation: str


@dataclass(frozen=True)
class BankChoice:
    key: str  # scoring reads it: true/false questions are scored on their "true"/"false" keys
    text: str
    is_correct: bool
    feedback: str


@dataclass(frozen=True)
class Bank:
    questions: dict[int, BankQuestion]  # by question id, retired ones included
    choices: dict[int, BankChoice]  # by choice id


def quiz_bank(quiz_id: int, content_version: str, choice_ids: Iterable[int] = ()) -> Bank:
    """The bank of quiz `quiz_id` as of its module's current `content_version`, holding at
    least `choice_ids` (when it would not, it is read again rather than trusted)."""
    key = f"quiz-bank:{quiz_id}:{content_version}"
    bank = content_cache().get(key)
    if bank is not None and all(choice_id in bank.choices for choice_id in choice_ids):
        return bank
    questions = {
        pk: BankQuestion(
            kind,
            Question.Kind(kind).label,
            prompt,
            scenario_id,
            scenario or "",
            explanation,
            citation,
        )
        for pk, kind, prompt, scenario_id, scenario, explanation, citation in (
            Question.objects.filter(quiz_id=quiz_id).values_list(
                "pk", "kind", "prompt", "scenario_id", "scenario__text", "explanation", "citation"
            )
        )
    }
    choices = {
        pk: BankChoice(key, text, is_correct, feedback)
        for pk, key, text, is_correct, feedback in Choice.objects.filter(
            question__quiz_id=quiz_id
        ).values_list("pk", "key", "text", "is_correct", "feedback")
    }
    bank = Bank(questions, choices)
    content_cache().set(key, bank)
    return bank


@dataclass(frozen=True)
class AnswerKey:
    """What marking an attempt needs of its bank, and no more, so that every submission reads
    a small entry: each question's kind, and each choice's key and whether it is correct."""

    kinds: dict[int, str]  # by question id, retired ones included
    choices: dict[int, tuple[str, bool]]  # by choice id: (key, is_correct)


def quiz_answer_key(
    quiz_id: int, content_version: str, choice_ids: Iterable[int] = ()
) -> AnswerKey:
    """The answer key of quiz `quiz_id`'s bank (`quiz_bank`, same arguments), kept beside it."""
    choice_ids = list(choice_ids)
    key = f"quiz-key:{quiz_id}:{content_version}"
    answer_key = content_cache().get(key)
    if answer_key is not None and all(choice_id in answer_key.choices for choice_id in choice_ids):
        return answer_key
    bank = quiz_bank(quiz_id, content_version, choice_ids)
    answer_key = AnswerKey(
        {pk: question.kind for pk, question in bank.questions.items()},
        {pk: (choice.key, choice.is_correct) for pk, choice in bank.choices.items()},
    )
    content_cache().set(key, answer_key)
    return answer_key


@dataclass
class ShownChoice(TemplateRow):
    index: int
    text: str
    selected: bool
    correct: bool = False
    feedback: str = ""


@dataclass
class ShownQuestion(TemplateRow):
    item_id: int
    position: int
    kind: str
    kind_label: str
    prompt: str
    scenario: str
    new_scenario: bool
    choices: list[ShownChoice] = field(default_factory=list)
    explanation: str = ""
    citation: str = ""
    is_correct: bool | None = None
    points: object = None

    @property
    def answered(self) -> bool:
        return any(choice.selected for choice in self.choices)

    @property
    def input_type(self) -> str:
        return "checkbox" if self.kind == "multiple" else "radio"


def shown_questions(attempt: QuizAttempt, *, key: bool = True) -> list[ShownQuestion]:
    """The attempt's questions as the page shows them.

    Nothing of the answers before it is submitted. After, whether each answer was right, the
    explanation and the rule; and, if `key`, which choices were right and each choice's
    feedback (the review policy decides when a rep may see that).
    """
    items = list(
        attempt.items.order_by("position").values_list(
            "pk", "position", "question_id", "choice_order", "points", "is_correct"
        )
    )
    version = attempt.quiz.step.module.content_version
    bank = quiz_bank(attempt.quiz_id, version, (cid for item in items for cid in item[3]))
    selected = set(Answer.objects.filter(item__attempt=attempt).values_list("item_id", "choice_id"))
    reveal = attempt.is_submitted
    shown, previous_scenario = [], None
    for item_id, position, question_id, choice_order, points, is_correct in items:
        question = bank.questions[question_id]
        entry = ShownQuestion(
            item_id=item_id,
            position=position,
            kind=question.kind,
            kind_label=str(question.kind_label),  # in the language of the request
            prompt=question.prompt,
            scenario=question.scenario,
            new_scenario=bool(question.scenario) and question.scenario_id != previous_scenario,
        )
        previous_scenario = question.scenario_id
        for index, choice_id in enumerate(choice_order):
            choice = bank.choices[choice_id]
            shown_choice = ShownChoice(index, choice.text, (item_id, choice_id) in selected)
            if reveal and key:
                shown_choice.correct = choice.is_correct
                shown_choice.feedback = choice.feedback
            entry.choices.append(shown_choice)
        if reveal:
            entry.explanation = question.explanation
            entry.citation = question.citation
            entry.is_correct = is_correct
            entry.points = points
        shown.append(entry)
    return shown


@dataclass
class LessonToRevisit(TemplateRow):
    """A published lesson that teaches a rule of questions an attempt got wrong."""

    module_slug: str
    module_title: str
    slug: str
    title: str
    in_quiz_module: bool
    positions: list[int] = field(default_factory=list)  # the missed questions' numbers


def lessons_for_missed(attempt: QuizAttempt) -> list[LessonToRevisit]:
    """The lessons that teach the rules the attempt's wrong (or partly right) questions test.

    Questions cite the rules they test and lessons the rules they teach: a lesson is listed
    for a missed question when it teaches one of that question's rules. A rule taught in the
    quiz's own module sends the rep to those lessons only; one taught only elsewhere, to the
    first lesson (in the curriculum's order) that teaches it. The quiz's module comes first.
    Only question numbers are named, nothing of what the right answers were.
    """
    lesson = "question__rules__steps__"
    rows = list(
        AttemptQuestion.objects.filter(
            published_step(lesson),
            **{f"{lesson}kind": Step.Kind.LESSON},
            attempt=attempt,
            is_correct=False,
        )
        .values_list(
            "position", "question__rules", f"{lesson}pk", f"{lesson}module_id",
            f"{lesson}module__slug", f"{lesson}module__title", f"{lesson}slug", f"{lesson}title",
        )
        .order_by(
            f"{lesson}module__course__position", f"{lesson}module__position",
            f"{lesson}position", "position",
        )
    )  # fmt: skip
    home = attempt.quiz.step.module_id
    taught_at_home = {rule for _, rule, _, module_id, *_ in rows if module_id == home}
    first_elsewhere: dict[int, int] = {}  # a rule taught only elsewhere: its first lesson there
    for _, rule, step_id, *_ in rows:
        if rule not in taught_at_home:
            first_elsewhere.setdefault(rule, step_id)
    lessons: dict[int, LessonToRevisit] = {}
    for position, rule, step_id, module_id, *where in rows:
        if module_id != home and first_elsewhere.get(rule) != step_id:
            continue
        entry = lessons.setdefault(step_id, LessonToRevisit(*where, module_id == home))
        if position not in entry.positions:
            entry.positions.append(position)
    for entry in lessons.values():
        entry.positions.sort()
    return sorted(lessons.values(), key=lambda entry: not entry.in_quiz_module)
