"""Values a request reads once: the freshness stamp of the data and the version of the roles and
of the calendar, which nearly every page reads, and more than once.

Kept from the request's start (``request_started``) to its end, and forgotten as soon as the
request writes to the tables they come from (``freshness`` notes every write), so a request
that changes a role or a task reads the new values after its change. Outside a request (the
worker, a command, a test's body) nothing is kept: each read asks the database.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

_KEPT: ContextVar[dict | None] = ContextVar("chidao_per_request", default=None)


def read(key: str, compute: Callable):
    """``compute()`` once per request (and on every call outside one)."""
    kept = _KEPT.get()
    if kept is None:
        return compute()
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def put(key: str, value) -> None:
    """A value read along with another one (the roles' version in the stamp's query)."""
    kept = _KEPT.get()
    if kept is not None:
        kept[key] = value


def forget() -> None:
    """The request wrote: what it read before may be older than the data now."""
    kept = _KEPT.get()
    if kept:
        kept.clear()


@receiver(request_started)
def _begin(**kwargs):
    _KEPT.set({})


@receiver(request_finished)
def _end(**kwargs):
    _KEPT.set(None)
