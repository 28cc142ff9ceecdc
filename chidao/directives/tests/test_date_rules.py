"""Dates that make sense: an issue date from 01/01/2000 to a year after today, a deadline at most
five years after the directive's date, at most 250 working days. The entry form, the issuing
action, the deadline preview, sub-assignment and the dashboard refuse the same dates with the same
(Vietnamese) message on the field concerned, and nothing is saved."""

import datetime
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError

from chidao.directives import actions, date_rules
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DeadlineKind, Directive, Task, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.directives.tests.test_views_directive_form import DEADLINE, NEW, counts, valid

MORNING = datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC)  # 10:00 on 20/03/2026, Hà Nội
D = datetime.date

TOO_EARLY = "Ngày ban hành văn bản chỉ đạo không được trước ngày 01/01/2000."
TOO_LATE = (
    "Ngày ban hành văn bản chỉ đạo không được quá một năm kể từ hôm nay "
    "(muộn nhất là ngày 20/03/2027)."
)
FIVE_YEARS = "Thời hạn không được quá năm năm kể từ ngày ban hành văn bản (muộn nhất là ngày {})."
WORKING_DAYS = "Vui lòng nhập số ngày làm việc từ 1 đến 250."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


def page(response) -> str:
    return unescape(response.content.decode())


# --- The rules themselves -------------------------------------------------------------------------
def test_years_are_added_to_29_february_as_28_february():
    assert date_rules.add_years(D(2028, 2, 29), 5) == D(2033, 2, 28)
    assert date_rules.add_years(D(2028, 2, 29), 4) == D(2032, 2, 29)
    assert date_rules.add_years(D(2026, 3, 2), 5) == D(2031, 3, 2)


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (D(1999, 12, 31), False),
        (D(2000, 1, 1), True),
        (D(2027, 3, 20), True),  # a year after today
        (D(2027, 3, 21), False),
        (D(9999, 12, 31), False),
    ],
)
def test_the_issue_date_runs_from_2000_to_a_year_after_today(day, accepted):
    if accepted:
        date_rules.check_issue_date(day)
    else:
        with pytest.raises(ValidationError) as refused:
            date_rules.check_issue_date(day)
        assert list(refused.value.message_dict) == ["issued_on"]


# --- The entry form: 422, the message on its field, nothing saved ---------------------------------
REFUSED = {
    "issued-before-2000": (
        {"issued_on": "31/12/1999", "tasks-0-deadline_date": "31/03/2000"},
        "issued_on",
        None,
        TOO_EARLY,
    ),
    "issued-more-than-a-year-ahead": (
        {"issued_on": "21/03/2027", "tasks-0-deadline_date": "31/03/2027"},
        "issued_on",
        None,
        TOO_LATE,
    ),
    "issued-in-9999": (
        {"issued_on": "31/12/9999", "tasks-0-deadline_date": "31/12/9999"},
        "issued_on",
        None,
        "",
    ),
    "deadline-more-than-five-years-after-the-date": (
        {"tasks-0-deadline_date": "11/02/2031"},  # issued 10/02/2026
        "deadline_date",
        0,
        FIVE_YEARS.format("10/02/2031"),
    ),
    "deadline-in-9999": (
        {"tasks-0-deadline_date": "31/12/9999"},
        "deadline_date",
        0,
        FIVE_YEARS.format("10/02/2031"),
    ),
    "more-than-250-working-days": (
        {"tasks-1-working_days": "251"},
        "working_days",
        1,
        WORKING_DAYS,
    ),
    "a-30-digit-number-of-working-days": (
        {"tasks-1-working_days": "9" * 30},
        "working_days",
        1,
        WORKING_DAYS,
    ),
    "no-working-day": ({"tasks-1-working_days": "0"}, "working_days", 1, WORKING_DAYS),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_form_refuses_dates_that_make_no_sense(client, org, people, case):
    changes, field, row, message = REFUSED[case]
    client.force_login(people.specialist)
    before = counts()

    response = client.post(NEW, valid(org, people, **changes))

    assert response.status_code == 422
    assert counts() == before
    form = response.context["form"] if row is None else response.context["rows"].forms[row]
    assert field in form.errors
    if message:
        assert form.errors[field] == [message]
        assert message in page(response)


@pytest.mark.parametrize(
    "changes",
    [
        {"issued_on": "01/01/2000", "tasks-0-deadline_date": "31/03/2000"},
        {"issued_on": "20/03/2027", "tasks-0-deadline_date": "31/03/2027"},
        {"tasks-0-deadline_date": "10/02/2031"},  # five years to the day
        {"tasks-1-working_days": "250"},
    ],
)
def test_the_form_accepts_the_limits_themselves(client, org, people, changes):
    client.force_login(people.specialist)
    assert client.post(NEW, valid(org, people, **changes)).status_code == 302
    assert Directive.objects.count() == 1


# --- The action (the demo and any import go through it) -------------------------------------------
def _spec(org, **fields):
    return TaskSpec(content="Rà soát", lead_unit=org.finance, **fields)


@pytest.mark.parametrize(
    ("issued_on", "spec", "key"),
    [
        (D(1999, 12, 31), {"deadline_date": D(2000, 3, 31)}, "issued_on"),
        (D(2027, 3, 21), {"deadline_date": D(2027, 3, 31)}, "issued_on"),
        (D(2026, 3, 2), {"deadline_date": D(2031, 3, 3)}, "tasks-0-deadline_date"),
        (
            D(2026, 3, 2),
            {"deadline_kind": DeadlineKind.WORKING_DAYS, "working_days": 251},
            "tasks-0-working_days",
        ),
    ],
)
def test_the_action_refuses_them_too_and_writes_nothing(org, people, issued_on, spec, key):
    with pytest.raises(ValidationError) as refused:
        issue(people.specialist, org, people, _spec(org, **spec), issued_on=issued_on)
    assert key in refused.value.message_dict
    assert (Directive.objects.count(), Task.objects.count(), TaskEvent.objects.count()) == (0, 0, 0)


# --- Sub-assignment -------------------------------------------------------------------------------
@pytest.fixture
def undated(org, people):
    """A task of the province without a deadline, under way at Sở Tài chính."""
    (task,) = issue(
        people.specialist, org, people, _spec(org, deadline_kind=DeadlineKind.NONE),
        issued_on=D(2026, 3, 2),
    )  # fmt: skip
    actions.receive(people.unit_head, task)
    return Task.objects.get(pk=task.pk)


def test_a_part_cannot_be_due_more_than_five_years_after_the_directive(org, people, undated):
    before = (Task.objects.count(), TaskEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        actions.subassign(
            people.unit_head,
            undated,
            TaskSpec(content="Phần việc", lead_unit=org.finance_sub, deadline_date=D(2031, 3, 3)),
        )
    assert refused.value.message_dict == {"deadline_date": [FIVE_YEARS.format("02/03/2031")]}
    assert (Task.objects.count(), TaskEvent.objects.count()) == before

    part = actions.subassign(
        people.unit_head,
        undated,
        TaskSpec(content="Phần việc", lead_unit=org.finance_sub, deadline_date=D(2031, 3, 2)),
    )
    assert part.deadline_basis["requested"] == "2031-03-02"


def test_the_sub_assignment_form_shows_the_refusal_on_the_date(client, org, people, undated):
    client.force_login(people.unit_head)
    before = (Task.objects.count(), TaskEvent.objects.count())

    response = client.post(
        f"/tasks/{undated.pk}/subassign/",
        {
            "subassign-lead_unit": org.finance_sub.pk,
            "subassign-content": "Rà soát số liệu giải ngân",
            "subassign-deadline_date": "31/12/9999",
        },
    )

    assert response.status_code == 422
    assert FIVE_YEARS.format("02/03/2031") in page(response)
    assert (Task.objects.count(), TaskEvent.objects.count()) == before


# --- The deadline preview -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("issued_on=31/12/1999&tasks-0-deadline_kind=date&tasks-0-deadline_date=31/03/2000",
         TOO_EARLY),
        ("issued_on=31/12/9999&tasks-0-deadline_kind=working_days&tasks-0-working_days=10",
         "Ngày ban hành văn bản chỉ đạo không được quá một năm"),
        ("issued_on=10/02/2026&tasks-0-deadline_kind=date&tasks-0-deadline_date=31/12/9999",
         FIVE_YEARS.format("10/02/2031")),
        ("issued_on=10/02/2026&tasks-0-deadline_kind=working_days&tasks-0-working_days=251",
         WORKING_DAYS),
        ("issued_on=10/02/2026&tasks-0-deadline_kind=working_days&tasks-0-working_days=0",
         WORKING_DAYS),
        (f"issued_on=10/02/2026&tasks-0-deadline_kind=working_days&tasks-0-working_days={'9' * 30}",
         WORKING_DAYS),
        ("issued_on=10/02/2026&tasks-0-deadline_kind=date&tasks-0-deadline_date=09/02/2026",
         "Thời hạn không được trước ngày giao nhiệm vụ."),
    ],
)  # fmt: skip
def test_the_preview_refuses_what_saving_would_refuse(client, people, query, message):
    client.force_login(people.specialist)
    response = client.get(f"{DEADLINE}?{query}")
    assert response.status_code == 200
    assert message in page(response)
    assert "<strong>" not in page(response)


def test_the_preview_shows_250_working_days(client, people):
    client.force_login(people.specialist)
    response = client.get(
        f"{DEADLINE}?issued_on=10/02/2026&tasks-0-deadline_kind=working_days"
        "&tasks-0-working_days=250"
    )
    assert "<strong>" in page(response)


# --- The dashboard's period -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=01/01/2026&end=31/12/9999", "end"),
        ("start=01/01/0001&end=31/01/2026", "start"),
        ("start=31/12/1999&end=31/01/2026", "start"),
    ],
)
def test_the_dashboard_refuses_a_period_outside_the_dates_a_task_can_have(
    client, people, query, field
):
    client.force_login(people.office_leader)
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Vui lòng nhập ngày từ 01/01/2000 đến 20/03/2027."
    ]
