"""Files attached to a task or to one of its events (tệp đính kèm)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.core import clock

from .directive import Directive
from .event import TaskEvent
from .task import Task


def _storage_name(instance: "Attachment", filename: str) -> str:
    # The stored name is random: the user's name (kept in ``name``) never reaches the filesystem.
    return f"directives/{instance.directive_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """Tệp đính kèm: stored through Django's storage API; type checked by content on upload;
    downloaded under its original Vietnamese name only by people who may see its task (or, for
    the directive's own document, one of the directive's tasks)."""

    directive = models.ForeignKey(
        Directive, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("directive")
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("task"),
    )
    event = models.ForeignKey(
        TaskEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("event"),
    )
    file = models.FileField(_("file"), upload_to=_storage_name, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["task", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
