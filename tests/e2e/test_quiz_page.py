"""The quiz pages as a rep uses them, by keyboard alone, on a desktop and a phone: the count of
answers saved and the time left stay in view; submitting with questions left blank is asked
about first (in the page with JavaScript, on a page of its own without); a failed attempt
sends the rep to the lessons that teach what they missed and counts down to the next try; a
failed save says so and can be retried; the attempts table fits a phone.
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

from courses.models import QuizAttempt, Step  # noqa: E402
from courses.quizzes.services import quiz_attempt_start, quiz_attempt_submit  # noqa: E402

from .keyboard import choose_radio, follow, log_in, no_navigation, tab_to, tick  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS, quiz_picks  # noqa: E402
from .test_accessibility import run_axe  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request):
    return request.param


def quiz_step() -> Step:
    return Step.objects.get(module__slug=MODULE, kind=Step.Kind.QUIZ)


def axe_violations(page: Page, open_page, js: bool) -> list[dict]:
    """axe's findings on the page as it stands. axe needs JavaScript: a page drawn without it
    is served again as it was (its scripts left out) to a browser that runs axe."""
    if js:
        return run_axe(page)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S)
    checker = open_page(js=True, viewport=page.viewport_size)
    checker.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html"))
    checker.goto(page.url)
    return run_axe(checker)


def looks_right(page: Page, name: str, open_page, js: bool) -> None:
    """No sideways scrolling, nothing serious for axe, and a screenshot to look at."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    found = axe_violations(page, open_page, js)
    serious = [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
    assert not serious, f"{name}: {serious}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    # And what is on screen: the bar that stays in view is drawn where it stays.
    page.screenshot(path=SCREENSHOTS / f"{name}-screen.png")


def answer(page: Page, pick) -> None:
    inputs = page.locator(f'input[name="{pick.name}"]')
    if pick.kind == "multiple":
        for index in pick.indexes:
            tick(page, inputs.and_(page.locator(f'[value="{index}"]')))
    else:
        choose_radio(page, inputs, str(pick.indexes[0]))


def fail_through_services(user, quiz, submitted_at) -> QuizAttempt:
    """An attempt of ten minutes, every question answered wrong, submitted at `submitted_at`."""
    started_at = submitted_at - datetime.timedelta(minutes=10)
    attempt = quiz_attempt_start(user=user, quiz=quiz, now=started_at)
    answers = {p.name: [str(i) for i in p.indexes] for p in quiz_picks(attempt, right=False)}
    quiz_attempt_submit(user=user, attempt_id=attempt.pk, raw_answers=answers, now=submitted_at)
    attempt.refresh_from_db()
    return attempt


def test_a_rep_answers_some_questions_and_is_asked_before_submitting(
    live_server, curriculum, riley, open_page, js, width
):
    step = quiz_step()
    quiz = step.quiz
    mode = f"{'js' if js else 'nojs'}-{width}"
    page = open_page(js=js, viewport=WIDTHS[width])
    log_in(page, live_server.url, "riley")
    page.goto(f"{live_server.url}/modules/{MODULE}/{step.slug}/")
    follow(page, page.get_by_role("button", name="Start the quiz"))
    attempt = QuizAttempt.objects.get(user=riley, submitted_at__isnull=True)
    total = quiz.draw_count
    picks = quiz_picks(attempt, right=False)[:2]

    bar = page.locator("#quiz-progress")
    expect(bar).to_contain_text(f"0 of {total} answered")
    expect(bar).to_contain_text("Nothing answered yet")
    timer = page.get_by_role("timer")
    if js:
        expect(timer).to_have_text(re.compile(r"^Time left: 2[45]:\d\d$"))
    else:
        expect(timer).to_be_hidden()
        expect(page.locator("main .meta")).to_contain_text("submit by")
    with no_navigation(page) if js else nullcontext():
        for number, pick in enumerate(picks, start=1):
            answer(page, pick)
            if js:  # saved as the rep goes: the count and the time of the save, in place
                expect(bar).to_contain_text(f"{number} of {total} answered")
                expect(page.locator("#save-state")).to_have_text(
                    re.compile(r"^Saved \d{1,2}:\d\d [ap]\.m\.$"), use_inner_text=True
                )
    expect(page.locator("progress")).to_have_attribute("value", "2" if js else "0")

    blank = total - len(picks)
    submit_button = page.get_by_role("button", name="Submit answers")
    if js:
        # Asked in place: the blank questions listed, with links to them; nothing submitted.
        with no_navigation(page):
            tab_to(page, submit_button)
            page.keyboard.press("Enter")
            warning = page.get_by_role("region", name=f"{blank} questions not answered yet")
            expect(warning).to_be_visible()
            expect(warning).to_be_focused()
        links = warning.get_by_role("link")
        expect(links).to_have_count(blank)
        expect(links.first).to_have_text("Question 3")
        # The sticky bar stays on screen, and a question jumped to is not hidden under it.
        follow_in_page = warning.get_by_role("link", name="Question 7", exact=True)
        tab_to(page, follow_in_page)
        page.keyboard.press("Enter")
        question = page.locator("#question-7")
        expect(question).to_be_in_viewport()
        bar_box, question_box = bar.bounding_box(), question.bounding_box()
        assert bar_box["y"] >= 0 and question_box["y"] >= bar_box["y"] + bar_box["height"] - 1
        page.keyboard.press("Tab")  # on from the question jumped to: into its choices
        assert page.evaluate("document.activeElement.name") == "q7"
        looks_right(page, f"quiz-unanswered-warning-{mode}", open_page, js)
        assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None
        follow(page, warning.get_by_role("button", name="Submit anyway"))
    else:
        # Asked on a page of its own; going back keeps the answers given.
        follow(page, submit_button)
        heading = page.get_by_role("heading", name=f"{blank} questions of {total} not answered")
        expect(heading).to_be_visible()
        expect(page.locator(".unanswered-list li")).to_have_count(blank)
        looks_right(page, f"quiz-confirm-{mode}", open_page, js)
        assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None
        follow(page, page.get_by_role("link", name="Go back and answer"))
        expect(bar).to_contain_text(f"2 of {total} answered")
        expect(page.locator("input:checked")).to_have_count(len(picks))
        looks_right(page, f"quiz-attempt-{mode}", open_page, js)
        follow(page, page.get_by_role("button", name="Submit answers"))
        follow(page, page.get_by_role("button", name="Submit anyway"))

    # The result: not passed; the lessons to read again; the wait before the next try.
    expect(page.locator("#result-heading")).to_have_text(re.compile(r"^Not passed"))
    attempt.refresh_from_db()
    assert attempt.is_submitted and not attempt.passed
    lessons = page.get_by_role("region", name="Lessons to read again")
    expect(lessons.get_by_role("link").first).to_be_visible()
    following = page.get_by_role("region", name="Your next attempt")
    expect(following).to_contain_text("You can try again at")
    expect(following.get_by_role("button", name="Start a new attempt")).to_have_count(0)
    if js:
        expect(following.get_by_role("timer")).to_have_text(
            re.compile(r"^Time to wait: [12]:\d\d$")
        )
    looks_right(page, f"quiz-failed-{mode}", open_page, js)
    first = lessons.get_by_role("link").first
    title = first.inner_text()
    follow(page, first)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_start_button_appears_when_the_wait_is_over(live_server, curriculum, riley, open_page):
    quiz = quiz_step().quiz
    page = open_page(js=True)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        attempt = fail_through_services(riley, quiz, timezone.now())
        log_in(page, live_server.url, "riley")
        page.clock.install()
        page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
        following = page.get_by_role("region", name="Your next attempt")
        expect(following.get_by_role("timer")).to_contain_text("Time to wait")
        start = following.get_by_role("button", name="Start a new attempt")
        expect(start).to_be_hidden()
        clock.shift(datetime.timedelta(minutes=quiz.wait_minutes, seconds=1))
        page.clock.fast_forward(f"{quiz.wait_minutes:02d}:01")
        expect(following.get_by_role("timer")).to_have_text(
            "The wait is over: you can start a new attempt."
        )
        expect(start).to_be_visible()
        follow(page, start)
    second = QuizAttempt.objects.get(user=riley, submitted_at__isnull=True)
    assert second.number == 2 and page.url.endswith(f"/attempts/{second.pk}/")


def test_a_save_that_fails_says_so_and_can_be_retried(live_server, curriculum, riley, open_page):
    step = quiz_step()
    attempt = quiz_attempt_start(user=riley, quiz=step.quiz)
    pick = quiz_picks(attempt, right=True)[0]
    page = open_page(js=True, viewport=PHONE)
    log_in(page, live_server.url, "riley")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    page.route("**/answers/", lambda route: route.abort())
    state = page.locator("#save-state")
    with no_navigation(page):
        answer(page, pick)
        expect(state).to_contain_text("Not saved")
        retry = state.get_by_role("button", name="Retry")
        looks_right(page, "quiz-save-failed-phone", open_page, True)
        page.unroute("**/answers/")
        with page.expect_response(lambda r: "/answers/" in r.url):
            tab_to(page, retry)
            page.keyboard.press("Enter")
        expect(state).to_have_text(re.compile(r"^Saved "), use_inner_text=True)
    expect(page.locator("#quiz-progress")).to_contain_text("1 of")
    assert attempt.items.filter(answers__isnull=False).distinct().count() == 1


def test_the_attempts_table_fits_a_phone(live_server, curriculum, riley, open_page, js):
    quiz = quiz_step().quiz
    now = timezone.now()
    fail_through_services(riley, quiz, now - datetime.timedelta(days=2))
    fail_through_services(riley, quiz, now - datetime.timedelta(days=1))
    page = open_page(js=js, viewport=PHONE)
    log_in(page, live_server.url, "riley")
    page.goto(f"{live_server.url}/modules/{MODULE}/{quiz.step.slug}/")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(2)
    looks_right(page, f"quiz-overview-{'js' if js else 'nojs'}-phone", open_page, js)
    # Each attempt reads whole on the phone (a small card), nothing cut off at the side.
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    label = "td => getComputedStyle(td, '::before').content"
    assert "Attempt: " in rows.first.locator("td").first.evaluate(label)
    expect(rows.first).to_contain_text("Not passed")
    review = page.get_by_role("link", name="Review attempt 2")
    tab_to(page, review)
    expect(review).to_be_in_viewport()
    page.set_viewport_size(DESKTOP)
    looks_right(page, f"quiz-overview-{'js' if js else 'nojs'}-desktop", open_page, js)
