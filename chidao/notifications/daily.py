"""Việc hằng ngày: the jobs the worker runs once a day, at their time of day (committee time).

``JOBS`` is the one table: each job's name, time of day (``MORNING``: the morning time of the
reminder rhythm, ``Rhythm.current().morning_time``), whether it runs on working days only, and
what it runs. The worker calls ``run_due`` on every pass (``run_worker``; ``--once`` too):

1. For each job whose time today has come (and, for working-day jobs, when today is a working
   day), skip it if today's ``DailyRun`` is finished or another worker is running it.
2. Claim it by inserting ``DailyRun(job, today)``: the unique (job, day) constraint lets exactly
   one worker win, across threads, processes and machines. A run left unfinished for more than
   ``STUCK_AFTER`` (its worker was killed; a long job renews ``started`` as it goes, see
   ``still_running``) is taken over by moving its ``started`` with a
   conditional UPDATE, which again only one worker wins.
3. Run it in its own try/except: success sets ``finished`` and a short ``outcome``; a failure
   is logged and written to ``outcome`` but leaves the run unfinished, so it is tried again on a
   pass at least ``RETRY_AFTER`` later, and the next jobs still run.

Catch-up: a worker started after a job's time (at 10:00, say) runs that day's job on its first
pass. Days on which no worker ran are not replayed: each job's work is about its day (today's
periods, today's reminders and escalations, today's digest), and the next run covers what is
still due then (an overdue task reaches its escalation rung by the days it has been overdue,
so a missed day's escalation comes the next working day; a missed reminder waits for its next
rung). All jobs are idempotent, so a run
taken over after a crash may safely redo what its worker did before dying.
"""

import datetime
import io
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.notifications.models import DailyRun, Rhythm

log = logging.getLogger(__name__)

MORNING = "morning"
STUCK_AFTER = datetime.timedelta(minutes=30)
# A failing job is not retried on every pass (every few seconds) but at most once a minute.
RETRY_AFTER = datetime.timedelta(minutes=1)
# A long job renews its claim this often (``still_running``), well within ``STUCK_AFTER``.
HEARTBEAT_EVERY = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    name: str
    at: datetime.time | str  # committee time, or MORNING
    working_days_only: bool
    run: Callable[[datetime.date], str]  # today → a short outcome for the record


def _command(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue().strip()


def open_periods(today: datetime.date) -> str:
    return _command("open_periods")


def clean_orphan_files(today: datetime.date) -> str:
    return _command("clean_orphan_files")


def anchor_timelines(today: datetime.date) -> str:
    out = io.StringIO()
    call_command("anchor_timelines", kind="daily", stdout=out)
    return out.getvalue().strip()


def escalations(today: datetime.date) -> str:
    from chidao.notifications.escalation import escalate

    return _("Escalations recorded: %(count)s.") % {"count": escalate(today)}


def reminders(today: datetime.date) -> str:
    from chidao.notifications.reminders import write_reminders

    return _("Reminders written: %(count)s.") % {"count": write_reminders(today)}


def digests(today: datetime.date) -> str:
    from chidao.notifications.digest import write_digests

    return _("Digests written: %(count)s.") % {"count": write_digests(today)}


JOBS: list[Job] = [
    Job("open_periods", datetime.time(0, 5), False, open_periods),
    Job("clean_orphan_files", datetime.time(2, 0), False, clean_orphan_files),
    # The anchor log's daily entry: the timelines changed since the last one (any hour will do).
    Job("anchor_timelines", datetime.time(2, 0), False, anchor_timelines),
    # In this order: an escalation is on the timeline before the reminders are written, and
    # the digest lists the morning's reminders and escalations among the unread notifications.
    Job("escalations", MORNING, True, escalations),
    Job("reminders", MORNING, True, reminders),
    Job("digests", MORNING, True, digests),
]


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Run each job that is due today and not yet done (see the module's docstring). Returns
    the names of the jobs that ran to the end on this call, in the table's order."""
    began = clock.now()
    now = now or began
    local = timezone.localtime(now)
    today = local.date()
    runs = {run.job: run for run in DailyRun.objects.filter(day=today)}
    if all(run.finished for run in runs.values()) and len(runs) == len(JOBS):
        return []  # the usual pass once the day's work is done: one query
    morning = working = None
    done = []
    for job in JOBS:
        seen = runs.get(job.name)
        if seen is not None and seen.finished is not None:
            continue
        if not _claimable(seen, now):
            if job.at == MORNING and not seen.outcome:
                break  # another worker is running it: the later morning jobs wait for it
            continue
        if job.at == MORNING:
            if morning is None:
                morning = Rhythm.current().morning_time
            at = morning
        else:
            at = job.at
        if local.time() < at:
            continue
        if job.working_days_only:
            if working is None:
                from chidao.workdays.calendar import WorkCalendar

                working = WorkCalendar.current().is_working_day(today)
            if not working:
                continue
        # Stamped when it starts, not when the pass began: an earlier job may have been long.
        run = _claim(job.name, today, seen, now + (clock.now() - began))
        if run is None:
            if job.at == MORNING:
                break  # another worker just took it: the later morning jobs wait for it
            continue
        if _run(job, run, today):
            done.append(job.name)
    return done


def _claimable(run: DailyRun | None, now: datetime.datetime) -> bool:
    """Not run yet today, or left unfinished: failed a while ago, or stuck (its worker died)."""
    if run is None:
        return True
    if run.finished is not None:
        return False
    wait = RETRY_AFTER if run.outcome else STUCK_AFTER
    return run.started < now - wait


def _claim(name: str, today: datetime.date, seen: DailyRun | None, now) -> DailyRun | None:
    """Today's run of the job, now ours; None when another worker has it."""
    if seen is None:
        try:
            with transaction.atomic():
                return DailyRun.objects.create(job=name, day=today, started=now)
        except IntegrityError:
            return None  # another worker inserted it first
    # Take over a failed or stuck run: only the worker whose UPDATE still finds it as it was.
    taken = DailyRun.objects.filter(
        pk=seen.pk, finished=None, started=seen.started, outcome=seen.outcome
    ).update(started=now, outcome="")
    if taken != 1:
        return None
    seen.started, seen.outcome = now, ""
    return seen


_current: ContextVar[DailyRun | None] = ContextVar("chidao_daily_run", default=None)


def still_running() -> None:
    """Called by a long job between chunks: renews the run's ``started`` (at most once a minute)
    so that no other worker takes it over as stuck while it is making progress."""
    run = _current.get()
    if run is None or clock.now() - run.started < HEARTBEAT_EVERY:
        return
    beat = clock.now()
    if DailyRun.objects.filter(pk=run.pk, started=run.started, finished=None).update(started=beat):
        run.started = beat


def _run(job: Job, run: DailyRun, today: datetime.date) -> bool:
    token = _current.set(run)
    try:
        return _run_in_language(job, run, today)
    finally:
        _current.reset(token)


def _run_in_language(job: Job, run: DailyRun, today: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = job.run(today) or _("Done.")
        except Exception as error:  # one failing job must not stop the others
            log.exception("daily job %s failed", job.name)
            message = _("Failed, to be retried: %(error)s") % {
                "error": f"{type(error).__name__}: {error}"
            }
            # Only while the run is still ours: a worker that took it over records its own.
            DailyRun.objects.filter(pk=run.pk, started=run.started).update(outcome=message[:2000])
            return False
    DailyRun.objects.filter(pk=run.pk).update(finished=clock.now(), outcome=outcome[:2000])
    return True
