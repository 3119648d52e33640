"""Evidence of engagement: did the person take the time the work needs?

No database: Django only writes the words, in the reader's language. It reads the evidence
frozen into a completion record (the steps with when each was opened and completed, the quiz
attempt with its duration, the call with the time taken for each reply) and flags what looks
like clicking through rather than learning.
A flag does not reject anything: compliance reads the evidence and decides, but a flagged record
cannot be certified in bulk, nor without a note.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# A lesson cannot be marked complete, and is flagged, in under this share of its reading time.
LESSON_MIN_SHARE = 0.25
# A quiz answered faster than this per question was not read.
QUIZ_MIN_SECONDS_PER_QUESTION = 5
# A call reply chosen faster than this was not weighed.
REPLY_MIN_SECONDS = 2
# A module finished in under this share of its estimated time was clicked through.
MODULE_MIN_SHARE = 0.25


def minimum_reading_seconds(minutes: int) -> int:
    """The least time a lesson of `minutes` reading time can honestly take."""
    return math.ceil(minutes * 60 * LESSON_MIN_SHARE)


@dataclass(frozen=True)
class Flag:
    kind: str  # lesson-fast, lesson-untimed, quiz-fast, reply-fast, module-fast
    step: str  # the step's title, or "" for the module as a whole
    message: str


def evidence_flags(evidence: Mapping[str, Any]) -> list[Flag]:
    """Every sign in the evidence that the work was done too fast to be real."""
    flags: list[Flag] = []
    steps = evidence.get("steps", [])
    for step in steps:
        if step.get("kind") != "lesson":
            continue
        started, completed = _moment(step.get("started_at")), _moment(step.get("completed_at"))
        if started is None or completed is None:
            flags.append(
                Flag("lesson-untimed", step["title"], _("When it was opened was not recorded."))
            )
            continue
        spent = (completed - started).total_seconds()
        minutes = step.get("minutes") or 1
        if spent < minimum_reading_seconds(minutes):
            flags.append(
                Flag(
                    "lesson-fast",
                    step["title"],
                    _(
                        "Completed %(time)s after it was opened; it takes about %(minutes)s min "
                        "to read."
                    )
                    % {"time": _duration(spent), "minutes": minutes},
                )
            )
    for quiz in evidence.get("quizzes", []):
        started, submitted = _moment(quiz.get("started_at")), _moment(quiz.get("submitted_at"))
        questions = len(quiz.get("questions", [])) or 1
        if started is None or submitted is None:
            continue
        spent = (submitted - started).total_seconds()
        if spent < QUIZ_MIN_SECONDS_PER_QUESTION * questions:
            flags.append(
                Flag(
                    "quiz-fast",
                    quiz["step"],
                    _("%(count)s questions answered in %(time)s: %(each)s s a question.")
                    % {
                        "count": questions,
                        "time": _duration(spent),
                        "each": number_format(spent / questions, 1),
                    },
                )
            )
    for call in evidence.get("roleplays", []):
        quick = [
            line["seconds"]
            for line in call.get("transcript", [])
            if line.get("seconds") is not None and line["seconds"] < REPLY_MIN_SECONDS
        ]
        if quick:
            replies = sum(1 for line in call.get("transcript", []) if "reply" in line)
            flags.append(
                Flag(
                    "reply-fast",
                    call["step"],
                    _("%(quick)s of %(replies)s replies chosen in under %(limit)s s.")
                    % {"quick": len(quick), "replies": replies, "limit": REPLY_MIN_SECONDS},
                )
            )
    span = _module_span(evidence)
    estimate = sum(step.get("minutes") or 0 for step in steps) * 60
    if span is not None and estimate and span < MODULE_MIN_SHARE * estimate:
        flags.append(
            Flag(
                "module-fast",
                "",
                _("The whole module took %(time)s; it is estimated at %(minutes)s min.")
                % {"time": _duration(span), "minutes": round(estimate / 60)},
            )
        )
    return flags


@dataclass(frozen=True)
class StepTiming:
    title: str
    kind: str
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    minutes: int | None  # the estimate
    content_version: str = ""

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()

    @property
    def spent(self) -> str:
        return "—" if self.seconds is None else _duration(self.seconds)


def step_timings(evidence: Mapping[str, Any]) -> list[StepTiming]:
    """Each step of the evidence with when it was begun and completed."""
    return [
        StepTiming(
            title=step["title"],
            kind=step.get("kind", ""),
            started_at=_moment(step.get("started_at")),
            completed_at=_moment(step.get("completed_at")),
            minutes=step.get("minutes"),
            content_version=step.get("content_version", ""),
        )
        for step in evidence.get("steps", [])
    ]


def module_time(evidence: Mapping[str, Any]) -> str:
    """How long the whole module took, from the first step begun to the last completed."""
    span = _module_span(evidence)
    return "—" if span is None else _duration(span)


def _module_span(evidence: Mapping[str, Any]) -> float | None:
    """Seconds from the first moment any step was begun to the last completion."""
    begun, ended = [], []
    for step in evidence.get("steps", []):
        for key in ("started_at", "completed_at"):
            moment = _moment(step.get(key))
            if moment is not None:
                begun.append(moment)
        if (done := _moment(step.get("completed_at"))) is not None:
            ended.append(done)
    for attempt in (*evidence.get("quizzes", []), *evidence.get("roleplays", [])):
        if (moment := _moment(attempt.get("started_at"))) is not None:
            begun.append(moment)
    if not begun or not ended:
        return None
    return (max(ended) - min(begun)).total_seconds()


def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": seconds}
    minutes, rest = divmod(seconds, 60)
    if rest:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    return _("%(minutes)s min") % {"minutes": minutes}
