"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server, a real threaded HTTP server on loopback.

Chromium missing skips these tests with the reason, unless REQUIRE_BROWSER=1 (as in CI), where a
missing browser fails them instead.
"""

import os
import shutil

import pytest
from django.conf import settings

from courses.curriculum.loading import load_curriculum
from courses.models import Membership, Team
from courses.platform.access import COMPLIANCE, MANAGER, REP

from .support import (
    CHROMIUM_ARGS,
    DESKTOP,
    browser_unavailable,
    person,
    require_playwright,
)

# Playwright's sync API runs an asyncio event loop in this thread; the ORM calls the tests make
# next to it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def chromium_path() -> str | None:
    """Debian's Chromium (Playwright's own browser download is not used), or $CHROMIUM_PATH."""
    if os.environ.get("CHROMIUM_PATH"):
        candidates = [os.environ["CHROMIUM_PATH"]]
    else:
        candidates = [
            "/usr/bin/chromium",
            shutil.which("chromium"),
            shutil.which("chromium-browser"),
        ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed before the rest of the suite runs (the sync
    API keeps an event loop running in this thread while it is open)."""
    require_playwright()
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        browser_unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(js=True): a page in a fresh browser context (its own cookies)."""
    contexts = []

    def open_(js: bool = True, viewport=DESKTOP):
        context = browser.new_context(
            java_script_enabled=js,
            viewport=viewport,
            locale="en-US",
            timezone_id=settings.TIME_ZONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    """Each journey runs twice: with JavaScript (htmx) and without."""
    return request.param


@pytest.fixture
def curriculum(transactional_db):
    """The real curriculum of courses/content, as `manage.py load_content` loads it."""
    return load_curriculum()


@pytest.fixture
def riley(transactional_db, django_user_model):
    """A new rep."""
    return person(django_user_model, "riley", REP, "Riley", "Parker")


@pytest.fixture
def morgan(transactional_db, django_user_model, riley):
    """Riley's manager, of team Alpha."""
    user = person(django_user_model, "morgan", MANAGER, "Morgan", "Lee")
    team = Team.objects.create(name="Alpha")
    team.managers.add(user)
    Membership.objects.create(team=team, user=riley)
    return user


@pytest.fixture
def casey(transactional_db, django_user_model):
    """A compliance officer."""
    return person(django_user_model, "casey", COMPLIANCE, "Casey", "Nguyen")
