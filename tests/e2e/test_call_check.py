"""A rep asks the call check about a lead, by keyboard: with JavaScript the answer follows each
change in place; without it, the Check button asks again and the address can be shared."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from .keyboard import choose_option, follow, log_in, main_nav, tick

LEAD = (
    "/call-check/?state=NY&when=2025-06-04T12%3A00&line=landline&caller=other"
    "&method=live&consent=none"
)


def test_a_rep_checks_a_lead_by_keyboard(live_server, curriculum, riley, open_page, js):
    page = open_page(js=js)
    log_in(page, live_server.url, "riley")
    main_nav(page, "Call check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call check")
    expect(page.locator("[data-verdict]")).to_have_count(0)

    # A shared address: the question is in it, and so is the answer.
    page.goto(live_server.url + LEAD)
    answer = page.locator("[data-verdict]")
    expect(answer).to_have_attribute("data-verdict", "call")

    registry = page.get_by_label("On the National Do-Not-Call Registry")
    if js:
        # In place, and the address follows the answer so it can still be shared.
        page.evaluate("() => { window.stillTheSamePage = true; }")
        tick(page, registry)
        expect(answer).to_have_attribute("data-verdict", "do-not-call")
        expect(page).to_have_url(re.compile(r"registry=1"))
        assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
    else:
        tick(page, registry)
        follow(page, page.get_by_role("button", name="Check"))
        expect(answer).to_have_attribute("data-verdict", "do-not-call")
    findings = page.get_by_role("region", name="Answer")
    expect(findings).to_contain_text("National Do-Not-Call Registry")
    expect(findings).to_contain_text("47 CFR 64.1200(c)(2)")

    # A relationship that gets past the registry: a broker-dealer and a friend.
    tick(page, page.get_by_label("You know them personally"))
    choose_option(page, page.get_by_label("Who is calling"), "broker-dealer")
    if not js:
        follow(page, page.get_by_role("button", name="Check"))
    expect(answer).to_have_attribute("data-verdict", "call")
    query = parse_qs(urlparse(page.url).query)
    assert query["registry"] == ["1"] and query["caller"] == ["broker-dealer"]
