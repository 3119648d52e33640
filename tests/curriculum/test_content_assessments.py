"""Checks over the real curriculum in courses/content, not over a fixture. The loader already
rejects malformed files; these tests hold the curriculum to what a compliance team certifies on:
assessments that a bot cannot pass: calls that can be failed and passed, whose replies are
shuffled and not told apart by length, true/false banks that "always false" cannot pass,
select-all items with real wrong choices, questions that test judgement rather than recall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from courses.roleplays import engine
from tests.curriculum.support import (
    ALL_MODULES,
    GOOD_DNC_RECORD,
    PATH_LIMIT,
    all_modules,
    all_questions,
    find_module,
    quizzes,
    scripts,
)


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
