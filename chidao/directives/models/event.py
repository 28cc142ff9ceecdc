"""The task's timeline (diễn biến): append-only, hash-chained events."""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chidao.directives import signing

from .task import Task


class EventKind(models.TextChoices):
    CREATED = "created", _("Assigned")
    EDITED = "edited", _("Edited")
    RECEIVED = "received", _("Received")
    PROGRESS = "progress", _("Progress update")
    COMMENT = "comment", _("Comment")
    OPINION = "opinion", _("Leader's directing opinion")
    COOPERATION = "cooperation", _("Cooperating unit's update")
    DIFFICULTY_RAISED = "difficulty_raised", _("Difficulty raised")
    DIFFICULTY_ESCALATED = "difficulty_escalated", _("Difficulty escalated")
    DIFFICULTY_ANSWERED = "difficulty_answered", _("Guidance given")
    DIFFICULTY_CLOSED = "difficulty_closed", _("Difficulty closed: no longer needed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    REPORTED = "reported", _("Reported done")
    PROPOSED = "proposed", _("Checked and proposed for closing")
    RETURNED = "returned", _("Returned")
    CONFIRMED = "confirmed", _("Confirmed done")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")
    SUBASSIGNED = "subassigned", _("Part assigned to a lower unit")
    # Đôn đốc: a person of the assigning committee's Office urges the lead unit. Automatic
    # reminders never record this kind, so urging by a person counts apart by construction.
    URGED = "urged", pgettext_lazy("event kind", "Urged")
    # Báo cáo vượt cấp: reported over the unit's head to the level above (automatic escalation).
    ESCALATED = "escalated", pgettext_lazy("event kind", "Escalated")
    # Chuyển đơn vị chủ trì: the lead unit changed by a merger of units (a correction of the lead
    # unit entered by mistake is an EDITED step).
    HANDED_OVER = "handed_over", _("Handed over to the successor unit")
    # Đính chính văn bản: the directive's own fields corrected; recorded on each of its tasks.
    DIRECTIVE_EDITED = "directive_edited", _("Directive corrected")
    # Dừng báo cáo định kỳ: no further periods of this recurring report will open.
    SERIES_STOPPED = "series_stopped", _("Recurring report stopped")
    # Nhập từ sổ theo dõi: the first step of a task brought in from an existing register.
    IMPORTED = "imported", _("Imported from a register")


class ImmutableEventError(Exception):
    """Raised when anything tries to change or delete a recorded event."""


class TaskEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEventError("task events cannot be changed")

    def delete(self):
        raise ImmutableEventError("task events cannot be deleted")


class TaskEvent(models.Model):
    """Sự kiện: one step in a task's life, who did it, when, and what (before/after, reason).

    Events are only ever added (see ``chidao.directives.timeline.record``). Each carries
    ``hash = HMAC-SHA256(key, content + previous event's hash + key id)`` under the timeline key
    named by ``key_id`` (``signing``), kept outside the database: changing or removing an event
    breaks the chain from that point on, and recomputing the chain needs the key;
    ``manage.py verify_timelines`` finds either. Events written before the keys (``key_id``
    empty) carry a plain SHA-256 until ``manage.py sign_timelines`` signs them.
    """

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="events", verbose_name=_("task")
    )
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    data = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)
    key_id = models.CharField(_("signing key"), max_length=20, blank=True, editable=False)

    objects = TaskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["task", "seq"]
        # Related managers and admin actions use the base manager: it must refuse too.
        base_manager_name = "objects"
        constraints = [
            # Also what stops two concurrent writers from both appending the same step.
            models.UniqueConstraint(fields=["task", "seq"], name="task_event_seq_unique"),
        ]
        indexes = [
            # The dashboard's urgings in a period: few among millions of events.
            models.Index(
                fields=["at"], condition=models.Q(kind="urged"), name="taskevent_urged_at_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError("task events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("task events cannot be deleted")

    def content(self) -> dict:
        return {
            "task": self.task_id,
            "seq": self.seq,
            "kind": self.kind,
            "actor": self.actor_id,
            # In UTC, as the database returns it, whatever zone the writer's clock was in.
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "data": self.data,
        }

    def compute_hash(self) -> str:
        """The HMAC under ``key_id`` (``UnknownKeyError`` if that key is not configured); for an
        event from before the keys (no ``key_id``), the plain SHA-256 it was written with."""
        signed = {"content": self.content(), "prev": self.prev_hash}
        if self.key_id:
            signed["key"] = self.key_id
        canonical = json.dumps(
            signed,
            cls=DjangoJSONEncoder,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        if not self.key_id:
            return hashlib.sha256(canonical).hexdigest()
        return signing.mac(self.key_id, canonical)
