"""Chốt số liệu: the Office closes a committee's period, and its figures stay as they were.

Closing keeps, for every task the period counts (``stats.tasks_in`` for the committee: assigned
in the period, cancelled ones left out), the official group it stood in at the cut-off, and the
names of its unit, leader, specialist, division and sector block then. The figures of a closed
period are counted from those rows alone, so they never change, whatever happens to the tasks
afterwards; beside them the live figures, and each task whose group moved since, explain any
difference (a late report accepted later, a task cancelled, one entered late with a past date).

"At the cut-off" is read from what each task is now: work reported or confirmed after the
cut-off day was still open on it, overdue if its deadline had passed. Only the committee's
Office leaders close and reopen; each closing and reopening is kept with who and when.
"""

import logging
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.board import stats
from chidao.core import clock
from chidao.directives.models import EventKind, State, Task, TaskEvent
from chidao.directives.timeliness import GROUP_TIMELINESS, Counts, Timeliness, Today, timeliness_of
from chidao.org import divisions, permissions
from chidao.org.models import Person, SectorBlock, Unit
from chidao.reports.models import ClosedPeriod, FrozenName, FrozenTask
from chidao.reports.periods import Period

log = logging.getLogger(__name__)

GROUPS = ("done_on_time", "done_late", "open_within", "open_overdue")
SUSPENDED = "suspended"
GROUP_OF = {value: group for group in GROUPS for value in GROUP_TIMELINESS[group]}
GROUP_LABELS = {
    "done_on_time": gettext_lazy("Done on time"),
    "done_late": gettext_lazy("Done late"),
    "open_within": gettext_lazy("Open, within deadline"),
    "open_overdue": gettext_lazy("Open, overdue"),
    SUSPENDED: gettext_lazy("Suspended"),
    "": gettext_lazy("Not counted"),
}
FIELDS = ("pk", "state", "deadline", "completed_on", "original_deadline", "extension_count",
          "extended_after_deadline", "lead_unit_id", "directing_leader_id", "specialist_id",
          "sector_block_id", "directive_kind")  # fmt: skip
AWAITING_OR_DONE = (State.DONE, State.REPORTED, State.PROPOSED)


def group_at(task, day: Today) -> str:
    """The group ``task`` (anything with the fields above) stood in at the end of ``day``."""
    if task.state == State.SUSPENDED:
        return SUSPENDED
    view = task
    if task.state in AWAITING_OR_DONE and task.completed_on and task.completed_on > day.date:
        view = SimpleNamespace(state=State.IN_PROGRESS, deadline=task.deadline, completed_on=None)
    return GROUP_OF[Timeliness(timeliness_of(view, day))]


def _after_extension(task, group: str) -> tuple[bool, bool]:
    if group != "done_on_time" or task.state != State.DONE:
        return False, False
    extended = bool(task.extension_count) and task.completed_on > (
        task.original_deadline or task.completed_on
    )
    return extended, bool(task.extended_after_deadline)


def committee_tasks(committee: Unit, period: Period):
    """What the period counts for the committee, as the dashboard and the reports do."""
    scope = stats.Scope(start=period.start, end=period.end, unit=committee)
    return stats.tasks_in(None, scope).exclude(state=State.CANCELLED)


def closed_for(committee: Unit, period: Period) -> ClosedPeriod | None:
    return ClosedPeriod.objects.filter(
        committee=committee, period_key=period.key, reopened_at__isnull=True
    ).first()


@transaction.atomic
def close(person: Person, committee: Unit, period: Period) -> ClosedPeriod:
    if not permissions.may_close_periods(person, committee):
        raise PermissionDenied
    if period.end >= clock.today():
        raise ValidationError(_("A period is closed once its cut-off day (%(day)s) is over.")
                              % {"day": f"{period.end:%d/%m/%Y}"})  # fmt: skip
    if closed_for(committee, period) is not None:
        raise ValidationError(_("This period is already closed."))
    try:
        with transaction.atomic():
            closed = ClosedPeriod.objects.create(
                committee=committee, period_key=period.key, period_label=period.label,
                start=period.start, end=period.end, closed_by=person,
            )  # fmt: skip
    except IntegrityError as error:  # closed by someone else at the same moment
        raise ValidationError(_("This period is already closed.")) from error
    cut_off = Today.now(date=period.end)
    rows = list(committee_tasks(committee, period).values_list(*FIELDS))
    specialists = {row[9] for row in rows} - {None}
    division_of = divisions.division_of_specialists(specialists)
    frozen = []
    for row in rows:
        task = SimpleNamespace(**dict(zip(FIELDS, row, strict=True)))
        group = group_at(task, cut_off)
        extended, late = _after_extension(task, group)
        frozen.append(FrozenTask(
            closed=closed, task_id=task.pk, group=group, after_extension=extended,
            after_late_extension=late, lead_unit_id=task.lead_unit_id,
            directing_leader_id=task.directing_leader_id, specialist_id=task.specialist_id,
            division_id=division_of.get(task.specialist_id), sector_block_id=task.sector_block_id,
            directive_kind=task.directive_kind,
        ))  # fmt: skip
    FrozenTask.objects.bulk_create(frozen, batch_size=2000)
    _keep_names(closed, frozen)
    log.info("period %s of %s closed by %s: %s tasks", period.key, committee.pk, person.pk,
             len(frozen))  # fmt: skip
    return closed


def _keep_names(closed: ClosedPeriod, frozen: list[FrozenTask]) -> None:
    units = {t.lead_unit_id for t in frozen} | {t.division_id for t in frozen} - {None}
    people = {t.directing_leader_id for t in frozen} | {t.specialist_id for t in frozen}
    blocks = {t.sector_block_id for t in frozen} - {None}
    names = [
        *(("unit", pk, name) for pk, name in
          Unit.objects.filter(pk__in=units).values_list("pk", "name")),
        *(("person", pk, name) for pk, name in
          Person.objects.filter(pk__in=people - {None}).values_list("pk", "full_name")),
        *(("block", pk, name) for pk, name in
          SectorBlock.objects.filter(pk__in=blocks).values_list("pk", "name")),
    ]  # fmt: skip
    FrozenName.objects.bulk_create(
        [FrozenName(closed=closed, dimension=d, key=k, name=n) for d, k, n in names],
        batch_size=2000,
    )


@transaction.atomic
def reopen(person: Person, closed: ClosedPeriod, reason: str) -> ClosedPeriod:
    if not permissions.may_close_periods(person, closed.committee):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the period is reopened."))
    updated = ClosedPeriod.objects.filter(pk=closed.pk, reopened_at__isnull=True).update(
        reopened_at=clock.now(), reopened_by=person, reopen_reason=reason
    )
    if not updated:
        raise ValidationError(_("This period is not closed."))
    log.info("period %s of %s reopened by %s", closed.period_key, closed.committee_id, person.pk)
    closed.refresh_from_db()
    return closed


# --- The figures of a closed period ---------------------------------------------------------------
def _aggregates() -> dict:
    return {
        "total": Count("pk", filter=~Q(group=SUSPENDED)),
        "done_on_time": Count("pk", filter=Q(group="done_on_time")),
        "done_on_time_after_extension": Count("pk", filter=Q(after_extension=True)),
        "done_on_time_after_late_extension": Count("pk", filter=Q(after_late_extension=True)),
        "done_late": Count("pk", filter=Q(group="done_late")),
        "open_within": Count("pk", filter=Q(group="open_within")),
        "open_overdue": Count("pk", filter=Q(group="open_overdue")),
        "suspended": Count("pk", filter=Q(group=SUSPENDED)),
    }


@dataclass
class FrozenRow:
    key: int | None
    label: str
    counts: Counts


def frozen_tasks(closed: ClosedPeriod, unit: Unit | None = None):
    """The closed period's tasks; with ``unit``, those its subtree led at the closing."""
    tasks = closed.tasks.all()
    if unit is not None:
        subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
        tasks = tasks.filter(lead_unit_id__in=subtree)
    return tasks


def totals(closed: ClosedPeriod, unit: Unit | None = None) -> Counts:
    return Counts(**frozen_tasks(closed, unit).aggregate(**_aggregates()))


def rows_by(closed: ClosedPeriod, field: str, dimension: str, none_label: str,
            unit: Unit | None = None, label_of=None) -> list[FrozenRow]:  # fmt: skip
    """The frozen groups by ``field`` (lead_unit_id, sector_block_id, directing_leader_id,
    division_id, specialist_id, directive_kind), named as they were at the closing (or by
    ``label_of(key)``)."""
    names = dict(closed.names.filter(dimension=dimension).values_list("key", "name"))
    if label_of is not None:
        names = {}
    rows = frozen_tasks(closed, unit).values(field).annotate(**_aggregates()).order_by()

    def label(key) -> str:
        if key is None:
            return none_label
        return str(label_of(key)) if label_of is not None else names.get(key, str(key))

    found = [FrozenRow(row[field], label(row[field]), Counts.of(row)) for row in rows]
    return sorted(found, key=lambda r: (r.key is None, -r.counts.total, r.label))


@dataclass
class Change:
    task_id: int
    content: str
    unit: str
    before: str
    after: str
    why: str


def changes(closed: ClosedPeriod, today: Today, unit: Unit | None = None) -> list[Change]:
    """Each task whose group differs now from the closing (or that entered or left the count
    since), with the latest step taken on it after the closing; with ``unit``, those its
    subtree led then or leads now."""
    then = dict(frozen_tasks(closed, unit).values_list("task_id", "group"))
    period = Period("range", closed.start, closed.end)
    current = committee_tasks(closed.committee, period)
    if unit is not None:
        current = current.filter(lead_unit__path__startswith=unit.path)
    now_rows = {
        row[0]: SimpleNamespace(**dict(zip(FIELDS, row, strict=True)))
        for row in current.values_list(*FIELDS)
    }
    now = {pk: group_at(task, today) for pk, task in now_rows.items()}
    moved = sorted(pk for pk in then.keys() | now.keys() if then.get(pk) != now.get(pk))
    if not moved:
        return []
    tasks = dict(Task.objects.filter(pk__in=moved).values_list("pk", "content"))
    units = dict(Task.objects.filter(pk__in=moved).values_list("pk", "lead_unit__name"))
    last_steps = {}
    for task_id, kind, at in (
        TaskEvent.objects.filter(task_id__in=moved, at__gte=closed.closed_at)
        .order_by("task_id", "at", "pk").values_list("task_id", "kind", "at")
    ):  # fmt: skip
        last_steps[task_id] = (kind, at)
    result = []
    for pk in moved:
        step = last_steps.get(pk)
        if step:
            why = f"{EventKind(step[0]).label} {timezone.localtime(step[1]):%d/%m/%Y}"
        else:
            why = _("No step since the closing (a change of the task's dates or state)")
        result.append(Change(pk, tasks.get(pk, ""), units.get(pk, ""),
                             str(GROUP_LABELS[then.get(pk, "")]),
                             str(GROUP_LABELS[now.get(pk, "")]), why))  # fmt: skip
    return result
