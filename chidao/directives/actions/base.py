"""What every task action shares: the row lock, the permission check, the state check."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chidao.directives.models import State, Task
from chidao.org.permissions import Action, check


class WorkflowError(ValidationError):
    """An illegal step: raised before anything is written, so nothing changes."""


def lock(task: Task) -> Task:
    """Re-read the task under a row lock for the rest of the transaction (PostgreSQL: FOR
    UPDATE; SQLite serialises writers with BEGIN IMMEDIATE). Two people acting at once thus
    act one after the other, the second on the first one's result."""
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "assigner_unit", "directive")
        .get(pk=task.pk)
    )


def require(actor, action: Action, obj) -> None:
    """``actor=None`` is the system itself (demo data, commands run by an operator)."""
    if actor is not None:
        check(actor, action, obj)


def require_state(task: Task, allowed, step: str) -> None:
    if task.state not in allowed:
        raise WorkflowError(
            _("Cannot %(step)s: the task is %(state)s.")
            % {"step": step, "state": State(task.state).label.lower()},
            code="illegal_step",
        )


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value
