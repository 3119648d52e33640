from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    read_curriculum,
    write_curriculum,
)


class Command(BaseCommand):
    help = "Validate the curriculum files, then load them into the database in one transaction."

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
        courses = curriculum.courses
        modules = sum(len(course.modules) for course in courses)
        steps = sum(len(module.steps) for course in courses for module in course.modules)
        self.stdout.write(
            f"Valid: {len(curriculum.rules)} rules, {len(courses)} courses, {modules} modules, "
            f"{steps} steps."
        )
        if check:
            return
        report = write_curriculum(curriculum)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        for line in report.material_lines():
            self.stdout.write(self.style.WARNING(line))
        if report.material:
            self.stdout.write(
                "Compliance can require recertification for these modules from the review queue."
            )
        self.stdout.write(self.style.SUCCESS("Curriculum loaded."))
        if report.changed:
            self.stdout.write("Running servers show the changes on the next page load.")
