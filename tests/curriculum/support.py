"""What the curriculum tests share: ways of walking the real curriculum (courses/content) as
read from its files, and what the loader tests compare before and after a refused load.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses.curriculum.loading import (
    ContentInvalid,
    CourseSource,
    ModuleSource,
    StepSource,
    read_curriculum,
)
from courses.curriculum.loading.quizzes import QuestionSource, QuizSource
from courses.models import Course, Module, Step
from courses.roleplays import engine

COURSES = {
    "cold-calling-essentials": [
        "dialing-and-smiling",
        "leads-worth-calling",
        "preparation",
        "handling-no",
        "pacing",
    ],
    "calling-within-the-law": [
        "do-not-call-lists",
        "fcc-and-tcpa",
        "broker-dealers-finra-3230",
        "state-rules",
    ],
}
LEGAL_MODULES = COURSES["calling-within-the-law"]
PRACTICE_MODULES = COURSES["cold-calling-essentials"]
ALL_MODULES = PRACTICE_MODULES + LEGAL_MODULES

# What a catalogue citation may start with: the statutes, rules, cases and bodies the facts
# sheet cites.
KNOWN_SOURCES = (
    "47 CFR",
    "47 U.S.C.",
    "16 CFR",
    "15 U.S.C.",
    "FINRA Rule",
    "FINRA investor insight",
    "FINRA Investor Complaint Center",
    "NASD interpretive letter",
    "Fla. Stat.",
    "Miss. Code",
    "Mississippi Public Service Commission",
    "Indiana do-not-call law",
    "State do-not-call list laws",
    "Oklahoma Telephone Solicitation Act",
    "Maryland Stop the Spam Calls Act",
    "FCC",
    "FTC",
    "SEC",
    "Facebook v. Duguid",
    "Insurance Marketing Coalition v. FCC",
    "McLaughlin Chiropractic v. McKesson",
)

# The FINRA Rule 3230 paragraphs the facts sheet confirms. It marks the letters of the caller ID,
# abandoned-call and prerecorded-message paragraphs UNCONFIRMED, so nothing may cite another one.
CONFIRMED_3230_PARAGRAPHS = {"a", "b", "c", "d", "m"}

# A do-not-call request ends a call that the rep then records; this record is complete and right.
GOOD_DNC_RECORD = engine.DncRecord("firm", frozenset({"number", "name", "date"}))
PATH_LIMIT = 200_000  # complete calls explored per script before giving up


@dataclass(frozen=True)
class Located:
    course: CourseSource
    module: ModuleSource

    def file(self, step: StepSource) -> str:
        name = step.slug + (".md" if step.kind == "lesson" else ".yaml")
        return str(Path("courses/content") / self.course.slug / self.module.slug / name)

    def steps(self, kind: str) -> list[StepSource]:
        return [step for step in self.module.steps if step.kind == kind]


def find_module(curriculum: list[CourseSource], slug: str) -> Located:
    for course in curriculum:
        for module in course.modules:
            if module.slug == slug:
                return Located(course, module)
    pytest.fail(f"module '{slug}' is missing from the curriculum")


def all_modules(curriculum: list[CourseSource]) -> Iterator[Located]:
    for course in curriculum:
        for module in course.modules:
            yield Located(course, module)


def quizzes(where: Located) -> list[tuple[StepSource, QuizSource]]:
    return [(step, step.detail) for step in where.steps("quiz")]


def scripts(where: Located) -> list[tuple[StepSource, engine.Script]]:
    return [(step, step.detail) for step in where.steps("roleplay")]


def all_questions(curriculum) -> Iterator[tuple[str, Located, QuestionSource]]:
    for where in all_modules(curriculum):
        for step, quiz in quizzes(where):
            for question in quiz.questions:
                yield where.file(step), where, question


# The loader ---------------------------------------------------------------------------------


def snapshot():
    """Everything the loader writes, to compare before and after a refused load."""
    return (
        list(Course.objects.values_list("slug", "title", "retired_at").order_by("slug")),
        list(Module.objects.values_list("slug", "content_version", "retired_at").order_by("slug")),
        list(Step.objects.values_list("slug", "title", "body_html", "retired_at").order_by("pk")),
    )


def errors_for(builder):
    with pytest.raises(ContentInvalid) as caught:
        read_curriculum(builder.root)
    return [str(error) for error in caught.value.errors]
