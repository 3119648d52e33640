"""A lead card of the dialing drill: the engine's inputs for one call, and the plain-English
description a rep reads before deciding. Pure Python: no Django but its translation of the
description's labels (the sentences are the lead's scenario, course content kept in English).

A card carries no answer. What the engine decides for it is asked where the card is graded
(grading.py), so the card page cannot give the answer away.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from courses.practice.calling_rules import Call, Lead, clock_text, local_clock
from courses.practice.states import STATE_LISTS, US_STATES

ZONE_LABELS = {
    "America/New_York": "Eastern time",
    "America/Indiana/Indianapolis": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time, no daylight saving",
    "America/Los_Angeles": "Pacific time",
}


def zone_label(zone: str) -> str:
    return ZONE_LABELS.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


@dataclass(frozen=True)
class Place:
    city: str
    state: str  # two-letter code; empty for a rep's desk named only by its zone
    zone: str  # an IANA time zone

    @property
    def name(self) -> str:
        state = US_STATES.get(self.state, "")
        return f"{self.city}, {state}" if state else self.city

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)


@dataclass(frozen=True)
class Firm:
    name: str
    broker_dealer: bool
    sells: str  # what the call is about


@dataclass(frozen=True)
class Fact:
    """One line of a card's description: a short label and a sentence."""

    label: str
    text: str


@dataclass(frozen=True)
class Card:
    """One lead, as the rep meets it. `lead.local_time` is the lead's own wall clock."""

    lead: Lead
    call: Call
    person: str
    place: Place
    firm: Firm
    business: str = ""  # the business whose own line is called
    relationship: str = ""  # how the caller knows the person, when they do
    desk: Place | None = None  # where the caller sits, when the card shows the caller's clock
    topic: str = ""  # the distinction the card was dealt for

    @property
    def local(self) -> datetime:
        """The lead's date and time on their own clock, naive."""
        return self.lead.local_time.replace(tzinfo=None)

    def at(self, moment: datetime) -> Card:
        """The same lead at another moment of their own clock (naive)."""
        return replace(self, lead=replace(self.lead, local_time=local_clock(moment)))

    @property
    def desk_time(self) -> datetime | None:
        """The caller's own clock at the same instant, when the card shows it."""
        if self.desk is None:
            return None
        return shift_zone(self.local, self.place.zone, self.desk.zone)


def shift_zone(moment: datetime, zone: str, to_zone: str) -> datetime:
    """A naive wall-clock moment in `zone`, read on the clock of `to_zone`."""
    aware = moment.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(ZoneInfo(to_zone)).replace(tzinfo=None)


# --- Writing times and dates ------------------------------------------------------------------


def day_text(day: date) -> str:
    """Wednesday 4 June 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    """3 Feb 2025."""
    return f"{day.day} {day:%b %Y}"


def moment_text(moment: datetime) -> str:
    """7:40 p.m. on Wednesday 4 June 2026."""
    return f"{clock_text(moment)} on {day_text(moment.date())}"


def months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def ago_text(day: date, today: date) -> str:
    days = (today - day).days
    if days < 7:
        return "this week"
    if days < 13 * 7:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks > 1 else ''} ago"
    return f"about {months_between(day, today)} months ago"


# --- The description --------------------------------------------------------------------------

LINE_TEXT = {
    "landline": "Their home landline.",
    "mobile": "Their personal mobile.",
    "business": "The business's own line.",
}
METHOD_TEXT = {
    "live": "You dial by hand and speak yourself.",
    "autodialed": "A dialer places the call and puts you on when they answer.",
    "prerecorded": "A dialer plays a prerecorded message.",
}


def describe(card: Card) -> tuple[Fact, ...]:
    """What the rep reads: who and where, their clock, the number and its lists, the history
    with the firm, permission, any personal relationship, and how the call is made."""
    lead, call = card.lead, card.call
    facts = [
        Fact(_("Who"), _who(card)),
        Fact(_("Their time"), f"{moment_text(card.local)} ({card.place.zone_label})."),
    ]
    if card.desk is not None and card.desk_time is not None:
        facts.append(
            Fact(
                _("Your time"),
                f"You sit in {card.desk.name} ({card.desk.zone_label}), where it is "
                f"{clock_text(card.desk_time)} on {card.desk_time:%A}.",
            )
        )
    facts += [
        Fact(_("The number"), f"{LINE_TEXT[lead.line]} {_lists(card)}"),
        Fact(_("Your firm"), _firm(card)),
        Fact(_("History"), _history(card)),
        Fact(_("Permission"), _permission(card)),
        Fact(
            _("You know them"),
            f"Yes: {card.relationship}." if lead.personal_relationship else "Not personally.",
        ),
        Fact(_("The call"), f"{METHOD_TEXT[call.method]} {_calls(lead.calls_last_24h)}"),
    ]
    return tuple(facts)


def _who(card: Card) -> str:
    where = card.place.name
    if card.lead.is_broker_dealer:
        return f"{card.person}, a registered representative of a broker-dealer, at home in {where}."
    if card.lead.line == "business":
        return f"{card.person}, owner of {card.business}, in {where}."
    return f"{card.person}, in {where}."


def _lists(card: Card) -> str:
    lead = card.lead
    registry = (
        "On the National Do-Not-Call Registry"
        if lead.on_national_registry
        else "Not on the National Do-Not-Call Registry"
    )
    state = US_STATES.get(card.place.state, card.place.state)
    if lead.on_state_list:
        state_list = f"on {state}'s own do-not-call list"
    elif card.place.state in STATE_LISTS:
        state_list = f"not on {state}'s own do-not-call list"
    else:
        state_list = "not on any state do-not-call list"
    return f"{registry}; {state_list}."


def _firm(card: Card) -> str:
    firm = card.firm
    kind = (
        f"a broker-dealer, about {firm.sells}"
        if firm.broker_dealer
        else f"about {firm.sells} (the firm is not a broker-dealer)"
    )
    request = (
        "They asked the firm not to call them again."
        if card.lead.firm_dnc_request
        else "No request not to be called is on the firm's list."
    )
    return f"You call for {firm.name}, {kind}. {request}"


def _history(card: Card) -> str:
    lead, today = card.lead, card.local.date()
    parts = []
    if lead.last_purchase:
        parts.append(
            f"Bought from the firm on {short_day(lead.last_purchase)} "
            f"({ago_text(lead.last_purchase, today)})."
        )
    if lead.last_inquiry:
        parts.append(
            f"Asked the firm about its offer on {short_day(lead.last_inquiry)} "
            f"({ago_text(lead.last_inquiry, today)})."
        )
    if lead.last_account_activity:
        parts.append(
            "Keeps a money balance in an account at the firm; the last account activity was on "
            f"{short_day(lead.last_account_activity)} "
            f"({ago_text(lead.last_account_activity, today)})."
        )
    if not parts:
        return "No purchase, inquiry or account with the firm."
    if not lead.last_purchase:
        parts.append("No purchase.")
    return " ".join(parts)


def _permission(card: Card) -> str:
    lead, call = card.lead, card.call
    parts = []
    if lead.written_permission:
        parts.append(
            "Signed a written agreement to be called by the firm at this number (it says "
            "nothing about dialers or recorded messages)."
        )
    if call.prior_express_written_consent:
        parts.append(
            "Signed prior express written consent to telemarketing calls at this number, "
            "autodialed and prerecorded ones included."
        )
    elif call.prior_express_consent:
        parts.append(
            "Gave prior express consent to calls at this number, by phone; nothing in writing."
        )
    return " ".join(parts) or "No permission or consent on file."


def _calls(count: int) -> str:
    if count == 0:
        return "No calls to them in the last 24 hours."
    return f"{count} call{'s' if count > 1 else ''} to them about this in the last 24 hours."
