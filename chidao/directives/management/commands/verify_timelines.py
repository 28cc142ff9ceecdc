"""Kiểm tra tính toàn vẹn: verify every task's hash-chained timeline, name the first break."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chidao.directives.models import Task
from chidao.directives.timeline import verify

REASONS = {
    "missing": gettext_noop("an event is missing"),
    "link": gettext_noop("the link to the previous event is broken"),
    "content": gettext_noop("the event's content was changed"),
    "truncated": gettext_noop("events after this one were removed"),
}


class Command(BaseCommand):
    help = "Verify the tamper-evident timeline of every task (or of the given ones)."

    def add_arguments(self, parser):
        parser.add_argument("--task", type=int, action="append", help="only this task id")

    def handle(self, *args, task=None, **options):
        tasks = Task.objects.order_by("pk").only("pk", "event_count", "event_head")
        if task:
            tasks = tasks.filter(pk__in=task)
        checked = 0
        for item in tasks.iterator(chunk_size=500):
            checked += 1
            broken = verify(item)
            if broken is not None:
                raise CommandError(
                    _("Task %(task)s, event #%(seq)s: %(reason)s.")
                    % {
                        "task": broken.task_id,
                        "seq": broken.seq,
                        "reason": _(REASONS[broken.reason]),
                    }
                )
        self.stdout.write(_("%(count)s timelines verified, all intact.") % {"count": checked})
