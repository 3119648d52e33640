"""Playing the dialing drill through the test client: its addresses, starting a session, and
the answers a rep would give, worked out from the engine: the right one to the card a session
shows, or a wrong one."""

from __future__ import annotations

import re

from django.urls import reverse

from courses.models import DrillSession
from courses.practice.drill import verdict_of
from courses.practice.grading import earliest_call
from courses.practice.selectors import session_card


def shown_card(session: DrillSession):
    session.refresh_from_db()
    return session_card(session, session.answered)


def answer_to(card, *, right: bool = True) -> dict[str, str]:
    """The form values answering a lead card: right (a callback at the first lawful moment),
    or wrong."""
    verdict = verdict_of(card)
    if not right:
        return {"choice": "do-not-call" if verdict == "call" else "call"}
    data = {"choice": verdict}
    if verdict == "wait":
        earliest = earliest_call(card)
        data |= {
            "callback_date": earliest.date().isoformat(),
            "callback_time": earliest.strftime("%H:%M"),
        }
    return data


def right_answer(session: DrillSession) -> dict[str, str]:
    """The form data of the right answer to the card shown."""
    card = shown_card(session)
    return {"position": str(session.answered), **answer_to(card)}


def wrong_answer(session: DrillSession) -> dict[str, str]:
    card = shown_card(session)
    return {"position": str(session.answered), **answer_to(card, right=False)}


SEED = 2024
HTMX = {"HTTP_HX_REQUEST": "true"}
HOME = reverse("practice:home")
START = reverse("practice:start")


def page(session):
    return reverse("practice:session", args=[session.pk])


def answer_url(session):
    return reverse("practice:answer", args=[session.pk])


def next_url(session):
    return reverse("practice:next", args=[session.pk])


def start(client, mode="drill", seed=SEED):
    response = client.post(START, {"mode": mode, "seed": seed})
    assert response.status_code == 302
    session = DrillSession.objects.latest("pk")
    assert response["Location"] == page(session)
    return session


def play(client, session, answers=None, htmx=False):
    """Answers every card left (right ones unless `answers` says), going on after each."""
    extra = HTMX if htmx else {}
    while True:
        session.refresh_from_db()
        if session.is_finished:
            return session
        if session.shown == session.answered:
            client.post(next_url(session), {"position": session.answered}, **extra)
            continue
        data = (answers or right_answer)(session)
        response = client.post(answer_url(session), data, **extra)
        assert response.status_code == (200 if htmx else 302), response.content.decode()[:500]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def play_one(client, session):
    client.post(answer_url(session), right_answer(session))
    session.refresh_from_db()
    if not session.is_finished:
        client.post(next_url(session), {"position": session.answered})
