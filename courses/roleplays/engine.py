"""Roleplay calls: read an authored call script, run a call through it, and score the call.

A script is a graph: the prospect's lines are nodes and the rep's possible replies are edges
(the authoring format is described in `courses/content/README.md`, "Roleplay calls"). This
module is plain Python on purpose: the content loader validates scripts with `parse_script`, and
the views run and score calls with the functions below, without either needing the database.

A call is stored as its path, the reply ids chosen in order; `replay` and `score_path` rebuild
everything else from the script.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn

DIMENSIONS = ("rapport", "discovery", "objections", "compliance")
OUTCOMES = {
    "meeting_booked": "Meeting booked",
    "callback_scheduled": "Lawful callback scheduled",
    "polite_exit": "Polite exit",
    "dnc_honoured": "Do-not-call request honoured",
    "failed_violation": "Call failed: compliance violation",
}
MAX_SCORING_STATES = 200_000

DNC_LISTS = {
    "firm": "Your firm's do-not-call list",
    "national": "The National Do-Not-Call Registry",
    "none": "No record is needed",
}
DNC_DETAILS = {
    "number": "The telephone number",
    "name": "The person's name, if given",
    "date": "The date of the request",
    "caller": "Your name and the firm you called for",
}
REQUIRED_DNC_DETAILS = frozenset({"number", "name", "date"})
DNC_LIST_POINTS = 2
DNC_RECORD_MAX = DNC_LIST_POINTS + len(REQUIRED_DNC_DETAILS)
# The rules the do-not-call record is scored on, by their ids in the rules catalogue.
DNC_RULES = ("fcc-company-dnc-honor", "fcc-company-dnc-duration", "finra-firm-dnc-list")


class _FrozenDict[K, V](dict[K, V]):
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
    return _FrozenDict(mapping)


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
    best: Mapping[str, int]
    best_total: int

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
        if reply.id != _default_reply_id(node.id, index):
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


def _default_reply_id(node_id: str, index: int) -> str:
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


# --- Reading a script -------------------------------------------------------------------------

_SCRIPT_FIELDS = ("title", "summary", "pass_mark", "persona", "briefing", "start", "nodes")
_PERSONA_FIELDS = (
    "name",
    "role",
    "location",
    "local_time",
    "lead_source",
    "known",
    "relationship",
    "consent",
    "national_dnc",
    "firm_dnc",
)
_NODE_FIELDS = ("prospect", "replies", "end", "outcome")
_REPLY_FIELDS = ("id", "text", "next", "scores", "feedback", "rules", "citation", "violation")
_MISSING: Any = object()


def _path(prefix: str, key: object) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        # YAML 1.1 reads bare yes/no/on/off as booleans, which surprises authors
        return f"got {str(value).lower()} (put words like yes, no, on and off in quotes)"
    if value is None:
        return "got nothing"
    return f"got {type(value).__name__} {value!r}"


class _Reader:
    """Checks the shape of the parsed YAML, collecting every problem rather than stopping."""

    def __init__(self) -> None:
        self.problems: list[ScriptProblem] = []

    def add(self, node: str | None, field: str, message: str) -> None:
        self.problems.append(ScriptProblem(node, field, message))

    def known_keys(
        self, data: Mapping[Any, Any], allowed: Sequence[str], node: str | None, prefix: str
    ) -> None:
        for key in data:
            if key not in allowed:
                self.add(node, _path(prefix, key), f"unknown field; expected {_either(allowed)}")

    def text(
        self,
        data: Mapping[Any, Any],
        key: str,
        node: str | None,
        prefix: str = "",
        *,
        required: bool = True,
        blank: bool = False,
    ) -> str:
        value = data.get(key, _MISSING)
        field = _path(prefix, key)
        if value is _MISSING:
            if required:
                self.add(node, field, "required")
            return ""
        if not isinstance(value, str):
            self.add(node, field, f"must be text, {_describe(value)}")
            return ""
        value = value.strip()
        if not value and not blank:
            self.add(node, field, "must not be empty")
        return value

    def flag(
        self,
        data: Mapping[Any, Any],
        key: str,
        node: str | None,
        prefix: str = "",
        *,
        required: bool,
    ) -> bool:
        value = data.get(key, _MISSING)
        field = _path(prefix, key)
        if value is _MISSING:
            if required:
                self.add(node, field, "required")
            return False
        if not isinstance(value, bool):
            self.add(node, field, f"must be true or false, {_describe(value)}")
            return False
        return value

    def whole_number(self, value: Any, node: str | None, field: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(node, field, f"must be a whole number, {_describe(value)}")
            return None
        return value

    def mapping(
        self, value: Any, node: str | None, field: str, what: str
    ) -> Mapping[Any, Any] | None:
        if not isinstance(value, Mapping):
            self.add(node, field, f"must be {what}, {_describe(value)}")
            return None
        return value


def _either(options: Iterable[str]) -> str:
    options = list(options)
    return ", ".join(options[:-1]) + " or " + options[-1] if len(options) > 1 else options[0]


@dataclass
class _RawNode:
    """What the graph checks need to know about a node beyond its parsed form."""

    written_replies: int  # replies the author wrote, including any too broken to keep
    positions: tuple[int, ...]  # where each kept reply was in the author's list
    wrote_outcome: bool  # even an unknown one, which has its own problem
    broken: bool  # not even a mapping: only its existence is checked


def parse_script(data: Any) -> Script:
    """Validates an authored script (YAML already parsed) and computes its best scores.

    Raises ScriptInvalid listing every problem found, shape and graph alike.
    """
    reader = _Reader()
    if not isinstance(data, Mapping):
        reader.add(None, "", f"a roleplay script must be a mapping of fields, {_describe(data)}")
        raise ScriptInvalid(reader.problems)

    reader.known_keys(data, _SCRIPT_FIELDS, None, "")
    title = reader.text(data, "title", None)
    summary = reader.text(data, "summary", None, required=False, blank=True)
    briefing = reader.text(data, "briefing", None, required=False, blank=True)
    pass_mark = 0
    if "pass_mark" not in data:
        reader.add(None, "pass_mark", "required")
    else:
        mark = reader.whole_number(data["pass_mark"], None, "pass_mark")
        if mark is not None and not 0 <= mark <= 100:
            reader.add(None, "pass_mark", f"must be from 0 to 100, got {mark}")
        pass_mark = mark or 0
    persona = _read_persona(reader, data)

    nodes: dict[str, Node] = {}
    raw_nodes: dict[str, _RawNode] = {}
    reply_homes: dict[str, str] = {}
    if "nodes" not in data:
        reader.add(None, "nodes", "required")
    else:
        written = reader.mapping(data["nodes"], None, "nodes", "a mapping of node ids to nodes")
        if written is not None and not written:
            reader.add(None, "nodes", "must hold at least one node")
        for node_id, raw in (written or {}).items():
            if not isinstance(node_id, str) or not node_id.strip():
                reader.add(
                    None, _path("nodes", node_id), f"node ids must be text, {_describe(node_id)}"
                )
                continue
            nodes[node_id], raw_nodes[node_id] = _read_node(reader, node_id, raw, reply_homes)

    start = ""
    if "start" not in data:
        reader.add(None, "start", "required")
    elif not isinstance(data["start"], str):
        reader.add(None, "start", f"must be a node id, {_describe(data['start'])}")
    elif data["start"] not in nodes:
        if nodes or "nodes" in data:
            reader.add(None, "start", f"names a missing node {data['start']!r}")
    else:
        start = data["start"]

    best = _check_graph(reader, start, nodes, raw_nodes)
    if reader.problems or best is None:
        raise ScriptInvalid(reader.problems)
    return Script(
        title=title,
        summary=summary,
        pass_mark=pass_mark,
        persona=persona,
        briefing=briefing,
        start=start,
        nodes=_FrozenDict(nodes),
        best=_FrozenDict(zip(DIMENSIONS, best[:-1], strict=True)),
        best_total=best[-1],
    )


def _read_persona(reader: _Reader, data: Mapping[Any, Any]) -> Mapping[str, Any]:
    if "persona" not in data:
        reader.add(None, "persona", "required")
        return _FrozenDict()
    raw = reader.mapping(data["persona"], None, "persona", "a mapping of persona fields")
    if raw is None:
        return _FrozenDict()
    reader.known_keys(raw, _PERSONA_FIELDS, None, "persona")
    persona: dict[str, Any] = {}
    for key in _PERSONA_FIELDS:
        if key in ("national_dnc", "firm_dnc"):
            persona[key] = reader.flag(raw, key, None, "persona", required=True)
        elif key == "known":
            persona[key] = _read_known(reader, raw)
        else:
            persona[key] = reader.text(raw, key, None, "persona")
    return _FrozenDict(persona)


def _read_known(reader: _Reader, persona: Mapping[Any, Any]) -> Mapping[str, str]:
    if "known" not in persona:
        reader.add(None, "persona.known", "required")
        return _FrozenDict()
    raw = reader.mapping(persona["known"], None, "persona.known", "a mapping of text to text")
    known: dict[str, str] = {}
    for key, value in (raw or {}).items():
        field = _path("persona.known", key)
        if not isinstance(key, str) or not key.strip():
            reader.add(None, field, f"labels must be text, {_describe(key)}")
        elif not isinstance(value, str):
            # the usual cause is an unquoted number such as a ZIP code
            reader.add(None, field, f"must be text (quote numbers), {_describe(value)}")
        else:
            known[key.strip()] = value.strip()
    return _FrozenDict(known)


def _read_node(
    reader: _Reader, node_id: str, raw: Any, reply_homes: dict[str, str]
) -> tuple[Node, _RawNode]:
    if not isinstance(raw, Mapping):
        reader.add(node_id, "", f"a node must be a mapping of fields, {_describe(raw)}")
        return Node(node_id, "", (), True, None), _RawNode(0, (), wrote_outcome=False, broken=True)
    reader.known_keys(raw, _NODE_FIELDS, node_id, "")
    prospect = reader.text(raw, "prospect", node_id)
    end = reader.flag(raw, "end", node_id, required=False)
    outcome: str | None = None
    if "outcome" in raw:
        value = raw["outcome"]
        if isinstance(value, str) and value in OUTCOMES:
            outcome = value
        else:
            reader.add(node_id, "outcome", f"unknown outcome {value!r}; use {_either(OUTCOMES)}")

    replies: list[Reply] = []
    positions: list[int] = []
    written = 0
    if "replies" in raw:
        raw_replies = raw["replies"]
        if not isinstance(raw_replies, list):
            reader.add(node_id, "replies", f"must be a list of replies, {_describe(raw_replies)}")
        else:
            written = len(raw_replies)
            for index, raw_reply in enumerate(raw_replies):
                reply = _read_reply(reader, node_id, index, raw_reply)
                if reply is None:
                    continue
                if reply.id in reply_homes:
                    reader.add(
                        node_id,
                        f"replies.{index}.id",
                        f"duplicate reply id {reply.id!r}, "
                        f"also used in node {reply_homes[reply.id]!r}",
                    )
                else:
                    reply_homes[reply.id] = node_id
                replies.append(reply)
                positions.append(index)
    raw_node = _RawNode(written, tuple(positions), wrote_outcome="outcome" in raw, broken=False)
    return Node(node_id, prospect, tuple(replies), end, outcome), raw_node


def _read_reply(reader: _Reader, node_id: str, index: int, raw: Any) -> Reply | None:
    prefix = f"replies.{index}"
    if not isinstance(raw, Mapping):
        reader.add(node_id, prefix, f"a reply must be a mapping of fields, {_describe(raw)}")
        return None
    reader.known_keys(raw, _REPLY_FIELDS, node_id, prefix)
    reply_id = _default_reply_id(node_id, index)
    if "id" in raw:
        reply_id = reader.text(raw, "id", node_id, prefix) or reply_id
    text = reader.text(raw, "text", node_id, prefix)
    feedback = reader.text(raw, "feedback", node_id, prefix, required=False, blank=True)
    citation = reader.text(raw, "citation", node_id, prefix, required=False, blank=True)
    rules = _read_rule_ids(reader, raw, node_id, prefix)
    violation = reader.flag(raw, "violation", node_id, prefix, required=False)
    if violation and not (rules or citation):
        reader.add(node_id, f"{prefix}.rules", "a violation must name the rule it breaks")

    scores = dict.fromkeys(DIMENSIONS, 0)
    if "scores" in raw:
        written = reader.mapping(
            raw["scores"], node_id, f"{prefix}.scores", "a mapping of dimension to points"
        )
        for dimension, points in (written or {}).items():
            field = f"{prefix}.scores.{dimension}"
            if dimension not in scores:
                reader.add(node_id, field, f"unknown dimension; use {_either(DIMENSIONS)}")
            elif (value := reader.whole_number(points, node_id, field)) is not None:
                scores[dimension] = value

    # without a usable `next` the reply cannot be part of the graph at all
    next_node = raw.get("next", _MISSING)
    if next_node is _MISSING:
        reader.add(node_id, f"{prefix}.next", "required")
        return None
    if not isinstance(next_node, str) or not next_node:
        reader.add(node_id, f"{prefix}.next", f"must be a node id, {_describe(next_node)}")
        return None
    return Reply(
        reply_id, text, next_node, _FrozenDict(scores), feedback, citation, violation, rules
    )


def _read_rule_ids(reader: _Reader, raw: Mapping[Any, Any], node_id: str, prefix: str):
    if "rules" not in raw:
        return ()
    value = raw["rules"]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        reader.add(node_id, f"{prefix}.rules", f"must be a list of rule ids, {_describe(value)}")
        return ()
    return tuple(dict.fromkeys(value))


# --- Checking the graph ----------------------------------------------------------------------


def _check_graph(
    reader: _Reader, start: str, nodes: Mapping[str, Node], raw_nodes: Mapping[str, _RawNode]
) -> tuple[int, ...] | None:
    """Reports graph problems; returns the best vector (per dimension, then total) if sound."""
    for node_id, node in nodes.items():
        if raw_nodes[node_id].broken:
            continue
        for index, reply in zip(raw_nodes[node_id].positions, node.replies, strict=True):
            if reply.next not in nodes:
                reader.add(
                    node_id, f"replies.{index}.next", f"leads to a missing node {reply.next!r}"
                )
        if node.end:
            if not raw_nodes[node_id].wrote_outcome:
                reader.add(node_id, "outcome", "an end node needs an outcome")
            if raw_nodes[node_id].written_replies:
                reader.add(node_id, "replies", "an end node cannot have replies")
        else:
            if node.outcome is not None:
                reader.add(node_id, "outcome", "only an end node (end: true) has an outcome")
            if not raw_nodes[node_id].written_replies:
                reader.add(node_id, "replies", "a node without replies must be an end (end: true)")

    every_move = {
        node_id: [reply.next for reply in node.replies if reply.next in nodes]
        for node_id, node in nodes.items()
    }
    lawful_move = {
        node_id: [
            reply.next for reply in node.replies if reply.next in nodes and not reply.violation
        ]
        for node_id, node in nodes.items()
    }

    ends = {node_id for node_id, node in nodes.items() if node.end}
    can_end = _reachable(ends, _reverse(every_move))
    for node_id in nodes:
        if node_id not in can_end and raw_nodes[node_id].written_replies:
            # nodes without replies already have their own problem; this one is about the way out
            reader.add(
                node_id,
                "",
                "no path from this node reaches an end: a loop without an exit, or a dead end",
            )

    if not start:
        return None
    reached = _reachable({start}, every_move)
    for node_id in nodes:
        if node_id not in reached:
            reader.add(node_id, "", f"no path from the start node {start!r} reaches this node")

    lawfully_reached = _reachable({start}, lawful_move)
    if not lawfully_reached & ends:
        reader.add(
            None, "start", "every call that reaches an end has a violation: no one could pass"
        )
        return None
    for node_id in sorted(lawfully_reached & ends, key=list(nodes).index):
        if nodes[node_id].outcome == "failed_violation":
            reader.add(
                node_id,
                "outcome",
                "a call without any violation can end here, but the outcome says it failed for one",
            )

    try:
        best = _best_vector(start, nodes)
    except _TooComplex:
        reader.add(
            None, "nodes", f"script too complex to score (more than {MAX_SCORING_STATES} states)"
        )
        return None
    if best is not None and best[-1] <= 0:
        reader.add(
            None,
            "nodes",
            f"the best achievable total is {best[-1]}; it must be above 0 to set a pass mark",
        )
    return best


def _reverse(moves: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    backwards: dict[str, list[str]] = {node_id: [] for node_id in moves}
    for source, targets in moves.items():
        for target in targets:
            backwards[target].append(source)
    return backwards


def _reachable(sources: Iterable[str], moves: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(sources)
    stack = list(seen)
    while stack:
        for target in moves[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


# --- The best achievable score ---------------------------------------------------------------

type _Vector = tuple[int, ...]  # points per dimension, then the total
type _State = tuple[str, frozenset[str]]  # node, replies already used that could recur


class _TooComplex(Exception):
    pass


def _vector(scores: Mapping[str, int]) -> _Vector:
    points = tuple(scores.get(dimension, 0) for dimension in DIMENSIONS)
    return (*points, sum(points))


def _better(a: _Vector | None, b: _Vector) -> _Vector:
    return b if a is None else tuple(max(x, y) for x, y in zip(a, b, strict=True))


def _best_vector(start: str, nodes: Mapping[str, Node]) -> _Vector | None:
    """The best points per dimension and best total over complete calls without a violation.

    Each objective is maximised separately (the best rapport and the best total may come from
    different calls). A reply counts once per call, so the search state is the node plus the
    replies used so far. Two reductions keep it exact but small: a used reply that can never be
    offered again is dropped from the state (so a loop-free script has one state per node), and
    moving along already-used replies is free, so those moves are folded into each state.
    """
    moves = {
        node_id: [r for r in node.replies if not r.violation and r.next in nodes]
        for node_id, node in nodes.items()
    }
    targets = {node_id: [reply.next for reply in replies] for node_id, replies in moves.items()}
    # the replies that can still be offered once the call is at a node
    ahead = {
        node_id: frozenset(
            reply.id for later in _reachable({node_id}, targets) for reply in moves[later]
        )
        for node_id in nodes
    }
    gains = {reply.id: _vector(reply.scores) for replies in moves.values() for reply in replies}
    dnc_bonus = _vector({"compliance": DNC_RECORD_MAX})
    nothing = _vector({})

    def free_moves(node_id: str, used: frozenset[str]) -> list[str]:
        seen, stack = {node_id}, [node_id]
        while stack:
            current = stack.pop()
            if nodes[current].end:
                continue
            for reply in moves[current]:
                if reply.id in used and reply.next not in seen:
                    seen.add(reply.next)
                    stack.append(reply.next)
        return list(seen)

    def solve(state: _State) -> Generator[_State, _Vector | None, _Vector | None]:
        node_id, used = state
        best: _Vector | None = None
        for current in free_moves(node_id, used):
            node = nodes[current]
            if node.end:
                best = _better(best, dnc_bonus if node.outcome == "dnc_honoured" else nothing)
                continue
            for reply in moves[current]:
                if reply.id in used:
                    continue
                rest = yield (reply.next, (used | {reply.id}) & ahead[reply.next])
                if rest is not None:
                    gain = gains[reply.id]
                    best = _better(best, tuple(x + y for x, y in zip(gain, rest, strict=True)))
        return best

    return _run_memoised(solve, (start, frozenset()))


def _run_memoised(
    solve: Callable[[_State], Generator[_State, _Vector | None, _Vector | None]], root: _State
) -> _Vector | None:
    """Runs the recursive `solve` with an explicit stack, as calls can be deeper than Python's
    recursion limit. The states form a DAG (within a loop the used set only grows)."""
    memo: dict[_State, _Vector | None] = {}
    stack = [(root, solve(root))]
    answer: _Vector | None = None
    while stack:
        state, frame = stack[-1]
        try:
            wanted = frame.send(answer)
        except StopIteration as done:
            memo[state] = answer = done.value
            stack.pop()
            continue
        if wanted in memo:
            answer = memo[wanted]
            continue
        if len(memo) + len(stack) >= MAX_SCORING_STATES:
            raise _TooComplex
        stack.append((wanted, solve(wanted)))
        answer = None
    return memo[root]


# --- Running a call --------------------------------------------------------------------------


class ReplyNotOffered(Exception):
    """The reply cannot be chosen: unknown, not offered at this point, or the call is over."""


@dataclass(frozen=True)
class CallState:
    node: str
    path: tuple[str, ...]  # reply ids chosen, in order


def start_call(script: Script) -> CallState:
    return CallState(script.start, ())


def is_over(script: Script, state: CallState) -> bool:
    return script.nodes[state.node].end


def offered_replies(script: Script, state: CallState, seed: int | None = None) -> tuple[Reply, ...]:
    """The replies offered at this moment of the call.

    With a run's `seed` they come in that run's order: shuffled, so that a reply's position
    tells nothing about it, and the same whenever the run shows this moment again. Without a
    seed they come in the order the author wrote them.
    """
    node = script.nodes[state.node]
    if node.end:
        return ()
    if seed is None:
        return node.replies
    return tuple(shuffled_for(seed, node.id, node.replies))


def shuffled_for[T](seed: int, place: str, items: Sequence[T]) -> list[T]:
    """`items` in an order fixed by the seed and the place (a node, a form), and by nothing
    else: not by the process, the time or the items' own content."""
    order = list(items)
    random.Random(f"{seed}:{place}").shuffle(order)
    return order


def advance(script: Script, state: CallState, reply_id: str) -> CallState:
    if is_over(script, state):
        raise ReplyNotOffered(f"the call is already over: it ended at node {state.node!r}")
    try:
        reply = script.reply(reply_id)
    except (KeyError, TypeError):
        raise ReplyNotOffered(f"unknown reply {reply_id!r}") from None
    if reply not in script.nodes[state.node].replies:
        raise ReplyNotOffered(f"reply {reply_id!r} is not offered at node {state.node!r}")
    return CallState(reply.next, (*state.path, reply.id))


def replay(script: Script, path: Iterable[str]) -> CallState:
    if isinstance(path, str):
        raise TypeError("a path is a sequence of reply ids, not one string")
    state = start_call(script)
    for reply_id in path:
        state = advance(script, state, reply_id)
    return state


# --- The do-not-call record ------------------------------------------------------------------


@dataclass(frozen=True)
class DncRecord:
    list: str
    details: frozenset[str]

    def __post_init__(self) -> None:
        # forms hand over lists; a frozenset keeps the record hashable and order-free
        object.__setattr__(self, "details", frozenset(self.details))


@dataclass(frozen=True)
class DncRecordResult:
    points: int
    max_points: int
    correct_list: bool
    missing: frozenset[str]
    feedback: tuple[str, ...]
    rules: tuple[str, ...] = DNC_RULES


_FIRM_LIST_RULE = (
    "A request made to your firm goes on your firm's own do-not-call list: it must be honoured "
    "within a reasonable time not exceeding 10 business days and kept for 5 years. The National "
    "Do-Not-Call Registry is where consumers register their own numbers."
)


def score_dnc_record(record: DncRecord) -> DncRecordResult:
    if record.list not in DNC_LISTS:
        raise ValueError(f"unknown do-not-call list {record.list!r}; use {_either(DNC_LISTS)}")
    unknown = record.details - DNC_DETAILS.keys()
    if unknown:
        raise ValueError(
            f"unknown do-not-call details {sorted(unknown)}; use {_either(DNC_DETAILS)}"
        )

    correct_list = record.list == "firm"
    missing = REQUIRED_DNC_DETAILS - record.details
    feedback: list[str] = []
    if correct_list:
        feedback.append("Right list: the request goes on your firm's own do-not-call list.")
    elif record.list == "national":
        feedback.append(f"Wrong list. {_FIRM_LIST_RULE}")
    else:
        feedback.append(f"A record is needed. {_FIRM_LIST_RULE}")
    if missing:
        feedback.append(f"Missing from the record: {_details_text(missing)}.")
    else:
        feedback.append(
            f"The record has every detail it needs: {_details_text(REQUIRED_DNC_DETAILS)}."
        )
    if "caller" in record.details:
        feedback.append("Noting your own name and firm is allowed, but it earns no points.")

    points = (DNC_LIST_POINTS if correct_list else 0) + len(REQUIRED_DNC_DETAILS & record.details)
    return DncRecordResult(
        points=points,
        max_points=DNC_RECORD_MAX,
        correct_list=correct_list,
        missing=frozenset(missing),
        feedback=tuple(feedback),
    )


def _details_text(keys: Iterable[str]) -> str:
    # "; " because one label ("the person's name, if given") has a comma of its own
    return "; ".join(
        label[0].lower() + label[1:] for key, label in DNC_DETAILS.items() if key in keys
    )


# --- Scoring a call --------------------------------------------------------------------------


@dataclass(frozen=True)
class CallResult:
    scores: Mapping[str, int]
    total: int
    best: Mapping[str, int]
    best_total: int
    percent: int
    violations: tuple[Reply, ...]
    end_outcome: str | None
    outcome: str | None
    needs_dnc_record: bool
    dnc: DncRecordResult | None
    passed: bool


def score_path(
    script: Script, path: Sequence[str], dnc_record: DncRecord | None = None
) -> CallResult:
    """Scores a stored call; raises ReplyNotOffered if the path is not a walk of the script.

    A do-not-call record only belongs to a call that ended with the request honoured; giving
    one for any other call raises ValueError rather than silently adding points.
    """
    state = replay(script, path)
    over = is_over(script, state)
    end_outcome = script.nodes[state.node].outcome if over else None

    chosen = [script.reply(reply_id) for reply_id in dict.fromkeys(path)]
    scores = dict.fromkeys(DIMENSIONS, 0)
    for reply in chosen:
        for dimension in DIMENSIONS:
            scores[dimension] += reply.scores.get(dimension, 0)

    dnc: DncRecordResult | None = None
    if dnc_record is not None:
        if end_outcome != "dnc_honoured":
            raise ValueError("a do-not-call record only applies to a call that ended dnc_honoured")
        dnc = score_dnc_record(dnc_record)
        scores["compliance"] += dnc.points
    needs_dnc_record = end_outcome == "dnc_honoured" and dnc is None

    total = sum(scores.values())
    percent = 100 * total // script.best_total if script.best_total > 0 else 0
    percent = min(100, max(0, percent))
    violations = tuple(reply for reply in chosen if reply.violation)
    passed = (
        over
        and not violations
        and not needs_dnc_record
        and end_outcome != "failed_violation"
        and percent >= script.pass_mark
    )
    return CallResult(
        scores=_FrozenDict(scores),
        total=total,
        best=script.best,
        best_total=script.best_total,
        percent=percent,
        violations=violations,
        end_outcome=end_outcome,
        outcome="failed_violation" if violations else end_outcome,
        needs_dnc_record=needs_dnc_record,
        dnc=dnc,
        passed=passed,
    )


# --- How much a call measures ----------------------------------------------------------------

RANDOM_PLAY_CUTOFF = 1e-6  # calls less likely than this are not followed, but counted as passes
RANDOM_PLAY_MAX_TURNS = 60


def random_pass_chance(script: Script) -> float:
    """The chance that a caller who picks every reply at random passes the call.

    Replies are shuffled for each run, so a bot that always takes the first (or the last)
    reply offered plays at random. The do-not-call record, where one is asked for, is taken
    to be perfect, and calls too unlikely or too long to follow are counted as passes: the
    answer is an upper bound.
    """
    chance = 0.0
    stack: list[tuple[CallState, float]] = [(start_call(script), 1.0)]
    while stack:
        state, likelihood = stack.pop()
        node = script.nodes[state.node]
        if node.end:
            record = _PERFECT_RECORD if node.outcome == "dnc_honoured" else None
            if score_path(script, state.path, record).passed:
                chance += likelihood
            continue
        if likelihood < RANDOM_PLAY_CUTOFF or len(state.path) >= RANDOM_PLAY_MAX_TURNS:
            chance += likelihood
            continue
        share = likelihood / len(node.replies)
        for reply in node.replies:
            if not reply.violation:  # a violation fails the call wherever it goes
                stack.append((CallState(reply.next, (*state.path, reply.id)), share))
    return min(1.0, chance)


_PERFECT_RECORD = DncRecord("firm", REQUIRED_DNC_DETAILS)
