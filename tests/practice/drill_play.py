"""Answers a rep would give in the dialing drill, worked out from the engine: the right one to
the card a session shows, or a wrong one."""

from __future__ import annotations

from courses.models import DrillSession
from courses.practice.drill import verdict_of
from courses.practice.grading import earliest_call
from courses.practice.selectors import session_card


def shown_card(session: DrillSession):
    session.refresh_from_db()
    return session_card(session, session.answered)


def right_answer(session: DrillSession) -> dict[str, str]:
    """The form data of the right answer to the card shown (a callback at the first lawful
    moment)."""
    card = shown_card(session)
    verdict = verdict_of(card)
    data = {"position": str(session.answered), "choice": verdict}
    if verdict == "wait":
        earliest = earliest_call(card)
        data |= {
            "callback_date": earliest.date().isoformat(),
            "callback_time": earliest.strftime("%H:%M"),
        }
    return data


def wrong_answer(session: DrillSession) -> dict[str, str]:
    card = shown_card(session)
    choice = "do-not-call" if verdict_of(card) == "call" else "call"
    return {"position": str(session.answered), "choice": choice}
