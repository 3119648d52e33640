"""The manager's, compliance's and quiz insight pages in a browser whose language is Finnish, at
desktop and phone widths: each says its heading in Finnish, passes axe, and does not scroll
sideways on a phone (Finnish words are long). A manager withdraws an assignment by keyboard
alone, with JavaScript (the question in place) and without, and reads every word in Finnish.

These tests read the compiled Finnish catalogue (locale/fi/LC_MESSAGES/django.mo), which ships
with the code.
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Assignment, CompletionRecord, Module, Quiz, Team  # noqa: E402
from courses.teams.services import assignment_create  # noqa: E402

from .keyboard import follow, no_navigation, tab_to  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, complete_module  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, describe, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
MODULE = "do-not-call-lists"


@pytest.fixture(params=list(WIDTHS))
def width(request):
    return request.param


@pytest.fixture
def finnish_page(browser, live_server):
    """finnish_page(user, js=True, viewport=DESKTOP): a page in a fresh browser context whose
    language is Finnish, signed in as `user`."""
    contexts = []

    def open_(user, js: bool = True, viewport=DESKTOP) -> Page:
        context = browser.new_context(
            java_script_enabled=js,
            viewport=viewport,
            locale="fi-FI",
            timezone_id=settings.TIME_ZONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        signed_in = Client()
        signed_in.force_login(user)
        cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def state(curriculum, riley, morgan, casey):
    """Riley's team has the module assigned; Riley completed it and waits for review."""
    module = Module.objects.get(slug=MODULE)
    (assignment,) = assignment_create(
        by=morgan,
        modules=[module],
        team=Team.objects.get(name="Alpha"),
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    record = complete_module(riley, module)
    return {"module": module, "assignment": assignment, "record": record}


def check(page: Page, where: str, heading: str, js: bool = True) -> None:
    """The heading, no serious accessibility violation, and nothing wider than the window. axe
    needs JavaScript: without it, the same markup is checked by the run with it."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if not js:
        return
    failing = [describe(where, "", v) for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert failing == [], "\n".join(failing)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{where}: the page scrolls sideways"
    )


def shoot(page: Page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"fi-{name}-{width}.png", full_page=True)


def test_the_managers_pages_in_finnish(live_server, state, riley, morgan, finnish_page, width):
    page = finnish_page(morgan, viewport=WIDTHS[width])
    team = Team.objects.get(name="Alpha")
    quiz = Quiz.objects.filter(step__module=state["module"]).first()
    pages = [
        ("dashboard", "/team/", "Tiimin koontinäkymä"),
        ("team", f"/team/teams/{team.pk}/", "Tiimi Alpha"),
        ("assignments", "/team/assignments/", "Tehtävät"),
        ("assignment-new", "/team/assignments/new/", "Anna koulutus tehtäväksi"),
        ("charts", "/team/charts/", "Edistymiskaaviot"),
        ("person", f"/team/people/{riley.pk}/", "Riley Parker"),
        ("insight-list", "/insights/quizzes/", "Testianalyysi"),
        ("insight-quiz", f"/insights/quizzes/{quiz.pk}/", quiz.step.title),
    ]
    for name, path, heading in pages:
        page.goto(live_server.url + path)
        check(page, name, heading)
        shoot(page, name, width)


def test_the_compliance_pages_in_finnish(live_server, state, casey, finnish_page, width):
    page = finnish_page(casey, viewport=WIDTHS[width])
    record = state["record"]
    pages = [
        ("queue", "/compliance/", "Compliance"),
        ("record", f"/compliance/records/{record.pk}/", f"{state['module'].title} · Riley Parker"),
        ("report", "/compliance/reports/certification/", "Compliance"),
        ("certificates", "/compliance/certificates/", "Compliance"),
        ("audit", "/compliance/audit/", "Compliance"),
    ]
    for name, path, heading in pages:
        page.goto(live_server.url + path)
        check(page, name, heading)
        shoot(page, f"compliance-{name}", width)
    assert CompletionRecord.objects.get().pk == record.pk


def test_withdrawing_in_finnish_by_keyboard(live_server, state, morgan, finnish_page, js, width):
    page = finnish_page(morgan, js=js, viewport=WIDTHS[width])
    module, assignment = state["module"], state["assignment"]
    page.goto(live_server.url + "/team/assignments/")
    withdraw = page.get_by_role("link", name=f"Peru… {module.title}, tiimi Alpha")
    question = f"{module.title} (määräpäivä "
    if js:
        with no_navigation(page):
            tab_to(page, withdraw)
            page.keyboard.press("Enter")
            expect(page.locator(f"#withdraw-{assignment.pk}")).to_contain_text(
                "perutaan tiimiltä Alpha (1 jäsen: Riley Parker)."
            )
        expect(page.locator(f"#confirm-{assignment.pk}")).to_be_focused()
    else:
        follow(page, withdraw)
        expect(page.get_by_role("heading", level=1)).to_have_text("Perutaanko tämä tehtävä?")
    expect(page.locator("main")).to_contain_text(question)
    heading = "Tehtävät" if js else "Perutaanko tämä tehtävä?"
    check(page, f"withdraw ({width}, js={js})", heading, js)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, f"withdraw-{'js' if js else 'nojs'}", width)

    follow(page, page.get_by_role("button", name=f"Kyllä, peru {module.title}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tehtävät")
    expect(page.locator(".messages")).to_contain_text(f"{module.title} on peruttu.")
    assert Assignment.objects.get().withdrawn_by == morgan
