"""Screens in the admin site: create, name, rotate and revoke their secret links.

The link is shown once, in the message after creating or rotating; the database keeps only its
hash. Rotating gives a new link and kills the old one at once; revoking kills it for good.

The emulation score's rules (điểm thi đua) are set here too, one per committee.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chidao.board.models import ScoreRule, Screen
from chidao.core import clock
from chidao.org import permissions
from chidao.org.models import SectorBlock


class AdministratorsAdmin(admin.ModelAdmin):
    """Listed and added by the administrators; each model says which objects they change."""

    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_use_admin_site(request.user)

    def has_add_permission(self, request):
        return permissions.may_use_admin_site(request.user)


@admin.register(Screen)
class ScreenAdmin(AdministratorsAdmin):
    list_display = (
        "name",
        "committee",
        "sector_block",
        "language",
        "is_active",
        "created",
        "rotated_at",
        "last_seen_at",
    )
    list_filter = ("is_active",)
    fields = ("name", "committee", "sector_block", "language")
    actions = ["rotate", "revoke"]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return obj.is_active and permissions.can(
            request.user, permissions.Action.MANAGE, obj.committee
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked screens stay listed: who had which screen is history

    def get_queryset(self, request):
        scope = permissions.manageable_units(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(committee__in=scope)
            .select_related("committee", "sector_block")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = permissions.manageable_units(request.user)
        if db_field.name == "committee":
            kwargs["queryset"] = scope.filter(kind="committee")
        elif db_field.name == "sector_block":
            kwargs["queryset"] = SectorBlock.objects.filter(committee__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not permissions.can(request.user, permissions.Action.MANAGE, obj.committee):
            raise PermissionDenied
        if obj.sector_block and obj.sector_block.committee_id != obj.committee_id:
            raise PermissionDenied
        if not change:
            token = obj.new_token()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            self._show_link(request, obj, token)
        else:
            super().save_model(request, obj, form, change)

    def _show_link(self, request, screen: Screen, token: str) -> None:
        url = request.build_absolute_uri(reverse("board:board", args=[token]))
        messages.warning(
            request,
            format_html(
                "{} <strong>{}</strong>: <code>{}</code>",
                _("Open this link on the screen; it is shown only now."),
                screen.name,
                url,
            ),
        )

    @admin.action(description=_("Give the selected screens new links (the old ones stop)"))
    def rotate(self, request, queryset):
        for screen in queryset.filter(is_active=True):
            if not permissions.can(request.user, permissions.Action.MANAGE, screen.committee):
                raise PermissionDenied
            token = screen.new_token()
            screen.rotated_at = clock.now()
            screen.save(update_fields=["token_hash", "rotated_at"])
            self._show_link(request, screen, token)

    @admin.action(description=_("Revoke the selected screens"))
    def revoke(self, request, queryset):
        for screen in queryset.filter(is_active=True):
            if not permissions.can(request.user, permissions.Action.MANAGE, screen.committee):
                raise PermissionDenied
            screen.is_active = False
            screen.revoked_at = clock.now()
            screen.save(update_fields=["is_active", "revoked_at"])
        self.message_user(request, _("The screens' links no longer open anything."))


@admin.register(ScoreRule)
class ScoreRuleAdmin(AdministratorsAdmin):
    """Điểm thi đua: a committee's administrators set the weights its dashboard scores units
    with; the default rule (no committee) is for those who run the installation. Every change is
    in the admin's log, and the rule records who changed it last."""

    list_display = ("__str__", "formula_text", "updated", "updated_by")
    fields = (
        "committee",
        "done_on_time",
        "done_late",
        "open_within",
        "open_overdue",
        "stale",
        "urged",
        "scale",
        "formula_text",
        "updated",
        "updated_by",
    )
    readonly_fields = ("formula_text", "updated", "updated_by")

    @admin.display(description=_("formula"))
    def formula_text(self, obj):
        return obj.formula() if obj is not None else ""

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        if obj.committee is None:
            return permissions.may_run_installation(request.user)
        return permissions.can(request.user, permissions.Action.MANAGE, obj.committee)

    def has_delete_permission(self, request, obj=None):
        # Deleting a committee's rule returns it to the default.
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        scope = permissions.manageable_units(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(Q(committee__in=scope) | Q(committee__isnull=True))
            .select_related("committee", "updated_by")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = permissions.manageable_units(request.user).filter(kind="committee")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "committee" in form.base_fields and not permissions.may_run_installation(request.user):
            form.base_fields["committee"].required = True  # the default is not theirs to make
        return form

    def save_model(self, request, obj, form, change):
        if obj.committee is None:
            allowed = permissions.may_run_installation(request.user)
        else:
            allowed = permissions.can(request.user, permissions.Action.MANAGE, obj.committee)
        if not allowed:
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
