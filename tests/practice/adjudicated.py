"""Adjudicated call-check cases: a lead and a call, in the call check's own query parameters, with
the answer the facts sheet gives and the fact it rests on.

`blocks` is the exact set of blocking rules; `includes` only some of them, where the sheet settles
the verdict and those rules but not every other rule the engine applies (said on the case).
`reminds` lists reminders that must be among the findings. `next` is the first lawful moment of
a `wait`, on the lead's clock.

Left out because the facts sheet does not settle them: calls to business numbers under the TSR's
hours, the firm list of a seller that is not a broker-dealer, or an autodialer ("most" B2B calls
are exempt, 310.6, without saying which); Texas's calling hours (UNCONFIRMED); rules the sheet
does not name for a state (a Florida Sunday, a federal count of calls); exceptions to a state's
hours or to a state list other than Indiana's missing EBR exemption.
"""

from dataclasses import dataclass, field

WEDNESDAY_NOON = "2025-06-04T12:00"
BASE = {
    "state": "NY",
    "when": WEDNESDAY_NOON,
    "line": "landline",
    "caller": "other",
    "method": "live",
    "consent": "none",
}

FCC_HOURS = "fcc-calling-hours"
TSR_HOURS = "tsr-calling-hours"
FINRA_HOURS = "finra-calling-hours"
FCC_REGISTRY = "fcc-national-registry"
TSR_REGISTRY = "tsr-national-registry"
FINRA_REGISTRY = "finra-national-registry"
FCC_DNC = "fcc-company-dnc-honor"
TSR_DNC = "tsr-company-dnc"
FINRA_DNC = "finra-firm-dnc"
TCPA_MOBILE = "tcpa-mobile-autodialer-consent"
FCC_ROBOCALL = "fcc-robocall-written-consent"

HOURS_FACT = (
    "64.1200(c)(1): no telephone solicitation to a residential subscriber before 8 a.m. or after "
    "9 p.m., local time at the called party's location; 310.4(c): without prior consent, no "
    "outbound telemarketing calls outside 8 a.m.-9 p.m."
)
REGISTRY_FACT = (
    "64.1200(c)(2) and 310.4(b)(1)(iii)(B): no solicitation to a number on the registry unless "
    "an EBR or a signed written agreement naming the number"
)
EBR_FACT = (
    "64.1200(f)(5): a purchase within 18 months, or an inquiry within 3 months, before the call"
)
ROBOCALL_FACT = (
    "227(b)(1)(A)(iii): autodialed or prerecorded calls to cell numbers need prior express "
    "consent; 64.1200(a)(2): telemarketing to wireless numbers needs prior express written consent"
)


@dataclass(frozen=True)
class Case:
    name: str
    fact: str
    verdict: str
    params: dict = field(default_factory=dict)
    blocks: frozenset | None = None
    includes: frozenset = frozenset()
    reminds: frozenset = frozenset()
    next: str | None = None

    @property
    def query(self) -> dict:
        return {**BASE, **self.params}


def case(name, fact, verdict, *, blocks=None, includes=(), reminds=(), next=None, **params):
    return Case(
        name=name,
        fact=fact,
        verdict=verdict,
        params=params,
        blocks=None if blocks is None else frozenset(blocks),
        includes=frozenset(includes),
        reminds=frozenset(reminds),
        next=next,
    )


CASES = [
    # Calling hours: the called party's clock; who is excepted differs by regime.
    case("noon on a weekday", HOURS_FACT, "call", blocks=()),
    case(
        "9:30 p.m. to a home line", HOURS_FACT, "wait",
        blocks={FCC_HOURS, TSR_HOURS}, next="2025-06-05T08:00", when="2025-06-04T21:30",
    ),
    case(
        "7:30 a.m. to a home line", HOURS_FACT, "wait",
        blocks={FCC_HOURS, TSR_HOURS}, next="2025-06-04T08:00", when="2025-06-04T07:30",
    ),
    case("8:00 a.m. is not before 8 a.m.", HOURS_FACT, "call", blocks=(), when="2025-06-04T08:00"),
    case("9:00 p.m. is not after 9 p.m.", HOURS_FACT, "call", blocks=(), when="2025-06-04T21:00"),
    case(
        "9:30 p.m. with an EBR, seller under the TSR",
        "310.4(c): no EBR exception in the TSR's hours; 64.1200(f)(15): EBR calls are no "
        "telephone solicitation, so the FCC's hours do not reach them",
        "wait", blocks={TSR_HOURS}, next="2025-06-05T08:00",
        when="2025-06-04T21:30", last_purchase="2025-01-10",
    ),
    case(
        "9:30 p.m. with an EBR, broker-dealer",
        "3230(a)(1): hours unless EBR, permission or a broker-dealer called; 6102(d)(2)(A): the "
        "TSR does not cover broker-dealers",
        "call", blocks=(), when="2025-06-04T21:30", last_purchase="2025-01-10",
        caller="broker-dealer",
    ),
    case(
        "9:30 p.m., broker-dealer, no exception",
        "3230(a)(1) and 64.1200(c)(1): calls to a residence only 8 a.m.-9 p.m.",
        "wait", blocks={FCC_HOURS, FINRA_HOURS}, next="2025-06-05T08:00",
        when="2025-06-04T21:30", caller="broker-dealer",
    ),
    case(
        "9:30 p.m. with prior express consent",
        "310.4(c): 'without prior consent'; 64.1200(f)(15): calls with prior express invitation "
        "or permission are no telephone solicitation",
        "call", blocks=(), when="2025-06-04T21:30", consent="express",
    ),
    case(
        "9:30 p.m., broker-dealer, with permission",
        "3230(a)(1): prior express invitation or permission excepts the hours",
        "call", blocks=(), when="2025-06-04T21:30", consent="express", caller="broker-dealer",
    ),
    case(
        "9:30 p.m. to a business number, broker-dealer",
        "64.1200(c)(1) protects a residential subscriber; 3230(a)(1) a residence",
        "call", blocks=(), when="2025-06-04T21:30", line="business", caller="broker-dealer",
    ),
    case(
        "9:30 p.m. to a personal mobile",
        "64.1200(e): the calling-hours rules apply to wireless numbers too; a personal mobile is "
        "protected like a home line",
        "wait", blocks={FCC_HOURS, TSR_HOURS}, next="2025-06-05T08:00",
        when="2025-06-04T21:30", line="mobile",
    ),
    case(
        "9:30 p.m. and on the registry",
        f"{HOURS_FACT}; {REGISTRY_FACT}: anything beyond the clock means do not call",
        "do-not-call", blocks={FCC_HOURS, TSR_HOURS, FCC_REGISTRY, TSR_REGISTRY},
        when="2025-06-04T21:30", registry="1",
    ),
    # State calling hours, on the called party's clock.
    case(
        "Florida at 8:30 p.m.", "Florida 501.616(6): no calls before 8 a.m. or after 8 p.m.",
        "wait", blocks={"florida-calling-hours"}, next="2025-06-05T08:00",
        state="FL", when="2025-06-04T20:30",
    ),
    case(
        "Florida at 8:00 p.m.", "Florida 501.616(6): after 8 p.m. is barred, 8 p.m. is not",
        "call", blocks=(), state="FL", when="2025-06-04T20:00",
    ),
    case(
        "Florida at 7:45 a.m.", f"Florida 501.616(6); {HOURS_FACT}", "wait",
        blocks={"florida-calling-hours", FCC_HOURS, TSR_HOURS}, next="2025-06-04T08:00",
        state="FL", when="2025-06-04T07:45",
    ),
    case(
        "Florida at 8:30 p.m., broker-dealer",
        "Rule 3230 does not displace FCC or state telemarketing rules; 501.616(6)",
        "wait", blocks={"florida-calling-hours"}, next="2025-06-05T08:00",
        state="FL", when="2025-06-04T20:30", caller="broker-dealer",
    ),
    case(
        "Oklahoma at 8:30 p.m.", "Oklahoma Telephone Solicitation Act: 8 a.m.-8 p.m.", "wait",
        blocks={"oklahoma-calling-hours"}, next="2025-06-05T08:00",
        state="OK", when="2025-06-04T20:30",
    ),
    case(
        "Maryland at 8:30 p.m. their time",
        "Maryland Stop the Spam Calls Act: 8 a.m.-8 p.m. in the called party's time zone",
        "wait", blocks={"maryland-calling-hours"}, next="2025-06-05T08:00",
        state="MD", when="2025-06-04T20:30",
    ),
    case(
        "Mississippi at 8:30 p.m.", "Miss. Code 77-3-723: 8 a.m.-8 p.m.", "wait",
        blocks={"mississippi-calling-hours"}, next="2025-06-05T08:00",
        state="MS", when="2025-06-04T20:30",
    ),
    # Sundays in Mississippi.
    case(
        "Mississippi on a Sunday", "Miss. Code 77-3-723: no solicitation calls on Sunday", "wait",
        blocks={"mississippi-sunday"}, next="2025-06-09T08:00",
        state="MS", when="2025-06-08T12:00",
    ),
    case(
        "Mississippi on a Sunday evening", "Miss. Code 77-3-723: 8 a.m.-8 p.m., no Sunday calls",
        "wait", blocks={"mississippi-sunday", "mississippi-calling-hours"},
        next="2025-06-09T08:00", state="MS", when="2025-06-08T20:30",
    ),
    case(
        "Mississippi on a Saturday evening, the next day a Sunday",
        "Miss. Code 77-3-723: 8 a.m.-8 p.m., no Sunday calls", "wait",
        blocks={"mississippi-calling-hours"}, next="2025-06-09T08:00",
        state="MS", when="2025-06-07T20:30",
    ),
    # Calls in 24 hours.
    case(
        "Florida, 3 calls already today",
        "Florida 501.616(6): at most 3 calls in 24 hours on the same subject", "wait",
        blocks={"florida-call-limit"}, next="2025-06-05T12:00", state="FL", calls_24h="3",
    ),
    case(
        "Florida, 2 calls already today", "Florida 501.616(6): at most 3 calls in 24 hours",
        "call", blocks=(), state="FL", calls_24h="2",
    ),
    case(
        "Florida, 3 calls and 8:30 p.m.",
        "Florida 501.616(6): 3 calls in 24 hours, and 8 a.m.-8 p.m.", "wait",
        blocks={"florida-call-limit", "florida-calling-hours"}, next="2025-06-06T08:00",
        state="FL", when="2025-06-04T20:30", calls_24h="3",
    ),
    case(
        "Maryland, 3 calls already today",
        "Maryland Stop the Spam Calls Act: 3 calls or texts per 24 hours on the same subject",
        "wait", blocks={"maryland-call-limit"}, next="2025-06-05T12:00",
        state="MD", calls_24h="3",
    ),
    case(
        "Oklahoma, 4 calls already today",
        "Oklahoma Telephone Solicitation Act: 3 calls per 24 hours",
        "wait", blocks={"oklahoma-call-limit"}, next="2025-06-05T12:00",
        state="OK", calls_24h="4",
    ),
    # The national registry and its exceptions.
    case(
        "On the registry, no exception", REGISTRY_FACT, "do-not-call",
        blocks={FCC_REGISTRY, TSR_REGISTRY}, registry="1",
    ),
    case(
        "On the registry, broker-dealer, no exception",
        "3230(a)(3): no calls to people on the national registry; 64.1200(c)(2)",
        "do-not-call", blocks={FCC_REGISTRY, FINRA_REGISTRY}, registry="1", caller="broker-dealer",
    ),
    case(
        "On the registry, a purchase 12 months ago", f"{REGISTRY_FACT}; {EBR_FACT}", "call",
        blocks=(), registry="1", last_purchase="2024-06-10",
    ),
    case(
        "On the registry, a purchase 19 months ago", f"{REGISTRY_FACT}; {EBR_FACT}",
        "do-not-call", blocks={FCC_REGISTRY, TSR_REGISTRY},
        registry="1", last_purchase="2023-11-01",
    ),
    case(
        "On the registry, an inquiry 2 months ago", f"{REGISTRY_FACT}; {EBR_FACT}", "call",
        blocks=(), registry="1", last_inquiry="2025-04-10",
    ),
    case(
        "On the registry, an inquiry 4 months ago", f"{REGISTRY_FACT}; {EBR_FACT}",
        "do-not-call", blocks={FCC_REGISTRY, TSR_REGISTRY},
        registry="1", last_inquiry="2025-02-01",
    ),
    case(
        "On the registry, signed written permission",
        "64.1200(c)(2)(ii) and 310.4(b)(1)(iii)(B): a signed, written agreement with the number",
        "call", blocks=(), registry="1", written_permission="1",
    ),
    case(
        "On the registry, broker-dealer, signed written permission",
        "3230(b)(2): prior express written permission, signed, with the number", "call",
        blocks=(), registry="1", written_permission="1", caller="broker-dealer",
    ),
    case(
        "On the registry, unwritten consent only",
        "Unwritten permission does not get past the registry", "do-not-call",
        blocks={FCC_REGISTRY, TSR_REGISTRY}, registry="1", consent="express",
    ),
    case(
        "On the registry, a personal relationship, seller under the TSR",
        "64.1200(c)(2)(iii): a personal relationship; the TSR has no personal-relationship "
        "exception", "do-not-call", blocks={TSR_REGISTRY}, registry="1",
        personal_relationship="1",
    ),
    case(
        "On the registry, a personal relationship, broker-dealer",
        "64.1200(c)(2)(iii) and 3230(b)(3): a personal relationship (family, friend, "
        "acquaintance)", "call", blocks=(), registry="1", personal_relationship="1",
        caller="broker-dealer",
    ),
    case(
        "On the registry, a business number",
        "Business numbers are not protected by the national registry (distinction 15)", "call",
        blocks=(), registry="1", line="business",
    ),
    case(
        "On the registry, a personal mobile",
        "64.1200(e): the registry rules apply to wireless numbers; the registry accepts personal "
        "wireless numbers", "do-not-call", blocks={FCC_REGISTRY, TSR_REGISTRY},
        registry="1", line="mobile",
    ),
    case(
        "On the registry with an EBR, a live call",
        "Distinction 8: an EBR allows a live call to a registered number", "call", blocks=(),
        registry="1", last_purchase="2025-03-01",
    ),
    # A do-not-call request to the firm.
    case(
        "Asked the seller not to call",
        "64.1200(d): honor company-specific requests; 310.4(b)(1)(iii)(A)", "do-not-call",
        blocks={FCC_DNC, TSR_DNC}, firm_dnc="1",
    ),
    case(
        "Asked the broker-dealer not to call",
        "3230(a)(2): no calls to people on the firm-specific list", "do-not-call",
        blocks={FCC_DNC, FINRA_DNC}, firm_dnc="1", caller="broker-dealer",
    ),
    case(
        "A request beats an EBR on the registry",
        "64.1200(f)(5)(i): a company-specific request ends the EBR (distinction 1)",
        "do-not-call", blocks={FCC_DNC, TSR_DNC, FCC_REGISTRY, TSR_REGISTRY},
        firm_dnc="1", registry="1", last_purchase="2025-03-01",
    ),
    case(
        "A request beats an EBR, broker-dealer",
        "3230(b)(1): EBR, which a firm-specific do-not-call request ends", "do-not-call",
        blocks={FCC_DNC, FINRA_DNC, FCC_REGISTRY, FINRA_REGISTRY},
        firm_dnc="1", registry="1", last_purchase="2025-03-01", caller="broker-dealer",
    ),
    case(
        "A personal relationship does not beat a request",
        "Distinction 14: the personal-relationship exception gets past the national registry, "
        "not past a 'don't call me'", "do-not-call",
        blocks={FCC_DNC, FINRA_DNC, FCC_REGISTRY, FINRA_REGISTRY},
        firm_dnc="1", registry="1", personal_relationship="1", caller="broker-dealer",
    ),
    case(
        "A request from a business, broker-dealer",
        "Businesses are persons: firms calling businesses must still keep a do-not-call list "
        "(NASD letter, 1995). The FCC's company list for business numbers is not settled, so "
        "only FINRA's rule is required here", "do-not-call",
        includes={FINRA_DNC}, firm_dnc="1", line="business", caller="broker-dealer",
    ),
    case(
        "A request revokes written permission",
        "64.1200(a)(10): consent is revoked by any reasonable method; a request to stop",
        "do-not-call", blocks={FCC_DNC, TSR_DNC}, firm_dnc="1", written_permission="1",
    ),
    # Autodialers, prerecorded voices and consent.
    case(
        "A dialer to a mobile, no consent", ROBOCALL_FACT, "do-not-call",
        blocks={TCPA_MOBILE, FCC_ROBOCALL}, line="mobile", method="autodialed",
    ),
    case(
        "A dialer to a mobile, unwritten consent", ROBOCALL_FACT, "do-not-call",
        blocks={FCC_ROBOCALL}, line="mobile", method="autodialed", consent="express",
    ),
    case(
        "A dialer to a mobile, written consent", ROBOCALL_FACT, "call", blocks=(),
        line="mobile", method="autodialed", consent="written",
    ),
    case(
        "Hand-dialed to a mobile, no consent",
        "Hand-dialed live sales calls to mobiles are lawful under the TCPA, subject to the hours "
        "and do-not-call rules", "call", blocks=(), line="mobile",
    ),
    case(
        "A live agent with a dialer to a home line, no consent",
        "A live agent placing a call with a dialer to a residential landline needs no TCPA "
        "consent; the abandoned-call rules of (a)(7) apply instead", "call", blocks=(),
        reminds={"fcc-abandoned-calls"}, method="autodialed",
    ),
    case(
        "Prerecorded to a home line, no consent",
        "64.1200(a)(3): artificial or prerecorded-voice telemarketing to residential lines needs "
        "prior express written consent", "do-not-call", blocks={FCC_ROBOCALL},
        reminds={"tcpa-prerecorded-identification"}, method="prerecorded",
    ),
    case(
        "Prerecorded to a home line, written consent", "64.1200(a)(3)", "call", blocks=(),
        reminds={"tcpa-prerecorded-identification"}, method="prerecorded", consent="written",
    ),
    case(
        "Prerecorded to a home line with an EBR",
        "64.1200(a)(2)-(3): an EBR no longer substitutes for written consent (distinction 8)",
        "do-not-call", blocks={FCC_ROBOCALL}, method="prerecorded", last_purchase="2025-03-01",
    ),
    case(
        "A dialer to a mobile on the registry with an EBR",
        "Distinction 8: an EBR gets past the registry but is no consent for autodialed calls",
        "do-not-call", blocks={TCPA_MOBILE, FCC_ROBOCALL}, line="mobile", method="autodialed",
        registry="1", last_purchase="2025-03-01",
    ),
    case(
        "Florida, a dialer to a home line, no consent",
        "Florida 501.059: prior express written consent for automated calls", "do-not-call",
        blocks={"florida-automated-consent"}, state="FL", method="autodialed",
    ),
    case(
        "Maryland, a dialer, unwritten consent",
        "Maryland: prior express written consent for calls made with an automated system "
        "(Md. Com. Law 14-4502)", "do-not-call", blocks={"maryland-automated-consent"},
        state="MD", method="autodialed", consent="express",
    ),
    case(
        "Oklahoma, a dialer, no consent",
        "Oklahoma Telephone Solicitation Act: written consent for automated systems",
        "do-not-call", blocks={"oklahoma-automated-consent"}, state="OK", method="autodialed",
    ),
    case(
        "Oklahoma, a dialer, written consent",
        "Oklahoma Telephone Solicitation Act: written consent for automated systems", "call",
        blocks=(), state="OK", method="autodialed", consent="written",
    ),
    case(
        "Maryland, a dialer to a mobile, written consent",
        f"{ROBOCALL_FACT}; Maryland's consent rule (Md. Com. Law 14-4502)", "call", blocks=(),
        state="MD", line="mobile", method="autodialed", consent="written",
    ),
    case(
        "Florida, prerecorded to a home line, no consent",
        "64.1200(a)(3); Florida 501.059", "do-not-call",
        blocks={FCC_ROBOCALL, "florida-automated-consent"}, state="FL", method="prerecorded",
    ),
    # State do-not-call lists.
    case(
        "Indiana's list with an EBR", "Indiana has no EBR exemption", "do-not-call",
        blocks={"indiana-no-ebr-exemption"}, state="IN", state_list="1",
        last_purchase="2025-03-01",
    ),
    case(
        "Indiana's list and the registry with an EBR",
        "Indiana has no EBR exemption; an EBR gets past the national registry (64.1200(f)(5))",
        "do-not-call", blocks={"indiana-no-ebr-exemption"}, state="IN", state_list="1",
        registry="1", last_purchase="2025-03-01",
    ),
    case(
        "Indiana, on the registry only, with an EBR",
        "An EBR gets past the national registry; Indiana's list is not involved", "call",
        blocks=(), state="IN", registry="1", last_purchase="2025-03-01",
    ),
    case(
        "Mississippi's No Call list, a personal mobile",
        "Mississippi's 'No Call' list covers home and mobile numbers since July 1, 2016",
        "do-not-call", blocks={"mississippi-no-call-list"}, state="MS", state_list="1",
        line="mobile",
    ),
    case(
        "Texas's own list", "State do-not-call lists: Texas among the twelve", "do-not-call",
        blocks={"state-dnc-lists"}, state="TX", state_list="1",
    ),
    case(
        "Colorado's own list, broker-dealer",
        "State do-not-call lists: Colorado among the twelve; Rule 3230 does not displace state "
        "rules", "do-not-call", blocks={"state-dnc-lists"}, state="CO", state_list="1",
        caller="broker-dealer",
    ),
    # What every call must say.
    case(
        "A live call's opening, seller under the TSR",
        "64.1200(d)(4): name, entity, number or address; 310.4(d): seller, purpose, goods",
        "call", blocks=(), reminds={"fcc-identification", "tsr-disclosures"},
    ),
    case(
        "A live call's opening, broker-dealer",
        "3230(d)(4): caller's name, the firm's name, a number or address, and the purpose",
        "call", blocks=(), reminds={"fcc-identification", "finra-disclosures"},
        caller="broker-dealer",
    ),
]  # fmt: skip
