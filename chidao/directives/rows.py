"""Dòng nhiệm vụ: a task as one line of a list, a home shelf, a directive or a parent task.

What a line prints is computed here once, in Python. Django's template language spends tens of
microseconds on each tag, filter and include; fifty lines multiply that into most of a page's
time, where the same values cost a few microseconds each here. The markup stays in the templates.
"""

import unicodedata

from django.urls import get_script_prefix, reverse
from django.utils.text import Truncator

from chidao.directives.models import State, Task
from chidao.directives.timeliness import COLOURS, Today, timeliness_label, timeliness_of

NO_DATE = "—"


def day(value) -> str:
    """dd/mm/yyyy, the one way the product writes a date; a dash for none."""
    return f"{value:%d/%m/%Y}" if value else NO_DATE


class TaskRow:
    """A task with its timeliness (``timeliness``, ``colour``, the badge's ``words``) and the
    strings its line shows. ``task`` is the task itself, for what a particular line adds."""

    # The columns a line needs (``Task.objects.only(*TaskRow.FIELDS)``): its timeliness and words,
    # its content, deadline and lead unit.
    FIELDS = (
        "content", "state", "deadline", "original_deadline", "completed_on", "extension_count",
        "lead_unit__name",
    )  # fmt: skip

    __slots__ = ("colour", "deadline", "state", "task", "timeliness", "url", "words")

    def __init__(self, task: Task, today: Today):
        self.task = task
        self.timeliness = timeliness_of(task, today)
        self.colour = COLOURS[self.timeliness]
        self.words = timeliness_label(task, self.timeliness)
        self.url = task_url(task.pk)
        self.deadline = day(task.deadline)
        self.state = str(State(task.state).label)

    @classmethod
    def many(cls, tasks, today: Today) -> list["TaskRow"]:
        return [cls(task, today) for task in tasks]

    def content(self, length: int) -> str:
        # As ``truncatechars``: composed (NFC) first, then cut where a reader counts. A text no
        # longer than ``length`` code points fits either way.
        text = unicodedata.normalize("NFC", self.task.content)
        return text if len(text) <= length else Truncator(text).chars(length)

    @property
    def short(self) -> str:
        """The content as a shelf shows it."""
        return self.content(90)

    @property
    def long(self) -> str:
        """The content as the list shows it."""
        return self.content(160)

    @property
    def source(self) -> str:
        """The directive it comes from: its number/symbol, or the meeting's name."""
        directive = self.task.directive
        return directive.reference or directive.meeting_name

    @property
    def issued(self) -> str:
        return day(self.task.directive.issued_on)


def task_url(pk: int) -> str:
    """The task page's address: resolved once per script prefix, then only the id changes."""
    prefix = get_script_prefix()
    base = _TASK_URLS.get(prefix)
    if base is None:
        base = _TASK_URLS[prefix] = reverse("directives:task_detail", args=[0]).removesuffix("0/")
    return f"{base}{pk}/"


_TASK_URLS: dict[str, str] = {}
