"""Quiz files: read and check a question bank, then write it as Quiz, Question and Choice rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from courses.curriculum.loading import (
    LoadReport,
    ReadContext,
    Schema,
    StepSource,
    Text,
    parse_yaml,
    read_schema,
    read_text,
    register_step_reader,
    register_step_writer,
    retire_missing,
    sha256,
    sync_row,
    sync_rules,
)
from courses.curriculum.loading.rules import References
from courses.quizzes import scoring

# True/false items: at least this share must be true, so that "always false" cannot pass.
MIN_TRUE_SHARE = 0.4

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]


class ChoiceFile(Schema):
    id: Key | None = None
    text: Text
    correct: bool = False
    feedback: str = ""


class QuestionFile(Schema):
    id: Key
    kind: Literal["single", "multiple", "true_false"]
    prompt: Text
    scenario: Key | None = None
    tags: list[Key] = []
    rules: list[Annotated[str, StringConstraints(max_length=80)]] = []
    citation: str | None = None  # refused: citations come from the rules catalogue
    explanation: Text
    choices: list[ChoiceFile] = []
    answer: bool | None = None


class ScenarioFile(Schema):
    id: Key
    text: Text


class QuizFile(Schema):
    title: Text
    pass_mark: int = Field(ge=0, le=100)
    draw: int = Field(ge=1)
    min_per_tag: dict[Key, Annotated[int, Field(ge=1)]] = {}
    max_attempts: int | None = Field(default=None, ge=1)
    wait_minutes: int = Field(default=0, ge=0)
    time_limit_minutes: int | None = Field(default=None, ge=1)
    partial_credit: bool = False
    review: Literal["full", "key_after_pass"] | None = None
    scenarios: list[ScenarioFile] = []
    questions: list[QuestionFile] = Field(min_length=1)


@dataclass(frozen=True)
class ChoiceSource:
    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionSource:
    key: str
    kind: str
    prompt: str
    scenario: str | None
    tags: tuple[str, ...]
    rules: tuple[str, ...]
    citation: str  # the rules' citations, from the catalogue
    explanation: str
    choices: tuple[ChoiceSource, ...]


@dataclass(frozen=True)
class QuizSource:
    pass_mark: int
    draw: int
    min_per_tag: dict[str, int]
    max_attempts: int | None
    wait_minutes: int
    time_limit_minutes: int | None
    partial_credit: bool
    review: str
    scenarios: dict[str, str]
    questions: tuple[QuestionSource, ...]


def choice_key(choice: ChoiceFile) -> str:
    """A choice keeps its identity while its text stays the same (or while its id does)."""
    return choice.id or "c-" + hashlib.sha256(choice.text.encode()).hexdigest()[:12]


def read_question(
    path: Path,
    index: int,
    question: QuestionFile,
    scenarios: dict[str, str],
    context: ReadContext,
    references: References,
) -> QuestionSource:
    problems = context.problems
    where = f"questions.{index}"
    item = f"question '{question.id}'"
    if question.scenario and question.scenario not in scenarios:
        problems.add(path, f"{where}.scenario", f"no scenario '{question.scenario}' in this file")
    if question.citation is not None:
        problems.add(
            path,
            f"{where}.citation",
            f"{item}: citations come from the rules catalogue; name the rules instead "
            "(rules: [rule-id, ...])",
        )
    rules = references.ids(question.rules, f"{where}.rules", item)
    if context.legal and not question.rules:
        problems.add(
            path,
            f"{where}.rules",
            f"{item}: a question of a module required for certification names the rules it "
            "tests (rules: [rule-id, ...])",
        )
    if question.kind == "true_false":
        if question.choices or question.answer is None:
            problems.add(
                path, where, "a true_false question has an `answer: true|false` and no choices"
            )
        choices = (
            ChoiceSource("true", "True", question.answer is True, ""),
            ChoiceSource("false", "False", question.answer is False, ""),
        )
    else:
        if question.answer is not None:
            problems.add(path, f"{where}.answer", "only true_false questions have an `answer`")
        choices = tuple(
            ChoiceSource(
                choice_key(c),
                references.text(c.text, f"{where}.choices.{n}.text", item),
                c.correct,
                references.text(c.feedback, f"{where}.choices.{n}.feedback", item),
            )
            for n, c in enumerate(question.choices)
        )
        keys = [c.key for c in choices]
        if len(set(keys)) != len(keys):
            problems.add(path, f"{where}.choices", "two choices have the same text or id")
        if question.kind == "multiple" and choices and all(c.correct for c in choices):
            problems.add(
                path,
                f"{where}.choices",
                f"{item}: every choice is correct, so ticking them all scores; "
                "give at least one choice that is wrong",
            )
        if context.legal:
            for n, choice in enumerate(question.choices):
                if not choice.correct and not choice.feedback.strip():
                    problems.add(
                        path,
                        f"{where}.choices.{n}.feedback",
                        f"{item}: in a module required for certification every wrong choice "
                        "says why it is wrong",
                    )
    return QuestionSource(
        key=question.id,
        kind=question.kind,
        prompt=references.text(question.prompt, f"{where}.prompt", item),
        scenario=question.scenario,
        tags=tuple(question.tags),
        rules=rules,
        citation=references.citation(rules),
        explanation=references.text(question.explanation, f"{where}.explanation", item),
        choices=choices,
    )


def read_quiz(path: Path, slug: str, context: ReadContext) -> StepSource | None:
    problems = context.problems
    text = read_text(path, problems)
    if text is None:
        return None
    spec: QuizFile | None = read_schema(parse_yaml(text, path, problems), QuizFile, path, problems)
    if spec is None:
        return None
    references = context.references(path)
    scenarios: dict[str, str] = {}
    for index, scenario in enumerate(spec.scenarios):
        if scenario.id in scenarios:
            problems.add(path, f"scenarios.{index}.id", f"duplicate scenario id '{scenario.id}'")
        scenarios[scenario.id] = references.text(
            scenario.text, f"scenarios.{index}.text", f"scenario '{scenario.id}'"
        )
    questions = tuple(
        read_question(path, index, question, scenarios, context, references)
        for index, question in enumerate(spec.questions)
    )
    true_false = [q for q in questions if q.kind == "true_false"]
    true_items = sum(1 for q in true_false if q.choices[0].correct)
    if true_false and true_items < MIN_TRUE_SHARE * len(true_false):
        problems.add(
            path,
            "questions",
            f"{true_items} of {len(true_false)} true/false questions are true: at least "
            f"{MIN_TRUE_SHARE:.0%} must be, or answering 'false' to all of them scores well",
        )
    bank = [
        scoring.Question(
            key=q.key,
            kind=scoring.Kind(q.kind),
            choices=tuple(c.key for c in q.choices),
            correct=frozenset(c.key for c in q.choices if c.correct),
            tags=q.tags,
        )
        for q in questions
    ]
    for message in scoring.bank_problems(
        bank, draw=spec.draw, min_per_tag=spec.min_per_tag, pass_mark=spec.pass_mark
    ):
        problems.add(path, _field_of(message), message)
    return StepSource(
        slug=slug,
        kind="quiz",
        title=spec.title,
        minutes=max(2, round(spec.draw * 1.5)),
        source_hash=sha256(text.encode()),
        detail=QuizSource(
            pass_mark=spec.pass_mark,
            draw=spec.draw,
            min_per_tag=dict(spec.min_per_tag),
            max_attempts=spec.max_attempts,
            wait_minutes=spec.wait_minutes,
            time_limit_minutes=spec.time_limit_minutes,
            partial_credit=spec.partial_credit,
            review=spec.review or ("key_after_pass" if context.legal else "full"),
            scenarios=scenarios,
            questions=questions,
        ),
        cited=frozenset(references.cited),
    )


def _field_of(message: str) -> str:
    """The field a bank problem is about, from the start of the engine's message."""
    head = message.split(" ", 1)[0].split(":", 1)[0]
    return {"question": "questions", "questions": "questions"}.get(head, head)


def write_quiz(step, source: StepSource, report: LoadReport, rule_rows: dict) -> None:
    from courses.models import Choice, Question, Quiz, Scenario

    quiz_source: QuizSource = source.detail
    label = f"quiz {step.module.slug}/{step.slug}"
    quiz = sync_row(
        Quiz,
        {"step": step},
        {
            "pass_mark": quiz_source.pass_mark,
            "draw_count": quiz_source.draw,
            "min_per_tag": quiz_source.min_per_tag,
            "max_attempts": quiz_source.max_attempts,
            "wait_minutes": quiz_source.wait_minutes,
            "time_limit_minutes": quiz_source.time_limit_minutes,
            "partial_credit": quiz_source.partial_credit,
            "review": quiz_source.review,
        },
        report,
        label,
    )
    scenario_rows = {}
    for key, text in quiz_source.scenarios.items():
        scenario_rows[key] = sync_row(
            Scenario,
            {"quiz": quiz, "key": key},
            {"text": text, "retired_at": None},
            report,
            f"{label} scenario {key}",
        )
    retire_missing(
        quiz.scenarios.all(),
        {row.pk for row in scenario_rows.values()},
        report,
        lambda row: f"{label} scenario {row.key}",
    )
    question_ids = set()
    for position, question in enumerate(quiz_source.questions):
        row = sync_row(
            Question,
            {"quiz": quiz, "key": question.key},
            {
                "kind": question.kind,
                "prompt": question.prompt,
                "scenario": scenario_rows.get(question.scenario) if question.scenario else None,
                "explanation": question.explanation,
                "citation": question.citation,
                "tags": list(question.tags),
                "position": position,
                "retired_at": None,
            },
            report,
            f"{label} question {question.key}",
        )
        question_ids.add(row.pk)
        sync_rules(row, rule_rows, question.rules, report, f"{label} question {question.key}")
        # Choices are reported with their question, not one line each.
        choice_report = LoadReport()
        choice_ids = set()
        for choice_position, choice in enumerate(question.choices):
            choice_row = sync_row(
                Choice,
                {"question": row, "key": choice.key},
                {
                    "text": choice.text,
                    "is_correct": choice.correct,
                    "feedback": choice.feedback,
                    "position": choice_position,
                    "retired_at": None,
                },
                choice_report,
                choice.key,
            )
            choice_ids.add(choice_row.pk)
        retire_missing(row.choices.all(), choice_ids, choice_report, lambda c: c.key)
        created_now = f"{label} question {question.key}" in report.created
        if choice_report.changed and not created_now:
            report.updated.append(f"{label} question {question.key} (choices)")
    retire_missing(
        quiz.questions.all(), question_ids, report, lambda q: f"{label} question {q.key}"
    )


register_step_reader("quiz", read_quiz)
register_step_writer("quiz", write_quiz)
