"""A world of tasks in every state and timeliness, seen on Friday 20/03/2026: the fixture the
tests of every linked number, of the statistics by person and of the reports count from.

It holds what makes counting hard: suspended, cancelled and reopened tasks, a confidential
directive, parts handed down inside a department and to a commune, the periods of a recurring
report, a commune's own directive, late reports awaiting the check, extensions, difficulties at
each level and tasks nobody has updated.
"""

import datetime

import pytest
import time_machine

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DeadlineKind, DirectiveKind, Recurrence
from chidao.directives.tests.conftest import issue

D = datetime.date
UTC = datetime.UTC
TODAY = datetime.datetime(2026, 3, 20, 3, tzinfo=UTC)  # Friday 20/03/2026, 10:00 local
WHY = "Theo chỉ đạo của UBND tỉnh"
LATE = {"cause": "objective", "explanation": "Chờ số liệu", "remedy": "Đôn đốc"}


def at(day: D, hour: int = 3):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                               tick=False)  # fmt: skip


def spec(content, unit, deadline=None, **fields):
    return TaskSpec(content=content, lead_unit=unit, deadline_date=deadline, **fields)


@pytest.fixture
def world(org, people):
    """Tasks in every state and timeliness, seen on Friday 20/03/2026."""
    return build_world(org, people)


def build_world(org, people) -> dict:
    """The world's tasks by name; a function too, for a module that builds it once."""
    p, w = people, {}
    lead = {"directing_leader": p.leader}
    with at(D(2026, 1, 5)):
        w["series"], *_periods = issue(p.specialist, org, p, TaskSpec(
            content="Báo cáo giải ngân hằng tháng", lead_unit=org.finance,
            deadline_kind=DeadlineKind.RECURRING, recurrence=Recurrence.MONTHLY,
            recurrence_day=20), issued_on=D(2026, 1, 5))  # fmt: skip
    with at(D(2026, 3, 2)):
        actions.open_periods(w["series"], until=D(2026, 3, 2))
        tasks = issue(p.specialist, org, p,
            spec("Xong đúng hạn", org.finance, D(2026, 3, 20), cooperating_units=[org.health],
                 **lead),
            spec("Xong trễ hạn", org.finance, D(2026, 3, 10), **lead),
            spec("Quá hạn, không ai cập nhật", org.health, D(2026, 3, 4)),
            spec("Trong hạn, có phần giao xuống", org.finance, D(2026, 4, 30), **lead),
            spec("Tạm dừng", org.finance, D(2026, 3, 31), **lead),
            spec("Hủy", org.health, D(2026, 3, 31)),
            spec("Mở lại sau khi xong", org.finance, D(2026, 3, 16), **lead),
            spec("Báo cáo trễ chờ kiểm tra", org.health, D(2026, 3, 12)),
            spec("Gia hạn đã duyệt", org.finance, D(2026, 3, 13), **lead),
            spec("Bị trả lại", org.finance, D(2026, 3, 27)),
            spec("Xin gia hạn chờ duyệt", org.finance, D(2026, 3, 27), **lead),
            spec("Có khó khăn đã chuyển lên", org.commune_a, D(2026, 4, 10)),
            spec("Không thời hạn", org.finance, deadline_kind=DeadlineKind.NONE),
            spec("Sắp đến hạn", org.health, D(2026, 3, 24)),
        )  # fmt: skip
        w.update({t.content: t for t in tasks})
        (secret,) = issue(p.specialist, org, p, spec("Nội dung mật", org.finance, D(2026, 3, 10)),
                          is_confidential=True)  # fmt: skip
        commune = actions.issue_directive(
            p.commune_specialist, issuer=org.commune_a,
            tasks=[spec("Việc riêng của xã A", org.commune_a_econ, D(2026, 3, 16))],
            kind=DirectiveKind.OFFICIAL_LETTER, number=7, symbol="UBND", issued_on=D(2026, 3, 2),
            signer=p.commune_leader, summary="Về chợ xã A",
        )  # fmt: skip
        w["commune"] = commune.tasks.get()
        for content in ("Xong đúng hạn", "Xong trễ hạn", "Trong hạn, có phần giao xuống",
                        "Mở lại sau khi xong", "Gia hạn đã duyệt", "Bị trả lại",
                        "Xin gia hạn chờ duyệt"):  # fmt: skip
            w[content] = actions.receive(p.unit_staff, w[content])
        for content in ("Báo cáo trễ chờ kiểm tra", "Sắp đến hạn"):
            w[content] = actions.receive(p.other_staff, w[content])
        w["Có khó khăn đã chuyển lên"] = actions.receive(
            p.commune_staff, w["Có khó khăn đã chuyển lên"]
        )
        parent = w["Trong hạn, có phần giao xuống"]
        w["part"] = actions.subassign(
            p.unit_head, parent, spec("Phần của Chi cục", org.finance_sub, D(2026, 3, 18))
        )
        w["to_commune"] = actions.subassign(
            p.unit_head, parent, spec("Phần giao xã B", org.commune_b, D(2026, 3, 25))
        )
        extension = actions.request_extension(
            p.unit_staff,
            w["Gia hạn đã duyệt"],
            proposed_date=D(2026, 4, 15),
            reason="Chờ ý kiến Bộ",
        )
        actions.decide_extension(p.office_leader, extension, approve=True)
        difficulty = actions.raise_difficulty(
            p.commune_staff, w["Có khó khăn đã chuyển lên"], "Thiếu kinh phí"
        )
        actions.escalate_difficulty(p.division_head, difficulty, "Vượt thẩm quyền phòng")
        actions.raise_difficulty(p.unit_staff, w["Trong hạn, có phần giao xuống"], "Chờ số liệu")
    with at(D(2026, 3, 9)):
        actions.suspend(p.office_leader, w["Tạm dừng"], WHY)
        actions.cancel(p.office_leader, w["Hủy"], WHY)
        for content in ("Xong đúng hạn", "Mở lại sau khi xong"):
            task = actions.report_done(p.unit_staff, w[content], result="Xong")
            actions.propose_closing(p.specialist, task)
            actions.confirm(p.office_leader, task)
    with at(D(2026, 3, 12)):
        task = actions.report_done(
            p.unit_staff, w["Xong trễ hạn"], result="Xong", late_explanation=LATE
        )
        actions.propose_closing(p.specialist, task)
        actions.confirm(p.office_leader, task)
        actions.reopen(p.office_leader, w["Mở lại sau khi xong"], WHY)
    with at(D(2026, 3, 13)):
        actions.report_done(
            p.other_staff, w["Báo cáo trễ chờ kiểm tra"], result="Xong", late_explanation=LATE
        )
        task = actions.report_done(p.unit_staff, w["Bị trả lại"], result="Chưa đủ")
        actions.return_task(p.specialist, task, "Thiếu phụ lục")
    with at(D(2026, 3, 18)):
        actions.request_extension(
            p.unit_staff,
            w["Xin gia hạn chờ duyệt"],
            proposed_date=D(2026, 4, 10),
            reason="Chờ thẩm định",
        )
    w["secret"] = secret
    return w
