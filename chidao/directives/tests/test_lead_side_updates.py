"""The "not updated" mark counts from the lead unit's last act (item 6 of issue 9, part): besides
receiving, posting progress and reporting, a comment, an extension request or a difficulty from
the lead unit's side sets ``Task.last_update_at``; the same acts by anyone else do not."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Task
from chidao.directives.tests.conftest import issue

UTC = datetime.UTC
RECEIVED_AT = datetime.datetime(2026, 3, 2, 9, tzinfo=UTC)  # 16:00 on 02/03/2026 in Hà Nội
LATER = datetime.datetime(2026, 3, 20, 2, 30, tzinfo=UTC)  # 09:30 on 20/03/2026


@pytest.fixture
def received(task, people):
    with time_machine.travel(RECEIVED_AT, tick=False):
        return actions.receive(people.unit_staff, task)


def _last_update(task) -> datetime.datetime:
    return Task.objects.get(pk=task.pk).last_update_at


ACTS = {
    "comment": lambda who, task: actions.comment(who, task, "Đơn vị đang tổng hợp số liệu"),
    "request_extension": lambda who, task: actions.request_extension(
        who, task, proposed_date=datetime.date(2026, 4, 20), reason="Chờ số liệu của các xã"
    ),
    "raise_difficulty": lambda who, task: actions.raise_difficulty(
        who, task, "Chưa có hướng dẫn của Bộ"
    ),
}


@pytest.mark.parametrize("who", ["unit_staff", "unit_head"])
@pytest.mark.parametrize("act", list(ACTS))
def test_an_act_of_the_lead_unit_counts_as_its_update(received, people, act, who):
    assert _last_update(received) == RECEIVED_AT
    with time_machine.travel(LATER, tick=False):
        ACTS[act](getattr(people, who), received)
    assert _last_update(received) == LATER


@pytest.mark.parametrize(
    ("act", "who"),
    [
        ("comment", "specialist"),
        ("comment", "division_head"),
        ("comment", "office_leader"),
        ("comment", "other_staff"),  # a cooperating unit
        ("raise_difficulty", "specialist"),
    ],
)
def test_the_same_act_by_someone_else_is_not_the_units_update(received, people, act, who):
    before = Task.objects.get(pk=received.pk)
    with time_machine.travel(LATER, tick=False):
        ACTS[act](getattr(people, who), received)
    after = Task.objects.get(pk=received.pk)
    assert after.last_update_at == RECEIVED_AT
    assert after.event_count == before.event_count + 1  # the act itself was recorded


def test_a_specialists_comment_does_not_reset_it_but_the_units_reply_does(received, people):
    with time_machine.travel(LATER, tick=False):
        actions.comment(people.specialist, received, "Đề nghị đơn vị cập nhật tiến độ")
    assert _last_update(received) == RECEIVED_AT
    reply = LATER + datetime.timedelta(hours=2)
    with time_machine.travel(reply, tick=False):
        actions.comment(people.unit_staff, received, "Đơn vị sẽ gửi trong tuần")
    assert _last_update(received) == reply


def test_a_refused_act_resets_nothing(received, people):
    with time_machine.travel(LATER, tick=False):
        with pytest.raises(ValidationError):
            actions.comment(people.unit_staff, received, "   ")
        with pytest.raises(ValidationError):
            actions.request_extension(
                people.unit_staff, received, proposed_date=datetime.date(2026, 3, 25), reason="Chờ"
            )  # a date not after the deadline
    assert _last_update(received) == RECEIVED_AT


def test_a_commune_committee_leading_a_task_acts_through_its_own_apparatus(org, people):
    """When the lead unit is a committee, its own apparatus is the lead side."""
    with time_machine.travel(RECEIVED_AT, tick=False):
        (task,) = issue(
            people.specialist, org, people,
            TaskSpec(content="Rà soát hộ nghèo trên địa bàn xã", lead_unit=org.commune_a,
                     deadline_date=datetime.date(2026, 3, 31)),
        )  # fmt: skip
    with time_machine.travel(LATER, tick=False):
        actions.comment(people.commune_specialist, task, "Xã đang rà soát")
    assert _last_update(task) == LATER
