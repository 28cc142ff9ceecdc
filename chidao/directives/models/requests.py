"""What a unit asks of those above it: extensions, help with difficulties; and its explanation
when it finishes late."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core import clock

from .task import State, Task


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Closed unanswered")  # the work was handed in or stopped first


class Extension(models.Model):
    """Gia hạn: the unit asks to move the deadline; the directing leader or an Office leader
    decides. Every request stays as history; an approval moves the deadline in force only."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("task")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now, editable=False)
    reason = models.TextField(_("reason"))
    proposed_date = models.DateField(_("proposed deadline"))
    deadline_before = models.DateField(_("deadline before"))
    # Asked once the deadline in force had passed (refused unless CHIDAO_LATE_EXTENSIONS).
    after_deadline = models.BooleanField(_("requested after the deadline"), default=False)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved_date = models.DateField(_("approved deadline"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["task", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(decision="pending"),
                name="extension_one_pending_per_task",
                violation_error_message=_("An extension request is already awaiting decision."),
            )
        ]
        indexes = [
            # Extension requests awaiting an Office leader.
            models.Index(fields=["decision", "requested_at"], name="extension_decision_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.proposed_date:%d/%m/%Y} ({self.get_decision_display()})"


class Level(models.TextChoices):
    """Who a difficulty is addressed to, up the chain."""

    DIVISION_HEAD = "division_head", _("Division head")
    OFFICE_LEADER = "office_leader", _("Office leader")
    DIRECTING_LEADER = "directing_leader", _("Directing leader")


LEVEL_ORDER = [Level.DIVISION_HEAD, Level.OFFICE_LEADER, Level.DIRECTING_LEADER]


class Difficulty(models.Model):
    """Khó khăn, vướng mắc: raised by the unit or the specialist, addressed up the chain
    (division head → Office leader → directing leader) until someone gives guidance, or closed
    unanswered as no longer needed when its task is done, suspended or cancelled first
    (``closed_because`` then holds that state of the task)."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="difficulties", verbose_name=_("task")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("raised by"),
    )  # fmt: skip
    raised_at = models.DateTimeField(_("raised at"), default=clock.now, editable=False)
    text = models.TextField(_("difficulty"))
    addressed_to = models.CharField(
        _("addressed to"), max_length=20, choices=Level.choices, default=Level.DIVISION_HEAD
    )
    is_open = models.BooleanField(_("open"), default=True)
    guidance = models.TextField(_("guidance"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_because = models.CharField(
        _("closed as no longer needed: the task was"),
        max_length=20,
        choices=[(s.value, s.label) for s in (State.DONE, State.SUSPENDED, State.CANCELLED)],
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["task", "raised_at"]
        indexes = [
            # Open difficulties awaiting each level.
            models.Index(fields=["is_open", "addressed_to"], name="difficulty_open_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def no_longer_needed(self) -> bool:
        """Closed without guidance because its task ended first (not answered)."""
        return bool(self.closed_because)


class Cause(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")  # khách quan
    SUBJECTIVE = "subjective", _("Subjective")  # chủ quan


class LateExplanation(models.Model):
    """Báo cáo giải trình: required with a completion report made after the deadline."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="late_explanations", verbose_name=_("task")
    )
    cause = models.CharField(_("cause"), max_length=12, choices=Cause.choices)
    explanation = models.TextField(_("explanation"))
    remedy = models.TextField(_("remedy"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("late explanation")
        verbose_name_plural = _("late explanations")
        ordering = ["task", "submitted_at"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_cause_display()}"
