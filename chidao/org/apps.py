from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "chidao.org"
    verbose_name = _("Organisation")

    def ready(self):
        from chidao.org import activity  # noqa: F401 (connects the units' activity receivers)
        from chidao.org.twofactor import middleware  # noqa: F401 (connects the sign-in receiver)
