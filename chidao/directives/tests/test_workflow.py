"""The workflow of a task: each step only from its states, only by the right people, recorded."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import translation

from chidao.conftest import row_counts, table_rows
from chidao.directives import actions, timeline
from chidao.directives.actions import STEPS, TaskSpec, WorkflowError, available_steps
from chidao.directives.models import (
    Attachment,
    DeadlineKind,
    Difficulty,
    EventKind,
    Extension,
    Priority,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.org.permissions import Action, check, visible_tasks

MORNING = datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC)  # 16:00 on 05/03/2026 in Hà Nội
TODAY = datetime.date(2026, 3, 5)
END = datetime.date(2026, 3, 31)

PERSONAS = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "sub_staff", "other_staff", "commune_leader",
    "commune_staff", "commune_specialist", "outsider", "nobody",
)  # fmt: skip
# Who sees the fixture task (lead: Sở Tài chính, cooperating: Sở Y tế, assigned by the
# province): the province's apparatus, the lead unit's people, the cooperating unit's people.
SEE = {
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "other_staff",
}  # fmt: skip
LEAD_SIDE = {"unit_head", "unit_staff"}
CHECKERS = {"specialist", "specialist_th", "division_head", "office_leader"}
# Who may take each step on the fixture task (from the task rules in chidao.org.permissions).
ALLOWED = {
    "receive": LEAD_SIDE,
    "update": LEAD_SIDE,
    "comment": LEAD_SIDE | CHECKERS | {"other_staff"},
    "opinion": {"leader"},  # he directs it, and it is in his sector block
    "report": LEAD_SIDE,
    "request_extension": LEAD_SIDE,
    "raise_difficulty": LEAD_SIDE | {"specialist"},
    "subassign": {"unit_head"},
    "propose": CHECKERS,
    "return_report": CHECKERS,
    "confirm": {"office_leader"},
    "return_proposal": {"office_leader"},
    "suspend": {"office_leader", "leader"},
    "cancel": {"office_leader", "leader"},
    "reopen": {"office_leader"},
    "edit": CHECKERS,
    "urge": CHECKERS,
}
# Both returns are one action (``return_task``): a checker who returns reports but not
# proposals, returning a proposed task, is at the wrong moment rather than without a right.
WRONG_MOMENT = {"return_proposal": CHECKERS - {"office_leader"}}
# One person who may take each step (used where the state, not the person, is being tested).
# The Office leader returns at either check: see the specialist's own test below.
RIGHT = {
    "receive": "unit_staff",
    "update": "unit_staff",
    "comment": "specialist",
    "opinion": "leader",
    "report": "unit_head",
    "request_extension": "unit_staff",
    "raise_difficulty": "unit_staff",
    "subassign": "unit_head",
    "propose": "specialist",
    "return_report": "office_leader",
    "confirm": "office_leader",
    "return_proposal": "office_leader",
    "suspend": "leader",
    "cancel": "office_leader",
    "reopen": "office_leader",
    "edit": "specialist",
    "urge": "specialist",
}
# A state each step starts from, to try it in.
START = {
    "receive": State.ASSIGNED,
    "update": State.RECEIVED,
    "comment": State.IN_PROGRESS,
    "opinion": State.IN_PROGRESS,
    "report": State.IN_PROGRESS,
    "request_extension": State.IN_PROGRESS,
    "raise_difficulty": State.RECEIVED,
    "subassign": State.IN_PROGRESS,
    "propose": State.REPORTED,
    "return_report": State.REPORTED,
    "confirm": State.PROPOSED,
    "return_proposal": State.PROPOSED,
    "suspend": State.IN_PROGRESS,
    "cancel": State.SUSPENDED,
    "reopen": State.DONE,
    "edit": State.IN_PROGRESS,
    "urge": State.IN_PROGRESS,
}
# How each step is taken, with valid input, as the task page's forms take it.
ATTEMPT = {
    "receive": lambda who, task, org: actions.receive(who, task),
    "update": lambda who, task, org: actions.post_progress(who, task, "Đã có dự thảo", 40),
    "comment": lambda who, task, org: actions.comment(who, task, "Đề nghị bổ sung số liệu"),
    "opinion": lambda who, task, org: actions.give_opinion(who, task, "Khẩn trương hoàn thành"),
    "report": lambda who, task, org: actions.report_done(who, task, result="Đã trình phương án"),
    "request_extension": lambda who, task, org: actions.request_extension(
        who, task, proposed_date=datetime.date(2026, 4, 15), reason="Chờ số liệu của các xã"
    ),
    "raise_difficulty": lambda who, task, org: actions.raise_difficulty(
        who, task, "Thiếu hướng dẫn của Bộ"
    ),
    "subassign": lambda who, task, org: actions.subassign(
        who,
        task,
        TaskSpec(
            content="Rà soát số liệu giải ngân",
            lead_unit=org.finance_sub,
            deadline_date=datetime.date(2026, 3, 25),
        ),
    ),
    "propose": lambda who, task, org: actions.propose_closing(who, task, "Đạt yêu cầu"),
    "return_report": lambda who, task, org: actions.return_task(who, task, "Thiếu phụ lục"),
    "confirm": lambda who, task, org: actions.confirm(who, task),
    "return_proposal": lambda who, task, org: actions.return_task(who, task, "Chưa đủ căn cứ"),
    "suspend": lambda who, task, org: actions.suspend(who, task, "Chờ chủ trương mới"),
    "cancel": lambda who, task, org: actions.cancel(who, task, "Không còn phù hợp"),
    "reopen": lambda who, task, org: actions.reopen(who, task, "Cần làm lại"),
    "edit": lambda who, task, org: actions.edit_task(
        who, task, reason="Nâng mức độ", priority=Priority.URGENT
    ),
    "urge": lambda who, task, org: actions.urge(who, task, "Đề nghị khẩn trương hoàn thành"),
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


def bring_to(task, state, people):
    """Take the task to ``state`` the way real people would."""
    if state == State.SUSPENDED:
        return actions.suspend(people.office_leader, task, "Chờ chủ trương mới")
    if state == State.CANCELLED:
        return actions.cancel(people.office_leader, task, "Không còn phù hợp")
    path = [
        (State.RECEIVED, lambda t: actions.receive(people.unit_staff, t)),
        (State.IN_PROGRESS, lambda t: actions.post_progress(people.unit_staff, t, "Đang làm", 30)),
        (State.REPORTED, lambda t: actions.report_done(people.unit_head, t, result="Đã xong")),
        (State.PROPOSED, lambda t: actions.propose_closing(people.specialist, t)),
        (State.DONE, lambda t: actions.confirm(people.office_leader, t)),
    ]
    for reached, step in path:
        if task.state == state:
            break
        task = step(task)
        assert task.state == reached
    assert task.state == state
    return task


SNAPSHOT_COLUMNS = ", ".join(
    connection.ops.quote_name(field.column)
    for field in Task._meta.concrete_fields
    if field.attname != "updated"
)


def snapshot(task):
    """Everything a refused step must leave as it was."""
    return (
        table_rows(Task, "id = %s", [task.pk], columns=SNAPSHOT_COLUMNS),
        row_counts(TaskEvent, Task, Extension, Difficulty, Attachment),
    )


class RollbackError(Exception):
    """Rolls back a step that succeeded, so the next person tries the same state."""


def outcome(step, who, task, org):
    """What came of the step: ok (then undone), 404, 403 or illegal. A refusal changes nothing;
    a success records exactly one event on the task."""
    before = snapshot(task)
    try:
        with transaction.atomic():
            events = task.events.count()
            ATTEMPT[step](who, task, org)
            assert task.events.count() == events + 1, f"{step} recorded no event"
            raise RollbackError
    except RollbackError:
        result = "ok"
    except Http404:
        result = "404"
    except PermissionDenied:
        result = "403"
    except WorkflowError:
        result = "illegal"
    assert snapshot(task) == before
    return result


def kinds(task):
    return list(task.events.order_by("seq").values_list("kind", flat=True))


def refresh(task):
    return Task.objects.get(pk=task.pk)


# --- The happy path ---------------------------------------------------------------------------
def test_a_task_goes_from_assigned_to_done_each_step_by_the_right_person(task, people):
    assert task.state == State.ASSIGNED

    task = actions.receive(people.unit_staff, task)
    assert refresh(task).state == State.RECEIVED
    assert refresh(task).last_update_at == MORNING

    task = actions.post_progress(people.unit_staff, task, "Đã xây dựng dự thảo phương án", 40)
    task = refresh(task)
    assert (task.state, task.progress_percent) == (State.IN_PROGRESS, 40)
    first_update = task.events.get(kind=EventKind.PROGRESS)
    assert first_update.data == {
        "text": "Đã xây dựng dự thảo phương án",
        "percent": 40,
        "from": State.RECEIVED,
        "to": State.IN_PROGRESS,
    }

    task = actions.post_progress(people.unit_head, task, "Đã lấy ý kiến các sở", 70)
    task = refresh(task)
    assert (task.state, task.progress_percent) == (State.IN_PROGRESS, 70)

    task = actions.report_done(people.unit_head, task, result="Đã trình phương án phân bổ")
    task = refresh(task)
    assert task.state == State.REPORTED
    assert (task.completed_on, task.result, task.progress_percent) == (
        TODAY,
        "Đã trình phương án phân bổ",
        100,
    )

    task = actions.propose_closing(people.specialist, task, "Đạt yêu cầu")
    assert refresh(task).state == State.PROPOSED

    task = actions.confirm(people.office_leader, task, "Đồng ý")
    task = refresh(task)
    assert (task.state, task.closed_at, task.completed_on) == (State.DONE, MORNING, TODAY)

    assert kinds(task) == [
        EventKind.CREATED,
        EventKind.RECEIVED,
        EventKind.PROGRESS,
        EventKind.PROGRESS,
        EventKind.REPORTED,
        EventKind.PROPOSED,
        EventKind.CONFIRMED,
    ]
    actors = list(task.events.order_by("seq").values_list("actor__username", flat=True))
    assert actors == [
        "specialist", "unit_staff", "unit_staff", "unit_head", "unit_head", "specialist",
        "office_leader",
    ]  # fmt: skip
    assert list(task.events.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert task.events.get(kind=EventKind.CONFIRMED).data == {
        "note": "Đồng ý",
        "from": State.PROPOSED,
        "to": State.DONE,
    }
    assert timeline.verify(task) is None


def test_only_the_first_progress_update_moves_the_state(task, people):
    task = bring_to(task, State.IN_PROGRESS, people)
    actions.post_progress(people.unit_staff, task, "Tiếp tục tổng hợp")
    task = refresh(task)
    assert task.progress_percent == 30  # no percent given: the last one stays
    assert task.events.order_by("-seq").first().data == {
        "text": "Tiếp tục tổng hợp",
        "percent": None,
    }


def test_a_progress_update_needs_text_and_a_percentage_up_to_100(task, people):
    task = bring_to(task, State.RECEIVED, people)
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.post_progress(people.unit_staff, task, "   ", 10)
    assert "text" in error.value.message_dict
    with pytest.raises(WorkflowError) as error:
        actions.post_progress(people.unit_staff, task, "Đã làm", 101)
    assert "percent" in error.value.message_dict
    assert snapshot(task) == before


# --- Returns ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "returner"),
    [(State.REPORTED, "specialist"), (State.PROPOSED, "office_leader")],
    ids=["first-check-by-the-specialist", "second-check-by-the-office-leader"],
)
def test_a_report_returned_at_a_check_goes_back_to_in_progress_with_the_reason(
    task, people, state, returner
):
    task = bring_to(task, state, people)
    assert refresh(task).completed_on == TODAY

    actions.return_task(getattr(people, returner), task, "  Thiếu phụ lục số liệu  ")

    task = refresh(task)
    assert task.state == State.IN_PROGRESS
    assert task.returned_at == MORNING
    assert task.return_reason == "Thiếu phụ lục số liệu"
    assert task.completed_on is None
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor) == (EventKind.RETURNED, getattr(people, returner))
    assert event.data == {"reason": "Thiếu phụ lục số liệu", "from": state, "to": State.IN_PROGRESS}
    assert timeline.verify(task) is None


def test_reporting_again_after_a_return_sets_the_return_aside(task, people):
    task = bring_to(task, State.REPORTED, people)
    actions.return_task(people.specialist, task, "Thiếu phụ lục")
    actions.report_done(people.unit_head, task, result="Đã bổ sung phụ lục")
    task = refresh(task)
    assert (task.state, task.returned_at, task.return_reason) == (State.REPORTED, None, "")
    assert (task.completed_on, task.result) == (TODAY, "Đã bổ sung phụ lục")


@pytest.mark.parametrize("state", [State.REPORTED, State.PROPOSED])
def test_a_returned_task_shows_the_progress_the_unit_last_gave_not_its_reports_100(
    task, people, state
):
    task = bring_to(task, state, people)  # 30% posted, then the report's 100
    assert refresh(task).progress_percent == 100
    actions.return_task(people.office_leader if state == State.PROPOSED else people.specialist,
                        task, "Thiếu phụ lục")  # fmt: skip
    assert refresh(task).progress_percent == 30

    # An update without a percent keeps the last one; the next return finds the newest given.
    actions.post_progress(people.unit_staff, refresh(task), "Bổ sung phụ lục", 80)
    actions.post_progress(people.unit_staff, refresh(task), "Đang hoàn thiện")
    actions.report_done(people.unit_head, refresh(task), result="Đã bổ sung")
    actions.return_task(people.specialist, refresh(task), "Chưa đạt")
    assert refresh(task).progress_percent == 80


def test_a_returned_task_whose_unit_never_gave_a_percent_shows_none(task, people):
    actions.receive(people.unit_staff, task)
    actions.report_done(people.unit_head, refresh(task), result="Đã xong")
    actions.return_task(people.specialist, refresh(task), "Thiếu phụ lục")
    assert refresh(task).progress_percent is None


def test_a_reopened_done_task_shows_the_progress_the_unit_last_gave(task, people):
    task = bring_to(task, State.DONE, people)
    actions.reopen(people.office_leader, task, "Phát sinh yêu cầu mới")
    assert refresh(task).progress_percent == 30


@pytest.mark.parametrize("state", [State.REPORTED, State.PROPOSED])
def test_a_return_needs_a_reason(task, people, state):
    task = bring_to(task, state, people)
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.return_task(people.office_leader, task, "   ")
    assert "reason" in error.value.message_dict
    assert snapshot(task) == before


@pytest.mark.parametrize("state", [State.IN_PROGRESS, State.PROPOSED, State.DONE])
def test_a_specialist_returning_a_task_no_longer_awaiting_check_is_told_its_state(
    task, people, state
):
    """The specialist may return (CHECK) a reported task. Once it has moved on (another
    checker proposed it, say), their return is a step from the wrong state: the Vietnamese
    message about the state, not "permission denied" for a step they hold."""
    task = bring_to(task, state, people)
    before = snapshot(task)
    with pytest.raises(WorkflowError) as error:
        actions.return_task(people.specialist, task, "Thiếu phụ lục")
    assert error.value.code == "illegal_step"
    assert snapshot(task) == before


# --- Suspend, cancel, reopen ------------------------------------------------------------------
@pytest.mark.parametrize("decider", ["office_leader", "leader"])
@pytest.mark.parametrize(
    ("step", "state", "kind"),
    [
        ("suspend", State.SUSPENDED, EventKind.SUSPENDED),
        ("cancel", State.CANCELLED, EventKind.CANCELLED),
    ],
)
def test_an_office_leader_or_the_leader_suspends_or_cancels_with_a_reason(
    task, people, decider, step, state, kind
):
    task = bring_to(task, State.IN_PROGRESS, people)
    decide = getattr(actions, step)
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        decide(getattr(people, decider), task, " ")
    assert "reason" in error.value.message_dict
    assert snapshot(task) == before

    decide(getattr(people, decider), task, "Theo Kết luận số 12/TB-UBND")

    task = refresh(task)
    assert task.state == state
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor) == (kind, getattr(people, decider))
    assert event.data == {
        "reason": "Theo Kết luận số 12/TB-UBND",
        "from": State.IN_PROGRESS,
        "to": state,
    }


def test_a_suspended_task_can_still_be_cancelled(task, people):
    task = bring_to(task, State.SUSPENDED, people)
    actions.cancel(people.leader, task, "Không còn phù hợp")
    assert refresh(task).state == State.CANCELLED


@pytest.mark.parametrize("state", [State.SUSPENDED, State.CANCELLED, State.DONE])
def test_an_office_leader_reopens_a_closed_task_to_in_progress(task, people, state):
    task = bring_to(task, state, people)
    with pytest.raises(ValidationError):
        actions.reopen(people.office_leader, task, "")
    actions.reopen(people.office_leader, task, "Phát sinh yêu cầu mới")
    task = refresh(task)
    assert (task.state, task.completed_on, task.closed_at) == (State.IN_PROGRESS, None, None)
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor) == (EventKind.REOPENED, people.office_leader)
    assert event.data == {"reason": "Phát sinh yêu cầu mới", "from": state, "to": State.IN_PROGRESS}
    assert timeline.verify(task) is None


def test_the_leader_may_suspend_but_not_reopen(task, people):
    task = bring_to(task, State.SUSPENDED, people)
    before = snapshot(task)
    with pytest.raises(PermissionDenied):
        actions.reopen(people.leader, task, "Tiếp tục")
    assert snapshot(task) == before


# --- Who may take each step ---------------------------------------------------------------------
def test_the_tables_here_cover_every_step_of_the_workflow():
    assert set(ATTEMPT) == set(ALLOWED) == set(RIGHT) == set(START) == set(STEPS)
    assert all(START[name] in STEPS[name].from_states for name in STEPS)


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_taken_only_by_those_allowed_and_hidden_from_those_who_cannot_see(
    task, people, org, step
):
    task = bring_to(task, START[step], people)
    results = {name: outcome(step, getattr(people, name), task, org) for name in PERSONAS}
    expected = {
        name: "ok"
        if name in ALLOWED[step]
        else "illegal"
        if name in WRONG_MOMENT.get(step, ())
        else "403"
        if name in SEE
        else "404"
        for name in PERSONAS
    }
    assert results == expected


def test_who_sees_the_task_is_the_apparatus_the_lead_and_the_cooperating_unit(task, people):
    for name in PERSONAS:
        person = getattr(people, name)
        if name in SEE:
            check(person, Action.VIEW, task)
        else:
            with pytest.raises(Http404):
                check(person, Action.VIEW, task)
        assert visible_tasks(person).filter(pk=task.pk).exists() == (name in SEE), name


@pytest.mark.parametrize("state", list(State))
def test_the_viewer_and_the_administrator_see_the_task_but_may_take_no_step(
    task, people, org, state
):
    task = bring_to(task, state, people)
    for person in (people.viewer, people.admin):
        check(person, Action.VIEW, task)
        assert available_steps(person, task) == []
        results = {step: outcome(step, person, task, org) for step in STEPS}
        # Where the step applies they are refused for who they are; elsewhere either refusal
        # (the state or the person) may come first.
        assert {step: results[step] for step in STEPS if state in STEPS[step].from_states} == {
            step: "403" for step in STEPS if state in STEPS[step].from_states
        }
        assert set(results.values()) <= {"403", "illegal"}


# --- Steps from the wrong state -----------------------------------------------------------------
# Both returns are one action (``return_task`` returns whichever check is pending), so returning
# "the report" of a proposed task is the legal return of the proposal, and the other way round.
RETURNS = {"return_report", "return_proposal"}
WRONG_STATE = [
    (step, state)
    for step in STEPS
    for state in State
    if state not in STEPS[step].from_states
    and not (step in RETURNS and state in (State.REPORTED, State.PROPOSED))
]


@pytest.mark.parametrize(
    ("step", "state"), WRONG_STATE, ids=[f"{s}-from-{t}" for s, t in WRONG_STATE]
)
def test_a_step_from_a_state_it_does_not_start_from_is_refused_and_changes_nothing(
    task, people, org, step, state
):
    task = bring_to(task, state, people)
    before = snapshot(task)
    with pytest.raises(WorkflowError) as error:
        ATTEMPT[step](getattr(people, RIGHT[step]), task, org)
    assert error.value.code == "illegal_step"
    assert snapshot(task) == before


def test_the_wrong_state_message_names_the_step_and_the_state_in_vietnamese_and_english(
    task, people
):
    task = bring_to(task, State.IN_PROGRESS, people)
    with translation.override("vi"), pytest.raises(WorkflowError) as error:
        actions.receive(people.unit_staff, task)
    assert error.value.messages == [
        "Không thể tiếp nhận: nhiệm vụ đang ở trạng thái đang thực hiện."
    ]
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        actions.receive(people.unit_staff, task)
    assert error.value.messages == ["Cannot receive: the task is in progress."]


@pytest.mark.parametrize("state", list(State))
def test_available_steps_are_exactly_the_steps_that_would_succeed(task, people, org, state):
    task = bring_to(task, state, people)

    def merged(steps):
        # Both returns are one action (return_task): it returns whichever check is pending.
        return {"return" if name.startswith("return_") else name for name in steps}

    for name in PERSONAS:
        person = getattr(people, name)
        offered = available_steps(person, task)
        assert offered == [s for s in STEPS if s in offered]  # in the table's order
        succeeded = {step for step in STEPS if outcome(step, person, task, org) == "ok"}
        assert merged(offered) == merged(succeeded), name


# --- Reporting a committee document -------------------------------------------------------------
def test_a_report_of_a_committee_document_needs_its_number_and_date(org, people):
    (task,) = issue(
        people.specialist,
        org,
        people,
        TaskSpec(
            content="Trình UBND tỉnh ban hành quyết định phân bổ vốn",
            lead_unit=org.finance,
            product="Quyết định của UBND tỉnh",
            product_is_committee_document=True,
            deadline_date=datetime.date(2026, 3, 31),
        ),
    )
    task = bring_to(task, State.IN_PROGRESS, people)
    before = snapshot(task)
    with pytest.raises(WorkflowError) as error:
        actions.report_done(people.unit_head, task, result="Đã trình", product_number=" ")
    assert set(error.value.message_dict) == {"product_number", "product_date"}
    with pytest.raises(WorkflowError) as error:
        actions.report_done(people.unit_head, task, result="Đã trình", product_number="15/QĐ-UBND")
    assert set(error.value.message_dict) == {"product_date"}
    assert snapshot(task) == before

    actions.report_done(
        people.unit_head,
        task,
        result="UBND tỉnh đã ban hành quyết định",
        product_number=" 15/QĐ-UBND ",
        product_date=datetime.date(2026, 3, 4),
    )

    task = refresh(task)
    assert task.state == State.REPORTED
    assert (task.product_number, task.product_date) == ("15/QĐ-UBND", datetime.date(2026, 3, 4))
    event = task.events.order_by("-seq").first()
    assert event.kind == EventKind.REPORTED
    assert event.data == {
        "result": "UBND tỉnh đã ban hành quyết định",
        "product_number": "15/QĐ-UBND",
        "product_date": "2026-03-04",
        "late": False,
        "from": State.IN_PROGRESS,
        "to": State.REPORTED,
    }


def test_a_report_of_any_other_product_needs_no_document_number(task, people):
    task = bring_to(task, State.IN_PROGRESS, people)
    actions.report_done(people.unit_head, task, result="Đã gửi báo cáo")
    task = refresh(task)
    assert (task.state, task.product_number, task.product_date) == (State.REPORTED, "", None)


# --- Editing ------------------------------------------------------------------------------------
def test_an_edit_records_each_changed_field_before_and_after(task, people):
    actions.edit_task(
        people.specialist,
        task,
        reason="  Theo ý kiến lãnh đạo  ",
        priority=Priority.URGENT,
        specialist=people.specialist_th,
        content=task.content,  # unchanged: not recorded
    )
    task = refresh(task)
    assert (task.priority, task.specialist) == (Priority.URGENT, people.specialist_th)
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor) == (EventKind.EDITED, people.specialist)
    assert event.data == {
        "changes": {
            "priority": {"before": Priority.NORMAL, "after": Priority.URGENT},
            "specialist": {
                "before": {"id": people.specialist.pk, "name": str(people.specialist)},
                "after": {"id": people.specialist_th.pk, "name": str(people.specialist_th)},
            },
        },
        "reason": "Theo ý kiến lãnh đạo",
    }
    assert timeline.verify(task) is None


def test_an_edit_that_changes_nothing_records_nothing(task, people):
    before = snapshot(task)
    actions.edit_task(people.specialist, task, priority=task.priority)
    assert snapshot(task) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": datetime.date(2026, 4, 30)},
        {"original_deadline": datetime.date(2026, 4, 30)},
        {"state": State.DONE},
        {"lead_unit": None},
        {"colour": "red"},
        {"priority": Priority.URGENT, "deadline": datetime.date(2026, 4, 30)},
    ],
    ids=["deadline", "original-deadline", "state", "lead-unit", "unknown", "with-a-good-one"],
)
def test_an_edit_refuses_the_deadline_and_fields_it_does_not_know(task, people, changes):
    before = snapshot(task)
    with pytest.raises(WorkflowError) as error, translation.override("en"):
        actions.edit_task(people.specialist, task, reason="Sửa", **changes)
    assert "cannot be edited" in error.value.messages[0]
    assert snapshot(task) == before


def test_an_edit_of_an_unsuitable_specialist_or_empty_content_changes_nothing(task, people):
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.edit_task(people.specialist, task, specialist=people.commune_specialist)
    assert "specialist" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.edit_task(people.specialist, task, content="   ")
    assert "content" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.edit_task(people.specialist, task, directing_leader=people.office_leader)
    assert "directing_leader" in error.value.message_dict
    assert snapshot(task) == before


@pytest.mark.parametrize(
    "deadline",
    [
        {"deadline_kind": DeadlineKind.NONE},
        {"deadline_kind": DeadlineKind.RECURRING, "recurrence": "monthly", "recurrence_day": 20},
    ],
    ids=["ongoing", "recurring-series"],
)
def test_a_task_without_a_deadline_of_its_own_can_be_edited_too(org, people, deadline):
    task = issue(
        people.specialist,
        org,
        people,
        TaskSpec(content="Báo cáo tình hình giải ngân", lead_unit=org.finance, **deadline),
    )[0]  # a recurring series comes first, before its current occurrence
    assert (task.deadline, task.series_id) == (None, None)
    actions.edit_task(people.specialist, task, reason="Nâng mức độ", priority=Priority.IMPORTANT)
    task = refresh(task)
    assert task.priority == Priority.IMPORTANT
    assert task.events.order_by("-seq").first().kind == EventKind.EDITED


def test_the_system_may_enter_a_directive(org, people):
    """``actor=None`` is the system itself (demo data, operators' commands): see actions."""
    (task,) = issue(
        None,
        org,
        people,
        TaskSpec(content="Báo cáo tình hình giải ngân", lead_unit=org.finance, deadline_date=END),
    )
    assert (task.created_by, task.directive.created_by) == (None, None)
    assert task.events.get().actor is None


def test_a_task_entered_by_the_system_can_be_edited(task, people):
    Task.objects.filter(pk=task.pk).update(created_by=None)  # as the system would have entered it
    actions.edit_task(people.specialist, task, reason="Nâng mức độ", priority=Priority.IMPORTANT)
    task = refresh(task)
    assert (task.priority, task.created_by) == (Priority.IMPORTANT, None)
    assert task.events.order_by("-seq").first().kind == EventKind.EDITED
