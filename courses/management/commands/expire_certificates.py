from django.core.management.base import BaseCommand

from courses.certification.services import certificates_expire


class Command(BaseCommand):
    help = (
        "Process certificates whose expiry date has passed: each is marked expired once and its "
        "module assigned to the holder again. Run it daily from a scheduler."
    )

    def handle(self, *args, **options):
        count = certificates_expire()
        self.stdout.write(f"{count} certificate(s) expired and reassigned.")
