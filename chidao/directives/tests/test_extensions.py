"""Extensions (gia hạn): the unit asks, the directing leader or an Office leader decides; the
original deadline never moves, every request stays as history, statistics tell them apart."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.conftest import make_person
from chidao.directives import actions
from chidao.directives.models import Decision, EventKind, Extension, State, Task
from chidao.directives.timeliness import Counts, Timeliness, Today, counting_groups, timeliness_of
from chidao.org.models import Role

D = datetime.date
ORIGINAL = D(2026, 3, 31)
REASON = "Chờ ý kiến thẩm định của Bộ Tài chính"
ASKED = D(2026, 4, 20)


def at_16_local(day: datetime.date):
    """Travel to 16:00 in Hà Nội on ``day`` (09:00 UTC)."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def march():
    """Requests are made on 20/03/2026, before the deadline of 31/03."""
    with at_16_local(D(2026, 3, 20)) as traveller:
        yield traveller


def _request(people, task, proposed_date=ASKED, actor=None):
    return actions.request_extension(
        actor or people.unit_staff, task, proposed_date=proposed_date, reason=REASON
    )


def _approve(actor, extension, date=None):
    return actions.decide_extension(actor, extension, approve=True, date=date)


def _snapshot(task):
    task = Task.objects.get(pk=task.pk)
    extensions = list(Extension.objects.filter(task=task).values_list("decision", "approved_date"))
    return task.deadline, task.original_deadline, task.extension_count, task.event_count, extensions


def test_the_unit_asks_for_a_later_date_with_a_reason(march, task, people):
    extension = _request(people, task)
    task.refresh_from_db()
    assert extension.decision == Decision.PENDING
    assert (extension.requested_by, extension.reason) == (people.unit_staff, REASON)
    assert (extension.proposed_date, extension.deadline_before) == (D(2026, 4, 20), ORIGINAL)
    assert task.deadline == ORIGINAL  # asking moves nothing
    event = task.events.last()
    assert event.kind == EventKind.EXTENSION_REQUESTED
    assert event.data == {"extension": extension.pk, "proposed_date": "2026-04-20",
                          "reason": REASON}  # fmt: skip


def test_a_request_needs_a_reason(march, task, people):
    before = _snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.request_extension(people.unit_staff, task, proposed_date=D(2026, 4, 20), reason=" ")
    assert "reason" in error.value.message_dict
    assert _snapshot(task) == before


@pytest.mark.parametrize("who", ["specialist", "office_leader", "other_staff"])
def test_only_the_lead_unit_may_ask(march, task, people, who):
    before = _snapshot(task)
    with pytest.raises(PermissionDenied):
        _request(people, task, actor=getattr(people, who))
    assert _snapshot(task) == before


@pytest.mark.parametrize("who", ["leader", "office_leader"])
def test_the_directing_leader_or_an_office_leader_approves(march, task, people, who):
    extension = _request(people, task)
    decided = _approve(getattr(people, who), extension)
    task.refresh_from_db()
    assert decided.decision == Decision.APPROVED
    assert (decided.decided_by, decided.approved_date) == (getattr(people, who), D(2026, 4, 20))
    assert decided.decided_at is not None
    assert task.deadline == D(2026, 4, 20)
    assert task.original_deadline == ORIGINAL
    assert task.extension_count == 1
    event = task.events.last()
    assert event.kind == EventKind.EXTENSION_APPROVED
    assert (event.data["deadline_before"], event.data["deadline_after"]) == (
        "2026-03-31",
        "2026-04-20",
    )
    assert event.actor == getattr(people, who)


def test_the_decider_may_approve_another_date_than_the_one_asked(march, task, people):
    extension = _approve(people.office_leader, _request(people, task), date=D(2026, 4, 10))
    task.refresh_from_db()
    assert extension.proposed_date == D(2026, 4, 20)
    assert extension.approved_date == D(2026, 4, 10)
    assert task.deadline == D(2026, 4, 10)


@pytest.mark.parametrize(
    ("proposed", "approved", "in_force"),
    [
        (D(2026, 4, 20), D(2026, 4, 30), D(2026, 5, 4)),  # 30/04, 01/05, weekend
        (D(2026, 4, 18), None, D(2026, 4, 20)),  # the proposed Saturday, approved as asked
    ],
    ids=["approved date on a holiday", "proposed date on a Saturday"],
)
def test_a_date_on_a_day_off_moves_to_the_next_working_day(
    march, task, people, proposed, approved, in_force
):
    extension = _approve(people.leader, _request(people, task, proposed), date=approved)
    task.refresh_from_db()
    assert extension.approved_date == in_force
    assert task.deadline == in_force
    assert task.events.last().data["deadline_after"] == in_force.isoformat()


def test_a_rejection_needs_a_reason_and_leaves_the_deadline(march, task, people):
    extension = _request(people, task)
    before = _snapshot(task)
    with pytest.raises(ValidationError) as error:
        actions.decide_extension(people.leader, extension, approve=False, note="  ")
    assert "note" in error.value.message_dict
    assert _snapshot(task) == before

    rejected = actions.decide_extension(
        people.leader, extension, approve=False, note="Đủ thời gian thực hiện"
    )
    task.refresh_from_db()
    assert rejected.decision == Decision.REJECTED
    assert rejected.approved_date is None
    assert rejected.decision_note == "Đủ thời gian thực hiện"
    assert (task.deadline, task.extension_count) == (ORIGINAL, 0)
    event = task.events.last()
    assert event.kind == EventKind.EXTENSION_REJECTED
    assert event.data == {"extension": extension.pk, "note": "Đủ thời gian thực hiện"}


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("specialist", PermissionDenied),
        ("division_head", PermissionDenied),
        ("unit_head", PermissionDenied),
        ("unit_staff", PermissionDenied),
        ("viewer", PermissionDenied),
        ("other_staff", PermissionDenied),
        ("another_vice_chairman", PermissionDenied),
        ("commune_leader", Http404),
        ("outsider", Http404),
    ],
)
def test_a_person_without_the_right_cannot_decide_and_nothing_changes(
    march, task, org, people, who, refusal
):
    people.another_vice_chairman = make_person(
        "pho_chu_tich_2", org.province, Role.COMMITTEE_LEADER, position="Phó Chủ tịch"
    )
    extension = _request(people, task)
    before = _snapshot(task)
    for approve in (True, False):
        with pytest.raises(refusal):
            actions.decide_extension(
                getattr(people, who), extension, approve=approve, note="Không đồng ý"
            )
    assert _snapshot(task) == before


def test_a_decided_request_cannot_be_decided_again(march, task, people):
    extension = _approve(people.leader, _request(people, task))
    before = _snapshot(task)
    with pytest.raises(ValidationError):
        actions.decide_extension(people.office_leader, extension, approve=False, note="Xem lại")
    with pytest.raises(ValidationError):
        _approve(people.office_leader, extension, date=D(2026, 5, 15))
    assert _snapshot(task) == before


def test_a_second_request_while_one_is_pending_is_refused(march, task, people):
    _request(people, task)
    before = _snapshot(task)
    with pytest.raises(ValidationError):
        _request(people, task, D(2026, 4, 25), actor=people.unit_head)
    assert _snapshot(task) == before


@pytest.mark.parametrize("proposed", [D(2026, 3, 31), D(2026, 3, 25)])
def test_a_date_not_after_the_deadline_in_force_is_refused(march, task, people, proposed):
    before = _snapshot(task)
    with pytest.raises(ValidationError) as error:
        _request(people, task, proposed)
    assert "proposed_date" in error.value.message_dict
    assert _snapshot(task) == before


def test_after_an_extension_the_deadline_in_force_is_the_bar_not_the_original(march, task, people):
    _approve(people.leader, _request(people, task, D(2026, 4, 20)))
    before = _snapshot(task)
    with pytest.raises(ValidationError):
        _request(people, task, D(2026, 4, 10))  # after the original, not after the one in force
    assert _snapshot(task) == before


@pytest.mark.parametrize("approved", [D(2026, 3, 31), D(2026, 3, 28)])
def test_an_approval_not_after_the_deadline_in_force_is_refused(march, task, people, approved):
    extension = _request(people, task)
    before = _snapshot(task)
    with pytest.raises(ValidationError) as error:
        _approve(people.leader, extension, date=approved)
    assert "date" in error.value.message_dict
    assert _snapshot(task) == before


def test_each_request_stays_as_history_with_its_before_and_after(march, task, people):
    first = _request(people, task, D(2026, 4, 10))
    actions.decide_extension(people.leader, first, approve=False, note="Chưa đủ căn cứ")
    second = _approve(people.leader, _request(people, task, D(2026, 4, 10)))
    third = _approve(people.office_leader, _request(people, task, D(2026, 4, 24)))
    task.refresh_from_db()
    rows = Extension.objects.filter(task=task).order_by("pk")
    assert [(e.pk, e.decision, e.deadline_before, e.approved_date) for e in rows] == [
        (first.pk, Decision.REJECTED, ORIGINAL, None),
        (second.pk, Decision.APPROVED, ORIGINAL, D(2026, 4, 10)),
        (third.pk, Decision.APPROVED, D(2026, 4, 10), D(2026, 4, 24)),
    ]
    extension_events = [
        (event.kind, event.data.get("deadline_before"), event.data.get("deadline_after"))
        for event in task.events.order_by("seq")
        if event.kind.startswith("extension_")
    ]
    assert extension_events == [
        (EventKind.EXTENSION_REQUESTED, None, None),
        (EventKind.EXTENSION_REJECTED, None, None),
        (EventKind.EXTENSION_REQUESTED, None, None),
        (EventKind.EXTENSION_APPROVED, "2026-03-31", "2026-04-10"),
        (EventKind.EXTENSION_REQUESTED, None, None),
        (EventKind.EXTENSION_APPROVED, "2026-04-10", "2026-04-24"),
    ]
    assert (task.original_deadline, task.deadline, task.extension_count) == (
        ORIGINAL,
        D(2026, 4, 24),
        2,
    )


def test_the_third_request_is_refused_at_the_default_cap_of_two(march, task, people, settings):
    assert settings.CHIDAO_MAX_EXTENSIONS == 2
    _approve(people.leader, _request(people, task, D(2026, 4, 10)))
    _approve(people.leader, _request(people, task, D(2026, 4, 20)))
    before = _snapshot(task)
    with pytest.raises(ValidationError):
        _request(people, task, D(2026, 4, 30))
    assert _snapshot(task) == before


def test_the_cap_follows_the_setting(march, task, people, settings):
    settings.CHIDAO_MAX_EXTENSIONS = 1
    _approve(people.leader, _request(people, task, D(2026, 4, 10)))
    before = _snapshot(task)
    with pytest.raises(ValidationError):
        _request(people, task, D(2026, 4, 20))
    assert _snapshot(task) == before


def test_a_rejected_request_does_not_use_up_the_cap(march, task, people, settings):
    settings.CHIDAO_MAX_EXTENSIONS = 1
    rejected = _request(people, task, D(2026, 4, 10))
    actions.decide_extension(people.leader, rejected, approve=False, note="Chưa đủ căn cứ")
    approved = _approve(people.leader, _request(people, task, D(2026, 4, 10)))
    assert approved.decision == Decision.APPROVED


def test_an_extension_asked_in_time_may_be_approved_after_the_deadline_has_passed(task, people):
    with at_16_local(ORIGINAL):  # the deadline day itself is still in time to ask
        extension = _request(people, task, D(2026, 4, 24))
    with at_16_local(D(2026, 4, 6)):
        assert timeliness_of(task, Today.now()) == Timeliness.OVERDUE
        _approve(people.leader, extension)
        task.refresh_from_db()
        today = Today.now()
    assert task.deadline == D(2026, 4, 24)
    assert not extension.after_deadline and not task.extended_after_deadline  # asked in time
    assert timeliness_of(task, today) == Timeliness.NOT_DUE
    assert counting_groups(Task.objects.filter(pk=task.pk), today.date).open_within == 1


# --- Statistics: which deadline the completion is judged on -------------------------------------
EXTENDED = D(2026, 4, 20)


def _finish(task, people, day, *, late):
    """Report on ``day`` (with the explanation when late), then check and confirm."""
    explanation = None
    if late:
        explanation = {"cause": "subjective", "explanation": "Chậm tổng hợp",
                       "remedy": "Bố trí thêm cán bộ"}  # fmt: skip
    with at_16_local(day):
        actions.report_done(
            people.unit_staff, task, result="Đã trình phương án", late_explanation=explanation
        )
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
    return Task.objects.get(pk=task.pk)


@pytest.mark.parametrize(
    ("done_on", "on_time", "after_extension", "late"),
    [
        (D(2026, 3, 27), 1, 0, 0),
        (ORIGINAL, 1, 0, 0),
        (D(2026, 4, 1), 1, 1, 0),
        (EXTENDED, 1, 1, 0),
        (D(2026, 4, 21), 0, 0, 1),
    ],
    ids=[
        "before the original deadline",
        "on the original deadline",
        "the day after the original",
        "on the extended deadline",
        "after the extended deadline",
    ],
)
def test_a_completion_is_counted_against_the_extended_deadline_and_told_apart(
    task, people, done_on, on_time, after_extension, late
):
    with at_16_local(D(2026, 3, 20)):
        actions.receive(people.unit_staff, task)
        _approve(people.leader, _request(people, task, EXTENDED))
    task = _finish(task, people, done_on, late=bool(late))
    assert task.state == State.DONE
    assert task.completed_on == done_on
    counts = counting_groups(Task.objects.filter(pk=task.pk), D(2026, 5, 15))
    assert counts == Counts(
        total=1, done_on_time=on_time, done_on_time_after_extension=after_extension,
        done_on_time_after_late_extension=0,
        done_late=late, open_within=0, open_overdue=0, suspended=0,
    )  # fmt: skip
    expected = Timeliness.DONE_LATE if late else Timeliness.DONE_ON_TIME
    assert timeliness_of(task, Today.now(date=D(2026, 5, 15))) == expected


def test_lateness_at_the_report_is_judged_on_the_extended_deadline(task, people):
    with at_16_local(D(2026, 3, 20)):
        actions.receive(people.unit_staff, task)
        _approve(people.leader, _request(people, task, EXTENDED))
    with at_16_local(D(2026, 4, 15)):
        actions.report_done(people.unit_staff, task, result="Đã trình phương án")
    task.refresh_from_db()
    assert task.state == State.REPORTED
    assert task.events.last().data["late"] is False
    assert not task.late_explanations.exists()
