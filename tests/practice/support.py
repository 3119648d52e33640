"""Leads, calls and rule ids for the tests of the calling-rules engine
(courses/practice/calling_rules.py).

Every legal fact tested here comes from the compliance team's facts sheet ("the sheet"), as
corrected on 2026-11-30; the comment on a test names the fact it rests on where the test was
changed or added for the corrected sheet.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from courses.curriculum.loading import CONTENT_ROOT, Problems
from courses.curriculum.loading.rules import read_catalogue
from courses.practice.calling_rules import Call, Lead, may_call

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WEDNESDAY = date(2025, 6, 4)
SATURDAY = date(2025, 6, 7)
SUNDAY = date(2025, 6, 8)

# Rule ids, as in the rules catalogue (courses/content/rules/*.yaml).
FCC_HOURS = "fcc-calling-hours"
FCC_REGISTRY = "fcc-national-registry"
FCC_COMPANY_DNC = "fcc-company-dnc-honor"
FCC_IDENTIFICATION = "fcc-identification"
FCC_ABANDONED = "fcc-abandoned-calls"
FCC_ROBOCALL = "fcc-robocall-written-consent"
TCPA_MOBILE = "tcpa-mobile-autodialer-consent"
TCPA_PRERECORDED_ID = "tcpa-prerecorded-identification"
TSR_HOURS = "tsr-calling-hours"
TSR_REGISTRY = "tsr-national-registry"
TSR_COMPANY_DNC = "tsr-company-dnc"
TSR_DISCLOSURES = "tsr-disclosures"
FINRA_HOURS = "finra-calling-hours"
FINRA_FIRM_DNC = "finra-firm-dnc"
FINRA_REGISTRY = "finra-national-registry"
FINRA_DISCLOSURES = "finra-disclosures"
FLORIDA_HOURS = "florida-calling-hours"
FLORIDA_LIMIT = "florida-call-limit"
FLORIDA_AUTOMATED = "florida-automated-consent"
OKLAHOMA_AUTOMATED = "oklahoma-automated-consent"
MARYLAND_AUTOMATED = "maryland-automated-consent"
MISSISSIPPI_HOURS = "mississippi-calling-hours"
MISSISSIPPI_SUNDAY = "mississippi-sunday"

CATALOGUE = read_catalogue(CONTENT_ROOT / "rules", Problems(CONTENT_ROOT))


def at(hour, minute=0, second=0, microsecond=0, *, day=WEDNESDAY, tz=NEW_YORK):
    return datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=tz)


def lead(**changes):
    return Lead(**{"local_time": at(12), "state": "NY", **changes})


def broker(**changes):
    return Call(caller_is_broker_dealer=True, **changes)


def blocked_by(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.rule for f in decision.blocking}


def reminders(the_lead, the_call=None):
    decision = may_call(the_lead, the_call or Call())
    return {f.rule for f in decision.findings if not f.blocks}


def registered(**changes):
    return lead(on_national_registry=True, **changes)


def asked_not_to_call(**changes):
    return lead(firm_dnc_request=True, **changes)
