"""Running a call: where it is, the replies offered (in each run's own order), moving on."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from courses.roleplays.engine.script import Reply, Script


class ReplyNotOffered(Exception):
    """The reply cannot be chosen: unknown, not offered at this point, or the call is over."""


@dataclass(frozen=True)
class CallState:
    node: str
    path: tuple[str, ...]  # reply ids chosen, in order
    ended_early: bool = False  # the rep hung up before the script's end


def start_call(script: Script) -> CallState:
    return CallState(script.start, ())


def is_over(script: Script, state: CallState) -> bool:
    return state.ended_early or script.nodes[state.node].end


def end_early(script: Script, state: CallState) -> CallState:
    """The rep hangs up: the call ends where it stands, before the script's end."""
    if is_over(script, state):
        raise ReplyNotOffered(f"the call is already over: it ended at node {state.node!r}")
    return CallState(state.node, state.path, ended_early=True)


def offered_replies(script: Script, state: CallState, seed: int | None = None) -> tuple[Reply, ...]:
    """The replies offered at this moment of the call.

    With a run's `seed` they come in that run's order: shuffled, so that a reply's position
    tells nothing about it, and the same whenever the run shows this moment again. Without a
    seed they come in the order the author wrote them.
    """
    node = script.nodes[state.node]
    if is_over(script, state):
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


def replay(script: Script, path: Iterable[str], *, ended_early: bool = False) -> CallState:
    """The call after the replies in `path`; `ended_early` if the rep then hung up."""
    if isinstance(path, str):
        raise TypeError("a path is a sequence of reply ids, not one string")
    state = start_call(script)
    for reply_id in path:
        state = advance(script, state, reply_id)
    return end_early(script, state) if ended_early else state
