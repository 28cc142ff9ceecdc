"""A late completion needs its explanation report (báo cáo giải trình); difficulties (khó khăn,
vướng mắc) go up the chain division head → Office leader → directing leader until answered."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import (
    Cause,
    Difficulty,
    DirectiveKind,
    EventKind,
    LateExplanation,
    Level,
    State,
    Task,
)
from chidao.directives.tests.conftest import issue

D = datetime.date
RESULT = "Đã trình UBND tỉnh phương án phân bổ vốn"
EXPLANATION = {
    "cause": Cause.OBJECTIVE,
    "explanation": "Bộ Tài chính chậm giao kế hoạch vốn",
    "remedy": "Trình ngay khi có số liệu; phối hợp sớm với Sở Kế hoạch",
}


def at_16_local(day: datetime.date):
    """Travel to 16:00 in Hà Nội on ``day`` (09:00 UTC)."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def received(task, people):
    """The task, received by Sở Tài chính in March (due 31/03/2026)."""
    with at_16_local(D(2026, 3, 5)):
        return actions.receive(people.unit_staff, task)


def _snapshot(task):
    task = Task.objects.get(pk=task.pk)
    return (
        task.state,
        task.event_count,
        task.completed_on,
        task.result,
        LateExplanation.objects.filter(task=task).count(),
    )


# --- Late completion -----------------------------------------------------------------------------
def test_reporting_after_the_deadline_without_the_explanation_is_refused(received, people):
    before = _snapshot(received)
    with at_16_local(D(2026, 4, 1)), pytest.raises(ValidationError) as error:
        actions.report_done(people.unit_staff, received, result=RESULT)
    assert {"cause", "explanation", "remedy"} <= set(error.value.message_dict)
    assert _snapshot(received) == before
    assert before[0] == State.RECEIVED


@pytest.mark.parametrize("missing", ["cause", "explanation", "remedy"])
def test_each_part_of_the_explanation_is_required(received, people, missing):
    given = {**EXPLANATION, missing: "  " if missing != "cause" else ""}
    before = _snapshot(received)
    with at_16_local(D(2026, 4, 1)), pytest.raises(ValidationError) as error:
        actions.report_done(people.unit_staff, received, result=RESULT, late_explanation=given)
    assert set(error.value.message_dict) == {missing}
    assert _snapshot(received) == before


@pytest.mark.parametrize("cause", ["laziness", "OBJECTIVE", "khách quan"])
def test_an_unknown_cause_is_refused(received, people, cause):
    before = _snapshot(received)
    with at_16_local(D(2026, 4, 1)), pytest.raises(ValidationError) as error:
        actions.report_done(
            people.unit_staff, received, result=RESULT,
            late_explanation={**EXPLANATION, "cause": cause},
        )  # fmt: skip
    assert set(error.value.message_dict) == {"cause"}
    assert _snapshot(received) == before


def test_with_the_explanation_a_late_report_is_accepted_and_recorded(received, people):
    with at_16_local(D(2026, 4, 2)):
        actions.report_done(
            people.unit_staff, received, result=RESULT, late_explanation=EXPLANATION
        )
    task = Task.objects.get(pk=received.pk)
    assert (task.state, task.completed_on) == (State.REPORTED, D(2026, 4, 2))
    row = LateExplanation.objects.get(task=task)
    assert (row.cause, row.explanation, row.remedy) == (
        EXPLANATION["cause"],
        EXPLANATION["explanation"],
        EXPLANATION["remedy"],
    )
    assert row.submitted_by == people.unit_staff
    event = task.events.last()
    assert event.kind == EventKind.REPORTED
    assert event.data["late"] is True
    assert event.data["late_explanation"] == {
        "cause": "objective",
        "explanation": EXPLANATION["explanation"],
        "remedy": EXPLANATION["remedy"],
    }


def test_reporting_on_the_deadline_day_needs_no_explanation(received, people):
    with at_16_local(D(2026, 3, 31)):
        actions.report_done(people.unit_staff, received, result=RESULT)
    task = Task.objects.get(pk=received.pk)
    assert task.state == State.REPORTED
    assert not LateExplanation.objects.filter(task=task).exists()
    event = task.events.last()
    assert event.data["late"] is False
    assert "late_explanation" not in event.data


@pytest.mark.parametrize(
    ("utc_time", "late"),
    [
        (datetime.datetime(2026, 3, 31, 16, 30, tzinfo=datetime.UTC), False),  # 23:30 on 31/03
        (datetime.datetime(2026, 3, 31, 17, 30, tzinfo=datetime.UTC), True),  # 00:30 on 01/04
    ],
    ids=["23:30 on the deadline day in Ha Noi", "00:30 the next day in Ha Noi"],
)
def test_lateness_is_judged_on_the_day_in_ha_noi(received, people, utc_time, late):
    with time_machine.travel(utc_time, tick=False):
        if late:
            with pytest.raises(ValidationError):
                actions.report_done(people.unit_staff, received, result=RESULT)
        else:
            actions.report_done(people.unit_staff, received, result=RESULT)
    task = Task.objects.get(pk=received.pk)
    assert task.state == (State.RECEIVED if late else State.REPORTED)


def test_an_explanation_given_on_time_is_not_stored(received, people):
    with at_16_local(D(2026, 3, 30)):
        actions.report_done(
            people.unit_staff, received, result=RESULT, late_explanation=EXPLANATION
        )
    task = Task.objects.get(pk=received.pk)
    assert task.state == State.REPORTED
    assert not LateExplanation.objects.filter(task=task).exists()
    assert "late_explanation" not in task.events.last().data


# --- Difficulties --------------------------------------------------------------------------------
TEXT = "Chưa có hướng dẫn của Bộ về định mức phân bổ"


def _raise(people, task, who="unit_staff"):
    with at_16_local(D(2026, 3, 10)):
        return actions.raise_difficulty(getattr(people, who), task, TEXT)


def _difficulty_snapshot(difficulty):
    d = Difficulty.objects.get(pk=difficulty.pk)
    task = Task.objects.get(pk=d.task_id)
    return d.addressed_to, d.is_open, d.guidance, d.answered_by_id, task.event_count


@pytest.mark.parametrize("who", ["unit_staff", "unit_head", "specialist"])
def test_the_unit_or_the_specialist_raises_a_difficulty_to_the_division_head_first(
    task, people, who
):
    difficulty = _raise(people, task, who)
    assert (difficulty.raised_by, difficulty.text) == (getattr(people, who), TEXT)
    assert difficulty.addressed_to == Level.DIVISION_HEAD
    assert difficulty.is_open
    event = task.events.last()
    assert event.kind == EventKind.DIFFICULTY_RAISED
    assert event.actor == getattr(people, who)
    assert event.data == {
        "difficulty": difficulty.pk,
        "text": TEXT,
        "addressed_to": "division_head",
    }


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("other_staff", PermissionDenied),  # a cooperating unit sees the task, may not raise
        ("viewer", PermissionDenied),
        ("division_head", PermissionDenied),
        ("commune_staff", Http404),
    ],
)
def test_others_may_not_raise_a_difficulty(task, people, who, refusal):
    before = task.event_count
    with pytest.raises(refusal):
        _raise(people, task, who)
    assert not Difficulty.objects.exists()
    assert Task.objects.get(pk=task.pk).event_count == before


def test_a_difficulty_needs_its_text(task, people):
    with pytest.raises(ValidationError):
        actions.raise_difficulty(people.unit_staff, task, "   ")
    assert not Difficulty.objects.exists()


def test_a_committee_office_without_division_heads_gets_it_first_at_its_office_leaders(org, people):
    directive = actions.issue_directive(
        people.commune_specialist, issuer=org.commune_a, kind=DirectiveKind.OFFICIAL_LETTER,
        number=5, symbol="UBND", issued_on=D(2026, 3, 2), signer=people.commune_leader,
        summary="Về việc rà soát hộ nghèo",
        tasks=[TaskSpec(content="Rà soát hộ nghèo", lead_unit=org.commune_a_econ,
                        deadline_date=D(2026, 3, 31))],
    )  # fmt: skip
    task = directive.tasks.get()
    difficulty = _raise(people, task, "commune_specialist")
    assert difficulty.addressed_to == Level.OFFICE_LEADER


def test_the_division_head_answers_and_the_difficulty_is_closed(task, people):
    difficulty = _raise(people, task)
    with at_16_local(D(2026, 3, 11)):
        answered = actions.answer_difficulty(
            people.division_head, difficulty, "Áp dụng định mức năm 2025"
        )
    answered.refresh_from_db()
    assert not answered.is_open
    assert answered.guidance == "Áp dụng định mức năm 2025"
    assert answered.answered_by == people.division_head
    assert answered.answered_at == datetime.datetime(2026, 3, 11, 9, tzinfo=datetime.UTC)
    event = task.events.last()
    assert event.kind == EventKind.DIFFICULTY_ANSWERED
    assert event.actor == people.division_head
    assert event.data == {"difficulty": difficulty.pk, "guidance": "Áp dụng định mức năm 2025"}


def test_guidance_must_be_written(task, people):
    difficulty = _raise(people, task)
    before = _difficulty_snapshot(difficulty)
    with pytest.raises(ValidationError):
        actions.answer_difficulty(people.division_head, difficulty, " ")
    assert _difficulty_snapshot(difficulty) == before


def test_it_goes_up_to_the_office_leader_then_the_directing_leader_who_answers(task, people):
    difficulty = _raise(people, task)
    actions.escalate_difficulty(people.division_head, difficulty, "Vượt thẩm quyền phòng")
    assert Difficulty.objects.get(pk=difficulty.pk).addressed_to == Level.OFFICE_LEADER
    actions.escalate_difficulty(people.office_leader, difficulty)
    assert Difficulty.objects.get(pk=difficulty.pk).addressed_to == Level.DIRECTING_LEADER
    actions.answer_difficulty(people.leader, difficulty, "Giao Sở Tài chính chủ trì, báo cáo sau")

    difficulty.refresh_from_db()
    assert (difficulty.is_open, difficulty.answered_by) == (False, people.leader)
    steps = [
        (e.kind, e.actor, e.data.get("from"), e.data.get("to"))
        for e in task.events.order_by("seq")
        if e.kind.startswith("difficulty_")
    ]
    assert steps == [
        (EventKind.DIFFICULTY_RAISED, people.unit_staff, None, None),
        (EventKind.DIFFICULTY_ESCALATED, people.division_head, "division_head", "office_leader"),
        (EventKind.DIFFICULTY_ESCALATED, people.office_leader, "office_leader", "directing_leader"),
        (EventKind.DIFFICULTY_ANSWERED, people.leader, None, None),
    ]
    assert task.events.filter(kind=EventKind.DIFFICULTY_ESCALATED).first().data["note"] == (
        "Vượt thẩm quyền phòng"
    )


def test_the_directing_leader_is_the_last_level(task, people):
    difficulty = _raise(people, task)
    actions.escalate_difficulty(people.division_head, difficulty)
    actions.escalate_difficulty(people.office_leader, difficulty)
    before = _difficulty_snapshot(difficulty)
    with pytest.raises(ValidationError):
        actions.escalate_difficulty(people.leader, difficulty)
    assert _difficulty_snapshot(difficulty) == before


@pytest.mark.parametrize(
    ("escalations", "who"),
    [
        (0, "office_leader"),
        (0, "leader"),
        (0, "specialist"),
        (0, "unit_head"),
        (1, "division_head"),
        (1, "leader"),
        (2, "division_head"),
        (2, "office_leader"),
    ],
    ids=[
        "office leader at division-head level",
        "leader at division-head level",
        "specialist at division-head level",
        "unit head at division-head level",
        "division head at office-leader level",
        "leader at office-leader level",
        "division head at directing-leader level",
        "office leader at directing-leader level",
    ],
)
def test_a_person_at_the_wrong_level_may_neither_answer_nor_pass_it_up(
    task, people, escalations, who
):
    difficulty = _raise(people, task)
    for escalator in [people.division_head, people.office_leader][:escalations]:
        actions.escalate_difficulty(escalator, difficulty)
    before = _difficulty_snapshot(difficulty)
    with pytest.raises(PermissionDenied):
        actions.answer_difficulty(getattr(people, who), difficulty, "Ý kiến")
    with pytest.raises(PermissionDenied):
        actions.escalate_difficulty(getattr(people, who), difficulty)
    assert _difficulty_snapshot(difficulty) == before


def test_an_answered_difficulty_cannot_be_answered_or_passed_up_again(task, people):
    difficulty = _raise(people, task)
    actions.answer_difficulty(people.division_head, difficulty, "Áp dụng định mức năm 2025")
    before = _difficulty_snapshot(difficulty)
    with pytest.raises(ValidationError):
        actions.answer_difficulty(people.division_head, difficulty, "Ý kiến khác")
    with pytest.raises(ValidationError):
        actions.escalate_difficulty(people.division_head, difficulty)
    assert _difficulty_snapshot(difficulty) == before
    assert Difficulty.objects.get(pk=difficulty.pk).guidance == "Áp dụng định mức năm 2025"


def test_tasks_with_open_difficulties_can_be_listed_once_each(org, people, task):
    answered_task, quiet_task = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát nợ đọng", lead_unit=org.finance, deadline_date=D(2026, 4, 30)),
        TaskSpec(content="Quyết toán năm 2025", lead_unit=org.finance,
                 deadline_date=D(2026, 4, 30)),
    )  # fmt: skip
    _raise(people, task)
    _raise(people, task, "specialist")  # two open difficulties on one task
    actions.answer_difficulty(people.division_head, _raise(people, answered_task), "Đã trả lời")

    listed = list(Task.objects.filter(difficulties__is_open=True).distinct())
    assert listed == [task]
    assert list(Task.objects.with_open_difficulties()) == [task]
    assert quiet_task not in listed
