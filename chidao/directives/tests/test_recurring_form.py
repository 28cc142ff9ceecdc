"""Báo cáo định kỳ from the directive form: monthly, quarterly, half-yearly or yearly with the day
each period's report is due; the worker opens each period by itself; a series can be stopped."""

import datetime

import pytest
import time_machine
from django.utils import translation

from chidao.directives import actions
from chidao.directives.actions import TaskSpec, WorkflowError
from chidao.directives.models import (
    DeadlineKind,
    Directive,
    EventKind,
    Recurrence,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.notifications import daily
from chidao.notifications.models import Channel, Notification

D = datetime.date
UTC = datetime.UTC
NEW = "/tasks/directives/new/"
MORNING = datetime.datetime(2026, 3, 20, 3, tzinfo=UTC)  # 10:00 on 20/03/2026, Hà Nội


def local(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    """``hour``:``minute`` of ``day`` in Hà Nội (UTC+7)."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - (
        datetime.timedelta(hours=7)
    )


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False), translation.override("en"):
        yield


def form_data(org, people, **row):
    data = {
        "committee": org.province.pk,
        "kind": "letter",
        "number": "321",
        "symbol": "UBND-TH",
        "issued_on": "10/02/2026",
        "signer": people.leader.pk,
        "summary": "Về việc báo cáo định kỳ tình hình giải ngân",
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "30",
        "tasks-0-content": "Báo cáo tình hình giải ngân vốn đầu tư công",
        "tasks-0-lead_unit": org.finance.pk,
        "tasks-0-deadline_kind": "recurring",
        "tasks-0-recurrence": "monthly",
        "tasks-0-recurrence_day": "20",
        "tasks-0-priority": "normal",
    }
    data.update({f"tasks-0-{k}": v for k, v in row.items()})
    return {k: v for k, v in data.items() if v is not None}


def counts():
    return Directive.objects.count(), Task.objects.count(), TaskEvent.objects.count()


def post(client, person, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(NEW, data)


def series_of(directive_pk) -> Task:
    return Task.objects.get(directive_id=directive_pk, series__isnull=True, parent__isnull=True)


def schedule(series):
    return list(
        series.occurrences.order_by("period_start").values_list(
            "period_start", "period_end", "deadline"
        )
    )


# --- The form -------------------------------------------------------------------------------------
def test_the_form_offers_a_recurring_report_with_its_due_day(client, people):
    client.force_login(people.specialist)
    client.cookies["django_language"] = "en"
    page = client.get(NEW).content.decode()
    assert 'value="recurring"' in page
    for value in Recurrence.values:
        assert f'<option value="{value}"' in page
    assert 'name="tasks-0-recurrence_day"' in page
    # Shown only while "Recurring" is chosen (the page's script reads the rule).
    assert 'data-shown-when="tasks-0-deadline_kind=recurring"' in page


def test_a_monthly_report_entered_through_the_form_opens_its_periods_so_far(client, org, people):
    response = post(client, people.specialist, form_data(org, people))

    assert response.status_code == 302, response.context["rows"].errors
    directive = Directive.objects.get(number=321)
    series = series_of(directive.pk)
    assert (series.deadline_kind, series.recurrence, series.recurrence_day) == (
        DeadlineKind.RECURRING, Recurrence.MONTHLY, 20,
    )  # fmt: skip
    assert series.deadline is None
    # February (after the directive's 10/02; the 20th falls in the Tết holiday, so Monday 23/02)
    # and March, the period of today.
    assert schedule(series) == [
        (D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 23)),
        (D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 20)),
    ]


@pytest.mark.parametrize(
    ("recurrence", "day", "first"),
    [
        (Recurrence.QUARTERLY, "31", (D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 31))),
        (Recurrence.HALF_YEARLY, "15", (D(2026, 1, 1), D(2026, 6, 30), D(2026, 6, 15))),
        (Recurrence.YEARLY, "10", (D(2026, 1, 1), D(2026, 12, 31), D(2026, 12, 10))),
    ],
)
def test_quarterly_half_yearly_and_yearly_reports_are_due_in_their_last_month(
    client, org, people, recurrence, day, first
):
    data = form_data(org, people, recurrence=recurrence, recurrence_day=day)
    assert post(client, people.specialist, data).status_code == 302
    series = series_of(Directive.objects.get(number=321).pk)
    assert series.recurrence == recurrence
    assert schedule(series) == [first]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"recurrence": ""}, "recurrence", "Choose how often the task recurs."),
        ({"recurrence_day": ""}, "recurrence_day", "Give a day of the month from 1 to 31."),
        ({"recurrence_day": "32"}, "recurrence_day", "Give a day of the month from 1 to 31."),
        ({"recurrence_day": "0"}, "recurrence_day", "Give a day of the month from 1 to 31."),
    ],
    ids=["no-recurrence", "no-day", "day-32", "day-0"],
)
def test_a_recurring_row_without_its_rhythm_is_refused_and_nothing_saved(
    client, org, people, row, field, message
):
    before = counts()
    response = post(client, people.specialist, form_data(org, people, **row))
    assert response.status_code == 422
    assert response.context["rows"].forms[0].errors[field] == [message]
    assert counts() == before


def test_a_dated_row_ignores_recurrence_fields_left_in_the_form(client, org, people):
    data = form_data(org, people, deadline_kind="date", deadline_date="31/03/2026")
    assert post(client, people.specialist, data).status_code == 302
    (task,) = Task.objects.filter(directive__number=321)
    assert (task.deadline_kind, task.recurrence, task.recurrence_day) == ("date", "", None)


# --- The worker opens each period by itself ----------------------------------------------------
@pytest.fixture
def series(org, people):
    (series, *_periods) = issue(
        people.specialist, org, people,
        TaskSpec(content="Báo cáo giải ngân hằng tháng", lead_unit=org.finance,
                 deadline_kind=DeadlineKind.RECURRING, recurrence=Recurrence.MONTHLY,
                 recurrence_day=20),
        issued_on=D(2026, 3, 2),
    )  # fmt: skip
    assert series.is_recurring_series
    return series


def test_the_worker_opens_the_next_period_on_its_first_day(series):
    assert [p[0] for p in schedule(series)] == [D(2026, 3, 1)]
    with time_machine.travel(local(D(2026, 3, 31), 23, 50), tick=False):
        daily.run_due()
        assert [p[0] for p in schedule(series)] == [D(2026, 3, 1)]
    with time_machine.travel(local(D(2026, 4, 1), 0, 10), tick=False):
        assert "open_periods" in daily.run_due()
    april = series.occurrences.get(period_start=D(2026, 4, 1))
    assert (april.deadline, april.assigned_on, april.lead_unit_id) == (
        D(2026, 4, 20), D(2026, 4, 1), series.lead_unit_id,
    )  # fmt: skip
    # Told as a new task, by the system.
    assert april.events.get().actor is None
    with time_machine.travel(local(D(2026, 4, 1), 9), tick=False):
        daily.run_due()
    assert len(schedule(series)) == 2


# --- Stopping a series ------------------------------------------------------------------------
def test_a_stopped_series_opens_no_further_period(client, series, people):
    client.force_login(people.specialist)
    client.cookies["django_language"] = "en"
    page = client.get(f"/tasks/{series.pk}/").content.decode()
    assert 'id="step-stop_series"' in page

    response = client.post(
        f"/tasks/{series.pk}/stop_series/", {"stop_series-reason": "Đã có hệ thống báo cáo mới"}
    )

    assert response.status_code == 302
    series = Task.objects.get(pk=series.pk)
    assert series.series_stopped_on == D(2026, 3, 20)
    event = series.events.order_by("-seq").first()
    assert (event.kind, event.actor, event.data["reason"]) == (
        EventKind.SERIES_STOPPED, people.specialist, "Đã có hệ thống báo cáo mới",
    )  # fmt: skip
    assert set(
        Notification.objects.filter(event=event, channel=Channel.IN_APP).values_list(
            "recipient__username", flat=True
        )
    ) == {"unit_head", "unit_staff"}
    page = client.get(f"/tasks/{series.pk}/").content.decode()
    assert 'id="series-stopped"' in page and 'id="step-stop_series"' not in page
    with time_machine.travel(local(D(2026, 4, 1), 0, 10), tick=False):
        daily.run_due()
    with time_machine.travel(local(D(2026, 6, 2), 0, 10), tick=False):
        daily.run_due()
        assert actions.open_periods(series, until=D(2026, 6, 2)) == []
    assert [p[0] for p in schedule(series)] == [D(2026, 3, 1)]  # March, opened before, stays


def test_a_late_run_still_opens_a_period_that_began_before_the_stop(series, people):
    with time_machine.travel(local(D(2026, 4, 15), 9), tick=False):
        actions.stop_series(people.office_leader, series, "Không còn yêu cầu")
    # The worker was down since March: on its first run, April (begun before) opens, May not.
    series = Task.objects.get(pk=series.pk)
    actions.open_periods(series, until=D(2026, 5, 2))
    assert [p[0] for p in schedule(series)] == [D(2026, 3, 1), D(2026, 4, 1)]


@pytest.mark.parametrize("who", ["unit_head", "unit_staff"])
def test_the_units_may_not_stop_a_series(client, series, people, who):
    before = counts()
    client.force_login(getattr(people, who))
    response = client.post(f"/tasks/{series.pk}/stop_series/", {"stop_series-reason": "Thôi"})
    assert response.status_code == 403
    assert counts() == before and Task.objects.get(pk=series.pk).series_stopped_on is None


def test_a_series_is_stopped_once_and_only_a_series_is(series, people):
    actions.stop_series(people.specialist, series, "Thôi")
    with pytest.raises(WorkflowError) as error:
        actions.stop_series(people.specialist, Task.objects.get(pk=series.pk), "Lần nữa")
    assert error.value.code == "already_stopped"
    march = series.occurrences.get()
    with pytest.raises(WorkflowError) as error:
        actions.stop_series(people.specialist, march, "Thôi")
    assert error.value.code == "not_recurring"
    with pytest.raises(WorkflowError):
        actions.stop_series(people.specialist, series, "  ")
