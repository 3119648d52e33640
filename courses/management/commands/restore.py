from django.core.management.base import BaseCommand, CommandError

from courses.certification.selectors import audit_chain_verdict
from courses.platform.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `manage.py backup`, then check that the "
        "audit chain verifies. Stop the site first: pages served during a restore would read "
        "a database that is being replaced. Refuses to run without --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that the site is stopped and its database may be replaced.",
        )
        parser.add_argument("--database", default="default", help="The database to replace.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces everything in the database with the backup. Stop the "
                "site, then run again with --yes.",
                returncode=2,
            )
        try:
            copy = restore(options["database"], options["path"])
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(f"Restored {copy.describe()} from {options['path']}.")
        verdict = audit_chain_verdict(using=options["database"])
        if not verdict.intact:
            raise CommandError(verdict.message(), returncode=1)
        self.stdout.write(verdict.message() + ".")
