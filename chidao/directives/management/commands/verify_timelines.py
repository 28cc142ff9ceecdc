"""Kiểm tra tính toàn vẹn: verify every task's signed timeline against the anchor log and
re-hash every attached file; report every break, then fail with a count."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from chidao.directives import anchors, signing
from chidao.directives.integrity import scan
from chidao.directives.models import Task
from chidao.directives.timeline import Break

REASONS = {
    "missing": gettext_noop("an event is missing"),
    "link": gettext_noop("the link to the previous event is broken"),
    "content": gettext_noop("the event's content was changed"),
    "truncated": gettext_noop("events after this one were removed"),
    "unkeyed": gettext_noop("the event is not signed with a timeline key"),
    "unknown_key": gettext_noop(
        "the event is signed with the key “%(detail)s”, which is not configured"
    ),
    "anchor_changed": gettext_noop("the event is not the one the anchor log recorded"),
    "anchor_missing": gettext_noop(
        "the anchor log recorded the timeline up to this event, which is gone"
    ),
    "unanchored": gettext_noop(
        "no anchor covers this event, written more than %(hours)s hours ago (is the daily "
        "anchor running? was the anchor log cut?)"
    ),
    "retired_key": gettext_noop(
        "the event is signed with the key “%(detail)s”, already replaced by a newer key "
        "(a retired key signs nothing new)"
    ),
    "backwards": gettext_noop(
        "the event, signed with the replaced key “%(detail)s”, is dated before the event before it"
    ),
    "task_gone": gettext_noop("the task is in the anchor log but no longer exists"),
    "file_missing": gettext_noop("the attached file “%(detail)s” is missing"),
    "file_changed": gettext_noop("the attached file “%(detail)s” was changed"),
}
LOG_REASONS = {
    "unreadable": gettext_noop("the entry cannot be read"),
    "signature": gettext_noop("the entry was changed (its signature does not match)"),
    "unknown_key": gettext_noop(
        "the entry is signed with the key “%(detail)s”, which is not configured"
    ),
    "link": gettext_noop("the entry does not follow the one before it (an entry was removed)"),
    "retired_key": gettext_noop(
        "the entry is signed with the key “%(detail)s”, already replaced by a newer key"
    ),
    "expected": gettext_noop("no entry has the digest %(detail)s: the log was cut or replaced"),
}


def describe(broken: Break) -> str:
    reason = _(REASONS[broken.reason]) % {
        "detail": broken.detail,
        "hours": settings.CHIDAO_ANCHOR_GRACE_HOURS,
    }
    values = {"task": broken.task_id, "seq": broken.seq, "reason": reason}
    if broken.task_id is None:
        return _("Directive %(directive)s: %(reason)s.") % {
            "directive": broken.directive_id, "reason": reason,
        }  # fmt: skip
    if broken.seq == 0:
        return _("Task %(task)s: %(reason)s.") % values
    return _("Task %(task)s, event #%(seq)s: %(reason)s.") % values


def describe_log(broken: anchors.LogBreak) -> str:
    reason = _(LOG_REASONS[broken.reason]) % {"detail": broken.detail}
    if broken.line == 0:
        return _("Anchor log: %(reason)s.") % {"reason": reason}
    return _("Anchor log, line %(line)s: %(reason)s.") % {"line": broken.line, "reason": reason}


def local_time(value: str) -> str:
    """An ISO time from the log or a manifest, in committee time; as written if malformed."""
    try:
        moment = datetime.datetime.fromisoformat(value)
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")
    except (TypeError, ValueError):
        return str(value)


def describe_restore(restore: anchors.Restore) -> str:
    """A restore on the record: information, not a break (the lost work is named)."""
    lost = 0
    for row in restore.rolled_back:
        try:
            lost += int(row[1]) - int(row[2] or 0)
        except (TypeError, ValueError, IndexError):
            continue
    return _(
        "Anchor log, line %(line)s: restored on %(at)s from the backup of %(created)s "
        "(SHA-256 %(sha)s); %(tasks)s tasks lost %(events)s events recorded after the backup."
    ) % {
        "line": restore.line,
        "at": local_time(restore.at),
        "created": local_time(restore.backup.get("created_at")),
        "sha": restore.backup.get("sha256", "?"),
        "tasks": len(restore.rolled_back),
        "events": lost,
    }


class Command(BaseCommand):
    help = (
        "Verify the signed timeline of every task (or of the given ones) against the anchor "
        "log, and re-hash the attached files; report every break."
    )

    def add_arguments(self, parser):
        parser.add_argument("--task", type=int, action="append", help="only this task id")
        parser.add_argument(
            "--expect-anchor",
            action="append",
            default=[],
            metavar="DIGEST",
            help="an anchor digest received by e-mail: the log must still hold its entry",
        )
        parser.add_argument(
            "--skip-files", action="store_true", help="do not re-hash the attached files"
        )

    def handle(self, *args, task=None, expect_anchor=(), skip_files=False, **options):
        signing.current_key_id()  # without any key, say so rather than blame every event
        log = anchors.read()
        for restore in log.restores:
            self.stdout.write(describe_restore(restore))
        problems = list(log.breaks)
        problems += [
            anchors.LogBreak(0, "expected", digest)
            for digest in expect_anchor
            if digest not in log.digests
        ]
        for broken in problems:
            self.stdout.write(describe_log(broken))
        broken_tasks = set()
        for broken in scan(log, task, files=not skip_files):
            problems.append(broken)
            broken_tasks.add(broken.task_id or -(broken.directive_id or 0))
            self.stdout.write(describe(broken))
        if problems:
            raise CommandError(
                ngettext(
                    "%(count)s problem found, in %(tasks)s timelines or documents.",
                    "%(count)s problems found, in %(tasks)s timelines or documents.",
                    len(problems),
                )
                % {"count": len(problems), "tasks": len(broken_tasks)}
            )
        checked = self._count(task)
        if not log.entries:
            self.stdout.write(
                _("The anchor log %(path)s has no entry yet: run anchor_timelines.")
                % {"path": log.path}
            )
        self.stdout.write(_("%(count)s timelines verified, all intact.") % {"count": checked})

    def _count(self, task) -> int:
        tasks = Task.objects.all()
        return (tasks.filter(pk__in=task) if task else tasks).count()
