"""At most once, for real: worker processes against a real SMTP server (aiosmtpd on loopback).

What ``chidao.notifications.outbox`` promises, each tested with the real parts:
- two workers at once never send the same row;
- a worker stopped with SIGTERM finishes the row in hand, so a restart loses and repeats nothing;
- a worker killed outright leaves at most the row in flight ``sending``; no worker sends it
  again; after ``SENDING_TIMEOUT`` it is ``unknown``, and only the administrator's "send again"
  sends it (when the mail log shows that the server never got its Message-ID);
- a refused mail is retried with back-off, or failed at once when retrying cannot help.

The workers are real ``manage.py run_worker`` processes with the production settings (the test
settings pin the in-memory mail backend), reaching the test database: PostgreSQL's directly,
SQLite's in-memory one through a file copied out before they run and back after they stop
(``SharedDatabase``).
"""

import asyncio
import datetime
import email
import email.policy
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from chidao.core import clock
from chidao.notifications import daily, outbox
from chidao.notifications.models import DailyRun, Notification, Preference
from chidao.notifications.tests.conftest import record
from chidao.testing import SharedDatabase

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
ACCEPTED = "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    """An SMTP server on loopback that keeps the Message-ID of each mail it accepts.

    ``delay``: seconds spent on each mail before accepting it (a slow server, so that a worker
    can be stopped mid-batch). ``hang_at``: the n-th mail is held without an answer until its
    sender goes away; ``keep_hung`` says whether the server keeps it all the same (it accepted the
    mail, and the sender died before reading the answer). ``rcpt_answers`` / ``data_answers``:
    replies given instead of accepting, one per attempt, before the server accepts again.
    """

    def __init__(self, port=None, delay=0.0, hang_at=None, keep_hung=False, **answers):
        self.port = port or _free_port()
        self.delay, self.hang_at, self.keep_hung = delay, hang_at, keep_hung
        self.rcpt_answers = list(answers.pop("rcpt_answers", []))
        self.data_answers = list(answers.pop("data_answers", []))
        assert not answers, answers
        self.message_ids: list[str] = []
        self.hung = threading.Event()
        self.hung_id = ""
        self._seen = 0
        self._kept = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> "MailServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 (aiosmtpd's hook)
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return ACCEPTED

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = str(mail["Message-ID"]).strip()
        if self.data_answers:
            return self.data_answers.pop(0)
        self._seen += 1
        if self._seen == self.hang_at:
            self.hung_id = message_id
            if self.keep_hung:
                self._keep(message_id)
            self.hung.set()
            # Cancelled by aiosmtpd when the killed worker's connection drops.
            await asyncio.sleep(60)
            return "451 4.4.2 No answer in time"
        if self.delay:
            await asyncio.sleep(self.delay)
        self._keep(message_id)
        return ACCEPTED

    def _keep(self, message_id: str) -> None:
        with self._kept:
            self.message_ids.append(message_id)
            self._kept.notify_all()

    def wait_for(self, count: int, timeout: float = 20) -> None:
        with self._kept:
            arrived = self._kept.wait_for(lambda: len(self.message_ids) >= count, timeout)
        assert arrived, f"{len(self.message_ids)} of {count} mails arrived in {timeout} s"


@pytest.fixture
def mail_servers():
    """Start ``MailServer`` objects through this; all are stopped after the test."""
    started = []

    def start(**options) -> MailServer:
        server = MailServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def use_server(settings, server_or_port) -> None:
    """Point this process's mail settings at the loopback server (in-process passes)."""
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = getattr(server_or_port, "port", server_or_port)
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@pytest.fixture
def no_daily_jobs(db):
    """The worker also runs the day's jobs (reminders and escalations of this overdue task,
    digests), which would add mail of their own depending on the day: mark today's and
    tomorrow's runs done, for the worker processes as for passes in this one."""
    today = clock.today()
    for day in (today, today + datetime.timedelta(days=1)):
        for job in daily.JOBS:
            DailyRun.objects.create(job=job.name, day=day, finished=clock.now(), outcome="-")


def write_mails(task, people, count: int) -> list[Notification]:
    """``count`` e-mails waiting in the outbox, written as actions write them: urgings of the
    task, each told at once by e-mail to the lead unit's head and its staff member."""
    for person in (people.unit_head, people.unit_staff):
        person.email = f"{person.username}@stc.example.vn"
        person.save(update_fields=["email"])
        Preference.objects.update_or_create(
            person=person, channel="email", defaults={"email_mode": "at_once"}
        )
    with transaction.atomic():  # all visible to the workers at once
        for n in range(count // 2):
            record(task, "urged", people.specialist, message=f"Lần đôn đốc thứ {n + 1}")
    rows = list(Notification.objects.filter(channel="email"))
    assert len(rows) == count and {row.state for row in rows} == {"pending"}
    return rows


def email_rows() -> list[Notification]:
    return list(Notification.objects.filter(channel="email").order_by("pk"))


def states() -> Counter:
    return Counter(row.state for row in email_rows())


class Workers:
    """``manage.py run_worker`` processes on the shared database and a loopback SMTP server."""

    def __init__(self, database: SharedDatabase):
        self.database = database
        self.running: list[subprocess.Popen] = []

    def start(self, server: MailServer, *args: str) -> subprocess.Popen:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "chidao.settings",
            "SECRET_KEY": django_settings.SECRET_KEY,
            "HTTPS": "false",
            "DATABASE_URL": self.database.url,
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "PYTHONUNBUFFERED": "1",
        }
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *args],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.running.append(worker)
        return worker

    def wait_started(self, worker: subprocess.Popen, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([worker.stdout], [], [], 0.1)
            if ready and "Notification worker started." in worker.stdout.readline():
                return
            assert worker.poll() is None, worker.communicate()
        pytest.fail(f"the worker did not start within {timeout} s")

    def finish(self, worker: subprocess.Popen, stop=None, timeout: float = 20) -> str:
        """Send ``stop`` (a signal) if given, wait for the worker to exit, return its output."""
        if stop is not None:
            worker.send_signal(stop)
        out, err = worker.communicate(timeout=timeout)
        self.running.remove(worker)
        if stop != signal.SIGKILL:
            assert worker.returncode == 0, f"exit {worker.returncode}\n{out}\n{err}"
        return out

    def run_once(self, server: MailServer) -> str:
        return self.finish(self.start(server, "--once"))

    def kill_all(self) -> None:
        for worker in self.running:
            worker.kill()
            worker.communicate()


@pytest.fixture
def workers(transactional_db, tmp_path, no_daily_jobs):
    running = Workers(SharedDatabase(tmp_path))
    yield running
    running.kill_all()


def _sender_pid(message_id: str) -> int:
    """``email.utils.make_msgid`` (called by the claiming worker) puts its process id second."""
    return int(message_id.strip("<>").split(".")[1])


# --- Worker processes -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database two processes write at once (DATABASE_URL=postgres://…)",
)
def test_two_workers_at_once_deliver_every_mail_exactly_once(workers, mail_servers, people, task):
    server = mail_servers(delay=0.005)
    pair = [workers.start(server), workers.start(server)]
    for worker in pair:
        workers.wait_started(worker)
    rows = write_mails(task, people, 200)
    server.wait_for(200)
    deadline = time.monotonic() + 20
    while states() != {"sent": 200} and time.monotonic() < deadline:
        time.sleep(0.1)  # the last rows are recorded just after the server accepted them
    for worker in pair:
        assert "Notification worker stopped." in workers.finish(worker, signal.SIGTERM)

    assert states() == {"sent": 200}
    assert len(server.message_ids) == 200
    assert Counter(server.message_ids).most_common(1)[0][1] == 1
    assert set(server.message_ids) == {row.message_id for row in email_rows()}
    assert {row.pk for row in email_rows()} == {row.pk for row in rows}
    # Both took part: each claimed some rows (and lost the race for others).
    assert {_sender_pid(mid) for mid in server.message_ids} == {worker.pid for worker in pair}


def test_a_worker_stopped_with_sigterm_mid_batch_then_restarted_loses_and_repeats_nothing(
    workers, mail_servers, people, task
):
    server = mail_servers(delay=0.05)
    write_mails(task, people, 60)
    workers.database.share()
    worker = workers.start(server)
    server.wait_for(10)
    output = workers.finish(worker, signal.SIGTERM)
    assert "Notification worker stopped." in output
    before_restart = list(server.message_ids)
    assert 10 <= len(before_restart) < 60, "stopped mid-batch"

    workers.database.take_back()
    # The row in hand was finished: whatever reached the server is recorded as sent.
    assert states() == {"sent": len(before_restart), "pending": 60 - len(before_restart)}
    sent = {row.message_id for row in email_rows() if row.state == "sent"}
    assert sent == set(before_restart)

    workers.run_once(server)  # the restarted worker
    workers.database.take_back()
    assert states() == {"sent": 60}
    assert len(server.message_ids) == 60
    assert Counter(server.message_ids) == Counter({row.message_id for row in email_rows()})


@pytest.mark.parametrize(
    "server_got_it", [False, True], ids=["lost-in-flight", "accepted-in-flight"]
)
def test_a_worker_killed_mid_batch_leaves_one_row_unknown_and_never_sends_twice(
    workers, mail_servers, settings, people, task, server_got_it
):
    server = mail_servers(hang_at=10, keep_hung=server_got_it)
    write_mails(task, people, 30)
    workers.database.share()
    worker = workers.start(server)
    assert server.hung.wait(20), "the worker never reached the 10th mail"
    workers.finish(worker, signal.SIGKILL)

    # A new worker at once: it sends the rest, not the row the dead one had in flight.
    workers.run_once(server)
    workers.database.take_back()
    assert states() == {"sent": 29, "sending": 1}
    (in_flight,) = [row for row in email_rows() if row.state == "sending"]
    assert in_flight.message_id == server.hung_id
    sent = [row.message_id for row in email_rows() if row.state == "sent"]
    assert Counter(server.message_ids) == Counter(sent + [server.hung_id] * server_got_it)

    # Past the timeout, the next pass marks it unknown, still without sending it.
    stale = clock.now() - outbox.SENDING_TIMEOUT - datetime.timedelta(seconds=1)
    Notification.objects.filter(pk=in_flight.pk).update(claimed_at=stale)
    use_server(settings, server)
    call_command("run_worker", "--once")
    in_flight.refresh_from_db()
    assert in_flight.state == "unknown" and in_flight.message_id == server.hung_id
    assert len(server.message_ids) == 29 + server_got_it

    if server_got_it:
        # The mail log has its Message-ID: it was delivered, the administrator leaves it.
        assert server.message_ids.count(in_flight.message_id) == 1
        return
    # The mail log lacks it: the administrator sends it again, and it arrives once.
    assert in_flight.message_id not in server.message_ids
    assert outbox.send_again(Notification.objects.filter(pk=in_flight.pk)) == 1
    call_command("run_worker", "--once")
    in_flight.refresh_from_db()
    assert in_flight.state == "sent"
    assert states() == {"sent": 30}
    assert len(server.message_ids) == 30 and len(set(server.message_ids)) == 30
    assert set(server.message_ids) == {row.message_id for row in email_rows()}


# --- Refusals and retries (in this process) ------------------------------------------------------


@pytest.fixture
def one_mail(people, task, monkeypatch):
    """One e-mail waiting: an urging told to the lead unit's head, who wants mail at once. The
    daily jobs are left out: these passes move the clock across days."""
    monkeypatch.setattr(daily, "JOBS", [])

    def write() -> Notification:
        people.unit_head.email = "head@stc.example.vn"
        people.unit_head.save(update_fields=["email"])
        Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
        record(task, "urged", people.specialist, message="Đề nghị khẩn trương báo cáo")
        return Notification.objects.get(channel="email")

    return write


def test_a_mail_waits_while_the_server_is_down_then_answers_4xx_and_arrives_once(
    settings, mail_servers, one_mail
):
    port = _free_port()
    use_server(settings, port)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        row = one_mail()
        call_command("run_worker", "--once")  # nothing listens on the port
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("pending", 1)
        assert "Connection refused" in row.last_error
        assert row.next_attempt_at == clock.now() + datetime.timedelta(seconds=60)

        server = mail_servers(port=port, data_answers=["451 4.3.0 Try again later"])
        call_command("run_worker", "--once")  # not due yet: the back-off is kept
        row.refresh_from_db()
        assert row.attempts == 1

        traveller.shift(60)
        call_command("run_worker", "--once")
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("pending", 2)
        assert "451" in row.last_error
        assert row.next_attempt_at == clock.now() + datetime.timedelta(seconds=120)

        traveller.shift(120)
        call_command("run_worker", "--once")
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")
        assert server.message_ids == [row.message_id]


def test_a_refused_recipient_fails_at_once_and_is_never_tried_again(
    settings, mail_servers, one_mail
):
    server = mail_servers(rcpt_answers=["550 5.1.1 No such mailbox"] * 3)
    use_server(settings, server)
    row = one_mail()
    call_command("run_worker", "--once")
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "head@stc.example.vn" in row.last_error and "550" in row.last_error
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        call_command("run_worker", "--once")
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert server.message_ids == []
    assert len(server.rcpt_answers) == 2  # the server was asked once


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"rcpt_answers": ["450 4.2.1 Mailbox busy, try later"]}, "pending"),
        ({"data_answers": ["554 5.6.0 Message refused"]}, "failed"),
    ],
    ids=["4xx-to-the-recipient-is-temporary", "5xx-to-the-message-is-permanent"],
)
def test_the_reply_code_decides_whether_a_refusal_is_retried(
    settings, mail_servers, one_mail, answers, expected
):
    use_server(settings, mail_servers(**answers))
    row = one_mail()
    call_command("run_worker", "--once")
    row.refresh_from_db()
    assert (row.state, row.attempts) == (expected, 1)
