"""What a roleplay script is once read: its nodes, replies and best scores, and its problems.

A script is a graph: the prospect's lines are nodes and the rep's possible replies are edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn

from django.utils.translation import gettext_noop, pgettext_lazy

DIMENSIONS = ("rapport", "discovery", "objections", "compliance")
# What a page calls each dimension, in the language of the page.
DIMENSION_LABELS = {
    "rapport": pgettext_lazy("roleplay score", "Rapport"),
    "discovery": pgettext_lazy("roleplay score", "Discovery"),
    "objections": pgettext_lazy("roleplay score", "Objections"),
    "compliance": pgettext_lazy("roleplay score", "Compliance"),
}
# The outcomes' labels are kept in English (records keep them as written) and marked for the
# catalogue: a page shows them translated.
OUTCOMES = {
    "meeting_booked": gettext_noop("Meeting booked"),
    "callback_scheduled": gettext_noop("Lawful callback scheduled"),
    "polite_exit": gettext_noop("Polite exit"),
    "dnc_honoured": gettext_noop("Do-not-call request honoured"),
    "failed_violation": gettext_noop("Call failed: compliance violation"),
}
# How a run can end: an authored end, or the rep hanging up before one.
ENDED_EARLY = "ended_early"
RUN_OUTCOMES = {**OUTCOMES, ENDED_EARLY: gettext_noop("Call ended early")}


class FrozenDict[K, V](dict[K, V]):
    """A dict that cannot change once built.

    Scripts are parsed once and shared by every request, so their mappings must not be mutable;
    staying a dict keeps them JSON-serialisable and equal to plain dicts.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this mapping is read-only")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        # pickle and copy would otherwise refill the dict through the refused __setitem__
        return (type(self), (dict(self),))


def read_only[K, V](mapping: Mapping[K, V]) -> Mapping[K, V]:
    return FrozenDict(mapping)


# --- The script -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    id: str
    text: str
    next: str
    scores: Mapping[str, int]  # every dimension, 0 where the author gave none
    feedback: str
    citation: str  # the rules' citations, as the loader wrote them from the catalogue
    violation: bool
    rules: tuple[str, ...] = ()  # ids in the rules catalogue


@dataclass(frozen=True)
class Node:
    id: str
    prospect: str
    replies: tuple[Reply, ...]
    end: bool
    outcome: str | None


@dataclass(frozen=True)
class Script:
    title: str
    summary: str
    pass_mark: int
    persona: Mapping[str, Any]
    briefing: str
    start: str
    nodes: Mapping[str, Node]
    best: Mapping[str, int]  # the most points per dimension, each from its own best call
    best_total: int
    best_call: Mapping[str, int]  # points per dimension of one call earning `best_total`
    best_path: tuple[str, ...]  # that call's replies, in order

    @cached_property
    def _replies(self) -> dict[str, Reply]:
        return {reply.id: reply for node in self.nodes.values() for reply in node.replies}

    def reply(self, reply_id: str) -> Reply:
        return self._replies[reply_id]

    def to_data(self) -> dict[str, Any]:
        """The script in the authoring format, leaving out what parse_script fills in."""
        data: dict[str, Any] = {"title": self.title}
        if self.summary:
            data["summary"] = self.summary
        data["pass_mark"] = self.pass_mark
        data["persona"] = {
            key: dict(value) if isinstance(value, Mapping) else value
            for key, value in self.persona.items()
        }
        if self.briefing:
            data["briefing"] = self.briefing
        data["start"] = self.start
        data["nodes"] = {node_id: _node_data(node) for node_id, node in self.nodes.items()}
        return data


def _node_data(node: Node) -> dict[str, Any]:
    if node.end:
        return {"prospect": node.prospect, "end": True, "outcome": node.outcome}
    replies = []
    for index, reply in enumerate(node.replies):
        data: dict[str, Any] = {}
        if reply.id != default_reply_id(node.id, index):
            data["id"] = reply.id
        data["text"] = reply.text
        data["next"] = reply.next
        scores = {dimension: points for dimension, points in reply.scores.items() if points}
        if scores:
            data["scores"] = scores
        if reply.feedback:
            data["feedback"] = reply.feedback
        if reply.rules:
            data["rules"] = list(reply.rules)
        if reply.citation:
            data["citation"] = reply.citation
        if reply.violation:
            data["violation"] = True
        replies.append(data)
    return {"prospect": node.prospect, "replies": replies}


def default_reply_id(node_id: str, index: int) -> str:
    return f"{node_id}.{index + 1}"


# --- Problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptProblem:
    node: str | None
    field: str  # a dotted path inside the node (or the script); list indexes count from 0
    message: str

    def __str__(self) -> str:
        parts = [f"node {self.node!r}"] if self.node is not None else []
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class ScriptInvalid(Exception):
    def __init__(self, problems: list[ScriptProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def either_or(options: Iterable[str]) -> str:
    """`a, b or c`: the choices an author or a caller has, in a message."""
    options = list(options)
    return ", ".join(options[:-1]) + " or " + options[-1] if len(options) > 1 else options[0]
