import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    load_curriculum,
    read_curriculum,
)
from courses.models import Course, Module, Step, StepCompletion
from tests.support import QUIZ, ROLEPLAY


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


@pytest.mark.django_db
class TestLoading:
    def test_loads_courses_modules_and_steps_in_order(self, builder):
        builder.simple(modules=2, lessons=3)
        report = load_curriculum(builder.root)
        assert Course.objects.get().title == "Basics"
        assert list(Module.objects.values_list("slug", flat=True)) == ["module-1", "module-2"]
        steps = Step.objects.filter(module__slug="module-1").order_by("position")
        assert [s.slug for s in steps] == ["lesson-1", "lesson-2", "lesson-3"]
        assert "created module module-1" in report.lines()

    def test_loading_twice_changes_nothing(self, builder):
        builder.simple(modules=2, lessons=2)
        load_curriculum(builder.root)
        before = snapshot()
        report = load_curriculum(builder.root)
        assert not report.changed
        assert report.lines() == ["no changes"]
        assert snapshot() == before

    def test_content_version_follows_the_files(self, builder):
        builder.simple()
        load_curriculum(builder.root)
        first = Module.objects.get().content_version
        assert len(first) == 64
        builder.write("basics/module-1/lesson-1.md", "---\ntitle: Changed\n---\nNew text.\n")
        report = load_curriculum(builder.root)
        assert Module.objects.get().content_version != first
        assert any(line.startswith("updated step module-1/lesson-1") for line in report.lines())

    def test_markdown_is_rendered_once_and_sanitised(self, builder):
        builder.simple()
        builder.write(
            "basics/module-1/lesson-1.md",
            """\
            ---
            title: Safe
            ---
            # Top heading

            A [link](https://example.com) and <script>alert("x")</script>
            [bad](javascript:alert(1)) <img src=x onerror=alert(1)>
            """,
        )
        load_curriculum(builder.root)
        html = Step.objects.get(slug="lesson-1").body_html
        assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in html
        assert "<h2>Top heading</h2>" in html
        assert "<script" not in html and "<img" not in html
        assert 'href="javascript' not in html

    def test_removed_lesson_is_retired_and_its_progress_survives(self, builder, rep):
        builder.simple(lessons=2)
        load_curriculum(builder.root)
        step = Step.objects.get(slug="lesson-2")
        StepCompletion.objects.create(
            user=rep, step=step, completed_at="2026-01-01T00:00Z", content_version="v1"
        )
        builder.module(slug="module-1", lessons=["lesson-1"])
        report = load_curriculum(builder.root)
        step.refresh_from_db()
        assert step.retired_at is not None
        assert "retired step module-1/lesson-2" in report.lines()
        assert StepCompletion.objects.filter(step=step).exists()
        # Putting it back brings the same step back.
        builder.module(slug="module-1", lessons=["lesson-1", "lesson-2"])
        load_curriculum(builder.root)
        step.refresh_from_db()
        assert step.retired_at is None

    def test_removed_module_and_course_are_retired(self, builder):
        builder.simple(modules=2)
        load_curriculum(builder.root)
        builder.course(modules=["module-1"])
        (builder.root / "basics/module-2/module.yaml").unlink()
        load_curriculum(builder.root)
        assert Module.objects.get(slug="module-2").retired_at is not None
        assert list(Module.objects.published().values_list("slug", flat=True)) == ["module-1"]

    def test_the_real_curriculum_is_valid(self):
        courses = read_curriculum(CONTENT_ROOT)
        assert courses, "the shipped curriculum has courses"


@pytest.mark.django_db
class TestBadContent:
    """Each kind of broken file names its file and field, and the database stays as it was."""

    @pytest.fixture(autouse=True)
    def loaded(self, builder):
        builder.simple(modules=1, lessons=2)
        load_curriculum(builder.root)
        self.before = snapshot()
        yield
        with pytest.raises(ContentInvalid):
            load_curriculum(builder.root)
        assert snapshot() == self.before

    def test_unreadable_yaml_gives_the_line(self, builder):
        builder.write(
            "basics/module-1/module.yaml",
            "title: Broken\nrules_as_of: 2026-01-31\nsteps:\n  - lesson: [unclosed\n",
        )
        (error,) = errors_for(builder)
        assert error.startswith("content/basics/module-1/module.yaml:")
        assert "unreadable YAML" in error
        assert error.split(":")[1].isdigit()

    def test_unreadable_yaml_in_a_lesson_header_gives_the_file_line(self, builder):
        builder.write("basics/module-1/lesson-1.md", "---\ntitle: [oops\n---\nBody\n")
        (error,) = errors_for(builder)
        assert error.startswith("content/basics/module-1/lesson-1.md:")
        assert "unreadable YAML" in error

    def test_missing_required_field(self, builder):
        builder.write(
            "basics/module-1/module.yaml", "title: No date\nsteps:\n  - lesson: lesson-1.md\n"
        )
        assert errors_for(builder) == [
            "content/basics/module-1/module.yaml: rules_as_of: Field required"
        ]

    def test_lesson_without_title(self, builder):
        builder.write("basics/module-1/lesson-1.md", "---\nminutes: 3\n---\nBody\n")
        assert errors_for(builder) == ["content/basics/module-1/lesson-1.md: title: Field required"]

    def test_unknown_step_kind(self, builder):
        builder.module(slug="module-1", lessons=["lesson-1"], extra_steps="  - video: intro.mp4\n")
        (error,) = errors_for(builder)
        assert error.startswith("content/basics/module-1/module.yaml: steps.1: unknown step kind")
        assert "'video'" in error

    def test_duplicate_step_slugs(self, builder):
        builder.module(
            slug="module-1", lessons=["lesson-1"], extra_steps="  - lesson: lesson-1.md\n"
        )
        assert errors_for(builder) == [
            "content/basics/module-1/module.yaml: steps.1: duplicate step 'lesson-1' (also steps.0)"
        ]

    def test_duplicate_module_slugs_across_courses(self, builder):
        builder.course(slug="more", modules=["module-1"], title="More", order=2)
        builder.module(course="more", slug="module-1")
        (error,) = errors_for(builder)
        assert "duplicate module slug 'module-1'" in error

    def test_module_refers_to_a_missing_file(self, builder):
        builder.module(slug="module-1", lessons=["lesson-1"], extra_steps="  - lesson: gone.md\n")
        assert errors_for(builder) == [
            "content/basics/module-1/module.yaml: steps.1.lesson: "
            "refers to a missing file 'gone.md'"
        ]

    def test_course_refers_to_a_missing_module(self, builder):
        builder.course(modules=["module-1", "module-9"])
        assert errors_for(builder) == [
            "content/basics/course.yaml: modules.1: refers to a missing folder "
            "'module-9/module.yaml'"
        ]

    def test_empty_lesson(self, builder):
        builder.write("basics/module-1/lesson-2.md", "---\ntitle: Empty\n---\n\n   \n")
        assert errors_for(builder) == [
            "content/basics/module-1/lesson-2.md: body: the lesson is empty"
        ]

    def test_lesson_without_header(self, builder):
        builder.write("basics/module-1/lesson-2.md", "Just text.\n")
        (error,) = errors_for(builder)
        assert "lesson-2.md:1: header:" in error

    def test_file_that_is_not_utf8(self, builder):
        (builder.root / "basics/module-1/lesson-2.md").write_bytes(b"---\ntitle: \xff\n---\nx\n")
        (error,) = errors_for(builder)
        assert "lesson-2.md: not valid UTF-8" in error

    def test_every_problem_is_reported_at_once(self, builder):
        builder.write("basics/module-1/lesson-1.md", "---\ntitle: Empty\n---\n")
        builder.write("basics/module-1/lesson-2.md", "---\nminutes: 2\n---\nBody\n")
        assert len(errors_for(builder)) == 2

    def test_wrong_type(self, builder):
        builder.write(
            "basics/module-1/module.yaml",
            "title: T\nrules_as_of: yesterday\nsteps:\n  - lesson: lesson-1.md\n",
        )
        (error,) = errors_for(builder)
        assert error.startswith("content/basics/module-1/module.yaml: rules_as_of:")


@pytest.mark.django_db
class TestCommand:
    def test_check_writes_nothing(self, builder, capsys):
        builder.simple()
        call_command("load_content", root=builder.root, check=True)
        assert "Valid: 9 rules, 1 courses, 1 modules, 2 steps." in capsys.readouterr().out
        assert not Module.objects.exists()

    def test_load_prints_changes_then_no_changes(self, builder, capsys):
        builder.simple()
        call_command("load_content", root=builder.root)
        assert "created module module-1" in capsys.readouterr().out
        call_command("load_content", root=builder.root)
        assert "no changes" in capsys.readouterr().out

    def test_errors_exit_non_zero_and_name_the_file(self, builder, capsys):
        builder.simple()
        builder.write("basics/module-1/lesson-1.md", "---\ntitle: X\n---\n")
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("load_content", root=builder.root)
        assert "lesson-1.md: body: the lesson is empty" in capsys.readouterr().err
        assert not Module.objects.exists()


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


@pytest.mark.django_db
def test_roleplay_loads_with_its_best_scores(builder):
    from courses.models import RoleplayScript

    builder.with_roleplay()
    load_curriculum(builder.root)
    script = RoleplayScript.objects.get()
    assert script.best == {"rapport": 2, "discovery": 1, "objections": 3, "compliance": 9}
    assert (script.best_total, script.pass_mark) == (12, 60)
    assert script.step.title == "Not interested"


@pytest.mark.django_db
def test_content_loads_are_audited_with_their_versions(builder):
    from courses.models import AuditEntry

    builder.simple()
    load_curriculum(builder.root)
    load_curriculum(builder.root)  # no changes: no entry
    (entry,) = AuditEntry.objects.filter(action=AuditEntry.Action.CONTENT_LOADED)
    assert entry.details["versions"] == {"module-1": Module.objects.get().content_version}
    assert "module module-1" in entry.details["created"]


# --- The rules catalogue ------------------------------------------------------------------------


def required_module(builder):
    """A module required for certification: held to the legal standard."""
    builder.course(modules=["module-1"])
    builder.required_module()


@pytest.mark.django_db
class TestRulesCatalogue:
    def test_rules_load_and_items_point_at_them(self, builder):
        from courses.models import Question, RoleplayScript, Rule

        required_module(builder)
        load_curriculum(builder.root)
        assert Rule.objects.count() == 9
        question = Question.objects.get(key="registry-permanent")
        assert list(question.rules.values_list("slug", flat=True)) == ["registry-permanent"]
        assert question.citation == "15 U.S.C. 6155"
        lesson = Step.objects.get(slug="intro")
        assert list(lesson.rules.values_list("slug", flat=True)) == ["fcc-calling-hours"]
        call = Step.objects.get(slug="call")
        assert set(call.rules.values_list("slug", flat=True)) == {
            "tsr-disclosures",
            "finra-2150b",
            "fcc-company-dnc-honor",
        }
        reply = RoleplayScript.objects.get().parsed().reply("objection.2")
        assert (reply.rules, reply.citation) == (("finra-2150b",), "FINRA Rule 2150(b)")

    def test_an_inline_reference_shows_the_catalogues_citation(self, builder):
        builder.simple(lessons=1)
        builder.write(
            "basics/module-1/lesson-1.md",
            "---\ntitle: Hours\n---\nNo calls after 9 p.m. ([[fcc-calling-hours]]).\n",
        )
        load_curriculum(builder.root)
        lesson = Step.objects.get()
        assert (
            '<cite class="rule" title="Calling hours">47 CFR 64.1200(c)(1)</cite>'
            in lesson.body_html
        )
        # Cited in passing is not taught: the rules a lesson teaches are those its header lists.
        assert not lesson.rules.exists()

    @pytest.mark.parametrize(
        "file, change, expected",
        [
            (
                "basics/module-1/intro.md",
                ("rules: [fcc-calling-hours]\n", ""),
                "intro.md: rules: a lesson of a module required for certification lists the rules",
            ),
            (
                "basics/module-1/check.yaml",
                ("    rules: [registry-permanent]\n", ""),
                "check.yaml: questions.0.rules: question 'registry-permanent': a question of a "
                "module required for certification names the rules",
            ),
            (
                "basics/module-1/check.yaml",
                ("        feedback: Registrations do not lapse.\n", ""),
                "check.yaml: questions.0.choices.2.feedback: question 'registry-permanent': in a "
                "module required for certification every wrong choice says why it is wrong",
            ),
            (
                "basics/module-1/call.yaml",
                (
                    "        feedback: You did not say who you are or why you called.\n"
                    "        rules: [tsr-disclosures]\n",
                    "        feedback: You did not say who you are or why you called.\n",
                ),
                "call.yaml: nodes.opening.replies.1.rules: reply 'opening.2': a reply scored on "
                "compliance in a module required for certification names its rules",
            ),
        ],
    )
    def test_a_required_module_is_held_to_the_legal_standard(self, builder, file, change, expected):
        required_module(builder)
        path = builder.root / file
        text = path.read_text()
        assert change[0] in text
        path.write_text(text.replace(change[0], change[1], 1))
        assert any(expected in error for error in errors_for(builder)), errors_for(builder)

    def test_load_content_check_refuses_an_unknown_rule_id(self, builder, capsys):
        required_module(builder)
        quiz = builder.root / "basics/module-1/check.yaml"
        quiz.write_text(quiz.read_text().replace("[registry-permanent]", "[registry-forever]"))
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("load_content", root=builder.root, check=True)
        assert (
            "content/basics/module-1/check.yaml: questions.0.rules: question 'registry-permanent':"
            " unknown rule id 'registry-forever'" in capsys.readouterr().err
        )

    def test_a_duplicate_rule_id_is_refused(self, builder):
        builder.simple()
        builder.write(
            "rules/more.yaml",
            "authority: FCC\nbinds: every-caller\nrules:\n  - id: fcc-calling-hours\n"
            "    title: Again\n    citation: 47 CFR 64.1200(c)(1)\n    statement: Again.\n"
            "    source: primary\n    checked: 2026-11-30\n",
        )
        assert any(
            "duplicate rule id 'fcc-calling-hours' (also in more.yaml)" in e
            for e in errors_for(builder)
        )

    def test_correcting_a_rule_reaches_every_item_and_versions_the_module(self, builder):
        from courses.models import Question

        required_module(builder)
        load_curriculum(builder.root)
        module = Module.objects.get()
        catalogue = builder.root / "rules/rules.yaml"
        catalogue.write_text(
            catalogue.read_text().replace("citation: 15 U.S.C. 6155", "citation: 15 U.S.C. 6155(a)")
        )
        report = load_curriculum(builder.root)
        assert "rule registry-permanent (citation)" in report.updated
        assert Question.objects.get(key="registry-permanent").citation == "15 U.S.C. 6155(a)"
        changed = Module.objects.get()
        assert changed.content_version != module.content_version
        # A citation is a correction of form, not of substance: no recertification.
        assert changed.material_version == module.material_version
        assert not report.material

    def test_a_changed_statement_is_a_material_change_for_the_modules_citing_it(
        self, builder, capsys
    ):
        required_module(builder)
        builder.course(modules=["module-1", "module-2"])
        builder.module(slug="module-2", lessons=["other"])  # cites fcc-calling-hours only
        call_command("load_content", root=builder.root)
        before = {m.slug: m.material_version for m in Module.objects.all()}
        catalogue = builder.root / "rules/rules.yaml"
        catalogue.write_text(
            catalogue.read_text().replace(
                "statement: Sellers access the registry at least every 31 days.",
                "statement: Sellers access the registry at least every 31 days, and keep proof.",
            )
        )
        capsys.readouterr()
        call_command("load_content", root=builder.root)
        out = capsys.readouterr().out
        assert "rule tsr-registry-access changed: a material change for module module-1" in out
        after = {m.slug: m for m in Module.objects.all()}
        assert after["module-1"].material_version == before["module-1"] + 1
        assert "Scrub against the registry every 31 days (tsr-registry-access)" in (
            after["module-1"].rule_change_note
        )
        assert after["module-2"].material_version == before["module-2"]
        # Loading again is not another change.
        call_command("load_content", root=builder.root)
        assert Module.objects.get(slug="module-1").material_version == before["module-1"] + 1
