"""Append to a task's timeline and verify its hash chain (diễn biến nhiệm vụ)."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from chidao.core import clock
from chidao.directives import signing
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
        key_id=signing.current_key_id(),
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


def record_first(entries: Iterable[tuple[Task, str, object, dict]]) -> list[TaskEvent]:
    """The first event of each of many tasks just created, (task, kind, actor, data) each: the
    events ``record`` would write, inserted in a few statements instead of several per task (an
    imported register of thousands of rows). The caller holds the transaction that created the
    tasks; a task that already has an event is refused. What ``record`` does after each event
    is done here too: the outbox rows of each, and the actors' units stamped once per actor
    (``org.activity``, which a row inserted in bulk does not signal)."""
    now = clock.now()
    key_id = signing.current_key_id()
    events = []
    for task, kind, actor, data in entries:
        if task.event_count:
            raise ValueError(f"task {task.pk} already has a timeline")
        event = TaskEvent(
            task=task,
            seq=1,
            kind=kind,
            actor=actor,
            at=now,
            data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            prev_hash="",
            key_id=key_id,
        )
        event.hash = event.compute_hash()
        events.append(event)
    TaskEvent.objects.bulk_create(events, batch_size=500)
    updated = timezone.now()
    for event in events:
        event.task.event_count, event.task.event_head = 1, event.hash
        event.task.updated = updated
    # Each task's head is its one event's hash, read back through the (task, seq) index: one
    # statement per batch, where a CASE per row grows with the batch.
    first_hash = TaskEvent.objects.filter(task=OuterRef("pk"), seq=1).values("hash")[:1]
    ids = [e.task_id for e in events]
    for start in range(0, len(ids), 500):
        Task.objects.filter(pk__in=ids[start : start + 500]).update(
            event_count=1, event_head=Subquery(first_hash), updated=updated
        )
    from chidao.notifications import outbox
    from chidao.org import activity

    for event in events:
        outbox.write_for_event(event)
    for actor_id in {e.actor_id for e in events}:
        activity.note_step(actor_id, now)
    return events


@dataclass(frozen=True)
class Break:
    """Where a check failed: the task and event number, or, for a directive's own document
    (no task), the directive; ``reason`` is a key of ``verify_timelines.REASONS``; ``detail``
    names the file or the key concerned."""

    task_id: int | None
    seq: int
    reason: str
    detail: str = ""
    directive_id: int | None = None


@dataclass(frozen=True)
class Anchored:
    """What the latest anchor entry naming a task recorded: its event count and last hash."""

    count: int
    head: str


@dataclass
class Walk:
    """The outcome of walking one task's chain: its first break, if any, and the files its
    (signed) events recorded, by attachment id: (event number, name, SHA-256)."""

    broken: Break | None = None
    files: dict[int, tuple[int, str, str]] = field(default_factory=dict)


def verify(task: Task, *, legacy: bool = False) -> Break | None:
    """The first event whose content, order, link or signature no longer matches, or None."""
    return walk(task, task.events.order_by("seq").iterator(), legacy=legacy).broken


def walk(
    task: Task,
    events: Iterable[TaskEvent],
    *,
    legacy: bool = False,
    anchored: Anchored | None = None,
    unanchored_before: datetime.datetime | None = None,
    retired: dict[str, datetime.datetime] | None = None,
) -> Walk:
    """Walk one task's events in order; stop at the first break.

    1. Events must be numbered 1, 2, 3… without a gap (a deleted event leaves one).
    2. Each event's ``prev_hash`` must be the hash of the one before it.
    3. Each event must be signed with a configured timeline key (an unkeyed one is a break,
       except with ``legacy``, for ``sign_timelines``: unkeyed events before any signed one
       are checked by their plain SHA-256), and its stored hash must equal its HMAC now, so
       a chain recomputed without the key fails here.
    4. The task's own record of the last hash and the count must match the chain's end (a
       truncated tail would otherwise go unseen); the break names the last event left.
    5. Against the anchors: the anchored event (number ``anchored.count``) must still be there
       with the anchored hash, so a history deleted or rolled back with the head reset to an
       earlier, genuine event is found; and an event older than ``unanchored_before`` must be
       covered by an anchor (the daily anchor runs; a truncated anchor log shows here). This
       last break is reported only when nothing worse is found.
    6. Against key rotation (``retired``: key id → when an anchor signed with a newer key was
       first written): an event signed with a retired key must be dated before that moment
       and not before the event before it (a backdated forgery), and no event may be signed
       with an older key than an event before it in the chain. With the current key anyone
       can date an event as they like, so time order is checked where it proves something.
    """
    result = Walk()
    previous = ""
    expected_seq = 1
    signed_seen = False
    late = None
    newest = None  # the age of the newest key that signed an event so far
    before = None  # the previous event's time
    for event in events:
        broken = None
        if event.seq != expected_seq:
            broken = Break(task.pk, expected_seq, "missing")
        elif event.prev_hash != previous:
            broken = Break(task.pk, event.seq, "link")
        elif not event.key_id and (not legacy or signed_seen):
            broken = Break(task.pk, event.seq, "unkeyed")
        else:
            try:
                if not signing.same(event.compute_hash(), event.hash):
                    broken = Break(task.pk, event.seq, "content")
            except signing.UnknownKeyError:
                broken = Break(task.pk, event.seq, "unknown_key", event.key_id)
        if (
            broken is None
            and anchored
            and event.seq == anchored.count
            and (event.hash != anchored.head)
        ):
            broken = Break(task.pk, event.seq, "anchor_changed")
        age = signing.age(event.key_id) if event.key_id else None
        if broken is None and age is not None:
            broken = _rotation(task, event, age, newest, before, retired or {})
        if broken is not None:
            result.broken = broken
            return result
        if age is not None:
            newest = age if newest is None else min(newest, age)
        before = event.at
        signed_seen = signed_seen or bool(event.key_id)
        if (
            late is None
            and unanchored_before is not None
            and event.at < unanchored_before
            and (anchored is None or event.seq > anchored.count)
        ):
            late = Break(task.pk, event.seq, "unanchored")
        for file in (event.data or {}).get("files") or ():
            if isinstance(file, dict) and isinstance(file.get("id"), int):
                result.files[file["id"]] = (event.seq, str(file.get("name")), file.get("sha256"))
        previous = event.hash
        expected_seq += 1
    count = expected_seq - 1
    if task.event_count != count or task.event_head != previous:
        result.broken = Break(task.pk, count, "truncated")  # the last event still there
    elif anchored and anchored.count > count:
        result.broken = Break(task.pk, anchored.count, "anchor_missing")
    else:
        result.broken = late
    return result


def _rotation(task, event, age, newest, before, retired) -> Break | None:
    """A key replaced by a newer one signs nothing after it (``walk``, 6)."""
    if newest is not None and age > newest:
        return Break(task.pk, event.seq, "retired_key", event.key_id)
    until = retired.get(event.key_id)
    if until is None:
        return None
    if event.at >= until:
        return Break(task.pk, event.seq, "retired_key", event.key_id)
    if before is not None and event.at < before:
        return Break(task.pk, event.seq, "backwards", event.key_id)
    return None


# --- A correction's changes as people read them (before → after) -------------------------------
@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _labels() -> dict:
    from django.utils.translation import gettext_lazy as _

    return {
        "content": _("Task"),
        "lead_unit": _("Lead unit"),
        "cooperating_units": _("Cooperating units"),
        "deadline": _("Deadline (original and in force)"),
        "deadline_kind": _("Kind of deadline"),
        "directing_leader": _("Directing leader"),
        "specialist": _("Tracking specialist"),
        "sector_block": _("Sector block"),
        "priority": _("Priority"),
        "product": _("Expected product"),
        "product_is_committee_document": _("the product is a document of the committee"),
        "is_confidential": _("Confidential"),
        "state": _("State"),
        "kind": _("Directive kind"),
        "number": _("Number"),
        "symbol": _("Symbol"),
        "issued_on": _("Directive date"),
        "assigned_on": _("Assigned on"),
        "signer": _("Signer"),
        "summary": _("Summary"),
        "meeting_name": _("Meeting"),
        "meeting_chair": _("Meeting chair"),
    }


DATE_FIELDS = frozenset({"deadline", "issued_on", "assigned_on"})


def _choices() -> dict:
    from chidao.directives.models import DeadlineKind, DirectiveKind, Priority, State

    return {
        "priority": Priority,
        "state": State,
        "deadline_kind": DeadlineKind,
        "kind": DirectiveKind,
    }


def _shown(name: str, value) -> str:
    from django.utils.translation import gettext as _

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(_shown(name, item) for item in value)
    if name in DATE_FIELDS and isinstance(value, str):
        try:
            return f"{datetime.date.fromisoformat(value[:10]):%d/%m/%Y}"
        except ValueError:
            return value
    choices = _choices().get(name)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)
    return str(value)


def changes_of(data) -> list[Change]:
    """The ``changes`` of an EDITED or DIRECTIVE_EDITED step, each field with its name and its
    values as the page shows them, in the order they were recorded."""
    changes = (data or {}).get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, dict):
        return []
    labels = _labels()
    return [
        Change(
            str(labels.get(name, name)), _shown(name, c.get("before")), _shown(name, c.get("after"))
        )
        for name, c in changes.items()
        if isinstance(c, dict)
    ]
