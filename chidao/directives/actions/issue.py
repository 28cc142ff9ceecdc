"""Enter directives and their tasks, sub-assign parts, edit, and open recurring periods."""

import calendar as month_calendar
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives import date_rules, timeline
from chidao.directives.models import (
    Cooperation,
    DeadlineKind,
    Directive,
    EventKind,
    Priority,
    Recurrence,
    Task,
)
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Person,
    Role,
    SectorBlock,
    Unit,
    UnitKind,
)
from chidao.org.permissions import Action
from chidao.workdays.calendar import resolve_date

from .base import WorkflowError, lock, require, require_state
from .files import attach
from .workflow import STEPS


@dataclass
class TaskSpec:
    """What the person entering a directive says about one task."""

    content: str
    lead_unit: Unit
    cooperating_units: list[Unit] = field(default_factory=list)
    directing_leader: Person | None = None
    specialist: Person | None = None
    sector_block: SectorBlock | None = None
    priority: str = Priority.NORMAL
    product: str = ""
    product_is_committee_document: bool = False
    deadline_kind: str = DeadlineKind.DATE
    deadline_date: datetime.date | None = None
    working_days: int | None = None
    recurrence: str = ""
    recurrence_day: int | None = None


@transaction.atomic
def issue_directive(actor, *, issuer: Unit, tasks: list[TaskSpec], files=(), **fields) -> Directive:
    """Enter a directive of ``issuer`` (a committee) with its tasks and its document's files,
    all or nothing."""
    require(actor, Action.ISSUE, issuer)
    if not tasks:
        raise ValidationError(_("A directive has at least one task."))
    directive = Directive(issuer=issuer, created_by=actor, **fields)
    # As save() stores it, so the unique number check compares like with like ("ubnd-kt").
    directive.symbol = (directive.symbol or "").strip().upper()
    directive.full_clean()
    date_rules.check_issue_date(directive.issued_on)
    _check_leader(directive.signer, issuer, "signer")
    if directive.is_meeting:
        _check_leader(directive.meeting_chair, issuer, "meeting_chair")
    directive.save()
    errors = {}
    for index, spec in enumerate(tasks):
        try:
            _create_task(actor, directive, spec, assigner=issuer, assigned_on=directive.issued_on)
        except ValidationError as error:
            # Named like a formset's fields ("tasks-0-deadline_date"), so a form can show each
            # message next to its field.
            for name, messages in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else (("__all__", error.messages),)
            ):
                errors[f"tasks-{index}-{name}"] = messages
    if errors:
        raise ValidationError(errors)
    attach(actor, None, files, directive=directive)
    return directive


def _check_leader(person: Person | None, committee: Unit, field_name: str) -> None:
    if person is None:
        return
    if not Membership.objects.filter(
        person=person, unit=committee, role=Role.COMMITTEE_LEADER, is_active=True
    ).exists():
        raise ValidationError(
            {field_name: _("%(person)s is not a leader of %(unit)s.")
             % {"person": person, "unit": committee}}
        )  # fmt: skip


def _create_task(
    actor,
    directive: Directive,
    spec: TaskSpec,
    *,
    assigner: Unit,
    assigned_on: datetime.date,
    parent: Task | None = None,
) -> Task:
    content = (spec.content or "").strip()
    if not content:
        raise ValidationError({"content": _("Describe the task.")})
    lead = spec.lead_unit
    if lead is None or not lead.is_active:
        raise ValidationError({"lead_unit": _("Choose an active lead unit.")})
    if parent is None and lead.supervising_committee != assigner:
        raise ValidationError(
            {"lead_unit": _("%(unit)s does not carry out the directives of %(issuer)s.")
             % {"unit": lead, "issuer": assigner}}
        )  # fmt: skip
    cooperating = list(dict.fromkeys(spec.cooperating_units))
    if lead in cooperating:
        raise ValidationError({"cooperating_units": _("The lead unit cannot also cooperate.")})
    if any(not unit.is_active for unit in cooperating):
        raise ValidationError({"cooperating_units": _("A dissolved unit cannot cooperate.")})
    specialist = spec.specialist
    if parent is None:
        _check_leader(spec.directing_leader, assigner, "directing_leader")
        if specialist is None:
            follow = FollowAssignment.objects.filter(unit=lead, is_active=True).first()
            specialist = follow.specialist if follow else None
        elif not lead.follower_candidates().filter(pk=specialist.pk).exists():
            raise ValidationError(
                {"specialist": _("%(person)s is not a tracking specialist of this Office.")
                 % {"person": specialist}}
            )  # fmt: skip
    task = Task(
        directive=directive,
        parent=parent,
        content=content,
        lead_unit=lead,
        assigner_unit=assigner,
        directing_leader=spec.directing_leader,
        specialist=specialist,
        sector_block=spec.sector_block or lead.sector_block,
        priority=spec.priority,
        product=spec.product.strip(),
        product_is_committee_document=spec.product_is_committee_document,
        assigned_on=assigned_on,
        deadline_kind=spec.deadline_kind,
        created_by=actor,
    )
    _set_deadline(task, spec)
    if parent is not None and parent.deadline and task.deadline and task.deadline > parent.deadline:
        raise ValidationError(
            {"deadline": _("A part cannot be due after its parent task (%(date)s).")
             % {"date": f"{parent.deadline:%d/%m/%Y}"}}
        )  # fmt: skip
    task.save()
    Cooperation.objects.bulk_create(Cooperation(task=task, unit=unit) for unit in cooperating)
    timeline.record(
        task,
        EventKind.CREATED,
        actor,
        lead_unit=lead.pk,
        cooperating_units=[unit.pk for unit in cooperating],
        deadline=task.deadline,
        deadline_basis=task.deadline_basis,
        content=content,
    )
    if task.deadline_kind == DeadlineKind.RECURRING:
        open_periods(task, until=clock.today())
    return task


def _set_deadline(task: Task, spec: TaskSpec) -> None:
    kind = spec.deadline_kind
    dates = {"assigned_on": task.assigned_on, "issued_on": task.directive.issued_on}
    if kind == DeadlineKind.DATE:
        rule = date_rules.deadline_on(spec.deadline_date, **dates)
    elif kind == DeadlineKind.WORKING_DAYS:
        rule = date_rules.deadline_in_working_days(spec.working_days, **dates)
    elif kind == DeadlineKind.RECURRING:
        if spec.recurrence not in Recurrence.values:
            raise ValidationError({"recurrence": _("Choose how often the task recurs.")})
        if not spec.recurrence_day or not 1 <= spec.recurrence_day <= 31:
            raise ValidationError({"recurrence_day": _("Give a day of the month from 1 to 31.")})
        task.recurrence, task.recurrence_day = spec.recurrence, spec.recurrence_day
        return
    elif kind == DeadlineKind.NONE:
        return
    else:
        raise ValidationError({"deadline_kind": _("Choose the kind of deadline.")})
    task.original_deadline = task.deadline = rule.due
    task.deadline_basis = rule.basis


# --- Recurring tasks (báo cáo định kỳ): each period is an occurrence with its own deadline ----
PERIOD_MONTHS = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}


def periods(series: Task, until: datetime.date):
    """(first day, last day, due date) of each period from the assignment up to the one that
    contains ``until``. A period's report is due on the given day of its last month."""
    months = PERIOD_MONTHS[series.recurrence]
    start = series.assigned_on.replace(day=1)
    start = start.replace(month=(start.month - 1) // months * months + 1)
    while start <= until:
        end_month_index = start.month - 1 + months
        year = start.year + end_month_index // 12
        month = end_month_index % 12 + 1
        next_start = datetime.date(year, month, 1)
        last = next_start - datetime.timedelta(days=1)
        day = min(series.recurrence_day, month_calendar.monthrange(last.year, last.month)[1])
        yield start, last, last.replace(day=day)
        start = next_start


def open_periods(series: Task, until: datetime.date) -> list[Task]:
    """Create the occurrences not yet created up to the period containing ``until``
    (idempotent: a period already opened is skipped). A stopped series opens no period starting
    after the day it was stopped (one that started before still opens, on a late run)."""
    existing = set(series.occurrences.values_list("period_start", flat=True))
    created = []
    stopped = series.series_stopped_on
    for first, last, due in periods(series, until):
        if stopped is not None and first > stopped:
            break
        if first in existing or due < series.assigned_on:
            continue
        rule = resolve_date(due)
        occurrence = Task.objects.create(
            directive=series.directive,
            series=series,
            period_start=first,
            period_end=last,
            content=series.content,
            lead_unit=series.lead_unit,
            assigner_unit=series.assigner_unit,
            directing_leader=series.directing_leader,
            specialist=series.specialist,
            sector_block=series.sector_block,
            priority=series.priority,
            product=series.product,
            product_is_committee_document=series.product_is_committee_document,
            assigned_on=max(first, series.assigned_on),
            deadline_kind=DeadlineKind.DATE,
            original_deadline=rule.due,
            deadline=rule.due,
            deadline_basis=rule.basis,
            created_by=series.created_by,
        )
        Cooperation.objects.bulk_create(
            Cooperation(task=occurrence, unit=c.unit) for c in series.cooperations.all()
        )
        timeline.record(
            occurrence,
            EventKind.CREATED,
            None,
            series=series.pk,
            period=[first, last],
            deadline=rule.due,
            deadline_basis=rule.basis,
        )
        created.append(occurrence)
    return created


# --- Sub-assignment (giao lại cho đơn vị cấp dưới) ---------------------------------------------
def subassign_targets(task: Task):
    """Units the lead unit may give part of its task to: its own lower units, and for a
    department the communes of its committee (province → department → commune)."""
    lead = task.lead_unit
    below = Unit.objects.within(lead, include_root=False)
    if lead.kind != UnitKind.COMMITTEE and lead.committee is not None:
        communes = Unit.objects.filter(parent=lead.committee, kind=UnitKind.COMMITTEE)
        below = below | communes
    return below.filter(is_active=True)


@transaction.atomic
def subassign(actor, task: Task, spec: TaskSpec) -> Task:
    task = lock(task)
    require(actor, Action.SUBASSIGN, task)
    require_state(task, STEPS["subassign"].from_states, _("assign part of it"))
    if not subassign_targets(task).filter(pk=spec.lead_unit.pk).exists():
        raise ValidationError({"lead_unit": _("Choose one of the lead unit's lower units.")})
    if spec.deadline_kind in (DeadlineKind.RECURRING, DeadlineKind.NONE) and task.deadline:
        raise ValidationError({"deadline_kind": _("A part of a dated task needs a deadline.")})
    child = _create_task(
        actor,
        task.directive,
        spec,
        assigner=task.lead_unit,
        assigned_on=clock.today(),
        parent=task,
    )
    timeline.record(
        task, EventKind.SUBASSIGNED, actor, child=child.pk, lead_unit=child.lead_unit_id,
        deadline=child.deadline,
    )  # fmt: skip
    return child


# --- Corrections, with before and after ---------------------------------------------------------
EDITABLE = (
    "content",
    "directing_leader",
    "specialist",
    "sector_block",
    "priority",
    "product",
    "product_is_committee_document",
)


@transaction.atomic
def edit_task(actor, task: Task, reason: str = "", **changes) -> Task:
    """Correct a task's fields. The deadline is not edited here: it moves only by extension."""
    task = lock(task)
    require(actor, Action.EDIT, task)
    require_state(task, STEPS["edit"].from_states, _("edit"))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise WorkflowError(_("These fields cannot be edited: %(f)s") % {"f": ", ".join(unknown)})
    diff = {}
    for name, value in changes.items():
        before = getattr(task, name)
        if before != value:
            diff[name] = {"before": _plain(before), "after": _plain(value)}
            setattr(task, name, value)
    if not diff:
        return task
    if "content" in diff and not task.content.strip():
        raise ValidationError({"content": _("Describe the task.")})
    if "directing_leader" in diff and task.assigner_unit.kind == UnitKind.COMMITTEE:
        _check_leader(task.directing_leader, task.assigner_unit, "directing_leader")
    specialists = task.lead_unit.follower_candidates()
    if "specialist" in diff and task.specialist and task.specialist not in specialists:
        raise ValidationError({"specialist": _("Not a tracking specialist of this Office.")})
    # Validate what changed (a system-entered or undated task has blanks elsewhere by design).
    task.full_clean(exclude=[f.name for f in Task._meta.fields if f.name not in diff])
    task.save()
    timeline.record(task, EventKind.EDITED, actor, changes=diff, reason=reason.strip())
    return task


def _plain(value):
    if hasattr(value, "pk"):
        return {"id": value.pk, "name": str(value)}
    return value
