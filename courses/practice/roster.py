"""Who and where the drill's lead cards are about: places with their time zones, callers'
desks, names, businesses, the firms a rep calls for, personal relationships. Fictional, and
pure data: no Django.
"""

from __future__ import annotations

from courses.practice.cards import Firm, Place

EASTERN, CENTRAL, MOUNTAIN = "America/New_York", "America/Chicago", "America/Denver"
PACIFIC, ARIZONA, INDIANA = "America/Los_Angeles", "America/Phoenix", "America/Indiana/Indianapolis"

PLACES: tuple[Place, ...] = (
    Place("Tampa", "FL", EASTERN),
    Place("Orlando", "FL", EASTERN),
    Place("Baltimore", "MD", EASTERN),
    Place("Annapolis", "MD", EASTERN),
    Place("Tulsa", "OK", CENTRAL),
    Place("Norman", "OK", CENTRAL),
    Place("Jackson", "MS", CENTRAL),
    Place("Biloxi", "MS", CENTRAL),
    Place("Indianapolis", "IN", INDIANA),
    Place("Austin", "TX", CENTRAL),
    Place("Pittsburgh", "PA", EASTERN),
    Place("Boulder", "CO", MOUNTAIN),
    Place("St. Louis", "MO", CENTRAL),
    Place("Nashville", "TN", CENTRAL),
    Place("Worcester", "MA", EASTERN),
    Place("Baton Rouge", "LA", CENTRAL),
    Place("Cheyenne", "WY", MOUNTAIN),
    Place("Buffalo", "NY", EASTERN),
    Place("Columbus", "OH", EASTERN),
    Place("Savannah", "GA", EASTERN),
    Place("Raleigh", "NC", EASTERN),
    Place("Richmond", "VA", EASTERN),
    Place("Springfield", "IL", CENTRAL),
    Place("Duluth", "MN", CENTRAL),
    Place("Provo", "UT", MOUNTAIN),
    Place("Tucson", "AZ", ARIZONA),
    Place("Sacramento", "CA", PACIFIC),
    Place("San Diego", "CA", PACIFIC),
    Place("Spokane", "WA", PACIFIC),
    Place("Eugene", "OR", PACIFIC),
    Place("Reno", "NV", PACIFIC),
)
DESKS: tuple[Place, ...] = (
    Place("New York", "NY", EASTERN),
    Place("Chicago", "IL", CENTRAL),
    Place("Denver", "CO", MOUNTAIN),
    Place("Los Angeles", "CA", PACIFIC),
)
FIRST_NAMES = (
    "Dana", "Marcus", "Priya", "Tomás", "Grace", "Wei", "Aisha", "Connor", "Lucia", "Samuel",
    "Nadia", "Hector", "Ruth", "Kenji", "Imani", "Oliver", "Fatima", "Declan", "Rosa", "Andre",
)  # fmt: skip
LAST_NAMES = (
    "Ruiz", "Okafor", "Lindqvist", "Brennan", "Patel", "Moreau", "Castillo", "Hughes", "Nakamura",
    "Delgado", "Whitfield", "Abbott", "Kowalski", "Osei", "Fontaine", "Harlow", "Ibarra", "Quinn",
)  # fmt: skip
BUSINESSES = (
    "{last} Dental",
    "{last} Plumbing & Heating",
    "{last} Family Farm",
    "{last} Print Shop",
    "{last} Veterinary Clinic",
    "{last} Landscaping",
)
SELLERS = (
    Firm("Brightside Solar", False, "solar panels"),
    Firm("Keystone Home Security", False, "home alarm systems"),
    Firm("Northfield Insurance Agency", False, "life insurance"),
    Firm("Clearwater Water Systems", False, "water filters"),
)
BROKERS = (
    Firm("Marlow Creek Securities", True, "opening an investment account"),
    Firm("Harborline Investments", True, "a managed portfolio"),
    Firm("Summit Ridge Brokerage", True, "municipal bonds"),
)
RELATIONSHIPS = (
    "a friend from your college days",
    "your cousin",
    "a neighbour from your street",
    "an acquaintance from your running club",
)
# The zone a place's leads are grouped with in a calling block.
ZONE_OF_PLACE = {INDIANA: EASTERN, ARIZONA: MOUNTAIN}
