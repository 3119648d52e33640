"""A rep plays a whole dialing drill, by keyboard alone: replays a known deal, answers each card
(a callback typed into the date and time boxes, one answer wrong, one late), reads the feedback,
goes on to the next card, sees the score, then the progress on the drill page. Once with
JavaScript (htmx swaps each card in place, the countdown runs) and once without (plain forms and
redirects). Then a few cards of a calling block, whose clock moves on with each answer.
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

from courses.models import DrillAnswer, DrillSession  # noqa: E402
from courses.practice.drill import verdict_of  # noqa: E402
from courses.practice.grading import earliest_call  # noqa: E402
from tests.practice.drill_play import shown_card  # noqa: E402

from .keyboard import (  # noqa: E402
    follow,
    log_in,
    main_nav,
    no_navigation,
    submit,
    type_callback,
    type_into,
)

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 31
WRONG, LATE = 1, 4  # the cards answered wrong, and too late
LABELS = {"call": "Call now", "wait": "Call later", "do-not-call": "Don't call"}


def press_button(page: Page, js: bool, name: str, url_part: str) -> None:
    """Press a button of the drill by keyboard: in place with htmx, else a page load."""
    submit(page, js, page.locator("#drill").get_by_role("button", name=name, exact=True), url_part)


def answer(page: Page, js: bool, session: DrillSession, choice: str, card) -> None:
    if choice == "wait":
        type_callback(page, earliest_call(card))
    press_button(page, js, LABELS[choice], "/answer/")


def other_than(verdict: str) -> str:
    return "do-not-call" if verdict == "call" else "call"


def test_a_rep_plays_a_dialing_drill(live_server, curriculum, riley, open_page, js):
    page = open_page(js=js)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        log_in(page, live_server.url, "riley")
        main_nav(page, "Dialing drill")
        expect(page.get_by_role("heading", level=1)).to_have_text("Dialing drill")

        # A known deal, by its number.
        type_into(page, page.get_by_label("Replay a deal by its number"), str(SEED))
        follow(page, page.get_by_role("button", name="Use this deal"))
        expect(page.get_by_role("heading", name=f"Replay deal {SEED}")).to_be_visible()
        follow(page, page.get_by_role("button", name=f"Start a dialing drill with deal {SEED}"))
        session = DrillSession.objects.get(user=riley)
        assert session.seed == SEED and page.url.endswith(f"/practice/sessions/{session.pk}/")

        right = 0
        for position in range(10):
            card = shown_card(session)
            heading = page.locator("#card-heading")
            expect(heading).to_have_text(f"Lead {position + 1}: {card.person}")
            expect(heading).to_be_focused()  # where a keyboard user starts on each card
            expect(page.locator("#drill .drill-progress")).to_contain_text(
                f"Card {position + 1} of 10"
            )
            if js:
                # The countdown runs in the page: the seconds go down without a reload.
                expect(page.locator(".countdown-text")).to_have_text(
                    re.compile(r"^(4[0-3]|[1-3]\d|\d) seconds? left to answer\.$")
                )
            verdict = verdict_of(card)
            choice = other_than(verdict) if position == WRONG else verdict
            if position == LATE:
                clock.shift(datetime.timedelta(seconds=60))
            answer(page, js, session, choice, card)

            feedback = page.locator("#feedback-heading")
            if position == WRONG:
                expect(feedback).to_contain_text("not right")
            elif position == LATE:
                expect(feedback).to_contain_text("too late")
                expect(page.locator("#drill")).to_contain_text("even though your choice was right")
            else:
                expect(feedback).to_contain_text(": right")
                right += 1
            expect(page.locator("#drill")).to_contain_text(f"The answer: {LABELS[verdict]}.")
            if verdict != "call":
                # The engine's findings, each with its rule's citation from the catalogue.
                expect(page.locator("#drill .drill-findings .citation").first).not_to_be_empty()
            if verdict == "wait":
                expect(page.locator("#drill")).to_contain_text("The first lawful moment to call:")
            if position < 9:
                expect(feedback).to_be_focused()
                press_button(page, js, "Next card", "/next/")
        session.refresh_from_db()
        assert session.is_finished and session.right == right == 8
        answers = DrillAnswer.objects.filter(session=session)
        assert answers.count() == 10 and answers.filter(late=True).count() == 1

        score = page.locator("#score-heading")
        expect(score).to_have_text("Your score: 8 of 10")
        expect(score).to_be_focused()
        expect(page.locator("#drill .badge-passed")).to_have_count(8)

        # The drill page: the best, the streak, and a score per rule.
        follow(page, page.get_by_role("link", name="Your drill progress"))
        progress = page.get_by_role("region", name="Your progress")
        expect(progress).to_contain_text("8 of 10")
        expect(progress).to_contain_text("1 day")
        expect(progress.locator("table.rule-scores tbody tr").first).to_be_visible()


def test_a_calling_block_moves_its_clock_with_each_answer(
    live_server, curriculum, riley, open_page, js
):
    page = open_page(js=js)
    log_in(page, live_server.url, "riley")
    main_nav(page, "Dialing drill")
    follow(page, page.get_by_role("button", name="Start a calling block"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calling block")
    session = DrillSession.objects.get(user=riley)
    clock = page.locator("#drill .block-clock")
    expect(clock).to_contain_text("0 minutes into the block")
    minutes = 0
    for _ in range(3):
        card = shown_card(session)
        hour = card.local.hour % 12 or 12
        expect(page.locator("#drill .lead-facts")).to_contain_text(
            f"{hour}:{card.local.minute:02d} {'a.m.' if card.local.hour < 12 else 'p.m.'}"
        )
        with no_navigation(page) if js else nullcontext():
            answer(page, js, session, verdict_of(card), card)
            minutes += {"call": 5, "wait": 2, "do-not-call": 1}[verdict_of(card)]
            expect(clock).to_contain_text(f"{minutes} minute")
            press_button(page, js, "Next card", "/next/")
    session.refresh_from_db()
    assert session.clock_minutes == minutes and session.right == 3
