"""Xuất Excel: the current task list as a real .xlsx, written row by row in constant memory."""

import datetime
import tempfile

import xlsxwriter
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.directives.timeliness import Today, timeliness_label, timeliness_of

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


def xlsx_response(tasks, today: Today, filename: str) -> FileResponse:
    """Stream ``tasks`` (a queryset, iterated in chunks) as an .xlsx download."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(_("Tasks"))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    text = book.add_format({"text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    for col, (title, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(0, col, str(title), bold)
    sheet.freeze_panes(1, 0)
    row = 0
    for row, task in enumerate(tasks.iterator(chunk_size=500), start=1):
        directive = task.directive
        values = [
            (row, None),
            (directive.reference or directive.meeting_name, text),
            (directive.issued_on, date),
            (directive.summary, text),
            (task.content, text),
            (task.lead_unit.name, text),
            (task.specialist.full_name if task.specialist else "", text),
            (task.assigned_on, date),
            (task.deadline, date),
            (task.original_deadline, date),
            (task.get_state_display(), text),
            (timeliness_label(task, timeliness_of(task, today)), text),
            (task.completed_on, date),
            (task.progress_percent, None),
        ]
        for col, (value, style) in enumerate(values):
            if value is None or value == "":
                continue
            if style is date:
                sheet.write_datetime(row, col, _midnight(value), date)
            else:
                sheet.write(row, col, str(value) if not isinstance(value, int) else value, style)
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
