"""Practice in a browser whose language is Finnish, at desktop and phone widths: the dialing
drill started and a card answered by keyboard, its feedback, the call check, today's review,
mastery and a roleplay call with its debrief. Each page speaks Finnish, fits a phone's width
without scrolling sideways and is axe clean; screenshots of each are saved.

The pages read the compiled Finnish catalogue (locale/fi/LC_MESSAGES/django.mo), which ships
with the code.
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .support import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    plan_call,
    play_call_through_services,
    require_playwright,
)

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import RoleplayScript  # noqa: E402
from courses.review.services import practised  # noqa: E402
from courses.roleplays.services import roleplay_run_start  # noqa: E402

from .keyboard import follow, submit  # noqa: E402
from .test_accessibility import run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def finnish_page(browser, live_server, user, viewport) -> Page:
    """A browser whose language is Finnish, signed in as `user`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="fi-FI")
    context.set_default_timeout(10_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context.new_page()


def checked(page: Page, name: str, width: str) -> None:
    """No sideways scrolling, axe clean, and a screenshot to look at."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    assert run_axe(page) == [], name
    page.screenshot(path=SCREENSHOTS / f"fi-{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_practice_pages_in_finnish(browser, live_server, curriculum, riley, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = "desktop" if viewport == DESKTOP else "phone"
    practised(
        user=riley,
        outcomes=[("fcc-calling-hours", False)],
        at=timezone.now() - datetime.timedelta(days=7),
    )
    script = RoleplayScript.objects.select_related("step__module").first()
    finished = roleplay_run_start(user=riley, script=script)
    play_call_through_services(riley, finished, plan_call(script.data, violation=False))
    page = finnish_page(browser, live_server, riley, viewport)

    # Today's review asks the rule as a lead card (before the drill moves it); mastery.
    page.goto(live_server.url + reverse("review:session"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Päivän kertaus")
    expect(page.locator("#review")).to_contain_text("Saatko soittaa tälle liidille nyt?")
    checked(page, "review-session", width)
    page.goto(live_server.url + reverse("review:mastery"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Osaamisesi säännöittäin")
    checked(page, "mastery", width)

    # The drill's page, a session started and a card answered, all by keyboard.
    page.goto(live_server.url + reverse("practice:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Soittoharjoitus")
    checked(page, "drill-home", width)
    follow(page, page.get_by_role("button", name="Aloita soittoharjoitus", exact=True))
    expect(page.locator("#drill .drill-progress")).to_contain_text("Kortti 1/10")
    checked(page, "drill-card", width)
    button = page.locator("#drill").get_by_role("button", name="Älä soita", exact=True)
    submit(page, True, button, "/answer/")
    expect(page.locator("#feedback-heading")).to_contain_text("Liidi 1")
    expect(page.locator("#drill")).to_contain_text("Valitsit Älä soita.")
    checked(page, "drill-feedback", width)

    # The call check, asked a question.
    query = "?state=NY&when=2025-06-04T21:30&line=landline&caller=other&method=live&consent=none"
    page.goto(live_server.url + reverse("learner:call-check") + query)
    expect(page.get_by_role("heading", level=1)).to_have_text("Soittotarkistus")
    expect(page.locator("#answer .verdict-head")).to_have_text("Ei nyt: odota.")
    checked(page, "call-check", width)

    # A roleplay call's debrief, and a call in progress.
    page.goto(live_server.url + reverse("learner:roleplay-run", args=[finished.pk]))
    expect(page.locator("#debrief-heading")).to_contain_text("Hyväksytty")
    expect(page.locator("#debrief")).to_contain_text("Mikä meni hyvin")
    checked(page, "roleplay-debrief", width)
    open_run = roleplay_run_start(user=riley, script=script)
    page.goto(live_server.url + reverse("learner:roleplay-run", args=[open_run.pk]))
    expect(page.locator("#reply-heading")).to_have_text("Mitä sanot?")
    checked(page, "roleplay-call", width)
