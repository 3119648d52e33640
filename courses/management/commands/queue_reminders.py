from django.core.management.base import BaseCommand

from courses.teams.services import reminders_queue


class Command(BaseCommand):
    help = (
        "Record the reminder emails due today (3 days and 1 day before a due date, and when "
        "overdue) and this week's manager digests, and queue them for sending. Run it daily "
        "from a scheduler; running it again sends nothing twice."
    )

    def handle(self, *args, **options):
        report = reminders_queue()
        self.stdout.write(
            f"Recorded {report.reminders_recorded} reminder(s) and {report.digests_recorded} "
            f"digest(s); queued {report.queued} email(s)."
        )
