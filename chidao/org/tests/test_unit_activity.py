"""A unit's last activity: a sign-in or a task step by one of its people stamps the unit, cheaply;
the unit page shows it, and the specialist's home lists the followed units silent for 5 working
days or more."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from chidao.conftest import PASSWORD
from chidao.core import clock
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue
from chidao.org import activity
from chidao.org.models import Membership, Unit

# Monday 20/04/2026, 09:00 in Hà Nội; five working days back is Monday 13/04.
MONDAY = datetime.datetime(2026, 4, 20, 2, tzinfo=datetime.UTC)
AT = datetime.datetime(2026, 4, 1, 2, tzinfo=datetime.UTC)


def _unit(unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def test_signing_in_stamps_every_unit_the_person_works_in_and_no_other(client, org, people):
    Membership.objects.create(person=people.unit_staff, unit=org.health, role="viewer")
    with time_machine.travel(AT, tick=False):
        response = client.post(reverse("login"), {"username": "unit_staff", "password": PASSWORD})
    assert response.status_code == 302
    assert _unit(org.finance).last_sign_in_at == AT
    assert _unit(org.health).last_sign_in_at == AT
    assert _unit(org.finance_sub).last_sign_in_at is None  # a subunit is not the unit
    assert _unit(org.finance).last_step_at is None


def test_an_ended_role_no_longer_stamps_its_unit(client, org, people):
    Membership.objects.filter(person=people.unit_staff).update(is_active=False)
    with time_machine.travel(AT, tick=False):
        client.post(reverse("login"), {"username": "unit_staff", "password": PASSWORD})
    assert _unit(org.finance).last_sign_in_at is None


def test_a_wrong_password_stamps_nothing(client, org, people):
    client.post(reverse("login"), {"username": "unit_staff", "password": "sai-mat-khau"})
    assert _unit(org.finance).last_sign_in_at is None


def test_a_step_stamps_the_units_of_its_author_at_the_steps_time(org, people):
    spec = TaskSpec(
        content="Rà soát hồ sơ đầu tư công",
        lead_unit=org.finance,
        cooperating_units=[org.health],
        directing_leader=people.leader,
        deadline_date=datetime.date(2026, 3, 31),
    )
    (task,) = issue(people.specialist, org, people, spec)
    step_at = datetime.datetime(2026, 3, 5, 3, tzinfo=datetime.UTC)
    with clock.at(step_at):
        actions.receive(people.unit_staff, task)
    assert _unit(org.finance).last_step_at == step_at
    assert _unit(org.health).last_step_at is None  # the cooperating unit did nothing


def test_a_busy_unit_is_stamped_at_most_once_a_minute_and_never_backwards(org, people):
    assert activity.note_step(people.unit_staff.pk, AT) == 1
    assert activity.note_step(people.unit_head.pk, AT + datetime.timedelta(seconds=30)) == 0
    assert activity.note_step(people.unit_head.pk, AT - datetime.timedelta(days=1)) == 0
    assert _unit(org.finance).last_step_at == AT
    assert activity.note_step(people.unit_head.pk, AT + datetime.timedelta(minutes=2)) == 1
    assert activity.note_step(None, AT + datetime.timedelta(days=1)) == 0  # the system


def test_the_unit_page_shows_the_last_sign_in_and_update(client, org, people):
    client.force_login(people.viewer)  # anyone who sees the unit
    Unit.objects.filter(pk=org.finance.pk).update(last_sign_in_at=AT)
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk])).content.decode()
    section = page[page.index('id="last-activity"') :]
    assert "01/04/2026 09:00" in section
    assert "Chưa có" in section  # no update yet


@pytest.mark.parametrize(
    ("last", "silent"),
    [
        (None, True),  # never
        (datetime.datetime(2026, 4, 10, 10, tzinfo=datetime.UTC), True),  # Friday 10/04
        (datetime.datetime(2026, 4, 12, 16, 59, tzinfo=datetime.UTC), True),  # 23:59 Sun 12/04
        (datetime.datetime(2026, 4, 12, 17, 0, tzinfo=datetime.UTC), False),  # 00:00 Mon 13/04
        (datetime.datetime(2026, 4, 17, 3, tzinfo=datetime.UTC), False),
    ],
)
def test_the_specialist_home_lists_units_silent_for_five_working_days(
    client, org, people, last, silent
):
    Unit.objects.filter(pk=org.finance.pk).update(last_sign_in_at=None, last_step_at=last)
    client.force_login(people.specialist)
    with time_machine.travel(MONDAY, tick=False):
        response = client.get(reverse("home"))
    panels = {p.key: p for p in response.context["panels"]}
    if silent:
        (row,) = panels["silent-units"].units
        assert row.unit == org.finance and row.since == last
        page = response.content.decode()
        assert reverse("org:unit_detail", args=[org.finance.pk]) in page
        assert "im lặng" in page
    else:
        assert "silent-units" not in panels


def test_a_holiday_does_not_count_as_a_silent_day(client, org, people):
    """30/04 and 01/05/2026 are days off: from Wednesday 06/05, five working days back is
    Monday 27/04."""
    last = datetime.datetime(2026, 4, 27, 3, tzinfo=datetime.UTC)
    Unit.objects.filter(pk=org.finance.pk).update(last_sign_in_at=last)
    client.force_login(people.specialist)
    with time_machine.travel(datetime.datetime(2026, 5, 6, 2, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("home"))
    assert "silent-units" not in {p.key for p in response.context["panels"]}


def test_only_the_specialists_own_active_units_are_listed(client, org, people):
    client.force_login(people.specialist_th)  # follows UBND xã A, never active
    response = client.get(reverse("home"))
    (panel,) = [p for p in response.context["panels"] if p.key == "silent-units"]
    assert [row.unit for row in panel.units] == [org.commune_a]
    Unit.objects.filter(pk=org.commune_a.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert "silent-units" not in {p.key for p in response.context["panels"]}


def test_a_unit_head_has_no_silent_units_panel(client, people):
    client.force_login(people.unit_head)
    response = client.get(reverse("home"))
    assert "silent-units" not in {p.key for p in response.context["panels"]}
