"""A manager assigns a module to their team and watches the team grid follow the rep's work.

By keyboard alone, with JavaScript (the grid filters update in place) and without.
"""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Assignment, Module, StepCompletion, StepStart, Team  # noqa: E402

from .keyboard import (  # noqa: E402
    choose_option,
    follow,
    log_in,
    main_nav,
    type_into,
)

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "handling-no"
NOTE = "Before your first calling block, please."


def grid_cell(page: Page, person: str, module: Module):
    """The grid's cell for a person (row) and a module (column)."""
    grid = page.locator("table.grid")
    headers = grid.locator("thead th").all_inner_texts()
    column = headers.index(module.title)
    row = grid.locator("tbody tr", has=page.get_by_role("rowheader", name=person))
    return row.locator("th, td").nth(column)


def type_date(page: Page, field, day: datetime.date) -> None:
    """A date field takes its month, day and year typed in (US order in an en-US browser)."""
    type_into(page, field, day.strftime("%m%d%Y"))
    expect(field).to_have_value(day.isoformat())


def test_a_manager_assigns_training_and_follows_progress(
    live_server, curriculum, riley, morgan, open_page, js
):
    module = Module.objects.get(slug=MODULE)
    team = Team.objects.get(name="Alpha")
    steps = list(module.steps.active().order_by("position"))
    first_lesson = steps[0]
    assert first_lesson.kind == "lesson"
    due = timezone.localdate() + datetime.timedelta(days=14)

    manager = open_page(js=js)
    log_in(manager, live_server.url, "morgan", lands_on="Team dashboard")
    expect(manager.locator("#grid")).to_contain_text("Nothing is assigned to these people yet.")
    expect(manager.locator("table.grid")).to_have_count(0)

    # --- The Assign training form. ---
    follow(manager, manager.locator(".page-actions").get_by_role("link", name="Assign training"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Assign training")
    choose_option(manager, manager.get_by_label("Training to assign"), f"module:{module.pk}")
    choose_option(manager, manager.get_by_label("Assign to", exact=True), f"team:{team.pk}")
    type_date(manager, manager.get_by_label("Due date"), due)
    type_into(manager, manager.get_by_label("Note for the reps (optional)"), NOTE)
    follow(manager, manager.get_by_role("button", name="Assign"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Assignments")
    expect(manager.locator(".messages")).to_contain_text("Assigned 1 module(s).")
    row = manager.locator("tbody tr", has_text=module.title)
    expect(row).to_contain_text("Team Alpha")
    expect(row).to_contain_text(f"{due.day} {due:%b %Y}")
    assignment = Assignment.objects.get()
    assert (assignment.team, assignment.module, assignment.due_date) == (team, module, due)
    assert assignment.user is None and assignment.withdrawn_at is None
    assert assignment.assigned_by == morgan and assignment.note == NOTE

    # --- The grid has the module's column, with the rep's status in it. ---
    main_nav(manager, "Team")
    expect(manager.locator("table.grid thead")).to_contain_text(module.title)
    cell = grid_cell(manager, "Riley Parker", module)
    expect(cell).to_have_text(f"Not started · due {due.day} {due:%b} · 0/{len(steps)}")

    if js:
        # The filters narrow the grid in place, and the address keeps the filter.
        manager.evaluate("() => { window.__stillTheSamePage = true; }")
        with manager.expect_response(
            lambda r: "/team/?" in r.url and r.request.headers.get("hx-request") == "true"
        ):
            choose_option(manager, manager.get_by_label("Module", exact=True), str(module.pk))
        expect(manager).to_have_url(re.compile(rf"/team/\?.*module={module.pk}"))
        expect(grid_cell(manager, "Riley Parker", module)).to_contain_text("Not started")
        assert manager.evaluate("() => window.__stillTheSamePage === true"), "page reloaded"

    # --- The rep sees the assignment and reads the first lesson. ---
    rep = open_page(js=js)
    log_in(rep, live_server.url, "riley")
    assigned = rep.get_by_role("region", name="Due")
    mine = assigned.locator(".due-item", has_text=module.title)
    expect(mine).to_contain_text(f"{due:%a} {due.day} {due:%b %Y}")
    expect(mine).to_contain_text("Not started")
    expect(mine).to_contain_text(NOTE)
    follow(rep, mine.get_by_role("link", name=module.title))
    follow(rep, rep.get_by_role("link", name=f"Start: {first_lesson.title}"))
    # The rep reads it: as if they had opened it as long ago as it takes to read.
    StepStart.objects.filter(user=riley, step=first_lesson).update(
        started_at=F("started_at") - datetime.timedelta(minutes=first_lesson.minutes)
    )
    # With JavaScript or without, marking it complete goes on to the next step.
    follow(rep, rep.get_by_role("button", name="Mark complete and continue"))
    expect(rep.get_by_role("heading", level=1)).to_have_text(steps[1].title)
    assert StepCompletion.objects.filter(user=riley, step=first_lesson).exists()

    # --- The manager sees the progress in the cell, and on the rep's page. ---
    main_nav(manager, "Team")
    cell = grid_cell(manager, "Riley Parker", module)
    expect(cell).to_have_text(re.compile(rf"^In progress · due .* · 1/{len(steps)}$"))
    follow(manager, manager.get_by_role("link", name="Riley Parker"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Riley Parker")
    row = manager.get_by_role("region", name="Assignments table").locator("tbody tr")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text(f"1/{len(steps)}")
