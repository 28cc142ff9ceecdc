"""Every write of the notifications app that a person makes (the outbox itself is written by
``outbox.write_for_event`` inside each event's transaction)."""

from django.db import transaction

from chidao.core import clock
from chidao.notifications.models import Channel, EmailMode, Notification, Preference


def inbox(person):
    """A person's own in-app notifications: nobody else's is ever reachable."""
    return Notification.objects.filter(recipient=person, channel=Channel.IN_APP)


def mark_read(person, notification: Notification) -> None:
    inbox(person).filter(pk=notification.pk, read_at=None).update(read_at=clock.now())


def mark_all_read(person) -> int:
    return inbox(person).filter(read_at=None).update(read_at=clock.now())


@transaction.atomic
def set_preferences(person, *, email: bool, email_mode: str, webhook: bool) -> None:
    """In-app is always on; e-mail at once or as a daily digest, or off; webhook on or off."""
    Preference.objects.update_or_create(
        person=person,
        channel=Channel.EMAIL,
        defaults={"enabled": email, "email_mode": EmailMode(email_mode)},
    )
    Preference.objects.update_or_create(
        person=person, channel=Channel.WEBHOOK, defaults={"enabled": webhook}
    )
