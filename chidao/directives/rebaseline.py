"""Neo lại sau khôi phục: the anchor entry a restore writes, so that a legitimate rollback is on
the record instead of reported as tampering.

A backup older than the latest anchor brings back timelines shorter than the anchored ones.
``manage.py restore`` runs with the timeline key, so it appends a signed "restore" entry: the
heads as restored (the new baseline), the backup it came from, and every task it rolled back.
Someone with the database but without the key cannot write such an entry: a rollback without
one is still reported.

Only a rollback is taken as such. A restored chain that reaches an anchored event with another
hash contradicts the anchors whatever the backup: the anchored head is carried into the entry,
so ``verify_timelines`` still reports it.
"""

import functools
import operator
from dataclasses import dataclass

from django.db.models import Q

from chidao.directives import anchors
from chidao.directives.models import Task, TaskEvent

CHUNK = 500


@dataclass(frozen=True)
class RolledBack:
    task_id: int
    anchored: int
    restored: int | None  # None: the task is not in the restored database


@dataclass
class Rebaseline:
    entry: anchors.Entry
    rolled_back: list[RolledBack]
    contradicted: list[int]


def after_restore(backup: dict) -> Rebaseline:
    """Append the "restore" entry for the database as it now is; ``backup`` identifies the
    archive (creation time, SHA-256s). The web servers and the worker are stopped meanwhile."""
    anchored = anchors.read().heads
    restored = {
        pk: [pk, count, head]
        for pk, count, head in Task.objects.filter(event_count__gt=0)
        .order_by("pk")
        .values_list("pk", "event_count", "event_head")
        .iterator(chunk_size=5000)
    }
    rolled_back, beyond = [], []
    contradicted = set()
    for task_id, mark in sorted(anchored.items()):
        row = restored.get(task_id)
        if row is None:
            rolled_back.append(RolledBack(task_id, mark.count, None))
        elif row[1] < mark.count:
            rolled_back.append(RolledBack(task_id, mark.count, row[1]))
        elif row[1] == mark.count:
            if row[2] != mark.head:
                contradicted.add(task_id)
        else:
            beyond.append((task_id, mark))
    contradicted |= _contradicted(beyond)
    for task_id in contradicted:
        restored[task_id] = [task_id, anchored[task_id].count, anchored[task_id].head]
    entry = anchors.write(
        "restore",
        heads=list(restored.values()),
        extra={
            "backup": backup,
            "rolled_back": [[r.task_id, r.anchored, r.restored] for r in rolled_back],
        },
    )
    return Rebaseline(entry, rolled_back, sorted(contradicted))


def _contradicted(beyond: list) -> set[int]:
    """The tasks restored past their anchored event whose event there has another hash."""
    found = set()
    for start in range(0, len(beyond), CHUNK):
        chunk = dict(beyond[start : start + CHUNK])
        query = functools.reduce(
            operator.or_, (Q(task_id=pk, seq=mark.count) for pk, mark in chunk.items())
        )
        hashes = dict(
            ((pk, seq), h)
            for pk, seq, h in TaskEvent.objects.filter(query).values_list("task_id", "seq", "hash")
        )
        for pk, mark in chunk.items():
            if hashes.get((pk, mark.count)) != mark.head:
                found.add(pk)
    return found
