"""Loading the curriculum from its files: what is created, what a second load changes (nothing),
retiring what was removed, refusing bad content without a change, and the command.
"""

import io
import re

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
from tests.curriculum.support import errors_for, snapshot


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
        assert capsys.readouterr().out == (
            "Valid: 9 rules, 1 course, 1 module, 2 steps, 0 quiz questions, 0 roleplay calls.\n"
        )
        assert not Module.objects.exists()

    def test_by_default_it_prints_a_summary_not_every_row(self, builder):
        builder.required_module()
        builder.course(modules=["module-1"])
        out = io.StringIO()
        call_command("load_content", root=builder.root, stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0] == (
            "Valid: 9 rules, 1 course, 1 module, 3 steps, 4 quiz questions, 1 roleplay call."
        )
        assert re.fullmatch(r"Curriculum loaded: \d+ created, 0 updated, 0 retired\.", lines[1])
        assert len(lines) == 3 and "created " not in out.getvalue()
        again = io.StringIO()
        call_command("load_content", root=builder.root, stdout=again)
        assert again.getvalue().splitlines()[1:] == ["Curriculum loaded: no changes."]

    def test_verbosity_2_lists_each_change(self, builder):
        builder.simple()
        out = io.StringIO()
        call_command("load_content", root=builder.root, stdout=out, verbosity=2)
        assert "  created module module-1" in out.getvalue().splitlines()
        assert "  created step module-1/lesson-1" in out.getvalue().splitlines()
        call_command("load_content", root=builder.root, stdout=out, verbosity=2)
        assert "  no changes" in out.getvalue().splitlines()

    def test_errors_exit_non_zero_and_name_the_file(self, builder, capsys):
        builder.simple()
        builder.write("basics/module-1/lesson-1.md", "---\ntitle: X\n---\n")
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("load_content", root=builder.root)
        assert "lesson-1.md: body: the lesson is empty" in capsys.readouterr().err
        assert not Module.objects.exists()


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
