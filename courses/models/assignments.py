"""Assignments: a manager asks a rep, or a whole team, to complete a module by a date."""

import datetime

from django.conf import settings
from django.db import models

from .content import Module
from .teams import Team


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def reaching(self, users):
        """Active assignments that reach any of `users`, directly or through their teams."""
        return (
            self.active()
            .filter(models.Q(user__in=users) | models.Q(team__memberships__user__in=users))
            .distinct()
        )


class Assignment(models.Model):
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    due_date = models.DateField()
    late_joiner_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Team assignments: people who join later are due this many days after "
        "joining. Empty: they share the team's due date.",
    )
    note = models.TextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments_made",
        help_text="Empty when the system assigned it (for example at certificate expiry).",
    )
    assigned_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments_withdrawn",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(team__isnull=False, user__isnull=True)
                    | models.Q(team__isnull=True, user__isnull=False)
                ),
                name="assignment_to_a_team_or_a_person",
            ),
        ]

    def __str__(self):
        return f"{self.module} for {self.team or self.user}, due {self.due_date}"

    def due_for(self, joined_at: datetime.datetime | None) -> datetime.date:
        """The due date for a member of the team who joined at `joined_at`."""
        if (
            self.team_id is not None
            and self.late_joiner_days is not None
            and joined_at is not None
            and joined_at > self.assigned_at
        ):
            return joined_at.date() + datetime.timedelta(days=self.late_joiner_days)
        return self.due_date
