"""Driving pages with the keyboard alone: Tab to a control, then Enter, Space or arrow keys.

Every helper fails with the element it was looking for and what had focus instead when the
control cannot be reached within a bound of Tab presses.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from playwright.sync_api import Locator, Page, expect

from .support import PASSWORD

TAB_LIMIT = 80

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing (the page body)";
  const text = (el.innerText || el.value || "").trim().slice(0, 60);
  return `<${el.tagName.toLowerCase()}${el.name ? ` name=${el.name}` : ""}> ${text}`;
}"""


def focused(page: Page) -> str:
    return page.evaluate(_FOCUSED)


def _tab_until(page: Page, has_focus, what: str, limit: int) -> int:
    for presses in range(limit + 1):
        if has_focus():
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(
        f"{what} was not reached within {limit} presses of Tab; focus is on {focused(page)}"
    )


def tab_to(page: Page, target: Locator, limit: int = TAB_LIMIT) -> int:
    """Press Tab until `target` has focus (not at all if it has it already)."""
    target.wait_for(state="attached")
    return _tab_until(
        page,
        lambda: target.evaluate("el => el === document.activeElement"),
        f"{target}",
        limit,
    )


def tab_into(page: Page, group: Locator, limit: int = TAB_LIMIT) -> int:
    """Press Tab until one of the elements of `group` (a radio group, say) has focus."""
    group.first.wait_for(state="attached")
    return _tab_until(
        page,
        lambda: group.evaluate_all("els => els.includes(document.activeElement)"),
        f"{group}",
        limit,
    )


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def follow(page: Page, target: Locator, key: str = "Enter") -> None:
    """Activate a link or a submit button and wait for the page it leads to."""
    tab_to(page, target)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


@contextmanager
def no_navigation(page: Page):
    """Asserts that what happens inside changes the page in place (htmx), never reloads it."""
    navigations: list[str] = []

    def record(frame):
        if frame == page.main_frame:
            navigations.append(frame.url)

    page.evaluate("() => { window.__stillTheSamePage = true; }")
    url = page.url
    page.on("framenavigated", record)
    try:
        yield
    finally:
        page.remove_listener("framenavigated", record)
    assert navigations == [], f"expected an in-page update, but the page navigated: {navigations}"
    assert page.url == url
    assert page.evaluate("() => window.__stillTheSamePage === true"), "the page was reloaded"


def activate_in_place(page: Page, target: Locator, url_part: str, key: str = "Enter") -> None:
    """Activate an htmx control and wait for its response (the swap is awaited by asserting)."""
    tab_to(page, target)
    with page.expect_response(lambda r: url_part in r.url and r.request.method == "POST"):
        page.keyboard.press(key)


def submit(page: Page, js: bool, target: Locator, url_part: str, key: str = "Enter") -> None:
    """Press a form's button by keyboard: answered in place by htmx with JavaScript (a POST to
    an address holding `url_part`), by a page load without."""
    if js:
        with no_navigation(page):
            activate_in_place(page, target, url_part, key=key)
    else:
        follow(page, target, key=key)


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def type_callback(page: Page, moment: datetime.datetime) -> None:
    """Type a date and a time into a callback's Date and Time boxes, as a person does."""
    date_box = page.get_by_label("Date")
    tab_to(page, date_box)
    page.keyboard.type(moment.strftime("%m%d%Y"))
    expect(date_box).to_have_value(moment.date().isoformat())
    time_box = page.get_by_label("Time")
    type_into(page, time_box, moment.strftime("%I%M%p")[:5] + moment.strftime("%p")[0])
    expect(time_box).to_have_value(moment.strftime("%H:%M"))


def choose_radio(page: Page, group: Locator, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys to the radio of `value`.

    Tab stops once per group (on its checked radio, or the first); arrows move and check.
    """
    tab_into(page, group)
    values = group.evaluate_all("els => els.map(e => e.value)")
    here = group.evaluate_all("els => els.indexOf(document.activeElement)")
    there = values.index(value)
    steps = (there - here) % len(values)
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    expect(group.nth(there)).to_be_checked()


def tick(page: Page, checkbox: Locator) -> None:
    tab_to(page, checkbox)
    if not checkbox.is_checked():
        page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def choose_option(page: Page, select: Locator, value: str) -> None:
    """Tab to a closed <select> and move its selection with the arrow keys."""
    tab_to(page, select)
    values = select.evaluate("el => Array.from(el.options).map(o => o.value)")
    steps = values.index(value) - select.evaluate("el => el.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    expect(select).to_have_value(value)


def log_in(
    page: Page,
    base_url: str,
    username: str,
    password: str = PASSWORD,
    lands_on: str = "My training",
) -> None:
    """Log in by keyboard; the page a person lands on is their role's (`lands_on`: its h1)."""
    page.goto(base_url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to CallReady")
    type_into(page, page.get_by_label("Username"), username)
    type_into(page, page.get_by_label("Password"), password)
    follow(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lands_on)


def log_out(page: Page) -> None:
    follow(page, page.get_by_role("button", name="Log out"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to CallReady")


def main_nav(page: Page, name: str) -> None:
    """Follow a link of the site's main navigation."""
    nav = page.get_by_role("navigation", name="Main")
    follow(page, nav.get_by_role("link", name=name, exact=True))
