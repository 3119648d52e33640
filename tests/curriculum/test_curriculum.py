"""Checks over the real curriculum in courses/content, not over a fixture.

The loader already rejects malformed files; these tests hold the curriculum to what a compliance
team certifies on: the nine modules, their certification flags, lesson and quiz sizes, rules
named from the catalogue on every legal question, assessments that a bot cannot pass (calls
whose replies are shuffled, true/false banks that "always false" cannot pass, select-all items
with real wrong choices), and no lesson teaching a fact the compliance team's facts sheet marks
UNCONFIRMED or that its corrections log corrected.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    CourseSource,
    Curriculum,
    ModuleSource,
    StepSource,
    load_curriculum,
    read_curriculum,
)
from courses.curriculum.loading.quizzes import QuestionSource, QuizSource
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


# --- Reading the curriculum once --------------------------------------------------------------


@pytest.fixture(scope="module")
def content() -> Curriculum:
    try:
        return read_curriculum()
    except ContentInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        pytest.fail(f"the curriculum in {CONTENT_ROOT} does not read:\n{problems}")


@pytest.fixture(scope="module")
def curriculum(content) -> list[CourseSource]:
    return content.courses


@pytest.fixture(scope="module")
def catalogue(content):
    return content.rules


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


# --- The whole curriculum -----------------------------------------------------------------------


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


# --- Roleplays ----------------------------------------------------------------------------------


def test_at_least_eight_roleplay_scripts(curriculum):
    found = [where.file(step) for where in all_modules(curriculum) for step, _ in scripts(where)]
    assert len(found) >= 8, f"issue 5 asks for at least 8 roleplay scripts, found {len(found)}"


def complete_calls(
    script: engine.Script, *, avoid_violations: bool = False
) -> Iterator[engine.CallState]:
    """Every call from the start to an end, using each reply at most once per call."""
    stack = [(engine.start_call(script), frozenset[str]())]
    explored = 0
    while stack:
        state, used = stack.pop()
        explored += 1
        if explored > PATH_LIMIT:
            raise AssertionError(f"more than {PATH_LIMIT} calls to explore")
        if engine.is_over(script, state):
            yield state
            continue
        for reply in engine.offered_replies(script, state):
            if reply.id in used or (avoid_violations and reply.violation):
                continue
            stack.append((engine.advance(script, state, reply.id), used | {reply.id}))


def score(script: engine.Script, state: engine.CallState) -> engine.CallResult:
    ended_with = script.nodes[state.node].outcome
    record = GOOD_DNC_RECORD if ended_with == "dnc_honoured" else None
    return engine.score_path(script, state.path, record)


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


# --- Assessments a bot cannot pass ------------------------------------------------------------

BOT_RUNS = range(50)  # the seeds of 50 runs of each call
REQUIRED_RANDOM_PASS = 0.0005
PRACTICE_RANDOM_PASS = 0.01


def first(options):
    return options[0]


def last(options):
    return options[-1]


def bot_call(script: engine.Script, seed: int, pick) -> engine.CallResult:
    """A run with this seed, always taking the reply in the same place (and so the same place
    on the do-not-call record's form): what a bot clicking through the page would do."""
    state = engine.start_call(script)
    while not engine.is_over(script, state):
        state = engine.advance(script, state, pick(engine.offered_replies(script, state, seed)).id)
    record = None
    if script.nodes[state.node].outcome == "dnc_honoured":
        lists = engine.shuffled_for(seed, "dnc-lists", list(engine.DNC_LISTS))
        details = engine.shuffled_for(seed, "dnc-details", list(engine.DNC_DETAILS))
        record = engine.DncRecord(pick(lists), frozenset({pick(details)}))
    return engine.score_path(script, state.path, record)


def required_calls(curriculum):
    for where in all_modules(curriculum):
        if where.module.required_for_certification:
            for step, script in scripts(where):
                yield where.file(step), script


@pytest.mark.parametrize("pick", [first, last], ids=["first reply", "last reply"])
def test_a_bot_taking_the_same_place_passes_no_required_call(curriculum, pick):
    passed = [
        f"{file}: run seed {seed}"
        for file, script in required_calls(curriculum)
        for seed in BOT_RUNS
        if bot_call(script, seed, pick).passed
    ]
    assert not passed, f"always taking the {pick.__name__} reply passed:\n  " + "\n  ".join(passed)


def test_random_replies_rarely_pass_a_call(curriculum):
    """Replies are shuffled for each run, so any bot plays at random; a call is a test only if
    random play almost never passes it."""
    easy = []
    for where in all_modules(curriculum):
        limit = (
            REQUIRED_RANDOM_PASS
            if where.module.required_for_certification
            else PRACTICE_RANDOM_PASS
        )
        for step, script in scripts(where):
            chance = engine.random_pass_chance(script)
            if chance > limit:
                easy.append(f"{where.file(step)}: {chance:.2%} (at most {limit:.1%})")
    assert not easy, "calls that random replies pass too often:\n  " + "\n  ".join(easy)


def longest(options):
    return max(options, key=lambda option: len(option.text))


def shortest(options):
    return min(options, key=lambda option: len(option.text))


def length_bot_call(script: engine.Script, pick) -> engine.CallResult:
    """Always the longest (or shortest) reply, with a perfect do-not-call record."""
    state = engine.start_call(script)
    while not engine.is_over(script, state) and len(state.path) < 60:
        state = engine.advance(script, state, pick(engine.offered_replies(script, state)).id)
    record = GOOD_DNC_RECORD if script.nodes[state.node].outcome == "dnc_honoured" else None
    return engine.score_path(script, state.path, record)


@pytest.mark.parametrize("pick", [longest, shortest], ids=["longest reply", "shortest reply"])
def test_a_bot_going_by_length_passes_no_call(curriculum, pick):
    passed = [
        f"{where.file(step)}: {length_bot_call(script, pick).percent}%"
        for where in all_modules(curriculum)
        for step, script in scripts(where)
        if length_bot_call(script, pick).passed
    ]
    assert not passed, f"always the {pick.__name__} reply passes:\n  " + "\n  ".join(passed)


def best_reply(node: engine.Node) -> engine.Reply:
    return max(node.replies, key=lambda r: sum(r.scores.values()) - 100 * r.violation)


def test_the_best_reply_is_not_the_longest_as_a_rule(curriculum):
    telling = []
    for where in all_modules(curriculum):
        for step, script in scripts(where):
            choices = [node for node in script.nodes.values() if len(node.replies) > 1]
            cued = sum(best_reply(node) is longest(node.replies) for node in choices)
            if cued > len(choices) / 2:
                telling.append(f"{where.file(step)}: {cued} of {len(choices)} decision points")
    assert not telling, "calls where the best reply is mostly the longest:\n  " + "\n  ".join(
        telling
    )


def test_the_keyed_choice_is_not_the_longest_as_a_rule(curriculum):
    telling = []
    for where in all_modules(curriculum):
        for step, quiz in quizzes(where):
            singles = [q for q in quiz.questions if q.kind == "single"]
            cued = sum(longest(q.choices).correct for q in singles)
            if cued > len(singles) / 2:
                telling.append(f"{where.file(step)}: {cued} of {len(singles)} items")
    assert not telling, "banks where the keyed choice is mostly the longest:\n  " + "\n  ".join(
        telling
    )


def test_a_bot_going_by_length_fails_every_quiz(curriculum):
    """Longest choice, 'true', and the longer half of a select-all list: below the pass mark."""

    def right(question) -> bool:
        if question.kind == "single":
            return longest(question.choices).correct
        if question.kind == "true_false":
            return question.choices[0].correct
        lengths = sorted(len(c.text) for c in question.choices)
        ticked = {c.key for c in question.choices if len(c.text) >= lengths[len(lengths) // 2]}
        return ticked == {c.key for c in question.choices if c.correct}

    passing = []
    for where in all_modules(curriculum):
        for step, quiz in quizzes(where):
            share = sum(right(q) for q in quiz.questions) / len(quiz.questions)
            if share * 100 >= quiz.pass_mark:
                passing.append(f"{where.file(step)}: {share:.0%} of the bank")
    assert not passing, "banks a length bot passes:\n  " + "\n  ".join(passing)


def test_always_false_cannot_pass_a_quiz(curriculum):
    """At least 40% of each bank's true/false items are true."""
    weak = []
    for where in all_modules(curriculum):
        for step, quiz in quizzes(where):
            answers = [q.choices[0].correct for q in quiz.questions if q.kind == "true_false"]
            if answers and sum(answers) < 0.4 * len(answers):
                weak.append(f"{where.file(step)}: {sum(answers)} of {len(answers)} are true")
    assert not weak, "true/false banks mostly false:\n  " + "\n  ".join(weak)


def test_select_all_items_have_real_wrong_choices(curriculum):
    """Ticking every box never scores: each select-all item has at least two wrong choices."""
    weak = [
        f"{file}: question '{question.key}'"
        for file, _, question in all_questions(curriculum)
        if question.kind == "multiple" and sum(not c.correct for c in question.choices) < 2
    ]
    assert not weak, "select-all items with fewer than two wrong choices:\n  " + "\n  ".join(weak)


def test_every_wrong_choice_in_a_legal_module_says_why(curriculum):
    missing = [
        f"{file}: question '{question.key}': {choice.text[:60]!r}"
        for file, where, question in all_questions(curriculum)
        if where.module.required_for_certification and question.kind != "true_false"
        for choice in question.choices
        if not choice.correct and not choice.feedback.strip()
    ]
    assert not missing, "wrong choices without feedback:\n  " + "\n  ".join(missing)


RECALL = re.compile(
    r"according to (?:this|the) (?:module|lesson|course)|"
    r"(?:this|the) (?:module|lesson|course) (?:says|said|teaches|taught|lists|listed|names|named)|"
    r"which of these did the (?:module|lesson|course)",
    re.I,
)


def test_questions_test_judgement_not_recall_of_the_text(curriculum):
    recall = [
        f"{file}: question '{question.key}': {question.prompt[:80]!r}"
        for file, _, question in all_questions(curriculum)
        if RECALL.search(question.prompt)
    ]
    assert not recall, "questions asking what the course said:\n  " + "\n  ".join(recall)


def test_legal_quizzes_keep_the_key_back_after_a_fail(curriculum):
    policies = {
        where.file(step): quiz.review
        for where in all_modules(curriculum)
        if where.module.required_for_certification
        for step, quiz in quizzes(where)
    }
    assert set(policies.values()) == {"key_after_pass"}, policies


# --- One name, one person ---------------------------------------------------------------------


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
