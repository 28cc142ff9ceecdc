"""Searching tasks by their lead unit's name, accents optional (issue 10, item 7): "noi vu" finds
the tasks Sở Nội vụ leads. Each word may match the task's text, its directive's or its lead unit's.
"""

import datetime

import pytest
import time_machine

from chidao.conftest import make_unit
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Task
from chidao.directives.tests.conftest import issue
from chidao.org.models import UnitKind

LIST = "/tasks/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 3, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def tasks(org, people):
    org.home_affairs = make_unit(org.province, UnitKind.DEPARTMENT, "Sở Nội vụ", "SNV")
    due = datetime.date(2026, 3, 31)
    home, finance, health = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát biên chế công chức", lead_unit=org.home_affairs,
                 deadline_date=due),
        TaskSpec(content="Tham mưu phân bổ vốn", lead_unit=org.finance,
                 cooperating_units=[org.home_affairs], deadline_date=due),
        TaskSpec(content="Báo cáo công tác nội vụ y tế", lead_unit=org.health, deadline_date=due),
        summary="Về việc sắp xếp tổ chức bộ máy",
    )  # fmt: skip
    return {"home": home, "finance": finance, "health": health}


def found(term: str) -> set[int]:
    return set(Task.objects.search(term).values_list("pk", flat=True))


def pks(tasks, *names) -> set[int]:
    return {tasks[name].pk for name in names}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # The lead unit's name, with or without accents; the task whose text says it too.
        ("noi vu", {"home", "health"}),
        ("Nội Vụ", {"home", "health"}),
        # "so" is in Sở Y tế too, whose task's text says "nội vụ": each word anywhere.
        ("so noi vu", {"home", "health"}),
        ("so noi vu ra soat", {"home"}),
        # Its symbol code is part of the unit's search text as well.
        ("snv", {"home"}),
        # Words may come from different places: the unit's name and the task's text.
        ("noi vu bien che", {"home"}),
        ("tai chinh von", {"finance"}),
        # …or the unit's name and the directive's summary.
        ("y te sap xep", {"health"}),
        # A cooperating unit is not the lead unit.
        ("so noi vu phan bo", set()),
        ("noi vu khong co", set()),
    ],
)
def test_each_word_matches_the_task_the_directive_or_the_lead_units_name(tasks, term, expected):
    assert found(term) == pks(tasks, *expected)


def test_the_task_list_finds_the_lead_units_tasks(client, people, tasks):
    client.force_login(people.office_leader)
    response = client.get(LIST, {"q": "noi vu"})
    assert response.status_code == 200
    listed = {task.pk for task in response.context["page"].object_list}
    assert listed == pks(tasks, "home", "health")


def test_the_search_by_unit_stays_inside_what_the_person_sees(client, people, tasks):
    client.force_login(people.other_staff)  # Sở Y tế sees its own task only
    response = client.get(LIST, {"q": "noi vu"})
    assert {task.pk for task in response.context["page"].object_list} == pks(tasks, "health")
    client.force_login(people.outsider)
    response = client.get(LIST, {"q": "noi vu"})
    assert list(response.context["page"].object_list) == []
