"""Writing the outbox with each event, and delivering it (the worker's one pass).

Delivery guarantee: **at most once** towards the SMTP server and the webhook.

1. ``claim`` turns a due row from ``pending`` to ``sending`` with one conditional UPDATE that
   also stores a fresh token, the claim time and (for e-mail) the Message-ID the mail will carry.
   Only the worker whose UPDATE changed the row sends it: two workers never send the same row.
   On PostgreSQL the candidates are first read with ``select_for_update(skip_locked=True)`` so
   that concurrent workers pick different rows instead of racing for the same ones.
2. The transport sends. Success → ``sent``; a ``TransportError`` → back to ``pending`` with an
   exponential back-off (``RETRY_BASE_SECONDS`` * 2^(attempts-1), at most ``RETRY_MAX_SECONDS``),
   or ``failed`` when permanent or after ``CHIDAO_NOTIFY_MAX_ATTEMPTS`` attempts.
3. A worker that dies between sending and recording leaves the row ``sending``. It is never sent
   again automatically: once it has been ``sending`` for longer than ``SENDING_TIMEOUT`` the next
   pass marks it ``unknown`` (the server may or may not have it; its Message-ID is kept so the
   mail log can tell). An administrator may send it again from the admin site.
4. While no SMTP server is configured (``EMAIL_HOST`` empty), e-mail rows are not claimed at all:
   they stay ``pending`` with the reason in ``last_error`` and no attempt spent, and go out
   normally once a server is set. In-app and webhook rows are not held back.

Why not at least once: a duplicate official reminder in a civil servant's mailbox is worse than
a rare lost one that is still in the in-app inbox (written in the same transaction as the event,
so never lost) and visible as ``unknown`` in the admin.
"""

import datetime
import logging
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.db import connection, transaction

from chidao.core import clock
from chidao.notifications.models import (
    DEFAULTS,
    Channel,
    EmailMode,
    Notification,
    Preference,
    State,
)

log = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
SENDING_TIMEOUT = datetime.timedelta(minutes=15)
# What cannot wait for tomorrow's digest: it goes by e-mail at once to those who chose the digest
# too (a returned report, an urging by a person, an escalation up the tree).
URGENT_KINDS = frozenset({"returned", "urged", "escalated"})


# --- Writing, inside the event's transaction ----------------------------------------------------
def write_for_event(event) -> list[Notification]:
    """Insert the rows the rules table asks for this event: in-app for every recipient, e-mail
    and webhook for those who chose them. Idempotent through the unique ``key``."""
    from chidao.notifications import rules

    people = rules.recipients(event)
    if not people:
        return []
    prefs = preferences([p.pk for p in people])
    now = clock.now()
    rows = []
    for person in people:
        for channel in channels(person, prefs, event.kind):
            rows.append(
                Notification(
                    recipient=person,
                    task_id=event.task_id,
                    event=event,
                    kind=event.kind,
                    channel=channel,
                    key=f"event:{event.pk}:{person.pk}:{channel}",
                    # In-app needs no delivery: the row in the inbox is the message.
                    state=State.SENT if channel == Channel.IN_APP else State.PENDING,
                    sent_at=now if channel == Channel.IN_APP else None,
                    next_attempt_at=now,
                    created=now,
                )
            )
    return Notification.objects.bulk_create(rows, ignore_conflicts=True)


def preferences(person_ids) -> dict[tuple[int, str], tuple[bool, str]]:
    rows = Preference.objects.filter(person_id__in=person_ids)
    return {(p.person_id, p.channel): (p.enabled, p.email_mode) for p in rows}


def preference(prefs, person_id: int, channel: str) -> tuple[bool, str]:
    return prefs.get((person_id, channel), DEFAULTS[Channel(channel)])


def channels(person, prefs, kind: str) -> list[str]:
    """The channels one message of ``kind`` goes on for this person: in-app always; e-mail at
    once for those who chose it, or when urgent; the webhook for those who turned it on."""
    chosen = [Channel.IN_APP.value]
    enabled, mode = preference(prefs, person.pk, Channel.EMAIL)
    # The rest of a digest reader's news is gathered from the inbox into tomorrow's digest.
    if enabled and person.email and (mode == EmailMode.AT_ONCE or kind in URGENT_KINDS):
        chosen.append(Channel.EMAIL.value)
    enabled, _mode = preference(prefs, person.pk, Channel.WEBHOOK)
    if enabled and settings.CHIDAO_WEBHOOK_URL:
        chosen.append(Channel.WEBHOOK.value)
    return chosen


# --- Delivering ---------------------------------------------------------------------------------
def due_ids(limit: int, email: bool = True) -> list[int]:
    """Pending rows whose next attempt is due, oldest first (without e-mail rows when
    ``email`` is false: no SMTP server is configured)."""
    due = Notification.objects.filter(state=State.PENDING, next_attempt_at__lte=clock.now())
    if not email:
        due = due.exclude(channel=Channel.EMAIL)
    due = due.order_by("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            return list(
                due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
            )
    return list(due.values_list("pk", flat=True)[:limit])


def claim(pk: int) -> Notification | None:
    """pending → sending in one conditional UPDATE; None if another worker got there first."""
    token = uuid.uuid4().hex
    now = clock.now()
    row = Notification.objects.filter(pk=pk).only("channel").first()
    if row is None:
        return None
    message_id = make_msgid(domain=settings.CHIDAO_MAIL_DOMAIN) if row.channel == "email" else ""
    changed = Notification.objects.filter(pk=pk, state=State.PENDING).update(
        state=State.SENDING, claim_token=token, claimed_at=now, message_id=message_id
    )
    if changed != 1:
        return None
    return Notification.objects.select_related("recipient", "task", "event__actor").get(pk=pk)


def deliver(notification: Notification) -> None:
    """Send one claimed row and record the outcome (only if we still hold the claim)."""
    from chidao.notifications.transports import TransportError, transport_for

    mine = Notification.objects.filter(
        pk=notification.pk, state=State.SENDING, claim_token=notification.claim_token
    )
    attempts = notification.attempts + 1
    try:
        transport_for(notification.channel).notify(notification)
    except TransportError as error:
        failed = error.permanent or attempts >= settings.CHIDAO_NOTIFY_MAX_ATTEMPTS
        delay = min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
        mine.update(
            state=State.FAILED if failed else State.PENDING,
            attempts=attempts,
            last_error=error.message[:2000],
            next_attempt_at=clock.now() + datetime.timedelta(seconds=delay),
        )
        log.warning("notification %s: %s (attempt %s)", notification.pk, error.message, attempts)
        return
    mine.update(state=State.SENT, attempts=attempts, last_error="", sent_at=clock.now())


def expire_sending() -> int:
    """Rows left ``sending`` by a worker that died: never re-sent, marked ``unknown``."""
    return Notification.objects.filter(
        state=State.SENDING, claimed_at__lt=clock.now() - SENDING_TIMEOUT
    ).update(
        state=State.UNKNOWN,
        last_error="The worker stopped while sending: it may or may not have been delivered.",
    )


def hold_email() -> int:
    """No SMTP server is configured: e-mail rows stay pending, without spending their attempts,
    and say why in ``last_error``; they go as soon as a server is configured."""
    from chidao.notifications.transports.email import NOT_CONFIGURED

    pending = Notification.objects.filter(state=State.PENDING, channel=Channel.EMAIL)
    return pending.exclude(last_error=NOT_CONFIGURED).update(last_error=NOT_CONFIGURED)


def run_once(batch: int = 20, should_stop=lambda: False) -> int:
    """One pass: expire abandoned claims, then claim and send due rows in small batches until
    none is due. Returns how many rows were attempted."""
    from chidao.notifications.transports.email import is_configured

    expire_sending()
    email = is_configured()
    if not email:
        hold_email()
    attempted = 0
    while not should_stop():
        ids = due_ids(batch, email)
        if not ids:
            break
        for pk in ids:
            if should_stop():
                break
            notification = claim(pk)
            if notification is not None:
                deliver(notification)
                attempted += 1
    return attempted


def send_again(queryset) -> int:
    """The admin's way out for ``failed`` and ``unknown`` rows: back to pending, now."""
    return queryset.filter(state__in=[State.FAILED, State.UNKNOWN]).update(
        state=State.PENDING, next_attempt_at=clock.now(), claim_token=""
    )
