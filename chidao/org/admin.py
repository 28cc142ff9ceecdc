"""Administration of units, people, roles and follow assignments, limited to the admin's scope."""

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chidao.core.admin_site import IdAutocompleteSelect
from chidao.org import actions, permissions
from chidao.org.forms import PersonChangeForm, PersonCreationForm
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Person,
    Role,
    SectorBlock,
    Unit,
    UnitSuccession,
)
from chidao.org.permissions import Action
from chidao.org.twofactor import devices as twofactor


class ScopedAdmin(admin.ModelAdmin):
    """Every admin page asks the permission module; choices of units stay inside the scope."""

    unit_fields = ("parent", "unit", "committee")

    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return permissions.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return permissions.can(request.user, Action.MANAGE, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept: units are dissolved, roles and accounts are ended

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if request.user.is_superuser:
            pass
        elif db_field.name in self.unit_fields:
            kwargs["queryset"] = permissions.manageable_units(request.user)
        elif db_field.name == "sector_block":
            kwargs["queryset"] = SectorBlock.objects.filter(
                committee__in=permissions.visible_units(request.user)
            )
        elif db_field.name == "specialist":
            kwargs["queryset"] = (
                permissions.visible_people(request.user)
                .filter(memberships__role=Role.SPECIALIST, memberships__is_active=True)
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("name", "kind", "level", "code", "admin_code", "is_active", "dissolved_on")
    list_filter = (
        "kind",
        "level",
        "is_active",
        ("sector_block", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("search_text", "name", "admin_code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth", "created", "updated")

    def get_queryset(self, request):
        return permissions.visible_units(request.user).select_related("parent")

    def get_search_results(self, request, queryset, search_term):
        # Diacritics are optional: "so tai chinh" finds "Sở Tài chính".
        return queryset.search(search_term), False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and (
            permissions.can(request.user, Action.MANAGE, obj) and not obj.has_history()
        )

    def save_model(self, request, obj, form, change):
        # The unit must be inside the admin's scope both before and after the edit.
        if obj.parent is not None and not permissions.can(request.user, Action.MANAGE, obj.parent):
            raise PermissionDenied
        if obj.parent is None and not request.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(SectorBlock)
class SectorBlockAdmin(ScopedAdmin):
    list_display = ("name", "code", "committee", "sort_order")

    def get_queryset(self, request):
        return SectorBlock.objects.filter(
            committee__in=permissions.visible_units(request.user)
        ).select_related("committee")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can(request.user, Action.MANAGE, obj.committee)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return permissions.can(request.user, Action.VIEW, obj.committee)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("unit", "role", "position", "sector_block", "is_active", "started_on", "ended_on")
    autocomplete_fields = ("unit",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ("username", "full_name", "email", "is_active")
    list_filter = ("is_active", "memberships__role")
    search_fields = ("username", "full_name", "search_text")
    ordering = ("sort_key",)
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("full_name", "email", "phone", "is_active")}),
        (_("Access"), {"fields": ("is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["unlock_sign_in", "reset_two_factor"]

    def get_queryset(self, request):
        return permissions.visible_people(request.user)

    @admin.action(description=_("Unlock sign-in (locked after wrong passwords)"))
    def unlock_sign_in(self, request, queryset):
        people = [p for p in queryset if permissions.can(request.user, Action.MANAGE, p)]
        for person in people:
            axes_reset(username=person.get_username())
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked for %(count)d person.",
                "Sign-in unlocked for %(count)d people.",
                len(people),
            )
            % {"count": len(people)},
        )

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        people = [p for p in queryset if permissions.can(request.user, Action.MANAGE, p)]
        for person in people:
            twofactor.turn_off(person)
            self.log_change(request, person, [{"changed": {"fields": ["two-factor sign-in"]}}])
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d person.",
                "Two-factor sign-in reset for %(count)d people.",
                len(people),
            )
            % {"count": len(people)},
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields

    def has_module_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return permissions.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request):
        return permissions.may_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.may_use_admin_site(request.user)
        return permissions.can(request.user, Action.MANAGE, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            if not permissions.can(request.user, Action.MANAGE, membership):
                raise PermissionDenied
            membership.save()


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ("person", "role", "position", "unit", "sector_block", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("person__search_text", "unit__search_text")
    autocomplete_fields = ("person", "unit")

    def get_queryset(self, request):
        return Membership.objects.filter(
            unit__in=permissions.visible_units(request.user)
        ).select_related("person", "unit", "sector_block")

    def save_model(self, request, obj, form, change):
        if not permissions.can(request.user, Action.MANAGE, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class FollowAssignmentForm(forms.ModelForm):
    actor = None  # set per request by the admin

    def clean(self):
        data = super().clean()
        unit, specialist = data.get("unit"), data.get("specialist")
        if unit and specialist:
            follow = FollowAssignment(unit=unit, specialist=specialist)
            if not permissions.can(self.actor, Action.ASSIGN_FOLLOW, follow):
                raise ValidationError(_("You may not assign this specialist to this unit."))
            if not unit.follower_candidates().filter(pk=specialist.pk).exists():
                raise ValidationError(
                    _(
                        "%(person)s is not a tracking specialist of the Office that follows "
                        "this unit."
                    )
                    % {"person": specialist}
                )
        return data


@admin.register(FollowAssignment)
class FollowAssignmentAdmin(ScopedAdmin):
    form = FollowAssignmentForm
    list_display = ("unit", "specialist", "is_active", "started_on", "ended_on")
    list_filter = ("is_active",)
    search_fields = ("unit__search_text", "specialist__search_text")
    autocomplete_fields = ("unit", "specialist")

    def get_queryset(self, request):
        return FollowAssignment.objects.filter(
            unit__in=permissions.visible_units(request.user)
        ).select_related("unit", "specialist")

    def has_change_permission(self, request, obj=None):
        # A follow is never edited: assigning another specialist ends it (history is kept).
        return obj is None and permissions.may_use_admin_site(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The action ends the previous follow and checks everything once more.
        saved = actions.assign_follow(request.user, obj.specialist, obj.unit)
        obj.pk = saved.pk


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ScopedAdmin):
    """Read-only: successions are written by the merge action."""

    list_display = ("predecessor", "successor", "kind", "effective_on", "decision")

    def get_queryset(self, request):
        visible = permissions.visible_units(request.user)
        return UnitSuccession.objects.filter(successor__in=visible).select_related(
            "predecessor", "successor"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
