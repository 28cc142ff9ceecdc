"""Reading a register file (.xlsx or .csv) into rows, and finding its header.

1. The file is recognised by its content (``filetypes.detect``), never by its name: an .xlsx must
   be an OOXML workbook (zip-bomb checks included), a .csv plain text in UTF-8 (with or without
   the byte order mark Excel writes) or UTF-16; anything else is refused with the reason.
2. A workbook is read with its merged cells filled: a directive's number merged down over its
   tasks' rows, or a header merged over two rows or across a group of columns, reads as if every
   cell held the value.
3. Empty rows are dropped; every row keeps the spreadsheet's own number, the one errors name.
4. The header is the row (or pair of rows, for a grouped header) within the first rows whose
   cells name the most known columns; a row of column numbers under it ("(1) (2) (3)") is
   skipped.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from chidao.directives import filetypes
from chidao.registers import columns

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 20


class UnreadableError(Exception):
    """The file cannot be read as a register; the message says why, in the person's language."""


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]]  # (the spreadsheet's row number, its cells), empty rows left out
    sheet_title: str = ""


@dataclass
class Column:
    index: int
    title: str  # the header as the register writes it (both rows of a grouped header)
    field: str | None  # the field recognised, ``columns.SKIP``, or None when not recognised

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class Layout:
    columns: list[Column] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)  # the spreadsheet's row numbers
    first_data: int = 0  # index in ``Sheet.rows`` of the first row of data

    def mapping(self) -> dict[int, str]:
        return {c.index: c.field for c in self.columns if c.field}


def read(file, name: str) -> Sheet:
    """The rows of ``file`` (a binary file object) named ``name``."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise UnreadableError(_("The file is empty."))
    if size > MAX_BYTES:
        raise UnreadableError(
            _("The file is larger than %(mb)d MB: split the register into several files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        kind = filetypes.detect(file, name)
    except filetypes.RefusedError as error:
        raise UnreadableError(str(error)) from None
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind == filetypes.XLSX:
        return _read_xlsx(file, name)
    if kind in (filetypes.XLS, filetypes.DOC):
        raise UnreadableError(_("This is an old Excel (.xls) file: open it and save it as .xlsx."))
    if kind == filetypes.ODS:
        raise UnreadableError(_("This is an OpenDocument (.ods) file: save it as .xlsx."))
    if kind is not None:
        raise UnreadableError(_("This file is not a spreadsheet: upload an .xlsx or .csv file."))
    if suffix not in ("csv", "txt"):
        raise UnreadableError(_("Upload an .xlsx or .csv file."))
    return _read_csv(file, name)


def _read_xlsx(file, name: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        # Read-only: a register of thousands of rows loads in a fraction of the time; its merged
        # cells are read from the sheet's own XML (``_merged_ranges``). Cached values, not
        # formulas: what Excel or LibreOffice last showed.
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableError(
            _("The workbook cannot be read: %(reason)s") % {"reason": error}
        ) from None
    try:
        sheet = _best_sheet(book)
        grid: dict[int, list] = {}
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise UnreadableError(_too_many_rows())
            cells = [_clean(v) for v in values[:MAX_COLUMNS]]
            if _filled(cells) or number < HEADER_SEARCH_ROWS:
                grid[number] = cells
        for min_row, min_col, max_row, max_col in _merged_ranges(sheet):
            top = grid.get(min_row)
            if top is None or min_col > len(top):
                continue
            value = top[min_col - 1]
            for row in range(min_row, max_row + 1):
                cells = grid.get(row)
                if cells is None:
                    continue
                if len(cells) < max_col:
                    cells.extend([None] * (min(max_col, MAX_COLUMNS) - len(cells)))
                for col in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                    cells[col - 1] = value
        rows = [(n, cells) for n, cells in sorted(grid.items()) if _filled(cells)]
        return Sheet(name=name, rows=rows, sheet_title=sheet.title)
    finally:
        book.close()


def _merged_ranges(sheet):
    """(first row, first column, last row, last column) of each merged range of a read-only
    sheet, from its XML's ``<mergeCell ref="B3:D3"/>`` elements."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag == tag and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                if max_row - min_row <= MAX_ROWS and max_col - min_col <= MAX_COLUMNS:
                    yield min_row, min_col, max_row, max_col
            element.clear()


def _too_many_rows() -> str:
    return _("The sheet has more than %(n)s rows: split the register into several files.") % {
        "n": f"{MAX_ROWS:,}".replace(",", ".")
    }


def _best_sheet(book):
    """The first visible sheet whose header names the most known columns (a register file often
    has a cover or a summary sheet before it)."""
    best, best_score = None, -1
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        head = [
            (n, [_clean(v) for v in values])
            for n, values in enumerate(
                sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS,
                                values_only=True), start=1)
        ]  # fmt: skip
        score = max((_score(cells) for _n, cells in head), default=0)
        if score > best_score:
            best, best_score = sheet, score
    if best is None:
        raise UnreadableError(_("The workbook has no visible sheet."))
    return best


def _read_csv(file, name: str) -> Sheet:
    raw = file.read()
    text = None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig",)
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    if text is None:
        raise UnreadableError(
            _("The .csv file is not in UTF-8: in Excel choose “CSV UTF-8 (comma delimited)”, "
              "or upload the .xlsx file itself.")
        )  # fmt: skip
    if "\x00" in text:
        raise UnreadableError(_("This file is not a spreadsheet: upload an .xlsx or .csv file."))
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise UnreadableError(_too_many_rows())
        cells = [_clean(c) for c in cells[:MAX_COLUMNS]]
        if _filled(cells):
            rows.append((number, cells))
    return Sheet(name=name, rows=rows)


def _clean(value):
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\xa0", " ").strip()
        return value or None
    if isinstance(value, datetime.time):
        return None  # a time alone says nothing a register needs
    return value


def _filled(cells) -> bool:
    return any(c is not None and c != "" for c in cells)


# --- The header -----------------------------------------------------------------------------
def _score(cells) -> int:
    fields = {columns.recognise(c) for c in cells if isinstance(c, str)}
    fields.discard(None)
    fields.discard(columns.SKIP)
    return len(fields)


_NUMBERING = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


def _is_numbering(cells) -> bool:
    """A row of column numbers under the header: "(1)", "(2)"… or 1, 2, 3…"""
    filled = [c for c in cells if c is not None and c != ""]
    if len(filled) < 3:
        return False
    return all(
        (isinstance(c, int) and not isinstance(c, bool) and 0 < c < 100)
        or (isinstance(c, str) and _NUMBERING.match(c))
        for c in filled
    )


def find_layout(sheet: Sheet) -> Layout:
    """The header (one row, or a group row over a row of sub-headers) and its columns."""
    head = sheet.rows[:HEADER_SEARCH_ROWS]
    best: tuple[int, int, int, list[str]] | None = None  # (score, first row, last row, titles)
    for i, (_number, cells) in enumerate(head):
        titles = [str(c) if c is not None else "" for c in cells]
        candidates = [(titles, i, i)]
        if i + 1 < len(head):
            below = head[i + 1][1]
            combined = []
            for col in range(max(len(cells), len(below))):
                top = titles[col] if col < len(titles) else ""
                sub = below[col] if col < len(below) and below[col] is not None else ""
                sub = str(sub)
                if sub and sub != top and columns.recognise(sub) is not None:
                    combined.append(sub)
                elif sub and sub != top and top and columns.recognise(f"{top} {sub}"):
                    combined.append(f"{top} {sub}")
                else:
                    combined.append(top or sub)
            candidates.append((combined, i, i + 1))
        for titles_, first, last in candidates:
            score = _score(titles_)
            if best is None or score > best[0]:
                best = (score, first, last, titles_)
    if best is None or best[0] < 2:
        return Layout()
    _best_score, first, last, titles = best
    header_rows = [head[k][0] for k in range(first, last + 1)]
    first_data = last + 1
    if first_data < len(sheet.rows) and _is_numbering(sheet.rows[first_data][1]):
        first_data += 1
    layout_columns = []
    seen: set[str] = set()
    for index, title in enumerate(titles):
        if not title:
            continue
        found = columns.recognise(title)
        if found and found in seen:
            found = None  # the same field twice: the person chooses which column it is
        if found:
            seen.add(found)
        layout_columns.append(Column(index=index, title=title, field=found))
    return Layout(columns=layout_columns, header_rows=header_rows, first_data=first_data)
