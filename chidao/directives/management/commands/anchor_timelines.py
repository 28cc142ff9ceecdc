"""Neo diễn biến: append today's anchor of the changed timelines to the anchor log (the worker
does it daily) and e-mail its digest to CHIDAO_ANCHOR_EMAIL."""

import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chidao.directives import anchors

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Append an anchor of the task timelines changed since the last one to the anchor log."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="anchor every task, not only the changed ones"
        )
        parser.add_argument(
            "--kind", choices=["daily", "manual"], default="manual", help="recorded in the entry"
        )

    def handle(self, *args, full=False, kind="manual", **options):
        entry = anchors.write(kind, full=full)
        self.stdout.write(
            _("Anchor #%(n)s written: %(tasks)s timelines, digest %(digest)s.")
            % {"n": entry.n, "tasks": entry.tasks, "digest": entry.digest}
        )
        try:
            if anchors.mail(entry):
                self.stdout.write(_("Digest e-mailed."))
        except Exception as error:  # the entry is written; a retry would only write another
            log.exception("anchor digest not e-mailed")
            self.stdout.write(
                _("Digest not e-mailed: %(error)s") % {"error": f"{type(error).__name__}: {error}"}
            )
