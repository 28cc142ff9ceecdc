"""Lists and home pages cost the same number of queries with 10 tasks as with 200: the home
page, the task list (plain, filtered, sorted by unit, searched), the inbox, the lists of units
and people, and the dashboard.

The tasks are made once for the module (in a transaction rolled back at its end): every person's
pages are counted with the first 10, then again once the other 190 are made."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chidao.conftest import build_org, build_people
from chidao.directives import actions, filter_choices
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue
from chidao.org import names, permissions

NOW = datetime.datetime(2026, 4, 20, 3, tzinfo=datetime.UTC)
PAGES = [
    "/", "/tasks/", "/tasks/?timeliness=overdue&sort=unit", "/tasks/?q=von+dau+tu",
    "/tasks/?page=2", "/notifications/", "/org/units/", "/org/people/", "/dashboard/",
]  # fmt: skip


def _tasks(org, people, count, first=0):
    """``count`` tasks spread over states and units, with cooperations and difficulties."""
    units = [org.finance, org.health, org.commune_a]
    for i in range(first, first + count):
        spec = TaskSpec(
            content=f"Giải ngân vốn đầu tư công đợt {i}",
            lead_unit=units[i % 3],
            cooperating_units=[units[(i + 1) % 3]],
            directing_leader=people.leader,
            deadline_date=datetime.date(2026, 3, 10) + datetime.timedelta(days=i % 60),
        )
        (task,) = issue(people.specialist, org, people, spec, number=1000 + i)
        if i % 3 == 0 and task.lead_unit == org.finance:
            task = actions.receive(people.unit_staff, task)
            if i % 2:
                actions.raise_difficulty(people.unit_staff, task, "Thiếu số liệu")


def _queries(client, person, path):
    client.force_login(person)
    cache.clear()  # the figures are counted again, as after any change
    filter_choices.forget()  # and the filters' options built again
    names.forget()  # and the names of units and people read again
    permissions.forget()  # and the person's roles read again
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


PERSONAS = ["unit_staff", "specialist", "division_head", "office_leader", "leader", "viewer"]


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker):
    """Each person's queries per page with 10 tasks (``few``) and with 200 (``many``)."""
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(NOW, tick=False):
        org = build_org()
        people = build_people(org)
        client = Client()

        def count_all():
            return {
                who: {path: _queries(client, getattr(people, who), path) for path in PAGES}
                for who in PERSONAS
            }

        _tasks(org, people, 10)
        few = count_all()
        _tasks(org, people, 190, first=10)
        yield SimpleNamespace(few=few, many=count_all())
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_pages_run_the_same_queries_with_10_and_200_tasks(counted, who):
    assert counted.many[who] == counted.few[who]
