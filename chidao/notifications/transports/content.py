"""What a notification says, the same for every channel: in the site's language (Vietnamese).

A row is about an event on a task, a reminder on a task (its details in ``data``), or the daily
digest (no task: ``chidao.notifications.digest`` builds what it says).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.notifications import digest

TEMPLATES = {
    # (plain text, HTML) by kind; every other kind uses the event e-mail.
    digest.KIND: ("notifications/digest.txt", "notifications/digest.html"),
}
EVENT_TEMPLATES = ("notifications/email.txt", "notifications/email.html")


def task_url(notification) -> str:
    """The task's page, or the home page for a row about no task (a digest)."""
    if notification.task_id is None:
        return settings.SITE_URL + reverse("home")
    return settings.SITE_URL + reverse("directives:task_detail", args=[notification.task_id])


def summary(notification) -> str:
    """The one sentence a row adds to its kind and task, in the active language: the reminder's
    (e.g. "3 working days left until the deadline 31/03/2026"), the escalation's rung and days
    overdue; for an event, the words its author wrote with it (an urging's message, a return's
    reason); empty otherwise."""
    if notification.kind == "reminder":
        from chidao.notifications import reminders

        return reminders.describe(notification.data or {})
    if notification.event_id is None:
        return ""
    data = notification.event.data or {}
    if notification.kind == "escalated":
        return _escalation(data)
    # The words a person wrote with the act: the urging's message, the reason for a return or
    # a suspension, the leader's opinion, the note on a proposal.
    for key in WORDS:
        if isinstance(data.get(key), str) and data[key].strip():
            return Truncator(data[key].strip()).chars(WORDS_CHARS)
    return ""


WORDS = ("message", "reason", "text", "note")
WORDS_CHARS = 300


def _escalation(data: dict) -> str:
    rung, days = data.get("rung"), data.get("overdue_working_days")
    parts = []
    if rung:
        parts.append(_("Escalation level %(rung)s") % {"rung": rung})
    if days:
        parts.append(
            ngettext("%(days)s working day overdue", "%(days)s working days overdue", int(days))
            % {"days": days}
        )
    return ", ".join(parts)


def context(notification) -> dict:
    event = notification.event
    actor = event.actor if event is not None else None
    return {
        "notification": notification,
        "task": notification.task,
        "kind": notification.kind_label,
        "actor": str(actor) if actor else "",
        "summary": summary(notification),
        "url": task_url(notification),
        "site_url": settings.SITE_URL,
        "data": event.data if event is not None else notification.data,
    }


def subject(notification) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if notification.kind == digest.KIND:
            return digest.subject(notification)
        if notification.task_id is None:
            return "[Chỉ đạo] " + notification.kind_label
        content = Truncator(notification.task.content).chars(80)
        return "[Chỉ đạo] " + _("%(kind)s: %(task)s") % {
            "kind": notification.kind_label,
            "task": content,
        }


def render(notification, html: bool = False) -> str:
    """The body of the e-mail, plain text or HTML."""
    templates = TEMPLATES.get(notification.kind, EVENT_TEMPLATES)
    with translation.override(settings.LANGUAGE_CODE):
        if notification.kind == digest.KIND:
            values = digest.context(notification)
        else:
            values = context(notification)
        return render_to_string(templates[html], values)


def text(notification) -> str:
    """The summary in the site's language, for channels that carry no template (webhook)."""
    with translation.override(settings.LANGUAGE_CODE):
        return summary(notification)
