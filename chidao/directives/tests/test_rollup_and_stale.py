"""What sub-assigned parts add up to (roll-up), and tasks whose unit has gone quiet (chưa cập nhật
quá N ngày làm việc)."""

import datetime

import pytest
import time_machine

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.actions.issue import subassign_targets
from chidao.directives.models import State, Task
from chidao.directives.tests.test_timeliness import python_counts
from chidao.directives.timeliness import (
    Counts,
    Timeliness,
    Today,
    counting_groups,
    is_stale,
    rollup,
    stale_q,
    timeliness_of,
)

D = datetime.date
UTC = datetime.UTC


def at_16_local(day: datetime.date):
    """Travel to 16:00 in Hà Nội on ``day`` (09:00 UTC)."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return time_machine.travel(moment, tick=False)


# --- Roll-up of sub-assigned parts ---------------------------------------------------------------
def _part(people, parent, org, content, deadline):
    return actions.subassign(
        people.unit_head, parent,
        TaskSpec(content=content, lead_unit=org.finance_sub, deadline_date=deadline),
    )  # fmt: skip


@pytest.fixture
def family(task, org, people):
    """Sở Tài chính gives three parts to its Chi cục on 05/03/2026: one done on time, one in
    progress and overdue at 40 %, one cancelled after reaching 70 %."""
    with at_16_local(D(2026, 3, 5)):
        parent = actions.receive(people.unit_head, task)
        assert subassign_targets(parent).filter(pk=org.finance_sub.pk).exists()
        done = _part(people, parent, org, "Tổng hợp số liệu các huyện", D(2026, 3, 20))
        late = _part(people, parent, org, "Dự thảo tờ trình", D(2026, 3, 25))
        cancelled = _part(people, parent, org, "Lấy ý kiến các sở", D(2026, 3, 27))
        for child in (done, late, cancelled):
            actions.receive(people.sub_staff, child)
        actions.post_progress(people.sub_staff, late, "Đã có dự thảo lần 1", 40)
        actions.post_progress(people.sub_staff, cancelled, "Đã gửi văn bản", 70)
    with at_16_local(D(2026, 3, 19)):
        actions.report_done(people.sub_staff, done, result="Đã tổng hợp")
        actions.propose_closing(people.unit_staff, done)
        actions.confirm(people.unit_head, done)
        actions.cancel(people.unit_head, cancelled, reason="Không cần lấy ý kiến nữa")
    children = {c.content: c for c in Task.objects.filter(parent=parent)}
    return parent, children


def test_the_parts_are_sub_assigned_by_the_unit_to_its_lower_unit(family, org, people):
    parent, children = family
    assert len(children) == 3
    for child in children.values():
        assert (child.parent, child.assigner_unit, child.lead_unit) == (
            parent,
            org.finance,
            org.finance_sub,
        )
        assert child.directive == parent.directive
    assert {c.state for c in children.values()} == {
        State.DONE,
        State.IN_PROGRESS,
        State.CANCELLED,
    }


def test_the_roll_up_counts_are_the_childrens_counts(family):
    parent, children = family
    today = Today.now(date=D(2026, 3, 31))
    summary = rollup(parent, today.date)
    assert summary.counts == python_counts(children.values(), today)
    assert summary.counts == counting_groups(Task.objects.filter(parent=parent), today.date)
    assert summary.counts == Counts(
        total=2, done_on_time=1, done_on_time_after_extension=0,
        done_on_time_after_late_extension=0, done_late=0,
        open_within=0, open_overdue=1, suspended=0,
    )  # fmt: skip


def test_the_average_progress_leaves_out_cancelled_parts(family):
    parent, _ = family
    summary = rollup(parent, D(2026, 3, 31))
    assert summary.children == 2
    assert summary.average_progress == pytest.approx((100 + 40) / 2)


def test_a_part_without_any_progress_counts_as_zero(family, org, people):
    parent, _ = family
    with at_16_local(D(2026, 3, 20)):
        _part(people, parent, org, "Rà soát danh mục dự án", D(2026, 3, 30))
    summary = rollup(parent, D(2026, 3, 31))
    assert summary.children == 3
    assert summary.average_progress == pytest.approx((100 + 40 + 0) / 3)
    assert summary.counts.open_overdue == 2  # the new part, due 30/03, is late on 31/03 too


def test_the_roll_up_does_not_count_the_parent_itself(family):
    parent, _ = family
    before = rollup(parent, D(2026, 3, 31))
    Task.objects.filter(pk=parent.pk).update(state=State.DONE, completed_on=D(2026, 3, 30))
    assert rollup(Task.objects.get(pk=parent.pk), D(2026, 3, 31)) == before


def test_a_task_without_parts_has_an_empty_roll_up(task):
    summary = rollup(task, D(2026, 3, 31))
    assert summary.children == 0
    assert summary.average_progress is None
    assert summary.counts.total == 0


# --- Stale: no act of the lead unit for 10 working days ------------------------------------------
START = datetime.datetime(2026, 3, 2, 9, tzinfo=UTC)  # 16:00 on Monday 02/03/2026 in Hà Nội


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def received(traveller, task, people):
    """The task, received on 02/03/2026 at 16:00 (its unit's last act)."""
    return actions.receive(people.unit_staff, task)


def _stale(task):
    """The one-task answer and the database filter must agree; returns the answer."""
    today = Today.now()
    task = Task.objects.get(pk=task.pk)
    in_database = Task.objects.filter(stale_q(today), pk=task.pk).exists()
    assert is_stale(task, today) == in_database
    return in_database


def local(day: datetime.date, hour: int):
    return datetime.datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def test_a_task_is_stale_after_ten_working_days_without_an_act(received, traveller):
    assert received.last_update_at == START
    traveller.move_to(local(D(2026, 3, 16), 23))  # the 10th working day after 02/03
    assert not _stale(received)
    traveller.move_to(local(D(2026, 3, 17), 8))
    assert _stale(received)


def test_days_off_do_not_count(traveller, task, people):
    traveller.move_to(local(D(2026, 2, 13), 10))  # Friday before Tết (14/02-22/02/2026)
    actions.receive(people.unit_staff, task)
    traveller.move_to(local(D(2026, 3, 6), 17))  # 10 working days later: 23/02-06/03
    assert not _stale(task)
    traveller.move_to(local(D(2026, 3, 9), 8))
    assert _stale(task)


def test_a_task_never_received_goes_stale_too(traveller, task):
    assert task.last_update_at == START  # assigned then: the clock runs from the assignment
    traveller.move_to(local(D(2026, 3, 17), 9))
    assert task.state == State.ASSIGNED
    assert _stale(task)


def test_the_stale_period_follows_the_setting(received, traveller, settings):
    settings.CHIDAO_STALE_AFTER_WORKING_DAYS = 5
    traveller.move_to(local(D(2026, 3, 9), 17))
    assert not _stale(received)
    traveller.move_to(local(D(2026, 3, 10), 8))
    assert _stale(received)


def test_a_progress_update_clears_it(received, traveller, people):
    traveller.move_to(local(D(2026, 3, 22), 10))  # a Sunday
    assert _stale(received)
    actions.post_progress(people.unit_staff, received, "Đã làm việc với các huyện", 30)
    assert not _stale(received)
    traveller.move_to(local(D(2026, 4, 3), 17))  # 23/03-03/04: ten working days
    assert not _stale(received)
    traveller.move_to(local(D(2026, 4, 4), 8))
    assert _stale(received)


def test_a_specialists_comment_is_not_the_units_update(received, traveller, people):
    traveller.move_to(local(D(2026, 3, 22), 10))
    actions.comment(people.specialist, received, "Đề nghị đơn vị cập nhật tiến độ")
    assert _stale(received)


@pytest.mark.parametrize("state", [State.REPORTED, State.PROPOSED])
def test_a_task_awaiting_the_check_is_never_stale(received, traveller, people, state):
    actions.report_done(people.unit_staff, received, result="Đã trình phương án")
    if state == State.PROPOSED:
        actions.propose_closing(people.specialist, received)
    traveller.move_to(local(D(2026, 6, 1), 10))
    task = Task.objects.get(pk=received.pk)
    assert task.state == state
    assert not _stale(task)
    # Neither is it late: it was reported on time.
    assert timeliness_of(task, Today.now()) == Timeliness.NOT_DUE


@pytest.mark.parametrize("step", ["suspend", "cancel"])
def test_a_suspended_or_cancelled_task_is_not_stale(received, traveller, people, step):
    getattr(actions, step)(people.office_leader, received, reason="Theo chỉ đạo của UBND tỉnh")
    traveller.move_to(START + datetime.timedelta(days=30))
    assert not _stale(received)
