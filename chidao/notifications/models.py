"""The outbox (thông báo): one row per message to one person on one channel, written in the same
transaction as the event it tells about, then delivered by the worker (``run_worker``)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
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
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("task"),
    )  # empty for a digest, which is about the person's whole day
    event = models.ForeignKey(
        TaskEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("event"),
    )  # empty for reminders and digests
    kind = models.CharField(_("kind"), max_length=30)  # the event's kind, "reminder" or "digest"
    # What a reminder or digest says beyond its task (the rung, the day): events carry their own.
    data = models.JSONField(_("details"), default=dict, blank=True)
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
    AT_ONCE = "at_once", _("Everything at once")
    DIGEST = "digest", _("A daily digest, and urgent items at once")


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


class Rhythm(models.Model):
    """Nhịp nhắc việc: when the system reminds a lead unit of a deadline and when it raises an
    overdue task up the tree, in working days. One row for the installation (a province); until
    an administrator saves it, the ``CHIDAO_REMIND_*``/``CHIDAO_ESCALATE_*`` settings apply."""

    remind_before = models.CharField(
        _("remind before the deadline (working days)"),
        max_length=40,
        blank=True,
        help_text=_("Numbers separated by commas, e.g. 3,1. Empty: no reminder before."),
    )
    remind_on_the_day = models.BooleanField(_("remind on the day of the deadline"), default=True)
    remind_day_after = models.BooleanField(_("remind the working day after it"), default=True)
    remind_overdue_every = models.PositiveSmallIntegerField(
        _("then remind every (working days) while overdue"),
        default=5,
        help_text=_("0: no further reminder."),
    )
    escalate_to_unit_head_after = models.PositiveSmallIntegerField(
        _("raise to the unit's head after (working days overdue)"),
        default=10,
        help_text=_("0: never."),
    )
    escalate_to_office_after = models.PositiveSmallIntegerField(
        _("raise to the division head and the Office leader after (working days overdue)"),
        default=20,
        help_text=_("0: never."),
    )
    morning_time = models.TimeField(
        _("send reminders and digests at"),
        default=datetime.time(7, 30),
        help_text=_("Committee time, on working days."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder rhythm")
        verbose_name_plural = _("reminder rhythm")

    def __str__(self) -> str:
        return str(_("Reminder rhythm"))

    @classmethod
    def current(cls) -> "Rhythm":
        """The saved rhythm, or one made of the settings (not saved)."""
        return cls.objects.order_by("pk").first() or cls.from_settings()

    @classmethod
    def from_settings(cls) -> "Rhythm":
        hour, _sep, minute = settings.CHIDAO_MORNING_TIME.partition(":")
        return cls(
            remind_before=settings.CHIDAO_REMIND_BEFORE,
            remind_on_the_day=settings.CHIDAO_REMIND_ON_THE_DAY,
            remind_day_after=settings.CHIDAO_REMIND_DAY_AFTER,
            remind_overdue_every=settings.CHIDAO_REMIND_OVERDUE_EVERY,
            escalate_to_unit_head_after=settings.CHIDAO_ESCALATE_TO_UNIT_HEAD_AFTER,
            escalate_to_office_after=settings.CHIDAO_ESCALATE_TO_OFFICE_AFTER,
            morning_time=datetime.time(int(hour), int(minute or 0)),
        )

    @property
    def before_days(self) -> list[int]:
        """The working days before the deadline, largest first (validated by ``clean``)."""
        days = {int(part) for part in self.remind_before.split(",") if part.strip()}
        return sorted(days, reverse=True)

    def clean(self):
        errors = {}
        parts = [part.strip() for part in self.remind_before.split(",") if part.strip()]
        if any(not part.isdigit() or not 1 <= int(part) <= 60 for part in parts):
            errors["remind_before"] = _(
                "Write whole numbers of working days from 1 to 60, separated by commas."
            )
        else:
            self.remind_before = ",".join(
                str(d) for d in sorted({int(p) for p in parts}, reverse=True)
            )
        first, second = self.escalate_to_unit_head_after, self.escalate_to_office_after
        if first and second and second <= first:
            errors["escalate_to_office_after"] = _(
                "The second rung comes after the first: more working days than %(first)s."
            ) % {"first": first}
        if errors:
            raise ValidationError(errors)


class DailyRun(models.Model):
    """One daily job on one day (việc hằng ngày): written when the job starts, so that it runs at
    most once a day whatever the number of workers or restarts; ``finished`` once it is done."""

    job = models.CharField(_("job"), max_length=40)
    day = models.DateField(_("day"))
    started = models.DateTimeField(_("started"), default=clock.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="daily_run_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%d/%m/%Y}"
