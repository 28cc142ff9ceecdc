"""Truy vấn biên dịch sẵn: a query built and compiled once per process, run with each request's
own values.

Django builds a query from its conditions and compiles it to SQL every time it is asked: for one
unit's statistics, whose counting conditions number in the dozens, that took longer than the
database took to count. From one request to the next only a few values change (the period, the
unit, today), never the query's shape. So the query is built once with a stand-in for each of
those values, its SQL kept, and each request runs that SQL with its own values where the
stand-ins were.

What may change between requests is named in ``values``: dates, times, whole numbers and text.
Everything else that decides the query's shape (whether there is a unit, a sector block, whose
roles) belongs in the key; with no key the query is built and compiled each time. A query that
derives a new value from a given one (a day before the period's start) is refused when its plan
is made: the derived value must be given as a value of its own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet

# Stand-ins no query of the product holds as a constant: a date of 1901, a negative id, a marked
# text (no character a LIKE pattern escapes).
_EPOCH = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)
_FIRST_ID = -1_901_000_000
_MARK = "~stand-in-"


@dataclass(frozen=True)
class _Plan:
    sql: str
    # Per parameter of the SQL: the name of the value it takes, or None (a constant).
    names: tuple[str | None, ...]
    # Per parameter: the constant, or the LIKE pattern the value goes in (None: the value alone).
    fixed: tuple
    model: type
    vendor: str


_plans: dict[tuple, _Plan] = {}


def rows(key: tuple | None, make: Callable[..., QuerySet], **values) -> list[dict]:
    """The rows of ``make(**values)`` (a ``values()`` query) as dicts, as the database gives
    them: for counts, ids and text. Read where the router sends the query's model."""
    sql, params, using = statement(key, make, **values)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def statement(key: tuple | None, make: Callable[..., QuerySet], **values):
    """The SQL, its parameters and the database alias ``make(**values)`` would run with."""
    if key is None:
        qs = make(**values)
        sql, params = qs.query.get_compiler(qs.db).as_sql()
        return sql, tuple(params), qs.db
    plan_key = (*key, tuple(sorted(values)))
    plan = _plans.get(plan_key)
    using = router.db_for_read(plan.model) if plan is not None else None
    if plan is None or plan.vendor != connections[using].vendor:
        plan = _plans[plan_key] = _make_plan(make, values)
        using = router.db_for_read(plan.model)
    connection = connections[using]
    params = tuple(
        fixed if name is None else _adapt(values[name], connection, pattern=fixed)
        for name, fixed in zip(plan.names, plan.fixed, strict=True)
    )
    return plan.sql, params, using


def _stand_in(index: int, value):
    if isinstance(value, datetime.datetime):
        return _EPOCH + datetime.timedelta(hours=index + 1)
    if isinstance(value, datetime.date):
        return (_EPOCH + datetime.timedelta(days=index + 1)).date()
    if isinstance(value, int) and not isinstance(value, bool):
        return _FIRST_ID - index
    if isinstance(value, str):
        return f"{_MARK}{index}~"
    raise TypeError(f"A prepared query takes dates, times, whole numbers and text, not {value!r}")


def _adapt(value, connection, pattern=None):
    """The value as Django puts it among a query's parameters (in its LIKE pattern, if any)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    if pattern is not None:
        return pattern.replace(_IN_PATTERN, connection.ops.prep_for_like_query(value))
    return value


_IN_PATTERN = "\x00"  # where a LIKE pattern kept by a plan takes its escaped value


def _make_plan(make, values: dict) -> _Plan:
    stand_ins = {
        name: _stand_in(i, value) for i, (name, value) in enumerate(sorted(values.items()))
    }
    qs = make(**stand_ins)
    connection = connections[qs.db]
    sql, params = qs.query.get_compiler(qs.db).as_sql()
    given = {_adapt(stand_in, connection): name for name, stand_in in stand_ins.items()}
    texts = {stand_in: name for name, stand_in in stand_ins.items() if isinstance(stand_in, str)}
    names, fixed = [], []
    for param in params:
        name, pattern = given.get(param), None
        if name is None and isinstance(param, str):
            for stand_in, text_name in texts.items():
                if stand_in in param:  # a LIKE pattern: startswith, contains…
                    name, pattern = text_name, param.replace(stand_in, _IN_PATTERN)
        if name is None and _derived(param):
            raise ValueError(
                "A prepared query derived a value from a given one; give it as a value of its "
                f"own ({param!r} in {sql})"
            )
        names.append(name)
        fixed.append(param if name is None else pattern)
    return _Plan(sql, tuple(names), tuple(fixed), qs.model, connection.vendor)


def _derived(param) -> bool:
    """Whether a constant of the compiled query looks made from a stand-in."""
    if isinstance(param, datetime.date):
        return param.year == _EPOCH.year
    if isinstance(param, int) and not isinstance(param, bool):
        return param <= _FIRST_ID + 1000
    if isinstance(param, str):
        return _MARK in param or param.startswith(str(_EPOCH.year))
    return False
