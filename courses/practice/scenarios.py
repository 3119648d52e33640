"""The drill's scenarios: each shapes one card's inputs toward a distinction the facts sheet
calls worth testing, and leaves the rest as the base dealt them. Pure Python: no Django.

A scenario only chooses inputs; the engine decides whatever results. `spec_for` deals a base
and lets a scenario shape it; `build` turns the result into a card.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from courses.practice.calling_rules import Call, Lead, local_clock
from courses.practice.cards import Card, Place
from courses.practice.roster import (
    BROKERS,
    BUSINESSES,
    DESKS,
    FIRST_NAMES,
    LAST_NAMES,
    RELATIONSHIPS,
    SELLERS,
)
from courses.practice.states import STATE_LISTS, STATE_RULES

FIRST_DAY = date(2026, 1, 5)
DAYS_DEALT = 350


@dataclass
class Spec:
    """The inputs of one card while a scenario shapes them."""

    place: Place
    day: date
    clock: time
    line: str = "landline"
    registry: bool = False
    state_list: bool = False
    dnc: bool = False
    purchase_months: int | None = None
    inquiry_weeks: int | None = None
    activity_months: int | None = None
    written: bool = False
    personal: bool = False
    called_broker: bool = False
    broker: bool = False
    method: str = "live"
    consent: str = "none"  # none, express or written
    calls: int = 0
    desk: Place | None = None
    topic: str = ""
    extra: dict = field(default_factory=dict)


# --- Times, places and histories ----------------------------------------------------------------


def minutes_between(rng: random.Random, start: time, end: time) -> time:
    """A time from `start` to `end` in 5-minute steps."""
    first, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    minute = first + 5 * rng.randrange((last - first) // 5 + 1)
    return time(minute // 60, minute % 60)


def daytime(rng):
    return minutes_between(rng, time(9), time(17, 45))


def early_morning(rng):
    return minutes_between(rng, time(6, 30), time(7, 55))


def evening(rng):
    """Past 8 p.m. and before 9 p.m.: lawful under the federal rules, not in the 8 p.m. states."""
    return minutes_between(rng, time(20, 5), time(20, 55))


def late_evening(rng):
    return minutes_between(rng, time(21, 5), time(22, 30))


def early_evening(rng):
    return minutes_between(rng, time(18, 30), time(19, 50))


def _place(rng, pool: Sequence[Place], states=None, exclude=()) -> Place | None:
    choices = [p for p in pool if (states is None or p.state in states) and p.state not in exclude]
    return rng.choice(choices) if choices else None


def _ebr(rng, s: Spec) -> None:
    """A relationship that counts: a purchase within 18 months or an inquiry within 3."""
    if rng.random() < 0.6:
        s.purchase_months = rng.randint(1, 16)
    else:
        s.inquiry_weeks = rng.randint(1, 10)


def _lapsed(rng, s: Spec) -> None:
    """A relationship that has lapsed: a purchase over 18 months ago or an inquiry over 3."""
    if rng.random() < 0.5:
        s.purchase_months = rng.randint(20, 40)
    else:
        s.inquiry_weeks = rng.randint(17, 40)


def _personal_line(rng) -> str:
    return rng.choice(("landline", "mobile"))


# --- Scenarios: each shapes a Spec toward one distinction, or returns False --------------------
# A scenario may leave any input as the base dealt it; the engine decides whatever results.

# States with calling rules of their own: left out where they would blur a federal distinction.
NOT_STRICT = tuple(STATE_RULES)


def dnc_beats_ebr(rng, s: Spec, pool) -> bool:
    _ebr(rng, s)
    s.registry = rng.random() < 0.5
    s.dnc = rng.random() < 0.65
    s.line = rng.choice(("landline", "mobile", "business"))
    s.broker = rng.random() < 0.4
    s.personal = rng.random() < 0.2
    return True


def callers_clock(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, exclude=NOT_STRICT)
    if place is None:
        return False
    s.place = place
    s.clock = rng.choice((early_morning, evening, late_evening, daytime))(rng)
    s.desk = rng.choice([d for d in DESKS if _offset(d, s) != _offset(s.place, s)])
    s.line = _personal_line(rng)
    return True


def _offset(place: Place, s: Spec):
    return ZoneInfo(place.zone).utcoffset(datetime.combine(s.day, time(12)))


def broker_regimes(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, exclude=NOT_STRICT)
    if place is None:
        return False
    s.place, s.line, s.broker = place, _personal_line(rng), True
    variant = rng.randrange(4)
    # A personal relationship gets past the registry for FINRA and the FCC, not the TSR.
    if variant == 0:
        s.registry = s.personal = True
        s.broker = rng.random() < 0.6
    elif variant == 1:  # FINRA's relationship counts account activity; the FCC's does not
        s.registry = True
        s.activity_months = rng.randint(2, 15)
        if rng.random() < 0.3:
            s.purchase_months = rng.randint(2, 16)
    elif variant == 2:  # a broker-dealer called at home late: FINRA's exception, not the FCC's
        s.called_broker = True
        s.clock = rng.choice((early_morning, late_evening))(rng)
        if rng.random() < 0.4:
            _ebr(rng, s)
    else:  # outside the hours with a relationship: FINRA and the FCC yield, the TSR does not
        s.clock = rng.choice((early_morning, late_evening))(rng)
        _ebr(rng, s)
        s.broker = rng.random() < 0.5
    return True


def ebr_is_no_consent(rng, s: Spec, pool) -> bool:
    _ebr(rng, s)
    s.registry = rng.random() < 0.7
    s.line = rng.choice(("landline", "mobile", "mobile"))
    s.method = rng.choice(("live", "autodialed", "prerecorded"))
    s.consent = rng.choice(("none", "none", "express"))
    return True


def strict_states(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, states=("FL", "MD", "OK"))
    if place is None:
        return False
    s.place, s.line = place, _personal_line(rng)
    variant = rng.randrange(4)
    if variant == 0:
        s.clock = evening(rng)
    elif variant == 1:
        s.clock = early_evening(rng)
    elif variant == 2:
        s.calls = rng.choice((3, 3, 4))
    else:
        s.calls = rng.randint(1, 2)
    if rng.random() < 0.3:
        _ebr(rng, s)
    return True


def hours_exceptions(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, exclude=NOT_STRICT)
    if place is None:
        return False
    s.place = place
    s.clock = rng.choice((early_morning, late_evening))(rng)
    s.line = rng.choice(("landline", "mobile", "business"))
    s.broker = rng.random() < 0.5
    exception = rng.choice(("ebr", "written", "express", "none"))
    if exception == "ebr":
        _ebr(rng, s)
    elif exception == "written":
        s.written = True
    elif exception == "express":
        s.consent = "express"
    return True


def personal_relationship(rng, s: Spec, pool) -> bool:
    s.registry = s.personal = True
    s.dnc = rng.random() < 0.4
    s.broker = rng.random() < 0.5
    s.line = _personal_line(rng)
    return True


def business_line(rng, s: Spec, pool) -> bool:
    s.line = "business"
    s.registry = rng.random() < 0.8
    s.dnc = rng.random() < 0.35
    s.broker = rng.random() < 0.5
    return True


def dialer_to_landline(rng, s: Spec, pool) -> bool:
    s.line = "landline"
    s.method = rng.choice(("autodialed", "autodialed", "prerecorded"))
    s.consent = rng.choice(("none", "none", "express", "written"))
    if rng.random() < 0.4:
        s.place = _place(rng, pool, states=("FL", "MD", "OK")) or s.place
    return True


def personal_mobile(rng, s: Spec, pool) -> bool:
    s.line = "mobile"
    variant = rng.randrange(4)
    if variant == 0:
        s.registry = True
    elif variant == 1:
        s.clock = rng.choice((late_evening, early_morning))(rng)
    elif variant == 2:
        s.registry = True
        _ebr(rng, s)
    else:
        s.registry = True
        _lapsed(rng, s)
    return True


def state_lists(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, states=STATE_LISTS)
    if place is None:
        return False
    s.place, s.line = place, _personal_line(rng)
    s.state_list = rng.random() < 0.65
    s.registry = rng.random() < 0.3
    if place.state == "IN" or rng.random() < 0.3:
        _ebr(rng, s)
    return True


def automated_consent(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, states=("MD", "FL", "OK"))
    if place is None:
        return False
    s.place, s.line = place, rng.choice(("landline", "mobile"))
    s.method = rng.choice(("autodialed", "prerecorded"))
    s.consent = rng.choice(("express", "written", "written"))
    return True


def mississippi(rng, s: Spec, pool) -> bool:
    place = _place(rng, pool, states=("MS",))
    if place is None:
        return False
    s.place, s.line = place, _personal_line(rng)
    sunday = s.day + timedelta(days=6 - s.day.weekday())
    s.day = sunday if rng.random() < 0.6 else sunday - timedelta(days=1)
    if rng.random() < 0.3:
        s.clock = rng.choice((evening, early_evening))(rng)
    s.state_list = rng.random() < 0.3
    return True


def plain(rng, s: Spec, pool) -> bool:
    s.line = rng.choice(("landline", "mobile", "business"))
    s.registry = rng.random() < 0.4
    s.broker = rng.random() < 0.4
    if rng.random() < 0.3:
        s.clock = rng.choice((early_morning, late_evening, evening))(rng)
    return True


Scenario = Callable[[random.Random, Spec, Sequence[Place]], bool]

SCENARIOS: tuple[tuple[Scenario, int], ...] = (
    (dnc_beats_ebr, 3),
    (callers_clock, 3),
    (broker_regimes, 3),
    (ebr_is_no_consent, 3),
    (strict_states, 3),
    (hours_exceptions, 2),
    (personal_relationship, 2),
    (business_line, 2),
    (dialer_to_landline, 2),
    (personal_mobile, 2),
    (state_lists, 2),
    (automated_consent, 1),
    (mississippi, 1),
    (plain, 1),
)


# --- From a Spec to a card ---------------------------------------------------------------------


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def spec_for(
    rng, pool: Sequence[Place], scenario: Scenario, day: date | None = None
) -> Spec | None:
    spec = Spec(
        place=rng.choice(pool),
        day=day or FIRST_DAY + timedelta(days=rng.randrange(DAYS_DEALT)),
        clock=daytime(rng),
        topic=scenario.__name__.replace("_", "-"),
    )
    spec.extra = {
        "person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "business": rng.choice(BUSINESSES),
        "relationship": rng.choice(RELATIONSHIPS),
        "seller": rng.choice(SELLERS),
        "broker": rng.choice(BROKERS),
    }
    return spec if scenario(rng, spec, pool) else None


def build(spec: Spec) -> Card:
    day = spec.day
    person = spec.extra["person"]
    # A broker or dealer called at home: the line is theirs, not a business's.
    line = "landline" if spec.called_broker and spec.line == "business" else spec.line
    state_list = spec.state_list and line != "business"
    lead = Lead(
        local_time=local_clock(datetime.combine(day, spec.clock)),
        state=spec.place.state,
        line=line,
        on_national_registry=spec.registry,
        on_state_list=state_list,
        firm_dnc_request=spec.dnc,
        last_purchase=_months_back(day, spec.purchase_months)
        if spec.purchase_months is not None
        else None,
        last_inquiry=day - timedelta(weeks=spec.inquiry_weeks)
        if spec.inquiry_weeks is not None
        else None,
        last_account_activity=_months_back(day, spec.activity_months)
        if spec.activity_months is not None and spec.broker
        else None,
        written_permission=spec.written,
        personal_relationship=spec.personal,
        is_broker_dealer=spec.called_broker,
        calls_last_24h=spec.calls,
    )
    call = Call(
        caller_is_broker_dealer=spec.broker,
        method=spec.method,
        prior_express_consent=spec.consent == "express",
        prior_express_written_consent=spec.consent == "written",
    )
    return Card(
        lead=lead,
        call=call,
        person=person,
        place=spec.place,
        firm=spec.extra["broker"] if spec.broker else spec.extra["seller"],
        business=spec.extra["business"].format(last=person.split()[-1]),
        relationship=spec.extra["relationship"] if spec.personal else "",
        desk=spec.desk,
        topic=spec.topic,
    )
