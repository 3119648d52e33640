from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    Curriculum,
    read_curriculum,
    write_curriculum,
)


class Command(BaseCommand):
    help = (
        "Validate the curriculum files, then load them into the database in one transaction. "
        "Prints what the files hold and how many rows changed; -v 2 lists each change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--root", type=Path, default=CONTENT_ROOT, help="Folder holding the course folders."
        )
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")

    def handle(self, *args, root: Path, check: bool, **options):
        try:
            curriculum = read_curriculum(root)
        except ContentInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.errors)} problem(s) found; nothing was loaded."
            ) from None
        self.stdout.write(f"Valid: {summary(curriculum)}.")
        if check:
            return
        report = write_curriculum(curriculum)
        if options["verbosity"] >= 2:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        for line in report.material_lines():
            self.stdout.write(self.style.WARNING(line))
        if report.material:
            self.stdout.write(
                "Compliance can require recertification for these modules from the review queue."
            )
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Curriculum loaded: {len(report.created)} created, "
                    f"{len(report.updated)} updated, {len(report.retired)} retired."
                )
            )
            self.stdout.write("Running servers show the changes on the next page load.")
        else:
            self.stdout.write(self.style.SUCCESS("Curriculum loaded: no changes."))


def summary(curriculum: Curriculum) -> str:
    """What the files hold, counted: rules, courses, modules, steps, quiz questions and calls."""
    courses = curriculum.courses
    steps = [step for course in courses for module in course.modules for step in module.steps]
    questions = sum(len(step.detail.questions) for step in steps if step.kind == "quiz")
    calls = sum(1 for step in steps if step.kind == "roleplay")
    return ", ".join(
        counted(n, word)
        for n, word in [
            (len(curriculum.rules), "rule"),
            (len(courses), "course"),
            (sum(len(course.modules) for course in courses), "module"),
            (len(steps), "step"),
            (questions, "quiz question"),
            (calls, "roleplay call"),
        ]
    )


def counted(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
