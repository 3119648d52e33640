"""A manager's tools, by keyboard alone, at desktop and phone widths: withdrawing with a
confirmation, reminding a rep now, moving several due dates at once, a double assignment
refused, the progress charts and the quiz score distribution.

JavaScript on and off where the behaviour differs (the confirmation and the reminder answer in
place with htmx); every state is checked with axe and for horizontal scrolling at 390 px.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Assignment, AuditEntry, Module, Quiz, Team  # noqa: E402
from courses.teams.services import assignment_create  # noqa: E402
from tests.factories import take_quiz  # noqa: E402

from .keyboard import (  # noqa: E402
    choose_option,
    follow,
    log_in,
    no_navigation,
    tab_to,
    tick,
    type_into,
)
from .support import DESKTOP, PHONE, complete_module  # noqa: E402
from .test_accessibility import check_page, shoot  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(WIDTHS))
def width(request):
    return request.param


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def type_date(page: Page, field, day: datetime.date) -> None:
    type_into(page, field, day.strftime("%m%d%Y"))
    expect(field).to_have_value(day.isoformat())


def test_withdrawing_asks_first_naming_the_team_and_its_people(
    live_server, curriculum, riley, morgan, open_page, js, width
):
    team = Team.objects.get(name="Alpha")
    module = Module.objects.get(slug="handling-no")
    due = timezone.localdate() + days(10)
    (assignment,) = assignment_create(by=morgan, modules=[module], team=team, due_date=due)
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")
    page.goto(live_server.url + "/team/assignments/")
    withdraw = page.get_by_role("link", name=f"Withdraw… {module.title} for team Alpha")
    question = "will be withdrawn from team Alpha (1 member: Riley Parker)"
    if js:
        with no_navigation(page):
            tab_to(page, withdraw)
            page.keyboard.press("Enter")
            expect(page.locator(f"#withdraw-{assignment.pk}")).to_contain_text(question)
        # The question takes the focus, so it is read out; Tab goes on to its buttons.
        expect(page.locator(f"#confirm-{assignment.pk}")).to_be_focused()
    else:
        follow(page, withdraw)
        expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this assignment?")
        expect(page.locator("main")).to_contain_text(question)
    check_page(page, f"withdraw confirmation ({width}, js={js})", js)
    assert Assignment.objects.get().withdrawn_at is None
    shoot(page, f"withdraw-confirm-{'js' if js else 'nojs'}", width)

    follow(page, page.get_by_role("button", name=f"Yes, withdraw {module.title}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
    expect(page.locator(".messages")).to_contain_text(f"{module.title} is withdrawn.")
    assert Assignment.objects.get().withdrawn_by == morgan


def test_a_manager_reminds_a_rep_once_a_day(
    live_server, curriculum, riley, morgan, open_page, js, width
):
    module = Module.objects.get(slug="dialing-and-smiling")
    assignment_create(
        by=morgan, modules=[module], user=riley, due_date=timezone.localdate() - days(2)
    )
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")
    page.goto(live_server.url + f"/team/people/{riley.pk}/")
    button = page.get_by_role("button", name=f"Remind now about {module.title}")
    sent = f"A reminder of {module.title} is on its way to Riley Parker."
    refused = "Nothing was sent: Riley Parker was reminded of"
    for expected in (sent, refused):
        if js:
            with no_navigation(page):
                tab_to(page, button)
                page.keyboard.press("Enter")
                expect(page.get_by_role("status").filter(has_text=expected)).to_be_visible()
        else:
            follow(page, button)
            expect(page.locator(".messages")).to_contain_text(expected)
    check_page(page, f"person page after reminders ({width}, js={js})", js)
    shoot(page, f"person-reminded-{'js' if js else 'nojs'}", width)
    (message,) = [m for m in mail.outbox if riley.email in m.to]
    assert message.subject == f"A reminder from your manager: {module.title}"
    assert AuditEntry.objects.filter(action="assignment.reminded", person=riley).count() == 1


def test_several_due_dates_move_together_and_a_double_is_refused(
    live_server, curriculum, riley, morgan, open_page, width
):
    team = Team.objects.get(name="Alpha")
    first, second = Module.objects.filter(slug__in=["handling-no", "dialing-and-smiling"])
    due = timezone.localdate() + days(10)
    assignment_create(by=morgan, modules=[first], team=team, due_date=due)
    assignment_create(by=morgan, modules=[second], user=riley, due_date=due)
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")

    # The same module for the same team on the same day: refused on the form.
    page.goto(live_server.url + "/team/assignments/new/")
    choose_option(page, page.get_by_label("Training to assign"), f"module:{first.pk}")
    choose_option(page, page.get_by_label("Assign to", exact=True), f"team:{team.pk}")
    type_date(page, page.get_by_label("Due date"), due)
    follow(page, page.get_by_role("button", name="Assign"))
    expect(page.locator("main")).to_contain_text(f"{first.title} is already assigned to team Alpha")
    check_page(page, f"double assignment refused ({width})")
    shoot(page, "assignment-double-refused", width)
    assert Assignment.objects.count() == 2

    page.goto(live_server.url + "/team/assignments/")
    for module in (first, second):
        tick(page, page.get_by_label(f"Choose {module.title}", exact=False))
    new_due = timezone.localdate() + days(21)
    type_date(page, page.get_by_label("New due date", exact=True), new_due)
    check_page(page, f"assignments with two ticked ({width})")
    shoot(page, "assignments-bulk", width)
    follow(page, page.get_by_role("button", name="Change the ticked assignments"))
    expect(page.locator(".messages")).to_contain_text("The due date of 2 assignment(s) is now")
    assert {a.due_date for a in Assignment.objects.all()} == {new_due}


def test_the_charts_and_the_score_distribution(
    live_server, curriculum, django_user_model, riley, morgan, open_page, width
):
    team = Team.objects.get(name="Alpha")
    required = Module.objects.get(slug="do-not-call-lists")
    practice = Module.objects.get(slug="handling-no")
    today = timezone.localdate()
    assignment_create(
        by=morgan,
        modules=[required],
        team=team,
        due_date=today + days(5),
        now=timezone.now() - days(20),
    )
    assignment_create(by=morgan, modules=[practice], team=team, due_date=today - days(3))
    complete_module(riley, required)
    quiz = Quiz.objects.get(step__module=practice)
    take_quiz(riley, quiz)

    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")
    page.goto(live_server.url + "/team/")
    check_page(page, f"dashboard ({width})")
    shoot(page, "dashboard-with-charts-link", width)
    follow(page, page.get_by_role("link", name="Progress charts"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress charts")
    over_time = page.get_by_role("img", name="Completion over time by team")
    expect(over_time).to_be_visible()
    expect(
        page.get_by_role("table", name="Share of assigned modules done, at the end of each week")
    ).to_contain_text("50%")
    expect(page.get_by_role("img", name="Status mix")).to_be_visible()
    expect(page.get_by_role("table", name="Assigned modules by status")).to_contain_text("Overdue")
    check_page(page, f"charts ({width})")
    shoot(page, "team-charts", width)

    # Printed: no site chrome, the charts and their tables stay.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(over_time).to_be_visible()
    expect(page.get_by_role("table", name="Assigned modules by status")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(live_server.url + f"/insights/quizzes/{quiz.pk}/")
    expect(page.get_by_role("note")).to_contain_text("Small sample")
    expect(
        page.get_by_role("img", name=f"Best scores of 1 person in {quiz.step.title}")
    ).to_be_visible()
    expect(page.get_by_role("table", name="People by best score")).to_be_visible()
    check_page(page, f"quiz insight ({width})")
    shoot(page, "quiz-insight-detail", width)
