"""The columns of a register (sổ theo dõi) the import understands, and how headers are recognised.

Each field has the template's own header and the other headers registers give it in practice.
A header is compared folded (``fold``: no diacritics, lower case) and with its punctuation,
brackets and numbering dropped, so "Số, ký hiệu văn bản (1)" and "so ky hieu van ban" are one.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from chidao.core.text import fold


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the template's header (Vietnamese: the register's own language)
    note: object  # what goes in it, in the person's language
    synonyms: tuple[str, ...] = ()
    multiple: bool = False  # several units may be named in one cell


FIELDS = [
    Field(
        "reference",
        "Số, ký hiệu văn bản",
        _("Number and symbol, e.g. 123/UBND-KT; the date may follow: 123/UBND-KT ngày 05/03/2026"),
        (
            "so ky hieu",
            "so ky hieu van ban",
            "so hieu van ban",
            "so van ban",
            "so va ky hieu",
            "so ky hieu ngay thang van ban",
            "so ky hieu ngay thang",
            "van ban chi dao",
            "van ban",
            "so ky hieu ngay ban hanh",
            "so ky hieu ngay van ban",
        ),
    ),
    Field(
        "issued_on",
        "Ngày văn bản",
        _("Date of the document, dd/mm/yyyy"),
        (
            "ngay ban hanh",
            "ngay van ban",
            "ngay ky",
            "ngay thang van ban",
            "ngay thang",
            "ngay ban hanh van ban",
            "van ban ngay",
            "van ban chi dao ngay",
            "van ban chi dao ngay thang",
            "van ban ngay thang",
        ),
    ),
    Field(
        "kind",
        "Loại văn bản",
        _(
            "Công văn, Thông báo kết luận, Chỉ thị, Quyết định, "
            "Kế hoạch, Ý kiến tại cuộc họp or Khác; guessed from the symbol when empty"
        ),
        ("hinh thuc van ban", "loai", "the loai"),
    ),
    Field(
        "summary",
        "Trích yếu",
        _("Summary of the document (or the meeting's name)"),
        ("trich yeu noi dung", "trich yeu van ban", "ten van ban", "noi dung van ban"),
    ),
    Field(
        "signer",
        "Người ký",
        _("Leader who signed; may be left empty"),
        ("lanh dao ky", "nguoi ky van ban"),
    ),
    Field(
        "content",
        "Nội dung nhiệm vụ",
        _("What the unit must do (required)"),
        (
            "noi dung",
            "nhiem vu",
            "noi dung chi dao",
            "noi dung cong viec",
            "dau cong viec",
            "ten nhiem vu",
            "noi dung nhiem vu duoc giao",
            "nhiem vu duoc giao",
            "noi dung giao",
        ),
    ),
    Field(
        "lead_unit",
        "Đơn vị chủ trì",
        _(
            "One unit (required): name, short name or code, "
            "e.g. Sở Tài chính, Sở TC, STC, UBND xã Mỹ Thiện"
        ),
        (
            "co quan chu tri",
            "don vi thuc hien",
            "co quan thuc hien",
            "don vi duoc giao",
            "chu tri",
            "don vi chu tri thuc hien",
            "co quan don vi chu tri",
        ),
    ),
    Field(
        "cooperating_units",
        "Đơn vị phối hợp",
        _("Units separated by commas or semicolons"),
        ("co quan phoi hop", "phoi hop", "don vi phoi hop thuc hien"),
        multiple=True,
    ),
    Field(
        "assigned_on",
        "Ngày giao",
        _("Day of assignment; the document's date when empty"),
        ("ngay giao nhiem vu", "ngay giao viec"),
    ),
    Field(
        "deadline",
        "Thời hạn",
        _("dd/mm/yyyy, “N ngày làm việc”, “N ngày” or “Thường xuyên”"),
        (
            "han xu ly",
            "thoi han hoan thanh",
            "han hoan thanh",
            "han",
            "thoi han xu ly",
            "thoi han thuc hien",
            "han bao cao",
        ),
    ),
    Field(
        "state",
        "Tình trạng",
        _("Đã giao, Đang thực hiện, Đã hoàn thành (đúng hạn / trễ hạn), Đã báo cáo, Tạm dừng, Hủy"),
        (
            "trang thai",
            "tinh hinh thuc hien",
            "ket qua thuc hien",
            "tinh trang thuc hien",
            "tinh trang xu ly",
        ),
    ),
    Field(
        "completed_on",
        "Ngày hoàn thành",
        _("Day the unit reported it done"),
        ("ngay bao cao hoan thanh", "ngay hoan thanh nhiem vu", "hoan thanh ngay"),
    ),
    Field(
        "progress",
        "Tiến độ (%)",
        _("0 to 100, for work in progress"),
        ("tien do", "ty le hoan thanh", "hoan thanh", "phan tram hoan thanh"),
    ),
    Field(
        "result",
        "Kết quả",
        _("What was done, e.g. the report sent"),
        ("ket qua xu ly", "van ban bao cao ket qua", "bao cao ket qua"),
    ),
    Field(
        "late_explanation",
        "Giải trình",
        _("Why it was done late (recorded as the late explanation)"),
        (
            "ly do cham",
            "giai trinh cham",
            "nguyen nhan cham",
            "ly do cham tre",
            "giai trinh ly do cham",
        ),
    ),
    Field(
        "directing_leader",
        "Lãnh đạo chỉ đạo",
        _("Leader of the committee in charge"),
        ("lanh dao phu trach", "lanh dao ubnd chi dao", "lanh dao ubnd phu trach", "lanh dao"),
    ),
    Field(
        "specialist",
        "Chuyên viên theo dõi",
        _("Tracking specialist; the unit's own when empty"),
        ("chuyen vien", "nguoi theo doi", "chuyen vien phu trach", "cv theo doi"),
    ),
    Field(
        "product",
        "Sản phẩm",
        _("Expected product, e.g. Báo cáo, Tờ trình"),
        ("san pham dau ra", "ket qua dau ra", "hinh thuc san pham"),
    ),
    Field("note", "Ghi chú", _("Kept on the task's timeline"), ("ghi chu khac",)),
]
BY_KEY = {field.key: field for field in FIELDS}
# Columns that are known and deliberately ignored (the row number of the register).
IGNORED = ("stt", "tt", "so tt", "so thu tu")
SKIP = ""  # a column mapped to nothing

# Fields a register must have for its rows to make tasks.
REQUIRED = ("content", "lead_unit")
UNIT_FIELDS = ("lead_unit", "cooperating_units")


def header_key(text: str) -> str:
    """A header as compared: folded, without brackets' contents that are only numbering
    ("(1)", "(%)"), punctuation or doubled spaces."""
    folded = fold(str(text or ""))
    folded = re.sub(r"\(\s*\d*\s*\)|\[\s*\d*\s*\]", " ", folded)
    folded = re.sub(r"[^a-z0-9%]+", " ", folded)
    return " ".join(folded.replace("%", " ").split())


_INDEX: dict[str, str] = {}
for _field in FIELDS:
    for _name in (_field.label, *_field.synonyms):
        _INDEX.setdefault(header_key(_name), _field.key)


def recognise(text: str) -> str | None:
    """The field a header names, ``SKIP`` for a known column to ignore, or None."""
    key = header_key(text)
    if not key:
        return None
    if key in IGNORED:
        return SKIP
    return _INDEX.get(key)


def choices():
    """The fields a column may be mapped to, for the preview's selects."""
    return [(SKIP, _("(not imported)"))] + [(f.key, f.label) for f in FIELDS]
