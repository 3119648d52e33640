"""Django's admin, with every change made there written to the audit log.

The admin records each addition, change and deletion as a LogEntry through its ModelAdmin's
`log_addition`, `log_change` and `log_deletions` (deletions in bulk: one call for everything a
"delete selected" action removes, which `bulk_create` writes without any `post_save`). The site
here gives every ModelAdmin registered on it, the project's and other apps' alike, those three
methods with an audit entry added: who did it, which object, and the admin's change message.

Settings name `AuditedAdminConfig` in place of "django.contrib.admin", so that `admin.site`
is this site.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.utils import translation


class AuditedChanges:
    """Mixed into each registered ModelAdmin: its LogEntries go to the audit log too."""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        record_admin_change(actor=request.user, obj=obj, entry=entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        record_admin_change(actor=request.user, obj=obj, entry=entry)
        return entry

    def log_deletions(self, request, queryset):
        # Called before the deletion: the objects are still there to be named.
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj, entry in zip(objects, entries, strict=True):
            record_admin_change(actor=request.user, obj=obj, entry=entry)
        return entries


class AuditedAdminSite(AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, AuditedChanges):
            admin_class = type(
                admin_class.__name__,
                (AuditedChanges, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class AuditedAdminConfig(AdminConfig):
    default_site = "courses.platform.adminsite.AuditedAdminSite"


def record_admin_change(*, actor, obj, entry):
    """One audit entry for one LogEntry: the actor, the object, what the admin says changed."""
    # Imported here: this module is loaded with the settings' apps, before any model is.
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION
    from django.contrib.auth import get_user_model

    from courses.certification.models import AuditEntry
    from courses.certification.services import audit_record

    action = {
        ADDITION: AuditEntry.Action.ADMIN_ADDED,
        CHANGE: AuditEntry.Action.ADMIN_CHANGED,
        DELETION: AuditEntry.Action.ADMIN_DELETED,
    }[entry.action_flag]
    done = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}[entry.action_flag]
    User = get_user_model()
    if isinstance(obj, User):
        # A deleted account cannot stay the subject of an entry (the log protects its rows).
        person = None if entry.action_flag == DELETION else obj
    else:
        owner = getattr(obj, "user", None)
        person = owner if isinstance(owner, User) else None
    with translation.override("en"):
        message = entry.get_change_message()
        kind = str(obj._meta.verbose_name)
    summary = f"{kind.capitalize()} “{entry.object_repr}” {done} in the admin"
    if message:
        summary = f"{summary}: {message}"
    audit_record(
        actor=actor,
        action=action,
        summary=summary,
        person=person,
        obj=obj,
        details={
            "model": obj._meta.label_lower,
            "object_repr": entry.object_repr,
            "change_message": message,
        },
    )
