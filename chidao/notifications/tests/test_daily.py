"""The daily jobs: each at its time of day (committee time), once a day whatever the number of
workers, the morning ones on working days only, caught up by a worker started late."""

import datetime
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection

from chidao.notifications import daily
from chidao.notifications.models import DailyRun, Notification, Preference, Rhythm

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
THURSDAY = datetime.date(2026, 3, 5)
SATURDAY = datetime.date(2026, 3, 7)
HOLIDAY = datetime.date(2026, 4, 30)  # Reunification Day, a Thursday
NIGHTLY = ["open_periods", "clean_orphan_files", "anchor_timelines"]
ALL = [*NIGHTLY, "escalations", "reminders", "digests"]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM)


def tick(moment: datetime.datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return daily.run_due()


class Recorder:
    """Stands in for the real jobs: records each run (thread-safe), optionally slowly."""

    def __init__(self, monkeypatch, pause: float = 0.0, failing=()):
        self.ran: list[tuple[str, datetime.date]] = []
        self.failing = set(failing)
        self.pause = pause
        self.lock = threading.Lock()
        jobs = [daily.Job(job.name, job.at, job.working_days_only, self.job(job.name))
                for job in daily.JOBS]  # fmt: skip
        monkeypatch.setattr(daily, "JOBS", jobs)

    def job(self, name):
        def run(today):
            with self.lock:
                self.ran.append((name, today))
            time.sleep(self.pause)
            if name in self.failing:
                raise RuntimeError(f"{name} broke")
            return f"{name} done"

        return run

    def names(self) -> list[str]:
        return [name for name, _day in self.ran]


@pytest.fixture
def jobs(db, monkeypatch):
    return Recorder(monkeypatch)


def test_the_table_runs_the_morning_jobs_in_order_on_working_days():
    table = [(job.name, job.at, job.working_days_only) for job in daily.JOBS]
    assert table == [
        ("open_periods", datetime.time(0, 5), False),
        ("clean_orphan_files", datetime.time(2, 0), False),
        ("anchor_timelines", datetime.time(2, 0), False),
        ("escalations", daily.MORNING, True),
        ("reminders", daily.MORNING, True),
        ("digests", daily.MORNING, True),
    ]


def test_nothing_runs_before_its_time(jobs):
    assert tick(at(THURSDAY, 0, 4)) == []
    assert tick(at(THURSDAY, 0, 5)) == ["open_periods"]
    assert tick(at(THURSDAY, 1, 59)) == []
    assert tick(at(THURSDAY, 2, 0)) == ["clean_orphan_files", "anchor_timelines"]
    assert tick(at(THURSDAY, 7, 29)) == []
    assert tick(at(THURSDAY, 7, 30)) == ["escalations", "reminders", "digests"]
    assert jobs.ran == [(name, THURSDAY) for name in ALL]


def test_each_job_runs_once_a_day_however_often_the_worker_ticks(jobs):
    for hour in (7, 8, 9, 12, 23):
        for _ in range(3):
            tick(at(THURSDAY, hour, 45))
    assert jobs.names() == ALL
    runs = DailyRun.objects.filter(day=THURSDAY)
    assert sorted(r.job for r in runs) == sorted(ALL)
    assert all(r.finished is not None and r.outcome == f"{r.job} done" for r in runs)


def test_the_next_day_runs_again(jobs):
    tick(at(THURSDAY, 9))
    tick(at(THURSDAY + datetime.timedelta(days=1), 9))
    assert jobs.ran == [(n, THURSDAY) for n in ALL] + [
        (n, THURSDAY + datetime.timedelta(days=1)) for n in ALL
    ]


def test_the_day_is_the_committees(jobs):
    # 17:10 UTC on Thursday is 00:10 on Friday in Hà Nội: Friday's first job is due.
    assert tick(datetime.datetime(2026, 3, 5, 17, 10, tzinfo=datetime.UTC)) == ["open_periods"]
    assert jobs.ran == [("open_periods", datetime.date(2026, 3, 6))]


def test_the_morning_jobs_do_not_run_on_a_saturday_or_a_holiday(jobs):
    assert tick(at(SATURDAY, 9)) == NIGHTLY
    assert tick(at(HOLIDAY, 9)) == NIGHTLY
    assert not DailyRun.objects.filter(job__in=["escalations", "reminders", "digests"]).exists()


def test_the_morning_time_is_the_rhythms(jobs):
    Rhythm.objects.create(morning_time=datetime.time(8, 15))
    assert tick(at(THURSDAY, 8, 14)) == NIGHTLY
    assert tick(at(THURSDAY, 8, 15)) == ["escalations", "reminders", "digests"]


def test_a_worker_started_at_ten_catches_up_on_its_first_tick(jobs):
    assert tick(at(THURSDAY, 10)) == ALL


def test_days_the_machine_was_off_are_not_replayed(jobs):
    tick(at(THURSDAY, 10))
    monday = datetime.date(2026, 3, 9)
    tick(at(monday, 10))
    assert sorted({day for _name, day in jobs.ran}) == [THURSDAY, monday]


def test_a_failing_job_is_recorded_retried_later_and_stops_nothing(db, monkeypatch):
    jobs = Recorder(monkeypatch, failing={"reminders"})
    assert tick(at(THURSDAY, 7, 30)) == [*NIGHTLY, "escalations", "digests"]
    run = DailyRun.objects.get(job="reminders", day=THURSDAY)
    assert run.finished is None
    assert "RuntimeError: reminders broke" in run.outcome
    # Not on every tick of the next few seconds, but on a tick a minute later.
    assert tick(at(THURSDAY, 7, 30) + datetime.timedelta(seconds=30)) == []
    assert jobs.names().count("reminders") == 1
    jobs.failing.clear()
    assert tick(at(THURSDAY, 7, 31) + datetime.timedelta(seconds=1)) == ["reminders"]
    run.refresh_from_db()
    assert run.finished is not None and run.outcome == "reminders done"
    assert jobs.names().count("reminders") == 2
    assert tick(at(THURSDAY, 9)) == []


def test_a_run_left_unfinished_by_a_dead_worker_is_taken_over_after_thirty_minutes(jobs):
    DailyRun.objects.create(job="open_periods", day=THURSDAY, started=at(THURSDAY, 0, 5))
    assert "open_periods" not in tick(at(THURSDAY, 0, 30))
    assert tick(at(THURSDAY, 0, 36)) == ["open_periods"]
    run = DailyRun.objects.get(job="open_periods", day=THURSDAY)
    assert run.started == at(THURSDAY, 0, 36) and run.finished is not None


def test_a_run_in_progress_is_left_to_its_worker(jobs):
    DailyRun.objects.create(job="digests", day=THURSDAY, started=at(THURSDAY, 7, 30))
    assert tick(at(THURSDAY, 7, 50)) == [*NIGHTLY, "escalations", "reminders"]
    assert "digests" not in jobs.names()


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_run_each_job_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database has no concurrent writers")
    jobs = Recorder(monkeypatch, pause=0.2)
    barrier = threading.Barrier(2, timeout=30)
    results = [None, None]

    def worker(index):
        try:
            barrier.wait()
            results[index] = daily.run_due()
        except Exception as error:  # the test inspects it
            results[index] = error
        finally:
            connection.close()

    with time_machine.travel(at(THURSDAY, 10), tick=False):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(jobs.names()) == sorted(ALL)
    assert sorted(results[0] + results[1]) == sorted(ALL)
    assert DailyRun.objects.filter(finished__isnull=False).count() == len(ALL)


WORKER = """
import datetime, os, sys, time
import django
django.setup()
import time_machine
from chidao.notifications import daily

log, moment, start = sys.argv[1], datetime.datetime.fromisoformat(sys.argv[2]), float(sys.argv[3])

def record(name):
    def run(today):
        with open(log, "a") as f:
            f.write(f"{name} {os.getpid()}\\n")
        time.sleep(0.3)
        return "ok"
    return run

daily.JOBS = [daily.Job(j.name, j.at, j.working_days_only, record(j.name)) for j in daily.JOBS]
time.sleep(max(0.0, start - time.time()))  # both processes start ticking at the same moment
with time_machine.travel(moment, tick=False):
    print(",".join(daily.run_due()))
"""


@pytest.fixture
def shared_database(tmp_path, transactional_db):
    """A database two processes can share: the test database on PostgreSQL; on SQLite (whose
    test database lives in this process's memory) a migrated file, as ``make run`` uses.
    Yields its URL and a function counting the finished runs in it."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        yield (
            f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
            lambda: DailyRun.objects.filter(finished__isnull=False).count(),
        )
        return
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite:///{path}"
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, env=_env(url), cwd=settings.BASE_DIR, check=True)

    def finished() -> int:
        with sqlite3.connect(path) as db:
            query = "SELECT count(*) FROM notifications_dailyrun WHERE finished IS NOT NULL"
            return db.execute(query).fetchone()[0]

    yield url, finished


def _env(url: str) -> dict:
    return os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chidao.test_settings"}


def test_two_worker_processes_at_once_run_each_job_once(shared_database, tmp_path):
    url, finished = shared_database
    log = tmp_path / "ran.log"
    start = str(time.time() + 4)
    args = [sys.executable, "-c", WORKER, str(log), at(THURSDAY, 10).isoformat(), start]
    processes = [
        subprocess.Popen(
            args, env=_env(url), cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    ran = Path(log).read_text().split()[::2]
    assert sorted(ran) == sorted(ALL)
    printed = [name for out in outputs for name in out.strip().split(",") if name]
    assert sorted(printed) == sorted(ALL)
    assert finished() == len(ALL)


# --- The real jobs, through the worker -----------------------------------------------------------
@pytest.fixture
def thursday_morning():
    """Requested before ``task``: the task is assigned on the morning the worker then runs."""
    with time_machine.travel(at(THURSDAY, 7, 45), tick=False):
        yield


@pytest.fixture
def three_days_before_the_deadline():
    # 26/03/2026 is three working days before the task's deadline (31/03/2026).
    with time_machine.travel(at(datetime.date(2026, 3, 26), 7, 45), tick=False):
        yield


def test_the_worker_runs_the_due_jobs_then_delivers_what_they_wrote(
    thursday_morning, settings, people, task
):
    settings.SITE_URL = "https://chidao.dongthap.gov.vn"
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    call_command("run_worker", "--once")
    runs = {run.job: run for run in DailyRun.objects.filter(day=THURSDAY)}
    assert sorted(runs) == sorted(ALL)
    assert all(run.finished is not None for run in runs.values()), {
        name: run.outcome for name, run in runs.items()
    }
    digest = Notification.objects.get(kind="digest", recipient=people.unit_head)
    assert digest.state == "sent"
    (message,) = mail.outbox
    assert message.to == ["head@stc.example.vn"]
    assert "05/03/2026" in message.subject
    assert f"https://chidao.dongthap.gov.vn/tasks/{task.pk}/" in message.body


def test_the_worker_writes_and_delivers_the_morning_reminders(
    three_days_before_the_deadline, people, task
):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    call_command("run_worker", "--once")
    reminder = Notification.objects.get(
        kind="reminder", recipient=people.unit_head, channel="email"
    )
    assert reminder.state == "sent"
    (message,) = mail.outbox
    assert "31/03/2026" in message.body


def test_the_morning_jobs_wait_for_an_earlier_one_another_worker_is_running(db, monkeypatch):
    ran = []
    monkeypatch.setattr(daily, "JOBS", [
        daily.Job("escalations", daily.MORNING, True, lambda today: ran.append("escalations")),
        daily.Job("reminders", daily.MORNING, True, lambda today: ran.append("reminders")),
    ])  # fmt: skip
    monday = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    DailyRun.objects.create(job="escalations", day=monday.date(), started=monday)  # elsewhere
    assert daily.run_due(monday + datetime.timedelta(minutes=5)) == []
    DailyRun.objects.filter(job="escalations").update(finished=monday)
    assert daily.run_due(monday + datetime.timedelta(minutes=6)) == ["reminders"]
    assert ran == ["reminders"]


def test_a_long_job_renews_its_claim_and_is_not_taken_over(db, monkeypatch):
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)

    def long_job(today):
        for minute in range(1, 61):  # an hour of work, renewing its claim as it goes
            with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
                daily.still_running()
                if minute == 45:  # another worker's pass, long after STUCK_AFTER
                    assert daily.run_due() == []
                    assert DailyRun.objects.count() == 1
        return "done"

    monkeypatch.setattr(daily, "JOBS", [daily.Job("long", datetime.time(0, 0), False, long_job)])
    with time_machine.travel(start, tick=False):
        daily.run_due()
    run = DailyRun.objects.get(job="long")
    assert run.finished is not None
    assert run.started == start + datetime.timedelta(minutes=60)
