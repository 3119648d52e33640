"""Two-factor authentication in the browser, by keyboard: with REQUIRE_2FA, a compliance officer
sets up an authenticator at their first login, sees their recovery codes, logs out, logs in
again with a code and lands on the review queue. At desktop and phone widths, with JavaScript
and without; every two-factor page axe clean, none scrolling sideways, screenshots of each."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .support import DESKTOP, PHONE, SCREENSHOTS, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import follow, log_in, log_out, type_into  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, describe, run_axe, sideways_overflow  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def check_page(page: Page, name: str) -> None:
    """At both widths: axe finds nothing serious, nothing scrolls sideways; a screenshot each.
    (axe runs as a script: called with JavaScript on.)"""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    problems = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
            f"{name} ({width}) scrolls sideways: {sideways_overflow(page)}"
        )
        problems += [
            describe(name, width, v) for v in run_axe(page) if v["impact"] in FAILING_IMPACTS
        ]
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("js", "viewport"), [(True, DESKTOP), (False, PHONE)], ids=["js-desktop", "nojs-phone"]
)
def test_compliance_sets_up_two_factor_and_logs_in_with_a_code(
    live_server, casey, open_page, settings, js, viewport
):
    settings.REQUIRE_2FA = True
    page = open_page(js=js, viewport=viewport)
    suffix = "" if js else "-nojs"

    # The first login goes to the set-up before anything else.
    log_in(page, live_server.url, "casey", lands_on="Set up two-factor authentication")
    expect(page.get_by_text("Your role requires two-factor authentication")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    if js:
        check_page(page, "two-factor-setup")
    secret = page.locator(".twofactor-secret").inner_text().replace(" ", "")
    key = b32decode(secret)

    # A wrong code first: a clear error, and still the set-up.
    wrong = "000000" if f"{totp(key):06d}" != "000000" else "111111"
    type_into(page, page.get_by_label("Code from your app"), wrong)
    follow(page, page.get_by_role("button", name="Turn on"))
    expect(page.get_by_text("That code does not match")).to_be_visible()

    field = page.get_by_label("Code from your app")
    field.fill("")
    type_into(page, field, f"{totp(key):06d}")
    follow(page, page.get_by_role("button", name="Turn on"))

    # The recovery codes, once; printing needs JavaScript.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    print_button = page.get_by_role("button", name="Print")
    if js:
        expect(print_button).to_be_visible()
        check_page(page, "two-factor-codes")
    else:
        expect(print_button).to_have_count(0)
        page.screenshot(path=SCREENSHOTS / f"two-factor-codes{suffix}.png", full_page=True)
    follow(page, page.get_by_role("link", name="I have saved them"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compliance")

    # Next time: the password, then a code, then the review queue.
    log_out(page)
    log_in(page, live_server.url, "casey", lands_on="Enter your code")
    expect(
        page.get_by_text("Enter the 6-digit code from your authenticator app, or a recovery code.")
    ).to_be_visible()
    if js:
        check_page(page, "two-factor-verify")
    device = TOTPDevice.objects.get(user=casey)
    # The next time step's code: the one just used for the set-up cannot be used twice.
    code = f"{totp(device.bin_key, drift=device.drift + 1):06d}"
    type_into(page, page.get_by_label("Code"), code)
    follow(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compliance")
    assert "/compliance/" in page.url

    # The account's two-factor page.
    page.goto(live_server.url + "/accounts/two-factor/")
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    if js:
        check_page(page, "two-factor")
    follow(page, page.get_by_role("link", name="Turn off two-factor authentication"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn off two-factor authentication")
    if js:
        check_page(page, "two-factor-remove")
    follow(page, page.get_by_role("link", name="Cancel"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    assert TOTPDevice.objects.filter(user=casey).exists()
