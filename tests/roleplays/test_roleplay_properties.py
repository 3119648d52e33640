"""Properties that hold for any generated script."""

from collections import deque
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.roleplays.engine import (
    DIMENSIONS,
    DNC_RECORD_MAX,
    OUTCOMES,
    CallState,
    DncRecord,
    Script,
    ScriptInvalid,
    ScriptProblem,
    advance,
    is_over,
    offered_replies,
    parse_script,
    replay,
    score_path,
    start_call,
)
from tests.roleplays.scripts import (
    FULL_RECORD,
    problems_of,
    script_data,
)

# --- Properties of generated scripts ------------------------------------------------------------

LAWFUL_OUTCOMES = [outcome for outcome in OUTCOMES if outcome != "failed_violation"]
RULE = "fcc-calling-hours"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def generated_scripts(draw: st.DrawFn) -> dict[str, Any]:
    """Random valid scripts: a DAG of prospect lines plus back-edges and violations.

    Every inner node has a lawful reply to a later node or an end, so every loop has an exit and
    a lawful call can always finish; every node has a lawful reply into it from an earlier node,
    so the start reaches everything. The failed end is only reached through violations.
    """
    inner = [f"n{i}" for i in range(draw(st.integers(1, 5)))]
    outcomes = draw(st.lists(st.sampled_from(LAWFUL_OUTCOMES), min_size=1, max_size=3))
    ends = [f"end{i}" for i in range(len(outcomes))]
    replies: dict[str, list[dict[str, Any]]] = {node: [] for node in inner}

    def add(source: str, target: str, violation: bool = False) -> None:
        reply: dict[str, Any] = {"text": f"To {target}", "next": target}
        if draw(st.booleans()):
            reply["id"] = f"r{sum(map(len, replies.values()))}"
        scores = draw(st.dictionaries(st.sampled_from(DIMENSIONS), st.integers(-2, 4), max_size=3))
        if scores:
            reply["scores"] = scores
        if violation:
            reply.update(violation=True, rules=[RULE])
        replies[source].append(reply)

    for index, node in enumerate(inner[1:], start=1):
        add(draw(st.sampled_from(inner[:index])), node)
    for end in ends:
        add(draw(st.sampled_from(inner)), end)
    for index, node in enumerate(inner):
        add(node, draw(st.sampled_from(inner[index + 1 :] + ends)))
    for _ in range(draw(st.integers(0, 4))):
        violation = draw(st.booleans())
        targets = [*inner, *ends, *(["failed"] if violation else [])]
        add(draw(st.sampled_from(inner)), draw(st.sampled_from(targets)), violation)

    # the first reply of any lawful call is from the start, so its bonus outweighs every
    # penalty elsewhere and the best total stays above 0
    penalty = sum(
        -points
        for rs in replies.values()
        for r in rs
        for points in r.get("scores", {}).values()
        if points < 0
    )
    for reply in replies[inner[0]]:
        reply.setdefault("scores", {})
        reply["scores"]["compliance"] = reply["scores"].get("compliance", 0) + penalty + 1

    nodes: dict[str, Any] = {
        node: {"prospect": f"At {node}", "replies": replies[node]} for node in inner
    }
    for end, outcome in zip(ends, outcomes, strict=True):
        nodes[end] = {"prospect": "Goodbye.", "end": True, "outcome": outcome}
    if any(r["next"] == "failed" for rs in replies.values() for r in rs):
        nodes["failed"] = {"prospect": "Click.", "end": True, "outcome": "failed_violation"}
    return script_data(pass_mark=draw(st.integers(0, 100)), start="n0", nodes=nodes)


def brute_force(script: Script) -> dict[str, tuple[int, list[str]]]:
    """Every (node, replies used) state a lawful call can reach, without the engine's shortcuts.

    Returns, per dimension and for "total", the best value and a path that earns it.
    """
    start = (script.start, frozenset[str]())
    came_from: dict[tuple[str, frozenset[str]], tuple[Any, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        node = script.nodes[state[0]]
        for reply in () if node.end else node.replies:
            if not reply.violation:
                after = (reply.next, state[1] | {reply.id})
                if after not in came_from:
                    came_from[after] = (state, reply.id)
                    queue.append(after)

    best: dict[str, tuple[int, list[str]]] = {}
    for state in came_from:
        node = script.nodes[state[0]]
        if not node.end:
            continue
        values = {d: sum(script.reply(r).scores[d] for r in state[1]) for d in DIMENSIONS}
        if node.outcome == "dnc_honoured":
            values["compliance"] += DNC_RECORD_MAX
        values["total"] = sum(values.values())
        for objective, value in values.items():
            if objective not in best or value > best[objective][0]:
                best[objective] = (value, path_to(came_from, state))
    return best


def path_to(came_from: dict[Any, Any], state: Any) -> list[str]:
    path: list[str] = []
    while came_from[state] is not None:
        state, reply_id = came_from[state]
        path.append(reply_id)
    return path[::-1]


def random_walk(script: Script, choices: list[int]) -> CallState:
    state = start_call(script)
    for choice in choices:
        offered = offered_replies(script, state)
        if not offered:
            break
        state = advance(script, state, offered[choice % len(offered)].id)
    return state


def record_for(script: Script, state: CallState) -> DncRecord | None:
    return FULL_RECORD if script.nodes[state.node].outcome == "dnc_honoured" else None


@FAST
@given(generated_scripts())
def test_generated_scripts_parse_and_round_trip(data):
    script = parse_script(data)
    assert script.best_total > 0
    assert parse_script(script.to_data()) == script


@FAST
@given(generated_scripts(), st.lists(st.integers(0, 20), max_size=30))
def test_a_lawful_finished_call_never_beats_the_best(data, choices):
    script = parse_script(data)
    state = random_walk(script, choices)
    result = score_path(script, state.path, record_for(script, state))
    if is_over(script, state) and not result.violations:
        assert result.total <= script.best_total
        for dimension in DIMENSIONS:
            assert result.scores[dimension] <= script.best[dimension]
        assert 0 <= result.percent <= 100


@FAST
@given(generated_scripts())
def test_the_best_is_what_some_call_earns(data):
    script = parse_script(data)
    expected = brute_force(script)
    assert script.best == {d: expected[d][0] for d in DIMENSIONS}
    assert script.best_total == expected["total"][0]
    for objective, (value, path) in expected.items():
        result = score_path(script, path, record_for(script, replay(script, path)))
        assert not result.violations
        assert (result.total if objective == "total" else result.scores[objective]) == value
    assert (
        score_path(
            script,
            expected["total"][1],
            FULL_RECORD
            if script.nodes[replay(script, expected["total"][1]).node].outcome == "dnc_honoured"
            else None,
        ).percent
        == 100
    )


@FAST
@given(generated_scripts(), st.lists(st.integers(0, 20), max_size=30))
def test_replay_reproduces_the_walk(data, choices):
    script = parse_script(data)
    state = random_walk(script, choices)
    assert replay(script, state.path) == state
    assert replay(script, list(state.path)) == state


@FAST
@given(generated_scripts(), st.data())
def test_an_unreachable_node_is_always_reported(data, draw):
    target = draw.draw(st.sampled_from(sorted(data["nodes"])))
    data["nodes"]["orphan"] = {"prospect": "Who?", "replies": [{"text": "Hi", "next": target}]}
    problems = problems_of(data)
    assert [(p.node, p.field) for p in problems] == [("orphan", "")]
    assert "no path from the start node 'n0' reaches this node" in problems[0].message


@FAST
@given(generated_scripts(), st.data())
def test_a_dangling_next_is_always_reported(data, draw):
    node = draw.draw(st.sampled_from([n for n, v in data["nodes"].items() if "replies" in v]))
    replies = data["nodes"][node]["replies"]
    replies.append({"text": "Off the map", "next": "nowhere"})
    problems = problems_of(data)
    assert (
        ScriptProblem(node, f"replies.{len(replies) - 1}.next", "leads to a missing node 'nowhere'")
        in problems
    )


json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.sampled_from(["", "n0", "end0", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["n0", "text", "next", "end", "1"]), children, max_size=3)
    ),
    max_leaves=10,
)


@FAST
@given(json_like)
def test_any_data_is_a_script_or_a_list_of_problems(data):
    with pytest.raises(ScriptInvalid) as caught:
        parse_script(data)
    assert caught.value.problems


@FAST
@given(generated_scripts(), st.data())
def test_a_damaged_script_gives_problems_not_crashes(data, draw):
    # replace one value anywhere in a valid script with junk
    holder: Any = data
    while True:
        keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
        key = draw.draw(st.sampled_from(keys))
        if not isinstance(holder[key], dict | list) or not holder[key] or draw.draw(st.booleans()):
            break
        holder = holder[key]
    holder[key] = draw.draw(json_like)
    try:
        script = parse_script(data)
    except ScriptInvalid as invalid:
        assert invalid.problems
    else:
        assert parse_script(script.to_data()) == script
