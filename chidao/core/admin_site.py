import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import BadRequest
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.core.params import parse_id
from chidao.org import permissions

# Apps whose rows hold secrets no administrator should read: the two-factor keys and recovery
# codes (an administrator resets a person's two-factor sign-in instead, in the list of people).
SECRET_APPS = {"otp_totp", "otp_static"}


class ChidaoAdminSite(admin.AdminSite):
    """Open to system administrators and to people holding the administrator role in a unit;
    each model admin then limits them to the units of their scope."""

    site_header = _("Chỉ đạo — administration")
    site_title = _("Chỉ đạo administration")
    index_title = _("Administration")

    def has_permission(self, request):
        user = request.user
        if not user.is_authenticated:
            return False
        if settings.CHIDAO_TWO_FACTOR_ADMIN_SITE and not user.is_verified():
            return False  # ``TwoFactorMiddleware`` sends them to give the code first
        return permissions.may_use_admin_site(user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def refuse_empty_to_field(request, *args, **kwargs):
            # Django's change and delete pages look up the field named by ``_to_field`` as soon
            # as the parameter is there, even empty ("has no field named ''", a 500). The admin
            # never writes it empty: such a link is malformed.
            if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
                raise BadRequest("empty _to_field")
            return inner(request, *args, **kwargs)

        return refuse_empty_to_field

    def register(self, model_or_iterable, admin_class=None, **options):
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        if any(m._meta.app_label in SECRET_APPS for m in models_):
            return
        # Every list with a date hierarchy, ours and the libraries' (axes' sign-in logs), gets
        # the one that refuses impossible dates instead of failing.
        admin_class = admin_class or admin.ModelAdmin
        if admin_class.date_hierarchy:
            admin_class = type(admin_class.__name__, (SafeDateHierarchy, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)


class IdAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, which shows the chosen object by looking it up with the value as
    given (from the query's initial values or a refused form): "abc" there is a ValueError, a
    30-digit number an OverflowError on SQLite, each a 500. A value that is not an id chooses
    nothing."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", "pk") or "pk")
        if isinstance(target, models.IntegerField):
            value = [v for v in value if parse_id(str(v)) is not None]
        return super().optgroups(name, value, attr)


class DateHierarchyChangeList(ChangeList):
    """Django's changelist, with a date hierarchy that refuses impossible dates as it refuses other
    bad filters (back to the list with "?e=1"): it catches ValueError for the day it builds from
    ``…__year``/``__month``/``__day`` but not OverflowError (a 30-digit year), nor either when it
    moves to the next year, month or day (year 9999)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class SafeDateHierarchy:
    """A model admin whose list is a ``DateHierarchyChangeList``."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
