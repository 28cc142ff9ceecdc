"""Đôn đốc: urging a lead unit on the record, one task from its page or all of a unit's overdue
tasks from the task list; the list's "urged N times or more" and the dashboard's column."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from chidao.board import stats
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import EventKind, State, Task, TaskEvent
from chidao.directives.tests.conftest import issue

LATE = datetime.datetime(2026, 4, 2, 3, tzinfo=datetime.UTC)  # 10:00 on 02/04/2026, overdue
MESSAGE = "Đề nghị Sở khẩn trương hoàn thành, báo cáo trước ngày 10/4."


@pytest.fixture(autouse=True)
def _late():
    with time_machine.travel(LATE, tick=False):
        yield


def urge_url(task):
    return f"/tasks/{task.pk}/urge/"


def written(task):
    task = Task.objects.get(pk=task.pk)
    return task.urged_count, task.event_count


# --- One task, from its page --------------------------------------------------------------------
@pytest.mark.parametrize("who", ["specialist", "division_head", "office_leader", "specialist_th"])
def test_the_office_urges_a_task_from_its_page(client, task, people, who):
    client.force_login(getattr(people, who))
    response = client.post(urge_url(task), {"urge-message": MESSAGE})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.urged_count == 1
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor, event.data) == (
        EventKind.URGED,
        getattr(people, who),
        {"message": MESSAGE},
    )
    assert task.state == State.ASSIGNED  # urging changes no state


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("unit_staff", 403),
        ("unit_head", 403),
        ("leader", 403),  # a committee leader gives his opinion; urging is the Office's
        ("viewer", 403),
        ("commune_leader", 404),  # the leader of another committee does not see it
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_others_may_not_urge_and_nothing_is_written(client, task, people, who, status):
    before = written(task)
    client.force_login(getattr(people, who))
    assert client.post(urge_url(task), {"urge-message": MESSAGE}).status_code == status
    assert written(task) == before
    assert not TaskEvent.objects.filter(kind=EventKind.URGED).exists()


def test_the_step_is_offered_only_to_those_who_may_urge(client, task, people):
    client.force_login(people.specialist)
    assert 'id="step-urge"' in client.get(f"/tasks/{task.pk}/").content.decode()
    client.force_login(people.unit_staff)
    assert 'id="step-urge"' not in client.get(f"/tasks/{task.pk}/").content.decode()


def test_a_closed_task_is_not_urged_and_the_refusal_says_why_in_vietnamese(client, task, people):
    actions.cancel(people.office_leader, task, "Không còn phù hợp")
    before = written(task)
    client.force_login(people.specialist)
    response = client.post(urge_url(task), {"urge-message": MESSAGE})
    assert response.status_code == 422
    assert "Không thể đôn đốc: nhiệm vụ đang ở trạng thái đã hủy." in response.content.decode()
    assert written(task) == before


@pytest.mark.parametrize("message", ["", "   ", "x" * 501])
def test_an_empty_or_too_long_message_is_refused(client, task, people, message):
    before = written(task)
    client.force_login(people.specialist)
    response = client.post(urge_url(task), {"urge-message": message})
    assert response.status_code == 422
    assert written(task) == before
    with pytest.raises(ValidationError) as error:
        actions.urge(people.specialist, task, message)
    assert "message" in error.value.message_dict
    assert written(task) == before


def test_the_action_checks_the_right_itself(task, people):
    with pytest.raises(PermissionDenied):
        actions.urge(people.unit_head, task, MESSAGE)
    assert written(task) == (0, 1)


def test_the_urging_is_shown_on_the_timeline(client, task, people):
    actions.urge(people.specialist, task, MESSAGE)
    client.force_login(people.unit_staff)  # the urged unit reads it
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "<strong>Đôn đốc</strong>" in page
    assert MESSAGE in page


def test_urging_is_not_the_units_update_and_counts_every_time(task, people):
    before = Task.objects.get(pk=task.pk).last_update_at
    actions.urge(people.specialist, task, MESSAGE)
    actions.urge(people.office_leader, task, "Nhắc lần hai")
    task = Task.objects.get(pk=task.pk)
    assert (task.urged_count, task.last_update_at) == (2, before)


# --- All of a unit's overdue tasks, from the list -----------------------------------------------
@pytest.fixture
def overdue(org, people):
    """Sở Tài chính: two tasks overdue, one within its deadline, one reported; Sở Y tế: one
    overdue. UBND xã A: one overdue task from the province, and one part Sở Tài chính handed
    down to it (overseen by Sở Tài chính, not by the province's Office)."""

    def spec(content, unit, deadline):
        return TaskSpec(content=content, lead_unit=unit, deadline_date=deadline)

    march, may = datetime.date(2026, 3, 31), datetime.date(2026, 5, 29)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 3, tzinfo=datetime.UTC), tick=False):
        a, b, within, done, health, commune = issue(
            people.specialist, org, people,
            spec("Quá hạn một", org.finance, march),
            spec("Quá hạn hai", org.finance, march),
            spec("Còn hạn", org.finance, may),
            spec("Đã báo cáo", org.finance, march),
            spec("Của Sở Y tế", org.health, march),
            spec("Của xã, do tỉnh giao", org.commune_a, march),
        )  # fmt: skip
        actions.receive(people.unit_staff, done)
        actions.report_done(people.unit_head, done, result="Xong")
        actions.receive(people.unit_staff, a)
        part = actions.subassign(
            people.unit_head, a, spec("Phần việc của xã", org.commune_a, datetime.date(2026, 3, 25))
        )
    return {"a": a, "b": b, "within": within, "done": done, "health": health,
            "commune": commune, "part": part}  # fmt: skip


def test_the_list_filtered_to_a_units_overdue_offers_to_urge_them_all(client, org, people, overdue):
    query = f"/tasks/?unit={org.finance.pk}&timeliness=overdue"
    client.force_login(people.specialist)
    page = client.get(query).content.decode()
    assert "Đôn đốc tất cả 2 nhiệm vụ quá hạn" in page
    unit = f"/tasks/?unit={org.finance.pk}"
    for other in ("/tasks/?timeliness=overdue", unit, f"{unit}&timeliness=overdue&subunits=on",
                  f"{unit}&timeliness=overdue&timeliness=due_soon"):  # fmt: skip
        assert 'id="urge-overdue"' not in client.get(other).content.decode()
    client.force_login(people.unit_head)
    assert 'id="urge-overdue"' not in client.get(query).content.decode()


def test_urging_them_all_gives_each_overdue_task_its_own_event(client, org, people, overdue):
    back = f"/tasks/?unit={org.finance.pk}&timeliness=overdue"
    client.force_login(people.division_head)
    response = client.post(
        "/tasks/urge-overdue/", {"unit": org.finance.pk, "message": MESSAGE, "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    urged = TaskEvent.objects.filter(kind=EventKind.URGED)
    assert sorted(e.task_id for e in urged) == sorted([overdue["a"].pk, overdue["b"].pk])
    assert all(e.data == {"message": MESSAGE, "bulk": True} for e in urged)
    assert all(e.actor == people.division_head for e in urged)
    counts = dict(Task.objects.values_list("pk", "urged_count"))
    names = ("a", "b", "within", "done", "health")
    assert [counts[overdue[k].pk] for k in names] == [1, 1, 0, 0, 0]
    page = client.get(back).content.decode()
    assert "Đã đôn đốc 2 nhiệm vụ quá hạn của Sở Tài chính." in page
    # And on the timeline, marked as part of the all-at-once urging.
    page = client.get(f"/tasks/{overdue['a'].pk}/").content.decode()
    assert "Đôn đốc cùng các nhiệm vụ quá hạn khác của đơn vị" in page


def test_tasks_the_person_may_not_urge_are_skipped_and_counted(org, people, overdue):
    """The province's specialist sees the part Sở Tài chính handed down to the commune, but it
    is Sở Tài chính's to oversee: only the province's own task is urged."""
    result = actions.urge_overdue(people.specialist, org.commune_a, MESSAGE)
    assert (result.urged, result.skipped) == (1, 1)
    assert Task.objects.get(pk=overdue["commune"].pk).urged_count == 1
    assert Task.objects.get(pk=overdue["part"].pk).urged_count == 0


def test_the_skipped_count_is_in_the_confirmation(client, org, people, overdue):
    client.force_login(people.specialist)
    response = client.post(
        "/tasks/urge-overdue/", {"unit": org.commune_a.pk, "message": MESSAGE}, follow=True
    )
    page = response.content.decode()
    assert "Đã đôn đốc 1 nhiệm vụ quá hạn của Ủy ban nhân dân xã A." in page
    assert "Bỏ qua 1 nhiệm vụ" in page


def test_urging_them_all_is_one_transaction(org, people, overdue, monkeypatch):
    """A failure half-way (the database, say) leaves none of the tasks urged."""
    from chidao.directives import timeline

    real, calls = timeline.record, []

    def failing(task, kind, actor, **data):
        calls.append(task.pk)
        if len(calls) == 2:
            raise RuntimeError("database gone")
        return real(task, kind, actor, **data)

    monkeypatch.setattr(timeline, "record", failing)
    with pytest.raises(RuntimeError):
        actions.urge_overdue(people.specialist, org.finance, MESSAGE)
    assert len(calls) == 2
    assert not TaskEvent.objects.filter(kind=EventKind.URGED).exists()
    assert not Task.objects.filter(urged_count__gt=0).exists()


@pytest.mark.parametrize("message", ["", "x" * 501])
def test_urging_them_all_needs_a_message_and_writes_nothing_without(
    client, org, people, overdue, message
):
    client.force_login(people.specialist)
    response = client.post(
        "/tasks/urge-overdue/", {"unit": org.finance.pk, "message": message}, follow=True
    )
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not TaskEvent.objects.filter(kind=EventKind.URGED).exists()


def test_unit_staff_urging_them_all_urge_nothing(client, org, people, overdue):
    client.force_login(people.unit_staff)
    client.post("/tasks/urge-overdue/", {"unit": org.finance.pk, "message": MESSAGE})
    assert not TaskEvent.objects.filter(kind=EventKind.URGED).exists()


# --- The list filter and the dashboard ----------------------------------------------------------
def list_pks(client, query):
    page = client.get(f"/tasks/?{query}").content.decode()
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', page)}


def test_the_list_filters_tasks_urged_n_times_or_more(client, people, overdue):
    a, b = overdue["a"], overdue["b"]
    actions.urge(people.specialist, a, "Lần một")
    actions.urge(people.specialist, a, "Lần hai")
    actions.urge(people.specialist, b, "Lần một")
    client.force_login(people.office_leader)
    assert list_pks(client, "urged_min=1") == {a.pk, b.pk}
    assert list_pks(client, "urged_min=2") == {a.pk}
    assert list_pks(client, "urged_min=3") == set()
    assert len(list_pks(client, "urged_min=0")) == 7  # invalid: reported and left out


def test_the_dashboard_counts_urgings_per_unit_in_the_period(client, org, people, overdue):
    a, b, health = overdue["a"], overdue["b"], overdue["health"]
    actions.urge(people.specialist, a, "Lần một")
    actions.urge(people.specialist, a, "Lần hai")
    actions.urge(people.specialist, b, "Lần một")
    actions.urge(people.office_leader, health, "Lần một")
    with time_machine.travel(datetime.datetime(2026, 5, 4, 3, tzinfo=datetime.UTC), tick=False):
        actions.urge(people.office_leader, health, "Sau kỳ")  # after the period: not counted
    scope = stats.Scope(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    board = stats.build(people.office_leader, scope)
    urged = {row.label: row.urged for row in board.ranking}
    assert urged == {"Sở Tài chính": 3, "Sở Y tế": 1, "Ủy ban nhân dân xã A": 0}

    client.force_login(people.office_leader)
    page = client.get("/dashboard/?start=01/03/2026&end=30/04/2026").content.decode()
    assert '<td class="cd-urged">3</td>' in page
