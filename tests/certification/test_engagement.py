"""The engagement engine: what in a completion's evidence looks like clicking through.

Pure Python: evidence is plain data, as frozen into a completion record.
"""

import datetime

import pytest

from courses.certification.engagement import (
    evidence_flags,
    minimum_reading_seconds,
    module_time,
    step_timings,
)

T0 = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> str:
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat()


def evidence(
    *,
    lesson=(0, 6 * 60),  # opened, completed (seconds after T0)
    quiz=(400, 400 + 10 * 40),  # started, submitted
    questions=10,
    replies=(15, 20, 12),
) -> dict:
    call_start = 900
    transcript = [{"prospect": "Hello?", "reply": "Hi", "seconds": s} for s in replies]
    transcript.append({"prospect": "Bye."})
    call_end = call_start + sum(replies)
    return {
        "steps": [
            {
                "title": "The registry",
                "kind": "lesson",
                "minutes": 6,
                "started_at": at(lesson[0]) if lesson[0] is not None else None,
                "completed_at": at(lesson[1]),
            },
            {
                "title": "Check",
                "kind": "quiz",
                "minutes": 15,
                "started_at": at(quiz[0]),
                "completed_at": at(quiz[1]),
            },
            {
                "title": "The call",
                "kind": "roleplay",
                "minutes": 4,
                "started_at": at(call_start),
                "completed_at": at(call_end),
            },
        ],
        "quizzes": [
            {
                "step": "Check",
                "started_at": at(quiz[0]),
                "submitted_at": at(quiz[1]),
                "questions": [{}] * questions,
            }
        ],
        "roleplays": [{"step": "The call", "started_at": at(call_start), "transcript": transcript}],
    }


def kinds(flags):
    return [flag.kind for flag in flags]


def test_honest_work_has_no_flags():
    assert evidence_flags(evidence()) == []


def test_the_minimum_reading_time_is_a_quarter_of_the_estimate():
    assert minimum_reading_seconds(6) == 90
    assert minimum_reading_seconds(1) == 15


@pytest.mark.parametrize("seconds, flagged", [(89, True), (90, False)])
def test_a_lesson_completed_too_fast(seconds, flagged):
    flags = evidence_flags(evidence(lesson=(0, seconds)))
    assert ("lesson-fast" in kinds(flags)) is flagged
    if flagged:
        (flag,) = [f for f in flags if f.kind == "lesson-fast"]
        assert flag.step == "The registry"
        assert (
            flag.message
            == "Completed 1 min 29 s after it was opened; it takes about 6 min to read."
        )


def test_a_lesson_whose_opening_was_not_recorded_is_flagged():
    """Records made before reading time was kept cannot show it: a person must look."""
    assert "lesson-untimed" in kinds(evidence_flags(evidence(lesson=(None, 300))))


@pytest.mark.parametrize("seconds, flagged", [(49, True), (50, False)])
def test_a_quiz_at_a_few_seconds_per_question(seconds, flagged):
    flags = evidence_flags(evidence(quiz=(400, 400 + seconds)))
    assert ("quiz-fast" in kinds(flags)) is flagged
    if flagged:
        assert "10 questions answered in 49 s: 4.9 s a question." in [f.message for f in flags]


def test_call_replies_under_two_seconds():
    flags = evidence_flags(evidence(replies=(15, 1, 0)))
    (flag,) = [f for f in flags if f.kind == "reply-fast"]
    assert flag.message == "2 of 3 replies chosen in under 2 s."
    assert "reply-fast" not in kinds(evidence_flags(evidence(replies=(2, 2, 2))))


def test_a_whole_module_in_a_few_minutes():
    # Estimated 25 min; each step just above its own threshold, 6 min 10 s in all.
    rushed = evidence(lesson=(0, 90), quiz=(100, 100 + 50), replies=(2, 2, 2))
    for step in rushed["steps"][1:]:
        step["started_at"] = at(100) if step["kind"] == "quiz" else at(200)
    rushed["roleplays"][0]["started_at"] = at(200)
    rushed["steps"][2]["completed_at"] = at(370)
    flags = evidence_flags(rushed)
    assert kinds(flags) == ["module-fast"]
    assert flags[0].message == "The whole module took 6 min 10 s; it is estimated at 25 min."


def test_step_timings_and_module_time_for_the_page():
    timings = step_timings(evidence())
    assert [(t.title, t.spent) for t in timings] == [
        ("The registry", "6 min"),
        ("Check", "6 min 40 s"),
        ("The call", "47 s"),
    ]
    assert module_time(evidence()) == "15 min 47 s"
