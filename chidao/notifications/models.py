"""The outbox (thông báo): one row per message to one person on one channel, written in the same
transaction as the event it tells about, then delivered by the worker (``run_worker``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives.models import Task, TaskEvent


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Claimed, then the worker died before recording the outcome: it may or may not have reached
    # the server. Never re-sent automatically (at most once); an administrator may send it again.
    UNKNOWN = "unknown", _("Outcome unknown")


class Notification(models.Model):
    """Thông báo: what one person is told on one channel about one event (or a reminder or a
    digest). ``key`` makes writing it idempotent: the same event never yields two rows for the
    same person and channel."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("task")
    )
    event = models.ForeignKey(
        TaskEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("event"),
    )  # empty for reminders and digests
    kind = models.CharField(_("kind"), max_length=30)  # the event's kind, "reminder" or "digest"
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(_("key"), max_length=200, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=clock.now)
    last_error = models.TextField(_("last error"), blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                name="notification_key_unique",
                violation_error_message=_("This notification has already been written."),
            ),
        ]
        indexes = [
            # The bell on every page: count of a person's unread in-app notifications.
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", read_at=None),
                name="notification_unread_idx",
            ),
            # The inbox: a person's in-app notifications, newest first.
            models.Index(
                fields=["recipient", "channel", "-created"], name="notification_inbox_idx"
            ),
            # The worker: pending rows whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notification_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.channel}, {self.state})"

    @property
    def kind_label(self) -> str:
        from chidao.notifications.rules import kind_label

        return kind_label(self.kind)


class EmailMode(models.TextChoices):
    AT_ONCE = "at_once", _("At once")
    DIGEST = "digest", _("Daily digest")


class Preference(models.Model):
    """Cài đặt thông báo: whether a person wants a channel, and for e-mail how often. Without a
    row the defaults apply (``DEFAULTS``): in-app on, e-mail as a daily digest, webhook off."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "channel"],
                name="preference_person_channel_unique",
                violation_error_message=_("This person already has a preference for it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel}: {self.enabled}"


# (enabled, e-mail mode) when a person has no row for the channel. In-app is always on.
DEFAULTS = {
    Channel.IN_APP: (True, EmailMode.AT_ONCE),
    Channel.EMAIL: (True, EmailMode.DIGEST),
    Channel.WEBHOOK: (False, EmailMode.AT_ONCE),
}
