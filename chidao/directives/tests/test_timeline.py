"""Diễn biến nhiệm vụ: the task's timeline is append-only and hash-chained, so any change made
around the application (raw SQL) is found by ``verify`` and by ``manage.py verify_timelines``."""

import datetime
import io
import itertools

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from chidao.directives import actions
from chidao.directives.models import (
    EventKind,
    ImmutableEventError,
    Priority,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.directives.timeline import Break, verify

UTC = datetime.UTC
# Four moments in March 2026, before the fixture task's deadline of 31/03.
ISSUED = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
RECEIVED = datetime.datetime(2026, 3, 3, 3, 15, tzinfo=UTC)
PROGRESS = datetime.datetime(2026, 3, 10, 8, 30, 12, 345678, tzinfo=UTC)
COMMENTED = datetime.datetime(2026, 3, 11, 9, 45, tzinfo=UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def acted(task, people):
    """The fixture task with four events: #1 assigned, #2 received, #3 progress, #4 comment."""
    with at(RECEIVED):
        actions.receive(people.unit_staff, task)
    with at(PROGRESS):
        actions.post_progress(people.unit_staff, task, "Đã có dự thảo phương án", 40)
    with at(COMMENTED):
        actions.comment(people.specialist, task, "Đề nghị bổ sung số liệu giải ngân")
    return Task.objects.get(pk=task.pk)


def fresh(task):
    return Task.objects.get(pk=task.pk)


def second_task(org, people):
    (task,) = issue(
        people.specialist,
        org,
        people,
        actions.TaskSpec(
            content="Báo cáo tình hình giải ngân quý I",
            lead_unit=org.finance,
            deadline_date=datetime.date(2026, 4, 10),
        ),
    )
    return task


def rows(task):
    """Every stored column of the task's events, to show that a refused write changed nothing."""
    return list(TaskEvent.objects.filter(task=task).order_by("seq").values())


def raw(sql, *params):
    """Run SQL against the events table, as someone with database access could, around the app.
    ``{table}`` is the events table's quoted name."""
    table = connection.ops.quote_name(TaskEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)
        return cursor.rowcount


# --- The chain verifies ------------------------------------------------------------------------
def test_the_chain_of_a_task_verifies_after_a_few_actions(acted):
    assert list(acted.events.order_by("seq").values_list("seq", "kind")) == [
        (1, EventKind.CREATED),
        (2, EventKind.RECEIVED),
        (3, EventKind.PROGRESS),
        (4, EventKind.COMMENT),
    ]
    assert (acted.event_count, acted.event_head) == (4, acted.events.get(seq=4).hash)
    assert verify(acted) is None


def test_each_event_links_to_the_hash_of_the_one_before(acted):
    events = list(acted.events.order_by("seq"))

    assert events[0].prev_hash == ""
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert all(event.hash == event.compute_hash() for event in events)
    assert len({event.hash for event in events}) == 4


# --- The application refuses to change or delete an event --------------------------------------
def test_saving_an_existing_event_again_is_refused_and_changes_nothing(acted):
    before = rows(acted)
    event = acted.events.get(seq=3)
    event.data = {"text": "forged"}

    with pytest.raises(ImmutableEventError):
        event.save()

    assert rows(acted) == before
    assert verify(fresh(acted)) is None


def test_deleting_an_event_is_refused_and_changes_nothing(acted):
    before = rows(acted)

    with pytest.raises(ImmutableEventError):
        acted.events.get(seq=4).delete()

    assert rows(acted) == before
    assert verify(fresh(acted)) is None


def test_updating_events_through_a_queryset_is_refused_and_changes_nothing(acted):
    before = rows(acted)

    with pytest.raises(ImmutableEventError):
        TaskEvent.objects.filter(task=acted, seq=3).update(data={"text": "forged"})
    with pytest.raises(ImmutableEventError):
        acted.events.update(kind=EventKind.CONFIRMED)
    event = acted.events.get(seq=2)
    event.kind = EventKind.CONFIRMED
    # bulk_update runs in an atomic block without a savepoint of its own: give it one.
    with pytest.raises(ImmutableEventError), transaction.atomic():
        TaskEvent.objects.bulk_update([event], ["kind"])

    assert rows(acted) == before
    assert verify(fresh(acted)) is None


def test_deleting_events_through_a_queryset_is_refused_and_changes_nothing(acted):
    before = rows(acted)

    with pytest.raises(ImmutableEventError):
        TaskEvent.objects.filter(task=acted, seq=4).delete()
    with pytest.raises(ImmutableEventError):
        acted.events.all().delete()

    assert rows(acted) == before
    assert verify(fresh(acted)) is None


# --- Changes made around the application are found ---------------------------------------------
def test_content_changed_by_raw_sql_is_found_at_that_event(acted):
    changed = raw(
        """UPDATE {table} SET data = '{{"text": "forged"}}' WHERE task_id = %s AND seq = %s""",
        acted.pk,
        3,
    )

    assert changed == 1
    assert acted.events.get(seq=3).data == {"text": "forged"}
    assert verify(fresh(acted)) == Break(acted.pk, 3, "content")


def test_an_event_deleted_by_raw_sql_is_found_missing(acted):
    assert raw("DELETE FROM {table} WHERE task_id = %s AND seq = %s", acted.pk, 2) == 1

    assert verify(fresh(acted)) == Break(acted.pk, 2, "missing")


def test_a_link_changed_by_raw_sql_is_found_at_that_event(acted):
    forged = "0" * 64
    sql = "UPDATE {table} SET prev_hash = %s WHERE task_id = %s AND seq = %s"
    assert raw(sql, forged, acted.pk, 3) == 1

    assert verify(fresh(acted)) == Break(acted.pk, 3, "link")


def test_the_last_event_deleted_by_raw_sql_is_found_as_a_truncated_chain(acted):
    assert raw("DELETE FROM {table} WHERE task_id = %s AND seq = %s", acted.pk, 4) == 1

    # Events 1 to 3 are intact among themselves: only the task's own count and head tell.
    assert verify(fresh(acted)) == Break(acted.pk, 3, "truncated")  # the last one left


def test_a_rewritten_event_with_a_recomputed_hash_still_breaks_the_next_link(acted):
    """A forger who also recomputes the event's hash must rewrite every later event too."""
    event = acted.events.get(seq=3)
    event.data = {**event.data, "percent": 90}
    rehashed = event.compute_hash()
    raw(
        """UPDATE {table} SET data = '{{"text": "Đã có dự thảo phương án", "percent": 90, """
        """"from": "received", "to": "in_progress"}}', hash = %s WHERE task_id = %s AND seq = %s""",
        rehashed,
        acted.pk,
        3,
    )

    assert acted.events.get(seq=3).hash == acted.events.get(seq=3).compute_hash()
    assert verify(fresh(acted)) == Break(acted.pk, 4, "link")


def test_one_tasks_broken_chain_does_not_affect_another_task(acted, org, people):
    other = second_task(org, people)
    raw("DELETE FROM {table} WHERE task_id = %s AND seq = %s", acted.pk, 2)

    assert verify(fresh(other)) is None
    assert verify(fresh(acted)) == Break(acted.pk, 2, "missing")


# --- The management command ---------------------------------------------------------------------
def anchor():
    """Today's anchor, as the worker writes it daily: the fixture's events are months old, and
    the command wants events older than two days covered by one."""
    call_command("anchor_timelines", stdout=io.StringIO())


def test_the_command_reports_all_timelines_intact(acted):
    anchor()
    out = io.StringIO()

    with translation.override("en"):
        call_command("verify_timelines", stdout=out)

    assert f"{Task.objects.count()} timelines verified, all intact." in out.getvalue()


def test_the_command_reports_intact_timelines_in_vietnamese_by_default(acted):
    anchor()
    out = io.StringIO()

    call_command("verify_timelines", stdout=out)

    assert "tất cả đều toàn vẹn" in out.getvalue()


def test_the_command_names_the_task_and_its_first_broken_event(acted):
    anchor()
    raw(
        """UPDATE {table} SET data = '{{"text": "forged"}}' WHERE task_id = %s AND seq = %s""",
        acted.pk,
        3,
    )
    out = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("verify_timelines", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Task {acted.pk}, event #3: the event's content was changed."
    ]
    assert str(error.value) == "1 problem found, in 1 timelines or documents."


def test_the_command_names_the_broken_event_in_vietnamese_by_default(acted):
    anchor()
    raw("DELETE FROM {table} WHERE task_id = %s AND seq = %s", acted.pk, 2)
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_timelines", stdout=out)

    assert f"Nhiệm vụ {acted.pk}, sự kiện số 2" in out.getvalue()


def test_the_command_checks_only_the_tasks_asked_for(acted, org, people):
    other = second_task(org, people)
    anchor()
    raw("DELETE FROM {table} WHERE task_id = %s AND seq = %s", acted.pk, 4)

    with translation.override("en"):
        out = io.StringIO()
        call_command("verify_timelines", "--task", str(other.pk), stdout=out)
        assert "1 timelines verified, all intact." in out.getvalue()
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("verify_timelines", "--task", str(acted.pk), stdout=out)
        assert out.getvalue().startswith(f"Task {acted.pk}, event #3: events after")


# --- What each event records --------------------------------------------------------------------
def test_events_record_who_acted_and_when(org, people):
    with at(ISSUED):
        (task,) = issue(
            people.specialist,
            org,
            people,
            actions.TaskSpec(
                content="Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
                lead_unit=org.finance,
                deadline_date=datetime.date(2026, 3, 31),
            ),
        )
    with at(RECEIVED):
        actions.receive(people.unit_staff, task)
    with at(PROGRESS):
        actions.post_progress(people.unit_head, task, "Đã có dự thảo phương án", 40)
    with at(COMMENTED):
        actions.comment(people.specialist, task, "Đề nghị bổ sung số liệu giải ngân")

    assert list(task.events.order_by("seq").values_list("kind", "actor", "at")) == [
        (EventKind.CREATED, people.specialist.pk, ISSUED),
        (EventKind.RECEIVED, people.unit_staff.pk, RECEIVED),
        (EventKind.PROGRESS, people.unit_head.pk, PROGRESS),
        (EventKind.COMMENT, people.specialist.pk, COMMENTED),
    ]
    progress = task.events.get(seq=3)
    assert progress.data == {
        "text": "Đã có dự thảo phương án",
        "percent": 40,
        "from": State.RECEIVED,
        "to": State.IN_PROGRESS,
    }
    assert verify(fresh(task)) is None


def test_an_edit_records_each_changed_field_before_and_after_with_the_reason(task, people):
    with at(PROGRESS):
        actions.edit_task(
            people.specialist,
            task,
            reason="Theo ý kiến của lãnh đạo",
            content="Tham mưu phương án phân bổ vốn đầu tư công năm 2026 (bổ sung)",
            priority=Priority.URGENT,
            directing_leader=None,
            product="Tờ trình",
        )

    event = fresh(task).events.get(seq=2)
    assert (event.kind, event.actor, event.at) == (EventKind.EDITED, people.specialist, PROGRESS)
    assert event.data == {
        "reason": "Theo ý kiến của lãnh đạo",
        "changes": {
            "content": {
                "before": "Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
                "after": "Tham mưu phương án phân bổ vốn đầu tư công năm 2026 (bổ sung)",
            },
            "priority": {"before": Priority.NORMAL, "after": Priority.URGENT},
            "directing_leader": {
                "before": {"id": people.leader.pk, "name": str(people.leader)},
                "after": None,
            },
            "product": {"before": "", "after": "Tờ trình"},
        },
    }
    assert verify(fresh(task)) is None


def test_an_edit_that_changes_nothing_records_nothing(task, people):
    actions.edit_task(people.specialist, task, reason="Không đổi", priority=Priority.NORMAL)

    assert fresh(task).event_count == 1


def test_a_return_records_who_returned_it_why_and_from_which_state(task, people):
    with at(RECEIVED):
        actions.receive(people.unit_staff, task)
        actions.report_done(people.unit_head, task, result="Đã trình phương án")
    with at(COMMENTED):
        actions.return_task(people.specialist, task, "  Thiếu phụ lục số liệu giải ngân  ")

    task = fresh(task)
    event = task.events.order_by("seq").last()
    assert (event.kind, event.actor, event.at) == (EventKind.RETURNED, people.specialist, COMMENTED)
    assert event.data == {
        "reason": "Thiếu phụ lục số liệu giải ngân",
        "from": State.REPORTED,
        "to": State.IN_PROGRESS,
    }
    assert (task.state, task.return_reason) == (
        State.IN_PROGRESS,
        "Thiếu phụ lục số liệu giải ngân",
    )
    assert verify(task) is None
