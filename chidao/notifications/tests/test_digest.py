"""The daily digest: one e-mail a working morning to those who chose it and have something to do,
saying what their home page says, with absolute links; and what reminders and escalations say on
every channel."""

import datetime
import email
import email.policy
import socket
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from chidao.conftest import make_person
from chidao.directives.home import panels
from chidao.notifications import daily, digest, reminders
from chidao.notifications.models import Notification, Preference
from chidao.notifications.rules import kind_label
from chidao.notifications.tests.conftest import record
from chidao.notifications.transports import content
from chidao.notifications.transports.webhook import payload

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
THURSDAY = datetime.date(2026, 3, 5)
SITE = "https://chidao.dongthap.gov.vn"


@pytest.fixture(autouse=True)
def _thursday_morning():
    with time_machine.travel(datetime.datetime(2026, 3, 5, 7, 30, tzinfo=HCM), tick=False):
        yield


@pytest.fixture(autouse=True)
def _no_other_daily_jobs(monkeypatch):
    """Only the digest among the worker's daily jobs: what it writes is what is tested."""
    monkeypatch.setattr(daily, "JOBS", [job for job in daily.JOBS if job.name == "digests"])


def with_email(person, mode=None, enabled=True):
    person.email = f"{person.username}@example.vn"
    person.save()
    if mode or not enabled:
        Preference.objects.create(
            person=person, channel="email", enabled=enabled, email_mode=mode or "digest"
        )
    return person


def digests():
    return Notification.objects.filter(kind="digest")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = SITE
    yield inbox
    controller.stop()


# --- Who gets one ------------------------------------------------------------------------------
def test_only_digest_readers_with_something_to_do_get_one(people, task):
    with_email(people.unit_head)  # the default: e-mail as a digest; a task not yet received
    with_email(people.unit_staff, mode="at_once")  # everything at once: no digest
    with_email(people.other_staff, enabled=False)  # e-mail off
    with_email(people.sub_staff)  # a digest reader with nothing on the home page, nothing new
    people.leader.is_active = False  # no longer here
    with_email(people.leader)
    # people.viewer has overdue-free figures and no address: nothing to send to
    assert digest.write_digests() == 1
    row = digests().get()
    assert row.recipient == people.unit_head
    assert row.channel == "email" and row.state == "pending" and row.task is None
    assert row.key == f"digest:2026-03-05:{people.unit_head.pk}"
    assert row.data == {"day": "2026-03-05"}


def test_unread_notifications_alone_are_something_to_do(people, task):
    with_email(people.specialist)
    assert not any(digest.busy_shelves(people.specialist))
    assert digest.write_digests() == 0
    record(task, "reported", people.unit_staff)  # tells the tracking specialist
    assert digest.write_digests() == 1
    assert digests().get().recipient == people.specialist


def test_notifications_read_or_already_in_a_digest_do_not_count(people, task):
    with_email(people.specialist)
    record(task, "reported", people.unit_staff)
    with time_machine.travel(datetime.datetime(2026, 3, 4, 7, 30, tzinfo=HCM), tick=False):
        yesterdays = digest.write_digests()
    assert yesterdays == 0  # the report came after yesterday's digest was written
    assert digest.write_digests() == 1
    digests().update(state="sent")  # Thursday's digest went out
    with time_machine.travel(datetime.datetime(2026, 3, 6, 7, 30, tzinfo=HCM), tick=False):
        assert digest.write_digests() == 0  # told in Thursday's digest, nothing new since
        record(task, "edited", people.office_leader)
        Notification.objects.filter(recipient=people.specialist).update(
            read_at=datetime.datetime(2026, 3, 6, 7, 30, tzinfo=HCM)
        )
        assert digest.write_digests() == 0  # read on the page before the digest


def test_one_digest_a_day(people, task):
    with_email(people.unit_head)
    assert digest.write_digests() == 1
    assert digest.write_digests() == 0
    assert digest.write_digests(THURSDAY) == 0
    assert digests().count() == 1
    assert digest.write_digests(THURSDAY + datetime.timedelta(days=1)) == 1
    assert digests().count() == 2


def test_a_person_without_any_role_gets_none(people, org):
    with_email(make_person("newcomer"))
    assert digest.write_digests() == 0


# --- What it says -------------------------------------------------------------------------------
def _parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_the_digest_mail_lists_the_home_shelves_with_absolute_links(smtp, people, task, org):
    with_email(people.unit_head)
    call_command("run_worker", "--once")  # the digest job is due at 07:30: written, then sent
    (mail,) = smtp.messages
    assert mail["To"] == "unit_head@example.vn"
    assert str(mail["Subject"]).strip().startswith("[Chỉ đạo] ")
    assert "05/03/2026" in str(mail["Subject"]).strip()
    text, html = _parts(mail)
    with translation.override("vi"):
        (panel,) = [p for p in panels(people.unit_head) if p.key == f"unit-{org.finance.pk}"]
        shelves = {shelf.key: shelf for shelf in panel.shelves}
        unreceived = shelves["unreceived"]
        assert unreceived.count == 1
        for part in (text, html):
            assert str(panel.title) in part
            assert str(unreceived.title) in part
            assert str(shelves["to_report"].title) in part
            assert str(shelves["overdue"].title) not in part  # an empty shelf is left out
    task_link = f"{SITE}/tasks/{task.pk}/"
    list_link = f"{SITE}{reverse('directives:task_list')}?{unreceived.more}"
    assert task_link in text and task_link in html
    assert list_link in text and list_link.replace("&", "&amp;") in html
    assert "Tham mưu phương án phân bổ vốn đầu tư công năm 2026" in text
    assert "Sở Tài chính · 31/03/2026" in text
    row = digests().get()
    assert row.state == "sent" and mail["Message-ID"] == row.message_id


def test_the_digest_lists_unread_notifications_with_what_reminders_say(smtp, people, task):
    with_email(people.unit_head)
    data = {"rung": "before", "days": 3, "deadline": "2026-03-31"}
    Notification.objects.create(
        recipient=people.unit_head, task=task, kind="reminder", data=data, channel="in_app",
        key="reminder:test", state="sent",
    )  # fmt: skip
    call_command("run_worker", "--once")
    (mail,) = smtp.messages
    text, html = _parts(mail)
    with translation.override("vi"):
        said = reminders.describe(data)
        reminder, assigned = kind_label("reminder"), kind_label("created")
    assert said and said in text and said in html
    assert f"- {reminder}: Tham mưu" in text
    assert f"- {assigned}: Tham mưu" in text  # the assignment, also unread
    assert text.count(f"{SITE}/tasks/{task.pk}/") == 4  # two shelves, two notifications


def test_a_digest_needs_no_task_anywhere(people, task, client):
    with_email(people.unit_head)
    digest.write_digests()
    row = digests().get()
    assert content.subject(row).startswith("[Chỉ đạo] ")
    assert content.render(row) and content.render(row, html=True)
    sent = payload(row)
    assert sent["task"] is None and sent["kind"] == "digest"
    assert sent["url"].endswith(reverse("home"))


def test_opening_a_notification_without_a_task_goes_to_the_inbox(client, people):
    row = Notification.objects.create(
        recipient=people.unit_head, kind="digest", channel="in_app", key="taskless", state="sent"
    )
    client.force_login(people.unit_head)
    response = client.get(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == reverse("notifications:inbox")
    row.refresh_from_db()
    assert row.read_at is not None
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_a_reminder_mail_and_webhook_say_how_long_is_left(smtp, people, task, settings):
    with_email(people.unit_head, mode="at_once")
    data = {"rung": "before", "days": 3, "deadline": "2026-03-31"}
    row = Notification.objects.create(
        recipient=people.unit_head, task=task, kind="reminder", data=data, channel="email",
        key="reminder:mail",
    )  # fmt: skip
    call_command("run_worker", "--once")
    (mail,) = smtp.messages
    with translation.override("vi"):
        said = reminders.describe(data)
        kind = row.kind_label
    text, html = _parts(mail)
    assert said in text and said in html
    assert str(mail["Subject"]).strip().startswith(f"[Chỉ đạo] {kind}: Tham mưu")
    assert payload(row)["text"] == said


def test_an_escalation_mail_says_the_level_and_the_days_overdue(smtp, people, task, monkeypatch):
    monkeypatch.setattr(daily, "JOBS", [])
    with_email(people.unit_head)  # a digest reader: an escalation still goes at once
    record(task, "escalated", None, to=[people.unit_head.pk], rung=1, overdue_working_days=12)
    call_command("run_worker", "--once")
    (mail,) = smtp.messages
    text, _html = _parts(mail)
    with translation.override("vi"):
        row = Notification.objects.get(kind="escalated", channel="email")
        said = content.summary(row)
    assert "1" in said and "12" in said
    assert said in text
