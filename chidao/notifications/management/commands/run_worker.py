"""The notification worker: runs the daily jobs when due and delivers the outbox (e-mail,
webhook) until stopped.

Run it beside the web server (``make run`` does) or as a systemd service in production; several
may run at once (see ``chidao.notifications.outbox`` for why no row is ever sent twice, and
``chidao.notifications.daily`` for why no daily job runs twice a day). Each pass first runs the
daily jobs that are due (opening periods, reminders, escalations, digests), then delivers what
they and the day's actions wrote.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from chidao.notifications import daily, outbox
from chidao.reports import jobs as report_jobs

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the daily jobs when due, deliver pending notifications (e-mail, webhook) with "
        "retries and make the reports asked for; --once for one pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between passes (default 5)"
        )
        parser.add_argument("--batch", type=int, default=20, help="rows claimed per query")

    def handle(self, *args, once=False, interval=5.0, batch=20, **options):
        self.stopping = False
        if once:
            ran = daily.run_due()
            if ran:
                self.stdout.write(f"Daily jobs run: {', '.join(ran)}.")
            sent = outbox.run_once(batch)
            self.stdout.write(f"{sent} notification(s) attempted.")
            made = report_jobs.run_pending()
            self.stdout.write(f"{made} report(s) made.")
            return
        # SIGTERM (systemd, Kubernetes) and Ctrl-C finish the row in hand, then exit.
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write("Notification worker started.")
        while not self.stopping:
            close_old_connections()
            try:
                daily.run_due()
            except Exception:  # the calendar or the rhythm unreadable: deliver all the same
                log.exception("the daily jobs could not be scheduled")
            outbox.run_once(batch, should_stop=lambda: self.stopping)
            try:
                report_jobs.run_pending(should_stop=lambda: self.stopping)
            except Exception:  # a report's failure is on its job; this is the queue itself
                log.exception("the reports asked for could not be read")
            ticks = 0
            while ticks * 0.2 < interval and not self.stopping:
                time.sleep(0.2)
                ticks += 1
                # A report asked for is begun within a second, not at the next pass.
                if ticks % 5 == 0 and report_jobs.waiting():
                    break
        self.stdout.write("Notification worker stopped.")

    def _stop(self, signum, frame):
        self.stopping = True
