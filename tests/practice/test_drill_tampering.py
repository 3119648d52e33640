"""Tampered input to the dialing drill: another person's session, an answer to a card already
answered or not yet shown, a bad choice or time, a double submit, answers out of turn. Each is
refused (400 or 404) and changes nothing."""

import datetime

import pytest
from django.urls import reverse

from courses.models import DrillAnswer, DrillRuleResult
from courses.practice.drill import verdict_of
from courses.practice.grading import tested_rules as rules_of
from courses.practice.selectors import session_card
from courses.practice.services import drill_answer, drill_start
from tests.platform.support import snapshot
from tests.practice.drill_play import (
    HTMX,
    SEED,
    START,
    answer_url,
    next_url,
    page,
    play,
    right_answer,
    shown_card,
    start,
    text,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def test_another_persons_session_is_not_found_and_untouched(client, rep, other_rep):
    session = drill_start(user=rep, seed=SEED)
    client.force_login(other_rep)
    before = snapshot()
    assert client.get(page(session)).status_code == 404
    assert client.post(answer_url(session), right_answer(session)).status_code == 404
    assert client.post(answer_url(session), {"position": "x"}).status_code == 404
    assert client.post(next_url(session), {"position": 1}).status_code == 404
    assert client.get(reverse("practice:session", args=[10**9])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"position": "0", "choice": "maybe"},
        {"position": "0"},
        {"position": "0", "choice": ""},
        {"position": "0", "choice": "wait"},
        {"position": "0", "choice": "wait", "callback_date": "2026-02-30", "callback_time": "9:00"},
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2020-01-01",
            "callback_time": "09:00",
        },
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2099-01-01",
            "callback_time": "09:00",
        },
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2026-01-01",
            "callback_time": "25:00",
        },
        {"position": "-1", "choice": "call"},
        {"position": "10", "choice": "call"},
        {"position": "one", "choice": "call"},
        {"choice": "call"},
    ],
)
def test_a_bad_choice_or_time_changes_nothing(rep_client, data):
    session = start(rep_client)
    before = snapshot()
    for extra in ({}, HTMX):
        response = rep_client.post(answer_url(session), data, **extra)
        assert response.status_code == 400
        assert "Nothing was changed" in text(response)
    assert snapshot() == before


def test_a_callback_before_the_leads_time_is_refused(rep_client):
    session = start(rep_client)
    card = shown_card(session)
    earlier = card.local - datetime.timedelta(minutes=5)
    before = snapshot()
    response = rep_client.post(
        answer_url(session),
        {
            "position": "0",
            "choice": "wait",
            "callback_date": earlier.date().isoformat(),
            "callback_time": earlier.strftime("%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "after the lead" in text(response)
    assert snapshot() == before


def test_an_answer_to_a_card_not_reached_changes_nothing(rep_client):
    session = start(rep_client)
    before = snapshot()
    response = rep_client.post(answer_url(session), {"position": "1", "choice": "call"})
    assert response.status_code == 400 and "not been shown" in text(response)
    assert snapshot() == before
    # After an answer, the next card is not shown until the rep asks for it.
    rep_client.post(answer_url(session), right_answer(session))
    before = snapshot()
    assert (
        rep_client.post(answer_url(session), {"position": "1", "choice": "call"}).status_code == 400
    )
    assert snapshot() == before


def test_a_double_submit_records_one_answer(rep_client):
    session = start(rep_client)
    first, second = right_answer(session), wrong_answer(session)
    assert rep_client.post(answer_url(session), first).status_code == 302
    before = snapshot()
    response = rep_client.post(answer_url(session), second)
    assert response.status_code == 400
    assert "already answered: your first answer counts" in text(response)
    assert snapshot() == before
    assert DrillAnswer.objects.get(session=session).correct


def test_the_database_keeps_one_answer_per_card_when_two_arrive_together(rep, monkeypatch):
    """Two answers read the session before either is written: the second insert is refused by
    the constraint, and nothing of it is kept."""
    session = drill_start(user=rep, seed=SEED)
    card = session_card(session, 0)
    DrillAnswer.objects.create(
        session=session,
        position=0,
        choice="call",
        verdict=verdict_of(card),
        correct=False,
        shown_at=session.shown_at,
        answered_at=session.shown_at,
    )  # the other answer, written while this one was being graded
    before = snapshot()
    with pytest.raises(Exception, match="already answered"):
        drill_answer(user=rep, session_id=session.pk, position=0, choice="do-not-call")
    assert snapshot() == before


def test_of_two_answers_graded_at_once_the_second_is_refused(rep, monkeypatch):
    """The second answer read the session before the first was written: the session has
    moved on from the card it graded, so nothing of it is kept."""
    from courses.practice import services

    session = drill_start(user=rep, seed=SEED)
    real_grade = services.grade
    calls = []

    def grade_while_another_answer_lands(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the other request, finishing while this one grades
            drill_answer(user=rep, session_id=session.pk, position=0, choice="call")
        return real_grade(*args, **kwargs)

    monkeypatch.setattr(services, "grade", grade_while_another_answer_lands)
    with pytest.raises(services.DrillRefused, match="already answered"):
        drill_answer(user=rep, session_id=session.pk, position=0, choice="do-not-call")
    answer = DrillAnswer.objects.get(session=session)
    assert answer.choice == "call"
    session.refresh_from_db()
    assert session.answered == 1
    assert DrillRuleResult.objects.filter(answer=answer).count() == len(answer_rules(answer))


def answer_rules(answer):
    return rules_of(session_card(answer.session, answer.position))


def test_next_out_of_turn_changes_nothing(rep_client):
    session = start(rep_client)
    before = snapshot()
    for position in (1, 2, 0, "x", ""):
        response = rep_client.post(next_url(session), {"position": position})
        assert response.status_code == 400
    assert snapshot() == before
    rep_client.post(answer_url(session), right_answer(session))
    rep_client.post(next_url(session), {"position": 1})
    session.refresh_from_db()
    shown_at = session.shown_at
    # Asking again for the card already shown (a double click) keeps its time box.
    assert rep_client.post(next_url(session), {"position": 1}).status_code == 302
    session.refresh_from_db()
    assert session.shown == 2 and session.shown_at == shown_at


def test_a_finished_session_takes_no_more_answers(rep_client):
    session = play(rep_client, start(rep_client))
    before = snapshot()
    for position in (9, 0):
        data = {"position": str(position), "choice": "call"}
        assert rep_client.post(answer_url(session), data).status_code == 400
    assert rep_client.post(next_url(session), {"position": 9}).status_code == 400
    assert snapshot() == before


def test_changes_need_a_post(rep_client):
    session = start(rep_client)
    before = snapshot()
    for url in (START, answer_url(session), next_url(session)):
        assert rep_client.get(url).status_code == 405
    assert snapshot() == before
