"""Timeliness (tình trạng thời hạn): derived from the deadline in force and today, never stored.

The rule lives here twice in one shape: ``timeliness_of`` for one task in hand and the ``Q``
filters of ``counting_groups`` for the database; tests hold them equal on every boundary.

- Open tasks are judged on today, except once the unit has reported done: then on the day it
  reported, so an Office slow to check does not turn the unit's work red.
- The deadline day itself is on time; overdue starts the day after.
- Due soon: the deadline falls within the next N working days (setting, default 3).
- Not updated (chưa cập nhật): an open task the unit still works on, on which its lead unit has
  done nothing for N working days (setting, default 10); the source document treats it as not done.

What a scope counts (``scope_q``): the tasks led inside the scope's unit whose parent task, if any,
is led from outside it; so a commune counts the parts handed down to it and the province counts
each of its tasks once, never a parent and its parts twice.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives.models import (
    AWAITING_CHECK_STATES,
    OPEN_STATES,
    WORKING_STATES,
    DeadlineKind,
    State,
    Task,
)
from chidao.org.models import Unit
from chidao.workdays.calendar import WorkCalendar


class Timeliness(models.TextChoices):
    NO_DEADLINE = "no_deadline", _("No deadline")
    NOT_DUE = "not_due", _("Within deadline")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


COLOURS = {
    Timeliness.NOT_DUE: "green",
    Timeliness.DUE_SOON: "amber",
    Timeliness.OVERDUE: "red",
    Timeliness.DONE_ON_TIME: "blue",
    Timeliness.DONE_LATE: "orange",
    Timeliness.NO_DEADLINE: "grey",
    Timeliness.SUSPENDED: "grey",
    Timeliness.CANCELLED: "grey",
}


@dataclass(frozen=True)
class Today:
    """Today, the last day that still counts as "due soon" and the moment before which a unit's
    last act makes its task "not updated", computed once per request."""

    date: datetime.date
    due_soon_until: datetime.date
    stale_before: datetime.datetime

    @classmethod
    def now(cls, calendar: WorkCalendar | None = None, date: datetime.date | None = None):
        date = date or clock.today()
        calendar = calendar or WorkCalendar.current()
        soon = settings.CHIDAO_DUE_SOON_WORKING_DAYS
        # Acts on the N-th working day back or later keep the task fresh.
        first_fresh_day = calendar.subtract_working_days(
            date, settings.CHIDAO_STALE_AFTER_WORKING_DAYS
        )
        return cls(
            date=date,
            due_soon_until=calendar.add_working_days(date, soon),
            stale_before=clock.start_of(first_fresh_day),
        )


def timeliness_of(task: Task, today: Today) -> Timeliness:
    if task.state == State.CANCELLED:
        return Timeliness.CANCELLED
    if task.state == State.SUSPENDED:
        return Timeliness.SUSPENDED
    if task.state == State.DONE:
        if task.deadline is None or task.completed_on <= task.deadline:
            return Timeliness.DONE_ON_TIME
        return Timeliness.DONE_LATE
    if task.deadline is None:
        return Timeliness.NO_DEADLINE
    if task.state in AWAITING_CHECK_STATES:
        return Timeliness.OVERDUE if task.completed_on > task.deadline else Timeliness.NOT_DUE
    if today.date > task.deadline:
        return Timeliness.OVERDUE
    if task.deadline <= today.due_soon_until:
        return Timeliness.DUE_SOON
    return Timeliness.NOT_DUE


def colour_of(task: Task, today: Today) -> str:
    return COLOURS[timeliness_of(task, today)]


def done_after_extension(task: Task) -> bool:
    """``after_extension_q`` for one task in hand: done on time, but only within an extended
    deadline (after the original one)."""
    return (
        task.state == State.DONE
        and task.completed_on is not None
        and (task.deadline is None or task.completed_on <= task.deadline)
        and task.extension_count > 0
        and task.original_deadline is not None
        and task.completed_on > task.original_deadline
    )


def timeliness_label(task: Task, timeliness: str) -> str:
    """The words for a task's timeliness wherever it is shown (badges, lists, home shelves, the
    export): "done on time" adds "(after an extension)" when only the extension made it so."""
    if timeliness == Timeliness.DONE_ON_TIME and done_after_extension(task):
        return str(_("Done on time (after an extension)"))
    return str(Timeliness(timeliness).label)


# --- The official counting groups (1270/BC-TCTTTg): the same rule, as database filters --------
def scope_q(unit: Unit | None) -> Q:
    """Tasks a unit's statistics count (phạm vi thống kê): led inside the unit's subtree, and not
    a part handed down from a task also led inside it. With no unit (the whole tree), the tasks
    that are nobody's part."""
    return subtree_scope_q(None if unit is None else unit.path)


def subtree_scope_q(path: str | None) -> Q:
    """``scope_q`` of the unit at ``path`` (None: the whole tree)."""
    if path is None:
        return Q(parent__isnull=True)
    # The subtree as unit ids, so that the task's indexed lead_unit column answers. A part's
    # assigning unit is the lead unit of the task it is part of (``actions.subassign``): the
    # task's own row says whether that task was led inside, with no join.
    inside = Unit.objects.filter(path__startswith=path).values("pk")
    return Q(lead_unit__in=inside) & (Q(parent__isnull=True) | ~Q(assigner_unit__in=inside))


def countable(qs: QuerySet) -> QuerySet:
    """Tasks that count: not the recurring series themselves (their occurrences count)."""
    return qs.exclude(deadline_kind=DeadlineKind.RECURRING, series__isnull=True)


def done_on_time_q() -> Q:
    return Q(state=State.DONE) & (Q(deadline__isnull=True) | Q(completed_on__lte=F("deadline")))


def done_late_q() -> Q:
    return Q(state=State.DONE, completed_on__gt=F("deadline"))


def open_overdue_q(today: datetime.date) -> Q:
    """Open and overdue, the one definition for every screen: still being worked on past the
    deadline, or reported after it and awaiting the check."""
    awaiting = Q(state__in=AWAITING_CHECK_STATES, completed_on__gt=F("deadline"))
    working = Q(state__in=WORKING_STATES, deadline__lt=today)
    return awaiting | working


def open_within_q(today: datetime.date) -> Q:
    # Spelled out rather than negating open_overdue_q: NOT (x > NULL) is not true in SQL.
    awaiting = Q(state__in=AWAITING_CHECK_STATES, completed_on__lte=F("deadline"))
    working = Q(state__in=WORKING_STATES, deadline__gte=today)
    return Q(state__in=OPEN_STATES) & (Q(deadline__isnull=True) | awaiting | working)


def due_soon_q(today: Today) -> Q:
    working = WORKING_STATES
    return Q(state__in=working, deadline__gte=today.date, deadline__lte=today.due_soon_until)


def timeliness_q(value: str, today: Today) -> Q:
    """Tasks whose ``timeliness_of`` is ``value``, as a database filter (for lists)."""
    working = WORKING_STATES
    dated_open = Q(state__in=OPEN_STATES, deadline__isnull=False)
    return {
        Timeliness.CANCELLED: Q(state=State.CANCELLED),
        Timeliness.SUSPENDED: Q(state=State.SUSPENDED),
        Timeliness.DONE_ON_TIME: done_on_time_q(),
        Timeliness.DONE_LATE: done_late_q(),
        Timeliness.NO_DEADLINE: Q(state__in=OPEN_STATES, deadline__isnull=True),
        Timeliness.OVERDUE: dated_open & open_overdue_q(today.date),
        Timeliness.DUE_SOON: due_soon_q(today),
        Timeliness.NOT_DUE: dated_open
        & (
            Q(state__in=AWAITING_CHECK_STATES, completed_on__lte=F("deadline"))
            | Q(state__in=working, deadline__gt=today.due_soon_until)
        ),
    }[Timeliness(value)]


def after_extension_q() -> Q:
    """Done within the extended deadline but after the original one."""
    return done_on_time_q() & Q(extension_count__gt=0, completed_on__gt=F("original_deadline"))


def after_late_extension_q() -> Q:
    """Done on time only thanks to an extension asked after the deadline had passed (where the
    province allows it, ``CHIDAO_LATE_EXTENSIONS``): a sub-group of "done on time" shown apart."""
    return done_on_time_q() & Q(extended_after_deadline=True)


# Each counting group as the task list's timeliness values that make it up; the total is the
# four groups together (suspended and cancelled tasks are outside it).
GROUP_TIMELINESS = {
    "done_on_time": [Timeliness.DONE_ON_TIME],
    "done_late": [Timeliness.DONE_LATE],
    "open_within": [Timeliness.NOT_DUE, Timeliness.DUE_SOON, Timeliness.NO_DEADLINE],
    "open_overdue": [Timeliness.OVERDUE],
}
GROUP_TIMELINESS["total"] = [value for values in GROUP_TIMELINESS.values() for value in values]


@dataclass(frozen=True)
class Counts:
    """Số liệu theo nhóm thống kê chính thức."""

    total: int
    done_on_time: int
    done_on_time_after_extension: int
    done_late: int
    open_within: int
    open_overdue: int
    suspended: int
    done_on_time_after_late_extension: int = 0  # only where CHIDAO_LATE_EXTENSIONS allows

    @classmethod
    def of(cls, row: dict) -> "Counts":
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    @classmethod
    def summed(cls, rows) -> "Counts":
        """The counts of several disjoint groups (the rows of ``counts_by``) together: every
        figure is a number of tasks, so the whole is the sum of its parts."""
        return cls(**{name: sum(row[name] for row in rows) for name in cls.__dataclass_fields__})

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.open_within + self.open_overdue

    @property
    def overdue_rate(self) -> float:
        """Share of the counted tasks that are open and overdue (tỷ lệ quá hạn)."""
        return self.open_overdue / self.total if self.total else 0.0

    @property
    def judged(self) -> int:
        """Tasks whose timeliness is settled or already lost: done, or open and overdue."""
        return self.done + self.open_overdue

    @property
    def ranking_rate(self) -> float | None:
        """The rate units are ranked by: done on time ÷ (done + open and overdue), so overdue
        work still open counts against the unit; None while nothing is judged yet."""
        return self.done_on_time / self.judged if self.judged else None


def counting_aggregates(today: datetime.date) -> dict:
    """The official groups as aggregate expressions (for one total or one row per group)."""
    return {
        "total": Count("pk", filter=~Q(state=State.SUSPENDED)),
        "done_on_time": Count("pk", filter=done_on_time_q()),
        "done_on_time_after_extension": Count("pk", filter=after_extension_q()),
        "done_on_time_after_late_extension": Count("pk", filter=after_late_extension_q()),
        "done_late": Count("pk", filter=done_late_q()),
        "open_within": Count("pk", filter=open_within_q(today)),
        "open_overdue": Count("pk", filter=Q(state__in=OPEN_STATES) & open_overdue_q(today)),
        "suspended": Count("pk", filter=Q(state=State.SUSPENDED)),
    }


def counted(qs: QuerySet) -> QuerySet:
    """Cancelled tasks are not counted at all; recurring series count through their periods."""
    return countable(qs).exclude(state=State.CANCELLED)


def counting_groups(qs: QuerySet, today: datetime.date) -> Counts:
    """One aggregate query over any set of tasks. Suspended tasks are counted apart, outside
    the four groups."""
    return Counts(**counted(qs).aggregate(**counting_aggregates(today)))


def counts_by(qs: QuerySet, key: str, today: datetime.date, **extra):
    """The groups per value of ``key`` in one query: rows of ``{key: value, **groups, **extra}``.
    ``Counts.of(row)`` turns a row into counts."""
    return counted(qs).values(key).annotate(**counting_aggregates(today), **extra).order_by()


def counts_by_each(
    qs: QuerySet, keys: tuple[str, ...], today: datetime.date, **extra
) -> dict[str, list[dict]]:
    """``counts_by`` for each of ``keys``, from one pass over the tasks: counted once per
    combination of the keys' values, then added up per value of each key (every figure is a
    count, ``extra`` included, so the sums are exact). A unit's statistics group the same
    tasks five ways: one pass instead of five."""
    return sum_each(combinations(qs, keys, today, **extra), keys)


def combinations(qs: QuerySet, keys: tuple[str, ...], today: datetime.date, **extra) -> QuerySet:
    """The counting groups (and ``extra``) per combination of the values of ``keys``."""
    return counted(qs).values(*keys).annotate(**counting_aggregates(today), **extra).order_by()


def sum_each(rows, keys: tuple[str, ...]) -> dict[str, list[dict]]:
    """Rows of ``combinations`` added up per value of each key."""
    sums: dict[str, dict] = {key: {} for key in keys}
    for row in rows:
        figures = [(name, value) for name, value in row.items() if name not in keys]
        for key in keys:
            summed = sums[key].get(row[key])
            if summed is None:
                sums[key][row[key]] = {key: row[key], **dict(figures)}
            else:
                for name, value in figures:
                    summed[name] += value
    return {key: list(by_value.values()) for key, by_value in sums.items()}


# --- Other derived flags ------------------------------------------------------------------------
def stale_q(today: Today) -> Q:
    """Open tasks the unit still works on whose lead unit has done nothing on them for N working
    days (chưa cập nhật)."""
    return Q(state__in=WORKING_STATES, last_update_at__lt=today.stale_before)


def is_stale(task: Task, today: Today) -> bool:
    return task.state in WORKING_STATES and task.last_update_at < today.stale_before


def returned_q() -> Q:
    """Returned to the unit and not yet reported again (bị trả lại)."""
    return Q(state=State.IN_PROGRESS, returned_at__isnull=False)


@dataclass(frozen=True)
class Rollup:
    """What the parts a unit gave to its lower units add up to."""

    counts: Counts
    children: int
    average_progress: float | None


def rollup(task: Task, today: datetime.date) -> Rollup:
    """The roll-up of a task's sub-assigned parts (every depth below counts in its own parent)."""
    children = task.children.exclude(state=State.CANCELLED)
    progress = [
        100 if state == State.DONE else (percent or 0)
        for state, percent in children.values_list("state", "progress_percent")
    ]
    return Rollup(
        counts=counting_groups(task.children.all(), today),
        children=len(progress),
        average_progress=sum(progress) / len(progress) if progress else None,
    )
