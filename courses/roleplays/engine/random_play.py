"""How much a call measures: how often a caller picking replies at random would pass it."""

from __future__ import annotations

from courses.roleplays.engine.call import CallState, start_call
from courses.roleplays.engine.record import REQUIRED_DNC_DETAILS, DncRecord
from courses.roleplays.engine.scoring import score_path
from courses.roleplays.engine.script import Script

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
