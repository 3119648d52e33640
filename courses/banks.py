"""A quiz's question bank as plain values, read once per content version in each process.

Questions and choices change only when the content files are loaded, and a load that changes
anything in a module gives it a new content version; so a quiz and its module's version name
one bank for good, and every page that shows questions can share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Choice, Question


@dataclass(frozen=True, slots=True)
class BankQuestion:
    kind: str
    kind_label: str
    prompt: str
    scenario_id: int | None
    scenario: str
    explanation: str
    citation: str


@dataclass(frozen=True, slots=True)
class BankChoice:
    text: str
    is_correct: bool
    feedback: str


@dataclass(frozen=True)
class Bank:
    questions: dict[int, BankQuestion]  # by question id, retired ones included
    choices: dict[int, BankChoice]  # by choice id


_banks: dict[int, tuple[str, Bank]] = {}  # by quiz id: (content version, bank)


def quiz_bank(quiz_id: int, content_version: str, choice_ids: Iterable[int] = ()) -> Bank:
    """The bank of quiz `quiz_id` as of its module's current `content_version`, holding at
    least `choice_ids` (when it would not, it is read again rather than trusted)."""
    cached = _banks.get(quiz_id)
    if cached is not None and cached[0] == content_version:
        bank = cached[1]
        if all(choice_id in bank.choices for choice_id in choice_ids):
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
        pk: BankChoice(text, is_correct, feedback)
        for pk, text, is_correct, feedback in Choice.objects.filter(
            question__quiz_id=quiz_id
        ).values_list("pk", "text", "is_correct", "feedback")
    }
    bank = Bank(questions, choices)
    _banks[quiz_id] = (content_version, bank)
    return bank
