"""Extensions asked after the deadline (item 7 of issue 9): refused by default, since approving
one would turn late work into work on time; a province may allow them (CHIDAO_LATE_EXTENSIONS),
and then the extension and, once approved, the task say so, so they can be counted apart."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chidao.directives import actions
from chidao.directives.actions import available_steps
from chidao.directives.models import Decision, EventKind, Extension, State, Task, TaskEvent

D = datetime.date
DEADLINE = D(2026, 3, 31)  # the fixture task's deadline
REASON = "Chờ ý kiến thẩm định của Bộ Tài chính"
LATE_MESSAGE_EN = (
    "The deadline in force (31/03/2026) has passed: an extension can only be requested by that "
    "day. Report the work when it is done, with the explanation of the delay."
)
LATE_MESSAGE_VI = (
    "Thời hạn hiện hành (31/03/2026) đã qua: chỉ được đề nghị gia hạn đến hết ngày đó. "
    "Đơn vị báo cáo kết quả khi hoàn thành, kèm báo cáo giải trình lý do chậm."
)
allow_late = override_settings(CHIDAO_LATE_EXTENSIONS=True)


def at_16_local(day: datetime.date):
    """Travel to 16:00 in Hà Nội on ``day`` (09:00 UTC)."""
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def working(task, people):
    """The task, received by Sở Tài chính on 05/03/2026 (due 31/03/2026)."""
    with at_16_local(D(2026, 3, 5)):
        return actions.receive(people.unit_staff, task)


ASKED = D(2026, 4, 24)


def _request(people, task, proposed=ASKED, who="unit_staff"):
    return actions.request_extension(
        getattr(people, who), task, proposed_date=proposed, reason=REASON
    )


def _approve(people, extension, date=None):
    return actions.decide_extension(people.leader, extension, approve=True, date=date)


def _snapshot(task):
    task = Task.objects.get(pk=task.pk)
    return (
        task.deadline, task.extension_count, task.extended_after_deadline, task.event_count,
        task.event_head, task.last_update_at, TaskEvent.objects.count(),
        list(Extension.objects.values_list("pk", "decision", "after_deadline")),
    )  # fmt: skip


# --- By default: by the deadline in force, not after it -----------------------------------------
@pytest.mark.parametrize("day", [D(2026, 4, 1), D(2026, 4, 20)], ids=["next day", "weeks after"])
def test_by_default_a_request_after_the_deadline_is_refused_and_nothing_changes(
    working, people, settings, day
):
    assert settings.CHIDAO_LATE_EXTENSIONS is False
    before = _snapshot(working)
    with at_16_local(day), pytest.raises(actions.WorkflowError) as error:
        _request(people, working, proposed=D(2026, 5, 15))
    assert error.value.code == "late_extension"
    assert _snapshot(working) == before
    assert not Extension.objects.exists()
    assert not working.events.filter(kind=EventKind.EXTENSION_REQUESTED).exists()


def test_the_refusal_says_why_in_vietnamese_and_english(working, people):
    with at_16_local(D(2026, 4, 1)):
        with translation.override("en"), pytest.raises(actions.WorkflowError) as error:
            _request(people, working)
        assert error.value.messages == [LATE_MESSAGE_EN]
        with translation.override("vi"), pytest.raises(actions.WorkflowError) as error:
            _request(people, working)
        assert error.value.messages == [LATE_MESSAGE_VI]


def test_lateness_is_judged_on_the_day_in_ha_noi(working, people):
    # 23:30 on 31/03 in Hà Nội (16:30 UTC) is still the deadline day; 00:30 on 01/04 is not.
    with time_machine.travel(datetime.datetime(2026, 3, 31, 16, 30, tzinfo=datetime.UTC)):
        extension = _request(people, working)
    assert not extension.after_deadline
    actions.decide_extension(people.leader, extension, approve=False, note="Không đồng ý")
    next_day = datetime.datetime(2026, 3, 31, 17, 30, tzinfo=datetime.UTC)
    with time_machine.travel(next_day), pytest.raises(actions.WorkflowError):
        _request(people, working)


def test_the_deadline_day_itself_is_still_in_time(working, people):
    with at_16_local(DEADLINE):
        extension = _request(people, working)
    assert extension.decision == Decision.PENDING
    assert not extension.after_deadline
    assert "after_deadline" not in working.events.last().data
    with at_16_local(D(2026, 4, 2)):
        _approve(people, extension)
    task = Task.objects.get(pk=working.pk)
    assert (task.deadline, task.extended_after_deadline) == (D(2026, 4, 24), False)
    assert "after_deadline" not in task.events.last().data


def test_the_bar_is_the_deadline_in_force_not_the_original(working, people):
    with at_16_local(D(2026, 3, 20)):
        _approve(people, _request(people, working, proposed=D(2026, 4, 20)))
    with at_16_local(D(2026, 4, 15)):  # after the original deadline, before the one in force
        second = _request(people, working, proposed=D(2026, 5, 8))
    assert not second.after_deadline
    with at_16_local(D(2026, 4, 21)):
        actions.decide_extension(people.leader, second, approve=False, note="Không đồng ý")
        with pytest.raises(actions.WorkflowError) as error:  # after the one in force: refused
            _request(people, working, proposed=D(2026, 5, 20))
    assert error.value.code == "late_extension"


def test_the_task_page_offers_no_request_after_the_deadline_but_says_why(client, working, people):
    client.force_login(people.unit_staff)
    with at_16_local(DEADLINE):
        assert "request_extension" in available_steps(people.unit_staff, working)
        html = client.get(f"/tasks/{working.pk}/").content.decode()
        assert 'id="step-request_extension"' in html
        assert 'id="extension-withheld"' not in html
    with at_16_local(D(2026, 4, 1)):
        assert "request_extension" not in available_steps(people.unit_staff, working)
        assert "report" in available_steps(people.unit_staff, working)
        html = client.get(f"/tasks/{working.pk}/").content.decode()
    assert 'id="step-request_extension"' not in html
    withheld = re.search(r'<div class="card mb-2" id="extension-withheld">(.*?)</div>\s*</div>',
                         html, re.S).group(1)  # fmt: skip
    assert "Thời hạn hiện hành (31/03/2026) đã qua" in withheld


def test_those_who_could_not_ask_anyway_are_told_nothing(client, working, people):
    with at_16_local(D(2026, 4, 1)):
        for who in ("specialist", "office_leader", "other_staff"):
            client.force_login(getattr(people, who))
            html = client.get(f"/tasks/{working.pk}/").content.decode()
            assert 'id="extension-withheld"' not in html, who


def test_a_request_posted_anyway_after_the_deadline_is_422_and_says_why(client, working, people):
    before = _snapshot(working)
    client.force_login(people.unit_staff)
    with at_16_local(D(2026, 4, 1)):
        response = client.post(
            reverse("directives:step", args=[working.pk, "request_extension"]),
            {"request_extension-proposed_date": "24/04/2026", "request_extension-reason": REASON},
        )
    assert response.status_code == 422
    assert str(escape(LATE_MESSAGE_VI)) in response.content.decode()
    assert _snapshot(working) == before


def test_a_pending_request_or_the_cap_also_withholds_the_form_and_says_why(
    client, working, people, settings
):
    client.force_login(people.unit_staff)
    with at_16_local(D(2026, 3, 20)):
        pending = _request(people, working, proposed=D(2026, 4, 10))
        html = client.get(f"/tasks/{working.pk}/").content.decode()
        assert 'id="step-request_extension"' not in html
        assert "Đã có một đề nghị gia hạn đang chờ quyết định." in html
        settings.CHIDAO_MAX_EXTENSIONS = 1
        _approve(people, pending)
        html = client.get(f"/tasks/{working.pk}/").content.decode()
        assert 'id="step-request_extension"' not in html
        with translation.override("vi"):
            cap = gettext(
                "This task has already been extended %(count)s times, the most allowed."
            ) % {"count": 1}
        assert str(escape(cap)) in html


# --- Allowed by the province: marked on the extension, and on the task once approved -------------
@allow_late
def test_when_allowed_a_late_request_is_accepted_and_marked(working, people):
    with at_16_local(D(2026, 4, 3)):
        assert "request_extension" in available_steps(people.unit_staff, working)
        extension = _request(people, working)
    assert extension.decision == Decision.PENDING
    assert extension.after_deadline
    assert extension.deadline_before == DEADLINE
    event = working.events.last()
    assert event.kind == EventKind.EXTENSION_REQUESTED
    assert event.data == {"extension": extension.pk, "proposed_date": "2026-04-24",
                          "reason": REASON, "after_deadline": True}  # fmt: skip
    task = Task.objects.get(pk=working.pk)
    assert not task.extended_after_deadline  # asking marks nothing on the task


@allow_late
def test_when_allowed_the_task_is_marked_on_approval_only(working, people):
    with at_16_local(D(2026, 4, 3)):
        extension = _request(people, working)
    with at_16_local(D(2026, 4, 6)):
        approved = _approve(people, extension)
    task = Task.objects.get(pk=working.pk)
    assert approved.decision == Decision.APPROVED
    assert (task.deadline, task.extension_count, task.extended_after_deadline) == (
        D(2026, 4, 24), 1, True
    )  # fmt: skip
    event = task.events.last()
    assert event.kind == EventKind.EXTENSION_APPROVED
    assert event.data["after_deadline"] is True
    assert (event.data["deadline_before"], event.data["deadline_after"]) == (
        "2026-03-31", "2026-04-24"
    )  # fmt: skip


@allow_late
def test_when_allowed_a_rejected_late_request_does_not_mark_the_task(working, people):
    with at_16_local(D(2026, 4, 3)):
        extension = _request(people, working)
        actions.decide_extension(people.leader, extension, approve=False, note="Không có căn cứ")
    task = Task.objects.get(pk=working.pk)
    assert (task.deadline, task.extended_after_deadline) == (DEADLINE, False)
    assert "after_deadline" not in task.events.last().data


@allow_late
def test_when_allowed_a_request_in_time_is_not_marked(working, people):
    with at_16_local(D(2026, 3, 20)):
        _approve(people, _request(people, working))
    task = Task.objects.get(pk=working.pk)
    assert task.extension_count == 1
    assert not task.extended_after_deadline
    assert not Extension.objects.get().after_deadline


@allow_late
def test_the_mark_stays_through_a_later_extension_asked_in_time(working, people):
    with at_16_local(D(2026, 4, 3)):
        _approve(people, _request(people, working, proposed=D(2026, 4, 24)))
    with at_16_local(D(2026, 4, 20)):
        second = _approve(people, _request(people, working, proposed=D(2026, 5, 8)))
    task = Task.objects.get(pk=working.pk)
    assert not second.after_deadline
    assert (task.deadline, task.extension_count, task.extended_after_deadline) == (
        D(2026, 5, 8), 2, True
    )  # fmt: skip


@allow_late
def test_work_done_within_a_late_extension_keeps_the_mark(working, people):
    """What the statistics need: done by the extended deadline, and extended after the deadline
    had passed (the counting of this sub-group itself lives with the timeliness groups)."""
    with at_16_local(D(2026, 4, 3)):
        _approve(people, _request(people, working))
    with at_16_local(D(2026, 4, 15)):
        actions.report_done(people.unit_staff, working, result="Đã trình phương án")
        actions.propose_closing(people.specialist, working)
        actions.confirm(people.office_leader, working)
    task = Task.objects.get(pk=working.pk)
    assert task.state == State.DONE
    assert task.completed_on <= task.deadline
    assert task.extended_after_deadline
    assert Task.objects.filter(extended_after_deadline=True).get() == task


def test_an_extension_is_held_to_five_years_after_the_directive(task, people):
    with at_16_local(D(2026, 3, 20)):
        with pytest.raises(ValidationError) as refused:
            actions.request_extension(
                people.unit_staff, task, proposed_date=D(9999, 12, 31), reason=REASON
            )
        assert "proposed_date" in refused.value.message_dict
        assert not Extension.objects.filter(task=task).exists()
        extension = actions.request_extension(
            people.unit_staff, task, proposed_date=D(2026, 4, 30), reason=REASON
        )
        with pytest.raises(ValidationError) as refused:
            actions.decide_extension(people.office_leader, extension, approve=True,
                                     date=D(2031, 3, 3))  # fmt: skip
        assert "date" in refused.value.message_dict
    assert Task.objects.get(pk=task.pk).deadline == DEADLINE
