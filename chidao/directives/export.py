"""Xuất Excel: the current task list as a real .xlsx, written row by row in constant memory."""

import datetime
import tempfile

import xlsxwriter
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.directives.models import State
from chidao.directives.timeliness import (
    Timeliness,
    Today,
    done_after_extension,
    timeliness_label,
    timeliness_of,
)

COLUMNS = [
    (gettext_lazy("No."), 6),
    (gettext_lazy("Directive"), 18),
    (gettext_lazy("Date"), 11),
    (gettext_lazy("Summary"), 40),
    (gettext_lazy("Task"), 60),
    (gettext_lazy("Lead unit"), 30),
    (gettext_lazy("Tracking specialist"), 22),
    (gettext_lazy("Assigned on"), 11),
    (gettext_lazy("Deadline"), 11),
    (gettext_lazy("Original deadline"), 11),
    (gettext_lazy("State"), 18),
    (gettext_lazy("Timeliness"), 20),
    (gettext_lazy("Completed on"), 11),
    (gettext_lazy("Progress (%)"), 9),
]


# What a row reads: the export fetches these columns only (no timeline hashes, no JSON).
FIELDS = (
    "content", "state", "assigned_on", "deadline", "original_deadline", "completed_on",
    "progress_percent", "extension_count", "directive__number", "directive__symbol",
    "directive__meeting_name", "directive__issued_on", "directive__summary", "lead_unit__name",
    "specialist__full_name",
)  # fmt: skip


def xlsx_response(tasks, today: Today, filename: str) -> FileResponse:
    """Stream ``tasks`` (a queryset, iterated in chunks) as an .xlsx download.

    Every text is written as text: a cell never becomes a formula or a link, whatever it
    starts with."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    book = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "in_memory": False,
         "strings_to_formulas": False, "strings_to_urls": False},
    )  # fmt: skip
    sheet = book.add_worksheet(_("Tasks"))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    text = book.add_format({"text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    for col, (title, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, str(title), bold)
    sheet.freeze_panes(1, 0)
    states = {value: str(label) for value, label in State.choices}
    labels = {}  # (timeliness, after an extension) -> words, translated once
    row = 0
    for row, task in enumerate(tasks.only(*FIELDS).iterator(chunk_size=2000), start=1):
        directive = task.directive
        timeliness = timeliness_of(task, today)
        key = (timeliness, timeliness == Timeliness.DONE_ON_TIME and done_after_extension(task))
        if key not in labels:
            labels[key] = timeliness_label(task, timeliness)
        sheet.write_number(row, 0, row)
        for col, value in (
            (1, directive.reference or directive.meeting_name),
            (3, directive.summary),
            (4, task.content),
            (5, task.lead_unit.name),
            (6, task.specialist.full_name if task.specialist_id else ""),
            (10, states.get(task.state, task.state)),
            (11, labels[key]),
        ):
            if value:
                sheet.write_string(row, col, value, text)
        for col, day in (
            (2, directive.issued_on),
            (7, task.assigned_on),
            (8, task.deadline),
            (9, task.original_deadline),
            (12, task.completed_on),
        ):
            if day is not None:
                sheet.write_datetime(row, col, _midnight(day), date)
        if task.progress_percent is not None:
            sheet.write_number(row, 13, task.progress_percent)
    sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
    book.close()
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time())
