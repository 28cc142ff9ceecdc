from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chidao.org import permissions


class ChidaoAdminSite(admin.AdminSite):
    """Open to system administrators and to people holding the administrator role in a unit;
    each model admin then limits them to the units of their scope."""

    site_header = _("Chỉ đạo — administration")
    site_title = _("Chỉ đạo administration")
    index_title = _("Administration")

    def has_permission(self, request):
        return request.user.is_authenticated and permissions.may_use_admin_site(request.user)
