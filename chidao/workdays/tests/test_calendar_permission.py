"""One working-day calendar for the province and its communes: the province's administrators keep
it, a commune's administrator only looks at it (``permissions.may_keep_calendar``)."""

from datetime import date

import pytest
from django.urls import reverse

from chidao.conftest import make_person
from chidao.org.models import Role
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

LIST_URL = reverse("admin:workdays_calendaradjustment_changelist")
ADD_URL = reverse("admin:workdays_calendaradjustment_add")
ELECTION_DAY = {"date": "04/03/2026", "kind": AdjustmentKind.DAY_OFF, "name": "Nghỉ bầu cử"}


def change_url(adjustment):
    return reverse("admin:workdays_calendaradjustment_change", args=[adjustment.pk])


def delete_url(adjustment):
    return reverse("admin:workdays_calendaradjustment_delete", args=[adjustment.pk])


@pytest.fixture
def commune_admin(org):
    """The administrator of UBND xã A, seated in its Office."""
    return make_person("commune_admin", org.commune_a_office, Role.ADMIN)


@pytest.fixture
def make_up_saturday(db):
    return CalendarAdjustment.objects.create(
        date=date(2026, 3, 7), kind=AdjustmentKind.WORKING_DAY, name="Làm bù ngày 02/01"
    )


def rows():
    return list(CalendarAdjustment.objects.order_by("date").values("date", "kind", "name"))


# --- The province's administrator keeps the calendar -------------------------------------------
def test_the_province_administrator_adds_a_day_off(client, people):
    client.force_login(people.admin)

    page = client.get(ADD_URL)
    response = client.post(ADD_URL, ELECTION_DAY)

    assert page.status_code == 200
    assert response.status_code == 302, response.content.decode()
    adjustment = CalendarAdjustment.objects.get()
    assert (adjustment.date, adjustment.kind, adjustment.name) == (
        date(2026, 3, 4),
        AdjustmentKind.DAY_OFF,
        "Nghỉ bầu cử",
    )
    assert adjustment.created_by == people.admin


def test_the_province_administrator_changes_and_deletes_an_adjustment(
    client, people, make_up_saturday
):
    client.force_login(people.admin)

    changed = client.post(
        change_url(make_up_saturday),
        {"date": "07/03/2026", "kind": AdjustmentKind.WORKING_DAY, "name": "Làm bù Tết"},
    )
    assert changed.status_code == 302, changed.content.decode()
    assert CalendarAdjustment.objects.get().name == "Làm bù Tết"

    deleted = client.post(delete_url(make_up_saturday), {"post": "yes"})
    assert deleted.status_code == 302
    assert not CalendarAdjustment.objects.exists()


def test_the_list_offers_the_province_administrator_an_add_button(client, people):
    client.force_login(people.admin)

    assert ADD_URL in client.get(LIST_URL).content.decode()


# --- A commune's administrator only looks ---------------------------------------------------
def test_a_commune_administrator_sees_the_calendar_without_an_add_button(
    client, commune_admin, make_up_saturday
):
    client.force_login(commune_admin)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Làm bù ngày 02/01" in page
    assert ADD_URL not in page


def test_a_commune_administrator_cannot_add_a_day_off(client, commune_admin):
    client.force_login(commune_admin)

    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, ELECTION_DAY).status_code == 403
    assert not CalendarAdjustment.objects.exists()


def test_a_commune_administrator_sees_an_adjustment_read_only_and_cannot_change_it(
    client, commune_admin, make_up_saturday
):
    client.force_login(commune_admin)
    before = rows()

    page = client.get(change_url(make_up_saturday))
    response = client.post(
        change_url(make_up_saturday),
        {"date": "14/03/2026", "kind": AdjustmentKind.DAY_OFF, "name": "Sửa trái phép"},
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    assert rows() == before


def test_a_commune_administrator_cannot_delete_an_adjustment(
    client, commune_admin, make_up_saturday
):
    client.force_login(commune_admin)
    before = rows()

    assert client.get(delete_url(make_up_saturday)).status_code == 403
    assert client.post(delete_url(make_up_saturday), {"post": "yes"}).status_code == 403
    client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [make_up_saturday.pk]})

    assert rows() == before


def test_an_administrator_seated_in_the_commune_committee_itself_only_looks_too(
    client, org, make_up_saturday
):
    seated = make_person("commune_committee_admin", org.commune_a, Role.ADMIN)
    client.force_login(seated)

    assert client.get(LIST_URL).status_code == 200
    assert client.post(ADD_URL, ELECTION_DAY).status_code == 403
    assert rows() == [
        {"date": date(2026, 3, 7), "kind": AdjustmentKind.WORKING_DAY, "name": "Làm bù ngày 02/01"}
    ]


def test_a_former_province_administrator_no_longer_keeps_the_calendar(client, people):
    people.admin.memberships.update(is_active=False)
    client.force_login(people.admin)

    response = client.post(ADD_URL, ELECTION_DAY)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not CalendarAdjustment.objects.exists()
