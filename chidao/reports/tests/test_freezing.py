"""Closed periods: the figures as they stood at the cut-off, stored and never recounted; the
current ones beside them with every change explained; closed and reopened by the committee's
Office leaders alone, on the record."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from chidao.board.tests.test_every_number import _list_count
from chidao.board.tests.worlds import at
from chidao.directives import actions
from chidao.directives.models import Task
from chidao.directives.timeliness import Today
from chidao.reports import content, freezing, periods
from chidao.reports.models import ClosedPeriod, FrozenTask

D = datetime.date
MARCH = periods.month(2026, 3)  # 15/02/2026 - 14/03/2026


@pytest.fixture(autouse=True)
def _english():
    cache.clear()
    with translation.override("en"):
        yield


def _tables(document):
    return {t.title: t for t in document.tables()}


def _monthly(org):
    return content.build(content.Request("monthly", org.province, MARCH))


def test_closing_keeps_each_task_as_it_stood_at_the_cut_off(org, people, world):
    with at(D(2026, 3, 20)):
        closed = freezing.close(people.office_leader, org.province, MARCH)
        cut_off = Today.now(date=MARCH.end)
        counted = freezing.committee_tasks(org.province, MARCH)
        expected = {
            pk: freezing.group_at(SimpleNamespace(**dict(zip(freezing.FIELDS, row, strict=True))),
                                  cut_off)
            for pk, *_rest in counted.values_list(*freezing.FIELDS)
            for row in [(pk, *_rest)]
        }  # fmt: skip
    kept = dict(FrozenTask.objects.filter(closed=closed).values_list("task_id", "group"))
    assert kept == expected and kept
    # Reported on 13/03 after its deadline of 12/03: awaiting the check, overdue at the cut-off.
    late = world["Báo cáo trễ chờ kiểm tra"]
    assert kept[late.pk] == "open_overdue"
    assert closed.closed_by == people.office_leader and closed.is_closed


def test_work_reported_after_the_cut_off_was_still_open_on_it(db):
    task = SimpleNamespace(state="done", deadline=D(2026, 3, 10), completed_on=D(2026, 3, 16),
                           original_deadline=D(2026, 3, 10), extension_count=0,
                           extended_after_deadline=False)  # fmt: skip
    with at(D(2026, 3, 20)):
        assert freezing.group_at(task, Today.now(date=D(2026, 3, 14))) == "open_overdue"
        assert freezing.group_at(task, Today.now(date=D(2026, 3, 9))) == "open_within"
        assert freezing.group_at(task, Today.now()) == "done_late"


def test_a_closed_report_gives_the_same_figures_after_tasks_change(org, people, world):
    with at(D(2026, 3, 20)):
        freezing.close(people.office_leader, org.province, MARCH)
        before = _monthly(org)
        late = world["Báo cáo trễ chờ kiểm tra"]
        task = actions.propose_closing(people.specialist, Task.objects.get(pk=late.pk))
        actions.confirm(people.office_leader, task)
        cache.clear()
        after = _monthly(org)
    for title in ("By unit", "By sector block"):
        assert _tables(after)[title] == _tables(before)[title], title
    comparison = _tables(after)["Closed and current figures"]
    rows = {row[0]: row for row in comparison.rows}
    for _label, then, now, difference in comparison.rows:
        now = getattr(now, "value", now)
        assert difference == (f"{now - then:+d}" if now != then else "0")
    before_rows = {row[0]: row for row in _tables(before)["Closed and current figures"].rows}
    assert rows["Done late"][2].value == before_rows["Done late"][2].value + 1
    changes = {row[1]: row for row in _tables(after)["Changes since the closing"].rows}
    assert changes[late.content][3:5] == ["Open, overdue", "Done late"]
    assert "Confirmed done" in changes[late.content][5]
    # Every difference of a group is explained by the tasks listed.
    for label, then, now, _difference in comparison.rows[1:5]:
        now = getattr(now, "value", now)
        moved_in = sum(1 for row in changes.values() if row[4] == label)
        moved_out = sum(1 for row in changes.values() if row[3] == label)
        assert now - then == moved_in - moved_out, label


def test_only_the_committees_office_leaders_close_and_reopen(org, people, world):
    with at(D(2026, 3, 20)):
        for person in (people.leader, people.specialist, people.division_head, people.admin,
                       people.unit_head, people.outsider):  # fmt: skip
            with pytest.raises(PermissionDenied):
                freezing.close(person, org.province, MARCH)
        assert not ClosedPeriod.objects.exists()
        closed = freezing.close(people.office_leader, org.province, MARCH)
        with pytest.raises(PermissionDenied):
            freezing.reopen(people.leader, closed, "Sai số liệu")
        with pytest.raises(ValidationError):
            freezing.reopen(people.office_leader, closed, "  ")
        freezing.reopen(people.office_leader, closed, "Đơn vị báo cáo bổ sung")
        closed.refresh_from_db()
        assert not closed.is_closed and closed.reopened_by == people.office_leader
        assert closed.reopen_reason == "Đơn vị báo cáo bổ sung"
        assert "Closed and current figures" not in _tables(_monthly(org))  # live again
        again = freezing.close(people.office_leader, org.province, MARCH)
    assert ClosedPeriod.objects.count() == 2 and again.is_closed
    assert FrozenTask.objects.filter(closed=closed).exists()  # the first record is kept


def test_a_period_is_closed_once_and_only_when_over(org, people, world):
    with at(D(2026, 3, 20)):
        with pytest.raises(ValidationError, match="cut-off"):
            freezing.close(people.office_leader, org.province, periods.month(2026, 4))
        freezing.close(people.office_leader, org.province, MARCH)
        with pytest.raises(ValidationError, match="already closed"):
            freezing.close(people.office_leader, org.province, MARCH)
    assert ClosedPeriod.objects.count() == 1


def test_the_closing_page(client, org, people, world):
    with at(D(2026, 3, 20)):
        client.force_login(people.specialist)
        assert client.get("/reports/closing/").status_code == 403
        client.force_login(people.office_leader)
        page = client.get("/reports/closing/")
        assert page.status_code == 200 and "month-2026-3" in page.content.decode()
        response = client.post("/reports/closing/", {"committee": org.province.pk,
                                                     "period": "month-2026-3"})  # fmt: skip
        assert response.status_code == 302
        again = client.post("/reports/closing/", {"committee": org.province.pk,
                                                  "period": "month-2026-3"})  # fmt: skip
        assert again.status_code == 422
        closed = ClosedPeriod.objects.get()
        client.force_login(people.leader)
        assert client.post(f"/reports/closing/{closed.pk}/reopen",
                           {"reason": "x"}).status_code == 403  # fmt: skip
        client.force_login(people.office_leader)
        client.post(f"/reports/closing/{closed.pk}/reopen", {"reason": ""})
        closed.refresh_from_db()
        assert closed.is_closed  # no reason, not reopened
        client.post(f"/reports/closing/{closed.pk}/reopen", {"reason": "Bổ sung"})
        closed.refresh_from_db()
        assert not closed.is_closed


def test_the_dashboard_shows_the_closed_figures_beside_the_current(client, org, people, world):
    with at(D(2026, 3, 20)):
        freezing.close(people.office_leader, org.province, MARCH)
        client.force_login(people.office_leader)
        page = client.get(f"/dashboard/?period=month-2026-3&unit={org.province.pk}")
    assert page.context["closed"]["totals"] == freezing.totals(ClosedPeriod.objects.get())
    assert 'id="closed-figures"' in page.content.decode()


def test_a_units_report_of_a_closed_period_gives_its_part_of_the_closed_figures(
    client, org, people, world
):
    client.force_login(people.unit_head)
    with at(D(2026, 3, 20)):
        closed = freezing.close(people.office_leader, org.province, MARCH)
        request = content.Request("unit", org.finance, MARCH, person=people.unit_head)
        before = content.build(request)
        task = Task.objects.get(pk=world["Trong hạn, có phần giao xuống"].pk)
        actions.report_done(people.unit_staff, task, result="Xong")
        cache.clear()
        after = content.build(content.Request("unit", org.finance, MARCH, person=people.unit_head))
    kinds = _tables(after)["By directive kind"]
    assert kinds == _tables(before)["By directive kind"]
    frozen = freezing.totals(closed, org.finance)
    assert kinds.total[2:7] == [frozen.total, frozen.done_on_time, frozen.done_late,
                                frozen.open_within, frozen.open_overdue]  # fmt: skip
    # The unit's rows of the committee's closed report add up to the same.
    by_unit = {row[1]: row for row in _tables(_monthly(org))["By unit"].rows}
    assert by_unit[org.finance.name][2] + by_unit.get(org.finance_sub.name, [0, 0, 0])[2] == (
        frozen.total
    )
    comparison = {row[0]: row for row in _tables(after)["Closed and current figures"].rows}
    for _label, then, now, difference in comparison.values():
        if hasattr(now, "link"):  # each current figure opens exactly its tasks
            with at(D(2026, 3, 20)):
                assert _list_count(client, now.link) == now.value, now.link
        now = getattr(now, "value", now)
        assert difference == (f"{now - then:+d}" if now != then else "0")
