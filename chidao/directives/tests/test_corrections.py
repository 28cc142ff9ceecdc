"""Đính chính: a task's or a directive's entry errors corrected with a reason, before and after on
the timeline, the units concerned told, refused to the units themselves; a corrected lead unit
takes the task over as new, a corrected deadline is no extension, closed figures stay closed."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from chidao.board import stats
from chidao.board.tests.test_every_number import _list_count
from chidao.conftest import make_person, make_unit
from chidao.directives import actions, freshness, timeline
from chidao.directives.actions import TaskSpec, WorkflowError
from chidao.directives.models import (
    Attachment,
    Cooperation,
    Decision,
    DirectiveKind,
    EventKind,
    Priority,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import Today
from chidao.notifications.models import Channel, Notification
from chidao.org.models import Role, UnitKind
from chidao.org.permissions import Action, check
from chidao.reports import freezing, periods
from chidao.reports.models import FrozenTask

MORNING = datetime.datetime(2026, 3, 5, 2, tzinfo=datetime.UTC)  # 09:00 on 05/03/2026, Hà Nội
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False), translation.override("en"):
        yield


@pytest.fixture
def builders(org):
    """Sở Xây dựng, with its own staff, involved in nothing yet."""
    unit = make_unit(org.province, UnitKind.DEPARTMENT, "Sở Xây dựng", "SXD")
    return unit, make_person("builder_staff", unit, Role.UNIT_STAFF)


def refresh(task):
    return Task.objects.get(pk=task.pk)


def last(task):
    return task.events.order_by("-seq").first()


def told(event) -> set[str]:
    return set(
        Notification.objects.filter(event=event, channel=Channel.IN_APP).values_list(
            "recipient__username", flat=True
        )
    )


def snapshot(task):
    return (
        Task.objects.values().get(pk=task.pk),
        list(Cooperation.objects.filter(task=task).values_list("unit_id", flat=True)),
        TaskEvent.objects.count(),
        Notification.objects.count(),
    )


def page(client, person, task):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.get(f"/tasks/{task.pk}/")


def post_correction(client, person, task, **fields):
    """The task page's correction form as it stands, with ``fields`` changed."""
    data = {
        "edit-content": task.content,
        "edit-lead_unit": task.lead_unit_id,
        "edit-cooperating_units": [c.unit_id for c in task.cooperations.all()],
        "edit-deadline": f"{task.deadline:%d/%m/%Y}" if task.deadline else "",
        "edit-directing_leader": task.directing_leader_id or "",
        "edit-specialist": task.specialist_id or "",
        "edit-sector_block": task.sector_block_id or "",
        "edit-priority": task.priority,
        "edit-product": task.product,
        "edit-reason": "Nhập nhầm khi vào sổ",
    }
    if task.product_is_committee_document:
        data["edit-product_is_committee_document"] = "on"
    if task.directive.is_confidential:
        data["edit-is_confidential"] = "on"
    for name, value in fields.items():
        if value is None:
            data.pop(f"edit-{name}", None)
        else:
            data[f"edit-{name}"] = value
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(f"/tasks/{task.pk}/edit/", data)


# --- Each field, before → after on the timeline ----------------------------------------------
def _field_cases(org, people, builders):
    unit, _staff = builders
    return {
        "content": ("content", "Tham mưu phân bổ vốn đầu tư công năm 2026 (đính chính)",
                    "Tham mưu phân bổ vốn đầu tư công năm 2026 (đính chính)"),
        "product": ("product", "Quyết định của UBND tỉnh", "Quyết định của UBND tỉnh"),
        "priority": ("priority", Priority.URGENT, "Urgent"),
        "directing_leader": ("directing_leader", None, "—"),
        "specialist": ("specialist", people.specialist_th, people.specialist_th.full_name),
        "sector_block": ("sector_block", org.block_kt, "Khối Kinh tế"),
        "cooperating_units": ("cooperating_units", [org.health, unit], "Sở Y tế, Sở Xây dựng"),
        "lead_unit": ("lead_unit", unit, "Sở Xây dựng"),
        "deadline": ("deadline", D(2026, 4, 24), "24/04/2026"),
        "is_confidential": ("is_confidential", True, "Yes"),
    }  # fmt: skip


FIELDS = [
    "content", "product", "priority", "directing_leader", "specialist", "sector_block",
    "cooperating_units", "lead_unit", "deadline", "is_confidential",
]  # fmt: skip


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_is_corrected_with_its_reason_and_shown_before_and_after(
    client, org, people, builders, task, field
):
    name, value, shown = _field_cases(org, people, builders)[field]
    if field == "sector_block":
        Task.objects.filter(pk=task.pk).update(sector_block=None)
        task = refresh(task)

    actions.correct_task(people.specialist, task, "  Nhập nhầm khi vào sổ  ", **{name: value})

    task = refresh(task)
    event = last(task)
    assert (event.kind, event.actor) == (EventKind.EDITED, people.specialist)
    assert event.data["reason"] == "Nhập nhầm khi vào sổ"
    assert field in event.data["changes"]
    assert timeline.verify(task) is None
    change = next(c for c in timeline.changes_of(event.data) if c.after == shown)
    text = html.unescape(page(client, people.office_leader, task).content.decode())
    assert f"{change.label}: {change.before} → {shown}" in re.sub(r"<[^>]+>", "", text)
    assert "Nhập nhầm khi vào sổ" in text


def test_a_correction_needs_a_reason_and_a_change(task, people):
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.correct_task(people.specialist, task, "  ", priority=Priority.URGENT)
    assert "reason" in error.value.message_dict
    with pytest.raises(WorkflowError) as error:
        actions.correct_task(people.specialist, task, "Sửa", priority=task.priority)
    assert error.value.code == "no_change"
    assert snapshot(task) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": "   "}, "content"),
        ({"directing_leader": "office_leader"}, "directing_leader"),
        ({"lead_unit": "commune_a_econ"}, "lead_unit"),
        ({"lead_unit": "health"}, "cooperating_units"),
        ({"deadline": D(2026, 3, 1)}, "deadline"),  # before the assignment
        ({"deadline": D(2032, 1, 1)}, "deadline"),  # more than five years after the directive
    ],
    ids=["empty", "not-a-leader", "not-its-committee", "lead-and-cooperating", "early", "far"],
)
def test_a_wrong_correction_changes_nothing(task, org, people, changes, field):
    named = {k: v for k, v in changes.items() if isinstance(v, str) and k != "content"}
    found = {k: getattr(people, v, None) or getattr(org, v) for k, v in named.items()}
    values = {**changes, **found}
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.correct_task(people.specialist, task, "Sửa", priority=Priority.URGENT, **values)
    assert field in error.value.message_dict
    assert snapshot(task) == before


# --- Who may correct ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["unit_head", "unit_staff", "other_staff"])
def test_the_units_may_not_correct_a_task_403_and_nothing_changes(client, task, people, who):
    before = snapshot(task)
    response = post_correction(client, getattr(people, who), task, priority=Priority.URGENT)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.correct_task(getattr(people, who), task, "Sửa", priority=Priority.URGENT)
    assert snapshot(task) == before
    assert "step-edit" not in page(client, getattr(people, who), task).content.decode()


def test_a_person_who_does_not_see_the_task_gets_404(client, task, people):
    before = snapshot(task)
    assert post_correction(client, people.outsider, task, priority="urgent").status_code == 404
    assert snapshot(task) == before


@pytest.mark.parametrize("who", ["specialist", "office_leader", "division_head"])
def test_the_office_corrects_on_the_task_page(client, task, people, who):
    assert 'id="step-edit"' in page(client, getattr(people, who), task).content.decode()
    response = post_correction(client, getattr(people, who), task, priority=Priority.URGENT)
    assert response.status_code == 302
    task = refresh(task)
    assert task.priority == Priority.URGENT
    assert last(task).data == {
        "changes": {"priority": {"before": "normal", "after": "urgent"}},
        "reason": "Nhập nhầm khi vào sổ",
    }


def test_the_correction_form_is_built_only_when_asked_for(client, task, people):
    """The task page offers the step with a link; its address shows the form, open, to those
    who may correct (403 for the unit, 404 for whoever does not see the task)."""
    url = f"/tasks/{task.pk}/edit/"
    html = page(client, people.specialist, task).content.decode()
    assert f'href="{url}#step-edit"' in html and 'name="edit-reason"' not in html
    client.force_login(people.specialist)
    opened = client.get(url)
    assert opened.status_code == 200
    shown = opened.content.decode()
    assert 'name="edit-reason"' in shown and 'open id="step-edit"' in shown
    assert f'<option value="{task.lead_unit_id}" selected>' in shown
    client.force_login(people.unit_staff)
    assert client.get(url).status_code == 403
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404


def test_a_refused_correction_on_the_page_says_why_and_saves_nothing(client, task, people):
    before = snapshot(task)
    response = post_correction(client, people.specialist, task, priority="urgent", reason="")
    assert response.status_code == 422
    assert snapshot(task) == before
    response = post_correction(client, people.specialist, task, deadline="01/03/2026")
    assert response.status_code == 422
    assert "before the day of assignment" in response.content.decode()
    assert snapshot(task) == before


# --- Notifications -----------------------------------------------------------------------------
def test_a_correction_tells_the_lead_unit_and_the_specialist(task, people):
    actions.correct_task(people.office_leader, task, "Nhập nhầm", priority=Priority.URGENT)
    assert told(last(task)) == {"unit_head", "unit_staff", "specialist"}


def test_a_new_specialist_and_the_former_one_are_both_told(task, people):
    actions.correct_task(people.office_leader, task, "Nhập nhầm", specialist=people.specialist_th)
    assert told(last(task)) == {"unit_head", "unit_staff", "specialist", "specialist_th"}


def test_cooperating_units_added_and_removed_are_told(task, org, people, builders):
    unit, _staff = builders
    actions.correct_task(people.specialist, task, "Nhập nhầm", cooperating_units=[unit])
    task = refresh(task)
    assert set(task.cooperations.values_list("unit", flat=True)) == {unit.pk}
    # Sở Y tế no longer cooperates, and no longer sees the task: it is told all the same.
    assert told(last(task)) == {"unit_head", "unit_staff", "builder_staff", "other_staff"}
    with pytest.raises(Http404):
        check(people.other_staff, Action.VIEW, task)


# --- The lead unit ----------------------------------------------------------------------------
def test_a_new_lead_unit_takes_the_task_over_as_new(client, task, org, people, builders):
    unit, staff = builders
    task = actions.receive(people.unit_head, task)
    task = actions.post_progress(people.unit_staff, task, "Đã có dự thảo", 40)
    actions.request_extension(
        people.unit_staff, task, proposed_date=D(2026, 4, 15), reason="Chờ số liệu"
    )
    # Sở Y tế cooperates on the fixture task: Sở Xây dựng takes it with nobody else involved.
    actions.correct_task(
        people.specialist, task, "Giao nhầm đơn vị", lead_unit=unit, cooperating_units=[]
    )

    task = refresh(task)
    assert (task.lead_unit, task.state, task.progress_percent) == (unit, State.ASSIGNED, None)
    assert task.extensions.get().decision == Decision.WITHDRAWN
    event = last(task)
    assert event.data["changes"]["lead_unit"] == {
        "before": {"id": org.finance.pk, "name": "Sở Tài chính"},
        "after": {"id": unit.pk, "name": "Sở Xây dựng"},
    }
    assert event.data["changes"]["state"] == {"before": "in_progress", "after": "assigned"}
    # The old and the new unit are told; the old one sees the task no more (404).
    assert told(event) == {"unit_head", "unit_staff", "builder_staff", "other_staff"}
    for person in (people.unit_head, people.unit_staff, people.sub_staff):
        assert page(client, person, task).status_code == 404
    client.force_login(people.unit_staff)
    assert not client.get("/tasks/?q=phân bổ vốn").context["page"].paginator.count
    # The new unit gets it as a new task: it receives it.
    response = page(client, staff, task)
    assert response.status_code == 200 and 'id="step-receive"' in response.content.decode()
    actions.receive(staff, task)
    assert refresh(task).state == State.RECEIVED


def test_the_statistics_follow_the_new_lead_unit(task, org, people, builders):
    unit, _staff = builders
    scope = stats.Scope(start=D(2026, 3, 1), end=D(2026, 3, 31), unit=org.province)
    before = {row.label: row.counts.total for row in stats.build(None, scope).ranking}
    assert before == {"Sở Tài chính": 1}

    actions.correct_task(people.specialist, task, "Giao nhầm", lead_unit=unit, cooperating_units=[])

    after = {row.label: row.counts.total for row in stats.build(None, scope).ranking}
    assert after == {"Sở Xây dựng": 1}
    finance = stats.Scope(start=D(2026, 3, 1), end=D(2026, 3, 31), unit=org.finance)
    assert stats.build(people.unit_head, finance).totals.total == 0


def test_the_old_unit_keeps_the_task_if_it_is_involved_otherwise(task, org, people, builders):
    unit, _staff = builders
    actions.correct_task(
        people.specialist, task, "Đổi vai", lead_unit=unit, cooperating_units=[org.finance]
    )
    check(people.unit_staff, Action.VIEW, task)  # it cooperates now: no 404


def test_a_task_already_handed_down_keeps_its_lead_unit(task, org, people, builders):
    task = actions.receive(people.unit_head, task)
    task = actions.post_progress(people.unit_staff, task, "Đang làm", 10)
    actions.subassign(
        people.unit_head,
        task,
        TaskSpec(content="Rà soát", lead_unit=org.finance_sub, deadline_date=D(2026, 3, 20)),
    )
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.correct_task(
            people.specialist, task, "Giao nhầm", lead_unit=builders[0], cooperating_units=[]
        )
    assert "lead_unit" in error.value.message_dict
    assert snapshot(task) == before


# --- The deadline -------------------------------------------------------------------------------
def test_a_corrected_deadline_moves_the_original_too_and_is_no_extension(task, people):
    actions.correct_task(people.specialist, task, "Văn bản ghi 24/4", deadline=D(2026, 4, 24))
    task = refresh(task)
    assert (task.original_deadline, task.deadline) == (D(2026, 4, 24), D(2026, 4, 24))
    assert (task.extension_count, task.deadline_corrections) == (0, 1)
    assert not task.was_extended
    assert last(task).data["changes"]["deadline"] == {"before": "2026-03-31", "after": "2026-04-24"}


def test_a_deadline_falling_on_a_day_off_is_moved_as_at_entry(task, people):
    actions.correct_task(people.specialist, task, "Nhập nhầm", deadline=D(2026, 4, 4))  # Saturday
    task = refresh(task)
    assert task.deadline == D(2026, 4, 6) and task.original_deadline == D(2026, 4, 6)
    assert task.deadline_basis


def test_an_extended_deadline_is_not_corrected(task, people):
    extension = actions.request_extension(
        people.unit_staff, task, proposed_date=D(2026, 4, 15), reason="Chờ số liệu"
    )
    actions.decide_extension(people.office_leader, extension, approve=True, date=D(2026, 4, 15))
    task = refresh(task)
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.correct_task(people.specialist, task, "Nhập nhầm", deadline=D(2026, 4, 24))
    assert "extended by decision" in error.value.message_dict["deadline"][0]
    assert snapshot(task) == before


def test_the_dashboard_counts_corrected_deadlines_each_a_link_to_exactly_them(
    client, task, org, people
):
    (other,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Báo cáo khác", lead_unit=org.finance, deadline_date=D(2026, 3, 20)),
    )  # fmt: skip
    actions.correct_task(people.specialist, task, "Nhập nhầm", deadline=D(2026, 4, 24))
    client.force_login(people.office_leader)
    response = client.get(
        "/dashboard/",
        {"start": "01/03/2026", "end": "31/03/2026", "unit": org.province.pk},
    )
    board = response.context["d"]
    assert board.deadline_corrected.value == 1
    assert board.totals.done_on_time_after_extension == 0
    href = html.unescape(re.search(r'id="deadline-corrected"[^>]*href="([^"]+)"',
                                   response.content.decode()).group(1))  # fmt: skip
    assert _list_count(client, href) == 1
    rows = client.get(href, headers={"HX-Request": "true"}).context["page"].object_list
    assert [t.pk for t in rows] == [task.pk] and other.pk != task.pk


# --- Closed periods stay closed -----------------------------------------------------------------
def test_closed_figures_do_not_change_when_a_task_is_corrected(task, org, people, builders):
    march = periods.month(2026, 3)  # 15/02 to 14/03/2026: the fixture task was assigned on 02/03
    with time_machine.travel(datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC), tick=False):
        closed = freezing.close(people.office_leader, org.province, march)
        frozen = list(FrozenTask.objects.filter(closed=closed).values())
        totals = freezing.totals(closed)
        assert [row["task_id"] for row in frozen] == [task.pk]
        actions.correct_task(
            people.specialist, task, "Giao nhầm", lead_unit=builders[0], cooperating_units=[],
            deadline=D(2026, 3, 10), specialist=people.specialist_th,
        )  # fmt: skip
        assert list(FrozenTask.objects.filter(closed=closed).values()) == frozen
        assert freezing.totals(closed) == totals
        # Today's figures beside them say what changed since, and why.
        (change,) = freezing.changes(closed, Today.now())
        assert change.task_id == task.pk and "Edited" in change.why


def test_the_stamp_of_the_data_moves_with_a_correction(task, people):
    before = freshness.stamp()
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        actions.correct_task(people.specialist, task, "Nhập nhầm", priority=Priority.URGENT)
        assert freshness.stamp() != before


# --- The directive -------------------------------------------------------------------------------
@pytest.fixture
def two_tasks(org, people):
    return issue(
        people.specialist, org, people,
        TaskSpec(content="Nhiệm vụ một", lead_unit=org.finance, deadline_date=D(2026, 3, 31)),
        TaskSpec(content="Nhiệm vụ hai", lead_unit=org.health, deadline_date=D(2026, 4, 24)),
        number=777,
    )  # fmt: skip


def test_a_directive_correction_goes_on_each_task_and_tells_their_lead_units(
    two_tasks, org, people
):
    directive = two_tasks[0].directive
    second_leader = make_person("leader_two", org.province, Role.COMMITTEE_LEADER)
    upload = SimpleUploadedFile("Văn bản đúng.pdf", PDF, content_type="application/pdf")

    actions.correct_directive(
        people.office_leader, directive, "Nhập nhầm số và ngày", files=[upload],
        number=778, symbol="ubnd-th", issued_on=D(2026, 3, 3), signer=second_leader,
        kind=DirectiveKind.PLAN, summary="Về việc triển khai kế hoạch",
    )  # fmt: skip

    directive.refresh_from_db()
    assert (directive.reference, directive.issued_on, directive.kind) == (
        "778/UBND-TH", D(2026, 3, 3), DirectiveKind.PLAN,
    )  # fmt: skip
    (added,) = Attachment.objects.filter(directive=directive, task=None)
    for task in two_tasks:
        task = refresh(task)
        event = last(task)
        assert event.kind == EventKind.DIRECTIVE_EDITED
        changes = event.data["changes"]
        assert changes["number"] == {"before": 777, "after": 778}
        assert changes["symbol"] == {"before": "UBND-KT", "after": "UBND-TH"}
        assert changes["signer"]["after"] == {"id": second_leader.pk, "name": "Leader_Two"}
        assert changes["assigned_on"] == {"before": "2026-03-02", "after": "2026-03-03"}
        assert event.data["files_added"][0]["id"] == added.pk
        assert task.assigned_on == D(2026, 3, 3)
        assert timeline.verify(task) is None
    assert told(last(two_tasks[0])) == {"unit_head", "unit_staff"}
    assert told(last(two_tasks[1])) == {"other_staff"}


def test_a_corrected_kind_moves_its_tasks_in_the_statistics_by_kind(client, two_tasks, org, people):
    """Each task keeps its directive's kind (the statistics group by it): the correction reaches
    every task at once, the dashboard seen before counts again, and each figure of the kind's
    row still opens exactly its tasks."""
    directive = two_tasks[0].directive
    other_kind = next(kind for kind in DirectiveKind if kind != directive.kind)
    client.force_login(people.office_leader)
    query = {"start": "01/03/2026", "end": "31/03/2026", "unit": org.province.pk}

    def by_kind():
        with time_machine.travel(MORNING + datetime.timedelta(minutes=10), tick=False):
            board = client.get("/dashboard/", query).context["d"]
            return {row.label: (row.counts.total, row.links["total"]) for row in board.by_kind}

    assert {label: n for label, (n, _link) in by_kind().items()} == {directive.kind.label: 2}
    actions.correct_directive(people.office_leader, directive, "Nhập nhầm loại", kind=other_kind)

    assert {t.directive_kind for t in Task.objects.filter(directive=directive)} == {other_kind}
    rows = by_kind()
    assert {label: n for label, (n, _link) in rows.items()} == {other_kind.label: 2}
    (link,) = [link for _n, link in rows.values()]
    with time_machine.travel(MORNING + datetime.timedelta(minutes=10), tick=False):
        assert _list_count(client, "/tasks/?" + link) == 2
        assert _list_count(client, f"/tasks/?kind={directive.kind}") == 0


def test_a_directive_correction_is_refused_to_units_and_when_wrong(two_tasks, org, people):
    directive = two_tasks[0].directive
    issue(people.specialist, org, people, TaskSpec(content="Khác", lead_unit=org.finance,
          deadline_date=D(2026, 3, 31)), number=900)  # fmt: skip
    before = (TaskEvent.objects.count(), list(type(directive).objects.values()))
    for who in (people.unit_head, people.unit_staff, people.leader):
        with pytest.raises(PermissionDenied):
            actions.correct_directive(who, directive, "Sửa", summary="Khác")
    with pytest.raises(Http404):
        actions.correct_directive(people.outsider, directive, "Sửa", summary="Khác")
    for wrong, field in (
        ({"number": 900}, "__all__"),  # already used this year
        ({"signer": people.office_leader}, "signer"),
        ({"issued_on": D(2026, 4, 1)}, "issued_on"),  # a task is due before it
        ({"summary": "  "}, "summary"),
    ):
        with pytest.raises(ValidationError) as error:
            actions.correct_directive(people.specialist, directive, "Sửa", **wrong)
        assert field in error.value.message_dict, wrong
    assert (TaskEvent.objects.count(), list(type(directive).objects.values())) == before


def test_the_directive_page_offers_the_correction_to_the_office_only(client, two_tasks, people):
    directive = two_tasks[0].directive
    url = f"/tasks/directives/{directive.pk}/correct/"
    client.force_login(people.unit_head)
    assert (
        'id="correct-directive"'
        not in client.get(f"/tasks/directives/{directive.pk}/").content.decode()
    )
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "summary": "y"}).status_code == 403
    client.force_login(people.specialist)
    assert (
        'id="correct-directive"'
        in client.get(f"/tasks/directives/{directive.pk}/").content.decode()
    )
    opened = client.get(url)
    form = opened.context["form"]
    # The directive's fields and its files as the entry form shows them, the files kept.
    shown = opened.content.decode()
    assert 'name="summary"' in shown and 'type="file" name="files"' in shown
    assert "Các tệp đã đính kèm vẫn được giữ." in shown
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(issued_on="02/03/2026", summary="Về việc đã đính chính", reason="Nhập nhầm")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert last(refresh(two_tasks[1])).data["changes"] == {
        "summary": {"before": "Về việc triển khai nhiệm vụ thử", "after": "Về việc đã đính chính"}
    }
    response = client.post(url, {**data, "reason": ""})
    assert response.status_code == 422


def test_confidentiality_corrected_from_a_task_is_the_directives(two_tasks, people):
    first, second = two_tasks
    actions.correct_task(people.specialist, first, "Văn bản mật", is_confidential=True)
    assert refresh(first).directive.is_confidential
    assert last(first).data["changes"] == {"is_confidential": {"before": False, "after": True}}
    event = last(second)
    assert (event.kind, event.data["changes"]) == (
        EventKind.DIRECTIVE_EDITED, {"is_confidential": {"before": False, "after": True}},
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        {"number": "abc"},
        {"issued_on": "99/99/9999"},
        {"signer": "99999999999999999999999"},
        {"kind": "nonsense"},
        {"meeting_chair": "-1"},
    ],
)
def test_malformed_input_to_the_directive_correction_is_refused_cleanly(
    client, two_tasks, people, bad
):
    directive = two_tasks[0].directive
    url = f"/tasks/directives/{directive.pk}/correct/"
    client.force_login(people.specialist)
    data = {
        "kind": "letter", "number": "777", "symbol": "UBND-KT", "issued_on": "02/03/2026",
        "signer": people.leader.pk, "summary": "Về việc khác", "reason": "Nhập nhầm", **bad,
    }  # fmt: skip
    before = (TaskEvent.objects.count(), list(type(directive).objects.values()))
    assert client.post(url, data).status_code == 422
    assert (TaskEvent.objects.count(), list(type(directive).objects.values())) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"lead_unit": "abc"},
        {"cooperating_units": ["1", "x"]},
        {"deadline": "31/02/2026"},
        {"specialist": "99999999999999999999999"},
        {"priority": "top"},
    ],
)
def test_malformed_input_to_the_task_correction_is_refused_cleanly(client, task, people, bad):
    before = snapshot(task)
    assert post_correction(client, people.specialist, task, **bad).status_code == 422
    assert snapshot(task) == before
