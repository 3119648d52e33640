"""Where a roleplay run stands, rebuilt from the script it was played on and its replies."""

from __future__ import annotations

from dataclasses import dataclass

from . import roleplay
from .models import RoleplayRun

# Parsed scripts, by (script, content version): a run keeps a copy of the script it started
# on, and that copy is the same for every run begun on the same version of the content.
_parsed: dict[tuple[int, str], roleplay.Script] = {}
_PARSED_LIMIT = 256


def run_script(run: RoleplayRun) -> roleplay.Script:
    """The script the run is played on (parsed once per script and version, then reused)."""
    key = (run.script_id, run.content_version)
    script = _parsed.get(key)
    if script is None:
        script = roleplay.parse_script(run.script_data)
        if len(_parsed) >= _PARSED_LIMIT:
            _parsed.clear()
        _parsed[key] = script
    return script


@dataclass(frozen=True)
class CallView:
    """Where a run stands: its script, the call state, and the score once it can be given."""

    script: roleplay.Script
    state: roleplay.CallState
    result: roleplay.CallResult | None
    seed: int | None = None  # the run's order of the replies offered

    @property
    def over(self) -> bool:
        return roleplay.is_over(self.script, self.state)

    @property
    def needs_record(self) -> bool:
        return self.result is not None and self.result.needs_dnc_record

    @property
    def offered(self) -> tuple[roleplay.Reply, ...]:
        return roleplay.offered_replies(self.script, self.state, self.seed)


def call_view(run: RoleplayRun, path: list[str]) -> CallView:
    """The call after the replies in `path` (reply ids, in order)."""
    script = run_script(run)
    state = roleplay.replay(script, path)
    result = None
    if roleplay.is_over(script, state):
        result = roleplay.score_path(script, path, dnc_record_of(run))
    return CallView(script, state, result, run.seed)


def dnc_record_of(run: RoleplayRun) -> roleplay.DncRecord | None:
    if not run.dnc_record:
        return None
    return roleplay.DncRecord(run.dnc_record["list"], frozenset(run.dnc_record["details"]))
