"""Đôn đốc: urging a lead unit on the record, one task or all of a unit's overdue tasks at once.

An urging is a person's act (a specialist, a division head or an Office leader of the committee
that assigned the task): it is recorded as ``EventKind.URGED`` on the task's timeline and counted
in ``Task.urged_count``. Automatic reminders never record ``URGED``, so urgings by a person count
apart from them by construction (the list's "urged N times or more", the dashboard's column).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.directives import timeline
from chidao.directives.models import OPEN_STATES, EventKind, Task
from chidao.directives.timeliness import Timeliness, Today, timeliness_q
from chidao.org.permissions import visible_tasks

from .base import WorkflowError, lock, require, require_state, require_text
from .workflow import STEPS

MESSAGE_MAX_LENGTH = 500


def clean_message(message: str) -> str:
    message = require_text(message, "message", _("Write the urging message."))
    if len(message) > MESSAGE_MAX_LENGTH:
        raise WorkflowError(
            {
                "message": _("The message is at most %(max)s characters long.")
                % {"max": MESSAGE_MAX_LENGTH}
            },
            code="too_long",
        )
    return message


@transaction.atomic
def urge(actor, task: Task, message: str, *, bulk: bool = False) -> Task:
    """Urge the lead unit on one open task, with a short message (required, ≤ 500 characters).
    It changes no state and is not the unit's update ("not updated" does not count from it)."""
    step = STEPS["urge"]
    task = lock(task)
    require(actor, step.action, task)
    require_state(task, step.from_states, str(step.label))
    message = clean_message(message)
    task.urged_count += 1  # under the row lock: no increment is lost
    # ``updated`` too: the dashboards' caches key on the newest change.
    task.save(update_fields=["urged_count", "updated"])
    data = {"message": message}
    if bulk:
        data["bulk"] = True
    timeline.record(task, EventKind.URGED, actor, **data)
    return task


def overdue_of(person, unit, today: Today | None = None):
    """The open overdue tasks led by ``unit`` that ``person`` sees: what "urge them all" urges
    (the task list filtered to that unit and to overdue shows the same tasks)."""
    today = today or Today.now()
    return (
        visible_tasks(person)
        .exclude(deadline_kind="recurring", series__isnull=True)
        .filter(lead_unit=unit, state__in=OPEN_STATES)
        .filter(timeliness_q(Timeliness.OVERDUE, today))
        .order_by("deadline", "pk")
    )


@dataclass(frozen=True)
class BulkResult:
    urged: int
    skipped: int


@transaction.atomic
def urge_overdue(actor, unit, message: str, today: Today | None = None) -> BulkResult:
    """Urge every open overdue task of ``unit`` at once, each with its own event (``bulk``), all
    in one transaction. A task the person may not urge (no right, or no longer open when its
    turn comes) is skipped and counted; an empty or too long message refuses the whole."""
    message = clean_message(message)
    urged = skipped = 0
    for task in overdue_of(actor, unit, today):
        try:
            with transaction.atomic():
                urge(actor, task, message, bulk=True)
        except (PermissionDenied, Http404, ValidationError):
            skipped += 1
        else:
            urged += 1
    return BulkResult(urged=urged, skipped=skipped)
