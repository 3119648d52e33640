"""Choosing the interface language in a browser: by keyboard, with JavaScript and without, at
desktop and phone widths; the choice sticks, follows the person to their next login, and pages
with course content say in the page's language that the content is English."""

from __future__ import annotations

import pytest

from courses.models import Module

from .support import DESKTOP, PASSWORD, PHONE, SCREENSHOTS, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import choose_option, follow, type_into  # noqa: E402
from .test_accessibility import run_axe  # noqa: E402

WIDTHS = [(DESKTOP, True, "desktop"), (PHONE, True, "phone"), (PHONE, False, "phone-nojs")]


def choose_language(page: Page, language: str) -> None:
    choose_option(page, page.locator("#language-choice"), language)
    follow(page, page.locator(".language-form button"))
    expect(page.locator("html")).to_have_attribute("lang", language)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def accessible(page: Page, js: bool) -> None:
    if not js:
        return  # axe runs in the page: the same markup is checked with JavaScript on
    violations = run_axe(page)
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


@pytest.mark.parametrize(("viewport", "js", "width"), WIDTHS, ids=[w[2] for w in WIDTHS])
def test_choosing_finnish_by_keyboard_sticks_and_follows_the_person(
    live_server, curriculum, riley, open_page, viewport, js, width
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(js=js, viewport=viewport)
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    chooser = page.get_by_label("Language")
    expect(chooser).to_have_value("en")

    choose_language(page, "fi")
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.locator("#language-choice")).to_have_value("fi")
    fits(page)
    accessible(page, js)
    page.screenshot(path=SCREENSHOTS / f"languages-login-fi-{width}.png", full_page=True)

    # Logging in keeps the page Finnish, and the choice becomes the account's.
    type_into(page, page.locator("#id_username"), "riley")
    type_into(page, page.locator("#id_password"), PASSWORD)
    follow(page, page.locator("form .button[type=submit]").first)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    fits(page)

    module = Module.objects.order_by("course__position", "position").first()
    page.goto(f"{live_server.url}/modules/{module.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator(".content-language")).to_be_visible()
    expect(page.locator('h1[lang="en"]')).to_have_text(module.title)
    fits(page)
    accessible(page, js)
    page.screenshot(path=SCREENSHOTS / f"languages-module-fi-{width}.png", full_page=True)

    # Another browser (English) follows the stored choice from the login on.
    other = open_page(js=js, viewport=viewport)
    other.goto(live_server.url + "/accounts/login/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    type_into(other, other.locator("#id_username"), "riley")
    type_into(other, other.locator("#id_password"), PASSWORD)
    follow(other, other.locator("form .button[type=submit]").first)
    expect(other.locator("html")).to_have_attribute("lang", "fi")

    # Back to English: the notice goes, and the choice sticks.
    other.goto(f"{live_server.url}/modules/{module.slug}/")
    choose_language(other, "en")
    expect(other).to_have_url(f"{live_server.url}/modules/{module.slug}/")
    expect(other.locator(".content-language")).to_have_count(0)
    other.reload()
    expect(other.locator("html")).to_have_attribute("lang", "en")
    other.screenshot(path=SCREENSHOTS / f"languages-module-en-{width}.png", full_page=True)
