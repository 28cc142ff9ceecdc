"""Bản tin hằng ngày: one e-mail a working morning that answers "what needs me today?".

``write_digests`` (a daily job, see ``chidao.notifications.daily``) writes one e-mail row per
person who reads their e-mail as a digest and has something to do; the worker delivers it like
any other row. What it says is built when it is sent (``context``), from the same panels as the
person's home page (``chidao.directives.home.panels``) and the in-app notifications they have
not read since their previous digest, so the mail and the home page never disagree.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.notifications import outbox
from chidao.notifications.models import Channel, EmailMode, Notification, State
from chidao.org.models import Person

KIND = "digest"
# Unread notifications listed in one digest; the rest are counted, with the inbox's link.
NEWS_LIMIT = 20
CONTENT_CHARS = 120


def key(day: datetime.date, person_id: int) -> str:
    return f"digest:{day.isoformat()}:{person_id}"


def write_digests(today: datetime.date | None = None) -> int:
    """Write today's digest for each active person with an e-mail address who chose the digest
    (the default) and has something to do: a non-empty shelf on their home page, or unread
    in-app notifications since their previous digest. Idempotent: one row per person and day
    (its ``key``). Returns how many rows were written."""
    today = today or clock.today()
    now = clock.now()
    people = list(Person.objects.filter(is_active=True).exclude(email="").order_by("pk"))
    prefs = outbox.preferences([p.pk for p in people])
    keys = {person.pk: key(today, person.pk) for person in people}
    done = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    written = 0
    for person in people:
        enabled, mode = outbox.preference(prefs, person.pk, Channel.EMAIL)
        if not enabled or mode != EmailMode.DIGEST or keys[person.pk] in done:
            continue
        if not (unread(person, now).exists() or any(busy_shelves(person))):
            continue
        _row, created = Notification.objects.get_or_create(
            key=keys[person.pk],
            defaults={
                "recipient": person,
                "task": None,
                "event": None,
                "kind": KIND,
                "channel": Channel.EMAIL,
                "data": {"day": today.isoformat()},
                "state": State.PENDING,
                "next_attempt_at": now,
                "created": now,
            },
        )
        if created:
            written += 1
            # Older digests that never went (no SMTP server then) say nothing this one does
            # not: its news runs from the last digest actually sent.
            Notification.objects.filter(
                recipient=person, kind=KIND, state=State.PENDING, created__lt=now
            ).delete()
    return written


def busy_shelves(person):
    """The home page's panels, each with its task shelves that hold something (directive
    shelves are a record of past work, not something to do)."""
    from chidao.directives.home import panels

    for panel in panels(person):
        shelves = [shelf for shelf in panel.shelves if shelf.count]
        if shelves:
            yield panel, shelves


def previous(person, before: datetime.datetime, pk: int | None = None):
    """The person's last digest sent before ``before``, or None: the news of a digest runs from
    it, so a digest that never went loses nothing."""
    earlier = Q(created__lt=before)
    if pk is not None:
        earlier |= Q(created=before, pk__lt=pk)
    rows = Notification.objects.filter(earlier, recipient=person, kind=KIND, state=State.SENT)
    return rows.order_by("-created", "-pk").first()


def unread(person, until: datetime.datetime, pk: int | None = None):
    """In-app notifications the person has not read, written since their previous digest and
    up to ``until`` (what comes later goes into the next one)."""
    rows = Notification.objects.filter(
        recipient=person, channel=Channel.IN_APP, read_at=None, created__lte=until
    )
    last = previous(person, until, pk)
    if last is not None:
        rows = rows.filter(created__gt=last.created)
    return rows


def day_of(notification: Notification) -> datetime.date:
    try:
        return datetime.date.fromisoformat(notification.data["day"])
    except (KeyError, TypeError, ValueError):
        return clock.today()


def subject(notification: Notification) -> str:
    """In the active language (the caller sets the site's)."""
    day = day_of(notification).strftime("%d/%m/%Y")
    return "[Chỉ đạo] " + _("What needs you on %(day)s") % {"day": day}


def context(notification: Notification) -> dict:
    """Everything the digest templates show, with absolute links (``SITE_URL``)."""
    from chidao.notifications.transports.content import summary

    site = settings.SITE_URL
    task_list = site + reverse("directives:task_list")
    panels = []
    for panel, shelves in busy_shelves(notification.recipient):
        panels.append(
            {
                "title": str(panel.title),
                "shelves": [
                    {
                        "title": str(shelf.title),
                        "count": shelf.count,
                        "url": f"{task_list}?{shelf.more}" if shelf.more else "",
                        "rows": [
                            {
                                "content": row.content(CONTENT_CHARS),
                                "lead_unit": row.task.lead_unit.name,
                                "deadline": row.task.deadline,
                                "timeliness": row.words,
                                "url": site + row.url,
                            }
                            for row in shelf.rows
                        ],
                    }
                    for shelf in shelves
                ],
            }
        )
    news = unread(notification.recipient, notification.created, notification.pk)
    news = news.select_related("task", "event__actor").order_by("-created", "-pk")  # newest first
    total = news.count()
    items = []
    for row in news[:NEWS_LIMIT]:
        items.append(
            {
                "kind": row.kind_label,
                "task": Truncator(row.task.content).chars(CONTENT_CHARS) if row.task else "",
                "actor": str(row.event.actor) if row.event and row.event.actor else "",
                "text": summary(row),
                "created": row.created,
                "url": site
                + (
                    reverse("directives:task_detail", args=[row.task_id])
                    if row.task_id
                    else reverse("notifications:inbox")
                ),
            }
        )
    return {
        "notification": notification,
        "person": notification.recipient,
        "day": day_of(notification),
        "panels": panels,
        "news": items,
        "more_news": total - len(items),
        "site_url": site,
        "home_url": site + reverse("home"),
        "inbox_url": site + reverse("notifications:inbox"),
        "settings_url": site + reverse("notifications:preferences"),
    }
