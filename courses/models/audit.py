"""The audit log: an append-only record of what an auditor needs to see.

Entries are only ever inserted. Saving an existing entry, deleting one or updating the table
in bulk raises an error here; on PostgreSQL a trigger refuses it in the database as well.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A row that can be created and read, never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        ASSIGNMENT_CREATED = "assignment.created", "Assignment made"
        ASSIGNMENT_CHANGED = "assignment.changed", "Assignment due date changed"
        ASSIGNMENT_WITHDRAWN = "assignment.withdrawn", "Assignment withdrawn"
        MEMBER_ADDED = "team.member_added", "Team member added"
        MEMBER_REMOVED = "team.member_removed", "Team member removed"
        MANAGER_ADDED = "team.manager_added", "Team manager added"
        MANAGER_REMOVED = "team.manager_removed", "Team manager removed"
        ROLE_ADDED = "role.added", "Role given"
        ROLE_REMOVED = "role.removed", "Role taken away"
        MODULE_COMPLETED = "module.completed", "Module completed"
        CERTIFIED = "completion.certified", "Completion certified"
        REJECTED = "completion.rejected", "Completion rejected"
        REVOKED = "certificate.revoked", "Certificate revoked"
        EXPIRED = "certificate.expired", "Certificate expired"
        RECERTIFICATION_REQUIRED = (
            "certificate.recertification_required",
            ("Recertification required"),
        )
        CONTENT_LOADED = "content.loaded", "Content loaded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_actions",
        help_text="Who did it; empty when the system did it.",
    )
    action = models.CharField(max_length=64, choices=Action.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_subject_of",
        help_text="The person the entry is about, if any.",
    )
    team_name = models.CharField(max_length=120, blank=True)
    module_slug = models.CharField(max_length=50, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"
