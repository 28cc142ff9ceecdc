"""Hoạt động của đơn vị: when a unit's people last signed in and last updated a task.

The mission asks units to open the software every day; a specialist needs to see at a glance
which of the units they follow have gone quiet. Reading that from the sign-in log and every
task's timeline would cost a scan per unit on a page opened every morning, so two columns of
``Unit`` are kept as things happen instead:

- ``last_sign_in_at``: set when a person with an active role in the unit signs in (password or
  single sign-on: both send ``user_logged_in``);
- ``last_step_at``: set when such a person records a step on a task's timeline, inside the same
  transaction as the step (rolled back with it).

Each is one UPDATE of the person's units that only moves a column forward, and skips units
stamped within the last ``RESOLUTION`` (a busy unit is not rewritten on every click).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from chidao.core import clock
from chidao.org.models import FollowAssignment, Membership, Unit

SILENT_AFTER_WORKING_DAYS = 5
RESOLUTION = datetime.timedelta(minutes=1)


def _stamp(person_id: int, column: str, at: datetime.datetime) -> int:
    units = Membership.objects.filter(person_id=person_id, is_active=True).values("unit_id")
    older = Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__lt": at - RESOLUTION})
    return Unit.objects.filter(older, pk__in=units).update(**{column: at})


def note_sign_in(person, at: datetime.datetime | None = None) -> int:
    return _stamp(person.pk, "last_sign_in_at", at or clock.now())


def note_step(person_id: int | None, at: datetime.datetime) -> int:
    """``at`` is the step's own time: the demo's replayed history stamps its own dates."""
    if person_id is None:  # a step of the system itself (reminders, escalation)
        return 0
    return _stamp(person_id, "last_step_at", at)


@receiver(user_logged_in, dispatch_uid="chidao_unit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    note_sign_in(user)


# A lazy sender: the directives app loads after this one. The timeline's one writer
# (``chidao.directives.timeline.record``) saves each event once, as a new row.
@receiver(post_save, sender="directives.TaskEvent", dispatch_uid="chidao_unit_step")
def _stepped(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        note_step(instance.actor_id, instance.at)


def last_activity(unit: Unit) -> datetime.datetime | None:
    """The later of the two, or None for a unit whose people never did either."""
    moments = [m for m in (unit.last_sign_in_at, unit.last_step_at) if m is not None]
    return max(moments, default=None)


@dataclass(frozen=True)
class Silence:
    """A followed unit with neither a sign-in nor a step since ``since`` (None: never)."""

    unit: Unit
    since: datetime.datetime | None


def silent_units(specialist, quiet_since: datetime.datetime, limit: int) -> tuple[int, list]:
    """Đơn vị im lặng: the active units ``specialist`` follows with no sign-in and no step since
    ``quiet_since``; how many, and the first ``limit`` quietest first (never active first).
    One query, whatever the number of units: a specialist follows tens of units, not more."""
    quiet = (Q(unit__last_sign_in_at__isnull=True) | Q(unit__last_sign_in_at__lt=quiet_since)) & (
        Q(unit__last_step_at__isnull=True) | Q(unit__last_step_at__lt=quiet_since)
    )
    follows = FollowAssignment.objects.filter(
        quiet, specialist=specialist, is_active=True, unit__is_active=True
    )
    rows = [Silence(f.unit, last_activity(f.unit)) for f in follows.select_related("unit")]
    rows.sort(key=lambda s: (s.since is not None, s.since or quiet_since, s.unit.name))
    return len(rows), rows[:limit]
