"""The outbox in the admin site: failed and unknown rows are visible, and may be sent again."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chidao.notifications import digest, outbox, reminders, rules
from chidao.notifications.models import DailyRun, Notification, Preference, Rhythm
from chidao.org import permissions


class _AdminOnly:
    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KindFilter(admin.SimpleListFilter):
    """The kinds by their names in the reader's language, not their codes."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = [*rules.RULES, reminders.KIND, digest.KIND]
        return sorted(((kind, rules.kind_label(kind)) for kind in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = (
        "created", "kind_name", "recipient", "channel", "state", "attempts", "sent_at",
        "last_error",
    )  # fmt: skip
    list_filter = ("state", "channel", KindFilter)
    search_fields = ("recipient__username", "recipient__full_name", "message_id")
    readonly_fields = [f.name for f in Notification._meta.fields]
    raw_id_fields = ("recipient", "task", "event")
    date_hierarchy = "created"
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        """An administrator sees the messages of the people of the units they administer."""
        people = permissions.administered_people(request.user)
        return super().get_queryset(request).filter(recipient__in=people)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, notification):
        return notification.kind_label

    @admin.action(description=_("Send again (failed or outcome unknown)"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(request, _("%(n)d queued again.") % {"n": count}, messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ("person", "channel", "enabled", "email_mode", "updated")
    list_filter = ("channel", "enabled", "email_mode")
    raw_id_fields = ("person",)


@admin.register(Rhythm)
class RhythmAdmin(admin.ModelAdmin):
    """One rhythm for the whole province: edited by those who keep its working-day calendar.
    The list opens straight onto it; until it is first saved it shows the settings' values."""

    fieldsets = (
        (_("Reminders to the lead unit"), {"fields": (
            "remind_before", "remind_on_the_day", "remind_day_after", "remind_overdue_every",
        )}),
        (_("Escalation of overdue tasks"), {"fields": (
            "escalate_to_unit_head_after", "escalate_to_office_after",
        )}),
        (_("When"), {"fields": ("morning_time",)}),
    )  # fmt: skip

    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.may_run_installation(request.user)

    def has_add_permission(self, request):
        return permissions.may_run_installation(request.user) and not Rhythm.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        saved = Rhythm.objects.order_by("pk").first()
        if saved is not None:
            return redirect(reverse("admin:notifications_rhythm_change", args=[saved.pk]))
        if self.has_add_permission(request):
            return redirect(reverse("admin:notifications_rhythm_add"))
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        defaults = Rhythm.from_settings()
        return {field: getattr(defaults, field) for fields in
                (fs[1]["fields"] for fs in self.fieldsets) for field in fields}  # fmt: skip


@admin.register(DailyRun)
class DailyRunAdmin(_AdminOnly, admin.ModelAdmin):
    """The installation's jobs: for those who run it (``may_run_installation``)."""

    list_display = ("day", "job", "started", "finished", "outcome")
    list_filter = ("job",)
    date_hierarchy = "day"
    readonly_fields = [f.name for f in DailyRun._meta.fields]

    def has_module_permission(self, request):
        return permissions.may_run_installation(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_run_installation(request.user)

    def has_change_permission(self, request, obj=None):
        return False
