from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.progress.read_model import rebuild, recomputed, stored


class Command(BaseCommand):
    help = (
        "Recompute every person's progress in every module from the completions, quiz "
        "attempts and calls themselves (after a restore, an import or a manual correction)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare: list the rows that differ from the facts and fail if any do.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            expected, actual = recomputed(), stored()
            differing = sorted(
                key
                for key in expected.keys() | actual.keys()
                if expected.get(key) != actual.get(key)
            )
            for user_id, module_id in differing[:50]:
                self.stdout.write(
                    f"person {user_id}, module {module_id}: stored "
                    f"{actual.get((user_id, module_id))}, facts say "
                    f"{expected.get((user_id, module_id))}"
                )
            if differing:
                raise CommandError(f"{len(differing)} progress rows differ from the facts.")
            self.stdout.write(f"All {len(actual)} progress rows match the facts.")
            return
        with transaction.atomic():
            written, removed = rebuild()
        self.stdout.write(f"Progress rebuilt: {written} rows written, {removed} removed.")
