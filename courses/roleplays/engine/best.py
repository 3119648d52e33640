"""The best score a call through a script can achieve, which sets what its pass mark means."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass

from courses.roleplays.engine.record import DNC_RECORD_MAX
from courses.roleplays.engine.script import DIMENSIONS, Node

MAX_SCORING_STATES = 200_000

type _Vector = tuple[int, ...]  # points per dimension, then the total
type _State = tuple[str, frozenset[str]]  # node, replies already used that could recur
type _Result = tuple[_Vector, _Vector]  # the most per objective, and the best call


class TooComplexToScore(Exception):
    def __init__(self, limit: int):
        super().__init__(f"more than {limit} states")


def _vector(scores: Mapping[str, int]) -> _Vector:
    points = tuple(scores.get(dimension, 0) for dimension in DIMENSIONS)
    return (*points, sum(points))


def _better(a: _Vector | None, b: _Vector) -> _Vector:
    return b if a is None else tuple(max(x, y) for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Best:
    """What the best calls through a script earn.

    `most` holds the most points per dimension and the best total, each maximised separately
    (the best rapport and the best total may come from different calls). `call` is the points
    per dimension and total of one call that earns the best total, and `path` that call's
    replies: among calls with the same total, the one with the most compliance points, then
    objections, discovery and rapport, so every row of a debrief's best call adds up to the
    best total.
    """

    most: _Vector
    call: _Vector
    path: tuple[str, ...]


def _call_key(vector: _Vector) -> _Vector:
    return (vector[-1], *reversed(vector[:-1]))


def best_calls(start: str, nodes: Mapping[str, Node]) -> Best | None:
    """The best scores over complete calls without a violation, and one best call's path.

    A reply counts once per call, so the search state is the node plus the replies used so far.
    Two reductions keep it exact but small: a used reply that can never be offered again is
    dropped from the state (so a loop-free script has one state per node), and moving along
    already-used replies is free, so those moves are folded into each state.
    """
    moves = {
        node_id: [r for r in node.replies if not r.violation and r.next in nodes]
        for node_id, node in nodes.items()
    }
    targets = {node_id: [reply.next for reply in replies] for node_id, replies in moves.items()}
    # the replies that can still be offered once the call is at a node
    ahead = {
        node_id: frozenset(
            reply.id for later in reachable({node_id}, targets) for reply in moves[later]
        )
        for node_id in nodes
    }
    gains = {reply.id: _vector(reply.scores) for replies in moves.values() for reply in replies}
    dnc_bonus = _vector({"compliance": DNC_RECORD_MAX})
    nothing = _vector({})
    # how each state's best call goes on: the node it moves to freely, then the reply it takes
    choices: dict[_State, tuple[str, str | None]] = {}

    def free_moves(node_id: str, used: frozenset[str]) -> dict[str, tuple[str, str] | None]:
        """The nodes reached along used replies, each with the node and reply it came by."""
        came_from: dict[str, tuple[str, str] | None] = {node_id: None}
        stack = [node_id]
        while stack:
            current = stack.pop()
            if nodes[current].end:
                continue
            for reply in moves[current]:
                if reply.id in used and reply.next not in came_from:
                    came_from[reply.next] = (current, reply.id)
                    stack.append(reply.next)
        return came_from

    def solve(state: _State) -> Generator[_State, _Result | None, _Result | None]:
        node_id, used = state
        most: _Vector | None = None
        call: _Vector | None = None
        for current in free_moves(node_id, used):
            node = nodes[current]
            options: list[tuple[str | None, _Vector, _Vector]] = []
            if node.end:
                end = dnc_bonus if node.outcome == "dnc_honoured" else nothing
                options.append((None, end, end))
            else:
                for reply in moves[current]:
                    if reply.id in used:
                        continue
                    rest = yield (reply.next, (used | {reply.id}) & ahead[reply.next])
                    if rest is not None:
                        gain = gains[reply.id]
                        options.append((reply.id, _plus(gain, rest[0]), _plus(gain, rest[1])))
            for reply_id, option_most, option_call in options:
                most = _better(most, option_most)
                if call is None or _call_key(option_call) > _call_key(call):
                    call = option_call
                    choices[state] = (current, reply_id)
        return None if most is None or call is None else (most, call)

    root: _State = (start, frozenset())
    found = _run_memoised(solve, root)
    if found is None:
        return None

    path: list[str] = []
    state = root
    while True:
        node_id, used = state
        current, reply_id = choices[state]
        came_from = free_moves(node_id, used)
        detour: list[str] = []
        step = came_from[current]
        while step is not None:
            detour.append(step[1])
            step = came_from[step[0]]
        path.extend(reversed(detour))
        if reply_id is None:
            break
        path.append(reply_id)
        following = next(r.next for r in moves[current] if r.id == reply_id)
        state = (following, (used | {reply_id}) & ahead[following])
    return Best(most=found[0], call=found[1], path=tuple(path))


def _plus(a: _Vector, b: _Vector) -> _Vector:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _run_memoised(
    solve: Callable[[_State], Generator[_State, _Result | None, _Result | None]], root: _State
) -> _Result | None:
    """Runs the recursive `solve` with an explicit stack, as calls can be deeper than Python's
    recursion limit. The states form a DAG (within a loop the used set only grows)."""
    memo: dict[_State, _Result | None] = {}
    stack = [(root, solve(root))]
    answer: _Result | None = None
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
            raise TooComplexToScore(MAX_SCORING_STATES)
        stack.append((wanted, solve(wanted)))
        answer = None
    return memo[root]


def reachable(sources: Iterable[str], moves: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(sources)
    stack = list(seen)
    while stack:
        for target in moves[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
