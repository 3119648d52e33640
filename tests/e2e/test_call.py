"""A roleplay call in the browser, by keyboard alone, at desktop and phone widths, with
JavaScript and without: the call header and its clock, the preparation card folding once the
call starts, the newest line in view, ending a call early, and the debrief that comes first and
continues to the module's next step."""

import datetime
import re

import pytest

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Module, RoleplayRun  # noqa: E402

from .keyboard import activate_in_place, choose_radio, follow, log_in, no_navigation, press, tick  # noqa: E402
from .support import DESKTOP, GOOD_DNC_RECORD, PHONE, SCREENSHOTS, plan_call  # noqa: E402
from .test_accessibility import FAILING_IMPACTS, run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "handling-no"  # its first call is followed by a lesson
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(VIEWPORTS))
def width(request):
    return request.param


def no_sideways_scroll(page: Page, where: str) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{where} scrolls sideways: {page.evaluate('() => document.documentElement.scrollWidth')}"
        f" px wide in a {page.viewport_size['width']} px window"
    )


def accessible(page: Page, js: bool, where: str) -> None:
    """axe, where scripts may run: what it checks is the markup, the same either way."""
    if not js:
        return
    failing = [v["id"] for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{where}: {failing}"


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def the_call_step(module: Module):
    steps = list(module.steps.active().order_by("position"))
    index = next(i for i, s in enumerate(steps) if s.kind == "roleplay")
    return steps[index], steps[index + 1]


def start_the_call(page: Page, base: str, module: Module, step) -> RoleplayRun:
    page.goto(f"{base}/modules/{module.slug}/{step.slug}/")
    follow(page, page.get_by_role("button", name="Start the call"))
    return RoleplayRun.objects.get(finished_at__isnull=True)


def say(page: Page, js: bool, text: str) -> None:
    button = page.locator("#call").get_by_role("button", name=text, exact=True)
    if js:
        with no_navigation(page):
            activate_in_place(page, button, "/reply/")
    else:
        follow(page, button)


def test_the_time_on_the_call_is_right_on_a_device_whose_clock_is_off(
    live_server, curriculum, riley, open_page
):
    module = Module.objects.get(slug=MODULE)
    step, _ = the_call_step(module)
    page = open_page()
    # The rep's laptop is a day and an hour behind the server.
    page.clock.install(time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=25))
    log_in(page, live_server.url, "riley")
    start_the_call(page, live_server.url, module, step)
    timer = page.locator("[data-call-timer]")
    expect(timer).to_have_text(re.compile(r"^0:0\d$"))
    page.clock.run_for(65_000)
    expect(timer).to_have_text(re.compile(r"^1:0\d$"))


def test_a_call_played_to_the_end(live_server, curriculum, riley, open_page, js, width):
    module = Module.objects.get(slug=MODULE)
    step, following = the_call_step(module)
    persona = step.script.data["persona"]["name"]
    page = open_page(js=js, viewport=VIEWPORTS[width])
    log_in(page, live_server.url, "riley")
    run = start_the_call(page, live_server.url, module, step)
    label = f"call-{width}-{'js' if js else 'nojs'}"

    # The call header: who is on the line, since when, and a way to hang up.
    header = page.get_by_role("region", name="Call in progress")
    expect(header).to_contain_text(f"On the call with {persona}")
    expect(header).to_contain_text(re.compile(r"Call started \d{1,2}:\d\d [ap]\.m\."))
    expect(header.locator("summary", has_text="End call")).to_be_visible()
    timer = page.locator("[data-call-timer]")
    if js:
        expect(timer).to_be_visible()
        expect(timer).to_have_text(re.compile(r"^\d+:\d\d$"))
        expect(timer).not_to_have_text("0:00", timeout=4000)  # it runs
    else:
        expect(timer).to_be_hidden()
    prep = page.locator("details.prep-card")
    assert prep.evaluate("d => d.open"), "the preparation card is open before the first reply"
    expect(page.get_by_role("region", name="Who you are calling")).to_be_visible()
    expect(page.locator(".reply-time-note")).to_have_text(
        "Your reply times are recorded as part of your training record."
    )
    no_sideways_scroll(page, "the call")
    accessible(page, js, "the call")
    shoot(page, f"{label}-start")

    plan = plan_call(run.script_data, violation=False)
    for turn, reply in enumerate(plan.replies):
        say(page, js, reply.text)
        expect(page.locator("#call .line-rep")).to_have_count(turn + 1)
        if turn + 1 < len(plan.replies):
            # The card folds to one line, the newest line is in view, the choices follow it.
            assert not prep.evaluate("d => d.open"), "the preparation card folds"
            expect(prep.locator("summary")).to_contain_text(persona)
            expect(page.locator("#latest")).to_be_in_viewport()
            if js:
                expect(page.locator("#reply-heading")).to_be_focused()
                expect(page.locator("#call-announcer")).to_contain_text(persona)
            else:
                assert page.url.endswith("#latest")
            if turn == 0:
                no_sideways_scroll(page, "the call after a reply")
                shoot(page, f"{label}-after-reply")
    if plan.needs_record:
        form = page.locator("#call form.record-form")
        choose_radio(page, form.locator('input[name="list"]'), GOOD_DNC_RECORD.list)
        for detail in sorted(GOOD_DNC_RECORD.details):
            tick(page, form.locator(f'input[name="details"][value="{detail}"]'))
        button = form.get_by_role("button", name="Record the request")
        if js:
            with no_navigation(page):
                activate_in_place(page, button, "/record/")
        else:
            follow(page, button)

    # The debrief comes first: the result, what went well, what broke a rule, then the call.
    heading = page.locator("#debrief-heading")
    expect(heading).to_contain_text(f"Passed · {plan.result.percent}%")
    if js:
        expect(heading).to_be_focused()
    else:
        assert page.url.endswith("#debrief")
    expect(heading).to_be_in_viewport()
    tops = [
        page.locator(selector).first.bounding_box()["y"]
        for selector in (
            "#debrief-heading",
            "text=What went well",
            "text=What broke a rule, and why",
            ".debrief-transcript > summary",
        )
    ]
    assert tops == sorted(tops), tops
    transcript = page.locator("details.debrief-transcript")
    assert transcript.evaluate("d => d.open") == (js and width == "desktop")
    no_sideways_scroll(page, "the debrief")
    accessible(page, js, "the debrief")
    shoot(page, f"{label}-debrief")

    main_button = page.locator("#debrief a.button")
    expect(main_button).to_have_text(f"Continue: {following.title}")
    expect(page.get_by_role("button", name="Play again")).to_be_visible()
    follow(page, main_button)
    expect(page.get_by_role("heading", level=1)).to_have_text(following.title)


def test_a_call_ended_early(live_server, curriculum, riley, open_page, js, width):
    module = Module.objects.get(slug=MODULE)
    step, _ = the_call_step(module)
    page = open_page(js=js, viewport=VIEWPORTS[width])
    log_in(page, live_server.url, "riley")
    run = start_the_call(page, live_server.url, module, step)
    plan = plan_call(run.script_data, violation=False)
    say(page, js, plan.replies[0].text)

    press(page, page.locator(".end-call > summary"))
    confirm = page.locator(".end-call-confirm")
    expect(confirm).to_contain_text("End the call now? It will be scored as it stands")
    no_sideways_scroll(page, "the end call confirmation")
    shoot(page, f"call-end-{width}-{'js' if js else 'nojs'}")
    button = confirm.get_by_role("button", name="End the call now")
    if js:
        with no_navigation(page):
            activate_in_place(page, button, "/end/")
    else:
        follow(page, button)
    expect(page.locator("#debrief-heading")).to_contain_text("Not passed: you ended the call early")
    expect(page.locator("#debrief")).to_contain_text("Outcome: Call ended early.")
    run.refresh_from_db()
    assert run.is_finished and run.ended_early and not run.passed
    no_sideways_scroll(page, "the debrief of a call ended early")


@pytest.mark.parametrize("module_slug", ["do-not-call-lists", "handling-no"])
def test_every_debrief_fits_a_phone(live_server, curriculum, riley, open_page, module_slug):
    """The debriefs of the longest calls, with a do-not-call record and with a violation, at
    390 px: long lines wrap instead of widening the page."""
    from courses.roleplays.services import roleplay_run_start

    from .support import play_call_through_services

    module = Module.objects.get(slug=module_slug)
    steps = [s for s in module.steps.active().order_by("position") if s.kind == "roleplay"]
    runs = []
    for step in steps:
        for violation in (False, True):
            run = roleplay_run_start(user=riley, script=step.script)
            play_call_through_services(riley, run, plan_call(run.script_data, violation=violation))
            runs.append(run)
    page = open_page(js=False, viewport=PHONE)
    log_in(page, live_server.url, "riley")
    for run in runs:
        page.goto(f"{live_server.url}/calls/{run.pk}/")
        expect(page.locator("#debrief-heading")).to_be_visible()
        press(page, page.locator("details.debrief-transcript > summary"))
        no_sideways_scroll(page, f"the debrief of {run}")
