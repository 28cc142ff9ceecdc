"""Confirming an import: every row created at once with its past, or nothing."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.board import stats
from chidao.directives import timeline
from chidao.directives.actions import workflow
from chidao.directives.models import (
    Cause,
    Directive,
    EventKind,
    LateExplanation,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.timeliness import Today, counting_groups, scope_q
from chidao.registers import actions
from chidao.registers.models import ImportState, RegisterImport
from chidao.registers.tests.conftest import build_messy, messy_rows

pytestmark = pytest.mark.django_db
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def imported(org, person, data=None, name="so-theo-doi.xlsx"):
    record = actions.upload(person, org.province, io.BytesIO(data or build_messy()), name)
    return actions.import_register(person, record)


def test_every_row_becomes_a_task_of_its_directive_with_its_past(org, people):
    record = imported(org, people.specialist)
    assert (record.state, record.directives_created, record.tasks_created) == (
        ImportState.IMPORTED, 2, 4,
    )  # fmt: skip
    letter = Directive.objects.get(number=12)
    assert (letter.symbol, letter.issued_on, letter.signer, letter.imported_from) == (
        "UBND-KT", datetime.date(2026, 3, 1), None, "so-theo-doi.xlsx",
    )  # fmt: skip
    on_time, late = letter.tasks.order_by("pk")
    assert (on_time.state, on_time.completed_on, on_time.progress_percent) == (
        State.DONE, datetime.date(2026, 3, 25), 100,
    )  # fmt: skip
    assert on_time.specialist == people.specialist  # the unit's tracking specialist
    assert list(on_time.cooperations.values_list("unit", flat=True)) == [org.health.pk]
    assert late.completed_on == datetime.date(2026, 3, 30) and late.deadline < late.completed_on
    notice = Directive.objects.get(number=15)
    working, ongoing = notice.tasks.order_by("pk")
    assert (working.state, working.progress_percent, working.lead_unit) == (
        State.IN_PROGRESS, 60, org.commune_a,
    )  # fmt: skip
    assert ongoing.deadline is None and ongoing.state == State.ASSIGNED
    # Made in bulk, each task still keeps its directive's kind (the statistics group by it).
    assert [t.directive_kind for t in (on_time, late, working, ongoing)] == [
        letter.kind, letter.kind, notice.kind, notice.kind,
    ]  # fmt: skip


def test_a_returned_imported_task_falls_back_to_the_registers_progress(org, people):
    """Once its report is set aside, a task from a register shows the progress the register
    gave (its first step records it), as a task shows its unit's last update."""
    imported(org, people.specialist)
    working = Directive.objects.get(number=15).tasks.order_by("pk").first()
    Task.objects.filter(pk=working.pk).update(progress_percent=100)  # as a report sets it
    assert workflow.progress_before_report(working) == 60


def test_each_timeline_starts_with_the_file_and_row_by_whoever_imported(org, people):
    imported(org, people.specialist)
    for task in Task.objects.all():
        (event,) = task.events.all()
        assert event.kind == EventKind.IMPORTED
        assert event.actor == people.specialist
        assert event.data["file"] == "so-theo-doi.xlsx"
        assert timeline.verify(task) is None  # the chain is whole and signed
    rows = sorted(TaskEvent.objects.values_list("data__row", flat=True))
    assert rows == [7, 8, 10, 11]


def test_the_task_page_says_which_file_and_row(client, org, people):
    imported(org, people.specialist)
    task = Task.objects.get(directive__number=12, completed_on=datetime.date(2026, 3, 25))
    client.force_login(people.specialist)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Nhập từ tệp so-theo-doi.xlsx, dòng 7" in page
    assert "Nhập từ sổ theo dõi" in page
    assert "hoàn thành 25/03/2026" in page


def test_a_late_explanation_in_the_register_is_recorded(org, people):
    rows = messy_rows()
    rows[2][10] = "Chậm do nguyên nhân khách quan: chờ số liệu của Bộ"
    record = actions.upload(people.specialist, org.province, io.BytesIO(build_messy(rows)), "a")
    record = actions.remap(people.specialist, record, {"10": "late_explanation"})  # column K
    actions.import_register(people.specialist, record)
    (explanation,) = LateExplanation.objects.all()
    assert explanation.task.completed_on == datetime.date(2026, 3, 30)
    assert explanation.cause == Cause.OBJECTIVE
    assert explanation.submitted_by == people.specialist


def test_the_statistics_of_the_past_month_count_the_imported_tasks(org, people):
    imported(org, people.specialist)
    today = Today.now()
    counts = counting_groups(
        Task.objects.filter(scope_q(org.province), assigned_on__range=MARCH), today.date
    )
    assert (counts.total, counts.done_on_time, counts.done_late) == (4, 1, 1)
    assert (counts.open_overdue, counts.open_within) == (1, 1)  # 15/04/2026 passed; no deadline
    board = stats.build(people.office_leader, stats.Scope(*MARCH, unit=org.province), today)
    assert board.totals == counts
    rows = {row.label: row.counts for row in board.ranking}
    assert (rows["Sở Tài chính"].done_on_time, rows["Sở Tài chính"].done_late) == (1, 1)
    march = dict((label, (on_time, late)) for label, on_time, late, *_rest in board.trend)
    assert march["03/2026"] == (1, 1)  # the month of the deadlines


def test_nothing_is_created_when_the_file_became_invalid_before_confirming(org, people):
    record = actions.upload(people.specialist, org.province, io.BytesIO(build_messy()), "a.xlsx")
    org.health.is_active = False  # dissolved meanwhile: an open task cannot be led by it
    org.health.save()
    with pytest.raises(actions.ImportRefusedError) as refused:
        actions.import_register(people.specialist, record)
    assert refused.value.preview.error_rows
    assert not Task.objects.exists() and not Directive.objects.exists()
    record.refresh_from_db()
    assert record.state == ImportState.CHECKED and record.error_count > 0


def test_a_file_is_imported_once(org, people):
    record = imported(org, people.specialist)
    with pytest.raises(ValidationError, match="đã nhập"):
        actions.import_register(people.specialist, record)
    assert Task.objects.count() == 4


@pytest.mark.parametrize("who", ["unit_staff", "unit_head", "outsider", "commune_specialist",
                                 "leader", "viewer", "nobody"])  # fmt: skip
def test_only_the_committees_office_may_import(org, people, who):
    with pytest.raises((PermissionDenied, Http404)):
        actions.upload(getattr(people, who), org.province, io.BytesIO(build_messy()), "a.xlsx")
    assert not RegisterImport.objects.exists()


def test_another_office_cannot_confirm_an_upload(org, people):
    record = actions.upload(people.specialist, org.province, io.BytesIO(build_messy()), "a.xlsx")
    with pytest.raises((PermissionDenied, Http404)):
        actions.import_register(people.outsider, record)
    assert not Task.objects.exists()


def test_a_commune_office_imports_its_own_register(org, people):
    rows = [[1, "3/UBND-VP", "02/03/2026", "Về kinh tế xã", "Báo cáo sản xuất vụ đông",
             "Phong Kinh te xa A", None, "20/03/2026", "Đang thực hiện", None, None]]  # fmt: skip
    record = actions.upload(people.commune_specialist, org.commune_a,
                            io.BytesIO(build_messy(rows)), "xa-a.xlsx")  # fmt: skip
    assert record.report["valid"], record.report
    actions.import_register(people.commune_specialist, record)
    task = Task.objects.get()
    assert (task.lead_unit, task.assigner_unit) == (org.commune_a_econ, org.commune_a)
    assert task.specialist == people.commune_specialist


def test_the_first_steps_written_together_are_refused_on_a_task_with_a_timeline(org, people):
    imported(org, people.specialist)
    task = Task.objects.first()
    with pytest.raises(ValueError, match="already has a timeline"):
        timeline.record_first([(task, EventKind.IMPORTED, people.specialist, {})])
    assert task.events.count() == 1


def test_the_imported_tasks_are_found_by_the_lists_search(org, people):
    imported(org, people.specialist)
    assert Task.objects.search("phan bo von").count() == 1  # without diacritics
