"""Scoring a call from its path, with the do-not-call record where one was asked for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from courses.roleplays.engine.call import is_over, replay
from courses.roleplays.engine.record import DncRecord, DncRecordResult, score_dnc_record
from courses.roleplays.engine.script import DIMENSIONS, ENDED_EARLY, FrozenDict, Reply, Script


@dataclass(frozen=True)
class CallResult:
    scores: Mapping[str, int]
    total: int
    # Per dimension, what a best call scored: this call's own points if it earned the best
    # total, else the script's best call. The rows add up to `best_total`.
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
    script: Script,
    path: Sequence[str],
    dnc_record: DncRecord | None = None,
    *,
    ended_early: bool = False,
) -> CallResult:
    """Scores a stored call; raises ReplyNotOffered if the path is not a walk of the script.

    A do-not-call record only belongs to a call that ended with the request honoured; giving
    one for any other call raises ValueError rather than silently adding points. A call the
    rep ended early is scored as it stands, and does not pass.
    """
    state = replay(script, path, ended_early=ended_early)
    over = is_over(script, state)
    end_outcome = (
        ENDED_EARLY if state.ended_early else script.nodes[state.node].outcome if over else None
    )

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
    lawful_end = (
        over
        and not violations
        and not needs_dnc_record
        and end_outcome not in ("failed_violation", ENDED_EARLY)
    )
    passed = lawful_end and percent >= script.pass_mark
    frozen_scores = FrozenDict(scores)
    return CallResult(
        scores=frozen_scores,
        total=total,
        best=frozen_scores if lawful_end and total == script.best_total else script.best_call,
        best_total=script.best_total,
        percent=percent,
        violations=violations,
        end_outcome=end_outcome,
        outcome="failed_violation" if violations else end_outcome,
        needs_dnc_record=needs_dnc_record,
        dnc=dnc,
        passed=passed,
    )
