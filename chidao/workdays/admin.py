"""Administration of the working-day calendar's adjustments (điều chỉnh lịch làm việc)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chidao.org import permissions
from chidao.workdays.models import CalendarAdjustment


@admin.register(CalendarAdjustment)
class CalendarAdjustmentAdmin(admin.ModelAdmin):
    """One calendar for everybody: every administrator sees it, a province's administrators keep
    it (see ``permissions.may_keep_calendar``).

    Editing or deleting a row is safe for deadlines already issued: they keep the basis they were
    computed with (see ``calendar.DeadlineRule``).
    """

    list_display = ("date_display", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
    fields = ("date", "kind", "name", "created_by")
    readonly_fields = ("created_by",)

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, obj):
        return f"{obj.date:%d/%m/%Y}"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # The project's roles, not Django's per-model permissions, decide who works here.
    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_add_permission(self, request):
        return permissions.may_keep_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.may_keep_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.may_keep_calendar(request.user)
