from .attachment import Attachment
from .directive import Directive, DirectiveKind
from .event import EventKind, ImmutableEventError, TaskEvent
from .requests import (
    LEVEL_ORDER,
    Cause,
    Decision,
    Difficulty,
    Extension,
    LateExplanation,
    Level,
)
from .task import (
    AWAITING_CHECK_STATES,
    OPEN_STATES,
    WORKING_STATES,
    Cooperation,
    CooperationStatus,
    DeadlineKind,
    Priority,
    Recurrence,
    State,
    Task,
)

__all__ = [
    "AWAITING_CHECK_STATES",
    "LEVEL_ORDER",
    "OPEN_STATES",
    "WORKING_STATES",
    "Attachment",
    "Cause",
    "Cooperation",
    "CooperationStatus",
    "DeadlineKind",
    "Decision",
    "Difficulty",
    "Directive",
    "DirectiveKind",
    "EventKind",
    "Extension",
    "ImmutableEventError",
    "LateExplanation",
    "Level",
    "Priority",
    "Recurrence",
    "State",
    "Task",
    "TaskEvent",
]
