from django.contrib import admin

from .models import Course, Membership, Module, Step, StepCompletion, Team


class ReadOnlyAdmin(admin.ModelAdmin):
    """Curriculum rows come from the content files; the admin only shows them."""

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [MembershipInline]
