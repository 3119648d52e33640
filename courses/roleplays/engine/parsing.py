"""Reading an authored script: every problem of shape and graph, in words an author can act on.

The authoring format is described in `courses/content/README.md`, "Roleplay calls".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from courses.roleplays.engine.best import Best, TooComplexToScore, best_calls, reachable
from courses.roleplays.engine.script import (
    DIMENSIONS,
    OUTCOMES,
    FrozenDict,
    Node,
    Reply,
    Script,
    ScriptInvalid,
    ScriptProblem,
    default_reply_id,
    either_or,
)

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
                self.add(node, _path(prefix, key), f"unknown field; expected {either_or(allowed)}")

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
        nodes=FrozenDict(nodes),
        best=FrozenDict(zip(DIMENSIONS, best.most[:-1], strict=True)),
        best_total=best.most[-1],
        best_call=FrozenDict(zip(DIMENSIONS, best.call[:-1], strict=True)),
        best_path=best.path,
    )


def _read_persona(reader: _Reader, data: Mapping[Any, Any]) -> Mapping[str, Any]:
    if "persona" not in data:
        reader.add(None, "persona", "required")
        return FrozenDict()
    raw = reader.mapping(data["persona"], None, "persona", "a mapping of persona fields")
    if raw is None:
        return FrozenDict()
    reader.known_keys(raw, _PERSONA_FIELDS, None, "persona")
    persona: dict[str, Any] = {}
    for key in _PERSONA_FIELDS:
        if key in ("national_dnc", "firm_dnc"):
            persona[key] = reader.flag(raw, key, None, "persona", required=True)
        elif key == "known":
            persona[key] = _read_known(reader, raw)
        else:
            persona[key] = reader.text(raw, key, None, "persona")
    return FrozenDict(persona)


def _read_known(reader: _Reader, persona: Mapping[Any, Any]) -> Mapping[str, str]:
    if "known" not in persona:
        reader.add(None, "persona.known", "required")
        return FrozenDict()
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
    return FrozenDict(known)


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
            reader.add(node_id, "outcome", f"unknown outcome {value!r}; use {either_or(OUTCOMES)}")

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
    reply_id = default_reply_id(node_id, index)
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
                reader.add(node_id, field, f"unknown dimension; use {either_or(DIMENSIONS)}")
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
        reply_id, text, next_node, FrozenDict(scores), feedback, citation, violation, rules
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
) -> Best | None:
    """Reports graph problems; returns what the best calls earn if the script is sound."""
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
    can_end = reachable(ends, _reverse(every_move))
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
    reached = reachable({start}, every_move)
    for node_id in nodes:
        if node_id not in reached:
            reader.add(node_id, "", f"no path from the start node {start!r} reaches this node")

    lawfully_reached = reachable({start}, lawful_move)
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
        best = best_calls(start, nodes)
    except TooComplexToScore as too_complex:
        reader.add(None, "nodes", f"script too complex to score ({too_complex})")
        return None
    if best is not None and best.most[-1] <= 0:
        reader.add(
            None,
            "nodes",
            f"the best achievable total is {best.most[-1]}; it must be above 0 to set a pass mark",
        )
    return best


def _reverse(moves: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    backwards: dict[str, list[str]] = {node_id: [] for node_id in moves}
    for source, targets in moves.items():
        for target in targets:
            backwards[target].append(source)
    return backwards
