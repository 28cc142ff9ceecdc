"""Difficulties end with their task (item 9 of issue 9): one still awaiting guidance when its task
is done, suspended or cancelled is closed as no longer needed, with its event, in the same
transaction; finished tasks never show among those with open difficulties."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.db import transaction
from django.utils import translation

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Difficulty, EventKind, State, Task, TaskEvent
from chidao.directives.tests.conftest import issue

D = datetime.date
TEXT = "Chưa có hướng dẫn của Bộ về định mức phân bổ"
CLOSED_AT = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)  # 16:00 on 20/03 in Hà Nội


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def working(task, people):
    actions.receive(people.unit_staff, task)
    return actions.post_progress(people.unit_staff, task, "Đã có dự thảo", 40)


def _raise(people, task, who="unit_staff", text=TEXT):
    return actions.raise_difficulty(getattr(people, who), task, text)


def _done(people, task):
    actions.report_done(people.unit_staff, task, result="Đã trình phương án")
    actions.propose_closing(people.specialist, task)
    return actions.confirm(people.office_leader, task)


ENDINGS = {
    "done": (State.DONE, _done),
    "suspended": (
        State.SUSPENDED,
        lambda people, task: actions.suspend(people.leader, task, "Chờ chủ trương mới"),
    ),
    "cancelled": (
        State.CANCELLED,
        lambda people, task: actions.cancel(people.office_leader, task, "Không còn phù hợp"),
    ),
}
ENDER = {"done": "office_leader", "suspended": "leader", "cancelled": "office_leader"}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_an_open_difficulty_is_closed_as_no_longer_needed_when_its_task_ends(
    working, people, ending
):
    state, end = ENDINGS[ending]
    first = _raise(people, working)
    second = _raise(people, working, "specialist", "Thiếu số liệu của các xã")
    actions.escalate_difficulty(people.division_head, second)
    answered = _raise(people, working, text="Chưa rõ nguồn vốn")
    actions.answer_difficulty(people.division_head, answered, "Dùng nguồn tăng thu")

    with time_machine.travel(CLOSED_AT, tick=False):
        task = end(people, working)

    assert task.state == state
    for difficulty in (first, second):
        difficulty.refresh_from_db()
        assert not difficulty.is_open
        assert difficulty.no_longer_needed
        assert difficulty.closed_because == state
        assert difficulty.closed_at == CLOSED_AT
        assert (difficulty.guidance, difficulty.answered_by, difficulty.answered_at) == (
            "", None, None
        )  # fmt: skip
    answered.refresh_from_db()
    assert not answered.no_longer_needed
    assert answered.guidance == "Dùng nguồn tăng thu"
    assert answered.closed_at is None

    events = list(Task.objects.get(pk=task.pk).events.order_by("seq"))
    closing = [e for e in events if e.kind == EventKind.DIFFICULTY_CLOSED]
    assert [e.data for e in closing] == [
        {"difficulty": first.pk, "text": TEXT, "because": ending},
        {"difficulty": second.pk, "text": "Thiếu số liệu của các xã", "because": ending},
    ]
    assert all(e.actor == getattr(people, ENDER[ending]) for e in closing)
    # Right after the step that ended the task, at the same moment.
    assert events[-3].kind == {"done": "confirmed"}.get(ending, ending)
    assert events[-2:] == closing
    assert {e.at for e in events[-3:]} == {CLOSED_AT}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_the_closing_events_keep_the_timeline_intact(working, people, ending):
    from chidao.directives import timeline

    _raise(people, working)
    task = ENDINGS[ending][1](people, working)
    assert timeline.verify(Task.objects.get(pk=task.pk)) is None


def test_a_task_without_open_difficulties_ends_with_no_extra_event(working, people):
    actions.answer_difficulty(people.division_head, _raise(people, working), "Dùng nguồn tăng thu")
    task = _done(people, working)
    assert not task.events.filter(kind=EventKind.DIFFICULTY_CLOSED).exists()
    assert task.events.order_by("seq").last().kind == EventKind.CONFIRMED


@pytest.mark.parametrize("step", ["report", "propose", "return"])
def test_a_difficulty_stays_open_while_the_task_is_open(working, people, step):
    """Reported, proposed or returned, the task is still open: its difficulty may still be
    answered (only a pending extension is closed at the report, as it was)."""
    difficulty = _raise(people, working)
    actions.report_done(people.unit_staff, working, result="Đã trình phương án")
    if step in ("propose", "return"):
        actions.propose_closing(people.specialist, working)
    if step == "return":
        actions.return_task(people.office_leader, working, "Thiếu phụ lục")
    difficulty.refresh_from_db()
    assert difficulty.is_open and not difficulty.no_longer_needed
    assert list(Task.objects.with_open_difficulties()) == [working]
    actions.answer_difficulty(people.division_head, difficulty, "Dùng nguồn tăng thu")


def test_a_closed_difficulty_can_no_longer_be_answered_or_passed_up(working, people):
    difficulty = _raise(people, working)
    task = actions.suspend(people.leader, working, "Chờ chủ trương mới")
    actions.reopen(people.office_leader, task, "Tiếp tục thực hiện")
    before = Task.objects.get(pk=working.pk).event_count
    with translation.override("en"), pytest.raises(actions.WorkflowError) as error:
        actions.answer_difficulty(people.division_head, difficulty, "Ý kiến muộn")
    assert error.value.messages == [
        "This difficulty was closed as no longer needed when its task ended."
    ]
    with pytest.raises(actions.WorkflowError):
        actions.escalate_difficulty(people.division_head, difficulty)
    difficulty.refresh_from_db()
    assert (difficulty.closed_because, difficulty.guidance) == (State.SUSPENDED, "")
    assert Task.objects.get(pk=working.pk).event_count == before
    # Reopened, the unit raises it again if it still stands.
    assert _raise(people, working).is_open


def test_the_closing_is_undone_with_the_step_that_failed(working, people, monkeypatch):
    """Same transaction: if anything after the closing fails, the task is not suspended and the
    difficulty is still open."""
    from chidao.directives.actions import workflow

    difficulty = _raise(people, working)
    real = workflow.close_open_difficulties

    def close_then_fail(actor, task):
        real(actor, task)
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "close_open_difficulties", close_then_fail)
    events = TaskEvent.objects.count()
    with pytest.raises(RuntimeError):
        actions.suspend(people.leader, working, "Chờ chủ trương mới")
    difficulty.refresh_from_db()
    assert difficulty.is_open and not difficulty.no_longer_needed
    assert Task.objects.get(pk=working.pk).state == State.IN_PROGRESS
    assert TaskEvent.objects.count() == events


def test_only_open_tasks_are_listed_with_open_difficulties(org, people, working):
    quiet, legacy = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát nợ đọng", lead_unit=org.finance, deadline_date=D(2026, 4, 30)),
        TaskSpec(content="Quyết toán năm 2025", lead_unit=org.finance,
                 deadline_date=D(2026, 4, 30)),
    )  # fmt: skip
    _raise(people, working)
    _raise(people, quiet)
    actions.cancel(people.office_leader, quiet, "Không còn phù hợp")
    # A difficulty left open on a finished task before this rule (older data).
    _raise(people, legacy)
    with transaction.atomic():
        Task.objects.filter(pk=legacy.pk).update(state=State.DONE)
    assert Difficulty.objects.filter(task=legacy, is_open=True).exists()

    assert list(Task.objects.with_open_difficulties()) == [working]
    assert list(Task.objects.filter(pk=legacy.pk).with_open_difficulties()) == []


def _difficulty_cards(html: str) -> str:
    return re.search(r'id="difficulty-title".*?</section>', html, re.S).group(0)


def _timeline(html: str) -> str:
    return re.search(r'<ol class="cd-timeline" id="timeline">(.*?)</ol>', html, re.S).group(1)


@pytest.mark.parametrize(
    ("language", "closed", "because", "kind"),
    [
        ("vi", "đã đóng ngày 20/03/2026, không cần ý kiến chỉ đạo",
         "Không còn cần xử lý: nhiệm vụ đã tạm dừng.",
         "Đóng khó khăn, vướng mắc: không còn cần xử lý"),
        ("en", "closed without guidance on 20/03/2026",
         "No longer needed: the task was suspended.", "Difficulty closed: no longer needed"),
    ],
)  # fmt: skip
def test_the_task_page_tells_a_closed_difficulty_from_an_answered_one(
    client, working, people, settings, language, closed, because, kind
):
    settings.LANGUAGE_CODE = language
    settings.LANGUAGES = [(language, language)]
    answered = _raise(people, working, text="Chưa rõ nguồn vốn")
    actions.answer_difficulty(people.division_head, answered, "Dùng nguồn tăng thu")
    difficulty = _raise(people, working)
    with time_machine.travel(CLOSED_AT, tick=False):
        actions.suspend(people.leader, working, "Chờ chủ trương mới")
    client.force_login(people.unit_staff)

    html = client.get(f"/tasks/{working.pk}/").content.decode()

    cards = unescape(_difficulty_cards(html))
    assert f'id="difficulty-{difficulty.pk}-closed"' in cards
    assert f'id="difficulty-{answered.pk}-closed"' not in cards
    assert closed in cards and because in cards
    assert cards.count(because) == 1  # the answered one is not said to be closed
    timeline = unescape(_timeline(html))
    assert f"<strong>{kind}</strong>" in timeline
    assert because in timeline and TEXT in timeline
