"""The periodic reports: their figures are the counting module's for the same scope and period,
the command line makes the same files as the page, and a failed report leaves no file."""

import datetime
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import translation

from chidao.board import stats
from chidao.board.tests.worlds import at
from chidao.directives.models import OPEN_STATES, Difficulty, State
from chidao.directives.timeliness import Today, counting_groups, open_overdue_q, stale_q
from chidao.reports import content, periods
from chidao.reports.document import Figure, Table

D = datetime.date
MARCH = periods.month(2026, 3)  # 15/02/2026 - 14/03/2026: the world's tasks were assigned 02/03


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _value(cell) -> int:
    return cell.value if isinstance(cell, Figure) else cell


def _tables(document) -> dict[str, Table]:
    return {t.title: t for t in document.tables()}


@pytest.fixture(autouse=True)
def _english():
    """Tables are found by their English titles (the files are read in Vietnamese below)."""
    with translation.override("en"):
        yield


def test_the_monthly_reports_figures_are_the_dashboards(org, people, world):
    with at(D(2026, 3, 20)):
        document = content.build(content.Request("monthly", org.province, MARCH))
        today = Today.now()
        scope = stats.Scope(start=MARCH.start, end=MARCH.end, unit=org.province)
        expected = counting_groups(stats.tasks_in(None, scope), today.date)
    by_unit = _tables(document)["By unit"]
    total = [_value(c) for c in by_unit.total[2:7]]
    assert total == [expected.total, expected.done_on_time, expected.done_late,
                     expected.open_within, expected.open_overdue]  # fmt: skip
    for column in range(2, 7):
        assert sum(_value(row[column]) for row in by_unit.rows) == _value(by_unit.total[column])
    by_block = _tables(document)["By sector block"]
    assert [_value(c) for c in by_block.total[2:7]] == total
    assert document.number_line.startswith("Số: ") and document.symbol == "BC-UBND"
    assert document.place == "Thử"
    overdue = _tables(document)["Overdue tasks"]
    with at(D(2026, 3, 20)):
        open_overdue = (
            content.in_scope(org.province)
            .filter(state__in=OPEN_STATES)
            .filter(open_overdue_q(D(2026, 3, 20)))
        )
        assert len(overdue.rows) == open_overdue.count() > 0
    days = [_value(row[5]) for row in overdue.rows]
    assert days == sorted(days, reverse=True)  # most days late first


def test_the_review_counts_each_specialists_open_work(org, people, world):
    with at(D(2026, 3, 20)):
        today = Today.now()
        review = periods.review(D(2026, 3, 20))
        document = content.build(content.Request("review", org.province, review))
        tasks = content.in_scope(org.province).filter(state__in=OPEN_STATES)
        expected = [
            tasks.filter(open_overdue_q(today.date)).count(),
            tasks.filter(state__in=(State.REPORTED, State.PROPOSED)).count(),
            tasks.filter(pk__in=Difficulty.objects.filter(is_open=True).values("task_id")).count(),
            tasks.filter(stale_q(today)).count(),
        ]
    tables = _tables(document)
    for title in ("By division", "By specialist"):
        table = tables[title]
        first = 2 if title == "By division" else 3
        assert [_value(c) for c in table.total[first : first + 4]] == expected, title
        for offset in range(4):
            column = first + offset
            assert sum(_value(r[column]) for r in table.rows) == _value(table.total[column])
    assert document.issuer == "OFFICE"
    assert document.governing_body == "ỦY BAN NHÂN DÂN TỈNH THỬ"


def test_a_units_report_counts_its_own_tasks(org, people, world):
    with at(D(2026, 3, 20)):
        document = content.build(
            content.Request("unit", org.finance, MARCH, person=people.unit_head)
        )
        finance = stats.tasks_in(
            people.unit_head, stats.Scope(start=MARCH.start, end=MARCH.end, unit=org.finance)
        )
        expected = counting_groups(finance, D(2026, 3, 20))
    table = _tables(document)["By directive kind"]
    assert _value(table.total[2]) == expected.total > 0
    assert all(
        row[2] != "" for row in _tables(document)["Overdue tasks"].rows
    )  # the unit's own overdue tasks
    assert org.finance.name.upper() in document.issuer


def test_a_person_sees_in_a_report_only_what_he_may_see(org, people, world):
    with at(D(2026, 3, 20)):
        document = content.build(
            content.Request("monthly", org.province, MARCH, person=people.unit_staff)
        )
    units = {row[2] for row in _tables(document)["Overdue tasks"].rows}
    assert units <= {org.finance.name, org.finance_sub.name}


def test_make_report_refuses_what_names_nothing(org, tmp_path):
    org.province.admin_code = "82"
    org.province.save()
    target = tmp_path / "r.docx"
    cases = [
        (["monthly", "--committee", "99", "--from", "01/03/2026", "--to", "31/03/2026"], "99"),
        (["monthly", "--committee", "82", "--from", "31/02/2026",
          "--to", "01/03/2026"], "31/02/2026"),
        (["unit", "--committee", "82", "--period", "month-2026-3"],
         "--unit"),
        (["monthly", "--committee", "82", "--period", "month-2026-13"],
         "month-2026-13"),
    ]  # fmt: skip
    for args, said in cases:
        with pytest.raises(CommandError, match=said):
            call_command("make_report", *args, "--format", "docx", "-o", str(target))
        assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_make_report_writes_each_format(org, people, world, tmp_path, fmt):
    org.province.admin_code = "82"
    org.province.save()
    target = tmp_path / f"bao-cao.{fmt}"
    with at(D(2026, 3, 20)):
        call_command("make_report", "monthly", "--committee", "82", "--from", "15/02/2026",
                     "--to", "14/03/2026", "--format", fmt, "-o", str(target),
                     "--language", "vi")  # fmt: skip
    data = target.read_bytes()
    assert len(data) > 1000
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]
    if fmt == "pdf":
        pdftotext = shutil.which("pdftotext")
        assert pdftotext, "poppler-utils (make test installs it)"
        text = subprocess.run([pdftotext, "-layout", str(target), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "Số:" in text and "/BC-UBND" in text
        assert "Thử, ngày 20 tháng 3 năm 2026" in text


def test_the_review_counts_each_specialists_urgings_in_the_period(org, people, world):
    from chidao.directives import actions

    overdue = world["Quá hạn, không ai cập nhật"]
    with at(D(2026, 3, 20)):
        actions.urge(people.specialist, overdue, "Đề nghị báo cáo ngay")
        actions.urge(people.specialist, overdue, "Nhắc lần hai")
        review = periods.review(D(2026, 3, 20))
        document = content.build(content.Request("review", org.province, review))
        earlier = content.build(content.Request("review", org.province, periods.previous(review)))
    specialist = overdue.specialist.full_name if overdue.specialist else "No tracking specialist"
    rows = {row[2]: row for row in _tables(document)["By specialist"].rows}
    assert rows[specialist][-1] >= 2
    assert _tables(document)["By specialist"].total[-1] == sum(
        row[-1] for row in _tables(document)["By specialist"].rows
    )
    # Urgings outside the period are not counted in it; every specialist still has a row.
    before = {row[2]: row for row in _tables(earlier)["By specialist"].rows}
    assert before.keys() == rows.keys()
    assert before[specialist][-1] == rows[specialist][-1] - 2
