"""Yêu cầu lập báo cáo: a report asked for on its page, made by the worker (or at once when its
scope is small), kept for its maker to download."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.core import clock


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportKind(models.TextChoices):
    REVIEW = "review", _("Two-week review of the Office")
    MONTHLY = "monthly", _("Periodic report to the committee")
    UNIT = "unit", _("A unit's report of its tasks")


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel (.xlsx)")


class ReportJob(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period_key = models.CharField(_("period"), max_length=40)
    period_label = models.CharField(_("period"), max_length=120)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=8, default="vi")
    base_url = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    created = models.DateTimeField(_("asked at"), default=clock.now, editable=False)
    started = models.DateTimeField(_("started at"), null=True, blank=True)
    finished = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["state", "created"], name="reportjob_queue_idx"),
            models.Index(fields=["requested_by", "-created"], name="reportjob_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_label} ({self.format})"

    @property
    def is_over(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class ClosedPeriod(models.Model):
    """Kỳ đã chốt số liệu: a committee's period whose figures the Office has closed. What each
    counted task was at the cut-off is kept (``FrozenTask``), with the names of the units and
    people as they were (``FrozenName``), so the period's figures never change; reopened, the
    record stays and the figures are live again until it is closed anew."""

    committee = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    period_key = models.CharField(_("period"), max_length=40)
    period_label = models.CharField(_("period"), max_length=120)
    start = models.DateField(_("from"))
    end = models.DateField(_("to (cut-off)"))
    closed_at = models.DateTimeField(_("closed at"), default=clock.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("closed by"),
    )  # fmt: skip
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("reopened by"),
    )  # fmt: skip
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-end", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "period_key"], condition=models.Q(reopened_at__isnull=True),
                name="closed_period_once",
                violation_error_message=_("This period is already closed."),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.committee} {self.period_label}"

    @property
    def is_closed(self) -> bool:
        return self.reopened_at is None


class FrozenTask(models.Model):
    """A counted task of a closed period as it stood at the cut-off."""

    closed = models.ForeignKey(ClosedPeriod, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey("directives.Task", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)  # a key of timeliness.GROUP_TIMELINESS, or suspended
    after_extension = models.BooleanField(default=False)
    after_late_extension = models.BooleanField(default=False)
    lead_unit_id = models.BigIntegerField()
    directing_leader_id = models.BigIntegerField(null=True)
    specialist_id = models.BigIntegerField(null=True)
    division_id = models.BigIntegerField(null=True)
    sector_block_id = models.BigIntegerField(null=True)
    directive_kind = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["closed", "task"], name="frozen_task_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.group}"


class FrozenName(models.Model):
    """The name a unit, person, division or sector block had when the period was closed."""

    closed = models.ForeignKey(ClosedPeriod, on_delete=models.CASCADE, related_name="names")
    dimension = models.CharField(max_length=12)  # unit, person, block
    key = models.BigIntegerField()
    name = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["closed", "dimension", "key"], name="frozen_name_once"),
        ]

    def __str__(self) -> str:
        return self.name
