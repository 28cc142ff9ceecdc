"""Every write to directives and tasks (atomic, permission-checked, recorded on the timeline).

Views, the admin site, commands and the demo call these; ``actor=None`` is the system itself.
"""

from .base import WorkflowError
from .correct import correct_directive, correct_task, stop_series
from .issue import EDITABLE, TaskSpec, edit_task, issue_directive, open_periods, subassign
from .requests import (
    answer_difficulty,
    decide_extension,
    escalate_difficulty,
    raise_difficulty,
    request_extension,
)
from .urging import BulkResult, overdue_of, urge, urge_overdue
from .workflow import (
    STEPS,
    available_steps,
    cancel,
    comment,
    confirm,
    extension_refusal,
    give_opinion,
    post_progress,
    propose_closing,
    receive,
    reopen,
    report_done,
    return_task,
    suspend,
    update_cooperation,
)

__all__ = [
    "EDITABLE",
    "STEPS",
    "BulkResult",
    "TaskSpec",
    "WorkflowError",
    "answer_difficulty",
    "available_steps",
    "cancel",
    "comment",
    "confirm",
    "correct_directive",
    "correct_task",
    "decide_extension",
    "edit_task",
    "escalate_difficulty",
    "extension_refusal",
    "give_opinion",
    "issue_directive",
    "open_periods",
    "overdue_of",
    "post_progress",
    "propose_closing",
    "raise_difficulty",
    "receive",
    "reopen",
    "report_done",
    "request_extension",
    "return_task",
    "stop_series",
    "subassign",
    "suspend",
    "update_cooperation",
    "urge",
    "urge_overdue",
]
