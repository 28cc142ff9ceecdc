from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "chidao.board"
    verbose_name = _("Display boards and dashboard")
