"""No SMTP server configured (EMAIL_HOST empty, the default): e-mails wait in the outbox, saying
why, without spending their attempts; in-app keeps working; once a server is set they go."""

import datetime
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.core.management import call_command

from chidao.notifications import daily, digest
from chidao.notifications.models import Notification, Preference
from chidao.notifications.tests.conftest import record
from chidao.notifications.transports import content
from chidao.notifications.transports.email import NOT_CONFIGURED, is_configured

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture(autouse=True)
def _delivery_only(monkeypatch):
    """The worker's daily jobs would add mail depending on the day: delivery only here."""
    monkeypatch.setattr(daily, "JOBS", [])


@pytest.fixture
def no_smtp(settings):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = ""
    return settings


@pytest.fixture
def wants_email(people):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    return people.unit_head


def test_smtp_without_a_host_is_not_configured(settings):
    settings.EMAIL_BACKEND, settings.EMAIL_HOST = SMTP, ""
    assert not is_configured()
    settings.EMAIL_HOST = "mail.dongthap.gov.vn"
    assert is_configured()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_HOST = ""
    assert is_configured()


def test_without_smtp_the_mail_waits_pending_with_the_reason_and_no_attempt_spent(
    no_smtp, people, task, wants_email
):
    record(task, "returned", people.specialist)
    for _ in range(3):
        call_command("run_worker", "--once")
    row = Notification.objects.get(channel="email")
    assert row.state == "pending" and row.attempts == 0
    assert row.last_error == NOT_CONFIGURED
    assert row.claim_token == "" and row.message_id == ""
    in_app = Notification.objects.filter(recipient=wants_email, channel="in_app")
    assert in_app.count() == 2 and {n.state for n in in_app} == {"sent"}


def test_other_channels_are_not_held_back(no_smtp, settings, people, task, wants_email):
    settings.CHIDAO_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # nothing listens: an attempt
    Preference.objects.create(person=people.unit_head, channel="webhook", enabled=True)
    record(task, "returned", people.specialist)
    call_command("run_worker", "--once")
    assert Notification.objects.get(channel="webhook").attempts == 1
    assert Notification.objects.get(channel="email").attempts == 0


def test_once_a_server_is_set_the_waiting_mail_goes(no_smtp, people, task, wants_email):
    record(task, "returned", people.specialist)
    call_command("run_worker", "--once")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        no_smtp.EMAIL_HOST, no_smtp.EMAIL_PORT = "127.0.0.1", port
        no_smtp.EMAIL_USE_TLS = no_smtp.EMAIL_USE_SSL = False
        no_smtp.EMAIL_HOST_USER = no_smtp.EMAIL_HOST_PASSWORD = ""
        call_command("run_worker", "--once")
    finally:
        controller.stop()
    row = Notification.objects.get(channel="email")
    assert row.state == "sent" and row.attempts == 1 and row.last_error == ""


def test_of_the_digests_that_waited_only_the_newest_goes_and_it_keeps_their_news(
    no_smtp, settings, people, task
):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    for day, reason in ((3, "Thiếu số liệu ngày 3"), (4, "Thiếu số liệu ngày 4"), (5, None)):
        moment = datetime.datetime(2026, 3, day, 0, 30, tzinfo=datetime.UTC)
        with time_machine.travel(moment, tick=False):
            if reason:
                record(task, "returned", people.specialist, reason=reason)
            digest.write_digests()
    call_command("run_worker", "--once")
    rows = Notification.objects.filter(kind="digest")
    assert [r.state for r in rows] == ["pending"]  # the older ones, never sent, are replaced
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("run_worker", "--once")
    (sent,) = Notification.objects.filter(kind="digest")
    assert sent.state == "sent"
    body = content.render(sent)
    assert "Thiếu số liệu ngày 3" in body and "Thiếu số liệu ngày 4" in body
