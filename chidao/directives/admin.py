"""Directives and tasks in the admin site: to look things up, scoped by unit.

Writes go through the actions so that each one lands on the task's timeline: a task's fields are
corrected here through ``edit_task`` (before/after recorded); everything else is read-only, and
events can never be changed or deleted.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from chidao.directives import actions
from chidao.directives.models import (
    Attachment,
    Cooperation,
    Difficulty,
    Directive,
    Extension,
    LateExplanation,
    Task,
    TaskEvent,
)
from chidao.org import permissions
from chidao.org.permissions import Action


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen by those who may use the admin site, limited to the tasks they may see."""

    task_field = "task"

    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        visible = permissions.visible_tasks(request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.task_field}__in": visible})


class CooperationInline(admin.TabularInline):
    model = Cooperation
    fields = ("unit", "status", "note", "updated")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TaskEventInline(CooperationInline):
    model = TaskEvent
    fields = ("seq", "kind", "actor", "at", "data", "hash")
    readonly_fields = fields
    ordering = ("seq",)


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "issued_on", "issuer", "signer", "is_confidential")
    list_filter = ("kind", "is_confidential", "year")
    search_fields = ("search_text",)
    date_hierarchy = "issued_on"

    def get_queryset(self, request):
        visible = permissions.visible_tasks(request.user).values("directive_id")
        return Directive.objects.filter(pk__in=visible).select_related("issuer", "signer")

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "lead_unit", "state", "deadline", "specialist", "directive")
    list_filter = ("state", "priority", "deadline_kind")
    search_fields = ("search_text",)
    date_hierarchy = "deadline"
    list_select_related = ("lead_unit", "specialist", "directive")
    inlines = [CooperationInline, TaskEventInline]
    fields = (
        "directive",
        "parent",
        "series",
        "content",
        "lead_unit",
        "assigner_unit",
        "directing_leader",
        "specialist",
        "sector_block",
        "priority",
        "product",
        "product_is_committee_document",
        "assigned_on",
        "deadline_kind",
        "original_deadline",
        "deadline",
        "deadline_basis",
        "state",
        "progress_percent",
        "completed_on",
        "result",
        "extension_count",
        "extended_after_deadline",
        "event_count",
    )

    def get_queryset(self, request):
        return permissions.visible_tasks(request.user).select_related(
            "lead_unit", "specialist", "directive"
        )

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in actions.EDITABLE]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return permissions.can(request.user, Action.EDIT, obj)

    def save_model(self, request, obj, form, change):
        if not permissions.can(request.user, Action.EDIT, obj):
            raise PermissionDenied
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = Task.objects.get(pk=obj.pk)
        actions.edit_task(
            request.user, fresh, reason=str(_("Corrected in the admin site")), **changes
        )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # inlines are read-only: nothing to save, nothing to log
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ("task", "seq", "kind", "actor", "at")
    list_filter = ("kind",)
    list_select_related = ("task", "actor")


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = (
        "task",
        "proposed_date",
        "decision",
        "approved_date",
        "requested_by",
        "after_deadline",
    )
    list_filter = ("decision", "after_deadline")


@admin.register(Difficulty)
class DifficultyAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "task", "addressed_to", "is_open", "closed_because", "raised_by")
    list_filter = ("is_open", "closed_because", "addressed_to")


@admin.register(LateExplanation)
class LateExplanationAdmin(ReadOnlyAdmin):
    list_display = ("task", "cause", "submitted_by", "submitted_at")
    list_filter = ("cause",)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "directive", "task", "file_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("file_type",)

    def get_queryset(self, request):
        visible = permissions.visible_tasks(request.user).values("directive_id")
        return Attachment.objects.filter(directive__in=visible)

    exclude = ("file",)  # downloaded through the task's page, which checks who may see it
