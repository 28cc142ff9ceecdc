"""Registers as Offices keep them: a grouped header merged over two rows, a row of column numbers,
section titles, empty rows, the document's cells merged down over its tasks, names without
diacritics and abbreviated, dates typed, real and as Excel serial numbers."""

import datetime
import io

import pytest
from openpyxl import Workbook

HEADER_TOP = [
    "STT", "Văn bản chỉ đạo", None, None, "Nội dung nhiệm vụ", "Đơn vị chủ trì",
    "Đơn vị phối hợp", "Thời hạn", "Tình trạng", "Ngày hoàn thành", "Ghi chú",
]  # fmt: skip
HEADER_SUB = [None, "Số, ký hiệu", "Ngày", "Trích yếu", None, None, None, None, None, None, None]


def messy_rows():
    """(row values) as typed, after the two header rows and the numbering row."""
    return [
        ["I. KHỐI KINH TẾ"] * 11,  # a section title merged across
        [
            1,
            "12/UBND-KT",
            46082,
            "Về giải ngân vốn đầu tư công",  # 01/03/2026 as a serial number
            "Tham mưu phân bổ vốn đầu tư công",
            "So Tai chinh",
            "Sở Y tế",
            "31/03/2026",
            "Hoàn thành đúng hạn",
            "25/03/2026",
            "Báo cáo 45/BC-STC",
        ],
        [
            2,
            None,
            None,
            None,
            "Rà soát các dự án chậm giải ngân",
            "Sở TC",
            None,
            "10 ngày làm việc",
            "Hoàn thành trễ hạn",
            datetime.date(2026, 3, 30),
            None,
        ],
        [None] * 11,  # an empty row
        [
            3,
            "15/TB-UBND ngày 05/3/2026",
            None,
            "Kết luận của Chủ tịch tại cuộc họp giao ban",
            "Chuẩn bị báo cáo tình hình kinh tế quý I",
            "UBND xa A",
            "So Tai chinh, So Y te",
            datetime.datetime(2026, 4, 15),
            "Đang thực hiện 60%",
            None,
            None,
        ],
        [
            4,
            "15/TB-UBND ngày 05/3/2026",
            None,
            "Kết luận của Chủ tịch tại cuộc họp giao ban",
            "Kiểm tra công tác phòng dịch",
            "Sở Y tế",
            None,
            "Thường xuyên",
            None,
            None,
            None,
        ],
    ]


def build_messy(rows=None, *, bad_row=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ theo dõi"
    sheet.append(["SỔ THEO DÕI NHIỆM VỤ UBND TỈNH GIAO NĂM 2026"])
    sheet.merge_cells("A1:K1")
    sheet.append([])
    sheet.append(HEADER_TOP)
    sheet.append(HEADER_SUB)
    sheet.merge_cells("B3:D3")
    for col in "AEFGHIJK":
        sheet.merge_cells(f"{col}3:{col}4")
    sheet.append([f"({n})" for n in range(1, 12)])
    body = rows if rows is not None else messy_rows()
    if bad_row is not None:
        body = [*body, bad_row]
    first = sheet.max_row + 1
    for values in body:
        sheet.append(values)
    if body and body[0][1:] == body[0][:-1]:  # the section title, merged across
        sheet.merge_cells(f"A{first}:K{first}")
    # The document of rows 2 and 3 of data merged down, as registers do.
    if rows is None:
        for col in "BCD":
            sheet.merge_cells(f"{col}{first + 1}:{col}{first + 2}")
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.fixture
def messy_xlsx():
    return build_messy()
