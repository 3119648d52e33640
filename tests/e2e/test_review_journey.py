"""A rep works through today's review by keyboard alone: from My training, one card at a time,
each answer followed by its feedback and the next card, then their mastery of each rule; and
rules practised in the dialing drill, asked as lead cards. Once with JavaScript (htmx swaps each
card in place) and once without (a form post and a redirect).
"""

import datetime
import re

import pytest
from django.utils import timezone

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from courses.models import Choice, Module, ReviewCard, ReviewLog, Rule  # noqa: E402
from courses.practice.drill import verdict_of  # noqa: E402
from courses.practice.grading import CHOICES, earliest_call  # noqa: E402
from courses.review import asking  # noqa: E402
from courses.review.selectors import due_cards  # noqa: E402
from courses.review.services import practised  # noqa: E402
from tests.factories import take_quiz  # noqa: E402

from .keyboard import (  # noqa: E402
    activate_in_place,
    choose_radio,
    follow,
    log_in,
    no_navigation,
    submit,
    tab_to,
    tick,
    type_callback,
)

pytestmark = pytest.mark.django_db(transaction=True)

MODULE = "do-not-call-lists"


def texts(card: ReviewCard, *, right: bool) -> list[str]:
    """The texts of the card's right (or one wrong) choices."""
    choices = Choice.objects.filter(question=card.question_id, retired_at__isnull=True)
    picked = [c.text for c in choices.order_by("position") if c.is_correct == right]
    return picked if right and card.question.kind == "multiple" else picked[:1]


def answer(page: Page, js: bool, card: ReviewCard, *, right: bool, key: str) -> None:
    """Choose the answer by keyboard, then check it with `key` (Enter or Space)."""
    form = page.locator("form.review-card")
    inputs = form.locator('input[name^="q"]')
    for text in texts(card, right=right):
        option = form.get_by_label(text, exact=True)
        if card.question.kind == "multiple":
            tick(page, option)
        else:
            choose_radio(page, inputs, option.get_attribute("value"))
    button = page.get_by_role("button", name="Check my answer")
    if js:
        with no_navigation(page):
            activate_in_place(page, button, "/answer/", key=key)
            expect(page.locator("#feedback-heading")).to_be_visible()
    else:
        tab_to(page, button)
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press(key)


def test_a_rep_reviews_the_cards_due_today(live_server, curriculum, riley, open_page, js):
    quiz = Module.objects.get(slug=MODULE).steps.get(kind="quiz").quiz
    keys = list(quiz.questions.values_list("key", flat=True))
    # A week ago Riley took the quiz and missed everything: every question is due now.
    take_quiz(riley, quiz, keys, at=timezone.now() - datetime.timedelta(days=7))
    due = due_cards(user=riley, now=timezone.now()).count()
    assert due == quiz.draw_count

    page = open_page(js=js)
    log_in(page, live_server.url, "riley")
    today = page.get_by_role("region", name="Today's review")
    expect(today).to_contain_text(f"{due} cards due now")
    follow(page, today.get_by_role("link", name="Start today's review"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Today's review")

    # The first card, answered right: its feedback, with the rule, and the second card.
    first = due_cards(user=riley, now=timezone.now()).select_related("question").first()
    expect(page.locator("main")).to_contain_text("Card 1 of up to 10")
    expect(page.locator("main")).to_contain_text(first.question.prompt)
    expect(page.locator(".review-choices")).to_have_count(0)  # no answer before it is given
    answer(page, js, first, right=True, key="Enter")
    expect(page.locator("#feedback-heading")).to_have_text("Right")
    expect(page.locator("#feedback-heading")).to_be_focused()
    feedback = page.locator(".review-feedback")
    expect(feedback).to_contain_text(first.question.explanation)
    expect(feedback.locator(".citation")).to_contain_text(first.question.citation)
    expect(page.locator("main")).to_contain_text("Card 2 of up to 10")
    log = ReviewLog.objects.get(card=first)
    assert log.correct and ReviewCard.objects.get(
        pk=first.pk
    ).due > timezone.now() + datetime.timedelta(days=1)

    # The second, answered wrong, with Space: it comes back within minutes.
    second = due_cards(user=riley, now=timezone.now()).select_related("question").first()
    assert second.pk != first.pk
    answer(page, js, second, right=False, key="Space")
    expect(page.locator("#feedback-heading")).to_have_text("Not quite")
    expect(page.locator("main")).to_contain_text("Card 3 of up to 10")
    back = ReviewCard.objects.get(pk=second.pk).due - timezone.now()
    assert datetime.timedelta(0) < back <= datetime.timedelta(minutes=10)
    assert ReviewLog.objects.filter(card__user=riley).count() == 2

    # Mastery, from the session page, by keyboard.
    follow(page, page.get_by_role("link", name="Your mastery of each rule"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mastery of each rule")
    rows = page.locator("table.data tbody tr")
    expect(rows.first.locator(".mastery")).to_have_text(re.compile(r"^\d+%$"))
    weakest = rows.first.locator(".mastery").get_attribute("class")
    assert re.search(r"mastery-(strong|fading|weak)", weakest)


def test_a_rep_reviews_rules_practised_in_the_drill(live_server, curriculum, riley, open_page, js):
    # A week ago Riley missed two rules in a dialing drill: both come back as lead cards.
    rules = ["fcc-national-registry", "fcc-calling-hours"]
    practised(
        user=riley,
        outcomes=[(rule, False) for rule in rules],
        at=timezone.now() - datetime.timedelta(days=7),
    )
    page = open_page(js=js)
    log_in(page, live_server.url, "riley")
    today = page.get_by_role("region", name="Today's review")
    expect(today).to_contain_text("2 cards due now")
    follow(page, today.get_by_role("link", name="Start today's review"))

    for number in (1, 2):
        card = due_cards(user=riley, now=timezone.now()).first()
        lead = asking.asked(card, number=number).lead.card
        rule = Rule.objects.get(pk=card.rule_id)
        heading = page.locator("#lead-heading")
        expect(heading).to_have_text(f"A lead: {lead.person}")
        if number == 1:
            expect(heading).to_be_focused()
        expect(page.locator("#review .lead-card")).not_to_contain_text(rule.citation)
        verdict = verdict_of(lead)
        if verdict == "wait":
            type_callback(page, earliest_call(lead))
        button = page.locator("#review").get_by_role("button", name=CHOICES[verdict], exact=True)
        submit(page, js, button, "/answer/")
        expect(page.locator("#feedback-heading")).to_have_text("Right")
        expect(page.locator("#feedback-heading")).to_be_focused()
        expect(page.locator(".review-feedback")).to_contain_text(f"The answer: {CHOICES[verdict]}")
        assert ReviewLog.objects.filter(card=card).latest("pk").correct

    expect(page.locator("#done-heading")).to_have_count(0)
    expect(page.locator("#none-heading")).to_have_text("All caught up")
