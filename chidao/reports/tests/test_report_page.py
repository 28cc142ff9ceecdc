"""The report page: asked for, made (at once or by the worker), followed, downloaded by its
maker alone; refused to whoever may not make it; a failure recorded, never half a file."""

import datetime
import io

import docx
import pytest
from django.core.management import call_command

from chidao.board.tests.worlds import at
from chidao.core import clock
from chidao.reports import jobs
from chidao.reports.models import JobState, ReportJob

D = datetime.date
MONTHLY = {"kind": "monthly", "period": "month-2026-3", "format": "docx"}


def _ask(client, person, **fields):
    client.force_login(person)
    return client.post("/reports/", fields)


def test_a_small_report_is_made_at_once_and_downloaded(client, org, people, world):
    with at(D(2026, 3, 20)):
        response = _ask(client, people.office_leader, unit=org.province.pk, **MONTHLY)
        job = ReportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/reports/{job.pk}/"
        assert job.state == JobState.DONE and job.progress == 100
        page = client.get(f"/reports/{job.pk}/").content.decode()
        assert f"/reports/{job.pk}/file" in page and "hx-trigger" not in page
        download = client.get(f"/reports/{job.pk}/file")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "bao-cao-dinh-ky-thang-2026-3.docx" in download["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(download)))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Độc lập - Tự do - Hạnh phúc" in text and "BÁO CÁO" in text


def test_a_large_report_waits_for_the_worker_and_shows_its_progress(
    client, org, people, world, settings
):
    settings.CHIDAO_REPORT_INLINE_TASKS = 0
    with at(D(2026, 3, 20)):
        _ask(client, people.office_leader, unit=org.province.pk, **MONTHLY | {"format": "pdf"})
        job = ReportJob.objects.get()
        assert job.state == JobState.QUEUED
        fragment = client.get(f"/reports/{job.pk}/progress").content.decode()
        assert "<progress" in fragment and 'hx-trigger="every 1s"' in fragment
        assert client.get(f"/reports/{job.pk}/file").status_code == 404  # not ready yet
        call_command("run_worker", "--once", stdout=io.StringIO())
        job.refresh_from_db()
        assert job.state == JobState.DONE, job.error
        fragment = client.get(f"/reports/{job.pk}/progress").content.decode()
        assert "hx-trigger" not in fragment  # the page stops asking
        body = b"".join(client.get(f"/reports/{job.pk}/file"))
    assert body.startswith(b"%PDF")


def test_someone_elses_report_is_not_found(client, org, people, world):
    with at(D(2026, 3, 20)):
        _ask(client, people.office_leader, unit=org.province.pk, **MONTHLY)
        job = ReportJob.objects.get()
        client.force_login(people.leader)
        for path in ("", "progress", "file"):
            assert client.get(f"/reports/{job.pk}/{path}").status_code == 404
        assert f"/reports/{job.pk}/" not in client.get("/reports/").content.decode()


def test_a_unit_may_make_its_own_report_only(client, org, people, world):
    with at(D(2026, 3, 20)):
        refused = _ask(client, people.unit_staff, unit=org.province.pk, **MONTHLY)
        assert refused.status_code in (403, 422)
        other = _ask(client, people.unit_staff, unit=org.health.pk, **MONTHLY | {"kind": "unit"})
        assert other.status_code == 422
        assert not ReportJob.objects.exists()
        own = _ask(client, people.unit_staff, unit=org.finance.pk, **MONTHLY | {"kind": "unit"})
        assert own.status_code == 302
        assert ReportJob.objects.get().state == JobState.DONE


def test_a_committee_report_needs_a_committee_and_a_range_its_order(client, org, people, world):
    with at(D(2026, 3, 20)):
        response = _ask(client, people.office_leader, unit=org.finance.pk, **MONTHLY)
        assert response.status_code == 422
        assert "committee" in response.content.decode().lower() or "UBND" in (
            response.content.decode()
        )
        response = _ask(client, people.office_leader, unit=org.province.pk,
                        **MONTHLY | {"period": "range", "start": "20/03/2026",
                                     "end": "01/03/2026"})  # fmt: skip
        assert response.status_code == 422
        assert "trước ngày bắt đầu" in response.content.decode()
        assert not ReportJob.objects.exists()


def test_a_failure_is_recorded_and_leaves_no_file(client, org, people, world, monkeypatch):
    def broken(document, fmt, stream, base_url=""):
        stream.write(b"half")
        raise RuntimeError("đĩa đầy")

    monkeypatch.setattr("chidao.reports.files.write", broken)
    with at(D(2026, 3, 20)):
        _ask(client, people.office_leader, unit=org.province.pk, **MONTHLY)
        job = ReportJob.objects.get()
        assert job.state == JobState.FAILED and not job.file
        assert "Không lập được báo cáo" in job.error and "đĩa đầy" in job.error
        page = client.get(f"/reports/{job.pk}/").content.decode()
        assert "đĩa đầy" in page and "hx-trigger" not in page
        assert client.get(f"/reports/{job.pk}/file").status_code == 404


def test_a_report_left_by_a_dead_worker_is_made_again_then_given_up(org, people, world):
    with at(D(2026, 3, 20)):
        job = ReportJob.objects.create(
            requested_by=people.office_leader, kind="monthly", unit=org.province,
            period_key="month-2026-3", period_label="3/2026", format="xlsx",
            state=JobState.RUNNING, attempts=1,
            started=clock.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1),
        )  # fmt: skip
        assert jobs.run_pending() == 1
        job.refresh_from_db()
        assert job.state == JobState.DONE and job.attempts == 2
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.RUNNING, attempts=jobs.MAX_ATTEMPTS,
            started=clock.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1),
        )  # fmt: skip
        assert jobs.run_pending() == 0
        job.refresh_from_db()
        assert job.state == JobState.FAILED and "Không lập được báo cáo" in job.error


def test_old_reports_are_forgotten_with_their_files(client, org, people, world, settings):
    with at(D(2026, 3, 20)):
        _ask(client, people.office_leader, unit=org.province.pk, **MONTHLY)
        job = ReportJob.objects.get()
        path = job.file.path
    with at(D(2026, 3, 20) + datetime.timedelta(days=settings.CHIDAO_REPORT_KEEP_DAYS + 1)):
        jobs.run_pending()
    assert not ReportJob.objects.exists()
    import os

    assert not os.path.exists(path)


@pytest.mark.parametrize("person", ["viewer", "leader", "specialist", "division_head"])
def test_the_committees_apparatus_may_make_its_report(client, org, people, world, person):
    with at(D(2026, 3, 20)):
        response = _ask(client, getattr(people, person), unit=org.province.pk, **MONTHLY)
    assert response.status_code == 302, person
