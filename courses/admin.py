from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from courses.certification.services import audit_record
from courses.models import (
    Assignment,
    AuditEntry,
    Course,
    ManagerScope,
    Membership,
    Module,
    Reminder,
    SingleSignOnIdentity,
    Step,
    StepCompletion,
    Team,
)
from courses.platform.access import is_manager
from courses.platform.people import display_name

Action = AuditEntry.Action


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that come from the content files or from people's work: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "position", "retired_at"]


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "rules_as_of", "required_for_certification", "retired_at"]
    list_filter = ["course", "required_for_certification"]


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["title", "module", "kind", "position", "retired_at"]
    list_filter = ["kind", "module__course"]
    exclude = ["body_html"]


@admin.register(StepCompletion)
class StepCompletionAdmin(ReadOnlyAdmin):
    list_display = ["user", "step", "completed_at", "voided_at"]
    list_select_related = ["user", "step", "step__module"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["module", "team", "user", "due_date", "assigned_by", "withdrawn_at"]
    list_select_related = ["module", "team", "user", "assigned_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "assignment", "due_date", "queued_at", "sent_at"]
    list_select_related = ["user", "assignment__module"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "person", "summary"]
    list_filter = ["action"]
    list_select_related = ["actor", "person"]
    search_fields = ["summary", "person__username", "actor__username"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Team changes made here are written to the audit log like those made on the site."""

    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        team = form.instance
        managers_before = set(team.managers.all()) if change else set()
        members_before = set(get_user_model().objects.filter(memberships__team=team))
        super().save_related(request, form, formsets, change)
        managers_after = set(team.managers.all())
        members_after = set(get_user_model().objects.filter(memberships__team=team))
        for user, action, words in [
            *((u, Action.MANAGER_ADDED, "now manages") for u in managers_after - managers_before),
            *(
                (u, Action.MANAGER_REMOVED, "no longer manages")
                for u in managers_before - managers_after
            ),
            *((u, Action.MEMBER_ADDED, "joined") for u in members_after - members_before),
            *((u, Action.MEMBER_REMOVED, "left") for u in members_before - members_after),
        ]:
            audit_record(
                actor=request.user,
                action=action,
                summary=f"{display_name(user)} {words} team {team.name} (admin)",
                person=user,
                team=team,
            )


@admin.register(ManagerScope)
class ManagerScopeAdmin(admin.ModelAdmin):
    """Which reps each manager may add to their teams, placed here by administrators: staff
    with the model's permissions (superusers have them all), never someone with the Manager
    role, who could otherwise widen their own scope. Taking a rep out of a scope leaves the
    teams as they are; remove the membership in the team if it should go."""

    list_display = ["manager", "rep", "placed_at"]
    list_select_related = ["manager", "rep"]
    list_filter = [("manager", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["manager__username", "rep__username", "rep__last_name", "rep__email"]
    autocomplete_fields = ["manager", "rep"]
    readonly_fields = ["placed_at"]

    def _administrator(self, request) -> bool:
        return request.user.is_staff and not is_manager(request.user)

    def has_module_permission(self, request):
        return self._administrator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._administrator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._administrator(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._administrator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._administrator(request) and super().has_delete_permission(request, obj)


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(admin.ModelAdmin):
    """Which account a provider's subject signs in to. Deleting one unlinks the account (its next
    single sign-on makes a new one); adding one links an existing account to a subject."""

    list_display = ["user", "issuer", "subject", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "subject"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Role changes (groups) made here are written to the audit log."""

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        for role in sorted(after - before):
            audit_record(
                actor=request.user,
                action=Action.ROLE_ADDED,
                summary=f"{display_name(user)} given the {role} role",
                person=user,
                details={"role": role},
            )
        for role in sorted(before - after):
            audit_record(
                actor=request.user,
                action=Action.ROLE_REMOVED,
                summary=f"{display_name(user)} no longer has the {role} role",
                person=user,
                details={"role": role},
            )
