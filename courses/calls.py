"""Where a roleplay run stands, rebuilt from the script it was played on and its replies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from . import roleplay
from .models import RoleplayRun


@lru_cache(maxsize=256)
def _parse(canonical: str) -> roleplay.Script:
    return roleplay.parse_script(json.loads(canonical))


def run_script(run: RoleplayRun) -> roleplay.Script:
    """The script the run is played on (parsed once per distinct script, then reused)."""
    return _parse(json.dumps(run.script_data, sort_keys=True))


@dataclass(frozen=True)
class CallView:
    """Where a run stands: its script, the call state, and the score once it can be given."""

    script: roleplay.Script
    state: roleplay.CallState
    result: roleplay.CallResult | None

    @property
    def over(self) -> bool:
        return roleplay.is_over(self.script, self.state)

    @property
    def needs_record(self) -> bool:
        return self.result is not None and self.result.needs_dnc_record

    @property
    def offered(self) -> tuple[roleplay.Reply, ...]:
        return roleplay.offered_replies(self.script, self.state)


def call_view(run: RoleplayRun, path: list[str]) -> CallView:
    """The call after the replies in `path` (reply ids, in order)."""
    script = run_script(run)
    state = roleplay.replay(script, path)
    result = None
    if roleplay.is_over(script, state):
        result = roleplay.score_path(script, path, dnc_record_of(run))
    return CallView(script, state, result)


def dnc_record_of(run: RoleplayRun) -> roleplay.DncRecord | None:
    if not run.dnc_record:
        return None
    return roleplay.DncRecord(run.dnc_record["list"], frozenset(run.dnc_record["details"]))
