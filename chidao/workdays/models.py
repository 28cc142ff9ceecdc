"""Điều chỉnh lịch làm việc: the days an administrator adds to or removes from the working week.

Public holidays, substituted days off and make-up Saturdays come from the ``holidays`` package
(see ``calendar.py``); this table only holds what the package cannot know, such as a day off the
Prime Minister grants at short notice or a local decision.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdjustmentKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Make-up working day")


class CalendarAdjustment(models.Model):
    """Điều chỉnh lịch làm việc: one date made a day off or a working day.

    Example: "Nghỉ bù Tết" makes Monday 23/02/2026 a day off; "Làm bù" makes Saturday 07/03/2026
    a working day. Deadlines already issued keep the calendar they were computed with (their
    ``DeadlineRule`` basis), so editing these rows only affects new computations.
    """

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=AdjustmentKind.choices)
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("Shown in deadline explanations, e.g. “Nghỉ bù Tết”."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("calendar adjustment")
        verbose_name_plural = _("calendar adjustments")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="calendar_adjustment_unique_date",
                violation_error_message=_("This date already has an adjustment."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"
