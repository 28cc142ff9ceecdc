"""Figures computed once per change, shared by every process.

A summary over many tasks (a home page's table, a viewer's official figures, the board, the
dashboard) is kept in the cache under the *stamp* of the data it was computed from (``stamp``:
today's date, the newest change of any task and of any unit, the newest timeline step). Any
change anywhere gives a new stamp, so a figure is never older than the data; until then,
everyone asking for the same summary shares one computation. ``CHIDAO_BOARD_CACHE_SECONDS``
bounds how long one is kept (0: computed on every request).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max

from chidao.core import clock
from chidao.directives.models import Task, TaskEvent
from chidao.org.models import Unit


def stamp() -> str:
    """Three indexed MAX queries, and on PostgreSQL the current snapshot.

    The newest event's id as well as the newest change's time: ids only grow, whatever the
    clocks of several app servers say. But ids and times are given when a row is written, not
    when it commits: a step that began earlier and commits later moves neither. PostgreSQL's
    snapshot (the transactions still in progress) changes when it commits, so it is part of the
    stamp there; SQLite has one writer at a time, and commits come in the order of their ids.
    """
    tasks = Task.objects.aggregate(newest=Max("updated"))["newest"]
    units = Unit.objects.aggregate(newest=Max("updated"))["newest"]
    event = TaskEvent.objects.aggregate(newest=Max("pk"))["newest"]
    times = (f"{t.timestamp():.6f}" if t else "0" for t in (tasks, units))
    parts = [clock.today().isoformat(), *times, str(event or 0)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current_snapshot()::text")
            parts.append(cursor.fetchone()[0])
    return ":".join(parts)


def remember(fresh: str, key: str, compute: Callable):
    """``compute()`` once per stamp ``fresh`` for ``key``."""
    full = f"figures:{key}:{fresh}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, settings.CHIDAO_BOARD_CACHE_SECONDS)
    return value


def _sql(qs) -> str | None:
    """The query's SQL with its parameters: the key of its result. None when the query would
    match nothing without asking the database."""
    try:
        sql = str(qs.query)
    except EmptyResultSet:
        return None
    return hashlib.sha256(sql.encode()).hexdigest()


def count(fresh: str, qs) -> int:
    key = _sql(qs)
    return qs.count() if key is None else remember(fresh, f"count:{key}", qs.count)


def rows(fresh: str, qs) -> list:
    """The rows of a ``values()`` query (an aggregate by some key)."""
    key = _sql(qs)
    return list(qs) if key is None else remember(fresh, f"rows:{key}", lambda: list(qs))
