"""A directive of the test province with tasks, built through the actions like real use."""

import datetime

import pytest

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DirectiveKind

AUTO = object()


def issue(actor, org, people, *specs, issued_on=None, number=AUTO, **fields):
    """Issue a letter of the test province signed by its leader; returns its tasks in order."""
    issue.counter = getattr(issue, "counter", 100) + 1
    directive = actions.issue_directive(
        actor,
        issuer=org.province,
        tasks=list(specs),
        kind=fields.pop("kind", DirectiveKind.OFFICIAL_LETTER),
        number=issue.counter if number is AUTO else number,
        symbol=fields.pop("symbol", "UBND-KT"),
        issued_on=issued_on or datetime.date(2026, 3, 2),
        signer=fields.pop("signer", people.leader),
        summary=fields.pop("summary", "Về việc triển khai nhiệm vụ thử"),
        **fields,
    )
    return list(directive.tasks.order_by("pk"))


@pytest.fixture
def task(org, people):
    """One task of Sở Tài chính due 31/03/2026, followed by `specialist`, directed by `leader`."""
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
