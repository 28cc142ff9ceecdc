"""A query compiled once per process runs with each request's values exactly as Django would
have compiled it with them, or is refused when its plan is made."""

import datetime

import pytest
from django.db.models import Count, Q

from chidao.core import prepared
from chidao.directives.models import Task, TaskEvent
from chidao.directives.tests.conftest import task  # noqa: F401 (the shared task fixture)
from chidao.org.models import Unit

D = datetime.date
UTC = datetime.UTC


def _compiled(make, **values):
    qs = make(**values)
    sql, params = qs.query.get_compiler(qs.db).as_sql()
    return sql, tuple(params), qs.db


def _tasks(path, start, end, unit, since, **_others):
    """Every kind of value a prepared query takes: a LIKE pattern, dates, a time, an id."""
    inside = Unit.objects.filter(path__startswith=path).values("pk")
    return (
        Task.objects.filter(
            Q(lead_unit__in=inside) | Q(assigner_unit=unit),
            assigned_on__gte=start,
            assigned_on__lte=end,
            last_update_at__gte=since,
        )
        .values("lead_unit")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=end)))
        .order_by()
    )


def _values(org, **changed):
    return {
        "path": org.finance.path,
        "start": D(2026, 1, 1),
        "end": D(2026, 3, 31),
        "unit": org.health.pk,
        "since": datetime.datetime(2026, 2, 1, 17, tzinfo=UTC),
    } | changed


@pytest.mark.django_db
def test_the_kept_sql_takes_each_requests_values_as_django_would(org):
    key = ("test", "tasks")
    first = _values(org)
    assert prepared.statement(key, _tasks, **first) == _compiled(_tasks, **first)
    for changed in (
        {"path": org.province.path, "unit": org.finance.pk},
        {"start": D(2025, 12, 31), "end": D(2025, 12, 31)},  # equal values stay apart
        {"since": datetime.datetime(2027, 1, 1, tzinfo=UTC)},
        # Characters a LIKE pattern escapes are escaped as Django escapes them.
        {"path": "/1/50%_\\/"},
    ):
        values = _values(org, **changed)
        assert prepared.statement(key, _tasks, **values) == _compiled(_tasks, **values)


@pytest.mark.django_db
@pytest.mark.usefixtures("task")  # one task of Sở Tài chính
def test_the_rows_are_the_orms(org):
    since = datetime.datetime(2000, 1, 1, tzinfo=UTC)
    values = _values(org, start=D(2000, 1, 1), end=D(2100, 1, 1), since=since)
    orm = list(_tasks(**values))
    assert [row["lead_unit"] for row in orm] == [org.finance.pk]  # the check compares something
    assert prepared.rows(("test", "rows"), _tasks, **values) == orm
    for other in ({"path": org.health.path}, {"end": D(2000, 1, 2)}):
        assert prepared.rows(("test", "rows"), _tasks, **values | other) == []
    assert prepared.rows(("test", "rows"), _tasks, **values) == orm


@pytest.mark.django_db
def test_a_value_derived_from_a_given_one_is_refused():
    def before_the_start(start):
        return Task.objects.filter(assigned_on__gte=start - datetime.timedelta(days=1)).values("pk")

    with pytest.raises(ValueError, match="derived a value"):
        prepared.statement(("test", "derived"), before_the_start, start=D(2026, 1, 1))


@pytest.mark.django_db
def test_only_dates_times_numbers_and_text_are_taken():
    def confidential(flag):
        return Task.objects.filter(is_confidential=flag).values("pk")

    with pytest.raises(TypeError):
        prepared.statement(("test", "flag"), confidential, flag=True)


@pytest.mark.django_db
def test_without_a_key_the_query_is_compiled_each_time(org):
    values = _values(org)
    assert prepared.statement(None, _tasks, **values) == _compiled(_tasks, **values)


@pytest.mark.django_db
def test_a_plan_is_made_once_per_shape(org):
    def urged(start):
        return TaskEvent.objects.filter(at__gte=start).values("kind").annotate(n=Count("pk"))

    calls = []

    def counted(start):
        calls.append(start)
        return urged(start)

    for day in (1, 2, 3):
        start = datetime.datetime(2026, 3, day, tzinfo=UTC)
        assert prepared.statement(("test", "once"), counted, start=start) == _compiled(
            urged, start=start
        )
    assert len(calls) == 1
