"""Figures computed once per change, shared by every process.

A summary over many tasks (a home page's table, a viewer's official figures, the board, the
dashboard) is kept in the cache under the *stamp* of the data it was computed from (``stamp``:
today's date, the newest change of any task and of any unit, the newest timeline step, the
version of the roles and the calendar, and on PostgreSQL the change counter). Any change
anywhere gives a new stamp, so a figure is never older than the data; until then, everyone
asking for the same summary shares one computation.
``CHIDAO_BOARD_CACHE_SECONDS`` bounds how long one is kept (0: computed on every request).
"""

import hashlib
import logging
import re
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from chidao.core import clock, per_request, replica
from chidao.directives.models import Task, TaskEvent
from chidao.org import version
from chidao.org.models import Unit

logger = logging.getLogger(__name__)

CHANGES = "chidao_changes"  # the change counter's sequence (PostgreSQL)
PRIMARY = "default"
STAMP_KEY = "freshness-stamp"  # the stamp's name in ``per_request``


def stamp() -> str:
    """Three indexed maxima, the version of the roles and the calendar, and on PostgreSQL the
    change counter, in one query on the primary; once per request (``core.per_request``).

    The newest event's id as well as the newest change's time: ids only grow, whatever the
    clocks of several app servers say. But ids and times are given when a row is written, not
    when it commits: a step that began earlier and commits later moves neither. On PostgreSQL
    the counter moves after every commit that wrote to the tables figures come from
    (``count_changes``); SQLite has one writer at a time, and commits come in the order of
    their ids. What is computed from a replica is kept no longer than it may lag
    (``replica.keep_seconds``).

    The version of the roles and the calendar is in it because the figures depend on the
    calendar too (what is due soon, what is not updated), and because nearly every request
    needs that version as well: read here, it costs the request no query of its own.
    """
    return per_request.read(STAMP_KEY, _read_stamp)


def _read_stamp() -> str:
    primary = connections[PRIMARY]
    task, unit, event = (model._meta.db_table for model in (Task, Unit, TaskEvent))
    # Table and column names come from the models, never from input.
    maxima = [("MAX(updated)", task), ("MAX(updated)", unit), ("MAX(id)", event)]
    if primary.vendor == "postgresql":
        maxima.append(("last_value || is_called::text", CHANGES))
    maxima.append(("token", version.TABLE))
    sql = "SELECT " + ", ".join(f"(SELECT {what} FROM {table})" for what, table in maxima)  # noqa: S608
    with primary.cursor() as cursor:
        cursor.execute(sql)
        newest = cursor.fetchone()
    per_request.put(version.KEY, newest[-1])
    # Each value as the database returns it (any change gives another string), digested into
    # what a cache key may hold.
    seen = ":".join(str(value or 0) for value in newest)
    return f"{clock.today().isoformat()}:{hashlib.sha256(seen.encode()).hexdigest()[:32]}"


def remember(fresh: str, key: str, compute: Callable):
    """``compute()`` once per stamp ``fresh`` for ``key``."""
    full = f"figures:{key}:{fresh}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, replica.keep_seconds())
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


def of_tasks(fresh: str, what: str, ids, compute: Callable):
    """``compute()`` once per stamp for the tasks the query ``ids`` picks (their ids, in order):
    keyed by ``what`` (what ``compute`` makes of them: a count, a page with these columns) and
    by ``ids``' SQL, which holds the conditions, the order and the slice but one column, so it
    compiles in a third of the time the full query takes."""
    key = _sql(ids)
    if key is None:
        return compute()
    digest = hashlib.sha256(f"{what}\n{key}".encode()).hexdigest()
    return remember(fresh, f"tasks:{digest}", compute)


def shelf(fresh: str, qs, fields: tuple[str, ...], limit: int) -> tuple[int, list]:
    """How many tasks ``qs`` holds and its first ``limit`` (with ``fields``: a related name's
    too), computed together once per stamp: both come from the same data, so they are exactly
    as fresh as each other."""
    related = sorted({name.split("__")[0] for name in fields if "__" in name})

    def compute():
        return qs.count(), list(qs.select_related(*related).only(*fields)[:limit])

    return of_tasks(fresh, f"shelf:{limit}:{','.join(fields)}", qs.values("pk"), compute)


def token_stand_in() -> str:
    """What kept markup holds where a form's token goes: each browser has its own token, which
    ``with_token`` (``directives/templatetags/kept.py``) puts in its place when the page is
    drawn. Derived from the secret key, so no text a person writes can hold it."""
    return salted_hmac("chidao.freshness.token_stand_in", "form token").hexdigest()


def drawn(fresh: str, what: str, ids, draw: Callable):
    """``draw()`` (markup, alone or with a count) once per stamp and language for the tasks the
    query ``ids`` picks. What the lines of a list or a shelf print depends on those tasks, on
    the day (in the stamp) and on the language alone, never on who reads them, so their markup
    is kept with them. A form in it holds ``token_stand_in()`` for its token: a form's token
    belongs to one browser."""
    return of_tasks(fresh, f"drawn:{get_language()}:{what}", ids, draw)


class OnDemand(Sequence):
    """A list read the first time it is used: a page whose lines come as kept markup does not
    make the objects behind them, unless someone asks for them."""

    def __init__(self, load: Callable[[], list]):
        self._load, self._items = load, None

    @property
    def items(self) -> list:
        if self._items is None:
            self._items = list(self._load())
        return self._items

    def __getitem__(self, index):
        return self.items[index]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def rows(fresh: str, qs) -> list:
    """The rows of a ``values()`` query (an aggregate by some key)."""
    key = _sql(qs)
    return list(qs) if key is None else remember(fresh, f"rows:{key}", lambda: list(qs))


# --- The change counter (PostgreSQL) --------------------------------------------------------------
# A sequence moved once after each committed transaction that wrote to the tables figures are
# counted from. Moved after the commit, never before, so whoever reads the new value also sees
# the data; and only by writes to these tables, so other work on the server keeps the caches.
# Writes that do not pass through the product (psql, COPY, a restore) are seen through the
# maxima, or once the summaries expire (``CHIDAO_BOARD_CACHE_SECONDS``).
_FIGURE_WRITE = re.compile(
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:"?\w+"?\.)?"?'
    r"(?:directives|org|workdays)_",
    re.IGNORECASE,
)
# Signing in writes the person's last login and their units' last sign-in (``org.activity``),
# which no cached figure reads.
_SIGN_IN_WRITES = (
    'UPDATE "org_person" SET "last_login" = %s WHERE',
    'UPDATE "org_unit" SET "last_sign_in_at" = %s WHERE',
)


def create_counter(using: str = PRIMARY, **kwargs) -> None:
    """The sequence, if it is not there yet: by the migration, and after every ``migrate``
    (``post_migrate``) for a database built from the models alone (the test suite's)."""
    with connections[using].cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {CHANGES}")


@receiver(connection_created)
def count_changes(sender, connection, **kwargs):
    """Every connection notes its writes (an execute wrapper: the ORM's, the admin's and raw
    SQL's alike): what the request read once is read again after them, and on PostgreSQL the
    change counter moves after their commit."""
    if _note_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_note_write)


def writes_figures(sql: str) -> bool:
    """Whether a statement writes to the tables figures are counted from."""
    if sql.lstrip()[:6].upper() == "SELECT" or sql.startswith(_SIGN_IN_WRITES):
        return False
    return _FIGURE_WRITE.search(sql) is not None


def _note_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_figures(sql):
        per_request.forget()
        wrapper = context["connection"]
        if wrapper.vendor != "postgresql":
            return result  # SQLite has no counter: its writers commit one at a time
        wrapper.chidao_changed = True
        if wrapper.in_atomic_block:
            wrapper.on_commit(lambda: _move_counter(wrapper), robust=True)
        elif wrapper.get_autocommit():
            _move_counter(wrapper)
        # A transaction managed by hand (set_autocommit(False), then commit()) is not the
        # product's way and offers no hook after its commit: it is seen through the maxima.
    return result


def _move_counter(wrapper) -> None:
    """Once per commit, however many writes it held. The write has committed already: a counter
    that cannot move is logged, never turned into the writer's error."""
    if not getattr(wrapper, "chidao_changed", False):
        return
    wrapper.chidao_changed = False
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [CHANGES])
    except DatabaseError:
        logger.exception("The change counter %s did not move", CHANGES)
