"""Teams: who manages whom. A manager's reach is exactly the members of their teams.

Assignments: a manager asks a rep, or a whole team, to complete a module by a date.

Reminder emails, recorded before they are sent so that each is sent once.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.curriculum.models import Module


class TeamQuerySet(models.QuerySet):
    def managed_by(self, user):
        return self.filter(managers=user)


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "user__last_name", "user__first_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} in {self.team}"


class ManagerScope(models.Model):
    """An administrator's word that a manager may add this rep to their teams.

    A manager reaches the members of their teams; which reps they may make members is decided
    by an administrator, one row per manager and rep, edited in the admin. Scope is checked
    when a rep is added (`teams.selectors.reps_in_scope`): taking a rep out of a manager's scope
    leaves the teams as they are, and an administrator removes the membership if it should go.
    """

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scope",
        limit_choices_to={"groups__name": "Manager"},
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="in_scope_of",
        limit_choices_to={"groups__name": "Rep"},
    )
    placed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["manager__username", "rep__username"]
        verbose_name = gettext_lazy("rep in a manager's scope")
        verbose_name_plural = gettext_lazy("reps in managers' scopes")
        constraints = [
            models.UniqueConstraint(fields=["manager", "rep"], name="manager_scope_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("rep")), name="manager_scope_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.rep} in the scope of {self.manager}"


# How far ahead a due date may be. It also keeps the day after any due date (when a superseded
# certificate stops being valid) a day the calendar holds.
DUE_DATE_HORIZON = datetime.timedelta(days=3 * 365)


def validate_due_date(
    due: datetime.date, *, today: datetime.date | None = None, past_allowed: bool = False
) -> None:
    """The bounds of a due date: at most three years away and, unless `past_allowed`, not
    before today. Raises ValidationError with the message to show.

    A person choosing a date in a form may not pick a past day; the services accept one (an
    overdue assignment can be recorded, as the demo data does) but never one beyond the horizon.
    """
    today = today or timezone.localdate()
    if not past_allowed and due < today:
        raise ValidationError(_("The due date cannot be in the past."), code="past")
    latest = today + DUE_DATE_HORIZON
    if due > latest:
        raise ValidationError(
            _("The due date is more than three years away: the latest is %(day)s.")
            % {"day": formats.date_format(latest, "d M Y")},
            code="too_far",
        )


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
        help_text=gettext_lazy(
            "Team assignments: people who join later are due this many days after "
            "joining. Empty: they share the team's due date."
        ),
    )
    note = models.TextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments_made",
        help_text=gettext_lazy(
            "Empty when the system assigned it (for example at certificate expiry)."
        ),
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
            # The same module for the same person or team by the same day is asked once: a
            # second such request (a double post, two managers at once) is refused. System
            # reassignments (certificate expiry) are left out, so an expiry sweep never fails.
            models.UniqueConstraint(
                fields=["module", "user", "due_date"],
                condition=models.Q(
                    withdrawn_at__isnull=True, user__isnull=False, assigned_by__isnull=False
                ),
                name="assignment_once_per_person_and_day",
            ),
            models.UniqueConstraint(
                fields=["module", "team", "due_date"],
                condition=models.Q(
                    withdrawn_at__isnull=True, team__isnull=False, assigned_by__isnull=False
                ),
                name="assignment_once_per_team_and_day",
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


class TeamTally(models.Model):
    """How a team stands in a module, counted ahead: the read model the team dashboard sums.

    One row per team, module, due date and done-or-not, counting the members of the team who
    belong to no other team (a person in several teams is counted when the page is read: which
    of their assignments apply depends on the teams chosen). Due dates are stored rather than
    "overdue", so the counts never go stale as days pass. Kept in step by `courses.teams.tally`
    in the transaction of every change to assignments, memberships and progress.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    done = models.BooleanField()
    people = models.PositiveIntegerField()
    quiz_total = models.DecimalField(
        max_digits=12,
        decimal_places=1,
        default=0,
        help_text=gettext_lazy("Sum of their best quiz results."),
    )
    quiz_count = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("How many have a quiz result.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "module", "due_date", "done"], name="one_tally_per_group"
            )
        ]

    def __str__(self):
        return f"{self.team} in {self.module}, due {self.due_date}: {self.people}"


class Reminder(models.Model):
    class Kind(models.TextChoices):
        DUE_IN_3_DAYS = "due-3", gettext_lazy("Due in 3 days")
        DUE_TOMORROW = "due-1", gettext_lazy("Due tomorrow")
        OVERDUE = "overdue", gettext_lazy("Overdue")
        NOW = "now", gettext_lazy("Sent by a manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_date = models.DateField(help_text=gettext_lazy("The due date the reminder was about."))
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When a worker took it to send. A claim older than the lease is taken again: "
            "the worker stopped before sending."
        ),
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            'The manager who pressed "remind now"; empty for the scheduled reminders.'
        ),
    )

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            # Scheduled reminders go once per due date; a manager's are limited in time instead.
            models.UniqueConstraint(
                fields=["user", "assignment", "kind", "due_date"],
                condition=~models.Q(kind="now"),
                name="reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} about {self.assignment.module}"


class ManagerDigest(models.Model):
    """The weekly email to a manager listing their overdue reps; one per manager per week."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    week = models.DateField(help_text=gettext_lazy("The Monday of the week it covers."))
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When a worker took it to send. A claim older than the lease is taken again: "
            "the worker stopped before sending."
        ),
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    overdue_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "week"], name="digest_once_a_week")
        ]

    def __str__(self):
        return f"Digest for {self.manager}, week of {self.week}"
