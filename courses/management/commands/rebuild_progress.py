from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import Team
from courses.progress.read_model import rebuild, recomputed, stored
from courses.teams import tally


class Command(BaseCommand):
    help = (
        "Recompute every person's progress in every module from the completions, quiz "
        "attempts and calls themselves, and every team's tallies (after a restore, an import "
        "or a manual correction)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare: list the rows that differ from the facts and fail if any do.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            return self.check()
        with transaction.atomic():
            written, removed = rebuild()
            tallies = tally.rebuild()
        self.stdout.write(
            f"Progress rebuilt: {written} rows written, {removed} removed; "
            f"{tallies} team tallies counted."
        )

    def check(self):
        differing = self.report("progress row", recomputed(), stored(), "person {}, module {}")
        teams = Team.objects.values_list("pk", flat=True)
        expected, actual = tally.measured(teams), tally.stored()
        differing += self.report(
            "team tally", expected, actual, "team {}, module {}, due {}, done {}"
        )
        if differing:
            raise CommandError(f"{differing} rows differ from the facts.")
        self.stdout.write(
            f"All {len(stored())} progress rows and {len(actual)} team tallies match the facts."
        )

    def report(self, what: str, expected: dict, actual: dict, name: str) -> int:
        differing = sorted(
            (
                key
                for key in expected.keys() | actual.keys()
                if expected.get(key) != actual.get(key)
            ),
            key=str,
        )
        for key in differing[:50]:
            self.stdout.write(
                f"{what} of {name.format(*key)}: stored {actual.get(key)}, "
                f"facts say {expected.get(key)}"
            )
        return len(differing)
