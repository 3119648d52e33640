"""Running a call: the replies offered, in each run's order, and moving on."""

from collections import Counter

import pytest

from courses.roleplays import engine
from courses.roleplays.engine import (
    CallState,
    ReplyNotOffered,
    Script,
    advance,
    is_over,
    offered_replies,
    parse_script,
    replay,
    start_call,
)
from tests.roleplays.scripts import (
    script_data,
)


@pytest.fixture
def script() -> Script:
    return parse_script(script_data())


# --- Running a call -----------------------------------------------------------------------------


def test_start_call(script):
    assert start_call(script) == CallState("opening", ())
    assert not is_over(script, start_call(script))


def test_offered_replies_are_the_node_replies(script):
    offered = offered_replies(script, start_call(script))
    assert [reply.id for reply in offered] == ["intro", "sneaky", "late"]


def test_a_seed_shuffles_the_replies_and_keeps_them_so(script):
    start = start_call(script)
    first = [reply.id for reply in offered_replies(script, start, seed=7)]
    assert sorted(first) == ["intro", "late", "sneaky"]
    assert [reply.id for reply in offered_replies(script, start, seed=7)] == first  # a reload


def test_the_position_of_a_reply_tells_nothing_about_it(script):
    """Across runs every reply is offered first about as often as the others."""
    start = start_call(script)
    firsts = Counter(offered_replies(script, start, seed=seed)[0].id for seed in range(600))
    assert set(firsts) == {"intro", "sneaky", "late"}
    assert all(150 <= count <= 250 for count in firsts.values()), firsts


def test_the_order_depends_on_the_node_as_well_as_the_seed():
    orders = {tuple(engine.shuffled_for(3, node, range(6))) for node in ("a", "b", "c", "d")}
    assert len(orders) > 1


def test_the_order_is_the_same_in_every_process():
    # Seeded from text, never from Python's per-process hash of it.
    assert engine.shuffled_for(12345, "opening", "abcdef") == ["a", "b", "d", "c", "e", "f"]


def test_advance_follows_the_reply(script):
    state = advance(script, start_call(script), "intro")
    assert state == CallState("pitch", ("intro",))
    state = advance(script, state, "ask")
    assert state == CallState("booked", ("intro", "ask"))
    assert is_over(script, state)
    assert offered_replies(script, state) == ()


def test_advance_refuses_a_reply_offered_elsewhere(script):
    with pytest.raises(ReplyNotOffered, match="'ask' is not offered at node 'opening'"):
        advance(script, start_call(script), "ask")


@pytest.mark.parametrize("reply_id", ["nope", "", None, ["intro"]])
def test_advance_refuses_unknown_replies(script, reply_id):
    with pytest.raises(ReplyNotOffered, match="unknown reply"):
        advance(script, start_call(script), reply_id)


def test_advance_refuses_after_the_end(script):
    over = replay(script, ["intro", "ask"])
    with pytest.raises(ReplyNotOffered, match="already over"):
        advance(script, over, "ask")


def test_advance_goes_on_after_a_violation(script):
    state = advance(script, start_call(script), "late")
    assert state.node == "failed"


def test_replay_rebuilds_the_state(script):
    assert replay(script, ["sneaky", "remove"]) == CallState("removed", ("sneaky", "remove"))
    assert replay(script, []) == start_call(script)


def test_replay_refuses_an_invalid_step(script):
    with pytest.raises(ReplyNotOffered):
        replay(script, ["intro", "intro"])


def test_replay_refuses_a_bare_string(script):
    with pytest.raises(TypeError):
        replay(script, "intro")  # type: ignore[arg-type]
