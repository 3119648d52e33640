"""Loading quizzes and roleplay scripts: what is stored, and every way a quiz or a script is
refused, with the file and the field named.
"""

import pytest

from courses.curriculum.loading import ContentInvalid, load_curriculum
from courses.models import Step
from tests.curriculum.support import errors_for, snapshot
from tests.support import QUIZ, ROLEPLAY


@pytest.mark.django_db
class TestQuizContent:
    def test_quiz_loads_questions_choices_and_settings(self, builder):
        builder.with_quiz()
        load_curriculum(builder.root)
        quiz = Step.objects.get(slug="check").quiz
        assert (quiz.pass_mark, quiz.draw_count) == (75, 4)
        question = quiz.questions.get(key="local-time")
        assert [(c.key, c.is_correct) for c in question.choices.all()] == [
            ("true", True),
            ("false", False),
        ]
        assert (
            quiz.questions.get(key="consent-elements").choices.filter(is_correct=True).count() == 2
        )

    def test_retired_question_keeps_its_history(self, builder, rep):
        from courses.quizzes.services import quiz_attempt_start

        builder.with_quiz(text=QUIZ.replace("draw: 4", "draw: 3"))
        load_curriculum(builder.root)
        quiz = Step.objects.get(slug="check").quiz
        attempt = quiz_attempt_start(user=rep, quiz=quiz)
        builder.quiz(
            module="module-1",
            text=QUIZ.replace("draw: 4", "draw: 3").replace(
                "  - id: scrub-days", "  - id: scrub-days-old"
            ),
        )
        report = load_curriculum(builder.root)
        assert "retired quiz module-1/check question scrub-days" in report.lines()
        retired = quiz.questions.get(key="scrub-days")
        assert retired.retired_at is not None
        assert attempt.items.count() == 3  # the attempt still has every question it drew


BAD_QUIZZES = [
    (
        "no correct choice",
        ("        correct: true\n      - text: One year", "      - text: One year"),
        "questions",
        "",
    ),
    (
        "two correct on single",
        ("      - text: One year\n", "      - text: One year\n        correct: true\n"),
        "questions",
        "exactly one correct choice",
    ),
    ("draw larger than bank", ("draw: 4", "draw: 9"), "draw", "larger than the bank"),
    ("pass mark above 100", ("pass_mark: 75", "pass_mark: 120"), "pass_mark", ""),
    ("pass mark below 0", ("pass_mark: 75", "pass_mark: -5"), "pass_mark", ""),
    (
        "duplicate question ids",
        ("  - id: scrub-days", "  - id: local-time"),
        "questions",
        "local-time",
    ),
    (
        "topic cannot supply its minimum",
        ("draw: 4", "draw: 4\nmin_per_tag:\n  hours: 2"),
        "min_per_tag.hours",
        "needs 2",
    ),
    (
        "missing scenario",
        ("    kind: true_false\n", "    kind: true_false\n    scenario: nowhere\n"),
        "questions.1.scenario",
        "no scenario 'nowhere'",
    ),
    ("true/false without an answer", ("    answer: true\n", ""), "questions.1", "answer"),
    (
        "unknown rule id",
        ("    rules: [registry-permanent]\n", "    rules: [registry-forever]\n"),
        "questions.0.rules",
        "question 'registry-permanent': unknown rule id 'registry-forever'",
    ),
    (
        "unknown rule id inline",
        ("explanation: Thirty-one days.", "explanation: Thirty-one days ([[tsr-31-days]])."),
        "questions.3.explanation",
        "question 'scrub-days': unknown rule id 'tsr-31-days' in [[...]]",
    ),
    (
        "a hand-written citation",
        ("    rules: [registry-permanent]\n", "    citation: 15 U.S.C. 6155\n"),
        "questions.0.citation",
        "citations come from the rules catalogue",
    ),
    (
        "select-all with every choice correct",
        (
            "      - text: The caller's home address\n",
            "      - text: The caller's home address\n        correct: true\n",
        ),
        "questions.2.choices",
        "every choice is correct",
    ),
    (
        "true/false mostly false",
        ("    answer: true\n", "    answer: false\n"),
        "questions",
        "0 of 1 true/false questions are true",
    ),
    (
        "question without explanation",
        ("    explanation: Thirty-one days.\n", ""),
        "questions.3.explanation",
        "Field required",
    ),
    ("unknown kind", ("kind: multiple", "kind: essay"), "questions.2.kind", ""),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, change, field, words", BAD_QUIZZES, ids=[b[0] for b in BAD_QUIZZES])
def test_bad_quiz_is_refused_with_file_and_field(builder, name, change, field, words):
    builder.with_quiz()
    load_curriculum(builder.root)
    before = snapshot()
    old, new = change
    assert old in QUIZ
    builder.quiz(module="module-1", text=QUIZ.replace(old, new, 1))
    errors = errors_for(builder)
    assert any(
        e.startswith(f"content/basics/module-1/check.yaml: {field}") and words in e for e in errors
    ), errors
    with pytest.raises(ContentInvalid):
        load_curriculum(builder.root)
    assert snapshot() == before


BAD_SCRIPTS = [
    (
        "reply to a missing node",
        ("        next: booked\n", "        next: bookd\n"),
        "nodes.objection.replies.0.next",
        "bookd",
    ),
    (
        "node nobody reaches",
        (
            "  booked:\n",
            "  orphan:\n    prospect: Hello?\n    end: true\n    outcome: polite_exit\n  booked:\n",
        ),
        "nodes.orphan",
        "reach",
    ),
    (
        "loop without an exit",
        (
            "        next: stop\n",
            "        next: spin\n",
            "  booked:\n",
            "  spin:\n    prospect: Sorry?\n    replies:\n      - text: Let me explain.\n"
            "        next: spin\n  booked:\n",
        ),
        "nodes.spin",
        "no path from this node",
    ),
    (
        "end node without an outcome",
        ("    outcome: meeting_booked\n", ""),
        "nodes.booked",
        "outcome",
    ),
    (
        "node without replies that is not an end",
        ("    prospect: Fine, Thursday.\n    end: true\n", "    prospect: Fine, Thursday.\n"),
        "nodes.booked",
        "",
    ),
    (
        "violation without a rule",
        ("        rules: [finra-2150b]\n", ""),
        "nodes.objection.replies.1",
        "a violation must name the rule it breaks",
    ),
    (
        "unknown rule id",
        ("        rules: [finra-2150b]\n", "        rules: [finra-2150-b]\n"),
        "nodes.objection.replies.1.rules",
        "reply 'objection.2': unknown rule id 'finra-2150-b'",
    ),
    (
        "a hand-written citation",
        ("        rules: [finra-2150b]\n", "        citation: FINRA Rule 2150(b)\n"),
        "nodes.objection.replies.1.citation",
        "citations come from the rules catalogue",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, change, field, words", BAD_SCRIPTS, ids=[b[0] for b in BAD_SCRIPTS])
def test_bad_roleplay_is_refused_with_file_and_node(builder, name, change, field, words):
    builder.with_roleplay()
    load_curriculum(builder.root)
    before = snapshot()
    text = ROLEPLAY
    for old, new in zip(change[::2], change[1::2], strict=True):
        assert old in text
        text = text.replace(old, new, 1)
    builder.write("basics/module-1/call.yaml", text)
    errors = errors_for(builder)
    assert any(
        e.startswith(f"content/basics/module-1/call.yaml: {field}") and words in e for e in errors
    ), errors
    with pytest.raises(ContentInvalid):
        load_curriculum(builder.root)
    assert snapshot() == before
