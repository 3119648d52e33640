"""Cards for the tests of the dialing drill, built by hand: a lead in a place, with a call."""

from __future__ import annotations

from datetime import datetime

from courses.practice.calling_rules import Call, Lead, local_clock
from courses.practice.cards import Card, Firm, Place

TAMPA = Place("Tampa", "FL", "America/New_York")
BUFFALO = Place("Buffalo", "NY", "America/New_York")
SPOKANE = Place("Spokane", "WA", "America/Los_Angeles")
JACKSON = Place("Jackson", "MS", "America/Chicago")
NEW_YORK_DESK = Place("New York", "NY", "America/New_York")
SELLER = Firm("Brightside Solar", False, "solar panels")
BROKER = Firm("Marlow Creek Securities", True, "opening an investment account")

# A Wednesday.
NOON = datetime(2026, 6, 3, 12)


def card(
    *,
    place: Place = BUFFALO,
    local: datetime = NOON,
    call: Call | None = None,
    desk: Place | None = None,
    **lead,
) -> Card:
    call = call or Call()
    return Card(
        lead=Lead(local_time=local_clock(local), state=place.state, **lead),
        call=call,
        person="Dana Ruiz",
        place=place,
        firm=BROKER if call.caller_is_broker_dealer else SELLER,
        business="Ruiz Dental",
        relationship="your cousin" if lead.get("personal_relationship") else "",
        desk=desk,
    )


def at(hour: int, minute: int = 0, *, day: int = 3) -> datetime:
    """A moment in June 2026: the 3rd is a Wednesday, the 7th a Sunday."""
    return datetime(2026, 6, day, hour, minute)
