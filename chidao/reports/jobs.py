"""Making the reports asked for on the report page.

A report whose scope is small is made at once, in the request that asked for it; a larger one
waits in the queue (``ReportJob``) for the worker (``manage.py run_worker``), and its page shows
the progress until the file is ready. A job is claimed by one conditional UPDATE, so two workers
never make the same one; a worker that died while making one leaves it ``running``: after
``STALE_AFTER`` it is queued again, up to ``MAX_ATTEMPTS`` times. The file is written aside and
stored only when complete, so a job never offers half a file. Files are kept
``CHIDAO_REPORT_KEEP_DAYS`` days.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.org.models import Person, Unit
from chidao.reports import content, files, periods
from chidao.reports.models import JobState, ReportJob

log = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 3
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "xlsx": "xlsx"}


def ask(person: Person, kind: str, unit: Unit, period: periods.Period, fmt: str,
        language: str, base_url: str = "") -> ReportJob:  # fmt: skip
    """Queue a report; made at once when its scope is small (``CHIDAO_REPORT_INLINE_TASKS``)."""
    job = ReportJob.objects.create(
        requested_by=person, kind=kind, unit=unit, period_key=period.key,
        period_label=period.label, format=fmt, language=language, base_url=base_url,
    )  # fmt: skip
    if is_small(unit):
        claimed = claim(job.pk)
        if claimed is not None:
            make(claimed)
            job.refresh_from_db()
    return job


def is_small(unit: Unit) -> bool:
    limit = settings.CHIDAO_REPORT_INLINE_TASKS
    return content.in_scope(unit)[: limit + 1].count() <= limit


def claim(pk: int) -> ReportJob | None:
    """The job, now ``running`` for this worker; None when another took it first."""
    taken = ReportJob.objects.filter(pk=pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started=clock.now(), attempts=F("attempts") + 1, progress=1,
        step=_("Started"),
    )  # fmt: skip
    return ReportJob.objects.select_related("unit", "requested_by").get(pk=pk) if taken else None


def _progress(job: ReportJob):
    def tell(percent: int, what: str) -> None:
        ReportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            progress=max(1, min(percent, 99)), step=what[:120]
        )

    return tell


def make(job: ReportJob) -> None:
    """Make the job's file and store it; a failure is recorded on the job, in its language."""
    with translation.override(job.language):
        _make(job)


def _make(job: ReportJob) -> None:
    try:
        period = periods.parse(job.period_key)
        request = content.Request(job.kind, job.unit, period, person=job.requested_by,
                                  progress=_progress(job))  # fmt: skip
        with tempfile.TemporaryFile() as stream:
            document = files.make(request, job.format, stream, job.base_url, job.language)
            _progress(job)(95, _("Storing the file"))
            stream.seek(0)
            name = f"{document.filename}.{EXTENSIONS[job.format]}"
            job.file.save(name, File(stream, name=name), save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, progress=100, step=_("Ready"), file=job.file.name,
            filename=name, title=document.title[:300], finished=clock.now(), error="",
        )  # fmt: skip
    except Exception as error:  # recorded for the person who asked, and logged
        log.exception("report %s could not be made", job.pk)
        if job.file:
            job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, finished=clock.now(), step=_("Failed"),
            error=_("The report could not be made: %(reason)s") % {"reason": error},
        )  # fmt: skip


def run_pending(should_stop=lambda: False) -> int:
    """The worker's pass: queue again what a dead worker left, forget old files, then make
    every queued report, oldest first. Returns how many were made."""
    requeue_stale()
    forget_old()
    made = 0
    while not should_stop():
        pk = (
            ReportJob.objects.filter(state=JobState.QUEUED)
            .order_by("created", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            break
        job = claim(pk)
        if job is not None:
            make(job)
            made += 1
    return made


def waiting() -> bool:
    return ReportJob.objects.filter(state=JobState.QUEUED).exists()


def requeue_stale() -> None:
    stale = ReportJob.objects.filter(state=JobState.RUNNING, started__lt=clock.now() - STALE_AFTER)
    stale.filter(attempts__lt=MAX_ATTEMPTS).update(state=JobState.QUEUED, progress=0, step="")
    with translation.override(settings.LANGUAGE_CODE):
        given_up = _("The report could not be made: the worker stopped while making it.")
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=JobState.FAILED, finished=clock.now(), error=given_up
    )


def forget_old() -> None:
    keep = datetime.timedelta(days=settings.CHIDAO_REPORT_KEEP_DAYS)
    for job in ReportJob.objects.filter(created__lt=clock.now() - keep).only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        job.delete()
