"""Nhắc hạn: the rungs as a pure function of the calendar (weekends, holidays, adjustments, any
rhythm), then the daily tick on the database: who is reminded, when, on which channel, once."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chidao.directives.actions import TaskSpec
from chidao.directives.models import DeadlineKind, State, Task
from chidao.directives.tests.conftest import issue
from chidao.notifications import reminders
from chidao.notifications.models import Notification, Preference, Rhythm
from chidao.notifications.reminders import (
    BEFORE,
    DAY_AFTER,
    ON_THE_DAY,
    OVERDUE,
    Rung,
    describe,
    rungs,
    write_reminders,
)
from chidao.org.models import Membership
from chidao.workdays.calendar import WorkCalendar
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

D = datetime.date
CALENDAR = WorkCalendar([])  # the package's holidays, no adjustment
DEFAULT = Rhythm(remind_before="3,1")  # the model's defaults: the day, the day after, every 5
FAR = D(2000, 1, 1)  # an oldest open deadline far enough back to list every overdue rung
DEADLINE = D(2026, 3, 31)  # the task fixture's, a Tuesday


def table(found):
    return [(r.name, r.days, r.first, r.last) for r in found]


def near(found):
    """The rungs of the last few weeks only (the overdue ones go back to ``FAR``)."""
    return [row for row in table(found) if row[0] != OVERDUE or row[1] <= 11]


# --- The rungs, a pure function -----------------------------------------------------------------
def test_a_thursday_before_a_weekend():
    found = rungs(D(2026, 3, 26), CALENDAR, DEFAULT, FAR)
    assert near(found) == [
        (BEFORE, 3, D(2026, 3, 31), D(2026, 3, 31)),  # Fri 27, Mon 30, Tue 31
        (BEFORE, 1, D(2026, 3, 27), D(2026, 3, 29)),  # Friday, and the weekend after it
        (ON_THE_DAY, 0, D(2026, 3, 26), D(2026, 3, 26)),
        (DAY_AFTER, 1, D(2026, 3, 25), D(2026, 3, 25)),
        (OVERDUE, 6, D(2026, 3, 18), D(2026, 3, 18)),
        (OVERDUE, 11, D(2026, 3, 11), D(2026, 3, 11)),
    ]


def test_a_monday_after_a_weekend():
    found = rungs(D(2026, 3, 30), CALENDAR, DEFAULT, FAR)
    assert near(found) == [
        (BEFORE, 3, D(2026, 4, 2), D(2026, 4, 2)),
        (BEFORE, 1, D(2026, 3, 31), D(2026, 3, 31)),
        (ON_THE_DAY, 0, D(2026, 3, 30), D(2026, 3, 30)),
        # A deadline on Friday (or, moved by nobody, on the weekend) is one working day late.
        (DAY_AFTER, 1, D(2026, 3, 27), D(2026, 3, 29)),
        (OVERDUE, 6, D(2026, 3, 20), D(2026, 3, 22)),
        (OVERDUE, 11, D(2026, 3, 13), D(2026, 3, 15)),
    ]


def test_the_eve_of_30_april_and_1_may_2026():
    found = rungs(D(2026, 4, 29), CALENDAR, DEFAULT, FAR)
    assert near(found) == [
        (BEFORE, 3, D(2026, 5, 6), D(2026, 5, 6)),  # Mon 4, Tue 5, Wed 6 May
        (BEFORE, 1, D(2026, 5, 4), D(2026, 5, 4)),
        # Today is the last working day for deadlines up to the end of the four days off.
        (ON_THE_DAY, 0, D(2026, 4, 29), D(2026, 5, 3)),
        (DAY_AFTER, 1, D(2026, 4, 28), D(2026, 4, 28)),
        # Hùng Kings' day (Sunday 26/04, observed Monday 27/04) is not counted.
        (OVERDUE, 6, D(2026, 4, 20), D(2026, 4, 20)),
        (OVERDUE, 11, D(2026, 4, 13), D(2026, 4, 13)),
    ]


def test_the_first_working_day_after_30_april_and_1_may_2026():
    found = rungs(D(2026, 5, 4), CALENDAR, DEFAULT, FAR)
    assert near(found)[2:5] == [
        (ON_THE_DAY, 0, D(2026, 5, 4), D(2026, 5, 4)),
        (DAY_AFTER, 1, D(2026, 4, 29), D(2026, 5, 3)),
        (OVERDUE, 6, D(2026, 4, 21), D(2026, 4, 21)),
    ]


def test_the_day_after_hung_kings_day():
    found = rungs(D(2026, 4, 28), CALENDAR, DEFAULT, FAR)
    assert (DAY_AFTER, 1, D(2026, 4, 24), D(2026, 4, 27)) in table(found)


def test_tet_2027():
    # Days off from Thursday 04/02 to Wednesday 10/02/2027.
    found = rungs(D(2027, 2, 3), CALENDAR, DEFAULT, FAR)
    assert near(found)[:4] == [
        (BEFORE, 3, D(2027, 2, 15), D(2027, 2, 15)),  # Thu 11, Fri 12, Mon 15
        (BEFORE, 1, D(2027, 2, 11), D(2027, 2, 11)),
        (ON_THE_DAY, 0, D(2027, 2, 3), D(2027, 2, 10)),
        (DAY_AFTER, 1, D(2027, 2, 2), D(2027, 2, 2)),
    ]
    after = rungs(D(2027, 2, 11), CALENDAR, DEFAULT, FAR)
    assert near(after)[:4] == [
        (BEFORE, 3, D(2027, 2, 16), D(2027, 2, 16)),
        (BEFORE, 1, D(2027, 2, 12), D(2027, 2, 14)),
        (ON_THE_DAY, 0, D(2027, 2, 11), D(2027, 2, 11)),
        (DAY_AFTER, 1, D(2027, 2, 3), D(2027, 2, 10)),
    ]


@pytest.mark.parametrize(
    "day",
    [D(2026, 3, 28), D(2026, 3, 29), D(2026, 4, 30), D(2026, 5, 1), D(2027, 2, 8)],
    ids=["saturday", "sunday", "30-april", "1-may", "tet"],
)
def test_nothing_on_a_day_off(day):
    assert rungs(day, CALENDAR, DEFAULT, FAR) == []


def test_the_calendars_adjustments_count():
    calendar = WorkCalendar(
        [
            CalendarAdjustment(date=D(2026, 3, 27), kind=AdjustmentKind.DAY_OFF, name="Nghỉ"),
            CalendarAdjustment(date=D(2026, 3, 28), kind=AdjustmentKind.WORKING_DAY, name="Làm bù"),
        ]
    )
    assert rungs(D(2026, 3, 27), calendar, DEFAULT, FAR) == []  # a Friday made a day off
    found = rungs(D(2026, 3, 26), calendar, DEFAULT, FAR)
    assert near(found)[:3] == [
        (BEFORE, 3, D(2026, 3, 31), D(2026, 3, 31)),  # Sat 28 (worked), Mon 30, Tue 31
        (BEFORE, 1, D(2026, 3, 28), D(2026, 3, 29)),  # the Saturday, and the Sunday
        (ON_THE_DAY, 0, D(2026, 3, 26), D(2026, 3, 27)),  # today is the Friday's last day
    ]
    saturday = rungs(D(2026, 3, 28), calendar, DEFAULT, FAR)  # a make-up Saturday reminds
    assert near(saturday)[2:4] == [
        (ON_THE_DAY, 0, D(2026, 3, 28), D(2026, 3, 29)),
        (DAY_AFTER, 1, D(2026, 3, 26), D(2026, 3, 27)),
    ]


def test_overdue_rungs_go_back_only_to_the_oldest_open_deadline():
    found = rungs(D(2026, 3, 26), CALENDAR, DEFAULT, D(2026, 3, 11))
    assert [(r.name, r.days) for r in found][-2:] == [(OVERDUE, 6), (OVERDUE, 11)]
    later = rungs(D(2026, 3, 26), CALENDAR, DEFAULT, D(2026, 3, 12))
    assert [(r.name, r.days) for r in later][-2:] == [(DAY_AFTER, 1), (OVERDUE, 6)]
    # Nothing open is late: no rung after the day itself.
    assert [r.name for r in rungs(D(2026, 3, 26), CALENDAR, DEFAULT, None)] == [
        BEFORE,
        BEFORE,
        ON_THE_DAY,
    ]
    nothing_late = rungs(D(2026, 3, 26), CALENDAR, DEFAULT, D(2026, 4, 1))
    assert [r.name for r in nothing_late][-1] == ON_THE_DAY


def test_a_rhythm_without_rungs_after_the_day():
    quiet = Rhythm(remind_before="", remind_day_after=False, remind_overdue_every=0)
    assert table(rungs(D(2026, 3, 26), CALENDAR, quiet, FAR)) == [
        (ON_THE_DAY, 0, D(2026, 3, 26), D(2026, 3, 26))
    ]
    only_the_day_after = Rhythm(remind_before="", remind_on_the_day=False, remind_overdue_every=0)
    assert table(rungs(D(2026, 3, 26), CALENDAR, only_the_day_after, FAR)) == [
        (DAY_AFTER, 1, D(2026, 3, 25), D(2026, 3, 25))
    ]


def test_every_working_day_while_overdue():
    daily = Rhythm(remind_before="2", remind_overdue_every=1)
    found = rungs(D(2026, 3, 30), CALENDAR, daily, D(2026, 3, 20))
    assert table(found) == [
        (BEFORE, 2, D(2026, 4, 1), D(2026, 4, 1)),
        (ON_THE_DAY, 0, D(2026, 3, 30), D(2026, 3, 30)),
        (DAY_AFTER, 1, D(2026, 3, 27), D(2026, 3, 29)),
        (OVERDUE, 2, D(2026, 3, 26), D(2026, 3, 26)),
        (OVERDUE, 3, D(2026, 3, 25), D(2026, 3, 25)),
        (OVERDUE, 4, D(2026, 3, 24), D(2026, 3, 24)),
        (OVERDUE, 5, D(2026, 3, 23), D(2026, 3, 23)),
        (OVERDUE, 6, D(2026, 3, 20), D(2026, 3, 22)),
    ]


def expected_rung(today, deadline, calendar, rhythm):
    """The definition, by brute force: (name, days) of the rung ``deadline`` is in, or None."""
    if not calendar.is_working_day(today):
        return None
    if deadline >= today:
        left = calendar.working_days_between(today, deadline)
        if left == 0:
            return (ON_THE_DAY, 0) if rhythm.remind_on_the_day else None
        return (BEFORE, left) if left in rhythm.before_days else None
    overdue = calendar.working_days_between(deadline, today)
    if overdue == 1:
        return (DAY_AFTER, 1) if rhythm.remind_day_after else None
    every = rhythm.remind_overdue_every
    return (OVERDUE, overdue) if every and (overdue - 1) % every == 0 else None


rhythms = st.builds(
    lambda before, on_the_day, day_after, every: Rhythm(
        remind_before=",".join(map(str, before)),
        remind_on_the_day=on_the_day,
        remind_day_after=day_after,
        remind_overdue_every=every,
    ),
    st.sets(st.integers(1, 12), max_size=3),
    st.booleans(),
    st.booleans(),
    st.integers(0, 7),
)
spring_2026_to_2027 = st.dates(D(2026, 1, 1), D(2027, 12, 31))


@hypothesis_settings(deadline=None, max_examples=300)
@given(spring_2026_to_2027, st.integers(-120, 40), rhythms)
def test_the_ranges_are_the_definition(today, offset, rhythm):
    """Every deadline within 120 days before and 40 days after today is in the rung the
    definition gives it, and in no other (the ranges never overlap)."""
    oldest = today - datetime.timedelta(days=120)
    found = rungs(today, CALENDAR, rhythm, oldest)
    deadline = today + datetime.timedelta(days=offset)
    covering = [(r.name, r.days) for r in found if r.first <= deadline <= r.last]
    expected = expected_rung(today, deadline, CALENDAR, rhythm)
    assert covering == ([expected] if expected else [])


def test_a_rung_lists_its_dates():
    rung = Rung(BEFORE, 1, D(2026, 3, 27), D(2026, 3, 29))
    assert list(rung.dates()) == [D(2026, 3, 27), D(2026, 3, 28), D(2026, 3, 29)]


# --- The daily tick -----------------------------------------------------------------------------
def reminded(day=None):
    """{(username, channel): data} of the reminders written, optionally on ``day``."""
    rows = Notification.objects.filter(kind="reminder")
    if day is not None:
        rows = rows.filter(key__contains=f":{day.isoformat()}:")
    return {(n.recipient.username, n.channel): n.data for n in rows.select_related("recipient")}


def set_state(task, state):
    Task.objects.filter(pk=task.pk).update(state=state)


LEAD = {("unit_head", "in_app"), ("unit_staff", "in_app")}


@pytest.mark.parametrize(
    ("today", "rung", "days"),
    [
        (D(2026, 3, 26), BEFORE, 3),  # Thursday: Fri 27, Mon 30, Tue 31
        (D(2026, 3, 30), BEFORE, 1),  # Monday, over the weekend
        (D(2026, 3, 31), ON_THE_DAY, 0),
        (D(2026, 4, 1), DAY_AFTER, 1),
        (D(2026, 4, 8), OVERDUE, 6),  # 1, 2, 3, 6, 7, 8 April
        (D(2026, 4, 15), OVERDUE, 11),
        (D(2026, 4, 22), OVERDUE, 16),
        (D(2026, 5, 4), OVERDUE, 21),  # across Hùng Kings' day, 30/04 and 1/05
    ],
)
def test_each_rung_on_its_day(people, task, today, rung, days):
    assert write_reminders(today) == 2
    data = {"rung": rung, "days": days, "deadline": "2026-03-31", "day": today.isoformat()}
    assert reminded() == {key: data for key in LEAD}
    row = Notification.objects.get(kind="reminder", recipient=people.unit_head)
    assert (row.task_id, row.event_id, row.state) == (task.pk, None, "sent")
    assert row.sent_at is not None
    assert row.key == f"reminder:{task.pk}:{today.isoformat()}:{people.unit_head.pk}:in_app"


@pytest.mark.parametrize(
    "today",
    [
        D(2026, 3, 25),  # 4 working days left
        D(2026, 3, 27),  # 2 left
        D(2026, 4, 2),  # overdue 2
        D(2026, 4, 7),  # overdue 5
        D(2026, 4, 9),  # overdue 7
        D(2026, 4, 14),  # overdue 10
    ],
)
def test_nothing_between_the_rungs(people, task, today):
    assert write_reminders(today) == 0
    assert reminded() == {}


@pytest.mark.parametrize("today", [D(2026, 3, 28), D(2026, 3, 29), D(2026, 4, 30), D(2026, 5, 1)])
def test_nothing_on_a_day_off_even_when_a_rung_would_fall_there(people, task, today):
    # Deadline Monday 04/05/2026: the eve of the holidays is its last working day but one.
    Task.objects.filter(pk=task.pk).update(deadline=D(2026, 5, 4))
    assert write_reminders(today) == 0
    assert reminded() == {}


def test_the_holidays_shift_the_reminders_of_a_deadline_after_them(people, task):
    Task.objects.filter(pk=task.pk).update(deadline=D(2026, 5, 4))
    for day in (D(2026, 4, 23), D(2026, 4, 28)):
        write_reminders(day)
    assert reminded() == {}
    write_reminders(D(2026, 4, 24))  # Tue 28 (27 is Hùng Kings' day off), Wed 29, Mon 4
    assert {d["days"] for d in reminded(D(2026, 4, 24)).values()} == {3}
    write_reminders(D(2026, 4, 29))
    assert {d["rung"] for d in reminded(D(2026, 4, 29)).values()} == {BEFORE}
    assert {d["days"] for d in reminded(D(2026, 4, 29)).values()} == {1}
    write_reminders(D(2026, 5, 4))
    assert {d["rung"] for d in reminded(D(2026, 5, 4)).values()} == {ON_THE_DAY}


def test_a_deadline_on_a_sunday_is_due_on_the_friday_before(people, task):
    Task.objects.filter(pk=task.pk).update(deadline=D(2026, 4, 5))  # the calendar changed since
    write_reminders(D(2026, 4, 3))
    assert {d["rung"] for d in reminded().values()} == {ON_THE_DAY}
    write_reminders(D(2026, 4, 6))
    assert {d["rung"] for d in reminded(D(2026, 4, 6)).values()} == {DAY_AFTER}


def test_a_unit_below_the_lead_unit_is_never_reminded(people, task):
    write_reminders(DEADLINE)
    names = {name for name, _channel in reminded()}
    assert names == {"unit_head", "unit_staff"}
    assert "sub_staff" not in names and "other_staff" not in names  # nor a cooperating unit


def test_nobody_who_left_the_unit_or_is_inactive(people, task):
    Membership.objects.filter(person=people.unit_staff).update(is_active=False)
    people.unit_head.is_active = False
    people.unit_head.save()
    assert write_reminders(DEADLINE) == 0
    assert reminded() == {}


@pytest.mark.parametrize(
    "state", [State.DONE, State.SUSPENDED, State.CANCELLED, State.REPORTED, State.PROPOSED]
)
def test_no_reminder_once_the_unit_no_longer_has_to_act(people, task, state):
    set_state(task, state)
    for day in (D(2026, 3, 26), DEADLINE, D(2026, 4, 1), D(2026, 4, 8)):
        assert write_reminders(day) == 0
    assert reminded() == {}


@pytest.mark.parametrize("state", [State.ASSIGNED, State.RECEIVED, State.IN_PROGRESS])
def test_reminders_while_the_unit_works(people, task, state):
    set_state(task, state)
    assert write_reminders(DEADLINE) == 2


def test_a_recurring_period_is_reminded_and_its_series_is_not(org, people):
    series = issue(
        people.specialist,
        org,
        people,
        TaskSpec(
            content="Báo cáo tình hình giải ngân vốn đầu tư công",
            lead_unit=org.finance,
            deadline_kind=DeadlineKind.RECURRING,
            recurrence="monthly",
            recurrence_day=20,
        ),
    )[0]
    assert series.is_recurring_series
    march = series.occurrences.get(period_start=D(2026, 3, 1))
    assert march.deadline == D(2026, 3, 20)  # a Friday
    # Even a series given a date by hand is never reminded itself.
    Task.objects.filter(pk=series.pk).update(deadline=D(2026, 3, 20))
    assert write_reminders(D(2026, 3, 20)) == 2
    reminders_written = Notification.objects.filter(kind="reminder")
    assert set(reminders_written.values_list("task_id", flat=True)) == {march.pk}


def test_running_the_tick_again_the_same_day_writes_nothing_new(people, task):
    written = Notification.objects.filter(kind="reminder")
    assert write_reminders(DEADLINE) == 2
    keys = set(written.values_list("key", flat=True))
    assert write_reminders(DEADLINE) == 0
    assert write_reminders(DEADLINE) == 0
    assert set(written.values_list("key", flat=True)) == keys
    assert len(keys) == 2
    write_reminders(D(2026, 4, 1))  # the next day has its own reminders
    assert written.count() == 4


def test_a_rhythm_saved_by_an_administrator_overrides_the_settings(people, task, settings):
    settings.CHIDAO_REMIND_BEFORE = "3,1"
    settings.CHIDAO_REMIND_OVERDUE_EVERY = 5
    assert write_reminders(D(2026, 3, 24)) == 0  # 5 working days left: not in the settings
    Rhythm.objects.create(remind_before="5", remind_overdue_every=2)
    assert write_reminders(D(2026, 3, 24)) == 2
    assert write_reminders(D(2026, 3, 26)) == 0  # 3 left: no longer a rung
    assert write_reminders(D(2026, 3, 30)) == 0  # 1 left: idem
    assert write_reminders(D(2026, 4, 3)) == 2  # overdue 3
    assert write_reminders(D(2026, 4, 7)) == 2  # overdue 5
    assert write_reminders(D(2026, 4, 8)) == 0  # overdue 6
    sent = Notification.objects.filter(kind="reminder", recipient=people.unit_head).order_by(
        "created", "pk"
    )
    assert [(n.data["rung"], n.data["days"]) for n in sent] == [
        (BEFORE, 5),
        (OVERDUE, 3),
        (OVERDUE, 5),
    ]


def test_the_settings_rhythm_applies_until_one_is_saved(people, task, settings):
    settings.CHIDAO_REMIND_BEFORE = "5"
    settings.CHIDAO_REMIND_ON_THE_DAY = False
    assert write_reminders(D(2026, 3, 24)) == 2
    assert write_reminders(DEADLINE) == 0


def test_email_at_once_for_who_chose_it_in_app_only_for_the_others(people, task, settings):
    for person in (people.unit_head, people.unit_staff):
        person.email = f"{person.username}@stc.example.vn"
        person.save()
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    assert write_reminders(DEADLINE) == 3
    assert set(reminded()) == LEAD | {("unit_head", "email")}
    email = Notification.objects.get(kind="reminder", channel="email")
    assert (email.state, email.sent_at, email.recipient) == ("pending", None, people.unit_head)
    assert email.key.endswith(f":{people.unit_head.pk}:email")


def test_a_webhook_when_one_is_configured_and_chosen(people, task, settings):
    settings.CHIDAO_WEBHOOK_URL = "https://hook.example.vn/chidao"
    Preference.objects.create(person=people.unit_staff, channel="webhook", enabled=True)
    write_reminders(DEADLINE)
    assert set(reminded()) == LEAD | {("unit_staff", "webhook")}


def test_every_open_task_of_the_day_and_the_query_count_does_not_grow(org, people, task):
    def tick(day):
        with CaptureQueriesContext(connection) as queries:
            write_reminders(day)
        return len(queries)

    few = tick(DEADLINE)
    for n in range(6):
        issue(
            people.specialist,
            org,
            people,
            TaskSpec(content=f"Nhiệm vụ {n}", lead_unit=org.finance, deadline_date=DEADLINE),
            TaskSpec(content=f"Việc {n}", lead_unit=org.health, deadline_date=DEADLINE),
        )
    assert tick(DEADLINE) == few
    assert Notification.objects.filter(kind="reminder").count() == 7 * 2 + 6 * 1


def test_one_insert_per_rung_reading_only_its_range_of_deadlines(people, task):
    found = rungs(DEADLINE, WorkCalendar.current(), Rhythm.current(), task.deadline)
    for rung in found:
        sql = str(reminders.due_tasks(rung).query)
        assert "BETWEEN" in sql and "ORDER BY" not in sql
    with CaptureQueriesContext(connection) as queries:
        write_reminders(DEADLINE)
    inserts = [q["sql"] for q in queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == len(found) == 3  # before 3, before 1, the day itself


def test_nothing_when_no_task_is_open(db):
    assert write_reminders(DEADLINE) == 0


# --- What a reminder says -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (
            {"rung": BEFORE, "days": 3, "deadline": "2026-03-31"},
            "3 working days left until the deadline 31/03/2026",
        ),
        (
            {"rung": BEFORE, "days": 1, "deadline": "2026-03-31"},
            "1 working day left until the deadline 31/03/2026",
        ),
        ({"rung": ON_THE_DAY, "days": 0, "deadline": "2026-03-31"}, "Due today (31/03/2026)"),
        (
            {"rung": ON_THE_DAY, "days": 0, "deadline": "2026-04-04", "day": "2026-04-03"},
            "The deadline 04/04/2026 falls on a day off: today is the last working day before it",
        ),
        (
            {"rung": DAY_AFTER, "days": 1, "deadline": "2026-03-31"},
            "Overdue by 1 working day (deadline 31/03/2026)",
        ),
        (
            {"rung": OVERDUE, "days": 6, "deadline": "2026-03-31"},
            "Overdue by 6 working days (deadline 31/03/2026)",
        ),
        ({"rung": "unknown", "deadline": "2026-03-31"}, "Deadline 31/03/2026"),
        ({}, "Reminder of a deadline"),
        ({"rung": BEFORE, "days": "x", "deadline": "not a date"}, "Reminder of a deadline"),
    ],
)
def test_describe(data, sentence):
    with translation.override("en"):
        assert describe(data) == sentence


def test_describe_the_data_written(people, task):
    write_reminders(D(2026, 4, 8))
    row = Notification.objects.filter(kind="reminder").first()
    with translation.override("en"):
        assert describe(row.data) == "Overdue by 6 working days (deadline 31/03/2026)"


def test_a_head_who_is_also_staff_is_reminded_once(people, org, task):
    Membership.objects.create(person=people.unit_head, unit=org.finance, role="unit_staff")
    assert write_reminders(DEADLINE) == 2
    assert set(reminded()) == LEAD


def test_the_rows_are_those_the_outbox_would_write(people, task):
    moment = datetime.datetime(2026, 3, 31, 0, 30, tzinfo=datetime.UTC)  # 07:30 in Hà Nội
    with time_machine.travel(moment, tick=False):
        write_reminders()
    row = Notification.objects.get(kind="reminder", recipient=people.unit_staff)
    assert (row.created, row.next_attempt_at, row.sent_at) == (moment, moment, moment)
    assert (row.attempts, row.last_error, row.claim_token, row.message_id) == (0, "", "", "")
    assert (row.event_id, row.read_at, row.claimed_at) == (None, None, None)
    assert row.data == {
        "rung": ON_THE_DAY,
        "days": 0,
        "deadline": "2026-03-31",
        "day": "2026-03-31",
    }
