"""``visible_tasks`` as an index answers it gives exactly the tasks its definition names.

The definition, written out here from the paths: a task is visible to a person when its lead
unit, its assigning unit or one of its cooperating units lies in one of the person's
jurisdictions, or when the person tracks or directs it. The query takes two shapes (no
condition at all for whoever covers the whole tree; unit ids for everyone else); both are
compared with the definition, for every persona, with one province and with two.
"""

import datetime

import pytest

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DirectiveKind, Task
from chidao.directives.tests.conftest import issue
from chidao.org import permissions
from chidao.org.models import Person, Role

from .test_permissions import PERSONAS

DUE = datetime.date(2027, 6, 30)


def _by_definition(person) -> set[int]:
    if person.is_superuser:
        return set(Task.objects.values_list("pk", flat=True))
    roots = [j.root.path for j in permissions.jurisdictions(person)]

    def inside(unit) -> bool:
        return any(unit.path.startswith(root) for root in roots)

    seen = set()
    for task in Task.objects.select_related("lead_unit", "assigner_unit").prefetch_related(
        "cooperations__unit"
    ):
        units = [task.lead_unit, task.assigner_unit, *(c.unit for c in task.cooperations.all())]
        if (
            any(inside(unit) for unit in units)
            or task.specialist_id == person.pk
            or task.directing_leader_id == person.pk
        ):
            seen.add(task.pk)
    return seen


@pytest.fixture
def world(org, people):
    """Tasks led across the tree, with cooperating units, a part handed down to a lower unit,
    and tasks of the other province."""
    specs = [
        TaskSpec(content="Sở Tài chính chủ trì", lead_unit=org.finance, deadline_date=DUE,
                 specialist=people.specialist, directing_leader=people.leader),
        TaskSpec(content="Sở Y tế chủ trì, Sở Tài chính phối hợp", lead_unit=org.health,
                 cooperating_units=[org.finance], deadline_date=DUE),
        TaskSpec(content="Xã A chủ trì, Chi cục phối hợp", lead_unit=org.commune_a,
                 cooperating_units=[org.finance_sub], deadline_date=DUE),
        TaskSpec(content="Sở Y tế chủ trì", lead_unit=org.health, deadline_date=DUE),
    ]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    finance_task = actions.receive(people.unit_staff, tasks[0])
    actions.subassign(
        people.unit_head,
        finance_task,
        TaskSpec(content="Chi cục thực hiện", lead_unit=org.finance_sub, deadline_date=DUE),
    )
    Person.objects.create_superuser("root", "x")
    other_leader = Person.objects.create(username="other.leader", full_name="Lãnh đạo tỉnh Khác")
    other_leader.memberships.create(unit=org.other_province, role=Role.COMMITTEE_LEADER)
    actions.issue_directive(
        people.outsider,
        issuer=org.other_province,
        tasks=[TaskSpec(content="Tỉnh Khác", lead_unit=org.other_office, deadline_date=DUE)],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=7,
        symbol="UBND-VP",
        issued_on=datetime.date(2026, 3, 2),
        signer=other_leader,
        summary="Việc của tỉnh Khác",
    )
    return Task.objects.count()


def _check_every_persona(people):
    for persona in [*PERSONAS, "superuser"]:
        person = (
            Person.objects.get(username="root")
            if persona == "superuser"
            else Person.objects.get(pk=getattr(people, persona).pk)
        )
        got = set(permissions.visible_tasks(person).values_list("pk", flat=True))
        assert got == _by_definition(person), persona


def test_two_provinces_every_persona_sees_what_the_definition_says(org, people, world):
    assert world == 6
    office_leader = Person.objects.get(pk=people.office_leader.pk)
    assert not permissions.sees_whole_tree(office_leader)  # the other province is not his
    _check_every_persona(people)


def test_one_province_its_apparatus_reads_every_task_without_a_condition(org, people, world):
    org.other_province.parent = org.province  # now one tree: the province covers everything
    org.other_province.save()
    office_leader = Person.objects.get(pk=people.office_leader.pk)
    assert permissions.sees_whole_tree(office_leader)
    assert "WHERE" not in str(permissions.visible_tasks(office_leader).query)
    unit_staff = Person.objects.get(pk=people.unit_staff.pk)
    assert not permissions.sees_whole_tree(unit_staff)
    _check_every_persona(people)
