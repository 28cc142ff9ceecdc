"""Append to a task's timeline and verify its hash chain (diễn biến nhiệm vụ)."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from chidao.core import clock
from chidao.directives.models import Task, TaskEvent


def record(task: Task, kind: str, actor, **data) -> TaskEvent:
    """Append one event. The caller holds the task's row lock (``select_for_update``) inside a
    transaction, so the sequence number and the previous hash are the latest ones; the unique
    (task, seq) constraint refuses a second writer that would fork the chain all the same."""
    # Store exactly what is hashed: dates and decimals become the strings the database returns.
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    event = TaskEvent(
        task=task,
        seq=task.event_count + 1,
        kind=kind,
        actor=actor,
        at=clock.now(),
        data=data,
        prev_hash=task.event_head,
    )
    event.hash = event.compute_hash()
    event.save()
    task.event_count = event.seq
    task.event_head = event.hash
    # Every step is a change of the task (``freshness.stamp``), even one that leaves its own
    # fields as they were (a share updated, an extension asked).
    task.updated = timezone.now()
    Task.objects.filter(pk=task.pk).update(
        event_count=event.seq, event_head=event.hash, updated=task.updated
    )
    # Imported here: the notifications app imports the directives models, which load this module.
    from chidao.notifications import outbox

    outbox.write_for_event(event)  # the outbox rows commit (or roll back) with the event
    return event


@dataclass(frozen=True)
class Break:
    task_id: int
    seq: int
    reason: str


def verify(task: Task) -> Break | None:
    """The first event whose content, order or link no longer matches, or None if intact.

    1. Events must be numbered 1, 2, 3… without a gap (a deleted event leaves one).
    2. Each event's ``prev_hash`` must be the hash of the one before it.
    3. Each event's stored hash must equal the hash of its content now.
    4. The task's own record of the last hash and the count must match the chain's end (a
       truncated tail would otherwise go unseen); the break names the last event left.
    """
    previous = ""
    expected_seq = 1
    for event in task.events.order_by("seq").iterator():
        if event.seq != expected_seq:
            return Break(task.pk, expected_seq, "missing")
        if event.prev_hash != previous:
            return Break(task.pk, event.seq, "link")
        if event.compute_hash() != event.hash:
            return Break(task.pk, event.seq, "content")
        previous = event.hash
        expected_seq += 1
    if task.event_count != expected_seq - 1 or task.event_head != previous:
        return Break(task.pk, expected_seq - 1, "truncated")  # the last event still there
    return None
