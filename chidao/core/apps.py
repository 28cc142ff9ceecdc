from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True

    name = "chidao.core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.backends.signals import connection_created

        # The deploy checks register themselves; per_request connects the request's start, end.
        from chidao.core import checks, per_request  # noqa: F401
        from chidao.core.files import restrict_sqlite_files

        connection_created.connect(restrict_sqlite_files, dispatch_uid="chidao-sqlite-owner-only")


class ChidaoAdminConfig(admin_apps.AdminConfig):
    default = False

    default_site = "chidao.core.admin_site.ChidaoAdminSite"
