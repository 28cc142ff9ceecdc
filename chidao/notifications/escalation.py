"""Báo cáo vượt cấp: an overdue task raised up the tree, on the record, on working days only.

The ladder, in working days overdue (``Rhythm``; 0 turns a rung off):

1. after ``escalate_to_unit_head_after`` (10): the heads of the lead unit;
2. after ``escalate_to_office_after`` (20): the heads of the Office division of the tracking
   specialist and the Office leaders of the assigning committee (``rules.division_heads`` and
   ``rules.office_leaders``; for a part a unit sub-assigned, that unit's heads).

Each rung reached is one ``escalated`` event on the task's timeline by the system (no actor),
naming the people it tells (``to``); the rules table tells exactly them, among those who may see
the task. The task keeps the highest rung reached and the deadline it was reached for
(``escalated_rung``, ``escalated_for``): a rung is never recorded twice for the same deadline,
and an extension, which moves the deadline, starts a new ladder without rewriting anything.

A task found past both rungs at once (the job did not run, or the rhythm was shortened) gets
one event only, for rung 2, naming rung 2's people and also the lead unit's heads when rung 1
is on and was not reached for this deadline, so that nobody is skipped.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q

from chidao.core import clock
from chidao.directives import timeline
from chidao.directives.actions.base import lock
from chidao.directives.models import EventKind, Task
from chidao.directives.timeliness import WORKING_STATES
from chidao.notifications import daily, rules
from chidao.notifications.models import Rhythm
from chidao.notifications.reminders import open_tasks
from chidao.org.models import Person, Role
from chidao.workdays.calendar import WorkCalendar

ONE_DAY = datetime.timedelta(days=1)
CHUNK_SIZE = 500


def cutoff(today: datetime.date, calendar: WorkCalendar, after: int) -> datetime.date:
    """The latest deadline overdue by at least ``after`` working days on ``today``: the
    working days in (deadline, today] number ``after`` or more."""
    start = today if after == 1 else calendar.subtract_working_days(today, after - 1)
    return start - ONE_DAY


def ladder(rhythm: Rhythm) -> list[tuple[int, int]]:
    """(rung, working days overdue) of the rungs turned on, lowest first."""
    return [
        (rung, after)
        for rung, after in (
            (1, rhythm.escalate_to_unit_head_after),
            (2, rhythm.escalate_to_office_after),
        )
        if after > 0
    ]


def not_reached(rung: int) -> Q:
    """The task has not reached ``rung`` for its deadline in force."""
    return (
        Q(escalated_for__isnull=True) | ~Q(escalated_for=F("deadline")) | Q(escalated_rung__lt=rung)
    )


def candidates(today: datetime.date, calendar: WorkCalendar, rungs: list[tuple[int, int]]):
    """Open tasks overdue past a rung they have not reached for their deadline in force."""
    cutoffs = [(rung, cutoff(today, calendar, after)) for rung, after in rungs]
    due = Q()
    for rung, last in cutoffs:
        due |= Q(deadline__lte=last) & not_reached(rung)
    widest = max(last for _rung, last in cutoffs)
    # The widest cutoff repeated outside the OR lets the (state, deadline) index narrow it.
    return open_tasks().filter(deadline__lte=widest).filter(due)


class Named:
    """Who each rung names, looked up once per lead unit (rung 1) and once per assigning unit
    and specialist (rung 2) in a pass: many tasks share them."""

    def __init__(self):
        self._heads: dict[int, list[int]] = {}
        self._office: dict[tuple[int, int | None], list[int]] = {}

    def unit_heads(self, task: Task) -> list[int]:
        if task.lead_unit_id not in self._heads:
            heads = rules.members([task.lead_unit_id], [Role.UNIT_HEAD])
            self._heads[task.lead_unit_id] = [p.pk for p in heads]
        return self._heads[task.lead_unit_id]

    def office(self, task: Task) -> list[int]:
        key = (task.assigner_unit_id, task.specialist_id)
        if key not in self._office:
            found = rules.division_heads(task) + rules.office_leaders(task)
            self._office[key] = [p.pk for p in found]
        return self._office[key]


def escalate(today: datetime.date | None = None) -> int:
    """One daily pass: record each rung newly due, one task per transaction. Returns how many
    tasks were escalated. Candidates are read by primary key in chunks, so memory stays flat."""
    today = today or clock.today()
    calendar = WorkCalendar.current()
    if not calendar.is_working_day(today):
        return 0
    rhythm = Rhythm.current()
    rungs = ladder(rhythm)
    if not rungs:
        return 0
    found = candidates(today, calendar, rungs).order_by("pk").values_list("pk", flat=True)
    overdue_by: dict[datetime.date, int] = {}  # at most one entry per distinct deadline

    def overdue(deadline: datetime.date) -> int:
        if deadline not in overdue_by:
            overdue_by[deadline] = calendar.working_days_between(deadline, today)
        return overdue_by[deadline]

    named = Named()
    escalated = 0
    last_pk = 0
    while pks := list(found.filter(pk__gt=last_pk)[:CHUNK_SIZE]):
        for pk in pks:
            escalated += _escalate_one(pk, rungs, overdue, named)
        last_pk = pks[-1]
        daily.still_running()  # a first pass over a long backlog takes a while
    return escalated


@transaction.atomic
def _escalate_one(pk: int, rungs: list[tuple[int, int]], overdue, named: Named) -> bool:
    task = lock(Task(pk=pk))
    # Checked again under the lock: the unit may have reported, or an extension moved the
    # deadline, since the candidates were read.
    if task.state not in WORKING_STATES or task.deadline is None or task.is_recurring_series:
        return False
    days = overdue(task.deadline)
    due = [rung for rung, after in rungs if days >= after]
    if not due:
        return False
    rung = max(due)
    reached = task.escalated_rung if task.escalated_for == task.deadline else 0
    if rung <= reached:
        return False
    if rung == 2:
        to = named.office(task)
        if 1 in due and reached < 1:  # past both rungs at once: the unit's heads too
            to = to + named.unit_heads(task)
    else:
        to = named.unit_heads(task)
    task.escalated_rung = rung
    task.escalated_for = task.deadline
    # ``updated`` too: the dashboards' caches key on the newest change.
    task.save(update_fields=["escalated_rung", "escalated_for", "updated"])
    to = sorted(set(to))
    timeline.record(
        task,
        EventKind.ESCALATED,
        None,
        rung=rung,
        to=to,
        # The names as they were, for the timeline to read without looking anyone up.
        names=[str(person) for person in Person.objects.filter(pk__in=to).order_by("pk")],
        deadline=task.deadline,
        overdue_working_days=days,
    )
    return True
