"""Điều chỉnh lịch làm việc through the admin site: who may add a day off, and the record kept."""

from datetime import date

from django.urls import reverse

from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

ADD_URL = reverse("admin:workdays_calendaradjustment_add")
LIST_URL = reverse("admin:workdays_calendaradjustment_changelist")


def _add_day_off(client):
    return client.post(
        ADD_URL, {"date": "04/03/2026", "kind": AdjustmentKind.DAY_OFF, "name": "Nghỉ bầu cử"}
    )


def test_an_administrator_adds_a_day_off_and_is_recorded_as_its_author(client, people):
    client.force_login(people.admin)

    response = _add_day_off(client)

    assert response.status_code == 302, response.content.decode()
    adjustment = CalendarAdjustment.objects.get()
    assert adjustment.date == date(2026, 3, 4)
    assert adjustment.kind == AdjustmentKind.DAY_OFF
    assert adjustment.created_by == people.admin


def test_the_author_cannot_be_chosen_in_the_form(client, people):
    client.force_login(people.admin)

    client.post(
        ADD_URL,
        {
            "date": "04/03/2026",
            "kind": AdjustmentKind.DAY_OFF,
            "name": "Nghỉ bầu cử",
            "created_by": people.unit_head.pk,
        },
    )

    assert CalendarAdjustment.objects.get().created_by == people.admin


def test_the_list_shows_dates_as_day_month_year(client, people):
    CalendarAdjustment.objects.create(
        date=date(2026, 3, 4), kind=AdjustmentKind.DAY_OFF, name="Nghỉ bầu cử"
    )
    client.force_login(people.admin)

    page = client.get(LIST_URL).content.decode()

    assert "04/03/2026" in page and "Nghỉ bầu cử" in page


def test_a_unit_staff_member_is_refused(client, people):
    client.force_login(people.unit_staff)

    for response in (client.get(LIST_URL), client.get(ADD_URL), _add_day_off(client)):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert reverse("admin:login") in response["Location"]
    assert not CalendarAdjustment.objects.exists()
