"""What the calling-rules engine knows of each state: its name, the rules it adds to the
federal ones, and whether it keeps its own do-not-call list. Pure data, no Django.

Only states the facts sheet names have rules here. The sheet lists twelve states with their own
do-not-call lists as examples, not as a complete list: a number the caller found on any state's
own list is treated as off limits (see `calling_rules._state_list`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType

EARLIEST = time(8)

US_STATES: Mapping[str, str] = MappingProxyType(
    {
        "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
        "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
        "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
        "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
        "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
        "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
        "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
        "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
        "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
        "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
        "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
        "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    }
)  # fmt: skip

# The states the sheet names as keeping their own do-not-call list (section 5).
STATE_LISTS: frozenset[str] = frozenset(
    {"CO", "FL", "IN", "LA", "MA", "MS", "MO", "OK", "PA", "TN", "TX", "WY"}
)

# Catalogue ids of the state-list rules.
STATE_DNC_LISTS = "state-dnc-lists"
MISSISSIPPI_NO_CALL_LIST = "mississippi-no-call-list"
INDIANA_NO_EBR_EXEMPTION = "indiana-no-ebr-exemption"
STATE_LIST_RULE_IDS = frozenset(
    {STATE_DNC_LISTS, MISSISSIPPI_NO_CALL_LIST, INDIANA_NO_EBR_EXEMPTION}
)


@dataclass(frozen=True)
class StateRule:
    name: str
    # The catalogue ids of a state's rules start with this: "florida" -> "florida-calling-hours".
    slug: str
    latest: time
    earliest: time = EARLIEST
    max_calls_per_24h: int | None = None
    no_sunday_calls: bool = False
    # The state requires prior express written consent for calls made with an automated system.
    automated_consent: bool = False

    @property
    def calling_hours(self) -> str:
        return f"{self.slug}-calling-hours"

    @property
    def call_limit(self) -> str:
        return f"{self.slug}-call-limit"

    @property
    def sunday(self) -> str:
        return f"{self.slug}-sunday"

    @property
    def automated(self) -> str:
        return f"{self.slug}-automated-consent"

    @property
    def rule_ids(self) -> frozenset[str]:
        ids = {self.calling_hours}
        if self.max_calls_per_24h is not None:
            ids.add(self.call_limit)
        if self.no_sunday_calls:
            ids.add(self.sunday)
        if self.automated_consent:
            ids.add(self.automated)
        return frozenset(ids)


STATE_RULES: Mapping[str, StateRule] = MappingProxyType(
    {
        "FL": StateRule(
            name="Florida",
            slug="florida",
            latest=time(20),
            max_calls_per_24h=3,
            automated_consent=True,
        ),
        "MD": StateRule(
            name="Maryland",
            slug="maryland",
            latest=time(20),
            max_calls_per_24h=3,
            automated_consent=True,
        ),
        "MS": StateRule(
            name="Mississippi",
            slug="mississippi",
            latest=time(20),
            no_sunday_calls=True,
        ),
        "OK": StateRule(
            name="Oklahoma",
            slug="oklahoma",
            latest=time(20),
            max_calls_per_24h=3,
            automated_consent=True,
        ),
    }
)
