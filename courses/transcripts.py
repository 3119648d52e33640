"""What an attempt or a call looked like, for review pages and for certification evidence.

The quiz review and the call debrief are shown to the rep, their manager and compliance, and
are frozen into a completion record's evidence; all of them read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import roleplay
from .calls import CallView, call_view
from .models import Answer, Choice, Question, QuizAttempt, RoleplayRun


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


def shown_questions(attempt: QuizAttempt) -> list[ShownQuestion]:
    """The attempt's questions as the page shows them; the key only once it is submitted."""
    # Plain values, not model instances: an attempt shows dozens of questions and choices.
    items = list(
        attempt.items.order_by("position").values_list(
            "pk",
            "position",
            "choice_order",
            "points",
            "is_correct",
            "question__kind",
            "question__prompt",
            "question__scenario_id",
            "question__scenario__text",
            "question__explanation",
            "question__citation",
        )
    )
    choice_ids = [cid for item in items for cid in item[2]]
    choices = {
        pk: (text, is_correct, feedback)
        for pk, text, is_correct, feedback in Choice.objects.filter(pk__in=choice_ids).values_list(
            "pk", "text", "is_correct", "feedback"
        )
    }
    selected = set(Answer.objects.filter(item__attempt=attempt).values_list("item_id", "choice_id"))
    reveal = attempt.is_submitted
    shown, previous_scenario = [], None
    for (
        item_id,
        position,
        choice_order,
        points,
        is_correct,
        kind,
        prompt,
        scenario_id,
        scenario,
        explanation,
        citation,
    ) in items:
        entry = ShownQuestion(
            item_id=item_id,
            position=position,
            kind=kind,
            kind_label=Question.Kind(kind).label,
            prompt=prompt,
            scenario=scenario or "",
            new_scenario=scenario_id is not None and scenario_id != previous_scenario,
        )
        previous_scenario = scenario_id
        for index, choice_id in enumerate(choice_order):
            text, choice_correct, feedback = choices[choice_id]
            shown_choice = ShownChoice(index, text, (item_id, choice_id) in selected)
            if reveal:
                shown_choice.correct = choice_correct
                shown_choice.feedback = feedback
            entry.choices.append(shown_choice)
        if reveal:
            entry.explanation = explanation
            entry.citation = citation
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
