"""The webhook: a signed JSON POST, only when configured."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command

from chidao.notifications import daily
from chidao.notifications.models import Notification, Preference
from chidao.notifications.tests.conftest import record


@pytest.fixture(autouse=True)
def _delivery_only(monkeypatch):
    """The worker also runs the daily jobs, whose reminders and escalations of this overdue
    task would add mail depending on the day the suite runs: delivery only here."""
    monkeypatch.setattr(daily, "JOBS", [])


@pytest.fixture
def receiver(settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CHIDAO_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    settings.CHIDAO_WEBHOOK_SECRET = "bi-mat-chung"
    yield received
    server.shutdown()
    server.server_close()


def test_the_webhook_receives_a_signed_post(receiver, people, task):
    Preference.objects.create(person=people.unit_head, channel="webhook", enabled=True)
    record(task, "returned", people.specialist)
    call_command("run_worker", "--once")
    ((headers, body),) = receiver
    timestamp = headers["X-Chidao-Timestamp"]
    mac = hmac.new(b"bi-mat-chung", timestamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Chidao-Signature"] == "sha256=" + mac.hexdigest()
    payload = json.loads(body)
    assert payload["kind"] == "returned" and payload["task"]["id"] == task.pk
    assert Notification.objects.get(channel="webhook").state == "sent"


def test_a_refused_webhook_call_is_not_retried(settings, people, task):
    Preference.objects.create(person=people.unit_head, channel="webhook", enabled=True)
    settings.CHIDAO_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    record(task, "returned", people.specialist)
    settings.CHIDAO_WEBHOOK_URL = ""
    call_command("run_worker", "--once")
    row = Notification.objects.get(channel="webhook")
    assert row.state == "failed" and "CHIDAO_WEBHOOK_URL" in row.last_error
