"""The record of each change decided for a unit: renamed, moved, merged or dissolved."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.org.models.units import Unit


class UnitChange(models.Model):
    """Thay đổi tổ chức: one change of a unit by a decision (quyết định), kept for good.

    The unit's name, short name, symbol code and parent *before* the change are kept on every
    row, so the history reads as things were then even after later renamings; a renaming also
    keeps the names after. ``moved`` counts what passed elsewhere (subunits, roles, follow
    assignments, tasks, cooperating shares), as the preview showed it.

    The import of the official units reads these rows: a unit renamed by a decision keeps its
    name, and a unit that left its place (moved, merged, code changed) is found again from it.
    """

    class Kind(models.TextChoices):
        RENAME = "rename", _("Renamed")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        DISSOLVE = "dissolve", _("Dissolved")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="changes", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    decision = models.CharField(_("decision"), max_length=255, blank=True)
    name_before = models.CharField(_("name before"), max_length=255)
    short_name_before = models.CharField(_("short name before"), max_length=120, blank=True)
    code_before = models.CharField(_("symbol code before"), max_length=20, blank=True)
    parent_before = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parent unit before"),
    )
    name_after = models.CharField(_("name after"), max_length=255, blank=True)
    short_name_after = models.CharField(_("short name after"), max_length=120, blank=True)
    code_after = models.CharField(_("symbol code after"), max_length=20, blank=True)
    parent_after = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parent unit after"),
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("successor"),
    )
    moved = models.JSONField(_("what moved"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit change")
        verbose_name_plural = _("unit changes")
        ordering = ["-effective_on", "-pk"]
        indexes = [
            # The import finds a unit again by the place it left (parent and code).
            models.Index(fields=["parent_before", "code_before"], name="unitchange_place_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_before}: {self.get_kind_display()} {self.effective_on:%d/%m/%Y}"
