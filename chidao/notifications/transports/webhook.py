import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from chidao.notifications.transports import Transport, TransportError
from chidao.notifications.transports.content import subject, task_url, text


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``timestamp + "." + body``: the receiver checks it
    and refuses old timestamps, so a captured request cannot be replayed later."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(notification) -> dict:
    """The notification as JSON: ``task`` is null for a digest; ``text`` is the reminder's or
    escalation's sentence (empty for other kinds); ``url`` the task's page, or the home page."""
    task = None
    if notification.task_id is not None:
        task = {
            "id": notification.task_id,
            "content": notification.task.content,
            "url": task_url(notification),
        }
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": subject(notification),
        "text": text(notification),
        "url": task_url(notification),
        "recipient": {
            "id": notification.recipient_id,
            "username": notification.recipient.username,
        },
        "task": task,
        "event": notification.event.seq if notification.event_id else None,
        "data": notification.data or {},
        "created": notification.created.isoformat(),
    }


class WebhookTransport(Transport):
    """POST the notification as JSON to ``CHIDAO_WEBHOOK_URL``, signed with the shared secret."""

    def notify(self, notification) -> None:
        url = settings.CHIDAO_WEBHOOK_URL
        if not url:
            raise TransportError("CHIDAO_WEBHOOK_URL is not set.", permanent=True)
        body = json.dumps(payload(notification), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's own setting)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Chidao-Timestamp": timestamp,
                "X-Chidao-Signature": signature(settings.CHIDAO_WEBHOOK_SECRET, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (as above)
                pass
        except urllib.error.HTTPError as error:
            # The receiver refused this request: retrying it unchanged cannot help, except when
            # it is overloaded or timed out.
            permanent = 400 <= error.code < 500 and error.code not in (408, 429)
            raise TransportError(f"The webhook answered {error.code}.", permanent) from error
        except (urllib.error.URLError, OSError) as error:
            raise TransportError(f"Cannot reach the webhook: {error}") from error
