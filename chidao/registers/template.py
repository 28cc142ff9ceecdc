"""The register template (mẫu sổ theo dõi) offered on the import page: one sheet with the
columns the import reads, an example row, and a sheet of notes on what each column holds."""

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from chidao.registers import columns

EXAMPLE = {
    "reference": "125/UBND-KT",
    "issued_on": datetime.date(2026, 3, 2),
    "kind": "Công văn",
    "summary": "Về việc triển khai giải ngân vốn đầu tư công năm 2026",
    "signer": "",
    "content": "Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
    "lead_unit": "Sở Tài chính",
    "cooperating_units": "Sở Xây dựng; UBND xã Mỹ Thiện",
    "assigned_on": datetime.date(2026, 3, 2),
    "deadline": "15 ngày làm việc",
    "state": "Đã hoàn thành",
    "completed_on": datetime.date(2026, 3, 20),
    "progress": "",
    "result": "Báo cáo số 45/BC-STC",
    "late_explanation": "",
    "directing_leader": "",
    "specialist": "",
    "product": "Báo cáo",
    "note": "",
}


def build() -> bytes:
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1,
                            "bg_color": "#DCE6F1"})  # fmt: skip
    date = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    text = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("So theo doi")
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 36)
    for col, field in enumerate(columns.FIELDS):
        sheet.write_string(0, col, field.label, head)
        sheet.write_comment(0, col, str(field.note), {"x_scale": 2})
        value = EXAMPLE.get(field.key, "")
        wide = field.key in ("summary", "content", "result", "cooperating_units", "note")
        sheet.set_column(col, col, 40 if wide else 16)
        if isinstance(value, datetime.date):
            sheet.write_datetime(1, col, datetime.datetime.combine(value, datetime.time()), date)
        else:
            sheet.write_string(1, col, str(value), text)
    notes = book.add_worksheet(_("Notes")[:31])
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 90)
    notes.write_string(0, 0, _("Column"), head)
    notes.write_string(0, 1, _("What it holds"), head)
    for row, field in enumerate(columns.FIELDS, start=1):
        notes.write_string(row, 0, field.label, text)
        notes.write_string(row, 1, str(field.note), text)
    tail = len(columns.FIELDS) + 2
    for offset, line in enumerate((
        _("One row per task. Rows of the same document (number, symbol, year) make one "
          "directive with several tasks; the document's cells may be merged down over them."),
        _("Dates are day/month/year (dd/mm/yyyy) or Excel dates."),
        _("Nothing is saved until every row is valid and the import is confirmed."),
        _("Delete the example row before importing."),
    )):  # fmt: skip
        notes.write_string(tail + offset, 1, line, text)
    book.close()
    return stream.getvalue()
