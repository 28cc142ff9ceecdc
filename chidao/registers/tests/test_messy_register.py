"""A real messy register: grouped header merged over two rows, a row of column numbers, a title
row, empty rows, a document merged down over its tasks, names without diacritics or abbreviated,
Excel serial dates; one bad row blocks the whole file."""

import datetime
import io

import pytest

from chidao.directives.models import DeadlineKind, Directive, State, Task
from chidao.registers import actions, report
from chidao.registers.models import ImportState
from chidao.registers.preview import ROW
from chidao.registers.tests.conftest import build_messy, messy_rows

pytestmark = pytest.mark.django_db


def check(org, data, name="so-theo-doi.xlsx", mapping=None):
    return actions.check(org.province, io.BytesIO(data), name, mapping)


def test_the_header_is_found_over_two_merged_rows_and_each_column_recognised(org, people):
    preview = check(org, build_messy())
    fields = {c.letter: c.field for c in preview.layout.columns}
    assert preview.layout.header_rows == [3, 4]
    assert fields == {
        "A": "", "B": "reference", "C": "issued_on", "D": "summary", "E": "content",
        "F": "lead_unit", "G": "cooperating_units", "H": "deadline", "I": "state",
        "J": "completed_on", "K": "note",
    }  # fmt: skip


def test_every_row_is_read_with_the_spreadsheets_own_numbers(org, people):
    preview = check(org, build_messy())
    assert preview.is_valid, report.lines(preview)
    numbers = [r.number for r in preview.rows]
    assert numbers == [6, 7, 8, 10, 11]  # row 9 is empty, 5 holds the column numbers
    assert preview.rows[0].skipped  # the section title
    assert [t.row for t in preview.tasks] == [7, 8, 10, 11]


def test_names_without_diacritics_abbreviations_and_serial_dates_are_understood(org, people):
    first, second, third, fourth = check(org, build_messy()).tasks
    assert first.lead_unit == org.finance and first.cooperating_units == [org.health]
    assert first.directive.issued_on == datetime.date(2026, 3, 1)  # 46082
    assert first.directive.reference == "12/UBND-KT"
    assert second.directive is first.directive  # the merged document cells
    assert second.lead_unit == org.finance  # "Sở TC"
    assert third.lead_unit == org.commune_a  # "UBND xa A"
    assert third.cooperating_units == [org.finance, org.health]
    assert third.directive.issued_on == datetime.date(2026, 3, 5)  # "15/TB-UBND ngày 05/3/2026"
    assert third.directive.kind == "conclusion"
    assert fourth.directive is third.directive


def test_deadlines_dates_and_states_follow_the_register(org, people):
    first, second, third, fourth = check(org, build_messy()).tasks
    assert (first.state, first.completed_on, first.deadline) == (
        State.DONE, datetime.date(2026, 3, 25), datetime.date(2026, 3, 31),
    )  # fmt: skip
    assert not first.late
    # "10 ngày làm việc" from 01/03/2026 (a Sunday): Monday 2 … Friday 13 March.
    assert second.deadline_kind == DeadlineKind.WORKING_DAYS
    assert second.deadline == datetime.date(2026, 3, 13)
    assert second.state == State.DONE and second.late
    assert (third.state, third.progress) == (State.IN_PROGRESS, 60)
    assert (fourth.deadline_kind, fourth.deadline) == (DeadlineKind.NONE, None)


def test_a_bad_row_blocks_the_whole_file_with_its_row_column_and_reason(org, people):
    bad = [5, "20/UBND-VX", "07/03/2026", "Về y tế", "Kiểm tra bệnh viện", "So Giao thong",
           None, "31/02/2026", "Đang thực hiện", None, None]  # fmt: skip
    preview = check(org, build_messy(bad_row=bad))
    assert not preview.is_valid
    (row,) = preview.error_rows
    assert row.number == 12
    messages = dict(row.errors)
    assert "So Giao thong" in messages["lead_unit"]
    assert "31/02/2026" in messages["deadline"]
    lines = report.lines(preview)
    assert any(line.startswith("Dòng 12, F (Đơn vị chủ trì):") for line in lines), lines
    record = actions.upload(people.specialist, org.province, io.BytesIO(build_messy(bad_row=bad)),
                            "so.xlsx")  # fmt: skip
    with pytest.raises(actions.ImportRefusedError):
        actions.import_register(people.specialist, record)
    assert not Directive.objects.exists() and not Task.objects.exists()
    record.refresh_from_db()
    assert record.state == ImportState.CHECKED and record.error_count == 2


def test_an_unrecognised_cooperating_unit_is_an_error_of_its_row(org, people):
    rows = messy_rows()
    rows[1][6] = "Sở Y tế, Các sở ngành liên quan"
    preview = check(org, build_messy(rows))
    (row,) = preview.error_rows
    assert row.number == 7
    assert [k for k, _m in row.errors] == ["cooperating_units"]
    assert "Các sở ngành liên quan" in row.errors[0][1]


def test_a_register_that_says_on_time_must_agree_with_its_dates(org, people):
    rows = messy_rows()
    rows[1][9] = "02/04/2026"  # after the deadline 31/03/2026
    preview = check(org, build_messy(rows))
    (row,) = preview.error_rows
    assert row.errors[0][0] == "state" and "02/04/2026" in row.errors[0][1]


def test_a_finished_task_without_its_date_is_an_error(org, people):
    rows = messy_rows()
    rows[1][9] = None
    (row,) = check(org, build_messy(rows)).error_rows
    assert row.errors == [("completed_on", "Hãy cho biết ngày hoàn thành (dd/mm/yyyy).")]


def test_a_document_already_in_the_system_is_not_imported_twice(org, people):
    record = actions.upload(people.specialist, org.province, io.BytesIO(build_messy()), "a.xlsx")
    actions.import_register(people.specialist, record)
    preview = check(org, build_messy())
    assert not preview.is_valid
    assert {r.number for r in preview.error_rows} == {7, 8, 10, 11}
    assert all(k == "reference" for r in preview.error_rows for k, _m in r.errors)
    assert Directive.objects.count() == 2 and Task.objects.count() == 4


def test_a_document_with_no_task_under_it_is_an_error(org, people):
    rows = messy_rows()
    rows.append([6, "30/UBND-KT", "10/03/2026", "Về việc khác", None, None, None, None, None,
                 None, None])  # fmt: skip
    (row,) = check(org, build_messy(rows)).error_rows
    assert row.errors[0][0] == ROW


def test_a_column_not_recognised_can_be_chosen_by_the_person(org, people):
    rows = messy_rows()
    data = build_messy(rows)
    # The lead unit's column read as nothing: the file cannot be imported…
    preview = check(org, data, mapping={"5": ""})
    assert not preview.is_valid and "Đơn vị chủ trì" in preview.file_errors[0]
    # …until the person says which column it is.
    preview = check(org, data, mapping={"5": "lead_unit"})
    assert preview.is_valid
