"""Small roleplay scripts, in the authoring format, shared by the engine's tests."""

from typing import Any

import pytest

from courses.roleplays.engine import DncRecord, ScriptInvalid, ScriptProblem, parse_script

FULL_RECORD = DncRecord("firm", frozenset({"number", "name", "date"}))


def persona(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Dana Whitfield",
        "role": "Owner of a two-chair dental practice",
        "location": "Tampa, Florida",
        "local_time": "Tuesday, 10:15 a.m. Eastern",
        "lead_source": "State dental board's public directory",
        "known": {"Income": "About $250,000 a year", "ZIP code": "33606"},
        "relationship": "None - this is the first call",
        "consent": "None",
        "national_dnc": False,
        "firm_dnc": False,
        **changes,
    }


def script_data(**changes: Any) -> dict[str, Any]:
    """A small valid script.

    Lawful calls: intro|sneaky, then ask (booked) or remove (DNC honoured, +5 for the record).
    Best rapport 2 and discovery 3 come from intro+ask; best compliance 8 and the best total 10
    come from intro+remove, so the best total (10) is not the sum of the maxima (13).
    """
    data = {
        "title": "Not interested",
        "summary": "A flat no at the first sentence.",
        "pass_mark": 70,
        "persona": persona(),
        "briefing": "Goal: earn a 15-minute meeting.",
        "start": "opening",
        "nodes": {
            "opening": {
                "prospect": "Whitfield Dental, this is Dana.",
                "replies": [
                    {
                        "id": "intro",
                        "text": "Hi Dana, this is Sam Ortiz from Harbor Financial.",
                        "next": "pitch",
                        "scores": {"rapport": 2, "compliance": 2},
                        "feedback": "Name, firm and purpose up front.",
                        "rules": ["tsr-disclosures"],
                        "citation": "16 CFR 310.4(d)",
                    },
                    {
                        "id": "sneaky",
                        "text": "Hi Dana! Happy with your returns?",
                        "next": "pitch",
                        "scores": {"rapport": 1, "compliance": -2},
                    },
                    {
                        "id": "late",
                        "text": "This will only take a minute.",
                        "next": "failed",
                        "scores": {"rapport": 9, "objections": 9},
                        "violation": True,
                        "rules": ["fcc-calling-hours"],
                        "citation": "47 CFR 64.1200(c)(1)",
                        "feedback": "Calling hours.",
                    },
                ],
            },
            "pitch": {
                "prospect": "Not interested.",
                "replies": [
                    {
                        "id": "ask",
                        "text": "Fair. May I ask one question?",
                        "next": "booked",
                        "scores": {"discovery": 3},
                    },
                    {
                        "id": "remove",
                        "text": "I'll take you off our list.",
                        "next": "removed",
                        "scores": {"compliance": 1},
                    },
                ],
            },
            "booked": {"prospect": "Thursday at two.", "end": True, "outcome": "meeting_booked"},
            "removed": {"prospect": "Thanks.", "end": True, "outcome": "dnc_honoured"},
            "failed": {"prospect": "Click.", "end": True, "outcome": "failed_violation"},
        },
    }
    data.update(changes)
    return data


def looping_data() -> dict[str, Any]:
    """A hub the rep may return to: each question is worth points once, however often asked."""
    return script_data(
        pass_mark=50,
        start="hub",
        nodes={
            "hub": {
                "prospect": "What else?",
                "replies": [
                    {
                        "id": "q1",
                        "text": "Ask about goals.",
                        "next": "answer",
                        "scores": {"discovery": 2},
                    },
                    {
                        "id": "q2",
                        "text": "Ask about timing.",
                        "next": "answer",
                        "scores": {"discovery": 3},
                    },
                    {
                        "id": "close",
                        "text": "Suggest a meeting.",
                        "next": "booked",
                        "scores": {"objections": 1},
                    },
                ],
            },
            "answer": {
                "prospect": "Good question.",
                "replies": [
                    {"id": "back", "text": "Thanks.", "next": "hub", "scores": {"rapport": 1}}
                ],
            },
            "booked": {"prospect": "Fine.", "end": True, "outcome": "meeting_booked"},
        },
    )


def problems_of(data: Any) -> list[ScriptProblem]:
    with pytest.raises(ScriptInvalid) as caught:
        parse_script(data)
    return caught.value.problems


def assert_problem(data: Any, node: str | None, field: str, fragment: str) -> None:
    problems = problems_of(data)
    matching = [p for p in problems if p.node == node and p.field == field]
    assert matching, f"no problem at {node!r} {field!r} in {[str(p) for p in problems]}"
    assert any(fragment in p.message for p in matching), [str(p) for p in matching]
