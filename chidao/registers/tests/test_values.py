"""Reading a register's cells and names as the Office types them."""

import datetime

import pytest

from chidao.directives.models import DirectiveKind, State
from chidao.registers import values
from chidao.registers.matching import UnitIndex, unit_key

D = datetime.date


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("05/03/2026", D(2026, 3, 5)),
        ("5/3/2026", D(2026, 3, 5)),
        ("05-03-26", D(2026, 3, 5)),
        ("05.03.2026", D(2026, 3, 5)),
        ("ngày 5 tháng 3 năm 2026", D(2026, 3, 5)),
        (46086, D(2026, 3, 5)),
        ("46086", D(2026, 3, 5)),
        (datetime.datetime(2026, 3, 5, 0, 0), D(2026, 3, 5)),
        ("2026-03-05", D(2026, 3, 5)),
    ],
)
def test_dates_are_day_first_or_excel_dates(cell, day):
    assert values.parse_date(cell) == day


@pytest.mark.parametrize("cell", ["31/02/2026", "13/13/2026", "hôm qua", 12, "3/2026"])
def test_what_is_not_a_date_says_so(cell):
    with pytest.raises(ValueError, match="không phải là ngày"):
        values.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "kind", "count"),
    [
        ("15 ngày làm việc", "working_days", 15),
        ("Trong vòng 10 ngày làm việc", "working_days", 10),
        ("10 ngay lam viec", "working_days", 10),
        ("30 ngày", "days", 30),
        ("Thường xuyên", "none", None),
        (None, "none", None),
    ],
)
def test_deadlines_in_words(cell, kind, count):
    deadline = values.parse_deadline(cell)
    assert (deadline.kind, deadline.count) == (kind, count)


def test_a_deadline_written_around_a_date_and_a_recurring_one():
    assert values.parse_deadline("Trước ngày 30/6/2026").date == D(2026, 6, 30)
    with pytest.raises(ValueError, match="định kỳ"):
        values.parse_deadline("Ngày 20 hàng tháng")


@pytest.mark.parametrize(
    ("cell", "state", "lateness", "percent"),
    [
        ("Đã hoàn thành", State.DONE, None, None),
        ("Hoàn thành đúng hạn", State.DONE, "on_time", None),
        ("hoan thanh tre han", State.DONE, "late", None),
        ("Chưa hoàn thành", State.IN_PROGRESS, None, None),
        ("Đang thực hiện (70%)", State.IN_PROGRESS, None, 70),
        ("Chưa thực hiện", State.ASSIGNED, None, None),
        ("Quá hạn", State.IN_PROGRESS, None, None),
        ("Đã báo cáo, chờ kiểm tra", State.REPORTED, None, None),
        ("Tạm dừng", State.SUSPENDED, None, None),
        ("Hủy", State.CANCELLED, None, None),
    ],
)
def test_states_in_the_registers_words(cell, state, lateness, percent):
    assert values.parse_state(cell) == values.StateSaid(state, lateness, percent)


def test_references_and_kinds():
    ref = values.parse_reference("Công văn số 123/UBND - KT ngày 05/3/2026")
    assert (ref.number, ref.symbol, ref.date, ref.kind) == (
        123, "UBND-KT", D(2026, 3, 5), DirectiveKind.OFFICIAL_LETTER,
    )  # fmt: skip
    assert values.kind_of_symbol("TB-UBND") == DirectiveKind.CONCLUSION
    assert values.kind_of_symbol("QĐ-UBND") == DirectiveKind.DECISION
    assert values.kind_of_symbol("UBND-VX") == DirectiveKind.OFFICIAL_LETTER


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Sở TC", "Sở Tài chính"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
        ("So Ke hoach - Dau tu", "Sở Kế hoạch và Đầu tư"),
        ("UBND TP. Mỹ Tho", "Ủy ban nhân dân thành phố Mỹ Tho"),
        ("UBND H. Cái Bè", "Ủy ban nhân dân huyện Cái Bè"),
        ("Sở TP", "Sở Tư pháp"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ],
)
def test_abbreviations_give_the_official_names_key(written, official):
    assert unit_key(written) == unit_key(official)


@pytest.mark.django_db
def test_units_by_name_code_and_without_their_committee_prefix(org):
    index = UnitIndex(org.province)
    assert index.find("STC").unit == org.finance
    assert index.find("so y te").unit == org.health
    assert index.find("xã A").unit == org.commune_a
    assert index.find("Chi cục Tài chính").unit == org.finance_sub
    assert index.find("Văn phòng UBND tỉnh").unit is None  # the Office carries out nothing
    assert "không phải đơn vị" in index.find("Sở Giao thông").error
    assert index.find("UBND").unit is None  # every commune's code: never guessed


@pytest.mark.django_db
def test_an_ambiguous_name_names_its_candidates(org):
    from chidao.conftest import make_unit
    from chidao.org.models import UnitKind

    make_unit(org.health, UnitKind.OTHER, "Phòng Tổng hợp", "PTH1")
    make_unit(org.finance, UnitKind.OTHER, "Phòng Tổng hợp", "PTH2")
    found = UnitIndex(org.province).find("phong tong hop")
    assert found.unit is None
    assert "Phòng Tổng hợp (Sở Y tế)" in found.error
    assert "Phòng Tổng hợp (Sở Tài chính)" in found.error


@pytest.mark.django_db
def test_a_name_with_a_comma_is_not_split(org):
    from chidao.conftest import make_unit
    from chidao.org.models import UnitKind

    culture = make_unit(org.province, UnitKind.DEPARTMENT, "Sở Văn hóa, Thể thao và Du lịch")
    units, errors = UnitIndex(org.province).find_many(
        "Sở Văn hóa, Thể thao và Du lịch, Sở Y tế; STC"
    )
    assert (units, errors) == ([culture, org.health, org.finance], [])
