"""The worker against a real SMTP server (aiosmtpd on a free loopback port)."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from chidao.core import clock
from chidao.notifications import daily, outbox
from chidao.notifications.models import Notification, Preference
from chidao.notifications.tests.conftest import record


@pytest.fixture(autouse=True)
def _delivery_only(monkeypatch):
    """The worker also runs the daily jobs, whose reminders and escalations of this overdue
    task would add mail depending on the day the suite runs: delivery only here."""
    monkeypatch.setattr(daily, "JOBS", [])


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://chidao.dongthap.gov.vn"
    yield inbox
    controller.stop()


@pytest.fixture
def wants_email(people):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    return people.unit_head


def test_the_worker_sends_the_mail_in_vietnamese_with_the_task_link(
    smtp, people, task, wants_email
):
    record(task, "returned", people.specialist, reason="Thiếu số liệu")
    call_command("run_worker", "--once")
    (mail,) = smtp.messages
    assert mail["To"] == "head@stc.example.vn"
    subject = str(mail["Subject"]).strip()
    assert subject == "[Chỉ đạo] Đã trả lại: Tham mưu phương án phân bổ vốn đầu tư công năm 2026"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"https://chidao.dongthap.gov.vn/tasks/{task.pk}/"
    assert link in text and link in html
    row = Notification.objects.get(recipient=wants_email, channel="email")
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None
    assert mail["Message-ID"] == row.message_id


def test_two_passes_never_send_twice(smtp, people, task, wants_email):
    record(task, "returned", people.specialist, reason="Thiếu số liệu")
    call_command("run_worker", "--once")
    call_command("run_worker", "--once")
    assert len(smtp.messages) == 1


def test_a_row_claimed_by_one_worker_is_not_claimed_by_another(people, task, wants_email):
    record(task, "returned", people.specialist)
    row = Notification.objects.get(channel="email")
    assert outbox.claim(row.pk) is not None
    assert outbox.claim(row.pk) is None


def test_without_an_smtp_server_the_mail_waits_with_a_clear_error(
    settings, people, task, wants_email
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    record(task, "returned", people.specialist)
    call_command("run_worker", "--once")
    row = Notification.objects.get(channel="email")
    assert row.state == "pending" and row.attempts == 1
    assert "Cannot send through the SMTP server 127.0.0.1" in row.last_error
    assert row.next_attempt_at > clock.now()
    in_app = Notification.objects.filter(recipient=wants_email, channel="in_app")
    assert {n.state for n in in_app} == {"sent"}


def test_after_the_last_attempt_the_row_is_failed(settings, people, task, wants_email):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.CHIDAO_NOTIFY_MAX_ATTEMPTS = 2
    record(task, "returned", people.specialist)
    row = Notification.objects.get(channel="email")
    delays = []
    for _ in range(2):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=clock.now())
        outbox.run_once()
        row.refresh_from_db()
        delays.append(row.next_attempt_at - clock.now())
    assert row.state == "failed" and row.attempts == 2
    assert delays[1] > delays[0]  # the back-off doubles


def test_a_row_left_sending_by_a_dead_worker_is_never_sent_again(smtp, people, task, wants_email):
    record(task, "returned", people.specialist)
    row = Notification.objects.get(channel="email")
    outbox.claim(row.pk)  # the worker claimed it, then died before recording the outcome
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=clock.now() - outbox.SENDING_TIMEOUT - datetime.timedelta(seconds=1)
    )
    call_command("run_worker", "--once")
    row.refresh_from_db()
    assert row.state == "unknown"
    assert smtp.messages == []
    assert outbox.send_again(Notification.objects.filter(pk=row.pk)) == 1
    call_command("run_worker", "--once")
    assert len(smtp.messages) == 1
