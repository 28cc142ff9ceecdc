"""Who is told what: one test per row of ``rules.RULES``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.notifications import rules
from chidao.notifications.models import Notification
from chidao.notifications.tests.conftest import difficulty, record
from chidao.org import permissions
from chidao.org.models import Membership

LEAD = {"unit_head", "unit_staff"}

# kind, actor, event data (a callable of people and task when it needs ids), who is told
TABLE = [
    ("created", "specialist", {}, LEAD | {"other_staff"}),
    ("edited", "office_leader", {}, LEAD | {"specialist"}),
    ("opinion", "leader", {}, LEAD | {"specialist"}),
    ("returned", "specialist", {}, LEAD),
    ("reported", "unit_staff", {}, {"specialist"}),
    ("proposed", "specialist", {}, {"office_leader"}),
    ("confirmed", "office_leader", {}, LEAD | {"specialist"}),
    ("difficulty_raised", "unit_staff", {"addressed_to": "division_head"}, {"division_head"}),
    ("difficulty_escalated", "division_head", {"to": "office_leader"}, {"office_leader"}),
    ("difficulty_escalated", "office_leader", {"to": "directing_leader"}, {"leader"}),
    ("difficulty_answered", "division_head", "raised_by_specialist", LEAD | {"specialist"}),
    ("extension_requested", "unit_head", {}, {"leader", "office_leader"}),
    ("extension_approved", "leader", {}, LEAD),
    ("extension_rejected", "office_leader", {}, LEAD),
    ("suspended", "leader", {}, LEAD | {"specialist"}),
    ("cancelled", "leader", {}, LEAD | {"specialist"}),
    ("reopened", "office_leader", {}, LEAD | {"specialist"}),
    ("urged", "specialist", {}, LEAD),
    ("escalated", "specialist", "to_leader_and_office_leader", {"leader", "office_leader"}),
    ("directive_edited", "specialist", {}, LEAD),
    ("series_stopped", "office_leader", {}, LEAD | {"specialist"}),
]


def _data(spec, people, task):
    if spec == "raised_by_specialist":
        return {"difficulty": difficulty(task, people.specialist).pk}
    if spec == "to_leader_and_office_leader":
        return {"to": [people.leader.pk, people.office_leader.pk]}
    return spec


def _told(event):
    rows = Notification.objects.filter(event=event, channel="in_app")
    return {n.recipient.username for n in rows}


def test_every_kind_in_the_table_is_tested():
    assert {row[0] for row in TABLE} == set(rules.RULES)


@pytest.mark.parametrize(
    ("kind", "actor", "data", "expected"), TABLE, ids=[f"{r[0]}-{r[1]}" for r in TABLE]
)
def test_the_table_tells_the_people_concerned(people, task, kind, actor, data, expected):
    event = record(task, kind, getattr(people, actor), **_data(data, people, task))
    assert _told(event) == expected


def test_nobody_is_told_of_their_own_act(people, task):
    event = record(task, "edited", people.specialist)
    assert "specialist" not in _told(event)
    assert _told(event) == LEAD


def test_nobody_is_told_of_a_task_they_may_not_see(people, task):
    event = record(task, "escalated", people.specialist, to=[people.outsider.pk, people.leader.pk])
    assert _told(event) == {"leader"}


def test_a_staff_member_of_a_unit_below_the_lead_unit_is_not_told(people, task):
    event = record(task, "returned", people.specialist)
    assert "sub_staff" not in _told(event)


def test_a_kind_missing_from_the_table_tells_nobody(people, task):
    event = record(task, "comment", people.unit_staff, text="Đang làm")
    assert _told(event) == set()


def test_a_person_whose_role_ended_is_no_longer_told(people, task):
    """The roles of the people told are kept per process (``permissions.prepare_many``): a
    role ended, however it was ended, ends their notifications at once."""
    named = {"to": [people.division_head.pk, people.office_leader.pk]}
    assert _told(record(task, "escalated", people.specialist, **named)) == {
        "division_head", "office_leader",
    }  # fmt: skip
    Membership.objects.filter(person=people.division_head).update(is_active=False)
    assert _told(record(task, "escalated", people.specialist, **named)) == {"office_leader"}


def test_telling_more_people_asks_no_more_queries(people, task):
    """The version of the roles is read once for all the people told, and the roles of those
    not kept under it in one query; read afresh, each apparatus role asks for its committee."""
    few = [people.leader, people.office_leader]
    many = [*few, people.division_head, people.specialist_th, people.admin]

    def queries(told, kept=True):
        to = [p.pk for p in told]
        record(task, "escalated", people.specialist, to=to)  # the roles kept from here
        if not kept:
            permissions.forget()
        with CaptureQueriesContext(connection) as captured:
            event = record(task, "escalated", people.specialist, to=to)
        assert len(_told(event)) == len(told)
        return len(captured.captured_queries)

    assert queries(many) == queries(few)
    assert queries(many, kept=False) - queries(few, kept=False) <= len(many) - len(few)
