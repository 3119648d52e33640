"""How often a caller who picks replies at random would pass."""

from fractions import Fraction

import pytest

from courses.roleplays import engine
from courses.roleplays.engine import (
    Script,
    parse_script,
)
from tests.roleplays.scripts import (
    looping_data,
    script_data,
)


@pytest.fixture
def script() -> Script:
    return parse_script(script_data())


# --- How much a call measures -------------------------------------------------------------------


def test_random_play_passes_as_often_as_the_passing_paths_are_likely(script):
    """Opening: intro, sneaky or a violation (1/3 each). Then ask (booked) or remove (the
    do-not-call request, recorded perfectly). Of the four lawful calls, only intro+remove
    (10 of 10) and intro+ask (7 of 10) reach the pass mark of 70%."""
    assert engine.random_pass_chance(script) == pytest.approx(float(Fraction(1, 3)))


def test_random_play_never_passes_when_every_lawful_call_is_weak():
    data = script_data(pass_mark=100)
    data["nodes"]["pitch"]["replies"][0]["scores"] = {"discovery": 30}
    script = parse_script(data)
    # Only intro+ask (2 + 2 + 30 = 34 of 34) passes: 1/3 * 1/2.
    assert engine.random_pass_chance(script) == pytest.approx(1 / 6)


def test_random_play_through_a_loop_ends():
    """The call passes when at least one question is asked before closing: unless the very
    first reply closes (1 in 3), the caller goes round the loop and closes later."""
    chance = engine.random_pass_chance(parse_script(looping_data()))
    assert chance == pytest.approx(2 / 3, abs=1e-5)
