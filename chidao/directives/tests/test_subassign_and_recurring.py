"""Parts given to lower units (giao lại cho cấp dưới) and recurring reports (báo cáo định kỳ)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.directives import actions, timeline
from chidao.directives.actions import TaskSpec, available_steps
from chidao.directives.models import (
    DeadlineKind,
    EventKind,
    Recurrence,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import countable
from chidao.org.permissions import Action, can, check, visible_tasks

MORNING = datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 5)
END_OF_MARCH = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def working(task, people):
    """The fixture task, received and under way at Sở Tài chính."""
    task = actions.receive(people.unit_head, task)
    return actions.post_progress(people.unit_staff, task, "Đang tổng hợp nhu cầu vốn", 20)


def part(unit, deadline=datetime.date(2026, 3, 25), content="Rà soát số liệu giải ngân"):
    return TaskSpec(content=content, lead_unit=unit, deadline_date=deadline)


def snapshot(task):
    return (
        Task.objects.values().get(pk=task.pk),
        Task.objects.count(),
        TaskEvent.objects.count(),
    )


def refresh(task):
    return Task.objects.get(pk=task.pk)


def kinds(task):
    return list(task.events.order_by("seq").values_list("kind", flat=True))


def sees(person, task) -> bool:
    try:
        check(person, Action.VIEW, task)
    except Http404:
        return False
    return visible_tasks(person).filter(pk=task.pk).exists()


# --- Sub-assignment inside a department ---------------------------------------------------------
@pytest.mark.parametrize("deadline", [datetime.date(2026, 3, 20), END_OF_MARCH])
def test_the_lead_units_head_gives_part_to_its_branch_due_no_later_than_the_task(
    working, org, people, deadline
):
    child = actions.subassign(people.unit_head, working, part(org.finance_sub, deadline))

    child = refresh(child)
    assert (child.parent, child.directive) == (working, working.directive)
    assert (child.lead_unit, child.assigner_unit) == (org.finance_sub, org.finance)
    # The counting rules (``scope_q``) read "led inside" of the task a part came from here.
    assert child.assigner_unit == working.lead_unit
    assert (child.state, child.assigned_on, child.deadline) == (State.ASSIGNED, TODAY, deadline)
    assert child.original_deadline == deadline
    assert child.created_by == people.unit_head
    assert kinds(child) == [EventKind.CREATED]
    assert child.events.get().actor == people.unit_head
    parent = refresh(working)
    assert parent.state == State.IN_PROGRESS
    event = parent.events.order_by("-seq").first()
    assert (event.kind, event.actor) == (EventKind.SUBASSIGNED, people.unit_head)
    assert event.data == {
        "child": child.pk,
        "lead_unit": org.finance_sub.pk,
        "deadline": deadline.isoformat(),
    }
    assert timeline.verify(parent) is None
    assert timeline.verify(child) is None


def test_a_part_due_after_the_task_is_refused_and_nothing_is_created(working, org, people):
    before = snapshot(working)
    with pytest.raises(ValidationError) as error:
        actions.subassign(
            people.unit_head, working, part(org.finance_sub, datetime.date(2026, 4, 1))
        )
    assert "deadline" in error.value.message_dict
    assert snapshot(working) == before


def test_after_an_extension_a_part_may_be_due_up_to_the_new_deadline(working, org, people):
    extension = actions.request_extension(
        people.unit_head, working, proposed_date=datetime.date(2026, 4, 15), reason="Chờ số liệu"
    )
    actions.decide_extension(people.office_leader, extension, approve=True)
    child = actions.subassign(
        people.unit_head, working, part(org.finance_sub, datetime.date(2026, 4, 15))
    )
    assert child.deadline == datetime.date(2026, 4, 15)


@pytest.mark.parametrize("unit", ["health", "finance", "commune_a_econ", "other_province"])
def test_a_part_for_a_unit_not_below_the_lead_unit_is_refused(working, org, people, unit):
    before = snapshot(working)
    with pytest.raises(ValidationError) as error:
        actions.subassign(people.unit_head, working, part(getattr(org, unit)))
    assert "lead_unit" in error.value.message_dict
    assert snapshot(working) == before


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("unit_staff", PermissionDenied),
        ("specialist", PermissionDenied),
        ("office_leader", PermissionDenied),
        ("leader", PermissionDenied),
        ("other_staff", PermissionDenied),
        ("sub_staff", Http404),
        ("commune_leader", Http404),
    ],
)
def test_only_the_lead_units_head_gives_parts_of_it(working, org, people, who, refusal):
    before = snapshot(working)
    with pytest.raises(refusal):
        actions.subassign(getattr(people, who), working, part(org.finance_sub))
    assert snapshot(working) == before


@pytest.mark.parametrize("state", [State.ASSIGNED, State.REPORTED])
def test_a_task_not_under_way_cannot_be_given_in_parts(task, org, people, state):
    if state == State.REPORTED:
        task = actions.receive(people.unit_head, task)
        task = actions.report_done(people.unit_head, task, result="Đã xong")
    before = snapshot(task)
    with pytest.raises(actions.WorkflowError):
        actions.subassign(people.unit_head, task, part(org.finance_sub))
    assert snapshot(task) == before


def test_the_branch_works_its_part_and_the_department_checks_and_confirms_it(working, org, people):
    child = actions.subassign(people.unit_head, working, part(org.finance_sub))

    child = actions.receive(people.sub_staff, child)
    child = actions.post_progress(people.sub_staff, child, "Đã rà soát 8/10 dự án", 80)
    child = actions.report_done(people.sub_staff, child, result="Đã rà soát xong")
    with pytest.raises(PermissionDenied):
        actions.propose_closing(people.specialist, child)  # the province's Office does not check
    child = actions.propose_closing(people.unit_staff, child, "Đạt")
    for not_confirming in (people.unit_staff, people.office_leader, people.sub_staff):
        with pytest.raises(PermissionDenied):
            actions.confirm(not_confirming, child)
    child = actions.confirm(people.unit_head, child)

    child = refresh(child)
    assert (child.state, child.completed_on, child.closed_at) == (State.DONE, TODAY, MORNING)
    assert kinds(child) == [
        EventKind.CREATED,
        EventKind.RECEIVED,
        EventKind.PROGRESS,
        EventKind.REPORTED,
        EventKind.PROPOSED,
        EventKind.CONFIRMED,
    ]
    actors = list(child.events.order_by("seq").values_list("actor__username", flat=True))
    assert actors == ["unit_head", "sub_staff", "sub_staff", "sub_staff", "unit_staff", "unit_head"]
    assert refresh(working).state == State.IN_PROGRESS  # the task itself is still the department's
    assert timeline.verify(child) is None


def test_the_branch_sees_its_part_but_not_the_task_it_came_from(working, org, people):
    child = actions.subassign(people.unit_head, working, part(org.finance_sub))
    assert sees(people.sub_staff, child)
    assert not sees(people.sub_staff, working)
    assert available_steps(people.sub_staff, child) == [
        "receive", "comment", "request_extension", "raise_difficulty",
    ]  # fmt: skip
    assert available_steps(people.unit_head, child) == ["comment", "suspend", "cancel", "edit"]


@pytest.mark.parametrize(
    "who", ["leader", "viewer", "office_leader", "admin", "specialist", "unit_head", "unit_staff"]
)
def test_the_provinces_apparatus_and_the_department_still_see_the_part(working, org, people, who):
    child = actions.subassign(people.unit_head, working, part(org.finance_sub))
    assert sees(getattr(people, who), child)


@pytest.mark.parametrize("who", ["other_staff", "commune_staff", "outsider", "nobody"])
def test_others_do_not_see_the_part(working, org, people, who):
    child = actions.subassign(people.unit_head, working, part(org.finance_sub))
    assert not sees(getattr(people, who), child)
    with pytest.raises(Http404):
        actions.receive(getattr(people, who), child)


# --- Province → department → commune ------------------------------------------------------------
def test_a_department_gives_part_to_a_commune_of_its_committee_which_works_it(working, org, people):
    child = actions.subassign(people.unit_head, working, part(org.commune_a))
    assert (child.lead_unit, child.assigner_unit, child.parent) == (
        org.commune_a,
        org.finance,
        working,
    )
    assert working.assigner_unit == org.province

    assert sees(people.commune_staff, child) and not sees(people.commune_staff, working)
    child = actions.receive(people.commune_staff, child)
    child = actions.post_progress(people.commune_staff, child, "Đã lập danh sách hộ", 50)
    child = actions.report_done(people.commune_staff, child, result="Đã gửi báo cáo về Sở")
    child = actions.propose_closing(people.unit_staff, child)
    child = actions.confirm(people.unit_head, child)

    assert refresh(child).state == State.DONE
    assert kinds(child) == [
        EventKind.CREATED,
        EventKind.RECEIVED,
        EventKind.PROGRESS,
        EventKind.REPORTED,
        EventKind.PROPOSED,
        EventKind.CONFIRMED,
    ]


def test_another_communes_people_do_not_see_a_part_given_to_commune_a(working, org, people):
    from chidao.conftest import make_person
    from chidao.org.models import Role

    commune_b_staff = make_person("commune_b_staff", org.commune_b, Role.UNIT_STAFF)
    child = actions.subassign(people.unit_head, working, part(org.commune_a))
    assert not sees(commune_b_staff, child)


# --- A task for a commune committee itself ------------------------------------------------------
@pytest.fixture
def commune_task(org, people):
    (task,) = issue(
        people.specialist_th,
        org,
        people,
        TaskSpec(
            content="Hoàn thành giải phóng mặt bằng dự án đường tỉnh 291",
            lead_unit=org.commune_a,
            directing_leader=people.leader,
            deadline_date=END_OF_MARCH,
        ),
    )
    return task


def test_a_commune_committees_own_apparatus_receives_and_reports_its_task(
    commune_task, org, people
):
    task = commune_task
    assert (task.specialist, task.assigner_unit) == (people.specialist_th, org.province)
    assert available_steps(people.commune_leader, task) == [
        "receive", "comment", "request_extension", "raise_difficulty",
    ]  # fmt: skip

    task = actions.receive(people.commune_leader, task)
    task = actions.post_progress(people.commune_specialist, task, "Đã kiểm đếm 30 hộ", 60)
    task = actions.report_done(people.commune_leader, task, result="Đã bàn giao mặt bằng")
    for not_checking in (people.commune_leader, people.commune_staff):
        with pytest.raises(PermissionDenied):
            actions.propose_closing(not_checking, task)
    task = actions.propose_closing(people.specialist_th, task)
    task = actions.confirm(people.office_leader, task)

    task = refresh(task)
    assert task.state == State.DONE
    actors = list(task.events.order_by("seq").values_list("actor__username", flat=True))
    assert actors == [
        "specialist_th", "commune_leader", "commune_specialist", "commune_leader",
        "specialist_th", "office_leader",
    ]  # fmt: skip


def test_the_communes_staff_is_on_the_lead_side_of_its_committees_task(commune_task, people):
    actions.receive(people.commune_staff, commune_task)
    assert refresh(commune_task).state == State.RECEIVED


def test_the_commune_gives_part_of_its_task_to_its_own_department(commune_task, org, people):
    task = actions.receive(people.commune_leader, commune_task)
    child = actions.subassign(people.commune_leader, task, part(org.commune_a_econ))
    assert (child.lead_unit, child.assigner_unit) == (org.commune_a_econ, org.commune_a)
    with pytest.raises(PermissionDenied):
        actions.subassign(people.commune_staff, task, part(org.commune_a_econ, content="Khác"))


def test_the_province_departments_do_not_work_a_communes_task(commune_task, people):
    for who in (people.unit_head, people.other_staff):
        with pytest.raises(Http404):
            actions.receive(who, commune_task)
    with pytest.raises(PermissionDenied):
        actions.receive(people.office_leader, commune_task)
    assert refresh(commune_task).state == State.ASSIGNED


# --- Recurring reports --------------------------------------------------------------------------
def recurring(org, people, recurrence=Recurrence.MONTHLY, day=20, **fields):
    tasks = issue(
        people.specialist,
        org,
        people,
        TaskSpec(
            content="Báo cáo tình hình giải ngân vốn đầu tư công",
            lead_unit=org.finance,
            cooperating_units=[org.health],
            deadline_kind=DeadlineKind.RECURRING,
            recurrence=recurrence,
            recurrence_day=day,
        ),
        **fields,
    )
    series = tasks[0]
    assert series.is_recurring_series
    return series


def schedule(series):
    return [
        (o.period_start, o.period_end, o.deadline)
        for o in series.occurrences.order_by("period_start")
    ]


def d(day, month, year=2026):
    return datetime.date(year, month, day)


def test_a_monthly_report_issued_on_2_march_opens_march_at_once_due_on_the_20th(org, people):
    series = recurring(org, people)

    assert (series.deadline, series.recurrence, series.recurrence_day) == (None, "monthly", 20)
    assert schedule(series) == [(d(1, 3), d(31, 3), d(20, 3))]
    march = series.occurrences.get()
    assert (march.assigned_on, march.deadline_kind, march.original_deadline) == (
        d(2, 3),
        DeadlineKind.DATE,
        d(20, 3),
    )
    assert (march.state, march.lead_unit, march.specialist) == (
        State.ASSIGNED,
        org.finance,
        people.specialist,
    )
    assert [c.unit for c in march.cooperations.all()] == [org.health]
    event = march.events.get()
    assert (event.kind, event.actor) == (EventKind.CREATED, None)
    assert event.data["series"] == series.pk
    assert event.data["period"] == ["2026-03-01", "2026-03-31"]


def test_opening_periods_makes_one_occurrence_a_month_rolled_to_a_working_day(org, people):
    series = recurring(org, people)

    created = actions.open_periods(series, until=d(5, 7))

    assert [o.period_start for o in created] == [d(1, 4), d(1, 5), d(1, 6), d(1, 7)]
    assert schedule(series) == [
        (d(1, 3), d(31, 3), d(20, 3)),
        (d(1, 4), d(30, 4), d(20, 4)),
        (d(1, 5), d(31, 5), d(20, 5)),
        (d(1, 6), d(30, 6), d(22, 6)),  # Saturday 20/06 → Monday 22/06
        (d(1, 7), d(31, 7), d(20, 7)),
    ]
    june = series.occurrences.get(period_start=d(1, 6))
    assert june.original_deadline == d(22, 6)
    assert (june.deadline_basis["requested"], june.deadline_basis["due"]) == (
        "2026-06-20",
        "2026-06-22",
    )
    assert june.assigned_on == d(1, 6)
    assert all(timeline.verify(o) is None for o in series.occurrences.all())


def test_opening_periods_again_creates_nothing_more(org, people):
    series = recurring(org, people)
    actions.open_periods(series, until=d(20, 5))
    before = (Task.objects.count(), TaskEvent.objects.count(), schedule(series))

    assert actions.open_periods(series, until=d(20, 5)) == []
    assert actions.open_periods(series, until=d(1, 4)) == []
    assert (Task.objects.count(), TaskEvent.objects.count(), schedule(series)) == before


def test_a_quarterly_report_due_on_the_31st_ends_each_quarter(org, people):
    series = recurring(org, people, Recurrence.QUARTERLY, day=31)
    actions.open_periods(series, until=d(31, 12))
    assert schedule(series) == [
        (d(1, 1), d(31, 3), d(31, 3)),
        (d(1, 4), d(30, 6), d(30, 6)),
        (d(1, 7), d(30, 9), d(30, 9)),
        (d(1, 10), d(31, 12), d(31, 12)),
    ]
    first = series.occurrences.get(period_start=d(1, 1))
    assert first.assigned_on == d(2, 3)  # not before the directive itself


def test_a_quarterly_report_due_on_the_15th_is_due_in_the_quarters_last_month(org, people):
    series = recurring(org, people, Recurrence.QUARTERLY, day=15)
    actions.open_periods(series, until=d(1, 7))
    assert schedule(series) == [
        (d(1, 1), d(31, 3), d(16, 3)),  # Sunday 15/03 → Monday 16/03
        (d(1, 4), d(30, 6), d(15, 6)),
        (d(1, 7), d(30, 9), d(15, 9)),
    ]


@pytest.mark.parametrize(
    ("recurrence", "first"),
    [
        (Recurrence.MONTHLY, (d(1, 3), d(31, 3), d(31, 3))),
        (Recurrence.QUARTERLY, (d(1, 1), d(31, 3), d(31, 3))),
        (Recurrence.HALF_YEARLY, (d(1, 1), d(30, 6), d(30, 6))),
        (Recurrence.YEARLY, (d(1, 1), d(31, 12), d(31, 12))),
    ],
)
def test_the_first_period_is_the_one_containing_the_directive(org, people, recurrence, first):
    series = recurring(org, people, recurrence, day=31)
    assert schedule(series) == [first]


def test_a_period_due_before_the_directive_was_issued_is_skipped(org, people):
    series = recurring(org, people, day=1)  # 01/03 is before 02/03
    assert schedule(series) == []
    actions.open_periods(series, until=d(1, 4))
    assert schedule(series) == [(d(1, 4), d(30, 4), d(1, 4))]


def test_the_series_itself_is_not_counted_only_its_occurrences(org, people):
    series = recurring(org, people)
    actions.open_periods(series, until=d(1, 5))
    tasks = Task.objects.filter(directive=series.directive)
    assert tasks.count() == 4
    counted = set(countable(tasks).values_list("pk", flat=True))
    assert counted == set(series.occurrences.values_list("pk", flat=True))
    assert series.pk not in counted
    assert len(counted) == 3


def test_each_occurrence_is_worked_like_any_task(org, people):
    series = recurring(org, people)
    march = series.occurrences.get()
    march = actions.receive(people.unit_staff, march)
    march = actions.report_done(people.unit_staff, march, result="Đã gửi báo cáo tháng 3")
    assert refresh(march).state == State.REPORTED
    assert refresh(series).state == State.ASSIGNED
    assert can(people.specialist, Action.CHECK, march)
