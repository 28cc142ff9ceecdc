"""Ký diễn biến: the one-time migration of timelines written before the timeline keys.

Events from before the keys carry a plain SHA-256 (``key_id`` empty), which anyone with
database access can recompute. Run once, right after the upgrade:

1. Refuse if the anchor log already holds a signing entry: after it, an unkeyed event is
   tampering, and signing it would launder it.
2. Verify every chain as it stands (unkeyed events by their SHA-256, only before any signed
   event; signed events and the anchors as usual) and refuse, listing every break, if any is
   broken: only an intact history is vouched for.
3. Sign each task's whole chain again with the current key, under the task's row lock, checking
   it once more there; the events' content stays, their links and hashes change.
4. Append a full "sign" entry to the anchor log, which supersedes the heads anchored before.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.directives import anchors, signing
from chidao.directives.integrity import scan
from chidao.directives.models import Task, TaskEvent
from chidao.directives.timeline import walk

from .verify_timelines import describe, describe_log


def sign_task(task_id: int, key_id: str) -> int:
    """Sign one task's chain with ``key_id``; the number of events signed."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update().only("pk", "event_count", "event_head").get(pk=task_id)
        )
        events = list(TaskEvent.objects.filter(task=task).order_by("seq"))
        broken = walk(task, events, legacy=True).broken
        if broken is not None:
            raise CommandError(describe(broken))
        previous = ""
        for event in events:
            event.prev_hash, event.key_id = previous, key_id
            event.hash = event.compute_hash()
            previous = event.hash
        # The one sanctioned rewrite of events: the plain QuerySet, past the refusing manager.
        models.QuerySet(TaskEvent).bulk_update(events, ["prev_hash", "key_id", "hash"])
        Task.objects.filter(pk=task.pk).update(event_head=previous)
    return len(events)


class Command(BaseCommand):
    help = "Once, after the upgrade: verify the unkeyed timelines, then sign them with the key."

    def handle(self, *args, **options):
        log = anchors.read()
        if log.signed_at_line:
            raise CommandError(
                _(
                    "The timelines were already signed (anchor log, line %(line)s): an unkeyed "
                    "event now is tampering, not something to sign."
                )
                % {"line": log.signed_at_line}
            )
        unkeyed = list(
            TaskEvent.objects.filter(key_id="")
            .order_by("task_id")
            .values_list("task_id", flat=True)
            .distinct()
        )
        if not unkeyed:
            self.stdout.write(_("Nothing to sign: every event is signed."))
            return
        key_id = signing.current_key_id()
        problems = [describe_log(broken) for broken in log.breaks]
        problems += [describe(broken) for broken in scan(log, legacy=True, files=False)]
        if problems:
            for line in problems:
                self.stdout.write(line)
            raise CommandError(
                ngettext(
                    "Nothing was signed: %(count)s problem found.",
                    "Nothing was signed: %(count)s problems found.",
                    len(problems),
                )
                % {"count": len(problems)}
            )
        events = sum(sign_task(task_id, key_id) for task_id in unkeyed)
        entry = anchors.write("sign", full=True)
        self.stdout.write(
            _(
                "%(events)s events of %(tasks)s tasks signed with the key “%(key)s”; anchor "
                "#%(n)s written, digest %(digest)s."
            )
            % {
                "events": events,
                "tasks": len(unkeyed),
                "key": key_id,
                "n": entry.n,
                "digest": entry.digest,
            }
        )
