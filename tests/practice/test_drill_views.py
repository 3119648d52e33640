"""The dialing drill's pages: starting a session, a card at a time with its time box, the
engine's feedback, the next card, the score; plain and htmx; late answers; query budgets."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from courses.models import DrillAnswer, DrillRuleResult, DrillSession
from courses.practice.calling_rules import may_call
from courses.practice.drill import deal, verdict_of
from courses.practice.grading import tested_rules as rules_of
from courses.practice.selectors import session_card
from tests.platform.support import snapshot
from tests.practice.drill_play import (
    HOME,
    HTMX,
    SEED,
    START,
    answer_url,
    next_url,
    page,
    play,
    play_one,
    right_answer,
    shown_card,
    start,
    text,
    wrong_answer,
)
from tests.practice.support import CATALOGUE

pytestmark = pytest.mark.django_db


# Starting


def test_the_drill_page_offers_both_sessions_and_links_from_the_navigation(rep_client):
    response = rep_client.get(HOME)
    assert response.status_code == 200
    body = text(response)
    assert 'href="/practice/" aria-current="page">Dialing drill</a>' in body
    assert "Start a dialing drill" in body and "Start a calling block" in body
    assert "east to west" in body  # the calling block follows the Pacing module's plan


def test_my_training_links_to_the_drill(rep_client):
    assert 'href="/practice/"' in text(rep_client.get("/"))


def test_start_deals_the_seed_asked_for_and_shows_its_first_card(rep_client, rep):
    session = start(rep_client, seed=SEED)
    assert session.user == rep and session.seed == SEED and session.mode == "drill"
    assert session.shown == 1 and session.answered == 0
    body = text(rep_client.get(page(session)))
    assert f"Lead 1: {deal(SEED)[0].person}" in body
    assert "Card 1 of 10" in body


def test_a_known_deal_can_be_started_from_the_address(rep_client):
    response = rep_client.post(f"{START}?seed=321", {"mode": "block"})
    session = DrillSession.objects.get()
    assert response.status_code == 302 and session.seed == 321 and session.is_block
    assert rep_client.post(f"{START}?seed=x", {"mode": "drill"}).status_code == 400
    assert DrillSession.objects.count() == 1


def test_a_fresh_session_gets_a_new_random_deal(rep_client):
    rep_client.post(START, {"mode": "drill"})
    rep_client.post(START, {"mode": "drill"})
    first, second = DrillSession.objects.order_by("pk")
    assert first.seed != second.seed


def test_the_page_offers_a_known_deal_to_replay(rep_client):
    body = text(rep_client.get(HOME, {"seed": "77"}))
    assert "Replay deal 77" in body
    assert body.count('<input type="hidden" name="seed" value="77">') == 2  # both start forms
    assert "Start a calling block with deal 77" in body


@pytest.mark.parametrize("seed", ["abc", "-1", "1.5", "9" * 30, ""])
def test_a_bad_deal_number_is_a_clear_error(rep_client, seed):
    response = rep_client.get(HOME, {"seed": seed})
    if seed == "":
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "deal" in text(response)


@pytest.mark.parametrize(
    "data", [{"mode": "race"}, {"mode": "drill", "seed": "x"}, {"mode": "drill", "seed": "-4"}, {}]
)
def test_a_tampered_start_changes_nothing(rep_client, data):
    before = snapshot()
    assert rep_client.post(START, data).status_code == 400
    assert snapshot() == before


def test_every_signed_in_person_may_drill(client, manager, compliance):
    for person in (manager, compliance):
        client.force_login(person)
        assert client.get(HOME).status_code == 200
        assert client.post(START, {"mode": "block"}).status_code == 302


def test_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# The card


def test_the_card_page_never_gives_the_answer_away(rep_client, rep, catalogue):
    session = start(rep_client)
    for position in range(10):
        card = shown_card(session)
        body = rep_client.get(page(session)).content.decode()
        decision = may_call(card.lead, card.call)
        for finding in decision.findings:
            assert finding.rule not in body
            assert finding.message[:40] not in body
            assert CATALOGUE[finding.rule].citation not in body
        assert "verdict" not in body.lower()
        assert "first lawful" not in body
        play_one(rep_client, session)
        assert position == session.answered - 1


def outside_the_lead(body: str, session) -> str:
    """The card page's #drill without what the lead card itself says."""
    body = re.sub(r'<section class="card lead-card".*?</section>', "", body, flags=re.S)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'(min|max|value)="\d{4}-\d\d-\d\d"', "", body)
    return body.replace(f"/{session.pk}/", "/N/")


def test_cards_with_different_answers_look_alike_outside_the_lead(rep_client):
    pages = {}
    for seed in range(40):
        session = start(rep_client, seed=seed)
        verdict = verdict_of(session_card(session, 0))
        if verdict not in pages:
            pages[verdict] = outside_the_lead(
                rep_client.get(page(session), **HTMX).content.decode(), session
            )
        if len(pages) == 3:
            break
    assert len(pages) == 3
    assert pages["call"] == pages["wait"] == pages["do-not-call"]


def test_the_card_shows_the_time_box_left(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=10))
        body = text(rep_client.get(page(session)))
    assert 'data-seconds-left="35"' in body and ">35</span> seconds left to answer" in body


def test_the_callback_form_offers_the_week_after_the_leads_time(rep_client):
    session = start(rep_client)
    card = shown_card(session)
    body = text(rep_client.get(page(session)))
    first = card.local.date()
    last = first + datetime.timedelta(days=8)
    assert f'min="{first.isoformat()}" max="{last.isoformat()}" value="{first.isoformat()}"' in body


def test_the_card_page_asks_a_handful_of_queries(rep_client, django_assert_max_num_queries):
    session = start(rep_client)
    with django_assert_max_num_queries(4):
        assert rep_client.get(page(session)).status_code == 200
    with django_assert_max_num_queries(4):
        assert rep_client.get(page(session), **HTMX).status_code == 200


# Answering


def test_a_right_answer_is_recorded_with_the_rules_it_tested(rep_client, rep, catalogue):
    session = start(rep_client)
    card = shown_card(session)
    response = rep_client.post(answer_url(session), right_answer(session))
    assert response.status_code == 302 and response["Location"] == page(session)
    answer = DrillAnswer.objects.get(session=session)
    assert answer.correct and not answer.late and answer.verdict == verdict_of(card)
    rules = rules_of(card)
    results = DrillRuleResult.objects.filter(answer=answer)
    assert sorted(results.values_list("rule", flat=True)) == sorted(rules)
    assert all(r.correct and r.user == rep for r in results)
    session.refresh_from_db()
    assert session.answered == 1 and session.right == 1 and session.shown == 1


def test_the_feedback_cites_the_rules_from_the_catalogue(rep_client, catalogue):
    session = start(rep_client)
    card = shown_card(session)
    rep_client.post(answer_url(session), wrong_answer(session))
    body = text(rep_client.get(page(session)))
    assert "not right" in body
    decision = may_call(card.lead, card.call)
    shown = decision.blocking if decision.blocking else ()
    for finding in shown:
        entry = CATALOGUE[finding.rule]
        assert entry.title in body.replace("&#x27;", "'")
        assert entry.citation in body
        assert finding.message.replace("'", "&#x27;")[:60] in body
    if not decision.blocking:
        for rule in rules_of(card):
            assert CATALOGUE[rule].citation in body
    assert "Next card" in body


def test_a_callback_card_says_the_first_lawful_moment(rep_client, catalogue):
    for seed in range(30):
        session = start(rep_client, seed=seed)
        if verdict_of(shown_card(session)) == "wait":
            break
    data = right_answer(session)
    rep_client.post(answer_url(session), data)
    answer = DrillAnswer.objects.get(session=session)
    assert answer.correct and answer.callback_date.isoformat() == data["callback_date"]
    body = text(rep_client.get(page(session)))
    assert "The first lawful moment to call:" in body and "right" in body


def test_an_answer_with_htmx_swaps_in_the_feedback(rep_client):
    session = start(rep_client)
    response = rep_client.post(answer_url(session), right_answer(session), **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="drill"') and "<html" not in body
    assert 'id="feedback-heading" tabindex="-1" autofocus' in body
    assert "Next card" in body


def test_the_next_card_starts_its_own_time_box(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        rep_client.post(answer_url(session), right_answer(session))
        clock.shift(datetime.timedelta(minutes=5))  # reading the feedback
        response = rep_client.post(next_url(session), {"position": 1})
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.shown == 2 and session.shown_at == timezone.now()
        assert 'data-seconds-left="45"' in text(rep_client.get(page(session)))
        response = rep_client.post(answer_url(session), right_answer(session))
    assert DrillAnswer.objects.get(session=session, position=1).correct


def test_next_with_htmx_swaps_in_the_next_card(rep_client):
    session = start(rep_client)
    rep_client.post(answer_url(session), right_answer(session), **HTMX)
    body = text(rep_client.post(next_url(session), {"position": 1}, **HTMX))
    assert "Lead 2:" in body and "<html" not in body
    assert 'id="card-heading" tabindex="-1" autofocus' in body


def test_a_whole_session_gives_a_score_and_a_summary(rep_client, rep, catalogue):
    session = start(rep_client)
    answers = iter([wrong_answer] * 3 + [right_answer] * 7)
    play(rep_client, session, answers=lambda s: next(answers)(s))
    session.refresh_from_db()
    assert session.is_finished and session.right == 7 and session.answered == 10
    assert session.finished_on == timezone.localdate() and session.streak == 1
    body = text(rep_client.get(page(session)))
    assert "Your score: 7 of 10" in body
    assert body.count("badge-passed") == 7 and body.count("badge-failed") == 3
    assert "Play a new deal" in body and f"?seed={SEED}" in body


def test_a_whole_session_with_htmx(rep_client):
    session = play(rep_client, start(rep_client), htmx=True)
    assert session.right == 10


def test_answering_asks_a_handful_of_queries(rep_client, catalogue, django_assert_max_num_queries):
    """The session and the user (every page reads them), the session again for the answer;
    then, holding the write lock, the session moved on, the answer, its rules, and the person's
    review cards of those rules: the rules' ids, the cards, one write of them all, the review
    log. For htmx, the catalogue's titles too. (The test's transaction adds a savepoint and its
    release.)"""
    session = start(rep_client)
    data = right_answer(session)
    with django_assert_max_num_queries(12):
        assert rep_client.post(answer_url(session), data).status_code == 302
    with django_assert_max_num_queries(4):
        rep_client.post(next_url(session), {"position": 1})
    data = right_answer(session)
    with django_assert_max_num_queries(13):
        response = rep_client.post(answer_url(session), data, **HTMX)
        assert response.status_code == 200


def test_the_last_answer_and_the_score_page_ask_a_few_queries(
    rep_client, catalogue, django_assert_max_num_queries
):
    session = start(rep_client)
    for _ in range(9):
        play_one(rep_client, session)
    data = right_answer(session)
    with django_assert_max_num_queries(13):  # and the streak so far
        assert rep_client.post(answer_url(session), data).status_code == 302
    with django_assert_max_num_queries(5):
        assert rep_client.get(page(session)).status_code == 200


# Late answers


def test_a_late_answer_counts_as_wrong_and_says_so(rep_client, rep, catalogue):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=60))
        assert "Time is up" in text(rep_client.get(page(session)))
        rep_client.post(answer_url(session), right_answer(session))
    answer = DrillAnswer.objects.get(session=session)
    assert answer.late and not answer.correct
    assert not DrillRuleResult.objects.filter(answer=answer, correct=True).exists()
    body = text(rep_client.get(page(session)))
    assert "too late" in body and "even though your choice was right" in body


def test_an_answer_within_the_time_box_is_not_late(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=44))
        rep_client.post(answer_url(session), right_answer(session))
    assert DrillAnswer.objects.get(session=session).correct


def test_a_drill_answer_moves_the_review_cards_of_the_rules_it_tested(rep_client, catalogue):
    from courses.models import DrillRuleResult, ReviewCard, ReviewLog, Rule

    session = start(rep_client)
    rep_client.post(answer_url(session), right_answer(session))
    tested = set(DrillRuleResult.objects.values_list("rule", flat=True))
    known = tested & set(Rule.objects.values_list("slug", flat=True))
    assert known == tested and tested
    cards = ReviewCard.objects.filter(rule__isnull=False)
    assert set(cards.values_list("rule__slug", flat=True)) == known
    assert ReviewLog.objects.filter(card__in=cards, correct=True).count() == len(known)
