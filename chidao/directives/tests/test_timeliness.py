"""Timeliness (tình trạng thời hạn): the rule on every boundary, and the Python rule
(``timeliness_of``) equal to the database filters (``counting_groups``, ``timeliness_q``)."""

import datetime
from collections import Counter

import pytest
import time_machine
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DeadlineKind, State, Task
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import (
    Counts,
    Timeliness,
    Today,
    colour_of,
    counting_groups,
    due_soon_q,
    timeliness_of,
    timeliness_q,
)
from chidao.workdays.calendar import WorkCalendar

D = datetime.date
WORKING = (State.ASSIGNED, State.RECEIVED, State.IN_PROGRESS)
AWAITING = (State.REPORTED, State.PROPOSED)

# The four official groups (1270/BC-TCTTTg), suspended apart; cancelled tasks are not counted.
GROUP = {
    Timeliness.DONE_ON_TIME: "done_on_time",
    Timeliness.DONE_LATE: "done_late",
    Timeliness.NOT_DUE: "open_within",
    Timeliness.DUE_SOON: "open_within",
    Timeliness.NO_DEADLINE: "open_within",
    Timeliness.OVERDUE: "open_overdue",
    Timeliness.SUSPENDED: "suspended",
    Timeliness.CANCELLED: None,
}


def at_16_local(day: datetime.date):
    """Travel to 16:00 in Hà Nội on ``day`` (09:00 UTC)."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def today_on(day: datetime.date) -> Today:
    with at_16_local(day):
        return Today.now()


def set_task(task: Task, *, state=State.IN_PROGRESS, deadline=None, completed_on=None,
             original_deadline=None, extension_count=0) -> Task:  # fmt: skip
    """Put a task in the given shape without the workflow, and read it back."""
    Task.objects.filter(pk=task.pk).update(
        state=state,
        deadline_kind=DeadlineKind.DATE if deadline else DeadlineKind.NONE,
        deadline=deadline,
        original_deadline=original_deadline or deadline,
        completed_on=completed_on,
        extension_count=extension_count,
    )
    return Task.objects.get(pk=task.pk)


def python_counts(tasks, today: Today) -> Counts:
    """Count by the Python rule, independently of the database filters."""
    counter = Counter()
    for task in tasks:
        group = GROUP[timeliness_of(task, today)]
        if group is None:
            continue
        counter[group] += 1
        if group != "suspended":
            counter["total"] += 1
        if (
            group == "done_on_time"
            and task.extension_count
            and (task.completed_on > task.original_deadline)
        ):
            counter["done_on_time_after_extension"] += 1
        if group == "done_on_time" and task.extended_after_deadline:
            counter["done_on_time_after_late_extension"] += 1
    return Counts(
        total=counter["total"],
        done_on_time=counter["done_on_time"],
        done_on_time_after_extension=counter["done_on_time_after_extension"],
        done_on_time_after_late_extension=counter["done_on_time_after_late_extension"],
        done_late=counter["done_late"],
        open_within=counter["open_within"],
        open_overdue=counter["open_overdue"],
        suspended=counter["suspended"],
    )


def database_timeliness(task: Task, today: Today) -> list[Timeliness]:
    """Every value whose database filter selects the task: exactly one when the rule agrees."""
    one = Task.objects.filter(pk=task.pk)
    return [value for value in Timeliness if one.filter(timeliness_q(value, today)).exists()]


# --- Boundaries -----------------------------------------------------------------------------------
def test_the_deadline_day_itself_is_due_soon_not_overdue(task):
    today = today_on(D(2026, 3, 31))
    assert task.deadline == D(2026, 3, 31)
    assert timeliness_of(task, today) == Timeliness.DUE_SOON
    assert colour_of(task, today) == "amber"


def test_the_day_after_the_deadline_is_overdue(task):
    today = today_on(D(2026, 4, 1))
    assert timeliness_of(task, today) == Timeliness.OVERDUE
    assert colour_of(task, today) == "red"


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        (datetime.datetime(2026, 3, 31, 16, 59, tzinfo=datetime.UTC), Timeliness.DUE_SOON),
        (datetime.datetime(2026, 3, 31, 17, 0, tzinfo=datetime.UTC), Timeliness.OVERDUE),
    ],
    ids=["23:59 on the deadline day in Ha Noi", "00:00 the next day in Ha Noi"],
)
def test_the_day_turns_at_midnight_in_ha_noi_not_in_utc(task, utc_time, expected):
    with time_machine.travel(utc_time, tick=False):
        today = Today.now()
    assert timeliness_of(task, today) == expected


@pytest.mark.parametrize(
    ("today", "deadline", "expected"),
    [
        # Tuesday 31/03: Wed, Thu, Fri are the three working days; Monday 06/04 is the fourth.
        (D(2026, 3, 31), D(2026, 4, 3), Timeliness.DUE_SOON),
        (D(2026, 3, 31), D(2026, 4, 6), Timeliness.NOT_DUE),
        # Thursday 02/04, across the weekend: Fri, Mon, Tue; Wednesday 08/04 is the fourth.
        (D(2026, 4, 2), D(2026, 4, 7), Timeliness.DUE_SOON),
        (D(2026, 4, 2), D(2026, 4, 8), Timeliness.NOT_DUE),
        # Tuesday 28/04, across 30/04 and 01/05 and the weekend: Wed 29/04, Mon 04/05, Tue 05/05.
        (D(2026, 4, 28), D(2026, 5, 5), Timeliness.DUE_SOON),
        (D(2026, 4, 28), D(2026, 5, 6), Timeliness.NOT_DUE),
    ],
    ids=[
        "3rd working day",
        "4th working day",
        "3rd across a weekend",
        "4th across a weekend",
        "3rd across 30-4 and 1-5",
        "4th across 30-4 and 1-5",
    ],
)
def test_due_soon_counts_three_working_days_ahead(task, today, deadline, expected):
    task = set_task(task, deadline=deadline)
    today = today_on(today)
    assert timeliness_of(task, today) == expected
    assert (
        colour_of(task, today)
        == {Timeliness.DUE_SOON: "amber", Timeliness.NOT_DUE: "green"}[expected]
    )
    assert database_timeliness(task, today) == [expected]


def test_due_soon_follows_the_setting(task, settings):
    settings.CHIDAO_DUE_SOON_WORKING_DAYS = 1
    task = set_task(task, deadline=D(2026, 4, 2))
    assert timeliness_of(task, today_on(D(2026, 3, 31))) == Timeliness.NOT_DUE
    assert timeliness_of(task, today_on(D(2026, 4, 1))) == Timeliness.DUE_SOON


def test_a_task_without_a_deadline_has_no_deadline_and_is_grey(task):
    task = set_task(task, deadline=None)
    today = today_on(D(2026, 3, 31))
    assert timeliness_of(task, today) == Timeliness.NO_DEADLINE
    assert colour_of(task, today) == "grey"


@pytest.mark.parametrize(
    ("state", "expected"),
    [(State.SUSPENDED, Timeliness.SUSPENDED), (State.CANCELLED, Timeliness.CANCELLED)],
)
def test_suspended_and_cancelled_tasks_are_grey_even_when_past_the_deadline(task, state, expected):
    task = set_task(task, state=state, deadline=D(2026, 3, 20))
    today = today_on(D(2026, 3, 31))
    assert timeliness_of(task, today) == expected
    assert colour_of(task, today) == "grey"


@pytest.mark.parametrize(
    ("completed_on", "expected", "colour"),
    [
        (D(2026, 3, 31), Timeliness.DONE_ON_TIME, "blue"),
        (D(2026, 4, 1), Timeliness.DONE_LATE, "orange"),
    ],
    ids=["done on the deadline day", "done the day after"],
)
def test_a_done_task_is_judged_on_its_completion_date(task, completed_on, expected, colour):
    task = set_task(task, state=State.DONE, deadline=D(2026, 3, 31), completed_on=completed_on)
    today = today_on(D(2026, 5, 15))
    assert timeliness_of(task, today) == expected
    assert colour_of(task, today) == colour


def test_a_task_reported_on_time_stays_within_the_deadline_while_it_awaits_the_check(task, people):
    with at_16_local(D(2026, 3, 30)):
        actions.receive(people.unit_staff, task)
        actions.report_done(people.unit_staff, task, result="Đã trình phương án")
    task.refresh_from_db()
    assert task.state == State.REPORTED
    for later in (D(2026, 3, 31), D(2026, 4, 1), D(2026, 4, 20)):
        today = today_on(later)
        assert timeliness_of(task, today) == Timeliness.NOT_DUE
        assert colour_of(task, today) == "green"
        assert counting_groups(Task.objects.filter(pk=task.pk), today.date).open_within == 1


def test_a_task_reported_late_is_overdue_while_it_awaits_the_check(task, people):
    with at_16_local(D(2026, 4, 2)):
        actions.receive(people.unit_staff, task)
        actions.report_done(
            people.unit_staff, task, result="Đã trình phương án",
            late_explanation={"cause": "objective", "explanation": "Chờ số liệu của Bộ",
                              "remedy": "Phối hợp sớm hơn"},
        )  # fmt: skip
    task.refresh_from_db()
    with at_16_local(D(2026, 4, 3)):
        actions.propose_closing(people.specialist, task)
    task.refresh_from_db()
    today = today_on(D(2026, 4, 6))
    assert task.state == State.PROPOSED
    assert timeliness_of(task, today) == Timeliness.OVERDUE
    assert counting_groups(Task.objects.filter(pk=task.pk), today.date).open_overdue == 1


def test_a_returned_report_is_judged_on_today_again(task, people):
    with at_16_local(D(2026, 3, 30)):
        actions.receive(people.unit_staff, task)
        actions.report_done(people.unit_staff, task, result="Đã trình phương án")
    with at_16_local(D(2026, 4, 1)):
        actions.return_task(people.specialist, task, reason="Thiếu số liệu quý I")
    task.refresh_from_db()
    assert task.state == State.IN_PROGRESS
    assert timeliness_of(task, today_on(D(2026, 4, 1))) == Timeliness.OVERDUE


# --- The Python rule and the database agree ------------------------------------------------------
TODAY = D(2026, 3, 31)  # a Tuesday; due soon runs to Friday 03/04
FIXED = {
    # name: (fields, expected timeliness on TODAY)
    "deadline today": ({"deadline": D(2026, 3, 31)}, Timeliness.DUE_SOON),
    "deadline yesterday": ({"deadline": D(2026, 3, 30)}, Timeliness.OVERDUE),
    "3rd working day ahead": ({"deadline": D(2026, 4, 3)}, Timeliness.DUE_SOON),
    "4th working day ahead": ({"deadline": D(2026, 4, 6)}, Timeliness.NOT_DUE),
    "received, due tomorrow": (
        {"state": State.RECEIVED, "deadline": D(2026, 4, 1)},
        Timeliness.DUE_SOON,
    ),
    "assigned, no deadline": ({"state": State.ASSIGNED}, Timeliness.NO_DEADLINE),
    "reported, no deadline": (
        {"state": State.REPORTED, "completed_on": D(2026, 3, 20)},
        Timeliness.NO_DEADLINE,
    ),
    "suspended past deadline": (
        {"state": State.SUSPENDED, "deadline": D(2026, 3, 20)},
        Timeliness.SUSPENDED,
    ),
    "suspended, no deadline": ({"state": State.SUSPENDED}, Timeliness.SUSPENDED),
    "cancelled past deadline": (
        {"state": State.CANCELLED, "deadline": D(2026, 3, 20)},
        Timeliness.CANCELLED,
    ),
    "done on the deadline day": (
        {"state": State.DONE, "deadline": D(2026, 3, 31), "completed_on": D(2026, 3, 31)},
        Timeliness.DONE_ON_TIME,
    ),
    "done the day after": (
        {"state": State.DONE, "deadline": D(2026, 3, 30), "completed_on": D(2026, 3, 31)},
        Timeliness.DONE_LATE,
    ),
    "done, no deadline": (
        {"state": State.DONE, "completed_on": D(2026, 3, 15)},
        Timeliness.DONE_ON_TIME,
    ),
    "done within an extension": (
        {
            "state": State.DONE,
            "deadline": D(2026, 3, 31),
            "original_deadline": D(2026, 3, 20),
            "extension_count": 1,
            "completed_on": D(2026, 3, 25),
        },
        Timeliness.DONE_ON_TIME,
    ),
    "reported on time, deadline passed": (
        {"state": State.REPORTED, "deadline": D(2026, 3, 30), "completed_on": D(2026, 3, 27)},
        Timeliness.NOT_DUE,
    ),
    "reported late": (
        {"state": State.REPORTED, "deadline": D(2026, 3, 30), "completed_on": D(2026, 3, 31)},
        Timeliness.OVERDUE,
    ),
    "proposed, reported on the deadline day": (
        {"state": State.PROPOSED, "deadline": D(2026, 3, 30), "completed_on": D(2026, 3, 30)},
        Timeliness.NOT_DUE,
    ),
    "extended, original deadline passed": (
        {"deadline": D(2026, 4, 15), "original_deadline": D(2026, 3, 25), "extension_count": 1},
        Timeliness.NOT_DUE,
    ),
}


@pytest.fixture
def fixed_tasks(org, people):
    specs = [
        TaskSpec(content=f"Nhiệm vụ thử: {name}", lead_unit=org.finance,
                 deadline_date=D(2026, 3, 31))
        for name in FIXED
    ]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    return {
        name: set_task(task, **fields)
        for (name, (fields, _)), task in zip(FIXED.items(), tasks, strict=True)
    }


def test_every_fixed_task_has_the_timeliness_the_rule_gives(fixed_tasks):
    today = today_on(TODAY)
    got = {name: timeliness_of(task, today) for name, task in fixed_tasks.items()}
    assert got == {name: expected for name, (_, expected) in FIXED.items()}


def test_the_database_filters_select_each_fixed_task_under_its_own_timeliness_only(fixed_tasks):
    today = today_on(TODAY)
    got = {name: database_timeliness(task, today) for name, task in fixed_tasks.items()}
    assert got == {name: [timeliness_of(task, today)] for name, task in fixed_tasks.items()}


def test_due_soon_q_selects_exactly_the_due_soon_tasks(fixed_tasks):
    today = today_on(TODAY)
    selected = set(Task.objects.filter(due_soon_q(today)).values_list("pk", flat=True))
    due_soon = {
        task.pk for task in fixed_tasks.values()
        if timeliness_of(task, today) == Timeliness.DUE_SOON
    }  # fmt: skip
    assert selected == due_soon
    assert len(due_soon) == 3


def test_the_official_counts_of_the_fixed_tasks_match_the_rule_and_the_hand_count(fixed_tasks):
    today = today_on(TODAY)
    counts = counting_groups(Task.objects.all(), today.date)
    assert counts == python_counts(fixed_tasks.values(), today)
    assert counts == Counts(
        total=15, done_on_time=3, done_on_time_after_extension=1, done_late=1,
        open_within=9, open_overdue=2, suspended=2,
    )  # fmt: skip
    assert counts.done + counts.open == counts.total


def test_each_fixed_task_alone_is_counted_in_the_group_of_its_timeliness(fixed_tasks):
    today = today_on(TODAY)
    for name, task in fixed_tasks.items():
        alone = counting_groups(Task.objects.filter(pk=task.pk), today.date)
        assert alone == python_counts([task], today), name


# --- Property: any state, deadline, completion date and today ------------------------------------
STATES = st.sampled_from(list(State))
OFFSETS = st.integers(min_value=-8, max_value=8)
# Two weeks either side of 30/04-01/05, so weekends and holidays fall inside the due-soon window.
TODAYS = st.dates(min_value=D(2026, 4, 20), max_value=D(2026, 5, 12))
CALENDAR = WorkCalendar([])


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    state=STATES,
    day=TODAYS,
    deadline_offset=st.none() | OFFSETS,
    completed_offset=OFFSETS,
    extended_by=st.integers(min_value=0, max_value=5),
)
def test_the_rule_and_the_database_always_agree(
    task, state, day, deadline_offset, completed_offset, extended_by
):
    """Completion dates only exist once reported; relative to the deadline when there is one,
    so that on-the-day boundaries come up often."""
    deadline = None if deadline_offset is None else day + datetime.timedelta(deadline_offset)
    completed_on = None
    if state in (*AWAITING, State.DONE) or (state in (State.SUSPENDED, State.CANCELLED)
                                            and completed_offset % 2):  # fmt: skip
        completed_on = (deadline or day) + datetime.timedelta(completed_offset)
    extension = {}
    if deadline is not None and extended_by:
        extension = {
            "original_deadline": deadline - datetime.timedelta(extended_by),
            "extension_count": 1,
        }
    task = set_task(task, state=state, deadline=deadline, completed_on=completed_on, **extension)
    today = Today.now(calendar=CALENDAR, date=day)

    value = timeliness_of(task, today)
    assert database_timeliness(task, today) == [value]
    assert counting_groups(Task.objects.filter(pk=task.pk), day) == python_counts([task], today)
    is_due_soon = Task.objects.filter(due_soon_q(today), pk=task.pk).exists()
    assert is_due_soon == (value == Timeliness.DUE_SOON)
