"""The values of a register's cells as the domain needs them: dates, deadlines, document
references, states, percentages. Each parser returns the value or raises ``ValueError`` with the
reason in the person's language.

Registers are typed by hand: a date is a real Excel date, an Excel serial number (46085), or
text in the Vietnamese order (05/3/2026, 5-3-26, 05.03.2026, "ngày 5 tháng 3 năm 2026"); never
month first. A deadline may also be "15 ngày làm việc", "10 ngày" or "Thường xuyên".
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chidao.core.text import fold
from chidao.directives.models import DirectiveKind, State

# Excel's serial numbers from 01/01/2000 to 31/12/2099 (1900 date system).
SERIAL_FIRST, SERIAL_LAST = 36526, 73050
EXCEL_EPOCH = datetime.date(1899, 12, 30)

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def _dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _make(year: int, month: int, day: int, text: str) -> datetime.date:
    if year < 100:
        year += 2000
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(text)s” is not a date (day/month/year).") % {"text": text}) from None


def from_serial(number: float, text: str) -> datetime.date:
    if not SERIAL_FIRST <= number <= SERIAL_LAST or int(number) != number:
        raise ValueError(_("“%(text)s” is not a date (day/month/year).") % {"text": text})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def find_date(text: str) -> datetime.date | None:
    """The first day/month/year date written in ``text``, if any."""
    match = _DMY.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _make(year, month, day, match.group(0))
    match = _WORDS.search(fold(text))
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _make(year, month, day, match.group(0))
    return None


def parse_date(value) -> datetime.date:
    """A cell holding one date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueError(_("“%(text)s” is not a date (day/month/year).") % {"text": value})
    if isinstance(value, int | float):
        return from_serial(value, str(value))
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return from_serial(float(text), text)
    iso = _ISO.match(text.lower())
    if iso:  # what LibreOffice writes for a date in a .csv it converts
        return _make(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), text)
    match = _DMY.fullmatch(text) or _DMY.fullmatch(re.sub(r"^(ngày|ngay)\s+", "", text, flags=re.I))
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _make(year, month, day, text)
    words = _WORDS.fullmatch(fold(text))
    if words:
        day, month, year = (int(g) for g in words.groups())
        return _make(year, month, day, text)
    raise ValueError(_("“%(text)s” is not a date (day/month/year).") % {"text": text})


# --- Deadlines ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    kind: str  # "date", "working_days", "days", "none"
    date: datetime.date | None = None
    count: int | None = None


_NONE_WORDS = ("thuong xuyen", "khong thoi han", "lien tuc", "hang ngay", "khong xac dinh")
_RECURRING_WORDS = ("hang thang", "hang quy", "hang nam", "dinh ky", "6 thang", "hang tuan")


def parse_deadline(value) -> Deadline:
    if value is None or value == "":
        return Deadline("none")
    if isinstance(value, datetime.date | int | float) and not isinstance(value, bool):
        return Deadline("date", parse_date(value))
    text = str(value).strip()
    folded = fold(text)
    working = re.search(r"(\d{1,3})\s*ngay\s*lam\s*viec", folded)
    if working:
        return Deadline("working_days", count=int(working.group(1)))
    if any(word in folded for word in _RECURRING_WORDS):
        raise ValueError(
            _("“%(text)s” is a recurring deadline: enter recurring reports on the directive "
              "page, or write the next date.") % {"text": text}
        )  # fmt: skip
    days = re.fullmatch(r"(?:trong\s+)?(?:vong\s+)?(\d{1,3})\s*ngay", folded)
    if days:
        return Deadline("days", count=int(days.group(1)))
    if any(word in folded for word in _NONE_WORDS):
        return Deadline("none")
    try:
        return Deadline("date", parse_date(text))
    except ValueError:
        pass
    found = find_date(text)  # "Trước ngày 30/6/2026", "30/6/2026 (theo KH)"
    if found is not None:
        return Deadline("date", found)
    raise ValueError(
        _("“%(text)s” is not a deadline: write a date (dd/mm/yyyy), “N ngày làm việc”, “N ngày” "
          "or “Thường xuyên”.") % {"text": text}
    )  # fmt: skip


# --- Document references ------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    number: int | None
    symbol: str
    date: datetime.date | None
    kind: str | None  # a kind named in the text ("Công văn số 12/UBND-KT")


_REFERENCE = re.compile(r"(\d{1,6})\s*/\s*([0-9A-Za-zÀ-ỹĐđ]+(?:\s*-\s*[0-9A-Za-zÀ-ỹĐđ]+)*)")


def parse_reference(value) -> Reference:
    """ "123/UBND-KT", "Số 123/TB-UBND ngày 05/3/2026", "Công văn 45/UBND-VX" …"""
    text = str(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return Reference(value, "", None, None)
    match = _REFERENCE.search(text)
    if match is None:
        raise ValueError(
            _("“%(text)s” is not a document number and symbol such as 123/UBND-KT.")
            % {"text": text}
        )
    number = int(match.group(1))
    symbol = re.sub(r"\s*-\s*", "-", match.group(2)).upper()
    rest = text[match.end() :]
    date = find_date(rest)
    return Reference(number, symbol, date, kind_in(text[: match.start()]))


_KIND_WORDS = [
    ("thong bao ket luan", DirectiveKind.CONCLUSION),
    ("thong bao", DirectiveKind.CONCLUSION),
    ("ket luan", DirectiveKind.CONCLUSION),
    ("cong van", DirectiveKind.OFFICIAL_LETTER),
    ("chi thi", DirectiveKind.INSTRUCTION),
    ("quyet dinh", DirectiveKind.DECISION),
    ("ke hoach", DirectiveKind.PLAN),
    ("cuoc hop", DirectiveKind.MEETING),
    ("tai hop", DirectiveKind.MEETING),
    ("hop ", DirectiveKind.MEETING),
    ("y kien chi dao", DirectiveKind.MEETING),
    ("khac", DirectiveKind.OTHER),
]
# The document type's code at the head of a symbol (Decree 30/2020, appendix III).
_SYMBOL_KINDS = {
    "TB": DirectiveKind.CONCLUSION,
    "CT": DirectiveKind.INSTRUCTION,
    "QĐ": DirectiveKind.DECISION,
    "QD": DirectiveKind.DECISION,
    "KH": DirectiveKind.PLAN,
}


def kind_in(text: str) -> str | None:
    folded = f"{fold(text)} "
    for words, kind in _KIND_WORDS:
        if folded.startswith(words) or f" {words}" in f" {folded}":
            return kind
    return None


def parse_kind(value) -> str:
    kind = kind_in(str(value))
    if kind is None:
        raise ValueError(
            _("“%(text)s” is not a kind of document: Công văn, Thông báo kết luận, Chỉ thị, "
              "Quyết định, Kế hoạch, Ý kiến tại cuộc họp or Khác.") % {"text": value}
        )  # fmt: skip
    return kind


def kind_of_symbol(symbol: str) -> str:
    """Công văn carry the issuer first (UBND-KT); other documents their type (TB-UBND)."""
    head = symbol.split("-", 1)[0].upper()
    if head in _SYMBOL_KINDS:
        return _SYMBOL_KINDS[head]
    if "-" in symbol:
        return DirectiveKind.OFFICIAL_LETTER
    return DirectiveKind.OTHER


# --- States -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StateSaid:
    state: str
    lateness: str | None = None  # "on_time" or "late" when the register says so
    percent: int | None = None


# Longest phrases first: "chua hoan thanh" before "hoan thanh".
_STATE_WORDS = [
    ("hoan thanh dung han", State.DONE, "on_time"),
    ("hoan thanh trong han", State.DONE, "on_time"),
    ("hoan thanh dung thoi han", State.DONE, "on_time"),
    ("hoan thanh qua han", State.DONE, "late"),
    ("hoan thanh tre han", State.DONE, "late"),
    ("hoan thanh cham", State.DONE, "late"),
    ("hoan thanh sau han", State.DONE, "late"),
    ("chua hoan thanh", State.IN_PROGRESS, None),
    ("chua thuc hien", State.ASSIGNED, None),
    ("chua trien khai", State.ASSIGNED, None),
    ("da bao cao", State.REPORTED, None),
    ("cho kiem tra", State.REPORTED, None),
    ("cho xac nhan", State.PROPOSED, None),
    ("de xuat ket thuc", State.PROPOSED, None),
    ("tam dung", State.SUSPENDED, None),
    ("tam ngung", State.SUSPENDED, None),
    ("huy bo", State.CANCELLED, None),
    ("da huy", State.CANCELLED, None),
    ("huy", State.CANCELLED, None),
    ("khong thuc hien", State.CANCELLED, None),
    ("dung thuc hien", State.CANCELLED, None),
    ("da hoan thanh", State.DONE, None),
    ("hoan thanh", State.DONE, None),
    ("xong", State.DONE, None),
    ("dang thuc hien", State.IN_PROGRESS, None),
    ("dang trien khai", State.IN_PROGRESS, None),
    ("dang xu ly", State.IN_PROGRESS, None),
    ("dang lam", State.IN_PROGRESS, None),
    ("qua han", State.IN_PROGRESS, None),
    ("tre han", State.IN_PROGRESS, None),
    ("da tiep nhan", State.RECEIVED, None),
    ("tiep nhan", State.RECEIVED, None),
    ("da giao", State.ASSIGNED, None),
    ("moi giao", State.ASSIGNED, None),
]


def parse_state(value) -> StateSaid:
    if value is None or value == "":
        return StateSaid(State.ASSIGNED)
    folded = fold(str(value))
    percent = None
    found = re.search(r"(\d{1,3})\s*%", folded)
    if found:
        percent = int(found.group(1))
    for words, state, lateness in _STATE_WORDS:
        if re.search(rf"(?<![a-z]){words}(?![a-z])", folded):
            return StateSaid(state, lateness, percent)
    if percent is not None:
        return StateSaid(State.IN_PROGRESS, None, percent)
    raise ValueError(
        _("“%(text)s” is not a state: Đã giao, Đang thực hiện, Đã hoàn thành (đúng hạn / trễ "
          "hạn), Đã báo cáo, Tạm dừng or Hủy.") % {"text": value}
    )  # fmt: skip


def parse_percent(value) -> int:
    if isinstance(value, float) and 0 <= value <= 1 and value != int(value):
        value = round(value * 100)  # a cell formatted as a percentage holds 0.6 for 60 %
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(_("“%(text)s” is not a percentage.") % {"text": value}) from None
    if not 0 <= number <= 100:
        raise ValueError(_("Progress is a percentage from 0 to 100."))
    return round(number)


def text_of(value) -> str:
    """A cell as text (a number typed in a text column stays as it was typed)."""
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return _dmy(value.date())
    if isinstance(value, datetime.date):
        return _dmy(value)
    return str(value).strip()
