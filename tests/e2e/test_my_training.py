"""My training as a rep with overdue assigned work sees it, at desktop and phone widths, by
keyboard alone; and Mark complete and continue, with JavaScript and without."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from courses.certification.services import completion_certify
from courses.models import Module, Step, StepCompletion, StepStart
from courses.progress.services import step_complete
from courses.teams.services import assignment_create

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import follow, log_in  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, complete_module  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, describe, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def top(page: Page, locator) -> float:
    return locator.bounding_box()["y"]


def no_horizontal_scrolling(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def accessible(page: Page, name: str) -> None:
    failing = [describe(name, "", v) for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, "\n".join(failing)


@pytest.fixture
def overdue_with_practice(curriculum, riley, morgan, casey):
    """Riley: certified on one required module; three steps into another, assigned and overdue,
    with only its quiz left; and, since then, a lesson of optional practice."""
    team = morgan.managed_teams.get()
    certified = Module.objects.get(slug="fcc-and-tcpa")
    completion_certify(officer=casey, record=complete_module(riley, certified), note="Fine.")
    assigned = Module.objects.get(slug="do-not-call-lists")
    today = timezone.localdate()
    assignment_create(
        by=morgan, modules=[assigned], team=team, due_date=today - datetime.timedelta(days=2)
    )
    now = timezone.now()
    steps = list(assigned.steps.active().order_by("position"))
    for number, step in enumerate(s for s in steps if s.kind != Step.Kind.QUIZ):
        step_complete(user=riley, step=step, now=now - datetime.timedelta(hours=5 - number))
    practice = Module.objects.get(slug="handling-no")
    first = practice.steps.active().order_by("position").first()
    step_complete(user=riley, step=first, now=now - datetime.timedelta(minutes=5))
    return {"assigned": assigned, "quiz": steps[-1], "practice": practice, "certified": certified}


@pytest.mark.parametrize("width", WIDTHS)
def test_overdue_assigned_work_leads_my_training(
    width, live_server, overdue_with_practice, open_page
):
    assigned, quiz = overdue_with_practice["assigned"], overdue_with_practice["quiz"]
    assert quiz.kind == Step.Kind.QUIZ
    page = open_page(js=True, viewport=WIDTHS[width])
    log_in(page, live_server.url, "riley")

    due = page.get_by_role("region", name="Due")
    first = due.locator(".due-item").first
    expect(first).to_contain_text("Your next step")
    expect(first).to_contain_text(assigned.title)
    expect(first).to_contain_text("Overdue")
    expect(first).to_contain_text("Only the quiz left")
    expect(page.get_by_text("Pick up where you left off")).to_have_count(0)
    certification = page.get_by_role("region", name="Your certification")
    expect(certification).to_contain_text(overdue_with_practice["certified"].title)
    expect(certification.get_by_role("link", name="Your certificate")).to_be_visible()
    # Due work first, certification next, then practice and the optional modules.
    practice = page.get_by_role("region", name="Also in progress")
    expect(practice).to_contain_text(overdue_with_practice["practice"].title)
    drill = page.get_by_role("region", name="Dialing drill")
    assert top(page, due) < top(page, certification) < top(page, drill) < top(page, practice)
    no_horizontal_scrolling(page)
    accessible(page, f"my-training ({width})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"my-training-due-{width}.png", full_page=True)

    # The catalogue says the module is assigned, not practice.
    page.goto(live_server.url + "/catalogue/")
    card = page.locator(".module-card", has=page.get_by_role("link", name=assigned.title))
    expect(card.locator(".tag")).to_contain_text("Overdue, was due")
    no_horizontal_scrolling(page)
    page.screenshot(path=SCREENSHOTS / f"catalogue-assigned-{width}.png", full_page=True)
    page.go_back()

    # By keyboard, the button goes straight to the step that is left: the quiz.
    follow(page, first.get_by_role("link", name=f"Continue: {quiz.title}"))
    assert page.url == f"{live_server.url}/modules/{assigned.slug}/{quiz.slug}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)


def test_mark_complete_and_continue_goes_to_the_next_step(
    js, live_server, curriculum, riley, open_page
):
    module = Module.objects.get(slug="dialing-and-smiling")
    lesson, following = list(module.steps.active().order_by("position"))[:2]
    page = open_page(js=js)
    log_in(page, live_server.url, "riley")
    page.goto(f"{live_server.url}/modules/{module.slug}/{lesson.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    # Read: opened as long ago as the lesson takes to read.
    StepStart.objects.filter(user=riley, step=lesson).update(
        started_at=F("started_at") - datetime.timedelta(minutes=lesson.minutes)
    )
    follow(page, page.get_by_role("button", name="Mark complete and continue"))
    assert page.url == f"{live_server.url}/modules/{module.slug}/{following.slug}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(following.title)
    done = page.locator("#module-steps li", has_text=lesson.title)
    expect(done).to_contain_text("Done:")
    expect(page.locator("#lesson-progress")).to_contain_text(
        f"1 of {module.steps.active().count()} steps done"
    )
    assert StepCompletion.objects.filter(user=riley, step=lesson).exists()
    page.screenshot(
        path=SCREENSHOTS / f"lesson-after-continue-{'js' if js else 'nojs'}.png", full_page=True
    )
