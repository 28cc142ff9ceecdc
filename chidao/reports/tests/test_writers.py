"""The report writers: one Document as .docx, PDF and .xlsx, each read back with other tools
(python-docx, LibreOffice, poppler, openpyxl) to check what a reader would see."""

import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils.translation import override
from docx.oxml.ns import qn

from chidao.reports import content
from chidao.reports.document import (
    MOTTO,
    NATION,
    Chart,
    Document,
    Figure,
    Heading,
    Paragraph,
    Signature,
    Table,
)
from chidao.reports.writers import docx as docx_writer
from chidao.reports.writers import pdf as pdf_writer
from chidao.reports.writers import xlsx as xlsx_writer

BASE_URL = "https://chidao.example.gov.vn"
FORMULA = "=SUM(A1:A3)"
TABLE_TITLE = "Kết quả theo đơn vị: quý I/2026"
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">'
    "<title>Tiến độ</title>"
    '<rect x="10" y="50" width="80" height="150" fill="#0b5394"/>'
    '<rect x="110" y="20" width="80" height="180" fill="#c0392b"/>'
    '<rect x="210" y="120" width="80" height="80" fill="#555555"/>'
    "</svg>"
)
LIBERATION = Path("/usr/share/fonts/truetype/liberation2")


def sample() -> Document:
    """A report with every kind of block: 60 rows (more than a page), a total row, linked
    figures (1.234 among them), a rate, a text that looks like a formula, a chart."""
    rows = [
        [
            i,
            f"Ủy ban nhân dân xã số {i} (tên dài để xuống dòng trong ô)",
            Figure(1233 + i, f"/tasks/?unit={i}"),
            0.125,
            None,
        ]
        for i in range(1, 61)
    ]
    table = Table(
        columns=["TT", "Đơn vị", "Số nhiệm vụ", "Tỷ lệ đúng hạn", "Ghi chú"],
        rows=rows,
        total=["", "Tổng cộng", Figure(76170, "/tasks/"), 0.5, FORMULA],
        widths=[0.6, 4, 1.6, 1.6, 1.5],
        title=TABLE_TITLE,
    )
    months = Table(
        columns=["Tháng", "Số nhiệm vụ"], rows=[["Tháng 1", Figure(12)], ["Tháng 2", Figure(1500)]]
    )
    return Document(
        governing_body="UBND tỉnh Đồng Tháp",
        issuer="Văn phòng",
        symbol="BC-VP",
        place="Đồng Tháp",
        date=datetime.date(2026, 2, 5),
        kind="BÁO CÁO",
        title="Kết quả thực hiện nhiệm vụ do lãnh đạo tỉnh giao",
        blocks=[
            Heading("I. KẾT QUẢ THỰC HIỆN"),
            Paragraph("Văn phòng báo cáo kết quả thực hiện các nhiệm vụ được giao như sau."),
            Paragraph("Số liệu tính đến ngày 31/3/2026.", italic=True),
            table,
            Chart(svg=SVG, caption="Biểu đồ tiến độ thực hiện", table=months),
            Heading("II. KIẾN NGHỊ"),
            Paragraph("Đề nghị các đơn vị hoàn thành các nhiệm vụ quá hạn.", bold=True),
        ],
        recipients=["Thường trực UBND tỉnh;", "Các sở, ban, ngành tỉnh;", "Lưu: VT."],
        signature=Signature("KT. CHÁNH VĂN PHÒNG", "Phó Chánh Văn phòng", "Nguyễn Văn An"),
    )


def program(name: str, package: str) -> str:
    """The program's path; without it the test is skipped, except in CI where it fails."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} ({package}) is needed in CI")
    pytest.skip(f"{name} ({package}) is not installed")


def pdf_text(path: Path, *pages: int) -> str:
    pdftotext = program("pdftotext", "poppler-utils")
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    text = subprocess.run(
        [pdftotext, "-layout", *first_last, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.replace("\u00a0", " ")


# --- .docx -------------------------------------------------------------------------------------


def write_docx(path: Path) -> Path:
    with override("vi"), path.open("wb") as stream:
        docx_writer.write(sample(), stream, base_url=BASE_URL)
    return path


def all_text(word) -> str:
    texts = [p.text for p in word.paragraphs]
    for table in word.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_docx_page_fonts_and_header(tmp_path):
    word = docx.Document(str(write_docx(tmp_path / "report.docx")))
    section = word.sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [round(size.mm) for size in sizes] == [210, 297, 20, 20, 30, 15]
    normal = word.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    for rpr in (
        normal.element.rPr,
        word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
    ):
        fonts = rpr.find(qn("w:rFonts"))
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(slot)) == "Times New Roman"
        assert fonts.get(qn("w:asciiTheme")) is None
    document = sample()
    text = all_text(word)
    for line in (
        NATION,
        MOTTO,
        document.number_line,
        document.date_line,
        "VĂN PHÒNG",
        "UBND TỈNH ĐỒNG THÁP",
        "BÁO CÁO",
        document.title,
    ):
        assert line in text
    (left, right), (number, date) = (row.cells for row in word.tables[0].rows)
    assert left.text.split("\n")[:2] == ["UBND TỈNH ĐỒNG THÁP", "VĂN PHÒNG"]
    assert right.text.split("\n")[:2] == [NATION, MOTTO]
    assert right.paragraphs[0].runs[0].bold and date.paragraphs[0].runs[0].italic
    assert number.text == document.number_line and date.text == document.date_line
    for cell in (left, right):  # a drawn line under the issuer and under the motto
        assert cell.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None
        assert "_" not in cell.text
    # Page numbers from page 2: a PAGE field in the header, none on the first page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_docx_tables_and_signature(tmp_path):
    word = docx.Document(str(write_docx(tmp_path / "report.docx")))
    grid = word.tables[1]
    header = grid.rows[0]
    assert [c.text for c in header.cells] == [
        "TT",
        "Đơn vị",
        "Số nhiệm vụ",
        "Tỷ lệ đúng hạn",
        "Ghi chú",
    ]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert len(grid.rows) == 1 + 60 + 1
    assert [c.text for c in grid.rows[1].cells] == [
        "1",
        "Ủy ban nhân dân xã số 1 (tên dài để xuống dòng trong ô)",
        "1.234",
        "12,5%",
        "",
    ]
    figure = grid.rows[1].cells[2].paragraphs[0]
    assert figure.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    (link,) = figure.hyperlinks
    assert link.address == f"{BASE_URL}/tasks/?unit=1" and link.text == "1.234"
    total = grid.rows[-1].cells
    assert [c.text for c in total] == ["", "Tổng cộng", "76.170", "50,0%", FORMULA]
    assert all(run.bold for cell in total for run in cell.paragraphs[0].runs)
    widths = [cell.width for cell in grid.rows[1].cells]
    assert widths[1] > widths[2] > widths[0]  # the relative widths applied
    captions = [p.text for p in word.paragraphs if p.runs and p.runs[0].bold]
    assert TABLE_TITLE in captions and "Biểu đồ tiến độ thực hiện" in captions
    assert [c.text for c in word.tables[2].rows[2].cells] == ["Tháng 2", "1.500"]
    recipients, signature = word.tables[-1].rows[0].cells
    assert recipients.text.split("\n") == [
        "Nơi nhận:",
        "- Thường trực UBND tỉnh;",
        "- Các sở, ban, ngành tỉnh;",
        "- Lưu: VT.",
    ]
    lines = signature.text.split("\n")
    assert lines[:2] == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
    assert lines[2:6] == [""] * 4 and lines[6] == "Nguyễn Văn An"


def test_docx_without_base_url_has_no_links():
    stream = io.BytesIO()
    docx_writer.write(sample(), stream)
    word = docx.Document(io.BytesIO(stream.getvalue()))
    assert not word.tables[1].rows[1].cells[2].paragraphs[0].hyperlinks
    assert word.tables[1].rows[1].cells[2].text == "1.234"


def test_docx_opens_in_libreoffice(tmp_path):
    soffice = program("soffice", "libreoffice-writer-nogui")
    program("pdftotext", "poppler-utils")
    source = write_docx(tmp_path / "report.docx")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    converted = tmp_path / "report.pdf"
    text = pdf_text(converted)
    for expected in (MOTTO, "Số:", "/BC-VP", sample().title, "1.234", "12,5%", "Nơi nhận:"):
        assert expected in text
    assert pdf_text(converted, 1).strip().startswith("UBND TỈNH ĐỒNG THÁP")  # no number
    assert pdf_text(converted, 2).strip().split("\n")[0].strip() == "2"
    assert pdf_text(converted, 2).count("Số nhiệm vụ") == 1  # the repeated header row


TIGHT = [
    # (widths, columns, a row): what must each stay on one line is in the row or is "STT".
    (content.GROUPS_WIDTHS,
     ["STT", "Đơn vị", "Tổng số", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn",
      "Đang thực hiện, trong hạn", "Đang thực hiện, quá hạn", "Tỷ lệ quá hạn"],
     [1, "Sở Văn hóa, Thể thao và Du lịch", *(Figure(n, "/t/") for n in (1, 0, 0, 0, 1)), 1.0]),
    (content.OVERDUE_WIDTHS,
     ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Văn bản chỉ đạo", "Thời hạn", "Số ngày trễ",
      "Chuyên viên theo dõi"],
     [118, "Rà soát, tháo gỡ vướng mắc", "Ủy ban nhân dân phường Mỹ Tho", "44/UBND-TH",
      "03/09/2025", Figure(454, "/t/"), "Hồ Ngọc Vy"]),
    (content.EXPLANATIONS_WIDTHS,
     ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Nguyên nhân", "Giải trình", "Khắc phục",
      "Ngày nhận"],
     [118, "Rà soát văn bản", "Sở Tư pháp", "Khách quan", "Chờ ý kiến", "Hoàn thành trong tuần",
      "03/09/2025"]),
    (content.CHANGES_WIDTHS,
     ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Khi chốt", "Hiện nay", "Lý do"],
     [118, "Rà soát văn bản", "Sở Tư pháp", "Quá hạn", "Trễ hạn", "Báo cáo hoàn thành"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("widths", "columns", "row"), TIGHT, ids=["counts", "overdue", "explanations", "changes"]
)
def test_a_reports_numbers_dates_and_rates_stay_on_one_line(tmp_path, widths, columns, row):
    """The reports' tables as they are laid out, rendered by LibreOffice: "STT", a date, a
    three-digit number and a rate of "100,0%" are never cut across two lines."""
    soffice = program("soffice", "libreoffice-writer-nogui")
    document = sample()
    document.blocks = [Table(columns, [row], None, widths, "Bảng")]
    source = tmp_path / "table.docx"
    with override("vi"), source.open("wb") as stream:
        docx_writer.write(document, stream, base_url=BASE_URL)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    words = set(pdf_text(tmp_path / "table.pdf").split())
    whole = ["STT", str(row[0])] + [
        docx_writer.cell_text(value) for value in row
        if isinstance(value, float) or (isinstance(value, str) and re.fullmatch(r"[\d/]+", value))
    ]  # fmt: skip
    for token in whole:
        assert token in words, (token, sorted(words))


# --- PDF ---------------------------------------------------------------------------------------


def write_pdf(path: Path, base_url: str = BASE_URL) -> Path:
    try:
        pdf_writer.find_fonts()
    except pdf_writer.FontMissingError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no serif font for the PDF (fonts-liberation2)")
    with override("vi"), path.open("wb") as stream:
        pdf_writer.write(sample(), stream, base_url=base_url)
    return path


def test_pdf_text_pages_and_metadata(tmp_path):
    path = write_pdf(tmp_path / "report.pdf")
    text = pdf_text(path)
    document = sample()
    for expected in (
        NATION,
        MOTTO,
        document.title,
        document.date_line,
        "1.234",
        "12,5%",
        "76.170",
        "Nơi nhận:",
        "- Thường trực UBND tỉnh;",
        "- Lưu: VT.",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Nguyễn Văn An",
        "II. KIẾN NGHỊ",
    ):
        assert expected in text
    assert re.search(r"Số:\s+/BC-VP", text)  # the number line, room left for the number
    assert "=SUM(A1:" in text  # as written (the narrow cell wraps the rest)
    pdfinfo = program("pdfinfo", "poppler-utils")
    info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) > 1
    assert re.search(r"Title:\s+" + re.escape(document.title), info)
    assert re.search(r"Creator:\s+Chỉ đạo", info)
    assert pdf_text(path, 1).strip().startswith("UBND TỈNH ĐỒNG THÁP")  # no number on page 1
    page_two = pdf_text(path, 2)
    assert page_two.strip().split("\n")[0].strip() == "2"
    assert "Số nhiệm vụ" in page_two  # the header row, repeated


def test_pdf_links_and_chart(tmp_path):
    data = write_pdf(tmp_path / "report.pdf").read_bytes()
    assert f"/URI ({BASE_URL}/tasks/?unit=1)".encode() in data
    text = pdf_text(tmp_path / "report.pdf")
    # The chart is drawn, then its caption and table; the body goes on after it.
    assert text.index("Biểu đồ tiến độ thực hiện") < text.index("1.500") < text.index("II. KIẾN")
    unlinked = write_pdf(tmp_path / "plain.pdf", base_url="").read_bytes()
    assert b"/URI" not in unlinked


def test_font_missing(tmp_path, monkeypatch, settings):
    monkeypatch.setattr(pdf_writer, "LIBERATION_DIRS", [tmp_path])
    monkeypatch.setattr(pdf_writer, "DEJAVU_DIRS", [tmp_path])
    settings.CHIDAO_REPORT_FONT_DIR = ""
    with override("vi"), pytest.raises(pdf_writer.FontMissingError, match="fonts-liberation2"):
        pdf_writer.write(sample(), io.BytesIO())


def test_font_lookup_order(tmp_path, monkeypatch, settings):
    if not (LIBERATION / "LiberationSerif-Regular.ttf").exists():
        pytest.skip("fonts-liberation2 is not installed")
    for name in pdf_writer.LIBERATION.values():
        (tmp_path / name).symlink_to(LIBERATION / name)
    settings.CHIDAO_REPORT_FONT_DIR = str(tmp_path)
    assert pdf_writer.find_fonts()["BI"] == tmp_path / "LiberationSerif-BoldItalic.ttf"
    settings.CHIDAO_REPORT_FONT_DIR = ""
    monkeypatch.setattr(pdf_writer, "LIBERATION_DIRS", [tmp_path / "none"])
    dejavu = pdf_writer.DEJAVU_DIRS[0]
    if (dejavu / "DejaVuSerif.ttf").exists():
        assert pdf_writer.find_fonts()[""] == dejavu / "DejaVuSerif.ttf"


# --- .xlsx -------------------------------------------------------------------------------------


def test_xlsx(tmp_path):
    stream = io.BytesIO()
    with override("vi"):
        xlsx_writer.write(sample(), stream, base_url=BASE_URL)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["Kết quả theo đơn vị quý I2026", "Biểu đồ tiến độ thực hiện"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "BÁO CÁO Kết quả thực hiện nhiệm vụ do lãnh đạo tỉnh giao"
    assert sheet["A1"].font.b and sheet["A2"].value == TABLE_TITLE
    assert [c.value for c in sheet[3]] == [
        "TT",
        "Đơn vị",
        "Số nhiệm vụ",
        "Tỷ lệ đúng hạn",
        "Ghi chú",
    ]
    assert all(c.font.b for c in sheet[3]) and sheet.freeze_panes == "A4"
    figure = sheet["C4"]
    assert figure.data_type == "n" and figure.value == 1234
    assert figure.hyperlink.target == f"{BASE_URL}/tasks/?unit=1"
    rate = sheet["D4"]
    assert rate.data_type == "n" and rate.value == 0.125 and "%" in rate.number_format
    total = sheet[sheet.max_row]
    assert [c.value for c in total[1:4]] == ["Tổng cộng", 76170, 0.5]
    assert all(c.font.b for c in total[1:])
    formula = total[4]
    assert formula.value == FORMULA and formula.data_type == "s"  # never a formula
    assert sheet.max_row == 3 + 60 + 1
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    months = book.worksheets[1]
    assert months["B5"].value == 1500 and months["B5"].hyperlink is None


def test_sheet_names():
    taken: set[str] = set()
    assert xlsx_writer.sheet_name("a/b\\c[d]e:f*g?h", "x", taken) == "abcdefgh"
    long = "Tổng hợp kết quả thực hiện nhiệm vụ theo đơn vị chủ trì"
    first = xlsx_writer.sheet_name(long, "x", taken)
    second = xlsx_writer.sheet_name(long, "x", taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert second.endswith(" (2)")
    assert xlsx_writer.sheet_name("ABCDEFGH", "x", taken) == "ABCDEFGH (2)"  # case-blind
    assert xlsx_writer.sheet_name("[]:*", "Bảng 3", taken) == "Bảng 3"


def test_xlsx_sheet_names_by_default():
    document = sample()
    for table in document.tables():
        table.title = ""
    document.blocks = [b for b in document.blocks if not isinstance(b, Chart)]
    document.blocks.append(document.blocks[3])
    stream = io.BytesIO()
    with override("vi"):
        xlsx_writer.write(document, stream)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["Bảng 1", "Bảng 2"]
    assert book.worksheets[0]["C4"].hyperlink is None  # no site address, no link
