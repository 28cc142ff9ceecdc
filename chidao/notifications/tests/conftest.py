import datetime

import pytest
from django.db import transaction

from chidao.directives import timeline
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Difficulty, Task
from chidao.directives.tests.conftest import issue


@pytest.fixture
def task(org, people):
    """Sở Tài chính leads, Sở Y tế cooperates; followed by `specialist`, directed by `leader`."""
    (task,) = issue(
        people.specialist,
        org,
        people,
        TaskSpec(
            content="Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
            lead_unit=org.finance,
            cooperating_units=[org.health],
            directing_leader=people.leader,
            deadline_date=datetime.date(2026, 3, 31),
        ),
    )
    return task


def record(task, kind, actor, **data):
    """Append an event the way every action does: task row locked, inside a transaction."""
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        return timeline.record(locked, kind, actor, **data)


def difficulty(task, raised_by, addressed_to="division_head"):
    return Difficulty.objects.create(
        task=task, raised_by=raised_by, text="Thiếu vốn", addressed_to=addressed_to
    )
