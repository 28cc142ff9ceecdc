"""Báo cáo as PDF: the .docx's Decree 30 layout, fixed for reading, printing and archiving.

The PDF is what is read on screen and filed, so it keeps the .docx's layout as closely as fpdf2
allows (A4, the decree's margins, the header, the signature block, page numbers from page 2)
and draws each chart as vectors. The font must carry Vietnamese letters: Liberation Serif
(metric-compatible with Times New Roman) or else DejaVu Serif; without either the writer stops
with ``FontMissingError`` naming the package to install, rather than print empty boxes.
"""

import io
import logging
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.svg import SVGObject

from chidao.reports.document import (
    MOTTO,
    NATION,
    Block,
    Chart,
    Document,
    Figure,
    Heading,
    Paragraph,
    Signature,
    Table,
)
from chidao.reports.writers.docx import cell_text, link_url

LIBERATION = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
DEJAVU = {
    "": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}
LIBERATION_DIRS = [
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
]
DEJAVU_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
# The charts (chidao.reports.charts) ask for "Liberation Serif" first: the faces found are
# registered under that name so the charts' text is set in the same font (DejaVu stands in).
FAMILY = "Liberation Serif"
# fontTools lists every glyph it keeps at INFO, pages of log for each report.
logging.getLogger("fontTools").setLevel(logging.WARNING)

MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # millimetres
HEADER_COLUMNS = (62, 103)  # the issuing body, the national name
CLOSING_COLUMNS = (72, 93)  # the recipients, the signature block
FIRST_LINE_INDENT = 12.7
PARAGRAPH_AFTER = 2.1  # 6 pt
WIDE_TABLE = 7  # from this many columns a table is set in 12 pt instead of 13
CHART_MAX_HEIGHT = 130
PT = 25.4 / 72  # one point in millimetres
SVG_TITLE = re.compile(r"<title\b.*?</title>", re.DOTALL)  # for screen readers; fpdf2 skips it


class FontMissingError(RuntimeError):
    """No serif font with Vietnamese letters was found for the PDF."""


def write(document: Document, stream, base_url: str = "") -> None:
    """Write ``document`` as PDF into the binary ``stream``; with ``base_url`` (the site's
    address) each figure that has a task list links to it."""
    pdf = _ReportPDF()
    for style, path in find_fonts().items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_title(document.title)
    pdf.set_creator("Chỉ đạo")
    pdf.set_author(document.issuer)
    pdf.set_lang("vi")
    pdf.add_page()
    _header_block(pdf, document)
    _title_block(pdf, document)
    for block in document.blocks:
        _block(pdf, block, base_url)
    _closing_block(pdf, document)
    stream.write(pdf.output())


def find_fonts() -> dict[str, Path]:
    """The four faces of the serif font, by fpdf2 style ("", "B", "I", "BI").

    Liberation Serif from ``CHIDAO_REPORT_FONT_DIR`` first, then from the system's folders,
    then DejaVu Serif (whose italics may be missing: the upright face stands in)."""
    folder = getattr(settings, "CHIDAO_REPORT_FONT_DIR", "")
    for directory in [*([Path(folder)] if folder else []), *LIBERATION_DIRS]:
        faces = {style: directory / name for style, name in LIBERATION.items()}
        if all(path.is_file() for path in faces.values()):
            return faces
    for directory in DEJAVU_DIRS:
        faces = {style: directory / name for style, name in DEJAVU.items()}
        if faces[""].is_file() and faces["B"].is_file():
            for italic, upright in (("I", ""), ("BI", "B")):
                if not faces[italic].is_file():
                    faces[italic] = faces[upright]
            return faces
    raise FontMissingError(
        _(
            "No serif font with Vietnamese letters was found for the PDF report. Install the "
            "package fonts-liberation2 (sudo apt-get install fonts-liberation2), or set "
            "CHIDAO_REPORT_FONT_DIR to a folder holding LiberationSerif-Regular.ttf, "
            "-Bold.ttf, -Italic.ttf and -BoldItalic.ttf."
        )
    )


class _ReportPDF(FPDF):
    """A4 with the decree's margins; the page number centred at the top from page 2."""

    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGINS["left"], MARGINS["top"], MARGINS["right"])
        self.set_auto_page_break(True, MARGINS["bottom"])

    def header(self) -> None:
        if self.page_no() < 2:
            return
        self.set_font(FAMILY, "", 14)
        self.set_xy(self.l_margin, 9)
        self.cell(self.epw, 14 * PT, str(self.page_no()), align="C")
        self.set_xy(self.l_margin, self.t_margin)


def _nfc(text: str) -> str:
    """Precomposed letters: the font has "ộ" as one glyph, fpdf2 does not stack marks."""
    return unicodedata.normalize("NFC", text)


def _line_height(size: float) -> float:
    return size * PT * 1.2


def _lines(pdf: FPDF, x: float, width: float, lines, y: float, align: str = "C") -> float:
    """Lines ``(text, style, size)`` in the column at ``x``, wrapped; returns the y below."""
    pdf.set_xy(x, y)
    for text, style, size in lines:
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(
            width, _line_height(size), _nfc(text), align=align, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
    return pdf.get_y()


def _height(pdf: FPDF, width: float, lines) -> float:
    """How tall ``_lines`` would draw ``lines`` in a column ``width`` wide."""
    height = 0.0
    for text, style, size in lines:
        pdf.set_font(FAMILY, style, size)
        wrapped = pdf.multi_cell(width, 1, _nfc(text), dry_run=True, output="LINES")
        height += len(wrapped) * _line_height(size)
    return height


def _rule(pdf: FPDF, centre: float, length: float, y: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - length / 2, y, centre + length / 2, y)


def _string_width(pdf: FPDF, text: str, style: str, size: float, room: float) -> float:
    pdf.set_font(FAMILY, style, size)
    return min(room, max(pdf.get_string_width(_nfc(line)) for line in text.splitlines() or [""]))


# --- header, title, closing --------------------------------------------------------------------


def _header_block(pdf: FPDF, document: Document) -> None:
    """Left: the governing and issuing bodies, a line, the number; right: the national name,
    the motto, a line as long as it, the place and date, level with the number."""
    left_x, top = pdf.l_margin, pdf.t_margin
    left_w, right_w = HEADER_COLUMNS
    right_x = left_x + left_w
    issuer = document.issuer.upper()
    bodies = [(document.governing_body.upper(), "", 13)] if document.governing_body else []
    left_y = _lines(pdf, left_x, left_w, [*bodies, (issuer, "B", 13)], top)
    issuer_w = _string_width(pdf, issuer, "B", 13, left_w)
    _rule(pdf, left_x + left_w / 2, issuer_w / 2, left_y + 0.8)
    right_y = _lines(pdf, right_x, right_w, [(NATION, "B", 13), (MOTTO, "B", 14)], top)
    _rule(pdf, right_x + right_w / 2, _string_width(pdf, MOTTO, "B", 14, right_w), right_y + 0.8)
    y = max(left_y, right_y) + 2.5
    left_end = _lines(pdf, left_x, left_w, [(document.number_line, "", 13)], y)
    right_end = _lines(pdf, right_x, right_w, [(document.date_line, "I", 14)], y)
    pdf.set_xy(pdf.l_margin, max(left_end, right_end) + 8)


def _title_block(pdf: FPDF, document: Document) -> None:
    """The kind of document and its title, centred and bold, a short line under."""
    lines = [(document.kind, "B", 14), (document.title, "B", 14)]
    y = _lines(pdf, pdf.l_margin, pdf.epw, lines, pdf.get_y())
    width = _string_width(pdf, document.title, "B", 14, pdf.epw)
    _rule(pdf, pdf.l_margin + pdf.epw / 2, width / 3, y + 0.8)
    pdf.set_xy(pdf.l_margin, y + 5)


def _closing_block(pdf: FPDF, document: Document) -> None:
    """Nơi nhận (the recipients) on the left, the signature block on the right, moved to the
    next page together when they do not fit (only a list longer than a page goes on over)."""
    left_w, right_w = CLOSING_COLUMNS
    left_x, right_x = pdf.l_margin, pdf.l_margin + left_w
    recipients = [(_("Recipients:"), "BI", 12)] + [
        (r if r.startswith("- ") else f"- {r}", "", 11) for r in document.recipients
    ]
    signature = _signature_lines(document.signature)
    height = max(_height(pdf, left_w, recipients), _height(pdf, right_w, signature))
    y = pdf.get_y() + 4
    if y + height > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y()
    page = pdf.page
    right_end = _lines(pdf, right_x, right_w, signature, y)
    left_end = _lines(pdf, left_x, left_w, recipients, y, align="L")
    pdf.set_xy(pdf.l_margin, left_end if pdf.page != page else max(left_end, right_end))


def _signature_lines(signature: Signature) -> list[tuple[str, str, float]]:
    lines = [(signature.authority.upper(), "B", 14)] if signature.authority else []
    lines.append((signature.position.upper(), "B", 14))
    lines += [("", "", 14)] * 4  # room for the signature and the seal
    if signature.name:
        lines.append((signature.name, "B", 14))
    return lines


# --- body ----------------------------------------------------------------------------------------


def _block(pdf: FPDF, block: Block, base_url: str) -> None:
    if isinstance(block, Heading):
        _paragraph(pdf, block.text, "B", keep_with_next=True)
    elif isinstance(block, Paragraph):
        _paragraph(pdf, block.text, ("B" if block.bold else "") + ("I" if block.italic else ""))
    elif isinstance(block, Chart):
        _chart(pdf, block)
        _table(pdf, block.table, base_url, caption=block.caption)
    else:
        _table(pdf, block, base_url, caption=block.title)


def _paragraph(pdf: FPDF, text: str, style: str, keep_with_next: bool = False) -> None:
    """Justified, the first line indented 1.27 cm, 6 pt after; a heading is not left alone at
    the foot of a page."""
    pdf.set_font(FAMILY, style, 14)
    if keep_with_next and pdf.get_y() + 3 * _line_height(14) > pdf.page_break_trigger:
        pdf.add_page()
    columns = pdf.text_columns(text_align="J", line_height=1.2)
    with (
        columns,
        columns.paragraph(
            first_line_indent=FIRST_LINE_INDENT, bottom_margin=PARAGRAPH_AFTER
        ) as paragraph,
    ):
        paragraph.write(_nfc(text))
    pdf.set_x(pdf.l_margin)


def _caption(pdf: FPDF, text: str) -> None:
    pdf.set_font(FAMILY, "B", 14)
    if pdf.get_y() + 4 * _line_height(14) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.multi_cell(
        pdf.epw, _line_height(14), _nfc(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(1.5)


def _table(pdf: FPDF, table: Table, base_url: str, caption: str) -> None:
    """The header row repeated after a page break, long texts wrapped at spaces, numbers
    right-aligned, the total row bold, each linked figure a link.

    Drawn here rather than with fpdf2's ``table()``, which measures a line again for each
    letter it adds: a province's overdue list (thousands of rows) took 20 s; measured word
    by word, a fraction of that."""
    if caption:
        _caption(pdf, caption)
    size = 12 if len(table.columns) >= WIDE_TABLE else 13
    weights = table.widths or [1.0] * len(table.columns)
    widths = [pdf.epw * w / sum(weights) for w in weights]
    grid = _Grid(pdf, widths, size)
    grid.header([_nfc(title) for title in table.columns])
    for values in table.rows:
        grid.row(values, "", base_url)
    if table.total is not None:
        grid.row(table.total, "B", base_url)
    pdf.set_x(pdf.l_margin)
    pdf.ln(4)


class _Grid:
    PAD_X, PAD_Y = 1.2, 0.8

    def __init__(self, pdf: FPDF, widths: list[float], size: float):
        self.pdf, self.widths, self.size = pdf, widths, size
        self.line = _line_height(size)
        self.titles: list[str] = []
        self.widths_seen: dict = {}

    def header(self, titles: list[str]) -> None:
        self.titles = titles
        self._draw([(t, "C", None) for t in titles], "B")

    def row(self, values, style: str, base_url: str) -> None:
        cells = []
        for value in values:
            numeric = isinstance(value, int | float | Figure)
            url = link_url(value.link, base_url) if isinstance(value, Figure) else ""
            cells.append((_nfc(cell_text(value)), "R" if numeric else "L", url or None))
        self._draw(cells, style, repeat_header=True)

    def _draw(self, cells, style: str, repeat_header: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, style, self.size)
        wrapped = [self._wrap(text, width - 2 * self.PAD_X)
                   for (text, _a, _l), width in zip(cells, self.widths, strict=True)]  # fmt: skip
        height = max(len(lines) for lines in wrapped) * self.line + 2 * self.PAD_Y
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if repeat_header and self.titles:
                self.header(self.titles)
                pdf.set_font(FAMILY, style, self.size)
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_line_width(0.2)
        for (_text, align, link), lines, width in zip(cells, wrapped, self.widths, strict=True):
            pdf.rect(x, y, width, height)
            top = y + (height - len(lines) * self.line) / 2
            for number, text in enumerate(lines):
                pdf.set_xy(x + self.PAD_X, top + number * self.line)
                pdf.cell(width - 2 * self.PAD_X, self.line, text, align=align, link=link or "")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    def _wrap(self, text: str, room: float) -> list[str]:
        """Greedy lines at spaces (a word wider than the cell is cut where it must be)."""
        # fpdf2 copies its graphics state for each measure: each width is measured once.
        measured = self.widths_seen.setdefault((self.pdf.font_style, self.size), {})

        def width(fragment: str) -> float:
            if fragment not in measured:
                measured[fragment] = self.pdf.get_string_width(fragment)
            return measured[fragment]

        lines: list[str] = []
        for paragraph in text.split("\n") or [""]:
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if width(candidate) <= room:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                while width(word) > room and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and width(word[:cut]) > room:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines or [""]


def _chart(pdf: FPDF, chart: Chart) -> None:
    """The chart as vectors, the text width wide (narrower when that would be too tall)."""
    svg = SVG_TITLE.sub("", chart.svg).encode()  # the caption is the image's alternative text
    _x, _y, view_w, view_h = _view_box(SVGObject(svg))
    width = pdf.epw
    if view_w and view_h and width * view_h / view_w > CHART_MAX_HEIGHT:
        width = CHART_MAX_HEIGHT * view_w / view_h
    pdf.ln(2)
    pdf.image(io.BytesIO(svg), x="C", w=width, alt_text=_nfc(chart.caption))
    pdf.ln(2)


def _view_box(svg: SVGObject) -> tuple[float, float, float, float]:
    if svg.viewbox:
        return tuple(svg.viewbox)
    return 0, 0, float(svg.width or 0), float(svg.height or 0)
