"""Quy trình: every step of a task's life, each allowed only to the right role.

    assigned → received → in progress → reported done → proposed for closing → done
                              ↑_____________ returned ____________|______________|
    any open state → suspended | cancelled;  done | suspended | cancelled → reopened (in progress)

The table ``STEPS`` is the one place that says which states a step starts from and who may take
it; ``available_steps`` reads it for the pages, the functions below enforce it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core import clock
from chidao.directives import timeline
from chidao.directives.models import (
    AWAITING_CHECK_STATES,
    OPEN_STATES,
    Cause,
    Cooperation,
    CooperationStatus,
    Decision,
    Difficulty,
    EventKind,
    LateExplanation,
    State,
    Task,
)
from chidao.org.permissions import Action, can, is_lead_side

from .base import WorkflowError, lock, require, require_state, require_text
from .files import record_with_files

WORKING = (State.RECEIVED, State.IN_PROGRESS)


@dataclass(frozen=True)
class Step:
    label: str
    from_states: tuple
    action: Action


STEPS = {
    "receive": Step(gettext_lazy("receive"), (State.ASSIGNED,), Action.RECEIVE),
    "update": Step(gettext_lazy("post progress"), WORKING, Action.UPDATE),
    "comment": Step(gettext_lazy("comment"), tuple(State), Action.COMMENT),
    "opinion": Step(gettext_lazy("give a directing opinion"), tuple(State), Action.GIVE_OPINION),
    "report": Step(gettext_lazy("report done"), WORKING, Action.REPORT),
    "request_extension": Step(
        gettext_lazy("request an extension"), (State.ASSIGNED, *WORKING), Action.REQUEST_EXTENSION
    ),
    "raise_difficulty": Step(
        gettext_lazy("raise a difficulty"), (State.ASSIGNED, *WORKING), Action.RAISE_DIFFICULTY
    ),
    "subassign": Step(gettext_lazy("assign part of it"), WORKING, Action.SUBASSIGN),
    "propose": Step(gettext_lazy("propose closing"), (State.REPORTED,), Action.CHECK),
    "return_report": Step(gettext_lazy("return"), (State.REPORTED,), Action.CHECK),
    "confirm": Step(gettext_lazy("confirm done"), (State.PROPOSED,), Action.CONFIRM),
    "return_proposal": Step(gettext_lazy("return"), (State.PROPOSED,), Action.CONFIRM),
    "suspend": Step(gettext_lazy("suspend"), OPEN_STATES, Action.SUSPEND),
    "cancel": Step(gettext_lazy("cancel"), (*OPEN_STATES, State.SUSPENDED), Action.SUSPEND),
    "reopen": Step(
        gettext_lazy("reopen"), (State.DONE, State.SUSPENDED, State.CANCELLED), Action.CONFIRM
    ),
    "edit": Step(gettext_lazy("edit"), (*OPEN_STATES, State.SUSPENDED), Action.EDIT),
    "urge": Step(gettext_lazy("urge"), OPEN_STATES, Action.URGE),
}


def available_steps(person, task: Task) -> list[str]:
    """The steps this person may take on this task now, in the table's order. An extension is
    left out when it would be refused whatever the unit proposed (``extension_refusal``)."""
    return [
        name
        for name, step in STEPS.items()
        if task.state in step.from_states
        and can(person, step.action, task)
        and not (name == "request_extension" and extension_refusal(task))
    ]


def extension_refusal(task: Task) -> WorkflowError | None:
    """Why an extension of this task may not be requested now, whatever date and reason are
    given; None when it may. By default a request must come by the deadline in force (the
    deadline day itself is in time): asked later, it would turn late work into work on time.
    ``CHIDAO_LATE_EXTENSIONS`` lets a province allow it (such extensions are marked)."""
    if task.deadline is None:
        return WorkflowError(_("A task without a deadline needs no extension."), code="no_deadline")
    if task.extension_count >= settings.CHIDAO_MAX_EXTENSIONS:
        return WorkflowError(
            _("This task has already been extended %(count)s times, the most allowed.")
            % {"count": task.extension_count},
            code="extension_cap",
        )
    if task.extensions.filter(decision=Decision.PENDING).exists():
        return WorkflowError(
            _("An extension request is already awaiting decision."), code="extension_pending"
        )
    if clock.today() > task.deadline and not settings.CHIDAO_LATE_EXTENSIONS:
        return WorkflowError(
            _("The deadline in force (%(date)s) has passed: an extension can only be requested "
              "by that day. Report the work when it is done, with the explanation of the delay.")
            % {"date": f"{task.deadline:%d/%m/%Y}"},
            code="late_extension",
        )  # fmt: skip
    return None


def mark_lead_side_update(actor, task: Task) -> list[str]:
    """An act of the lead unit's side (a comment, an extension request, a difficulty) shows it
    is working on the task: "not updated" counts from it. Returns the fields to save."""
    if actor is not None and is_lead_side(actor, task):
        task.last_update_at = clock.now()
        return ["last_update_at", "updated"]
    return []


def _enter(actor, task: Task, step_name: str) -> Task:
    step = STEPS[step_name]
    task = lock(task)
    require(actor, step.action, task)
    require_state(task, step.from_states, str(step.label))
    return task


def _move(task: Task, to: State) -> dict:
    before = task.state
    task.state = to
    return {"from": before, "to": to}


@transaction.atomic
def receive(actor, task: Task) -> Task:
    """Tiếp nhận: the lead unit acknowledges the task."""
    task = _enter(actor, task, "receive")
    change = _move(task, State.RECEIVED)
    task.last_update_at = clock.now()
    task.save(update_fields=["state", "last_update_at", "updated"])
    timeline.record(task, EventKind.RECEIVED, actor, **change)
    return task


@transaction.atomic
def post_progress(actor, task: Task, text: str, percent: int | None = None, files=()) -> Task:
    """Cập nhật tiến độ: text, optional percent, files. The first update starts the work."""
    task = _enter(actor, task, "update")
    text = require_text(text, "text", _("Describe the progress."))
    if percent is not None and not 0 <= percent <= 100:
        raise WorkflowError({"percent": _("Progress is a percentage from 0 to 100.")})
    change = _move(task, State.IN_PROGRESS) if task.state == State.RECEIVED else {}
    task.progress_percent = percent if percent is not None else task.progress_percent
    task.last_update_at = clock.now()
    task.save(update_fields=["state", "progress_percent", "last_update_at", "updated"])
    record_with_files(task, EventKind.PROGRESS, actor, files, text=text, percent=percent, **change)
    return task


@transaction.atomic
def update_cooperation(actor, cooperation: Cooperation, status: str, note: str = "") -> Cooperation:
    """A cooperating unit reports on its own share (phần việc phối hợp)."""
    task = lock(cooperation.task)
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    cooperation.task = task
    require(actor, Action.COOPERATE, cooperation)
    if task.state not in OPEN_STATES:
        raise WorkflowError(_("The task is closed: its cooperating units' shares are final."))
    if status not in CooperationStatus.values:
        raise WorkflowError({"status": _("Choose the state of your unit's share.")})
    before = cooperation.status
    cooperation.status = status
    cooperation.note = note.strip()
    cooperation.save(update_fields=["status", "note", "updated"])
    timeline.record(
        task,
        EventKind.COOPERATION,
        actor,
        unit=cooperation.unit_id,
        **{"from": before, "to": status, "note": cooperation.note},
    )
    return cooperation


@transaction.atomic
def comment(actor, task: Task, text: str) -> Task:
    """Trao đổi between the unit and the specialist."""
    task = _enter(actor, task, "comment")
    text = require_text(text, "text", _("Write the comment."))
    if fields := mark_lead_side_update(actor, task):
        task.save(update_fields=fields)
    timeline.record(task, EventKind.COMMENT, actor, text=text)
    return task


@transaction.atomic
def give_opinion(actor, task: Task, text: str) -> Task:
    """Ý kiến chỉ đạo: the directing leader, or the leader in charge of the task's sector block,
    gives his opinion; it stays on the timeline. It is not the unit's update ("not updated" does
    not count from it) and changes no state."""
    task = _enter(actor, task, "opinion")
    text = require_text(text, "text", _("Write the opinion."))
    timeline.record(task, EventKind.OPINION, actor, text=text)
    return task


@transaction.atomic
def report_done(
    actor,
    task: Task,
    *,
    result: str,
    product_number: str = "",
    product_date: datetime.date | None = None,
    late_explanation: dict | None = None,
    files=(),
) -> Task:
    """Báo cáo hoàn thành. After the deadline it needs the explanation report (giải trình):
    ``late_explanation = {"cause": Cause, "explanation": str, "remedy": str}``."""
    task = _enter(actor, task, "report")
    result = require_text(result, "result", _("Describe the result."))
    errors = {}
    if task.product_is_committee_document:
        if not product_number.strip():
            errors["product_number"] = _("Give the number of the product document.")
        if product_date is None:
            errors["product_date"] = _("Give the date of the product document.")
    today = clock.today()
    late = task.deadline is not None and today > task.deadline
    explanation = None
    if late:
        explanation = _late_explanation(late_explanation or {}, errors)
    if errors:
        raise WorkflowError(errors)
    change = _move(task, State.REPORTED)
    withdraw_pending_extension(task, _("The unit reported the task done."))
    task.completed_on = today
    task.result = result
    task.product_number = product_number.strip()
    task.product_date = product_date
    task.returned_at = None
    task.return_reason = ""
    task.progress_percent = 100
    task.last_update_at = clock.now()
    task.save()
    data = {"result": result, "product_number": task.product_number, "late": late}
    data["product_date"] = product_date
    if explanation is not None:
        explanation = LateExplanation.objects.create(task=task, submitted_by=actor, **explanation)
        data["late_explanation"] = {
            "cause": explanation.cause,
            "explanation": explanation.explanation,
            "remedy": explanation.remedy,
        }
    record_with_files(task, EventKind.REPORTED, actor, files, **change, **data)
    return task


def _late_explanation(given: dict, errors: dict) -> dict | None:
    cause = given.get("cause") or ""
    explanation = (given.get("explanation") or "").strip()
    remedy = (given.get("remedy") or "").strip()
    if cause not in Cause.values:
        errors["cause"] = _("The task is late: choose the cause (objective or subjective).")
    if not explanation:
        errors["explanation"] = _("The task is late: explain why.")
    if not remedy:
        errors["remedy"] = _("The task is late: say how it will be remedied.")
    return {"cause": cause, "explanation": explanation, "remedy": remedy}


@transaction.atomic
def propose_closing(actor, task: Task, note: str = "") -> Task:
    """The specialist has checked the report and proposes closing it to the Office leader."""
    task = _enter(actor, task, "propose")
    change = _move(task, State.PROPOSED)
    task.save(update_fields=["state", "updated"])
    timeline.record(task, EventKind.PROPOSED, actor, note=note.strip(), **change)
    return task


@transaction.atomic
def return_task(actor, task: Task, reason: str) -> Task:
    """Trả lại at either check, with a reason: back to in progress, the report set aside."""
    task = lock(task)
    require(actor, Action.VIEW, task)
    # The specialist returns at the first check, an Office leader at the second: from the
    # other state it is the wrong moment, not a missing right.
    allowed = [
        state
        for state, action in ((State.REPORTED, Action.CHECK), (State.PROPOSED, Action.CONFIRM))
        if actor is None or can(actor, action, task)
    ]
    if not allowed:
        raise PermissionDenied
    require_state(task, allowed, str(STEPS["return_report"].label))
    step = "return_report" if task.state == State.REPORTED else "return_proposal"
    task = _enter(actor, task, step)
    reason = require_text(reason, "reason", _("Give the reason for returning the task."))
    change = _move(task, State.IN_PROGRESS)
    task.returned_at = clock.now()
    task.return_reason = reason
    task.completed_on = None
    task.progress_percent = progress_before_report(task)
    task.save(update_fields=["state", "returned_at", "return_reason", "completed_on",
                             "progress_percent", "updated"])  # fmt: skip
    timeline.record(task, EventKind.RETURNED, actor, reason=reason, **change)
    return task


def progress_before_report(task: Task) -> int | None:
    """The progress the unit last gave (its updates, or the register the task came from), which
    its report set to 100: what stands again once the report is set aside or the completion
    undone, so that a returned task never shows as all but finished."""
    steps = task.events.filter(kind__in=(EventKind.PROGRESS, EventKind.IMPORTED)).order_by("-seq")
    for kind, data in steps.values_list("kind", "data"):
        percent = data.get("percent" if kind == EventKind.PROGRESS else "progress")
        if percent is not None:
            return percent
    return None


@transaction.atomic
def confirm(actor, task: Task, note: str = "") -> Task:
    """The Office leader confirms the task done (hoàn thành)."""
    task = _enter(actor, task, "confirm")
    change = _move(task, State.DONE)
    task.closed_at = clock.now()
    task.save(update_fields=["state", "closed_at", "updated"])
    timeline.record(task, EventKind.CONFIRMED, actor, note=note.strip(), **change)
    close_open_difficulties(actor, task)
    return task


def _decided(actor, task: Task, step: str, to: State, kind: str, reason: str) -> Task:
    task = _enter(actor, task, step)
    reason = require_text(reason, "reason", _("Give the decision or reason."))
    if to in (State.SUSPENDED, State.CANCELLED):
        withdraw_pending_extension(task, str(State(to).label))
    change = _move(task, to)
    task.save(update_fields=["state", "updated"])
    timeline.record(task, kind, actor, reason=reason, **change)
    if to in (State.SUSPENDED, State.CANCELLED):
        close_open_difficulties(actor, task)
    return task


@transaction.atomic
def suspend(actor, task: Task, reason: str) -> Task:
    """Tạm dừng by a leader's decision."""
    return _decided(actor, task, "suspend", State.SUSPENDED, EventKind.SUSPENDED, reason)


@transaction.atomic
def cancel(actor, task: Task, reason: str) -> Task:
    """Hủy by a leader's decision; cancelled tasks leave the statistics."""
    return _decided(actor, task, "cancel", State.CANCELLED, EventKind.CANCELLED, reason)


@transaction.atomic
def reopen(actor, task: Task, reason: str) -> Task:
    """Mở lại by an Office leader: back to in progress; a done task's completion is undone."""
    task = _decided(actor, task, "reopen", State.IN_PROGRESS, EventKind.REOPENED, reason)
    if task.completed_on or task.closed_at:
        progress = progress_before_report(task)
        Task.objects.filter(pk=task.pk).update(
            completed_on=None, closed_at=None, progress_percent=progress
        )
        task.completed_on = task.closed_at = None
        task.progress_percent = progress
    return task


def withdraw_pending_extension(task: Task, why: str) -> None:
    """A request still pending when the work is handed in or stopped is closed unanswered: no
    decision may later move the deadline of finished work (nor rewrite its statistics)."""
    task.extensions.filter(decision=Decision.PENDING).update(
        decision=Decision.WITHDRAWN, decided_at=clock.now(), decision_note=why
    )


def close_open_difficulties(actor, task: Task) -> None:
    """Difficulties still awaiting guidance when their task is done, suspended or cancelled are
    closed unanswered, as no longer needed, each with its event after the step's own: nobody is
    left to answer, nor shown as waiting, for work that has ended. The caller holds the task's
    lock; ``task.state`` is already the new state."""
    now = clock.now()
    for difficulty in (
        Difficulty.objects.select_for_update().filter(task=task, is_open=True).order_by("pk")
    ):
        difficulty.is_open = False
        difficulty.closed_because = task.state
        difficulty.closed_at = now
        difficulty.save(update_fields=["is_open", "closed_because", "closed_at"])
        timeline.record(
            task,
            EventKind.DIFFICULTY_CLOSED,
            actor,
            difficulty=difficulty.pk,
            text=difficulty.text,
            because=task.state,
        )


def is_awaiting_check(task: Task) -> bool:
    return task.state in AWAITING_CHECK_STATES
