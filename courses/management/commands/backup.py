from django.core.management.base import BaseCommand, CommandError

from courses.platform.backups import BackupError, backup, size_text


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH while the site keeps serving: "
        "SQLite through its online backup API, PostgreSQL through pg_dump (custom format). "
        "The copy is written to PATH.partial, checked, then renamed to PATH."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write.")
        parser.add_argument("--database", default="default", help="The database to back up.")

    def handle(self, *args, **options):
        try:
            copy = backup(options["database"], options["path"])
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(
            f"Backed up {copy.describe()} to {options['path']} ({size_text(copy.size)})."
        )
