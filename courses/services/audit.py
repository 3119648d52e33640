"""Writing the audit log: every service that changes something an auditor cares about calls this."""

from django.utils import timezone

from ..models import AuditEntry


def audit_record(
    *,
    actor,
    action: AuditEntry.Action,
    summary: str,
    person=None,
    team=None,
    module=None,
    obj=None,
    details: dict | None = None,
    at=None,
) -> AuditEntry:
    """Log what happened; `at` is when it happened (now, unless the caller says otherwise)."""
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:500],
        person=person,
        team_name=team.name if team is not None else "",
        module_slug=module.slug if module is not None else "",
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=details or {},
    )


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()
