from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "chidao.org"
    verbose_name = _("Organisation")

    def ready(self):
        from chidao.org import activity  # noqa: F401 (connects the units' activity receivers)
        from chidao.org.twofactor import middleware  # noqa: F401 (connects the sign-in receiver)
        from chidao.org.version import install

        post_migrate.connect(install, sender=self)
