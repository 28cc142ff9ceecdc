"""The outbox in the admin site: failed and unknown rows are visible, and may be sent again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from chidao.notifications import outbox
from chidao.notifications.models import Notification, Preference
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


@admin.register(Notification)
class NotificationAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ("created", "kind", "recipient", "channel", "state", "attempts", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient__username", "recipient__full_name", "message_id")
    readonly_fields = [f.name for f in Notification._meta.fields]
    raw_id_fields = ("recipient", "task", "event")
    date_hierarchy = "created"
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description=_("Send again (failed or outcome unknown)"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(request, _("%(n)d queued again.") % {"n": count}, messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ("person", "channel", "enabled", "email_mode", "updated")
    list_filter = ("channel", "enabled", "email_mode")
    raw_id_fields = ("person",)
