"""Checks over the real curriculum in courses/content, not over a fixture. The loader already
rejects malformed files; these tests hold the curriculum to what a compliance team certifies on:
one name for one person, and no lesson teaching a fact the compliance team's facts sheet
marks UNCONFIRMED or that its corrections log corrected.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

from courses.curriculum.loading import CONTENT_ROOT
from tests.curriculum.support import CONFIRMED_3230_PARAGRAPHS, Located, all_modules, scripts


def module_texts(where: Located) -> str:
    folder = CONTENT_ROOT / where.course.slug / where.module.slug
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()))


def test_every_persona_is_one_person(curriculum):
    """A call's persona is named in no other module, where the same name would be someone else."""
    texts = {where.module.slug: module_texts(where) for where in all_modules(curriculum)}
    reused = [
        f"{where.file(step)}: {script.persona['name']} also appears in {other}"
        for where in all_modules(curriculum)
        for step, script in scripts(where)
        for other, text in texts.items()
        if other != where.module.slug and script.persona["name"] in text
    ]
    assert not reused, "persona names used for other people:\n  " + "\n  ".join(reused)


# People who appear in more than one module, each always with the same firm.
RECURRING = {"Priya Nair": "Larkspur Hill Securities"}


@pytest.mark.parametrize(
    "name", ["Tom Reyes", "Raymond Castillo", "Dana Whitfield", "Priya Nair", "Luis Ortega"]
)
def test_a_name_belongs_to_one_person(curriculum, name):
    found = [where for where in all_modules(curriculum) if name in module_texts(where)]
    if name in RECURRING:
        elsewhere = [w.module.slug for w in found if RECURRING[name] not in module_texts(w)]
        assert not elsewhere, f"{name} appears without {RECURRING[name]} in {elsewhere}"
    else:
        slugs = [w.module.slug for w in found]
        assert len(slugs) <= 1, f"{name} appears in {slugs}: one name, one person"


# --- The facts sheet's corrections stay corrected ---------------------------------------------


def all_statements(curriculum) -> Iterator[tuple[str, str]]:
    """Every sentence a rep reads: lessons, quiz items and calls, as shown."""
    for where in all_modules(curriculum):
        for step in where.module.steps:
            file = where.file(step)
            if step.kind == "lesson":
                for statement in lesson_statements(step.body_html):
                    yield file, statement
            elif step.kind == "quiz":
                quiz = step.detail
                for text in quiz.scenarios.values():
                    yield file, text
                for q in quiz.questions:
                    yield from ((file, t) for t in (q.prompt, q.explanation))
                    for c in q.choices:
                        yield from ((file, t) for t in (c.text, c.feedback) if t)
            else:
                script = step.detail
                yield file, script.briefing
                for node in script.nodes.values():
                    yield file, node.prospect
                    for r in node.replies:
                        yield from ((file, t) for t in (r.text, r.feedback) if t)


def test_the_disclosures_are_rule_3230_d_4(curriculum, catalogue):
    """3230(c) is the safe harbor; the opening disclosures are 3230(d)(4)."""
    assert catalogue["finra-disclosures"].citation == "FINRA Rule 3230(d)(4)"
    wrong = []
    for file, text in all_texts(curriculum):
        for match in re.finditer(r"3230\s*\(c\)", text):
            context = text[max(0, match.start() - 250) : match.end() + 100]
            if "safe harbor" not in context.lower():
                wrong.append(f"{file}: {context!r}")
    assert not wrong, "3230(c) cited for something other than the safe harbor:\n  " + "\n  ".join(
        wrong
    )


def all_texts(curriculum) -> Iterator[tuple[str, str]]:
    """Every text a rep reads, whole: a lesson as one text, each quiz or call text alone."""
    for where in all_modules(curriculum):
        for step in where.steps("lesson"):
            yield where.file(step), plain(step.body_html)
    for file, text in all_statements(curriculum):
        if not file.endswith(".md"):
            yield file, text


STATE_LISTS = (
    "Colorado", "Florida", "Indiana", "Louisiana", "Massachusetts", "Mississippi", "Missouri",
    "Oklahoma", "Pennsylvania", "Tennessee", "Texas", "Wyoming",
)  # fmt: skip


def test_every_list_of_state_do_not_call_lists_has_mississippi(curriculum):
    incomplete = [
        f"{file}: {text[:120]!r}"
        for file, text in all_statements(curriculum)
        if "list" in text.lower()
        and sum(state in text for state in STATE_LISTS) >= 4
        and "Mississippi" not in text
    ]
    assert not incomplete, "state do-not-call lists without Mississippi:\n  " + "\n  ".join(
        incomplete
    )


CORRECTED = {
    "do-not-call damages as a ceiling": re.compile(
        r"\$500[^.]*\bceiling|\bceiling\b[^.]*\$500", re.I
    ),
    "the caller's clock counting too": re.compile(
        r"their clock and yours|your clock and theirs|both clocks|caller's (?:clock|time),? too",
        re.I,
    ),
    "registrations lasting five years": re.compile(r"re-?register every (?:5|five) years", re.I),
}


# A sentence that names an error in order to correct it.
DEBUNKED = re.compile(r"out of date|outdated|still find|no longer|myth|wrong|not true", re.I)


@pytest.mark.parametrize("error", CORRECTED)
def test_corrected_errors_are_not_taught(curriculum, error):
    found = [
        f"{file}: {text[:140]!r}"
        for file, text in all_statements(curriculum)
        if CORRECTED[error].search(text) and not (HEDGED.search(text) or DEBUNKED.search(text))
    ]
    assert not found, f"{error}:\n  " + "\n  ".join(found)


def test_lapsed_clients_are_taught_with_finras_own_relationship(curriculum):
    missing = [
        where.file(step)
        for where in all_modules(curriculum)
        for step in where.steps("lesson")
        if "lapsed client" in step.body_html.lower() and "finra-ebr-definition" not in step.rules
    ]
    assert not missing, "lessons on lapsed clients without FINRA Rule 3230(m):\n  " + "\n  ".join(
        missing
    )


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
