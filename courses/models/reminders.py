"""Reminder emails, recorded before they are sent so that each is sent once."""

from django.conf import settings
from django.db import models

from .assignments import Assignment


class Reminder(models.Model):
    class Kind(models.TextChoices):
        DUE_IN_3_DAYS = "due-3", "Due in 3 days"
        DUE_TOMORROW = "due-1", "Due tomorrow"
        OVERDUE = "overdue", "Overdue"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_date = models.DateField(help_text="The due date the reminder was about.")
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assignment", "kind", "due_date"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} about {self.assignment.module}"


class ManagerDigest(models.Model):
    """The weekly email to a manager listing their overdue reps; one per manager per week."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    week = models.DateField(help_text="The Monday of the week it covers.")
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    overdue_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "week"], name="digest_once_a_week")
        ]

    def __str__(self):
        return f"Digest for {self.manager}, week of {self.week}"
