"""Báo cáo vượt cấp: an overdue task is raised to the unit's head, then to the division head and
the Office leader, each rung once per deadline, on the record, and only on working days."""

import datetime

import pytest
import time_machine

from chidao.directives import actions
from chidao.directives.models import EventKind, State, Task
from chidao.notifications.escalation import cutoff, escalate
from chidao.notifications.models import Notification, Rhythm
from chidao.org.models import Membership
from chidao.workdays.calendar import WorkCalendar

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
# Deadline Tuesday 31/03/2026. Overdue by 10 working days on Tuesday 14/04; by 20 on Wednesday
# 29/04 (Hùng Kings' day off on Monday 27/04 is not counted).
RUNG_1 = D(2026, 4, 14)
RUNG_2 = D(2026, 4, 29)


def escalations(task):
    return list(Task.objects.get(pk=task.pk).events.filter(kind=EventKind.ESCALATED))


def told(event):
    rows = Notification.objects.filter(event=event, channel="in_app").select_related("recipient")
    return {n.recipient.username for n in rows}


def names(people, ids):
    by_pk = {p.pk: name for name, p in vars(people).items()}
    return {by_pk[pk] for pk in ids}


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def at_9_local(day):
    moment = datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def test_the_cutoff_is_the_latest_deadline_overdue_by_that_many_working_days():
    calendar = WorkCalendar([])
    assert cutoff(RUNG_1, calendar, 10) == D(2026, 3, 31)
    assert cutoff(RUNG_1 - ONE_DAY, calendar, 10) == D(2026, 3, 30)
    assert cutoff(RUNG_2, calendar, 20) == D(2026, 3, 31)
    assert cutoff(D(2026, 4, 1), calendar, 1) == D(2026, 3, 31)
    assert cutoff(D(2026, 3, 30), calendar, 1) == D(2026, 3, 29)  # a Monday: the weekend too
    for day in days(D(2026, 3, 1), D(2026, 6, 30)):
        if calendar.is_working_day(day):
            last = cutoff(day, calendar, 7)
            assert calendar.working_days_between(last, day) >= 7
            assert calendar.working_days_between(last + ONE_DAY, day) < 7


def test_rung_1_at_exactly_k_working_days_overdue_and_not_the_day_before(people, task):
    assert escalate(RUNG_1 - ONE_DAY) == 0
    assert escalations(task) == []
    assert escalate(RUNG_1) == 1
    (event,) = escalations(task)
    assert event.actor is None  # the system
    assert event.data == {
        "rung": 1,
        "to": [people.unit_head.pk],
        "names": [str(people.unit_head)],
        "deadline": "2026-03-31",
        "overdue_working_days": 10,
    }
    task = Task.objects.get(pk=task.pk)
    assert (task.escalated_rung, task.escalated_for) == (1, D(2026, 3, 31))
    assert told(event) == {"unit_head"}


def test_rung_2_names_the_division_head_and_the_office_leader(people, task):
    escalate(RUNG_1)
    assert escalate(RUNG_2 - ONE_DAY) == 0  # Tuesday 28/04: 19 working days
    assert escalate(RUNG_2) == 1
    first, second = escalations(task)
    assert (first.data["rung"], second.data["rung"]) == (1, 2)
    assert names(people, second.data["to"]) == {"division_head", "office_leader"}
    assert second.data["overdue_working_days"] == 20
    assert told(second) == {"division_head", "office_leader"}
    assert Task.objects.get(pk=task.pk).escalated_rung == 2


def test_each_rung_is_logged_once_however_often_the_pass_runs(people, task):
    for day in days(D(2026, 3, 20), D(2026, 6, 30)):
        escalate(day)
        escalate(day)
    assert [e.data["rung"] for e in escalations(task)] == [1, 2]
    assert {escalate(day) for day in days(D(2026, 3, 20), D(2026, 6, 30))} == {0}


def test_each_rung_on_its_day_when_the_pass_runs_daily(people, task):
    escalated_on = {}
    for day in days(D(2026, 3, 20), D(2026, 6, 30)):
        with at_9_local(day):
            if escalate():
                escalated_on[day] = Task.objects.get(pk=task.pk).escalated_rung
    assert escalated_on == {RUNG_1: 1, RUNG_2: 2}


def test_past_both_rungs_at_once_one_event_naming_everyone(people, task):
    assert escalate(D(2026, 5, 20)) == 1
    (event,) = escalations(task)
    assert event.data["rung"] == 2
    assert names(people, event.data["to"]) == {"division_head", "office_leader", "unit_head"}
    assert told(event) == {"division_head", "office_leader", "unit_head"}
    assert escalate(D(2026, 5, 21)) == 0


def test_nothing_on_a_day_off(people, task):
    for day in (D(2026, 4, 18), D(2026, 4, 19), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1)):
        assert escalate(day) == 0
    assert escalations(task) == []


@pytest.mark.parametrize(
    "state", [State.DONE, State.SUSPENDED, State.CANCELLED, State.REPORTED, State.PROPOSED]
)
def test_a_task_the_unit_no_longer_works_on_is_never_escalated(people, task, state):
    Task.objects.filter(pk=task.pk).update(state=state)
    assert escalate(RUNG_1) == 0
    assert escalate(D(2026, 6, 30)) == 0
    assert escalations(task) == []


def test_a_task_done_with_its_deadline_past_stays_done(people, task):
    escalate(RUNG_1)
    Task.objects.filter(pk=task.pk).update(state=State.DONE)
    assert escalate(RUNG_2) == 0
    assert len(escalations(task)) == 1


def test_an_extension_starts_a_new_ladder(people, task, settings):
    settings.CHIDAO_LATE_EXTENSIONS = True  # asked after the deadline had passed
    escalate(RUNG_1)
    with at_9_local(D(2026, 4, 15)):
        extension = actions.request_extension(
            people.unit_staff, task, proposed_date=D(2026, 4, 24), reason="Chờ ý kiến của Bộ"
        )
        actions.decide_extension(people.leader, extension, approve=True)
    task = Task.objects.get(pk=task.pk)
    assert (task.deadline, task.escalated_rung, task.escalated_for) == (
        D(2026, 4, 24),
        1,
        D(2026, 3, 31),
    )
    # Overdue by 20 working days from 31/03 on 29/04: no longer, the deadline in force moved.
    assert escalate(RUNG_2) == 0
    # From Friday 24/04: 28, 29/04, 4…8, 11, 12, 13/05 (30/04 and 1/05 off) → 10 on 13/05.
    assert escalate(D(2026, 5, 12)) == 0
    assert escalate(D(2026, 5, 13)) == 1
    first, second = escalations(task)
    assert (first.data["deadline"], second.data["deadline"]) == ("2026-03-31", "2026-04-24")
    assert (second.data["rung"], second.data["overdue_working_days"]) == (1, 10)
    task = Task.objects.get(pk=task.pk)
    assert (task.escalated_rung, task.escalated_for) == (1, D(2026, 4, 24))
    assert escalate(D(2026, 5, 14)) == 0


def test_a_deadline_set_later_also_starts_a_new_ladder(people, task):
    escalate(RUNG_2)
    Task.objects.filter(pk=task.pk).update(deadline=D(2026, 4, 10))
    # 10 working days after 10/04: 13…17, 20…24 (27/04 off) → 24/04, so 28/04 too.
    assert escalate(D(2026, 4, 28)) == 1
    assert escalations(task)[-1].data["rung"] == 1


def test_the_rhythm_decides_the_rungs(people, task):
    Rhythm.objects.create(escalate_to_unit_head_after=3, escalate_to_office_after=0)
    assert escalate(D(2026, 4, 2)) == 0  # 2 working days
    assert escalate(D(2026, 4, 3)) == 1
    assert escalate(D(2026, 6, 30)) == 0  # no rung 2
    (event,) = escalations(task)
    assert event.data["rung"] == 1


def test_without_rung_1_the_unit_heads_are_not_named_at_rung_2(people, task):
    Rhythm.objects.create(escalate_to_unit_head_after=0, escalate_to_office_after=5)
    assert escalate(D(2026, 4, 7)) == 1
    (event,) = escalations(task)
    assert names(people, event.data["to"]) == {"division_head", "office_leader"}


def test_no_rung_at_all(people, task):
    Rhythm.objects.create(escalate_to_unit_head_after=0, escalate_to_office_after=0)
    assert escalate(D(2026, 6, 30)) == 0


def test_a_rung_with_nobody_to_tell_is_still_on_the_record(people, task):
    Membership.objects.filter(person=people.unit_head).update(is_active=False)
    assert escalate(RUNG_1) == 1
    (event,) = escalations(task)
    assert event.data["to"] == []
    assert told(event) == set()
    assert escalate(RUNG_1 + ONE_DAY) == 0


def test_the_timeline_stays_intact(people, task):
    from chidao.directives.timeline import verify

    escalate(RUNG_1)
    escalate(RUNG_2)
    assert verify(Task.objects.get(pk=task.pk)) is None


def test_the_task_counts_as_changed_for_the_dashboards(people, task):
    with at_9_local(RUNG_1):
        escalate()
    updated = Task.objects.get(pk=task.pk).updated
    assert updated == datetime.datetime(2026, 4, 14, 2, tzinfo=datetime.UTC)


def test_escalation_is_urgent_by_email_to_digest_readers(people, task):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    escalate(RUNG_1)
    (event,) = escalations(task)
    channels = set(Notification.objects.filter(event=event).values_list("channel", flat=True))
    assert channels == {"in_app", "email"}


def test_the_timeline_says_the_level_the_days_and_who_was_told(client, people, task):
    escalate(RUNG_1)
    escalate(RUNG_2)
    client.force_login(people.specialist)
    client.cookies["django_language"] = "en"
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    second = escalations(task)[1]
    expected = sorted([str(people.division_head), str(people.office_leader)])
    assert sorted(second.data["names"]) == expected
    assert "Level 2: 20 working days overdue" in page
    assert str(people.division_head) in page and str(people.office_leader) in page
