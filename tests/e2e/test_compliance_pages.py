"""The compliance officer's pages in a browser, by keyboard alone, at desktop and phone widths:
the evidence beside the decision (above it on a phone), a search by person with JavaScript and
without, the report's totals, the link to a new certificate, the certify note in the audit log,
and no page that scrolls sideways on a phone. Every page is checked with axe and photographed.
"""

import re
from contextlib import contextmanager

import pytest

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.certification.services import completion_certify  # noqa: E402
from courses.models import Certificate, Module  # noqa: E402
from courses.platform.access import REP  # noqa: E402

from .keyboard import choose_option, follow, log_in, press, type_into  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, complete_module, person  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, describe, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"
NOTE = "Listened to the call: the request was honoured and logged."
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def state(curriculum, django_user_model, riley, casey):
    """Riley certified; Sam and Alexandra waiting for review (Alexandra's name is long)."""
    module = Module.objects.get(slug=MODULE)
    completion_certify(officer=casey, record=complete_module(riley, module), note="All in order.")
    sam = person(django_user_model, "sam", REP, "Sam", "Ortiz")
    alexandra = person(
        django_user_model, "alexandra", REP, "Alexandra-Maximiliane", "Featherstonehaugh-Whitley"
    )
    return {
        "module": module,
        "sam": complete_module(sam, module),
        "alexandra": complete_module(alexandra, module),
    }


def no_sideways_scrolling(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, location.pathname]"
    )
    assert widths[0] <= widths[1], f"{widths[2]} scrolls sideways: {widths[0]} > {widths[1]}"


def compliance_section(page: Page, name: str) -> None:
    subnav = page.get_by_role("navigation", name="Compliance")
    follow(page, subnav.get_by_role("link", name=name, exact=True))


def open_compliance(page: Page) -> None:
    main = page.get_by_role("navigation", name="Main")
    follow(page, main.get_by_role("link", name="Compliance"))
    expect(page.get_by_role("heading", level=2, name="Waiting for review")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_evidence_beside_the_decision_then_a_certificate_and_its_note_in_the_log(
    live_server, state, casey, open_page, width
):
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    open_compliance(page)
    waiting = page.get_by_role("region", name="Waiting for review")
    follow(page, waiting.get_by_role("link", name=f"Evidence for sam, {state['module'].title}"))

    # --- Beside it on a wide screen, below it on a phone. ---
    evidence = page.locator(".record-evidence").bounding_box()
    decision = page.locator(".record-decision").bounding_box()
    if width == "desktop":
        assert decision["x"] >= evidence["x"] + evidence["width"], (evidence, decision)
        assert abs(decision["y"] - evidence["y"]) < 5, (evidence, decision)
    else:
        assert decision["y"] >= evidence["y"] + evidence["height"], (evidence, decision)
        assert abs(decision["x"] - evidence["x"]) < 5, (evidence, decision)
    no_sideways_scrolling(page)
    page.screenshot(path=SCREENSHOTS / f"compliance-record-{width}.png", full_page=True)

    # --- Certify with a note; the message links to the new certificate. ---
    type_into(page, page.get_by_label("Note (optional)"), NOTE)
    follow(page, page.get_by_role("button", name="Certify", exact=True))
    messages = page.locator(".messages")
    expect(messages).to_contain_text(f"Certified: {state['module'].title} for Sam Ortiz.")
    page.screenshot(path=SCREENSHOTS / f"compliance-certified-{width}.png", full_page=True)
    certificate = Certificate.objects.get(record=state["sam"])
    follow(page, messages.get_by_role("link", name="Open the certificate"))
    expect(page).to_have_url(f"{live_server.url}/certificates/{certificate.code}/")
    expect(page.locator(".certificate-name")).to_have_text("Sam Ortiz")

    # --- The note is in the audit log. ---
    open_compliance(page)
    compliance_section(page, "Audit log")
    entries = page.get_by_role("region", name="Audit log entries")
    entry = entries.locator("tr", has_text="Completion certified").filter(has_text="Sam Ortiz")
    expect(entry).to_contain_text(f"Note: “{NOTE}”")
    no_sideways_scrolling(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_bulk_certifying_links_to_each_certificate(live_server, state, casey, open_page, width):
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    open_compliance(page)
    for who in ["Sam Ortiz", "Alexandra-Maximiliane Featherstonehaugh-Whitley"]:
        box = page.get_by_role("checkbox", name=f"Select {who}")
        press(page, box, "Space")
        expect(box).to_be_checked()
    follow(page, page.get_by_role("button", name="Certify the selected completions"))
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Certified 2 completions.")
    links = messages.get_by_role("link")
    expect(links).to_have_count(2)
    codes = {
        c.code for c in Certificate.objects.filter(record__in=[state["sam"], state["alexandra"]])
    }
    hrefs = {links.nth(i).get_attribute("href") for i in range(2)}
    assert hrefs == {f"/certificates/{code}/" for code in codes}
    no_sideways_scrolling(page)


@contextmanager
def in_place(page: Page, url_part: str):
    """What happens inside is answered by htmx in place: the page is never reloaded (its
    address may change, pushed into the history)."""
    page.evaluate("() => { window.__stillTheSamePage = true; }")
    with page.expect_response(lambda r: url_part in r.url and r.request.headers.get("hx-request")):
        yield
    assert page.evaluate("() => window.__stillTheSamePage === true"), "the page was reloaded"


def search(page: Page, js: bool, text: str) -> None:
    """Type into the search box and press Enter: in place with htmx, by a page load without."""
    box = page.get_by_role("searchbox")
    type_into(page, box, text)
    if js:
        with in_place(page, "q="):
            page.keyboard.press("Enter")
    else:
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_by_person_on_the_queue_certificates_and_report(
    live_server, state, casey, open_page, js, width
):
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    open_compliance(page)

    # --- The queue. ---
    search(page, js, "ORTIZ")
    waiting = page.get_by_role("region", name="Waiting for review")
    expect(waiting.get_by_role("heading")).to_have_text("Waiting for review (1)")
    expect(waiting.locator("tbody")).to_contain_text("Sam Ortiz")
    expect(waiting.locator("tbody")).not_to_contain_text("Alexandra")
    expect(page).to_have_url(f"{live_server.url}/compliance/?q=ORTIZ")
    no_sideways_scrolling(page)
    page.goto(f"{live_server.url}/compliance/")
    search(page, js, "nobody-here")
    expect(waiting).to_contain_text("Nobody waiting for review matches “nobody-here”.")
    page.screenshot(path=SCREENSHOTS / f"compliance-queue-no-match-{width}.png", full_page=True)

    # --- The certificates. ---
    compliance_section(page, "Certificates")
    search(page, js, "riley parker")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Riley Parker")
    page.goto(f"{live_server.url}/compliance/certificates/")
    search(page, js, "sam")
    expect(rows).to_have_text(["No certificate holder matches “sam”."])

    # --- The report, with its totals. ---
    compliance_section(page, "Certification report")
    search(page, js, "featherstone")
    totals = page.get_by_role("region", name="Totals")
    modules = Module.objects.filter(required_for_certification=True).published().count()
    expect(totals.locator(".totals-all dd")).to_have_text(str(modules))
    expect(page.locator("#results tbody tr").first).to_contain_text("Alexandra-Maximiliane")
    expect(page.locator("#results tbody")).not_to_contain_text("Riley Parker")
    csv_link = page.get_by_role("link", name="Download the full report as CSV")
    expect(csv_link).to_have_attribute("href", re.compile(r"certification\.csv\?q=featherstone&"))
    no_sideways_scrolling(page)
    page.screenshot(path=SCREENSHOTS / f"compliance-report-search-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_totals_follow_the_filters(live_server, state, casey, open_page, js, width):
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    page.goto(f"{live_server.url}/compliance/reports/certification/")
    totals = page.get_by_role("region", name="Totals")
    modules = Module.objects.filter(required_for_certification=True).published().count()
    expect(totals.locator(".totals-all dd")).to_have_text(str(3 * modules))
    expect(totals.locator("div", has_text="Pending").locator("dd")).to_have_text("2")
    expect(totals.locator("div", has_text="Certified").locator("dd")).to_have_text("1")

    choose_option(page, page.get_by_label("Status"), "pending")
    show = page.get_by_role("button", name="Show")
    if js:
        with in_place(page, "status=pending"):
            press(page, show)
    else:
        follow(page, show)
    expect(totals.locator(".totals-all dd")).to_have_text("2")
    expect(totals.locator("dt")).to_have_text(["All", "Pending"])
    expect(page).to_have_url(re.compile(r"/compliance/reports/certification/\?.*status=pending"))
    no_sideways_scrolling(page)


PAGES = {
    "queue": "/compliance/",
    "record": "/compliance/records/{record}/",
    "certificates": "/compliance/certificates/",
    "report": "/compliance/reports/certification/",
    "audit": "/compliance/audit/",
    "recertify": "/compliance/modules/{module}/recertify/",
}


def test_no_compliance_page_scrolls_sideways_and_each_is_accessible(
    live_server, state, casey, open_page
):
    page = open_page()
    log_in(page, live_server.url, "casey", lands_on="Compliance")
    found = []
    for name, path in PAGES.items():
        url = live_server.url + path.format(record=state["sam"].pk, module=state["module"].pk)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            assert page.goto(url).status == 200
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            no_sideways_scrolling(page)
            found += [(f"compliance-{name}", width, v) for v in run_axe(page)]
            page.screenshot(path=SCREENSHOTS / f"compliance-{name}-{width}.png", full_page=True)
    failing = [describe(*f) for f in found if f[2]["impact"] in FAILING_IMPACTS]
    assert not failing, "Serious or critical accessibility violations:\n" + "\n".join(failing)
