"""Register imports (nhập sổ theo dõi): a committee's existing register, uploaded, checked, then
imported all at once or not at all."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.org.models import Unit


class ImportState(models.TextChoices):
    CHECKED = "checked", _("Checked, awaiting confirmation")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class RegisterImport(models.Model):
    """Nhập sổ theo dõi: one register file uploaded for a committee, the columns it was read
    with, and the dry run's outcome as the preview page shows it (``report``).

    The file is kept: every imported task's timeline names it and its row. Nothing is created
    until the person confirms; the import then reads the file again and creates every row's task
    in one transaction, or nothing.
    """

    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("People's Committee")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="registers/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    # Column index (as text) → field key; "" for a column not imported.
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.CHECKED
    )
    report = models.JSONField(_("dry run"), default=dict, blank=True, editable=False)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    directives_created = models.PositiveIntegerField(_("directives created"), default=0)
    tasks_created = models.PositiveIntegerField(_("tasks created"), default=0)
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created", "-pk"]
        indexes = [
            # A person's recent imports, on the import page.
            models.Index(fields=["uploaded_by", "-created"], name="registerimport_mine_idx"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_open(self) -> bool:
        return self.state == ImportState.CHECKED
