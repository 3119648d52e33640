"""Least privilege in the browser, by keyboard alone at desktop and phone widths: a manager adds
a rep in their scope and is refused one outside it; a password reset asked for too often is
refused; a session left idle ends on the login page, which says why.

The pages behave the same with and without JavaScript (plain forms and redirects), so each runs
with it, which axe needs; every state is checked for horizontal scrolling at 390 px.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import ManagerScope, Membership, Team  # noqa: E402
from courses.platform.access import REP  # noqa: E402
from courses.platform.idle import LAST_SEEN  # noqa: E402
from courses.platform.sessions import SessionStore  # noqa: E402

from .keyboard import follow, log_in, tab_to, tick, type_into  # noqa: E402
from .support import DESKTOP, PHONE, person  # noqa: E402
from .test_accessibility import check_page, shoot  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(WIDTHS))
def width(request):
    return request.param


def test_a_manager_adds_a_rep_in_scope_and_not_one_outside_it(
    live_server, riley, morgan, django_user_model, open_page, width
):
    sam = person(django_user_model, "sam", REP, "Sam", "Ortiz")
    person(django_user_model, "jordan", REP, "Jordan", "Blake")  # in nobody's scope
    ManagerScope.objects.create(manager=morgan, rep=sam)
    team = Team.objects.get(name="Alpha")
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")
    page.goto(f"{live_server.url}/team/teams/{team.pk}/")
    field = page.get_by_label("Username or email of the person to add")
    expect(page.get_by_text("reps an administrator has placed in your scope")).to_be_visible()

    type_into(page, field, "jordan")
    follow(page, page.get_by_role("button", name="Add to Alpha"))
    expect(
        page.get_by_text("You can add only the reps an administrator has placed")
    ).to_be_visible()
    assert not Membership.objects.filter(user__username="jordan").exists()
    check_page(page, "the team page, a rep outside the scope refused")
    shoot(page, "team-member-out-of-scope", width)

    field = page.get_by_label("Username or email of the person to add")
    field.fill("")
    type_into(page, field, "sam")
    follow(page, page.get_by_role("button", name="Add to Alpha"))
    expect(page.get_by_text("Sam Ortiz is in Alpha.")).to_be_visible()
    expect(page.get_by_role("link", name="Sam Ortiz")).to_be_visible()
    check_page(page, "the team page, a rep in scope added")


def test_a_password_reset_asked_for_too_often_is_refused(live_server, riley, open_page, width):
    page = open_page(viewport=WIDTHS[width])
    for attempt in range(4):
        page.goto(f"{live_server.url}/accounts/password_reset/")
        type_into(page, page.get_by_label("Email"), "riley@example.com")
        follow(page, page.get_by_role("button", name="Send the link"))
        if attempt < 3:
            expect(page.get_by_role("heading", level=1)).not_to_have_text("Reset your password")
    expect(page.get_by_role("alert")).to_contain_text("too many requests to reset a password")
    expect(page.get_by_label("Email")).to_be_visible()
    assert len(mail.outbox) == 3
    check_page(page, "the password reset page, refused")
    shoot(page, "password-reset-limited", width)


def seen_two_hours_ago(page: Page, settings) -> None:
    """As if the browser's last page had been read two hours ago."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    session[LAST_SEEN] = int(two_hours_ago.timestamp())
    session.save()


def test_an_idle_session_ends_on_the_login_page_saying_why(
    live_server, riley, open_page, width, settings
):
    settings.SESSION_IDLE_MINUTES = 60
    page = open_page(viewport=WIDTHS[width])
    log_in(page, live_server.url, "riley")
    seen_two_hours_ago(page, settings)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to CallReady")
    expect(page.get_by_role("status")).to_contain_text(
        "Your session ended after 60 minutes without activity"
    )
    check_page(page, "the login page after an idle session")
    shoot(page, "login-session-ended", width)
    # Logging in again returns to the page the person was on.
    type_into(page, page.get_by_label("Username"), "riley")
    type_into(page, page.get_by_label("Password"), "a-long-test-password")
    follow(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")


def test_a_filter_changed_after_an_idle_hour_takes_the_whole_page_to_log_in(
    live_server, morgan, open_page, js, settings
):
    """With JavaScript the filter asks htmx for a fragment; the answer sends the whole page,
    not the fragment's place, to log in. Without it, the form's Apply does the same."""
    settings.SESSION_IDLE_MINUTES = 60
    page = open_page(js=js)
    log_in(page, live_server.url, "morgan", lands_on="Team dashboard")
    seen_two_hours_ago(page, settings)
    checkbox = page.get_by_label("Only overdue")
    if js:
        tab_to(page, checkbox)
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Space")
    else:
        tick(page, checkbox)
        follow(page, page.get_by_role("button", name="Apply"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to CallReady")
    expect(page.get_by_role("status")).to_contain_text("ended after 60 minutes without activity")
    assert page.url.startswith(f"{live_server.url}/accounts/login/?next=/team/")
    assert page.get_by_role("heading", name="Team dashboard").count() == 0
