"""Báo cáo as .docx: the report laid out per Decree 30/2020/NĐ-CP, appendix I.

A .docx is the form a records office edits, numbers and signs, so it follows the decree's layout
exactly: A4 with its margins, Times New Roman throughout (Vietnamese letters included, through
every slot of ``rFonts``), the issuing body beside the national name, real Word tables whose
header row repeats on each page, the recipients beside the signature block, and page numbers
from the second page on.
"""

import re
from xml.sax.saxutils import escape

import docx
from django.utils.translation import gettext as _
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor, Twips
from docx.table import Table as WordTable
from docx.table import _Cell

from chidao.reports.document import (
    MOTTO,
    NATION,
    Block,
    Cell,
    Chart,
    Document,
    Figure,
    Heading,
    Paragraph,
    Signature,
    Table,
)

FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 15)
HEADER_COLUMNS = (Mm(62), Mm(103))  # the issuing body, the national name (95 mm at 13 pt bold)
CLOSING_COLUMNS = (Mm(72), Mm(93))  # the recipients, the signature block
CELL_MARGIN = Twips(108)  # Word's left and right cell margin, each side
MOTTO_WIDTH = Mm(60.4)  # the motto in Times New Roman bold 14 pt: the line under it as long
EM_UPPER_BOLD = 0.71  # mean width of a bold capital in Times New Roman, in em
EM_MIXED_BOLD = 0.52  # mean width of a bold letter of running text, in em
FIRST_LINE_INDENT = Cm(1.27)
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WIDE_TABLE = 7  # from this many columns a table is set in 12 pt instead of 13
# What may follow <w:pBdr> in <w:pPr> and <w:tblBorders> in <w:tblPr> (schema order).
PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:spacing",
    "w:ind",
    "w:jc",
    "w:textAlignment",
    "w:outlineLvl",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
TBLBORDERS_SUCCESSORS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def write(document: Document, stream, base_url: str = "") -> None:
    """Write ``document`` as .docx into the binary ``stream``; with ``base_url`` (the site's
    address) each figure that has a task list links to it."""
    word = docx.Document()
    _set_defaults(word)
    _set_page(word.sections[0])
    _header_block(word, document)
    _title_block(word, document)
    for block in document.blocks:
        _block(word, block, base_url)
    _closing_block(word, document)
    word.core_properties.title = document.title
    word.core_properties.author = document.issuer
    word.core_properties.language = "vi-VN"
    word.save(stream)


# --- page and fonts ----------------------------------------------------------------------------


def _set_defaults(word) -> None:
    """Times New Roman 14 pt in every script slot, single spacing, Vietnamese proofing."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(run)
    for tag in ("w:sz", "w:szCs"):
        run.find(qn(tag)).set(qn("w:val"), "28")
    lang = run.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr())


def _set_fonts(rpr) -> None:
    """Name the font in each of ``rFonts``' slots; theme fonts would otherwise win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.attrib.clear()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _set_page(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # its own, empty header
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)


def _page_field(paragraph) -> None:
    """A PAGE field: the page's number, kept up to date by Word and LibreOffice."""
    for kind, text in (
        ("begin", ""),
        ("instr", " PAGE "),
        ("separate", ""),
        ("text", "2"),
        ("end", ""),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(14)
        if kind == "text":
            run.text = text
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


# --- paragraphs --------------------------------------------------------------------------------


def _paragraph(
    container, text: str = "", *, size: float = 14, bold=False, italic=False, align=None
):
    """A paragraph of one run at the end of ``container`` (the document or a table cell); a
    fresh cell's own empty first paragraph is used rather than left blank above."""
    paragraphs = container.paragraphs if isinstance(container, _Cell) else []
    if len(paragraphs) == 1 and not paragraphs[0]._p.r_lst and paragraphs[0]._p.pPr is None:
        paragraph = paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    return paragraph


def _rule(container, length: Length, room: Length) -> None:
    """A horizontal line ``length`` long centred in ``room``: the top border of a paragraph
    two points high, a little below the text above (clear of its dots below)."""
    paragraph = container.add_paragraph()
    side = Length(max(0, (room - length) // 2))
    layout = paragraph.paragraph_format
    layout.left_indent = layout.right_indent = side
    layout.line_spacing = Pt(2)
    layout.space_before = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{name}"), value)
    borders.append(top)
    ppr.insert_element_before(borders, *PBDR_SUCCESSORS)


def _estimated_width(text: str, size: float, em: float, room: Length) -> Length:
    """The printed width of ``text`` in Times New Roman, estimated from its length; a text
    wider than ``room`` wraps and is as wide as the room."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    return Length(min(room, int(Pt(size) * em * longest)))


# --- header, title, closing --------------------------------------------------------------------


def _header_block(word, document: Document) -> None:
    """Left: the governing and issuing bodies, a line, the number; right: the national name,
    the motto, a line as long as it, the place and date. The number and the date share a
    second row, so they stay level when there is no governing body."""
    table = _borderless_table(word, HEADER_COLUMNS, rows=2)
    (left, right), (number_cell, date_cell) = (row.cells for row in table.rows)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if document.governing_body:
        _paragraph(left, document.governing_body.upper(), size=13, align=centre)
    issuer = document.issuer.upper()
    _paragraph(left, issuer, size=13, bold=True, align=centre)
    room = HEADER_COLUMNS[0] - 2 * CELL_MARGIN
    _rule(left, Length(_estimated_width(issuer, 13, EM_UPPER_BOLD, room) // 2), room)
    number = _paragraph(number_cell, document.number_line, size=13, align=centre)
    number.paragraph_format.space_before = Pt(4)
    _paragraph(right, NATION, size=13, bold=True, align=centre)
    _paragraph(right, MOTTO, size=14, bold=True, align=centre)
    _rule(right, MOTTO_WIDTH, HEADER_COLUMNS[1] - 2 * CELL_MARGIN)
    date = _paragraph(date_cell, document.date_line, size=14, italic=True, align=centre)
    date.paragraph_format.space_before = Pt(4)


def _title_block(word, document: Document) -> None:
    """The kind of document and its title (trích yếu), centred and bold, a short line under."""
    kind = _paragraph(word, document.kind, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    kind.paragraph_format.space_before = Pt(18)
    _paragraph(word, document.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    title_width = _estimated_width(document.title, 14, EM_MIXED_BOLD, TEXT_WIDTH)
    _rule(word, Length(title_width // 3), TEXT_WIDTH)
    word.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _closing_block(word, document: Document) -> None:
    """Nơi nhận (the recipients) on the left, the signature block on the right."""
    spacer = word.add_paragraph()
    spacer.paragraph_format.space_before = Pt(6)
    table = _borderless_table(word, CLOSING_COLUMNS)
    _cant_split(table.rows[0])
    left, right = table.rows[0].cells
    _paragraph(left, _("Recipients:"), size=12, bold=True, italic=True)
    for recipient in document.recipients:
        line = recipient if recipient.startswith("- ") else f"- {recipient}"
        _paragraph(left, line, size=11)
    _signature(right, document.signature)


def _signature(cell: _Cell, signature: Signature) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if signature.authority:
        _paragraph(cell, signature.authority.upper(), bold=True, align=centre)
    _paragraph(cell, signature.position.upper(), bold=True, align=centre)
    for _line in range(4):  # room for the signature and the seal
        _paragraph(cell, "", align=centre)
    if signature.name:
        _paragraph(cell, signature.name, bold=True, align=centre)


def _borderless_table(word, widths: tuple[Length, ...], rows: int = 1) -> WordTable:
    table = word.add_table(rows=rows, cols=len(widths))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *TBLBORDERS_SUCCESSORS)
    _set_widths(table, widths)
    return table


def _set_widths(table: WordTable, widths) -> None:
    """Fixed column widths, written both on the grid and on every cell (Word reads the cells,
    LibreOffice the grid)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


# --- body ----------------------------------------------------------------------------------------


def _block(word, block: Block, base_url: str) -> None:
    if isinstance(block, Heading):
        heading = _paragraph(word, block.text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        heading.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
    elif isinstance(block, Paragraph):
        paragraph = _paragraph(
            word, block.text, bold=block.bold, italic=block.italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY
        )
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        paragraph.paragraph_format.space_after = Pt(6)
    elif isinstance(block, Chart):
        _table(word, block.table, base_url, caption=block.caption)
    else:
        _table(word, block, base_url, caption=block.title)


def _caption(word, text: str) -> None:
    caption = _paragraph(word, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    caption.paragraph_format.keep_with_next = True


def _table(word, table: Table, base_url: str, caption: str) -> None:
    """A grid table: the header row bold and repeated on each page, the total row bold."""
    if caption:
        _caption(word, caption)
    size = 12 if len(table.columns) >= WIDE_TABLE else 13
    rows = [*table.rows, table.total] if table.total is not None else table.rows
    widths = _column_widths(table)
    grid = word.add_table(rows=1, cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    _set_widths(grid, widths)
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    _cant_split(header)
    for cell, title in zip(header.cells, table.columns, strict=True):
        _paragraph(cell, title, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The body rows are written as XML: python-docx's objects cost about a millisecond a cell,
    # and a province's overdue list has thousands of rows. The same markup as the header's.
    tbl, part = grid._tbl, word.part
    for number, values in enumerate(rows, start=1):
        bold = table.total is not None and number == len(rows)
        tbl.append(parse_xml(_row_xml(values, widths, size, bold, base_url, part)))
    word.add_paragraph().paragraph_format.space_after = Pt(6)  # keeps two tables apart


def _row_xml(values, widths, size: float, bold: bool, base_url: str, part) -> str:
    cells = []
    for value, width in zip(values, widths, strict=True):
        numeric = isinstance(value, int | float | Figure)
        run = _run_xml(cell_text(value), size, bold, link=False)
        url = link_url(value.link, base_url) if isinstance(value, Figure) else ""
        if url:
            relation = _hyperlink_id(part, url)
            run = f'<w:hyperlink r:id="{relation}">{_run_xml(str(value), size, bold, True)}'
            run += "</w:hyperlink>"
        align = "right" if numeric else "left"
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{Length(width).twips}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>'
        )
    return (f"<w:tr {nsdecls('w', 'r')}><w:trPr><w:cantSplit/></w:trPr>"
            f"{''.join(cells)}</w:tr>")  # fmt: skip


def _hyperlink_id(part, url: str) -> str:
    """The relationship id of a link to ``url``. python-docx's ``relate_to`` looks through every
    existing link, then for a free id from rId1 up: thousands of links (an overdue list's
    figures) took 10 s. The ids given are remembered on the part."""
    links = part.__dict__.setdefault("_report_links", _LinkIds(part))
    return links.id_for(url)


class _LinkIds:
    def __init__(self, part):
        self.rels, self.ids, self.next = part.rels, {}, len(part.rels) + 1

    def id_for(self, url: str) -> str:
        if url not in self.ids:
            while f"rId{self.next}" in self.rels:
                self.next += 1
            self.ids[url] = f"rId{self.next}"
            self.rels.add_relationship(
                RELATIONSHIP_TYPE.HYPERLINK, url, self.ids[url], is_external=True
            )
        return self.ids[url]


def _run_xml(text: str, size: float, bold: bool, link: bool) -> str:
    style = "<w:b/>" if bold else ""
    if link:
        style += f'<w:color w:val="{LINK_COLOUR}"/>'
    style += f'<w:sz w:val="{round(size * 2)}"/>'
    if link:
        style += '<w:u w:val="single"/>'
    text = escape(NOT_IN_XML.sub("", text))  # a control character would make the file unreadable
    return f'<w:r><w:rPr>{style}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def _column_widths(table: Table) -> list[Length]:
    weights = table.widths or [1.0] * len(table.columns)
    total = sum(weights)
    return [Length(int(TEXT_WIDTH * weight / total)) for weight in weights]


def _table_cell(cell: _Cell, value: Cell, size: float, bold: bool, base_url: str) -> None:
    numeric = isinstance(value, int | float | Figure)
    align = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
    url = link_url(value.link, base_url) if isinstance(value, Figure) else ""
    if not url:
        _paragraph(cell, cell_text(value), size=size, bold=bold, align=align)
        return
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = paragraph.add_run(str(value))
    run.font.size, run.bold = Pt(size), bold
    run.font.underline, run.font.color.rgb = True, LINK_COLOUR
    hyperlink.append(run._r)  # moves the run into the link
    paragraph._p.append(hyperlink)


def cell_text(value: Cell) -> str:
    """A table cell as printed: Vietnamese thousands, a rate as "12,5%", nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value * 100:.1f}%".replace(".", ",")
    if isinstance(value, int):
        return str(Figure(value))
    return str(value)


def link_url(link: str, base_url: str) -> str:
    """The absolute address of a figure's task list, or "" when the site's address is not
    known (a relative link would lead nowhere from a file)."""
    if not link or not base_url:
        return ""
    if re.match(r"https?://", link):
        return link
    if link.startswith("/"):
        return base_url.rstrip("/") + link
    return base_url + link
