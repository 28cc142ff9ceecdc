"""Kiểm tra toàn vẹn: every task's chain, against the anchors, and every attached file.

One pass over three streams read in the same order (tasks by id, events by task and number,
attachments by task), so a hundred thousand tasks take a few queries, never one per task.
"""

import datetime
import hashlib
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import attrgetter

from django.conf import settings

from chidao.core import clock
from chidao.directives.anchors import Log
from chidao.directives.models import Attachment, Task, TaskEvent
from chidao.directives.timeline import Break, walk

CHUNK = 2000
FIELDS = ("pk", "event_count", "event_head")


class _Groups:
    """Rows sorted by ``key``, handed out one key's rows at a time, in increasing key order."""

    def __init__(self, rows: Iterable, key: str):
        self._groups = groupby(rows, key=attrgetter(key))
        self._next = next(self._groups, None)

    def take(self, key: int) -> list:
        while self._next is not None and self._next[0] < key:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != key:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows


def file_hash(attachment: Attachment) -> str | None:
    """The SHA-256 of the stored file, streamed through the storage API (S3 too); None when the
    file is gone."""
    storage, name = attachment.file.storage, attachment.file.name
    if not name or not storage.exists(name):
        return None
    digest = hashlib.sha256()
    with storage.open(name, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _files(
    task_id: int, attachments: list[Attachment], recorded: dict[int, tuple[int, str, str]]
) -> Iterator[Break]:
    """Each file must hash to its recorded SHA-256: the one in the signed event that added it
    (the attachment row's own column is in reach of a database editor), else the column."""
    present = set()
    for attachment in attachments:
        present.add(attachment.pk)
        seq, _name, signed = recorded.get(attachment.pk, (0, "", None))
        actual = file_hash(attachment)
        if actual is None:
            yield Break(task_id, seq, "file_missing", attachment.name)
        elif actual != attachment.sha256 or (signed is not None and actual != signed):
            yield Break(task_id, seq, "file_changed", attachment.name)
    for pk, (seq, name, _signed) in sorted(recorded.items()):
        if pk not in present:  # the row itself removed (or moved to another task)
            yield Break(task_id, seq, "file_missing", name)


def scan(
    anchors: Log,
    task_ids: list[int] | None = None,
    *,
    legacy: bool = False,
    files: bool = True,
) -> Iterator[Break]:
    """Every break found, task by task in id order (see ``timeline.walk``), then the tasks the
    anchors name that are gone, then the directives' own documents."""
    grace = settings.CHIDAO_ANCHOR_GRACE_HOURS
    unanchored_before = None
    if grace and not legacy:
        unanchored_before = clock.now() - datetime.timedelta(hours=grace)
    tasks = Task.objects.order_by("pk").only(*FIELDS)
    events = TaskEvent.objects.order_by("task_id", "seq")
    attachments = Attachment.objects.filter(task__isnull=False).order_by("task_id", "pk")
    if task_ids:
        tasks = tasks.filter(pk__in=task_ids)
        events = events.filter(task_id__in=task_ids)
        attachments = attachments.filter(task_id__in=task_ids)
    event_groups = _Groups(events.iterator(chunk_size=CHUNK), "task_id")
    file_groups = _Groups(attachments.iterator(chunk_size=CHUNK) if files else (), "task_id")
    seen = set()
    for task in tasks.iterator(chunk_size=CHUNK):
        seen.add(task.pk)
        checks = {
            "legacy": legacy,
            "anchored": anchors.heads.get(task.pk),
            "unanchored_before": unanchored_before,
            "retired": anchors.retired,
        }
        result = walk(task, event_groups.take(task.pk), **checks)
        if result.broken is not None:
            # The streams are separate reads: an event appended between the read of the task
            # and that of its events would look like a break. Read the task alone once more.
            task = Task.objects.only(*FIELDS).get(pk=task.pk)
            result = walk(task, task.events.order_by("seq"), **checks)
        if result.broken is not None:
            yield result.broken
        if files:
            yield from _files(task.pk, file_groups.take(task.pk), result.files)
    for task_id, anchored in sorted(anchors.heads.items()):
        if task_id in seen or (task_ids and task_id not in task_ids):
            continue
        if not Task.objects.filter(pk=task_id).exists():  # not one created since the read
            yield Break(task_id, anchored.count, "task_gone")
    if files and not task_ids:
        # A directive's own document (no task, no event) has only its column to go by.
        for attachment in Attachment.objects.filter(task=None).order_by("pk").iterator():
            actual = file_hash(attachment)
            if actual is None or actual != attachment.sha256:
                reason = "file_missing" if actual is None else "file_changed"
                yield Break(None, 0, reason, attachment.name, attachment.directive_id)
