"""Checks over the real curriculum in courses/content, not over a fixture.

The loader already rejects malformed files; these tests hold the curriculum to what issue 5 asks
of it: the nine modules, their certification flags, lesson and quiz sizes, explanations and
citations on every question, roleplays that can be both failed and passed, and no lesson teaching
a fact the compliance team's facts sheet marks UNCONFIRMED.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses import roleplay
from courses.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    CourseSource,
    ModuleSource,
    StepSource,
    load_curriculum,
    read_curriculum,
)
from courses.loading.quizzes import QuestionSource, QuizSource

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

KNOWN_SOURCES = (
    "47 CFR",
    "47 U.S.C.",
    "16 CFR",
    "15 U.S.C.",
    "FINRA Rule",
    "Fla. Stat.",
    "Miss. Code",
    "Oklahoma Telephone Solicitation Act",
    "Maryland Stop the Spam Calls Act",
)

# The FINRA Rule 3230 paragraphs the facts sheet confirms. It marks the letters of the caller ID,
# abandoned-call and prerecorded-message paragraphs UNCONFIRMED, so nothing may cite another one.
CONFIRMED_3230_PARAGRAPHS = {"a", "b", "c", "d", "m"}

# A do-not-call request ends a call that the rep then records; this record is complete and right.
GOOD_DNC_RECORD = roleplay.DncRecord("firm", frozenset({"number", "name", "date"}))
PATH_LIMIT = 200_000  # complete calls explored per script before giving up


# --- Reading the curriculum once --------------------------------------------------------------


@pytest.fixture(scope="module")
def curriculum() -> list[CourseSource]:
    try:
        return read_curriculum()
    except ContentInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        pytest.fail(f"the curriculum in {CONTENT_ROOT} does not read:\n{problems}")


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


def scripts(where: Located) -> list[tuple[StepSource, roleplay.Script]]:
    return [(step, step.detail) for step in where.steps("roleplay")]


# --- The whole curriculum -----------------------------------------------------------------------


def test_the_whole_curriculum_reads_without_errors():
    try:
        courses = read_curriculum()
    except ContentInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        pytest.fail(f"the curriculum does not read; fix these files:\n{problems}")
    assert courses, f"no courses were found under {CONTENT_ROOT}"


@pytest.mark.django_db
def test_the_curriculum_loads_and_loading_it_again_changes_nothing():
    first = load_curriculum()
    assert first.changed, "loading into an empty database should create the curriculum"
    second = load_curriculum()
    assert not second.changed, (
        "loading the same files a second time changed the database:\n  "
        + "\n  ".join(second.lines())
    )


def test_two_courses_with_the_nine_modules(curriculum):
    found = {course.slug: [module.slug for module in course.modules] for course in curriculum}
    assert found == COURSES, (
        f"expected the courses and modules of issue 5 in teaching order:\n  {COURSES}\n"
        f"found:\n  {found}"
    )


@pytest.mark.parametrize("slug", LEGAL_MODULES)
def test_legal_modules_are_required_and_recertify(curriculum, slug):
    module = find_module(curriculum, slug).module
    assert module.required_for_certification, (
        f"{slug}/module.yaml: a legal module must set required_for_certification: true"
    )
    assert module.recertify_after_months, (
        f"{slug}/module.yaml: a legal module must set recertify_after_months"
    )


@pytest.mark.parametrize("slug", PRACTICE_MODULES)
def test_practice_modules_are_recommended_not_required(curriculum, slug):
    module = find_module(curriculum, slug).module
    assert not module.required_for_certification, (
        f"{slug}/module.yaml: a practice module is recommended, not required for certification"
    )
    assert module.recertify_after_months is None, (
        f"{slug}/module.yaml: only modules required for certification recertify"
    )


@pytest.mark.parametrize("slug", ALL_MODULES)
def test_every_module_has_a_rules_as_of_date(curriculum, slug):
    module = find_module(curriculum, slug).module
    assert module.rules_as_of, f"{slug}/module.yaml: rules_as_of is missing"


# --- Lessons and quizzes ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", ALL_MODULES)
def test_each_module_has_two_to_four_lessons(curriculum, slug):
    lessons = find_module(curriculum, slug).steps("lesson")
    assert 2 <= len(lessons) <= 4, (
        f"{slug}/module.yaml: a module has 2 to 4 lessons, found {len(lessons)}: "
        f"{[lesson.slug for lesson in lessons]}"
    )


@pytest.mark.parametrize("slug", ALL_MODULES)
def test_each_module_has_a_quiz_bank_of_the_right_size(curriculum, slug):
    where = find_module(curriculum, slug)
    found = quizzes(where)
    assert found, f"{slug}/module.yaml: every module has a quiz step"
    legal = slug in LEGAL_MODULES
    smallest = 15 if legal else 8
    for step, quiz in found:
        file, bank = where.file(step), len(quiz.questions)
        assert bank >= smallest, (
            f"{file}: a {'legal' if legal else 'practice'} module's bank needs at least "
            f"{smallest} questions, found {bank}"
        )
        assert quiz.draw < bank, f"{file}: draw ({quiz.draw}) must be fewer than the bank ({bank})"
        if legal:
            assert quiz.pass_mark == 80, (
                f"{file}: legal modules pass at 80%, found pass_mark {quiz.pass_mark}"
            )


def all_questions(curriculum) -> Iterator[tuple[str, Located, QuestionSource]]:
    for where in all_modules(curriculum):
        for step, quiz in quizzes(where):
            for question in quiz.questions:
                yield where.file(step), where, question


def test_every_question_has_an_explanation(curriculum):
    missing = [
        f"{file}: question '{question.key}'"
        for file, _, question in all_questions(curriculum)
        if not question.explanation.strip()
    ]
    assert not missing, "questions without an explanation:\n  " + "\n  ".join(missing)


def test_every_legal_question_has_a_citation(curriculum):
    missing = [
        f"{file}: question '{question.key}'"
        for file, where, question in all_questions(curriculum)
        if where.module.slug in LEGAL_MODULES and not question.citation.strip()
    ]
    assert not missing, "legal questions without a citation:\n  " + "\n  ".join(missing)


def all_citations(curriculum) -> Iterator[tuple[str, str]]:
    """(where, citation) for every question and every roleplay reply that carries one."""
    for file, _, question in all_questions(curriculum):
        if question.citation:
            yield f"{file}: question '{question.key}'", question.citation
    for where in all_modules(curriculum):
        for step, script in scripts(where):
            for node in script.nodes.values():
                for reply in node.replies:
                    if reply.citation:
                        yield f"{where.file(step)}: reply '{reply.id}'", reply.citation


def test_every_citation_names_a_known_source(curriculum):
    unknown = [
        f"{place}: '{part.strip()}'"
        for place, citation in all_citations(curriculum)
        for part in citation.split(";")
        if not part.strip().startswith(KNOWN_SOURCES)
    ]
    assert not unknown, (
        f"citations must start with one of {', '.join(KNOWN_SOURCES)}:\n  " + "\n  ".join(unknown)
    )


def test_no_citation_names_an_unconfirmed_rule_3230_paragraph(curriculum):
    wrong = [
        f"{place}: '{citation}'"
        for place, citation in all_citations(curriculum)
        for letter in re.findall(r"3230\s*\(([a-z])\)", citation)
        if letter not in CONFIRMED_3230_PARAGRAPHS
    ]
    assert not wrong, (
        "citations of FINRA Rule 3230 paragraphs the facts sheet does not confirm:\n  "
        + "\n  ".join(wrong)
    )


# --- Roleplays ----------------------------------------------------------------------------------


def test_at_least_eight_roleplay_scripts(curriculum):
    found = [where.file(step) for where in all_modules(curriculum) for step, _ in scripts(where)]
    assert len(found) >= 8, f"issue 5 asks for at least 8 roleplay scripts, found {len(found)}"


def complete_calls(
    script: roleplay.Script, *, avoid_violations: bool = False
) -> Iterator[roleplay.CallState]:
    """Every call from the start to an end, using each reply at most once per call."""
    stack = [(roleplay.start_call(script), frozenset[str]())]
    explored = 0
    while stack:
        state, used = stack.pop()
        explored += 1
        if explored > PATH_LIMIT:
            raise AssertionError(f"more than {PATH_LIMIT} calls to explore")
        if roleplay.is_over(script, state):
            yield state
            continue
        for reply in roleplay.offered_replies(script, state):
            if reply.id in used or (avoid_violations and reply.violation):
                continue
            stack.append((roleplay.advance(script, state, reply.id), used | {reply.id}))


def score(script: roleplay.Script, state: roleplay.CallState) -> roleplay.CallResult:
    ended_with = script.nodes[state.node].outcome
    record = GOOD_DNC_RECORD if ended_with == "dnc_honoured" else None
    return roleplay.score_path(script, state.path, record)


@pytest.mark.parametrize("slug", ALL_MODULES)
def test_every_roleplay_can_be_failed_by_a_violation_and_passed(curriculum, slug):
    where = find_module(curriculum, slug)
    problems = []
    for step, script in scripts(where):
        file = where.file(step)
        violation_call = next(
            (
                state
                for state in complete_calls(script)
                if any(script.reply(reply_id).violation for reply_id in state.path)
            ),
            None,
        )
        if violation_call is None:
            problems.append(f"{file}: no call contains a reply marked violation: true")
        elif score(script, violation_call).passed:
            path = " > ".join(violation_call.path)
            problems.append(f"{file}: a call with a violation passed: {path}")
        if not any(score(script, s).passed for s in complete_calls(script, avoid_violations=True)):
            problems.append(f"{file}: no complete call reaches the pass mark")
    assert not problems, "\n".join(problems)


# --- Lessons teach no UNCONFIRMED fact ---------------------------------------------------------

TIME_OF_DAY = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.)|\bnoon\b|\bmidnight\b", re.I)
# A calling window such as "8 a.m. to 9 p.m." or "9 a.m.-8 p.m."
WINDOW = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.)?\s*(?:to|until|-|\u2013)\s*\d{1,2}(?::\d{2})?\s*p\.m\.",
    re.I,
)
HOURS_WORDS = re.compile(
    r"calling hours|\bhours\b|window|limit|cut-?off|no calls|"
    r"\bcalls? (?:only )?(?:before|after|until|between)\b|may (?:call|be called)",
    re.I,
)
HEDGED = re.compile(
    r"not (?:been )?(?:confirmed|settled)|unconfirmed|ask compliance|check with compliance|"
    r"once confirmed|don't assume|do not assume|hold until|question for compliance",
    re.I,
)
DAY_COUNT = re.compile(r"\b\d+\s+(?:business\s+)?days?\b", re.I)


def lesson_statements(body_html: str) -> Iterator[str]:
    """The lesson as statements: each sentence, and each table row read with its header."""
    text = body_html.replace("\u2019", "'").replace("\u2018", "'")
    for table in re.findall(r"<table>.*?</table>", text, flags=re.S):
        rows = [
            " | ".join(plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
        ]
        for row in rows[1:]:
            yield f"{rows[0]} || {row}"
    text = re.sub(r"<table>.*?</table>", "\n", text, flags=re.S)
    text = re.sub(r"</(?:p|li|h\d|blockquote|pre)>|<br\s*/?>", "\n", text)
    for line in plain(text).splitlines():
        # split after a full stop, but not after the one ending "a.m." or "p.m."
        yield from re.split(r"(?<![ap]\.m\.)(?<=[.!?])\s+(?=[A-Z\"(])", line.strip())


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def states_texas_hours(statement: str) -> bool:
    if "texas" not in statement.lower() or HEDGED.search(statement):
        return False
    return bool(WINDOW.search(statement)) or bool(
        TIME_OF_DAY.search(statement) and HOURS_WORDS.search(statement)
    )


# What the facts sheet marks UNCONFIRMED, as checks on a single statement of a lesson.
UNCONFIRMED = {
    "Texas calling hours": states_texas_hours,
    "a separate SEC Rule 15b telemarketing rule": lambda s: bool(re.search(r"\b15b", s)),
    "the TSR's day count for honouring a company-specific request": lambda s: (
        "310.4(b)(1)(iii)(A)" in s and bool(DAY_COUNT.search(s))
    ),
    "a 2026 civil penalty figure": lambda s: (
        "penalt" in s.lower() and "2026" in s and not HEDGED.search(s)
    ),
    "a FINRA Rule 3230 paragraph letter the sheet does not confirm": lambda s: any(
        letter not in CONFIRMED_3230_PARAGRAPHS for letter in re.findall(r"3230\s*\(([a-z])\)", s)
    ),
}


def test_no_lesson_teaches_an_unconfirmed_fact(curriculum):
    found = [
        f"{where.file(step)}: {what}: {statement!r}"
        for where in all_modules(curriculum)
        for step in where.steps("lesson")
        for statement in lesson_statements(step.body_html)
        for what, check in UNCONFIRMED.items()
        if check(statement)
    ]
    assert not found, "lessons state facts the facts sheet marks UNCONFIRMED:\n  " + "\n  ".join(
        found
    )


@pytest.mark.parametrize(
    "statement",
    [
        "Texas allows calls from 8 a.m. to 9 p.m.",
        "Group | Their window || Texas | 8 a.m. to 8 p.m.",
        "In Texas, no calls after 9 p.m. local time.",
    ],
)
def test_the_texas_hours_check_catches_a_stated_window(statement):
    assert states_texas_hours(statement), f"the check missed: {statement!r}"


@pytest.mark.parametrize(
    "statement",
    [
        "Texas keeps its own state do-not-call list, but its calling hours have not been "
        "confirmed for this course, so the course doesn't tell you what they are.",
        "Marisol's time (Central) | Block || 9:00-10:00 a.m. | Texas practice owners",
        "Texas | Calling hours not settled in this course | Ask compliance | Hold until confirmed",
    ],
)
def test_the_texas_hours_check_leaves_schedules_and_warnings_alone(statement):
    assert not states_texas_hours(statement), f"the check wrongly flagged: {statement!r}"
