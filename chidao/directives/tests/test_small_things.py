"""Small things users noticed (issue 10, items 8 and 9); the layout ones are in
test_browser_long_words.py.

- A deadline's explanation is shown only when it says more than the date itself.
- A task done on time only thanks to an extension says so wherever its timeliness is shown:
  "Hoàn thành đúng hạn (sau gia hạn)", by the rule of ``after_extension_q``.
- A directive opens to whoever may see one of its tasks (a part handed down to his unit, a
  period of a recurring report), listing only what he may see; its own files follow the same
  check.
"""

import datetime
import io
from html import unescape

import openpyxl
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.home import Panel, Shelf
from chidao.directives.models import Attachment, DeadlineKind, Task
from chidao.directives.rows import TaskRow
from chidao.directives.tests.conftest import issue
from chidao.directives.tests.test_files import pdf, upload
from chidao.directives.timeliness import (
    Timeliness,
    Today,
    after_extension_q,
    done_after_extension,
    timeliness_label,
    timeliness_of,
)

D = datetime.date
ORIGINAL = D(2026, 3, 31)
EXTENDED = D(2026, 4, 20)
PERSONAS = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "sub_staff", "other_staff", "commune_leader",
    "commune_staff", "commune_specialist", "outsider", "nobody",
)  # fmt: skip


def at_16_local(day: datetime.date):
    """16:00 in Hà Nội on ``day``."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


# --- The deadline's explanation ------------------------------------------------------------------
def _task_with(org, people, content="Rà soát hồ sơ dự án", **deadline) -> Task:
    with at_16_local(D(2026, 3, 2)):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(content=content, lead_unit=org.finance, **deadline),
        )
    return task


def _explanation(client, task) -> str | None:
    html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    if 'id="deadline-explanation"' not in html:
        return None
    return unescape(html.split('id="deadline-explanation">', 1)[1].split("</div>", 1)[0])


def test_a_date_that_is_a_working_day_is_not_explained_by_itself(client, org, people):
    task = _task_with(org, people, deadline_date=D(2026, 12, 15))
    client.force_login(people.unit_staff)
    html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert '<strong id="task-deadline">15/12/2026</strong>' in html
    assert _explanation(client, task) is None
    assert html.count("15/12/2026") == 1  # "15/12/2026 — 15/12/2026" no more


def test_a_date_moved_off_a_weekend_and_working_days_are_still_explained(client, org, people):
    client.force_login(people.unit_staff)
    weekend = _task_with(org, people, deadline_date=D(2026, 5, 2))  # a Saturday
    assert _explanation(client, weekend) == (
        "Hạn 02/05/2026 rơi vào ngày nghỉ cuối tuần → 04/05/2026"
    )
    counted = _task_with(
        org, people, deadline_kind=DeadlineKind.WORKING_DAYS, working_days=10, deadline_date=None
    )
    assert _explanation(client, counted) == "10 ngày làm việc kể từ 02/03/2026 → 16/03/2026"
    undated = _task_with(org, people, deadline_kind=DeadlineKind.NONE, deadline_date=None)
    assert _explanation(client, undated) == vi(DeadlineKind.NONE.label)


def test_an_extended_plain_date_says_it_was_extended(client, org, people):
    task = _task_with(org, people, deadline_date=ORIGINAL)
    with at_16_local(D(2026, 3, 20)):
        actions.receive(people.unit_staff, task)
        extension = actions.request_extension(
            people.unit_staff, task, proposed_date=EXTENDED, reason="Chờ ý kiến của Bộ"
        )
        actions.decide_extension(people.office_leader, extension, approve=True)
    client.force_login(people.unit_staff)
    assert _explanation(client, task) == "gia hạn đến 20/04/2026"


DEADLINE_PREVIEW = "/tasks/directives/deadline/"


def test_the_preview_of_a_plain_date_shows_the_date_alone(client, people):
    client.force_login(people.specialist)
    with at_16_local(D(2026, 3, 2)):
        plain = client.get(
            DEADLINE_PREVIEW,
            {"issued_on": "02/03/2026", "tasks-0-deadline_kind": "date",
             "tasks-0-deadline_date": "15/12/2026"},
        )  # fmt: skip
        weekend = client.get(
            DEADLINE_PREVIEW,
            {"issued_on": "02/03/2026", "tasks-0-deadline_kind": "date",
             "tasks-0-deadline_date": "02/05/2026"},
        )  # fmt: skip
    assert plain.content.decode().strip() == "<strong>15/12/2026</strong>"
    assert unescape(weekend.content.decode()).strip() == (
        "<strong>04/05/2026</strong> — Hạn 02/05/2026 rơi vào ngày nghỉ cuối tuần → 04/05/2026"
    )


# --- "Done on time (after an extension)" ---------------------------------------------------------
AFTER_EXTENSION = "Hoàn thành đúng hạn (sau gia hạn)"
ON_TIME = "Hoàn thành đúng hạn"


def _done(org, people, content: str, done_on: datetime.date, extend: bool) -> Task:
    task = _task_with(org, people, content, deadline_date=ORIGINAL)
    with at_16_local(D(2026, 3, 20)):
        actions.receive(people.unit_staff, task)
        if extend:
            extension = actions.request_extension(
                people.unit_staff, task, proposed_date=EXTENDED, reason="Chờ ý kiến của Bộ"
            )
            actions.decide_extension(people.office_leader, extension, approve=True)
    with at_16_local(done_on):
        actions.report_done(people.unit_staff, task, result="Đã trình phương án")
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def finished(org, people):
    """Four tasks done on time: before the original deadline, with or without an extension, and
    after it within the extension; one done late after an extension."""
    return {
        "plain": _done(org, people, "Việc xong sớm, không gia hạn", D(2026, 3, 27), False),
        "extended_early": _done(org, people, "Việc gia hạn nhưng xong sớm", D(2026, 3, 27), True),
        "on_original": _done(org, people, "Việc gia hạn, xong đúng hạn đầu", ORIGINAL, True),
        "after": _done(org, people, "Việc xong trong thời gian gia hạn", D(2026, 4, 10), True),
    }


def test_the_rule_for_one_task_is_the_rule_of_the_statistics(finished):
    today = Today.now(date=D(2026, 5, 15))
    in_sql = set(Task.objects.filter(after_extension_q()).values_list("pk", flat=True))
    assert in_sql == {finished["after"].pk}
    for task in Task.objects.all():
        assert done_after_extension(task) == (task.pk in in_sql), task.content
        assert timeliness_of(task, today) == Timeliness.DONE_ON_TIME  # unchanged
    with translation.override("vi"):
        labels = {key: timeliness_label(t, timeliness_of(t, today)) for key, t in finished.items()}
    assert labels == {
        "plain": ON_TIME, "extended_early": ON_TIME, "on_original": ON_TIME,
        "after": AFTER_EXTENSION,
    }  # fmt: skip


def _badges(html: str) -> list[str]:
    return [
        unescape(part.split(">", 1)[1].split("</span>", 1)[0])
        for part in html.split('<span class="cd-badge')[1:]
    ]


def test_the_task_page_the_list_the_directive_page_and_the_export_say_after_an_extension(
    client, people, finished
):
    client.force_login(people.unit_staff)
    after, plain = finished["after"], finished["plain"]
    with at_16_local(D(2026, 5, 15)):
        page = client.get(reverse("directives:task_detail", args=[after.pk])).content.decode()
        assert _badges(page)[0] == AFTER_EXTENSION
        page = client.get(reverse("directives:task_detail", args=[plain.pk])).content.decode()
        assert _badges(page)[0] == ON_TIME

        listed = client.get(reverse("directives:task_list"), {"sort": "assigned"})
        rows = listed.content.decode().split("<tbody>", 1)[1].split("<tr")[1:]
        by_content = {unescape(row).split("</a>")[0].rsplit(">", 1)[1]: row for row in rows}
        assert _badges(by_content[after.content]) == [AFTER_EXTENSION]
        assert _badges(by_content[plain.content]) == [ON_TIME]

        directive = client.get(
            reverse("directives:directive_detail", args=[after.directive_id])
        ).content.decode()
        assert _badges(directive) == [AFTER_EXTENSION]

        export = client.get(reverse("directives:task_list"), {"format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
        header = [cell.value for cell in sheet[1]]
        task_col, timeliness_col = header.index("Nhiệm vụ"), header.index("Tình trạng thời hạn")
        exported = {
            row[task_col]: row[timeliness_col] for row in sheet.iter_rows(2, values_only=True)
        }
    assert exported[after.content] == AFTER_EXTENSION
    assert exported[plain.content] == ON_TIME
    assert exported[finished["on_original"].content] == ON_TIME


def test_the_home_shelves_say_after_an_extension(finished):
    today = Today.now(date=D(2026, 5, 15))
    rows = TaskRow.many(finished.values(), today)
    with translation.override("vi"):
        lines = render_to_string("directives/_shelf_lines.html", {"rows": rows})
        shelf = Shelf("done", "Xong", len(rows), rows, "", lines=lines)
        html = render_to_string(
            "directives/_home_panels.html", {"panels": [Panel("unit", "Đơn vị", [shelf])]}
        )
    assert _badges(html) == [ON_TIME, ON_TIME, ON_TIME, AFTER_EXTENSION]


def test_a_part_done_within_its_extension_says_so_on_its_parents_page(client, org, people):
    with at_16_local(D(2026, 3, 2)):
        (task,) = issue(
            people.specialist, org, people,
            TaskSpec(content=TASK, lead_unit=org.finance, deadline_date=D(2026, 4, 30)),
        )  # fmt: skip
        actions.receive(people.unit_head, task)
        part = actions.subassign(
            people.unit_head, task,
            TaskSpec(content=PART, lead_unit=org.finance_sub, deadline_date=ORIGINAL),
        )  # fmt: skip
        actions.receive(people.sub_staff, part)
        extension = actions.request_extension(
            people.sub_staff, part, proposed_date=EXTENDED, reason="Chờ số liệu của Kho bạc"
        )
        actions.decide_extension(people.unit_head, extension, approve=True)
    with at_16_local(D(2026, 4, 10)):
        actions.report_done(people.sub_staff, part, result="Đã rà soát xong")
        actions.propose_closing(people.unit_staff, part)
        actions.confirm(people.unit_head, part)
    client.force_login(people.unit_staff)
    with at_16_local(D(2026, 4, 10)):
        html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    children = html.split('id="children-title"', 1)[1].split("</section>", 1)[0]
    assert _badges(children) == [AFTER_EXTENSION]
    assert _badges(html)[0] != AFTER_EXTENSION  # the parent's own badge stays its own


# --- A directive a person can partly see opens ----------------------------------------------------
TASK = "Tham mưu phân bổ vốn đầu tư công năm 2026"
PART = "Rà soát hồ sơ giải ngân của Chi cục"
REPORT = "Báo cáo tình hình giải ngân hằng tháng"
PERIOD_PART = "Số liệu giải ngân tháng 3 của Chi cục"
MORNING = datetime.datetime(2026, 3, 5, 2, tzinfo=datetime.UTC)


@pytest.fixture
def partly(org, people):
    """A letter whose task Sở Tài chính hands part of to its branch, with the letter's own
    document; a monthly report whose March period it does the same with."""
    with time_machine.travel(MORNING, tick=False):
        (task,) = issue(
            people.specialist, org, people,
            TaskSpec(content=TASK, lead_unit=org.finance, deadline_date=ORIGINAL),
            files=[upload("Công văn 101-UBND-KT.pdf", pdf())],
        )  # fmt: skip
        actions.receive(people.unit_head, task)
        part = actions.subassign(
            people.unit_head, task,
            TaskSpec(content=PART, lead_unit=org.finance_sub, deadline_date=D(2026, 3, 25)),
        )  # fmt: skip
        series, _march = issue(  # the series, and its March period opened at once
            people.specialist, org, people,
            TaskSpec(content=REPORT, lead_unit=org.finance, deadline_kind=DeadlineKind.RECURRING,
                     recurrence="monthly", recurrence_day=20),
            files=[upload("Công văn 102-UBND-KT.pdf", pdf())],
        )  # fmt: skip
        march = actions.receive(people.unit_head, series.occurrences.get())
        period_part = actions.subassign(
            people.unit_head, march,
            TaskSpec(content=PERIOD_PART, lead_unit=org.finance_sub, deadline_date=D(2026, 3, 18)),
        )  # fmt: skip
    return {"task": task, "part": part, "series": series, "march": march,
            "period_part": period_part}  # fmt: skip


def _listed(client, directive_id) -> tuple[int, list[int]]:
    with time_machine.travel(MORNING, tick=False):
        response = client.get(reverse("directives:directive_detail", args=[directive_id]))
    html = response.content.decode()
    links = html.split('class="list-group"', 1)[-1]
    pks = [
        int(chunk.split("/", 1)[0])
        for chunk in links.split('href="/tasks/')[1:]
        if chunk.split("/", 1)[0].isdigit()
    ]
    return response.status_code, pks


def test_a_branch_sees_the_directive_with_only_the_part_handed_down_to_it(client, people, partly):
    client.force_login(people.sub_staff)
    status, listed = _listed(client, partly["task"].directive_id)
    assert (status, listed) == (200, [partly["part"].pk])
    html = client.get(
        reverse("directives:directive_detail", args=[partly["task"].directive_id])
    ).content.decode()
    assert PART in html and TASK not in html


def test_a_branch_sees_the_report_with_only_its_part_of_one_period(client, people, partly):
    client.force_login(people.sub_staff)
    status, listed = _listed(client, partly["series"].directive_id)
    assert (status, listed) == (200, [partly["period_part"].pk])


def test_those_who_see_the_whole_still_see_the_tasks_at_the_top(client, people, partly):
    for who in ("unit_staff", "specialist", "leader"):
        client.force_login(getattr(people, who))
        assert _listed(client, partly["task"].directive_id) == (200, [partly["task"].pk]), who
        assert _listed(client, partly["series"].directive_id) == (200, [partly["series"].pk]), who


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_directives_page_and_its_document_answer_alike(client, people, partly, persona):
    client.force_login(getattr(people, persona))
    for directive_id in (partly["task"].directive_id, partly["series"].directive_id):
        document = Attachment.objects.get(directive_id=directive_id, task__isnull=True)
        with time_machine.travel(MORNING, tick=False):
            page = client.get(reverse("directives:directive_detail", args=[directive_id]))
            download = client.get(reverse("directives:download", args=[document.pk]))
        assert page.status_code == download.status_code, persona
        sees_none = persona in ("other_staff", "commune_leader", "commune_staff",
                                "commune_specialist", "outsider", "nobody")  # fmt: skip
        assert page.status_code == (404 if sees_none else 200), persona
