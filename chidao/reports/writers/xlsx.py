"""Báo cáo as .xlsx: the report's tables as worksheets, for those who work on the figures.

A spreadsheet carries the numbers, not the letter: one sheet per table (a chart's table
included), two title lines, the header row frozen, figures as real number cells (linked to their
task list when the site's address is known) and rates as percentages. No text ever becomes a
formula or a link, whatever it starts with.
"""

import re

import xlsxwriter
from django.utils.translation import gettext as _

from chidao.reports.document import Cell, Chart, Document, Figure, Table
from chidao.reports.writers.docx import link_url

SHEET_NAME_LIMIT = 31
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_ROW = 2  # rows 0 and 1 hold the title lines
TOTAL_WIDTH = 100  # characters shared out over a table's columns by its relative widths
DEFAULT_WIDTH = 18
CELL_STYLES = {
    "text": {"text_wrap": True},
    "number": {"num_format": "#,##0"},  # Excel shows the reader's own thousands separator
    "rate": {"num_format": "0.0%"},
    "link": {"num_format": "#,##0", "underline": 1, "font_color": "#0563C1"},
}


def write(document: Document, stream, base_url: str = "") -> None:
    """Write ``document``'s tables as .xlsx into the binary ``stream``."""
    book = xlsxwriter.Workbook(
        stream,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": document.title, "author": document.issuer})
    formats = _formats(book)
    names: set[str] = set()
    tables = _tables_with_captions(document)
    for number, (table, caption) in enumerate(tables, start=1):
        name = sheet_name(caption, _("Table %(number)s") % {"number": number}, names)
        sheet = book.add_worksheet(name)
        _title_lines(sheet, document, caption, formats)
        _table(sheet, table, base_url, formats)
    if not tables:
        _title_lines(book.add_worksheet(sheet_name(_("Report"), "", names)), document, "", formats)
    book.close()


def _tables_with_captions(document: Document) -> list[tuple[Table, str]]:
    pairs = []
    for block in document.blocks:
        if isinstance(block, Chart):
            pairs.append((block.table, block.table.title or block.caption))
        elif isinstance(block, Table):
            pairs.append((block, block.title))
    return pairs


def sheet_name(wanted: str, fallback: str, taken: set[str]) -> str:
    """A name Excel accepts: none of ``[]:*?/\\``, at most 31 characters, not "History", not
    starting or ending with an apostrophe, unique in the workbook (compared without case)."""
    name = re.sub(r"\s+", " ", FORBIDDEN.sub("", wanted)).strip(" '")[:SHEET_NAME_LIMIT].strip(" '")
    if not name or name.casefold() == "history":
        name = fallback[:SHEET_NAME_LIMIT] or "Sheet"
    base, counter = name, 1
    while name.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
    taken.add(name.casefold())
    return name


def _formats(book) -> dict:
    """The formats by name; in the total row a cell takes its kind's "_total" format (bold)."""
    cell = {"border": 1, "valign": "top"}
    formats = {
        "title": book.add_format({"bold": True}),
        "header": book.add_format(
            {**cell, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter"}
        ),
    }
    for kind, style in CELL_STYLES.items():
        formats[kind] = book.add_format({**cell, **style})
        formats[f"{kind}_total"] = book.add_format({**cell, **style, "bold": True})
    return formats


def _title_lines(sheet, document: Document, caption: str, formats: dict) -> None:
    sheet.write_string(0, 0, f"{document.kind} {document.title}".strip(), formats["title"])
    second = caption or f"{document.issuer} — {document.date_line}"
    sheet.write_string(1, 0, second, formats["title"])


def _table(sheet, table: Table, base_url: str, formats: dict) -> None:
    for col, width in enumerate(_column_widths(table)):
        sheet.set_column(col, col, width)
    for col, title in enumerate(table.columns):
        sheet.write_string(HEADER_ROW, col, title, formats["header"])
    rows = [(values, False) for values in table.rows]
    if table.total is not None:
        rows.append((table.total, True))
    for row, (values, total) in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            _cell(sheet, row, col, value, "_total" if total else "", base_url, formats)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def _column_widths(table: Table) -> list[float]:
    if not table.widths:
        return [DEFAULT_WIDTH] * len(table.columns)
    total = sum(table.widths)
    return [max(6.0, round(TOTAL_WIDTH * width / total, 1)) for width in table.widths]


def _cell(sheet, row: int, col: int, value: Cell, total: str, base_url: str, formats) -> None:
    """A number stays a number cell; a linked figure gets its link, then its number back."""
    if value is None:
        sheet.write_blank(row, col, None, formats["text" + total])
    elif isinstance(value, Figure):
        url = link_url(value.link, base_url)
        if url:
            sheet.write_url(row, col, url, formats["link" + total], string=str(value))
            sheet.write_number(row, col, value.value, formats["link" + total])
        else:
            sheet.write_number(row, col, value.value, formats["number" + total])
    elif isinstance(value, float):
        sheet.write_number(row, col, value, formats["rate" + total])
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats["number" + total])
    else:
        sheet.write_string(row, col, value, formats["text" + total])
