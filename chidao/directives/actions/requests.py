"""Extensions (gia hạn) and difficulties (khó khăn, vướng mắc): a unit asks, those above decide."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives import date_rules, timeline
from chidao.directives.models import (
    LEVEL_ORDER,
    Decision,
    Difficulty,
    EventKind,
    Extension,
    Level,
    Task,
)
from chidao.org.models import Membership, Role, UnitKind
from chidao.org.permissions import Action
from chidao.workdays.calendar import WorkCalendar

from .base import WorkflowError, lock, require, require_state, require_text
from .workflow import STEPS, extension_refusal, mark_lead_side_update


@transaction.atomic
def request_extension(actor, task: Task, *, proposed_date: datetime.date, reason: str) -> Extension:
    """The lead unit asks for a later deadline, with its reason: by the deadline in force, unless
    CHIDAO_LATE_EXTENSIONS allows a request after it (the extension is then marked)."""
    task = lock(task)
    require(actor, Action.REQUEST_EXTENSION, task)
    require_state(task, STEPS["request_extension"].from_states, _("request an extension"))
    if refusal := extension_refusal(task):
        raise refusal
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    if proposed_date is None or proposed_date <= task.deadline:
        raise WorkflowError(
            {"proposed_date": _("Propose a date after the deadline in force (%(date)s).")
             % {"date": f"{task.deadline:%d/%m/%Y}"}}
        )  # fmt: skip
    after_deadline = clock.today() > task.deadline  # only when the setting allows it
    date_rules.check_extended_deadline(proposed_date, task.directive.issued_on, "proposed_date")
    extension = Extension.objects.create(
        task=task,
        requested_by=actor,
        reason=reason,
        proposed_date=proposed_date,
        deadline_before=task.deadline,
        after_deadline=after_deadline,
    )
    if fields := mark_lead_side_update(actor, task):
        task.save(update_fields=fields)
    data = {"extension": extension.pk, "proposed_date": proposed_date, "reason": reason}
    if after_deadline:
        data["after_deadline"] = True
    timeline.record(task, EventKind.EXTENSION_REQUESTED, actor, **data)
    return extension


@transaction.atomic
def decide_extension(
    actor,
    extension: Extension,
    *,
    approve: bool,
    date: datetime.date | None = None,
    note: str = "",
) -> Extension:
    """The directing leader or an Office leader approves (possibly another date) or rejects.
    An approval moves the deadline in force; the original deadline never moves. A date on a day
    off moves to the next working day (Civil Code art. 148). Approving a request made after the
    deadline had passed marks the task (``extended_after_deadline``), for the statistics."""
    task = lock(extension.task)
    require(actor, Action.DECIDE_EXTENSION, task)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != Decision.PENDING:
        raise WorkflowError(_("This extension request has already been decided."))
    require_state(task, STEPS["request_extension"].from_states, _("decide on an extension"))
    if not approve:
        note = require_text(note, "note", _("Give the reason for rejecting the request."))
    before = task.deadline
    if approve:
        date = WorkCalendar.current().roll_forward(date or extension.proposed_date)
        date_rules.check_extended_deadline(date, task.directive.issued_on, "date")
        if date <= task.deadline:
            raise WorkflowError(
                {"date": _("The new deadline must be after %(date)s.")
                 % {"date": f"{task.deadline:%d/%m/%Y}"}}
            )  # fmt: skip
        task.deadline = date
        task.extension_count += 1
        task.extended_after_deadline = task.extended_after_deadline or extension.after_deadline
        task.save(
            update_fields=["deadline", "extension_count", "extended_after_deadline", "updated"]
        )
    extension.decision = Decision.APPROVED if approve else Decision.REJECTED
    extension.decided_by = actor
    extension.decided_at = clock.now()
    extension.approved_date = date if approve else None
    extension.decision_note = note.strip()
    extension.save()
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REJECTED
    data = {"extension": extension.pk, "note": extension.decision_note}
    if approve:
        data.update(deadline_before=before, deadline_after=date)
        if extension.after_deadline:
            data["after_deadline"] = True
    timeline.record(task, kind, actor, **data)
    return extension


@transaction.atomic
def raise_difficulty(actor, task: Task, text: str) -> Difficulty:
    """The unit or the specialist reports a difficulty; it goes first to the division head."""
    task = lock(task)
    require(actor, Action.RAISE_DIFFICULTY, task)
    require_state(task, STEPS["raise_difficulty"].from_states, _("raise a difficulty"))
    text = require_text(text, "text", _("Describe the difficulty."))
    first = _first_level(task)
    difficulty = Difficulty.objects.create(
        task=task, raised_by=actor, text=text, addressed_to=first
    )
    if fields := mark_lead_side_update(actor, task):
        task.save(update_fields=fields)
    timeline.record(
        task,
        EventKind.DIFFICULTY_RAISED,
        actor,
        difficulty=difficulty.pk,
        text=text,
        addressed_to=first,
    )
    return difficulty


def _first_level(task: Task) -> str:
    """The division heads first, where the assigning committee's Office has any (a small
    commune's Office often has none), else the Office leaders."""
    assigner = task.assigner_unit
    has_division_heads = Membership.objects.filter(
        unit__parent__parent=assigner,
        unit__kind=UnitKind.OFFICE_DIVISION,
        role=Role.DIVISION_HEAD,
        is_active=True,
    ).exists()
    return Level.DIVISION_HEAD if has_division_heads else Level.OFFICE_LEADER


def _locked_open(actor, difficulty: Difficulty) -> tuple[Task, Difficulty]:
    task = lock(difficulty.task)
    difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    difficulty.task = task
    require(actor, Action.ANSWER, difficulty)
    if difficulty.no_longer_needed:
        raise WorkflowError(
            _("This difficulty was closed as no longer needed when its task ended.")
        )
    if not difficulty.is_open:
        raise WorkflowError(_("This difficulty has already been answered."))
    return task, difficulty


@transaction.atomic
def answer_difficulty(actor, difficulty: Difficulty, guidance: str) -> Difficulty:
    """Ý kiến chỉ đạo on the difficulty, recorded on the task."""
    task, difficulty = _locked_open(actor, difficulty)
    guidance = require_text(guidance, "guidance", _("Write the guidance."))
    difficulty.is_open = False
    difficulty.guidance = guidance
    difficulty.answered_by = actor
    difficulty.answered_at = clock.now()
    difficulty.save()
    timeline.record(
        task, EventKind.DIFFICULTY_ANSWERED, actor, difficulty=difficulty.pk, guidance=guidance
    )
    return difficulty


@transaction.atomic
def escalate_difficulty(actor, difficulty: Difficulty, note: str = "") -> Difficulty:
    """Pass the difficulty up one level: division head → Office leader → directing leader."""
    task, difficulty = _locked_open(actor, difficulty)
    position = LEVEL_ORDER.index(difficulty.addressed_to)
    if position == len(LEVEL_ORDER) - 1:
        raise WorkflowError(_("The directing leader is the last level."))
    before = difficulty.addressed_to
    difficulty.addressed_to = LEVEL_ORDER[position + 1]
    difficulty.save(update_fields=["addressed_to"])
    timeline.record(
        task,
        EventKind.DIFFICULTY_ESCALATED,
        actor,
        difficulty=difficulty.pk,
        **{"from": before, "to": difficulty.addressed_to, "note": note.strip()},
    )
    return difficulty
