"""Assignments and team membership, each change written to the audit log."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Assignment, AuditEntry, Membership, Module, Team
from .audit import audit_record, name_of

Action = AuditEntry.Action


def _target_name(assignment: Assignment) -> str:
    return f"team {assignment.team.name}" if assignment.team_id else name_of(assignment.user)


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
) -> list[Assignment]:
    """Assign each module to a team or a person; a course is assigned as its modules."""
    if (team is None) == (user is None):
        raise ValueError("An assignment goes to a team or to a person.")
    now = timezone.now()
    created = []
    for module in modules:
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
        )
        created.append(assignment)
    return created


@transaction.atomic
def assignment_change_due(*, by, assignment: Assignment, due_date: datetime.date) -> Assignment:
    old = assignment.due_date
    if old == due_date:
        return assignment
    assignment.due_date = due_date
    assignment.save(update_fields=["due_date"])
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


@transaction.atomic
def team_member_add(*, by, team: Team, user) -> Membership:
    membership, created = Membership.objects.get_or_create(team=team, user=user)
    if created:
        audit_record(
            actor=by,
            action=Action.MEMBER_ADDED,
            summary=f"{name_of(user)} added to team {team.name}",
            person=user,
            team=team,
            obj=membership,
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
        summary=f"{name_of(user)} removed from team {team.name}",
        person=user,
        team=team,
    )
    return True
