from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "chidao.directives"
    verbose_name = _("Directives and tasks")

    def ready(self):
        from chidao.directives import freshness  # the change counter: every connection's writes

        post_migrate.connect(freshness.create_counter, sender=self)
