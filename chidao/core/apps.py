from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True

    name = "chidao.core"
    verbose_name = _("Core")


class ChidaoAdminConfig(admin_apps.AdminConfig):
    default = False

    default_site = "chidao.core.admin_site.ChidaoAdminSite"
