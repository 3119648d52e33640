"""The best score a call through a script can achieve, which sets what its pass mark means."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping

from courses.roleplays.engine.record import DNC_RECORD_MAX
from courses.roleplays.engine.script import DIMENSIONS, Node

MAX_SCORING_STATES = 200_000

type _Vector = tuple[int, ...]  # points per dimension, then the total
type _State = tuple[str, frozenset[str]]  # node, replies already used that could recur


class TooComplexToScore(Exception):
    def __init__(self, limit: int):
        super().__init__(f"more than {limit} states")


def _vector(scores: Mapping[str, int]) -> _Vector:
    points = tuple(scores.get(dimension, 0) for dimension in DIMENSIONS)
    return (*points, sum(points))


def _better(a: _Vector | None, b: _Vector) -> _Vector:
    return b if a is None else tuple(max(x, y) for x, y in zip(a, b, strict=True))


def best_vector(start: str, nodes: Mapping[str, Node]) -> _Vector | None:
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
            reply.id for later in reachable({node_id}, targets) for reply in moves[later]
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
