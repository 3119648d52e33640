"""Roleplay files: validate a call script with the engine, check its rules against the
catalogue, then store it with its best scores and the citations of the rules it names."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from courses.curriculum.loading import (
    UNREADABLE,
    LoadReport,
    ReadContext,
    StepSource,
    parse_yaml,
    read_text,
    register_step_reader,
    register_step_writer,
    sha256,
    sync_row,
)
from courses.roleplays import engine


def read_roleplay(path: Path, slug: str, context: ReadContext) -> StepSource | None:
    problems = context.problems
    text = read_text(path, problems)
    if text is None:
        return None
    data = parse_yaml(text, path, problems)
    if data is UNREADABLE:
        return None
    for where in _written_citations(data):
        problems.add(
            path,
            f"{where}.citation",
            "citations come from the rules catalogue; name the rules instead "
            "(rules: [rule-id, ...])",
        )
    try:
        script = engine.parse_script(data)
    except engine.ScriptInvalid as invalid:
        for problem in invalid.problems:
            field = f"nodes.{problem.node}.{problem.field}" if problem.node else problem.field
            problems.add(path, field.rstrip("."), problem.message)
        return None
    script, cited = _with_rules(script, path, context)
    replies = sum(len(node.replies) for node in script.nodes.values())
    rehearsed = {rule for node in script.nodes.values() for r in node.replies for rule in r.rules}
    return StepSource(
        slug=slug,
        kind="roleplay",
        title=script.title,
        minutes=max(3, round(replies / 3)),
        source_hash=sha256(text.encode()),
        detail=script,
        rules=tuple(sorted(rehearsed)),
        cited=frozenset(cited),
    )


def _written_citations(data: Any) -> list[str]:
    """Where the author wrote a reply's citation by hand."""
    nodes = data.get("nodes") if isinstance(data, Mapping) else None
    found = []
    for node_id, node in (nodes or {}).items() if isinstance(nodes, Mapping) else ():
        replies = node.get("replies") if isinstance(node, Mapping) else None
        for index, reply in enumerate(replies if isinstance(replies, list) else ()):
            if isinstance(reply, Mapping) and "citation" in reply:
                found.append(f"nodes.{node_id}.replies.{index}")
    return found


def _with_rules(
    script: engine.Script, path: Path, context: ReadContext
) -> tuple[engine.Script, set[str]]:
    """The script with its rule ids checked, each reply's citation written from the catalogue
    and every inline `[[rule-id]]` replaced by its citation; and every rule it refers to."""
    references = context.references(path)
    nodes = {}
    for node_id, node in script.nodes.items():
        where = f"nodes.{node_id}"
        replies = []
        for index, reply in enumerate(node.replies):
            field = f"{where}.replies.{index}"
            item = f"reply '{reply.id}'"
            rules = references.ids(reply.rules, f"{field}.rules", item)
            if context.legal and reply.scores.get("compliance") and not reply.rules:
                context.problems.add(
                    path,
                    f"{field}.rules",
                    f"{item}: a reply scored on compliance in a module required for "
                    "certification names its rules (rules: [rule-id, ...])",
                )
            replies.append(
                dataclasses.replace(
                    reply,
                    text=references.text(reply.text, f"{field}.text", item),
                    feedback=references.text(reply.feedback, f"{field}.feedback", item),
                    citation=references.citation(rules),
                )
            )
        nodes[node_id] = dataclasses.replace(
            node,
            prospect=references.text(node.prospect, f"{where}.prospect", f"node '{node_id}'"),
            replies=tuple(replies),
        )
    script = dataclasses.replace(
        script,
        briefing=references.text(script.briefing, "briefing", "the briefing"),
        nodes=engine.read_only(nodes),
    )
    return script, references.cited


def write_roleplay(step, source: StepSource, report: LoadReport, rule_rows: dict) -> None:
    from courses.models import RoleplayScript

    script: engine.Script = source.detail
    sync_row(
        RoleplayScript,
        {"step": step},
        {
            "data": script.to_data(),
            "best": dict(script.best),
            "best_total": script.best_total,
            "pass_mark": script.pass_mark,
        },
        report,
        f"script {step.module.slug}/{step.slug}",
    )


register_step_reader("roleplay", read_roleplay)
register_step_writer("roleplay", write_roleplay)
