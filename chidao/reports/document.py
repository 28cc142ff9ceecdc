"""Văn bản báo cáo: a report as content, before it becomes a file.

The report builders (``chidao.reports.content``) fill a ``Document``; each writer
(``writers.docx``, ``writers.pdf``, ``writers.xlsx``) lays the same document out in its format,
so the three files always carry the same figures. The layout follows Decree 30/2020/NĐ-CP,
appendix I (thể thức văn bản hành chính): the issuing body and the national name side by side,
the number line and the place and date under them, the kind of document and its title, the body,
then the recipients (nơi nhận) beside the signature block.
"""

import datetime
from dataclasses import dataclass, field

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@dataclass(frozen=True)
class Figure:
    """A number in a table, with the task list's address that shows exactly its tasks (a path
    and query, made absolute by the writer when the document knows the site's address)."""

    value: int
    link: str = ""

    def __str__(self) -> str:
        return f"{self.value:,}".replace(",", ".")  # Vietnamese thousands: 1.234


Cell = str | int | float | Figure | None


@dataclass
class Heading:
    """A section's heading ("I. KẾT QUẢ …"), bold."""

    text: str


@dataclass
class Paragraph:
    """A paragraph of the body: justified, its first line indented."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Table:
    """A table of figures. ``widths`` are relative column widths; ``total`` is a last row set
    in bold. A ``float`` cell is a rate between 0 and 1, written as a percentage."""

    columns: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    widths: list[float] | None = None
    title: str = ""  # a sheet name in the .xlsx, a caption above the table elsewhere


@dataclass
class Chart:
    """A chart drawn as SVG (``chidao.reports.charts``) with the numbers it shows beside it:
    the PDF draws it, the other formats give its table."""

    svg: str
    caption: str
    table: Table


Block = Heading | Paragraph | Table | Chart


@dataclass
class Signature:
    """Chữ ký: the authority line (``TM. ỦY BAN NHÂN DÂN``, ``KT. CHÁNH VĂN PHÒNG``, or empty),
    the position (``PHÓ CHÁNH VĂN PHÒNG``) and the signer's name (empty: written by hand)."""

    authority: str = ""
    position: str = ""
    name: str = ""


@dataclass
class Document:
    """A report. ``number`` is empty until the records office gives one: the number line then
    reads "Số:      /BC-VP" with room to write it."""

    governing_body: str  # cơ quan chủ quản, e.g. "UBND TỈNH ĐỒNG THÁP" (may be empty)
    issuer: str  # cơ quan ban hành, e.g. "VĂN PHÒNG"
    symbol: str  # ký hiệu after the number, e.g. "BC-VP"
    place: str  # địa danh, e.g. "Đồng Tháp"
    date: datetime.date
    kind: str  # "BÁO CÁO"
    title: str  # trích yếu
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)
    number: str = ""
    filename: str = "bao-cao"  # without an extension

    @property
    def number_line(self) -> str:
        number = self.number or "\u00a0" * 6  # room for the number, written by hand
        return f"Số: {number}/{self.symbol}"

    @property
    def date_line(self) -> str:
        """ "Đồng Tháp, ngày 05 tháng 02 năm 2026": days below 10 and months below 3 with a 0."""
        month = f"{self.date.month:02d}" if self.date.month < 3 else str(self.date.month)
        return f"{self.place}, ngày {self.date.day:02d} tháng {month} năm {self.date.year}"

    def tables(self) -> list[Table]:
        """Every table of the document, a chart's own included, in order."""
        return [b.table if isinstance(b, Chart) else b for b in self.blocks
                if isinstance(b, Table | Chart)]  # fmt: skip
