"""Assignments and team membership, each change written to the audit log.

Reminder emails: decide which are due, record them, hand them to the task queue.

Each reminder is a row before it is an email: the row's uniqueness means running the command
twice records nothing new, and a worker claims a row before sending so two workers never send
the same email.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.certification.services import audit_record
from courses.models import Assignment, AuditEntry, ManagerDigest, Membership, Module, Reminder, Team
from courses.platform.days import day
from courses.platform.people import display_name
from courses.progress.models import ProgressStatus as Status
from courses.teams.models import validate_due_date
from courses.teams.selectors import build_grid, reps_in_scope

Action = AuditEntry.Action


def _target_name(assignment: Assignment) -> str:
    return f"team {assignment.team.name}" if assignment.team_id else display_name(assignment.user)


@transaction.atomic
def assignment_create(
    *,
    by,
    modules: list[Module],
    due_date: datetime.date,
    team: Team | None = None,
    user=None,
    late_joiner_days: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> list[Assignment]:
    """Assign each module to a team or a person; a course is assigned as its modules.

    A due date beyond the horizon raises ValidationError and nothing is assigned.
    """
    if (team is None) == (user is None):
        raise ValueError("An assignment goes to a team or to a person.")
    now = now or timezone.now()
    validate_due_date(due_date, today=timezone.localdate(now), past_allowed=True)
    _refuse_duplicates(modules, team=team, user=user, due_date=due_date)
    created = []
    for module in modules:
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    module=module,
                    team=team,
                    user=user,
                    due_date=due_date,
                    late_joiner_days=late_joiner_days if team is not None else None,
                    note=note,
                    assigned_by=by,
                    assigned_at=now,
                )
        except IntegrityError:
            # Someone made the same assignment between the check and this write.
            _refuse_duplicates([module], team=team, user=user, due_date=due_date)
            raise
        audit_record(
            actor=by,
            action=Action.ASSIGNMENT_CREATED,
            summary=(
                f"{module.title} assigned to {_target_name(assignment)}, due {due_date:%Y-%m-%d}"
            ),
            person=user,
            team=team,
            module=module,
            obj=assignment,
            details={
                "due_date": due_date.isoformat(),
                "late_joiner_days": assignment.late_joiner_days,
                "note": note,
            },
            at=now,
        )
        created.append(assignment)
    return created


def _refuse_duplicates(modules, *, team, user, due_date: datetime.date) -> None:
    """The same module for the same person or team by the same day is asked once: raises
    ValidationError naming what is already assigned."""
    existing = (
        Assignment.objects.active()
        .filter(module__in=modules, team=team, user=user, due_date=due_date)
        .select_related("module")
        .order_by("module__position")
    )
    titles = [assignment.module.title for assignment in existing]
    if titles:
        values = {"modules": ", ".join(titles), "day": day(due_date)}
        if team is not None:
            message = _(
                "%(modules)s is already assigned to team %(team)s, due %(day)s. Nothing was "
                "assigned: change that assignment's due date instead, or choose another date."
            ) % (values | {"team": team.name})
        else:
            message = _(
                "%(modules)s is already assigned to %(person)s, due %(day)s. Nothing was "
                "assigned: change that assignment's due date instead, or choose another date."
            ) % (values | {"person": display_name(user)})
        raise ValidationError(message, code="duplicate")


@transaction.atomic
def assignment_change_due(*, by, assignment: Assignment, due_date: datetime.date) -> Assignment:
    """A due date beyond the horizon raises ValidationError and changes nothing."""
    validate_due_date(due_date, past_allowed=True)
    old = assignment.due_date
    if old == due_date:
        return assignment
    assignment.due_date = due_date
    try:
        with transaction.atomic():
            assignment.save(update_fields=["due_date"])
    except IntegrityError:
        assignment.due_date = old
        values = {"module": assignment.module.title, "day": day(due_date)}
        if assignment.team_id:
            message = _(
                "%(module)s is already assigned to team %(team)s, due %(day)s: that date is taken."
            ) % (values | {"team": assignment.team.name})
        else:
            message = _(
                "%(module)s is already assigned to %(person)s, due %(day)s: that date is taken."
            ) % (values | {"person": display_name(assignment.user)})
        raise ValidationError(message, code="duplicate") from None
    audit_record(
        actor=by,
        action=Action.ASSIGNMENT_CHANGED,
        summary=(
            f"{assignment.module.title} for {_target_name(assignment)}: due date "
            f"{old:%Y-%m-%d} → {due_date:%Y-%m-%d}"
        ),
        person=assignment.user,
        team=assignment.team,
        module=assignment.module,
        obj=assignment,
        details={"from": old.isoformat(), "to": due_date.isoformat()},
    )
    return assignment


@transaction.atomic
def assignments_change_due(
    *, by, assignments: list[Assignment], due_date: datetime.date
) -> list[Assignment]:
    """Several assignments get one new due date, each change logged as a single one is; a due
    date beyond the horizon raises ValidationError and changes none of them."""
    validate_due_date(due_date, past_allowed=True)
    return [
        assignment_change_due(by=by, assignment=assignment, due_date=due_date)
        for assignment in assignments
    ]


@transaction.atomic
def assignment_withdraw(*, by, assignment: Assignment) -> Assignment:
    if assignment.withdrawn_at is not None:
        return assignment
    assignment.withdrawn_at = timezone.now()
    assignment.withdrawn_by = by
    assignment.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=by,
        action=Action.ASSIGNMENT_WITHDRAWN,
        summary=f"{assignment.module.title} for {_target_name(assignment)} withdrawn",
        person=assignment.user,
        team=assignment.team,
        module=assignment.module,
        obj=assignment,
    )
    return assignment


class OutOfScope(Exception):
    """The person is not a rep an administrator placed in the manager's scope."""


@transaction.atomic
def team_member_add(*, by, team: Team, user, now: datetime.datetime | None = None) -> Membership:
    """Add a rep to a team. `by` may add only reps in their scope (`reps_in_scope`);
    anyone else raises OutOfScope and nothing changes."""
    if not reps_in_scope(by).filter(pk=user.pk).exists():
        raise OutOfScope(f"{user} is not in the scope of {by}.")
    now = now or timezone.now()
    membership, created = Membership.objects.get_or_create(
        team=team, user=user, defaults={"joined_at": now}
    )
    if created:
        audit_record(
            actor=by,
            action=Action.MEMBER_ADDED,
            summary=f"{display_name(user)} added to team {team.name}",
            person=user,
            team=team,
            obj=membership,
            at=now,
        )
    return membership


@transaction.atomic
def team_member_remove(*, by, team: Team, user) -> bool:
    membership = Membership.objects.filter(team=team, user=user).first()
    if membership is None:
        return False
    membership.delete()
    audit_record(
        actor=by,
        action=Action.MEMBER_REMOVED,
        summary=f"{display_name(user)} removed from team {team.name}",
        person=user,
        team=team,
    )
    return True


@dataclass
class QueueReport:
    reminders_recorded: int
    digests_recorded: int
    queued: int


def reminder_kind(due: datetime.date, today: datetime.date) -> str | None:
    days = (due - today).days
    if days == 3:
        return Reminder.Kind.DUE_IN_3_DAYS
    if days == 1:
        return Reminder.Kind.DUE_TOMORROW
    if days < 0:
        return Reminder.Kind.OVERDUE
    return None


def people_with_assignments():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(assignments__withdrawn_at__isnull=True, assignments__isnull=False)
            | Q(
                memberships__team__assignments__withdrawn_at__isnull=True,
                memberships__team__assignments__isnull=False,
            )
        )
        .distinct()
        .order_by("pk")
    )


def reminders_queue(*, today: datetime.date | None = None) -> QueueReport:
    """Record today's reminders and this week's manager digests, then queue every unsent one."""
    from courses.teams.tasks import send_digest, send_reminder

    today = today or timezone.localdate()
    now = timezone.now()
    grid = build_grid(people_with_assignments(), today=today)
    wanted = []
    overdue_people: set[int] = set()
    for row in grid.rows:
        for cell in row.cells.values():
            if cell.status is Status.DONE or cell.due is None:
                continue
            if cell.is_overdue:
                overdue_people.add(row.person.pk)
            kind = reminder_kind(cell.due, today)
            if kind is not None:
                wanted.append(
                    Reminder(
                        user_id=row.person.pk,
                        assignment_id=cell.assignment.id,
                        kind=kind,
                        due_date=cell.due,
                        queued_at=now,
                    )
                )
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(wanted, ignore_conflicts=True)
    recorded = Reminder.objects.count() - before

    week = today - datetime.timedelta(days=today.weekday())
    digests = []
    overdue_by_team: dict[int, set[int]] = {}
    for team_id, user_id in Membership.objects.filter(user_id__in=overdue_people).values_list(
        "team_id", "user_id"
    ):
        overdue_by_team.setdefault(team_id, set()).add(user_id)
    overdue_by_manager: dict[int, set[int]] = {}
    for team_id, manager_id in Team.managers.through.objects.filter(
        team_id__in=overdue_by_team
    ).values_list("team_id", "user_id"):
        overdue_by_manager.setdefault(manager_id, set()).update(overdue_by_team[team_id])
    for manager_id, reps in overdue_by_manager.items():
        digests.append(
            ManagerDigest(manager_id=manager_id, week=week, queued_at=now, overdue_count=len(reps))
        )
    before = ManagerDigest.objects.count()
    ManagerDigest.objects.bulk_create(digests, ignore_conflicts=True)
    digests_recorded = ManagerDigest.objects.count() - before

    queued = 0
    for reminder_id in Reminder.objects.filter(sent_at__isnull=True).values_list("pk", flat=True):
        send_reminder.enqueue(reminder_id)
        queued += 1
    for digest_id in ManagerDigest.objects.filter(sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        send_digest.enqueue(digest_id)
        queued += 1
    return QueueReport(recorded, digests_recorded, queued)


# A manager's "remind now" goes at most once a day per assignment and person.
REMIND_AGAIN_AFTER = datetime.timedelta(hours=24)


class ReminderRefused(Exception):
    """A reminder was sent too recently; `next_at` is when another may go."""

    def __init__(self, next_at: datetime.datetime):
        super().__init__(f"The next reminder may go at {next_at.isoformat()}.")
        self.next_at = next_at


@transaction.atomic
def reminder_send_now(
    *, by, assignment: Assignment, user, due: datetime.date, now: datetime.datetime | None = None
) -> Reminder:
    """Record a reminder a manager asked for, log it, and queue its email once committed.

    Raises ReminderRefused if one went to this person about this assignment within
    REMIND_AGAIN_AFTER; nothing is recorded or sent then.
    """
    from courses.teams.tasks import send_reminder

    now = now or timezone.now()
    # Two presses at once: the second waits for the first (SQLite's write lock serialises
    # writing transactions anyway), then sees its reminder.
    list(Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk"))
    last = (
        Reminder.objects.filter(assignment=assignment, user=user, kind=Reminder.Kind.NOW)
        .order_by("-queued_at")
        .values_list("queued_at", flat=True)
        .first()
    )
    if last is not None and now < last + REMIND_AGAIN_AFTER:
        raise ReminderRefused(last + REMIND_AGAIN_AFTER)
    reminder = Reminder.objects.create(
        user=user,
        assignment=assignment,
        kind=Reminder.Kind.NOW,
        due_date=due,
        queued_at=now,
        requested_by=by,
    )
    audit_record(
        actor=by,
        action=Action.ASSIGNMENT_REMINDED,
        summary=(f"{display_name(user)} reminded of {assignment.module.title}, due {due:%Y-%m-%d}"),
        person=user,
        team=assignment.team,
        module=assignment.module,
        obj=assignment,
        details={"reminder": reminder.pk, "due_date": due.isoformat()},
        at=now,
    )
    transaction.on_commit(lambda: send_reminder.enqueue(reminder.pk))
    return reminder
