"""Tasks (nhiệm vụ): one directive's parts, each with one lead unit, a deadline and a workflow."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.core.text import fold
from chidao.org.models import SectorBlock, Unit

from .directive import Directive, DirectiveKind


class State(models.TextChoices):
    """The stored workflow state (trạng thái xử lý). Timeliness is derived, never stored."""

    ASSIGNED = "assigned", _("Assigned")  # đã giao
    RECEIVED = "received", _("Received")  # đã tiếp nhận
    IN_PROGRESS = "in_progress", _("In progress")  # đang thực hiện
    REPORTED = "reported", _("Reported done")  # đơn vị báo cáo hoàn thành, chờ chuyên viên
    PROPOSED = "proposed", _("Proposed for closing")  # chuyên viên đề xuất, chờ lãnh đạo VP
    DONE = "done", _("Done")  # hoàn thành
    SUSPENDED = "suspended", _("Suspended")  # tạm dừng
    CANCELLED = "cancelled", _("Cancelled")  # hủy


OPEN_STATES = (
    State.ASSIGNED,
    State.RECEIVED,
    State.IN_PROGRESS,
    State.REPORTED,
    State.PROPOSED,
)
# The unit has handed in its result; lateness is judged on the date it reported.
AWAITING_CHECK_STATES = (State.REPORTED, State.PROPOSED)
# The unit is still at work (in a fixed order: the same SQL in every process, one cache key).
WORKING_STATES = tuple(s for s in OPEN_STATES if s not in AWAITING_CHECK_STATES)


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")  # quan trọng
    URGENT = "urgent", _("Urgent")  # khẩn


class DeadlineKind(models.TextChoices):
    DATE = "date", _("A date")
    WORKING_DAYS = "working_days", _("Working days from assignment")
    NONE = "none", _("No deadline (ongoing)")  # thường xuyên
    RECURRING = "recurring", _("Recurring")  # định kỳ


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def with_open_difficulties(self):
        """Open tasks with a difficulty still awaiting guidance (a finished task's difficulties
        are no longer anyone's business, even one left open before they were closed with it)."""
        from .requests import Difficulty

        return self.open().filter(pk__in=Difficulty.objects.filter(is_open=True).values("task_id"))

    def search(self, term: str):
        """Every word of ``term``, diacritics optional, in the task's text, its directive's (number,
        symbol, summary, meeting) or its lead unit's name ("noi vu" finds Sở Nội vụ's tasks)."""
        qs = self
        for word in fold(term).split():
            qs = qs.filter(
                Q(search_text__contains=word)
                | Q(directive__search_text__contains=word)
                | Q(lead_unit__search_text__contains=word)
            )
        return qs


# A unit's tasks by assignment date, then every column the counting rules and the dashboard's
# groupings read (``task_unit_counting_idx``), the people it groups by included: an index-only
# scan, where a missing column visits every task's row.
UNIT_COUNTING_COLUMNS = [
    "lead_unit", "assigned_on", "state", "deadline", "completed_on", "deadline_kind", "series",
    "parent", "assigner_unit", "original_deadline", "extension_count", "extended_after_deadline",
    "last_update_at", "directive_kind", "sector_block", "directing_leader", "specialist",
    "deadline_corrections", "id",
]  # fmt: skip


class Task(models.Model):
    """Nhiệm vụ (đầu công việc): what one lead unit must do for a directive, by when.

    The deadline in force (``deadline``) moves only by an approved extension; the deadline first
    given (``original_deadline``) never moves, and ``deadline_basis`` keeps how it was computed so
    that a later change to the calendar neither moves nor re-explains it.

    A recurring task (báo cáo định kỳ) is a series: each period is a child occurrence with its own
    deadline and workflow (``series``). A sub-assignment is a child task given by the lead unit to
    one of its lower units (``parent``).
    """

    directive = models.ForeignKey(
        Directive, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("directive")
    )
    # The directive's kind, kept on each of its tasks (``Directive.save``): the statistics group
    # by it, and reading it from the directive joined half the time of counting a province.
    directive_kind = models.CharField(
        _("kind of directive"), max_length=30, choices=DirectiveKind.choices, editable=False
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent task"),
    )
    series = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("recurring task"),
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    content = models.TextField(_("content"))
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit")
    )
    assigner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
        verbose_name=_("assigned by"),
        help_text=_("The committee that issued the directive, or the unit that sub-assigned."),
    )
    directing_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_tasks",
        verbose_name=_("directing leader"),
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked_tasks",
        verbose_name=_("tracking specialist"),
    )
    sector_block = models.ForeignKey(
        SectorBlock,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("sector block"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    product = models.CharField(
        _("expected product"),
        max_length=200,
        blank=True,
        help_text=_("For example: Decision of the Provincial People's Committee, Report."),
    )
    product_is_committee_document = models.BooleanField(
        _("the product is a document of the committee"), default=False
    )
    assigned_on = models.DateField(_("assigned on"))
    deadline_kind = models.CharField(
        _("deadline"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    deadline = models.DateField(_("deadline in force"), null=True, blank=True)
    deadline_basis = models.JSONField(_("how the deadline was computed"), default=dict)
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, blank=True
    )
    recurrence_day = models.PositiveSmallIntegerField(
        _("due on day of month"), null=True, blank=True
    )

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    product_number = models.CharField(_("product document number"), max_length=60, blank=True)
    product_date = models.DateField(_("product document date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    # An extension asked after the deadline in force had passed was approved (only possible
    # where CHIDAO_LATE_EXTENSIONS allows it): work done within it is counted apart.
    extended_after_deadline = models.BooleanField(
        _("extended after the deadline had passed"), default=False
    )
    last_update_at = models.DateTimeField(_("last update by the unit"), default=clock.now)
    # How many times a person urged the unit (đôn đốc, EventKind.URGED), kept by ``actions.urge``
    # so the list can filter "urged N times or more" without counting events.
    urged_count = models.PositiveIntegerField(_("times urged"), default=0, editable=False)
    # The highest rung of the escalation ladder reached (1: the unit's head; 2: the division head
    # and the Office leader) and the deadline it was reached for: an extension starts a new
    # ladder without rewriting anything (``chidao.notifications.escalation``).
    escalated_rung = models.PositiveSmallIntegerField(
        _("escalation rung"), default=0, editable=False
    )
    escalated_for = models.DateField(_("escalated for the deadline"), null=True, editable=False)
    # Đính chính thời hạn: times the deadline was corrected as an entry error (the original
    # deadline with it, unlike an extension), so the statistics can show such tasks apart.
    deadline_corrections = models.PositiveSmallIntegerField(
        _("deadline corrections"), default=0, editable=False
    )
    # Dừng báo cáo định kỳ: a recurring series opens no period starting after this day.
    series_stopped_on = models.DateField(
        _("recurring report stopped on"), null=True, blank=True, editable=False
    )
    # The lists' default order, "open first, by deadline" (missing deadlines last), as one
    # column the database keeps from the state and the deadline: 0 open with a deadline, 1 open
    # without one, 2 finished with one, 3 finished without. Ordered by (order_group, deadline,
    # pk), a list is read from an index (task_open_first_idx) instead of sorting every row.
    order_group = models.GeneratedField(
        expression=Case(
            When(state__in=OPEN_STATES, deadline__isnull=False, then=0),
            When(state__in=OPEN_STATES, then=1),
            When(deadline__isnull=False, then=2),
            default=3,
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("open first, by deadline"),
    )
    event_count = models.PositiveIntegerField(_("events"), default=0, editable=False)
    event_head = models.CharField(_("last event hash"), max_length=64, blank=True, editable=False)

    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,  # the system itself (imports, recurring periods)
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True) | Q(progress_percent__lte=100),
                name="task_progress_percent_range",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=~Q(deadline_kind__in=["date", "working_days"])
                | Q(deadline__isnull=False, original_deadline__isnull=False),
                name="task_dated_kinds_have_deadline",
                violation_error_message=_("A task with a date deadline needs that date."),
            ),
        ]
        indexes = [
            # A unit's tasks by state (home pages, lists filtered by unit).
            models.Index(fields=["lead_unit", "state", "deadline"], name="task_unit_state_idx"),
            # A specialist's tasks (home page, "my tasks").
            models.Index(fields=["specialist", "state"], name="task_specialist_state_idx"),
            # Open tasks by deadline (overdue and due-soon counts, the board).
            models.Index(fields=["state", "deadline"], name="task_state_deadline_idx"),
            # A leader's tasks.
            models.Index(fields=["directing_leader", "state"], name="task_leader_state_idx"),
            # The lists' default order ("open first, by deadline"), and the home pages' shelves.
            models.Index(fields=["order_group", "deadline", "id"], name="task_open_first_idx"),
            # The same order within one lead unit: a unit's list and its home's shelves read a
            # page of their tasks in order and stop, however many tasks the unit has.
            models.Index(
                fields=["lead_unit", "order_group", "deadline", "id"],
                name="task_unit_open_first_idx",
            ),
            # A committee's reports awaiting its Office's confirmation, oldest first (SQLite
            # uses no partial index for "state = 'proposed'").
            models.Index(
                fields=["assigner_unit", "state", "completed_on", "id"],
                name="task_assigner_check_idx",
            ),
            # And within one specialist's tasks (the specialist's home).
            models.Index(
                fields=["specialist", "order_group", "deadline", "id"],
                name="task_specialist_open_first_idx",
            ),
            # Counting open tasks (overdue, due soon, not yet due) from the index alone: every
            # column the counting rules read of an open task, over the open tasks only.
            models.Index(
                fields=["state", "deadline", "completed_on", "deadline_kind", "series"],
                condition=Q(state__in=OPEN_STATES),
                name="task_open_counts_idx",
            ),
            # The statistics of a unit over a period from the index alone (an index-only scan
            # in place of a department's table rows): its tasks by assignment date, with every
            # column the counting rules and the dashboard's groupings read.
            models.Index(
                fields=UNIT_COUNTING_COLUMNS,
                name="task_unit_counting_idx",
            ),
            # The check queues ("awaiting my check", "awaiting my confirmation"), oldest report
            # first, and the tasks not updated for longest: read in order from small indexes.
            models.Index(
                fields=["state", "completed_on", "id"],
                condition=Q(state__in=AWAITING_CHECK_STATES),
                name="task_awaiting_check_idx",
            ),
            models.Index(
                fields=["last_update_at", "id"],
                condition=Q(state__in=WORKING_STATES),
                name="task_working_since_idx",
            ),
            # The newest change, which keys the display boards' shared snapshot.
            models.Index(fields=["updated"], name="task_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.set_directive_kind()
        self.set_search_text()
        super().save(*args, **kwargs)

    def set_directive_kind(self) -> None:
        """Copied from the directive when the task is made (by save(), and by whoever creates
        tasks in bulk); a directive's corrected kind reaches its tasks by ``Directive.save``."""
        self.directive_kind = self.directive.kind

    def set_search_text(self) -> None:
        """What ``TaskQuerySet.search`` reads: kept by save(), and set by whoever creates tasks
        in bulk (the import of a register), which save() does not see."""
        self.search_text = fold(f"{self.content} {self.product} {self.result}")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_recurring_series(self) -> bool:
        return self.deadline_kind == DeadlineKind.RECURRING and self.series_id is None

    @property
    def was_extended(self) -> bool:
        return self.extension_count > 0

    def explain_deadline(self) -> str:
        """How the deadline in force came to be, in the active language; empty when that would
        only repeat the date (a date asked for, a working day, never extended)."""
        from django.utils.formats import date_format

        from chidao.workdays.explain import adds_to_the_date, explain

        if self.deadline is None:
            return str(DeadlineKind(self.deadline_kind).label)
        basis = self.deadline_basis
        text = explain(basis) if basis and adds_to_the_date(basis) else ""
        if self.deadline != self.original_deadline:
            extended = _("extended to %(date)s") % {"date": date_format(self.deadline)}
            text = f"{text}; {extended}" if text else extended
        return text

    def evaluation_date(self, today: datetime.date) -> datetime.date:
        """The day lateness is judged on: the completion date once the unit has reported,
        otherwise today."""
        if self.state in AWAITING_CHECK_STATES or self.state == State.DONE:
            return self.completed_on or today
        return today


class CooperationStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done its share")


class Cooperation(models.Model):
    """Đơn vị phối hợp: a unit that helps the lead unit, with the sub-status of its share."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="cooperations", verbose_name=_("task")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="cooperations",
        verbose_name=_("cooperating unit"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CooperationStatus.choices,
        default=CooperationStatus.ASSIGNED,
    )
    note = models.TextField(_("note"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cooperating unit")
        verbose_name_plural = _("cooperating units")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="cooperation_unit_once_per_task",
                violation_error_message=_("This unit already cooperates on the task."),
            )
        ]
        indexes = [
            # "Tasks we cooperate on" for a unit.
            models.Index(fields=["unit", "status"], name="cooperation_unit_status_idx"),
            # What a unit still owes (the "we cooperate" shelf): most shares are done.
            models.Index(
                fields=["unit", "task"],
                condition=~models.Q(status=CooperationStatus.DONE),
                name="cooperation_owed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_status_display()})"
