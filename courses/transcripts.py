"""What an attempt or a call looked like, for review pages and for certification evidence.

The quiz review and the call debrief are shown to the rep, their manager and compliance, and
are frozen into a completion record's evidence; all of them read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import roleplay
from .banks import quiz_bank
from .calls import CallView, call_view
from .models import Answer, QuizAttempt, RoleplayRun


@dataclass
class ShownChoice:
    index: int
    text: str
    selected: bool
    correct: bool = False
    feedback: str = ""


@dataclass
class ShownQuestion:
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
            kind_label=question.kind_label,
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
class Exchange:
    """One moment of the call: the prospect's line and the reply the rep chose to it."""

    prospect: str
    reply: roleplay.Reply | None = None
    seconds: int | None = None

    @property
    def score_changes(self) -> list[tuple[str, int]]:
        if self.reply is None:
            return []
        return [(d, v) for d, v in self.reply.scores.items() if v]


def run_exchanges(run: RoleplayRun) -> tuple[CallView, list[Exchange]]:
    """The call as played: each prospect line with the reply chosen and the time it took."""
    turns = list(run.turns.all())
    view = call_view(run, [t.reply for t in turns])
    exchanges = []
    previous_time = run.started_at
    for turn in turns:
        exchanges.append(
            Exchange(
                prospect=view.script.nodes[turn.node].prospect,
                reply=view.script.reply(turn.reply),
                seconds=round((turn.chosen_at - previous_time).total_seconds()),
            )
        )
        previous_time = turn.chosen_at
    return view, exchanges
