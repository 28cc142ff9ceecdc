"""Two people acting on one task at the same moment: one after the other, never both.

These need real concurrent transactions (row locks, ``select_for_update``), so they run on
PostgreSQL only; on SQLite, which serialises every writer anyway, they are skipped.
"""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from chidao.conftest import make_person
from chidao.directives import actions, timeline
from chidao.directives.actions import WorkflowError
from chidao.directives.models import Decision, EventKind, Extension, State, Task, TaskEvent
from chidao.org.models import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]

MORNING = datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING):
        yield


def at_once(*calls):
    """Run each call in its own thread and database connection, all released together by a
    barrier; return what each returned or raised, in the order given."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test inspects what each thread raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return results


def proposed(task, people):
    task = actions.receive(people.unit_staff, task)
    task = actions.post_progress(people.unit_staff, task, "Đang tổng hợp", 50)
    task = actions.report_done(people.unit_head, task, result="Đã trình phương án")
    return actions.propose_closing(people.specialist, task)


def refresh(task):
    return Task.objects.get(pk=task.pk)


def count(task, kind=None):
    events = TaskEvent.objects.filter(task=task)
    return events.filter(kind=kind).count() if kind else events.count()


@pytest.fixture
def second_office_leader(org):
    return make_person("office_leader_2", org.office, Role.OFFICE_LEADER)


def test_the_database_is_postgresql_and_the_tests_run_in_real_transactions(
    transactional_db, org, people, task
):
    assert connection.vendor == "postgresql"
    assert not connection.in_atomic_block  # no test-wide transaction: threads see the data
    seen = at_once(lambda: Task.objects.filter(pk=task.pk).exists())
    assert seen == [True]


def test_two_office_leaders_confirming_at_once_confirm_it_once(
    transactional_db, org, people, task, second_office_leader
):
    task = proposed(task, people)
    before = count(task)

    results = at_once(
        lambda: actions.confirm(people.office_leader, task, "Đồng ý"),
        lambda: actions.confirm(second_office_leader, task, "Đồng ý"),
    )

    succeeded = [r for r in results if isinstance(r, Task)]
    refused = [r for r in results if isinstance(r, WorkflowError)]
    assert (len(succeeded), len(refused)) == (1, 1), results
    assert refused[0].code == "illegal_step"
    task = refresh(task)
    assert task.state == State.DONE
    assert count(task) == before + 1
    assert count(task, EventKind.CONFIRMED) == 1
    confirmer = task.events.get(kind=EventKind.CONFIRMED).actor
    assert confirmer == succeeded[0].events.get(kind=EventKind.CONFIRMED).actor
    assert timeline.verify(task) is None


def test_a_confirmation_racing_a_return_leaves_the_result_of_exactly_one(
    transactional_db, org, people, task, second_office_leader
):
    task = proposed(task, people)
    before = count(task)

    confirmed, returned = at_once(
        lambda: actions.confirm(people.office_leader, task),
        lambda: actions.return_task(second_office_leader, task, "Chưa đủ hồ sơ"),
    )

    task = refresh(task)
    assert count(task) == before + 1
    assert timeline.verify(task) is None
    last = task.events.order_by("-seq").first()
    if isinstance(confirmed, Task):
        assert isinstance(returned, WorkflowError), returned
        assert (task.state, last.kind, last.actor) == (
            State.DONE,
            EventKind.CONFIRMED,
            people.office_leader,
        )
        assert task.closed_at is not None and task.returned_at is None
        assert task.completed_on == datetime.date(2026, 3, 5)
    else:
        assert isinstance(confirmed, WorkflowError), confirmed
        assert isinstance(returned, Task), returned
        assert (task.state, last.kind, last.actor) == (
            State.IN_PROGRESS,
            EventKind.RETURNED,
            second_office_leader,
        )
        assert (task.closed_at, task.completed_on) == (None, None)
        assert task.return_reason == "Chưa đủ hồ sơ"


def test_two_approvals_of_one_extension_request_move_the_deadline_once(
    transactional_db, org, people, task
):
    task = actions.receive(people.unit_staff, task)
    extension = actions.request_extension(
        people.unit_head, task, proposed_date=datetime.date(2026, 4, 15), reason="Chờ số liệu"
    )
    before = count(task)

    results = at_once(
        lambda: actions.decide_extension(
            people.leader, Extension.objects.get(pk=extension.pk), approve=True
        ),
        lambda: actions.decide_extension(
            people.office_leader,
            Extension.objects.get(pk=extension.pk),
            approve=True,
            date=datetime.date(2026, 4, 22),
        ),
    )

    succeeded = [r for r in results if isinstance(r, Extension)]
    refused = [r for r in results if isinstance(r, WorkflowError)]
    assert (len(succeeded), len(refused)) == (1, 1), results
    extension.refresh_from_db()
    task = refresh(task)
    assert extension.decision == Decision.APPROVED
    assert extension.decided_by == succeeded[0].decided_by
    assert task.deadline == extension.approved_date
    assert task.deadline in (datetime.date(2026, 4, 15), datetime.date(2026, 4, 22))
    assert task.original_deadline == datetime.date(2026, 3, 31)
    assert task.extension_count == 1
    assert count(task) == before + 1
    assert count(task, EventKind.EXTENSION_APPROVED) == 1
    assert timeline.verify(task) is None


def test_twenty_comments_at_once_are_all_recorded_in_one_unbroken_chain(
    transactional_db, org, people, task
):
    before = count(task)
    writers = [people.unit_staff, people.specialist] * 10

    results = at_once(
        *[
            (lambda who=who, n=n: actions.comment(who, task, f"Ý kiến số {n}"))
            for n, who in enumerate(writers, start=1)
        ]
    )

    assert all(isinstance(r, Task) for r in results), results
    task = refresh(task)
    comments = task.events.filter(kind=EventKind.COMMENT)
    assert comments.count() == 20
    assert sorted(c.data["text"] for c in comments) == sorted(
        f"Ý kiến số {n}" for n in range(1, 21)
    )
    assert {c.actor for c in comments} == {people.unit_staff, people.specialist}
    assert list(task.events.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, before + 21)
    )
    assert (task.event_count, count(task)) == (before + 20, before + 20)
    assert timeline.verify(task) is None
