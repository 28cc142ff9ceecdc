"""The time the domain's actions see.

Always the real time, except while the demo replays eighteen months of history: inside
``clock.at(moment)`` every action dates its events, deadlines and reports at ``moment``, so the
demo's tasks have the timelines they would have had. Nothing else sets it.
"""

import contextlib
import datetime
from contextvars import ContextVar

from django.utils import timezone

_moment: ContextVar[datetime.datetime | None] = ContextVar("chidao_clock", default=None)


def now() -> datetime.datetime:
    return _moment.get() or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight opening ``day`` in the committee's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@contextlib.contextmanager
def at(moment: datetime.datetime):
    if timezone.is_naive(moment):
        raise ValueError("clock.at needs an aware datetime")
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
