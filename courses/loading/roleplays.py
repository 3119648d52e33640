"""Roleplay files: validate a call script with the engine, then store it with its best scores."""

from __future__ import annotations

from pathlib import Path

from .. import roleplay
from . import (
    UNREADABLE,
    LoadReport,
    Problems,
    StepSource,
    parse_yaml,
    read_text,
    register_step_reader,
    register_step_writer,
    sha256,
    sync_row,
)


def read_roleplay(path: Path, slug: str, problems: Problems) -> StepSource | None:
    text = read_text(path, problems)
    if text is None:
        return None
    data = parse_yaml(text, path, problems)
    if data is UNREADABLE:
        return None
    try:
        script = roleplay.parse_script(data)
    except roleplay.ScriptInvalid as invalid:
        for problem in invalid.problems:
            field = f"nodes.{problem.node}.{problem.field}" if problem.node else problem.field
            problems.add(path, field.rstrip("."), problem.message)
        return None
    replies = sum(len(node.replies) for node in script.nodes.values())
    return StepSource(
        slug=slug,
        kind="roleplay",
        title=script.title,
        minutes=max(3, round(replies / 3)),
        source_hash=sha256(text.encode()),
        detail=script,
    )


def write_roleplay(step, source: StepSource, report: LoadReport) -> None:
    from ..models import RoleplayScript

    script: roleplay.Script = source.detail
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
