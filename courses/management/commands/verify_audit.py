from django.core.management.base import BaseCommand, CommandError

from courses.certification.selectors import audit_chain_verdict


class Command(BaseCommand):
    help = (
        "Check that the audit log is an unbroken hash chain: no entry changed, removed or "
        "reordered since it was written. Exits with 1 and names the first broken entry if not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to check.")

    def handle(self, *args, **options):
        verdict = audit_chain_verdict(using=options["database"])
        if not verdict.intact:
            raise CommandError(verdict.message(), returncode=1)
        self.stdout.write(verdict.message())
