"""Đính chính: correcting what was entered by mistake, with a reason, before and after kept.

A correction fixes an entry error; it is not a step of the work. The tracking specialist and the
Office leaders of the assigning committee (``Action.EDIT``) correct a task: its content, expected
product, lead unit, cooperating units, directing leader, specialist, sector block, priority,
deadline and its directive's confidentiality. Those who enter a committee's directives correct
the directive itself: kind, number and symbol, date, signer, summary, meeting, confidentiality,
and add files to its document.

1. A corrected deadline is the deadline the task should have had from the start: the original
   deadline moves with the deadline in force, the extension count does not move, and
   ``deadline_corrections`` lets the statistics show such tasks apart. A deadline already moved
   by an approved extension is not corrected: that would overwrite the leader's decision.
2. A corrected lead unit takes the task over as new: it is back to "assigned" (unless suspended),
   the former unit's progress, report, pending extension request and escalation are set aside,
   and the former unit no longer sees it unless it is involved otherwise. A task whose parts were
   already handed down to lower units keeps its lead unit (those parts are the unit's own). A
   recurring report's periods already opened keep theirs; the periods opened later follow it.
3. A directive's correction is recorded on each of its tasks (``DIRECTIVE_EDITED``); a task's
   own correction on that task (``EDITED``), and a change of its directive's confidentiality on
   the directive's other tasks as a directive correction.

Closed periods keep their frozen figures (``chidao.reports.freezing``): nothing here touches them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives import date_rules, timeline
from chidao.directives.models import (
    OPEN_STATES,
    Cooperation,
    DeadlineKind,
    Directive,
    EventKind,
    Priority,
    State,
    Task,
)
from chidao.org.permissions import Action

from .base import WorkflowError, lock, require, require_state, require_text
from .files import attach
from .issue import _check_leader, _plain, subassign_targets
from .workflow import STEPS, withdraw_pending_extension

# The task's own fields a correction sets as given (checked below).
PLAIN_FIELDS = (
    "content", "product", "product_is_committee_document", "directing_leader", "specialist",
    "sector_block", "priority",
)  # fmt: skip
TASK_FIELDS = (*PLAIN_FIELDS, "lead_unit", "cooperating_units", "deadline", "is_confidential")
DIRECTIVE_FIELDS = (
    "kind", "number", "symbol", "issued_on", "signer", "summary", "meeting_name", "meeting_chair",
    "is_confidential",
)  # fmt: skip
# What the unit had done on the task, set aside when another unit takes it over as new.
LEAD_SIDE_RESET = {
    "progress_percent": None,
    "returned_at": None,
    "return_reason": "",
    "completed_on": None,
    "result": "",
    "product_number": "",
    "product_date": None,
    "escalated_rung": 0,
    "escalated_for": None,
}


def _units(units) -> list[dict]:
    return [_plain(unit) for unit in sorted(units, key=lambda u: u.pk)]


@transaction.atomic
def correct_task(actor, task: Task, reason: str, **changes) -> Task:
    """Correct the given fields of ``task`` (unchanged ones are ignored); at least one must
    change. ``cooperating_units`` is the whole new list; ``deadline`` a date;
    ``is_confidential`` is the directive's. All or nothing."""
    task = lock(task)
    require(actor, Action.EDIT, task)
    require_state(task, STEPS["edit"].from_states, _("correct"))
    reason = require_text(reason, "reason", _("Give the reason for the correction."))
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be edited: %(f)s") % {"f": ", ".join(unknown)})
    diff: dict = {}
    errors: dict = {}
    _correct_plain(task, changes, diff, errors)
    cooperating = _correct_cooperating(task, changes, diff, errors)
    _correct_lead_unit(task, changes, cooperating, diff, errors)
    _correct_deadline(task, changes, diff, errors)
    confidential = _confidentiality(actor, task, changes, diff)
    if errors:
        raise ValidationError(errors)
    if not diff:
        raise WorkflowError(_("Nothing was changed: correct at least one field."), code="no_change")
    task.full_clean(exclude=[f.name for f in Task._meta.fields if f.name not in diff])
    task.save()
    if "cooperating_units" in diff:
        before = {c.unit_id: c for c in task.cooperations.all()}
        after = {unit.pk for unit in cooperating}
        Cooperation.objects.filter(task=task).exclude(unit_id__in=after).delete()
        Cooperation.objects.bulk_create(
            Cooperation(task=task, unit=unit) for unit in cooperating if unit.pk not in before
        )
    if confidential is not None:
        _save_confidentiality(actor, task, confidential, reason)
    timeline.record(task, EventKind.EDITED, actor, changes=diff, reason=reason)
    return task


def _note(diff: dict, name: str, before, after) -> None:
    diff[name] = {"before": _plain(before), "after": _plain(after)}


def _correct_plain(task: Task, changes: dict, diff: dict, errors: dict) -> None:
    for name in PLAIN_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name in ("content", "product"):
            value = (value or "").strip()
        if getattr(task, name) == value:
            continue
        _note(diff, name, getattr(task, name), value)
        setattr(task, name, value)
    if "content" in diff and not task.content:
        errors["content"] = [_("Describe the task.")]
    if "priority" in diff and task.priority not in Priority.values:
        errors["priority"] = [_("Choose a priority.")]
    if "directing_leader" in diff and task.parent_id is None:
        try:
            _check_leader(task.directing_leader, task.assigner_unit, "directing_leader")
        except ValidationError as error:
            errors.update(error.message_dict)


def _correct_cooperating(task: Task, changes: dict, diff: dict, errors: dict) -> list:
    current = [c.unit for c in task.cooperations.select_related("unit")]
    if "cooperating_units" not in changes:
        return current
    wanted = list(dict.fromkeys(changes["cooperating_units"] or ()))
    if {u.pk for u in wanted} == {u.pk for u in current}:
        return current
    added = [unit for unit in wanted if unit not in current]
    if any(not unit.is_active for unit in added):
        errors["cooperating_units"] = [_("A dissolved unit cannot cooperate.")]
    diff["cooperating_units"] = {"before": _units(current), "after": _units(wanted)}
    return wanted


def _correct_lead_unit(task: Task, changes: dict, cooperating: list, diff: dict, errors):
    lead = changes.get("lead_unit", task.lead_unit)
    if lead is None:
        errors["lead_unit"] = [_("Choose an active lead unit.")]
        return
    if lead in cooperating:
        errors["cooperating_units"] = [_("The lead unit cannot also cooperate.")]
    if lead.pk == task.lead_unit_id:
        return
    if not lead.is_active:
        errors["lead_unit"] = [_("Choose an active lead unit.")]
    elif task.parent_id is None and lead.supervising_committee != task.assigner_unit:
        errors["lead_unit"] = [
            _("%(unit)s does not carry out the directives of %(issuer)s.")
            % {"unit": lead, "issuer": task.assigner_unit}
        ]
    elif task.parent_id is not None and not _below_parent(task, lead):
        errors["lead_unit"] = [_("Choose one of the lead unit's lower units.")]
    elif task.children.exists():
        errors["lead_unit"] = [
            _("The lead unit has already handed parts of this task down to its lower units: "
              "its lead unit can no longer be corrected.")
        ]  # fmt: skip
    if "lead_unit" in errors:
        return
    _note(diff, "lead_unit", task.lead_unit, lead)
    task.lead_unit = lead
    # Taken over as new: the former unit's work on it is set aside (it stays on the timeline).
    for name, value in LEAD_SIDE_RESET.items():
        setattr(task, name, value)
    task.last_update_at = clock.now()
    if task.state in OPEN_STATES and task.state != State.ASSIGNED:
        diff["state"] = {"before": task.state, "after": State.ASSIGNED}
        task.state = State.ASSIGNED
    withdraw_pending_extension(task, _("The lead unit was corrected."))


def _below_parent(task: Task, unit) -> bool:
    return subassign_targets(task.parent).filter(pk=unit.pk).exists()


def _correct_deadline(task: Task, changes: dict, diff: dict, errors: dict) -> None:
    day = changes.get("deadline")
    if day is None or (day == task.deadline and task.deadline == task.original_deadline):
        return
    if task.deadline_kind == DeadlineKind.RECURRING and task.series_id is None:
        errors["deadline"] = [_("Each period of a recurring report has its own deadline.")]
        return
    if task.extension_count:
        errors["deadline"] = [
            _("The deadline was extended by decision to %(date)s: correcting the date entered "
              "would overwrite that decision.") % {"date": f"{task.deadline:%d/%m/%Y}"}
        ]  # fmt: skip
        return
    try:
        rule = date_rules.deadline_on(
            day, assigned_on=task.assigned_on, issued_on=task.directive.issued_on
        )
    except ValidationError as error:
        errors["deadline"] = [m for ms in error.message_dict.values() for m in ms]
        return
    parent = task.parent
    if parent is not None and parent.deadline and rule.due > parent.deadline:
        errors["deadline"] = [
            _("A part cannot be due after its parent task (%(date)s).")
            % {"date": f"{parent.deadline:%d/%m/%Y}"}
        ]
        return
    later = task.children.filter(deadline__gt=rule.due).exclude(state=State.CANCELLED)
    if later.exists():
        errors["deadline"] = [
            _("Parts handed down to lower units are due after %(date)s: correct theirs first.")
            % {"date": f"{rule.due:%d/%m/%Y}"}
        ]
        return
    if rule.due == task.deadline:
        return
    _note(diff, "deadline", task.deadline, rule.due)
    if task.deadline_kind != DeadlineKind.DATE:
        _note(diff, "deadline_kind", task.deadline_kind, DeadlineKind.DATE)
    task.deadline_kind = DeadlineKind.DATE
    task.original_deadline = task.deadline = rule.due
    task.deadline_basis = rule.basis
    task.deadline_corrections += 1


def _confidentiality(actor, task: Task, changes: dict, diff: dict) -> bool | None:
    """The directive's confidentiality, corrected from one of its tasks: the new value, or None
    when it does not change. Whoever changes it must be allowed to correct the directive."""
    if "is_confidential" not in changes:
        return None
    value = bool(changes["is_confidential"])
    if value == task.directive.is_confidential:
        return None
    require(actor, Action.EDIT, task.directive)
    _note(diff, "is_confidential", task.directive.is_confidential, value)
    return value


def _save_confidentiality(actor, task: Task, value: bool, reason: str) -> None:
    directive = Directive.objects.select_for_update().get(pk=task.directive_id)
    before = directive.is_confidential
    directive.is_confidential = value
    directive.save()
    task.directive = directive
    change = {"is_confidential": {"before": before, "after": value}}
    _record_on_tasks(actor, directive, change, reason, skip=task.pk)


def _record_on_tasks(actor, directive: Directive, changes: dict, reason: str, skip=None, **data):
    """``DIRECTIVE_EDITED`` on each task of the directive (in id order: the same lock order in
    every process), with what changed for that task."""
    per_task = data.pop("per_task", {})
    for pk in directive.tasks.order_by("pk").values_list("pk", flat=True):
        if pk == skip:
            continue
        task = Task.objects.select_for_update(of=("self",)).get(pk=pk)
        own = {**changes, **per_task.get(pk, {})}
        timeline.record(task, EventKind.DIRECTIVE_EDITED, actor, changes=own, reason=reason, **data)


@transaction.atomic
def correct_directive(actor, directive: Directive, reason: str, files=(), **changes) -> Directive:
    """Correct the directive's own fields and add files to its document. Its tasks assigned on
    its date are assigned on the corrected date; their deadlines stay (each corrected on its task
    when it has to be)."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    require(actor, Action.EDIT, directive)
    reason = require_text(reason, "reason", _("Give the reason for the correction."))
    unknown = set(changes) - set(DIRECTIVE_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be edited: %(f)s") % {"f": ", ".join(unknown)})
    if "symbol" in changes:
        changes["symbol"] = (changes["symbol"] or "").strip().upper()
    for name in ("summary", "meeting_name"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    diff = {}
    old_date = directive.issued_on
    for name, value in changes.items():
        if getattr(directive, name) != value:
            _note(diff, name, getattr(directive, name), value)
            setattr(directive, name, value)
    files = list(files or ())
    if not diff and not files:
        raise WorkflowError(_("Nothing was changed: correct at least one field."), code="no_change")
    errors = {}
    try:
        directive.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    checks = [
        ("issued_on", lambda: date_rules.check_issue_date(directive.issued_on)),
        ("signer", lambda: _check_leader(directive.signer, directive.issuer, "signer")),
        ("meeting_chair", lambda: _check_leader(
            directive.meeting_chair, directive.issuer, "meeting_chair")),
    ]  # fmt: skip
    for name, check in checks:
        if name in diff and name not in errors:
            try:
                check()
            except ValidationError as error:
                errors.update(error.message_dict)
    moved = _moved_tasks(directive, old_date) if "issued_on" in diff else []
    if "issued_on" in diff and "issued_on" not in errors:
        early = [t for t in moved if t.deadline and t.deadline < directive.issued_on]
        if early:
            errors["issued_on"] = [
                _("%(count)s of its tasks are due before %(date)s: correct their deadlines "
                  "first.") % {"count": len(early), "date": f"{directive.issued_on:%d/%m/%Y}"}
            ]  # fmt: skip
    if errors:
        raise ValidationError(errors)
    directive.save()
    per_task = {}
    for task in moved:
        Task.objects.filter(pk=task.pk).update(assigned_on=directive.issued_on)
        per_task[task.pk] = {
            "assigned_on": {"before": _plain(old_date), "after": _plain(directive.issued_on)}
        }
    data = {"per_task": per_task}
    if files:
        added = attach(actor, None, files, directive=directive)
        data["files_added"] = [
            {"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256} for a in added
        ]
    _record_on_tasks(actor, directive, diff, reason, **data)
    return directive


def _moved_tasks(directive: Directive, old_date: datetime.date) -> list[Task]:
    """The directive's own tasks (not parts, not periods) assigned on its former date."""
    return list(
        directive.tasks.filter(parent__isnull=True, series__isnull=True, assigned_on=old_date)
        .select_for_update(of=("self",))
        .order_by("pk")
    )


@transaction.atomic
def stop_series(actor, series: Task, reason: str) -> Task:
    """Dừng báo cáo định kỳ: no period starting after today opens (``open_periods``); the periods
    already opened stay, each with its own deadline and workflow."""
    series = lock(series)
    require(actor, Action.EDIT, series)
    if not series.is_recurring_series:
        raise WorkflowError(_("Only a recurring report can be stopped."), code="not_recurring")
    if series.series_stopped_on is not None:
        raise WorkflowError(
            _("This recurring report was already stopped on %(date)s.")
            % {"date": f"{series.series_stopped_on:%d/%m/%Y}"},
            code="already_stopped",
        )
    reason = require_text(reason, "reason", _("Give the reason for stopping the report."))
    series.series_stopped_on = clock.today()
    series.save(update_fields=["series_stopped_on", "updated"])
    timeline.record(
        series, EventKind.SERIES_STOPPED, actor, reason=reason, stopped_on=series.series_stopped_on
    )
    return series
