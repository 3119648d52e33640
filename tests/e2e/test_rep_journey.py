"""A new rep works through a required module of the real curriculum, by keyboard alone.

Lessons (Mark complete and continue, which goes on to the next step either way), the roleplay
call (once with a compliance violation, then a clean pass with the do-not-call record), the quiz
(failed, then after the wait passed), and the progress on My training, the catalogue and the
module page after each part. Once with JavaScript (htmx updates the page in place) and once
without (plain forms and redirects).
"""

import datetime
import re
from contextlib import nullcontext

import pytest
import time_machine
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import (  # noqa: E402
    CompletionRecord,
    Module,
    QuizAttempt,
    RoleplayRun,
    Step,
    StepCompletion,
)

from .keyboard import (  # noqa: E402
    activate_in_place,
    choose_radio,
    follow,
    log_in,
    main_nav,
    no_navigation,
    submit,
    tick,
)
from .support import GOOD_DNC_RECORD, plan_call, quiz_picks  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"


def module_link(page: Page, module: Module):
    return page.get_by_role("link", name=module.title, exact=True)


def sees_progress(page: Page, module: Module, done: int, total: int) -> None:
    """My training, the catalogue and the module page all show the same progress."""
    percent = round(100 * done / total)
    status = "Done" if done == total else "In progress" if done else "Not started"
    section = {"Done": "Completed", "In progress": "In progress", "Not started": "Not started"}

    main_nav(page, "My training")
    card = page.get_by_role("region", name=section[status]).locator(
        ".module-card", has=module_link(page, module)
    )
    expect(card).to_contain_text(f"{percent}% · {done} of {total} steps")
    expect(card.locator(".badge")).to_have_text(status)

    main_nav(page, "Catalogue")
    card = page.locator(".module-card", has=module_link(page, module))
    expect(card).to_contain_text(f"{percent}% · {done} of {total} steps")
    expect(card.locator(".badge")).to_have_text(status)

    follow(page, card.get_by_role("link", name=module.title, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    expect(page.locator("main .progress-line")).to_contain_text(
        f"{percent}% · {done} of {total} steps done"
    )


def read_lessons(
    page: Page, js: bool, user, lessons: list[Step], following: Step, total: int, clock
):
    for number, lesson in enumerate(lessons, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        mark = page.get_by_role("button", name="Mark complete and continue")
        after = lessons[number] if number < len(lessons) else following
        if number == 1:
            # Marked complete the moment it opens: refused, the lesson has not been read.
            submit(page, js, mark, "/complete/")
            expect(page.locator("main")).to_contain_text("Take the time to read it")
            assert not StepCompletion.objects.filter(user=user, step=lesson).exists()
            mark = page.get_by_role("button", name="Mark complete and continue")
        clock.shift(datetime.timedelta(minutes=lesson.minutes))  # reading
        # With JavaScript or without, the site goes on to the next step: a page load.
        follow(page, mark)
        assert page.url.endswith(f"/modules/{MODULE}/{after.slug}/")
        sidebar_step = page.locator("#module-steps li", has_text=lesson.title)
        expect(sidebar_step).to_contain_text("Done:")
        expect(page.get_by_role("heading", level=1)).to_have_text(after.title)
        assert StepCompletion.objects.filter(user=user, step=lesson).exists()
    assert re.search(rf"/modules/{MODULE}/{following.slug}/$", page.url)


def play_call(page: Page, js: bool, run: RoleplayRun, plan) -> None:
    """Say each planned reply by choosing its button, then record the request if asked."""
    call = page.locator("#call")
    opening = run.script_data["nodes"][run.script_data["start"]]["prospect"]
    expect(call.locator(".line-current")).to_contain_text(opening)
    for turn, reply in enumerate(plan.replies):
        button = call.get_by_role("button", name=reply.text, exact=True)
        if js:
            with no_navigation(page):
                activate_in_place(page, button, "/reply/")
                expect(call.locator(".line-rep")).to_have_count(turn + 1)
        else:
            follow(page, button)
            expect(page.locator("#call .line-rep")).to_have_count(turn + 1)
        expect(page.locator("#call .line-rep").nth(turn)).to_contain_text(reply.text)
    if plan.needs_record:
        form = page.locator("#call form")
        expect(form.get_by_role("heading")).to_have_text("Record the do-not-call request")
        choose_radio(page, form.locator('input[name="list"]'), GOOD_DNC_RECORD.list)
        for detail in sorted(GOOD_DNC_RECORD.details):
            tick(page, form.locator(f'input[name="details"][value="{detail}"]'))
        record = form.get_by_role("button", name="Record the request")
        if js:
            with no_navigation(page):
                activate_in_place(page, record, "/record/")
                expect(page.locator("#debrief-heading")).to_be_visible()
        else:
            follow(page, record)


def answer_quiz(page: Page, js: bool, picks) -> None:
    progress = page.locator("#quiz-progress")
    total = len(picks)
    expect(progress).to_contain_text(f"0 of {total} answered")
    for number, pick in enumerate(picks, start=1):
        inputs = page.locator(f'input[name="{pick.name}"]')
        if pick.kind == "multiple":
            for index in pick.indexes:
                tick(page, inputs.and_(page.locator(f'[value="{index}"]')))
        else:
            choose_radio(page, inputs, str(pick.indexes[0]))
        if js and number == 1:
            # Saved as the rep goes: the indicator counts the answers without a reload.
            expect(progress).to_contain_text(f"1 of {total} answered")
            expect(progress).to_contain_text("Saved")
    if js:
        expect(progress).to_contain_text(f"{total} of {total} answered")


def test_a_new_rep_completes_a_module(live_server, curriculum, riley, open_page, js):
    module = Module.objects.get(slug=MODULE)
    steps = list(module.steps.active().order_by("position"))
    lessons = [s for s in steps if s.kind == "lesson"]
    call_step = next(s for s in steps if s.kind == "roleplay")
    quiz_step = next(s for s in steps if s.kind == "quiz")
    quiz = quiz_step.quiz
    total = len(steps)
    assert len(lessons) >= 1 and quiz.wait_minutes and module.required_for_certification

    page = open_page(js=js)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        log_in(page, live_server.url, "riley")
        sees_progress(page, module, done=0, total=total)

        # --- Lessons: read each one, mark it complete and go on. ---
        follow(page, page.get_by_role("link", name=f"Start: {lessons[0].title}"))
        read_lessons(page, js, riley, lessons, call_step, total, clock)
        sees_progress(page, module, done=len(lessons), total=total)

        # --- The roleplay call: first with a violation, then clean. ---
        follow(page, page.get_by_role("link", name=f"Continue: {call_step.title}"))
        expect(page.get_by_role("heading", level=1)).to_have_text(call_step.title)
        persona = call_step.script.data["persona"]["name"]
        expect(page.get_by_role("region", name="Who you are calling")).to_contain_text(persona)
        follow(page, page.get_by_role("button", name="Start the call"))
        run = RoleplayRun.objects.get(user=riley, finished_at__isnull=True)
        assert page.url.endswith(f"/calls/{run.pk}/")
        bad = plan_call(run.script_data, violation=True)
        play_call(page, js, run, bad)
        debrief = page.locator("#debrief-heading")
        expect(debrief).to_contain_text("Failed: compliance violation")
        expect(page.locator("#call .violation-flag").first).to_have_text("Compliance violation")
        run.refresh_from_db()
        assert run.is_finished and run.violation and not run.passed
        assert not StepCompletion.objects.filter(user=riley, step=call_step).exists()

        follow(page, page.get_by_role("link", name="Try the call again"))
        first_call = page.locator("tr", has=page.get_by_role("link", name="Debrief of call 1"))
        expect(first_call).to_contain_text("Violation")
        follow(page, page.get_by_role("button", name="Play the call again"))
        run = RoleplayRun.objects.get(user=riley, finished_at__isnull=True)
        assert run.number == 2
        good = plan_call(run.script_data, violation=False)
        play_call(page, js, run, good)
        expect(debrief).to_contain_text(f"Passed · {good.result.percent}%")
        if good.needs_record:
            expect(page.locator(".dnc-result h3")).to_have_text(
                f"Your do-not-call record: {good.result.dnc.points} of "
                f"{good.result.dnc.max_points} points"
            )
        run.refresh_from_db()
        assert run.passed and not run.violation and run.percent == good.result.percent
        assert StepCompletion.objects.filter(user=riley, step=call_step).exists()
        sees_progress(page, module, done=len(lessons) + 1, total=total)

        # --- The quiz: failed, then (after the wait it asks for) passed. ---
        follow(page, page.get_by_role("link", name=f"Continue: {quiz_step.title}"))
        expect(page.get_by_role("heading", level=1)).to_have_text(quiz_step.title)
        expect(page.locator("ul.facts")).to_contain_text(f"{quiz.draw_count} questions")
        expect(page.locator("ul.facts")).to_contain_text(f"Pass mark: {quiz.pass_mark}%")
        follow(page, page.get_by_role("button", name="Start the quiz"))
        attempt = QuizAttempt.objects.get(user=riley, submitted_at__isnull=True)
        assert page.url.endswith(f"/attempts/{attempt.pk}/")
        with no_navigation(page) if js else nullcontext():
            answer_quiz(page, js, quiz_picks(attempt, right=False))
        follow(page, page.get_by_role("button", name="Submit answers"))
        expect(page.locator("#result-heading")).to_have_text(re.compile(r"^Not passed: 0(\.0)?%$"))
        expect(page.locator(".review-wrong")).to_have_count(quiz.draw_count)
        # A legal module's quiz keeps the key back after a fail: the rule and why, not the answer.
        expect(page.locator("#key-withheld")).to_be_visible()
        expect(page.locator(".review-choices .tag-ok")).to_have_count(0)
        attempt.refresh_from_db()
        assert attempt.is_submitted and not attempt.passed and attempt.percent == 0
        assert not StepCompletion.objects.filter(user=riley, step=quiz_step).exists()

        follow(page, page.get_by_role("link", name="See your attempts and try again"))
        expect(page.locator(".notice-warning")).to_contain_text("You can try again at")
        expect(page.get_by_role("button", name="Start a new attempt")).to_have_count(0)
        first_try = page.locator("tr", has=page.get_by_role("link", name="Review attempt 1"))
        expect(first_try).to_contain_text("Not passed")

        clock.shift(datetime.timedelta(minutes=quiz.wait_minutes, seconds=5))
        sidebar = page.get_by_role("complementary")
        follow(page, sidebar.get_by_role("link", name=quiz_step.title, exact=True))
        follow(page, page.get_by_role("button", name="Start a new attempt"))
        attempt = QuizAttempt.objects.get(user=riley, submitted_at__isnull=True)
        assert attempt.number == 2
        with no_navigation(page) if js else nullcontext():
            answer_quiz(page, js, quiz_picks(attempt, right=True))
        follow(page, page.get_by_role("button", name="Submit answers"))
        expect(page.locator("#result-heading")).to_have_text(re.compile(r"^Passed: 100(\.0)?%$"))
        expect(page.locator(".review-right")).to_have_count(quiz.draw_count)
        attempt.refresh_from_db()
        assert attempt.passed and attempt.percent == 100
        assert StepCompletion.objects.filter(user=riley, step=quiz_step).exists()

        # --- Done: the module is complete everywhere, and waits for certification. ---
        sees_progress(page, module, done=total, total=total)
        expect(page.locator("main")).to_contain_text("You have completed every step")
        expect(page.locator("main")).to_contain_text("Awaiting review")
        record = CompletionRecord.objects.get(user=riley, module=module)
        assert record.content_version == module.content_version
