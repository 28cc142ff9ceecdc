"""Đọc từ bản sao: the heavy readers (statistics, exports, reports) on a read replica.

With ``DATABASE_REPLICA_URL`` set, the dashboard and the exports read inside ``reads_for`` from
the ``replica`` database; everything else, and every write, goes to ``default``. A replica lags its
primary a little, so whoever has just acted reads from the primary for
``CHIDAO_REPLICA_LAG_SECONDS`` (a cookie set on the answer to any change they make): the person
who closed a task never sees a dashboard without it. Others may see it a moment later.
"""

import contextlib
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
WROTE_COOKIE = "chidao_wrote"
_reading_from_replica = ContextVar("reading_from_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def keep_seconds() -> int:
    """How long a summary computed now may be kept. The stamp it is kept under is read from
    the primary; a replica may not have caught up with it yet, so what is read from one is
    kept no longer than the replica may lag."""
    seconds = settings.CHIDAO_BOARD_CACHE_SECONDS
    if _reading_from_replica.get():
        return min(seconds, settings.CHIDAO_REPLICA_LAG_SECONDS)
    return seconds


@contextlib.contextmanager
def reading_from_replica():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


@contextlib.contextmanager
def reading_from_primary():
    """The reads inside on the primary, even within ``reading_from_replica``: what is kept under
    a version read on the primary (a person's roles) is read there too."""
    token = _reading_from_replica.set(False)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


@contextlib.contextmanager
def reads_for(request):
    """The reads inside on the replica, unless the person has just written. Who the person is
    and what they may see is read before, on the primary: a role just ended is not still
    honoured because the replica lags."""
    if not configured() or WROTE_COOKIE in request.COOKIES:
        yield
        return
    with reading_from_replica():
        yield


class ReplicaRouter:
    """Reads on the replica only inside ``reading_from_replica``; writes and migrations always
    on the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadYourWritesMiddleware:
    """Marks whoever changed something, so their next reads stay on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and configured():
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.CHIDAO_REPLICA_LAG_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
