"""Checks over the real curriculum in courses/content, not over a fixture. The loader already
rejects malformed files; these tests hold the curriculum to what a compliance team certifies on:
the nine modules, their certification flags, lesson and quiz sizes, explanations on every
question, and rules named from the catalogue (with known, confirmed citations) on every legal one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    load_curriculum,
    read_curriculum,
)
from tests.curriculum.support import (
    ALL_MODULES,
    CONFIRMED_3230_PARAGRAPHS,
    COURSES,
    KNOWN_SOURCES,
    LEGAL_MODULES,
    PRACTICE_MODULES,
    all_modules,
    all_questions,
    find_module,
    quizzes,
    scripts,
)


def test_the_whole_curriculum_reads_without_errors():
    try:
        content = read_curriculum()
    except ContentInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        pytest.fail(f"the curriculum does not read; fix these files:\n{problems}")
    assert content.courses, f"no courses were found under {CONTENT_ROOT}"
    assert content.rules, f"no rules catalogue was found under {CONTENT_ROOT}"


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


def test_every_question_has_an_explanation(curriculum):
    missing = [
        f"{file}: question '{question.key}'"
        for file, _, question in all_questions(curriculum)
        if not question.explanation.strip()
    ]
    assert not missing, "questions without an explanation:\n  " + "\n  ".join(missing)


def test_every_legal_question_names_the_rules_it_tests(curriculum):
    missing = [
        f"{file}: question '{question.key}'"
        for file, where, question in all_questions(curriculum)
        if where.module.slug in LEGAL_MODULES and not question.rules
    ]
    assert not missing, "legal questions without rules:\n  " + "\n  ".join(missing)


def test_citations_shown_are_the_catalogues(curriculum, catalogue):
    """A question's or a reply's citation is written from its rules, never by hand."""
    wrong = [
        f"{place}: {citation!r}"
        for place, citation, rules in cited_items(curriculum)
        if citation != "; ".join(catalogue[rule].citation for rule in rules)
    ]
    assert not wrong, "citations that are not their rules' citations:\n  " + "\n  ".join(wrong)


def cited_items(curriculum) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    for file, _, question in all_questions(curriculum):
        yield f"{file}: question '{question.key}'", question.citation, question.rules
    for where in all_modules(curriculum):
        for step, script in scripts(where):
            for node in script.nodes.values():
                for reply in node.replies:
                    yield f"{where.file(step)}: reply '{reply.id}'", reply.citation, reply.rules


def all_citations(curriculum, catalogue) -> Iterator[tuple[str, str]]:
    """(where, citation) for every catalogue rule and everything citing one."""
    for rule in catalogue.values():
        yield f"rules catalogue: '{rule.id}'", rule.citation
    for place, citation, _ in cited_items(curriculum):
        if citation:
            yield place, citation


def test_every_citation_names_a_known_source(curriculum, catalogue):
    unknown = [
        f"{place}: '{part.strip()}'"
        for place, citation in all_citations(curriculum, catalogue)
        for part in citation.split(";")
        if not part.strip().startswith(KNOWN_SOURCES)
    ]
    assert not unknown, (
        f"citations must start with one of {', '.join(KNOWN_SOURCES)}:\n  " + "\n  ".join(unknown)
    )


def test_no_citation_names_an_unconfirmed_rule_3230_paragraph(curriculum, catalogue):
    wrong = [
        f"{place}: '{citation}'"
        for place, citation in all_citations(curriculum, catalogue)
        for letter in re.findall(r"3230\s*\(([a-z])\)", citation)
        if letter not in CONFIRMED_3230_PARAGRAPHS
    ]
    assert not wrong, (
        "citations of FINRA Rule 3230 paragraphs the facts sheet does not confirm:\n  "
        + "\n  ".join(wrong)
    )
