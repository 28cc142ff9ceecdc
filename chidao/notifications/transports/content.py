"""What a notification says, the same for every channel: in the site's language (Vietnamese)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _


def task_url(notification) -> str:
    return settings.SITE_URL + reverse("directives:task_detail", args=[notification.task_id])


def context(notification) -> dict:
    event = notification.event
    actor = event.actor if event is not None else None
    return {
        "notification": notification,
        "task": notification.task,
        "kind": notification.kind_label,
        "actor": str(actor) if actor else "",
        "url": task_url(notification),
        "site_url": settings.SITE_URL,
        "data": event.data if event is not None else {},
    }


def subject(notification) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        content = Truncator(notification.task.content).chars(80)
        return "[Chỉ đạo] " + _("%(kind)s: %(task)s") % {
            "kind": notification.kind_label,
            "task": content,
        }


def render(notification, template: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context(notification))
