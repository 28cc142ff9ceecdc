"""Bảng điều hành: the leaders' statistics for any period and scope, all from the domain's rules.

Each figure comes with the task-list query that shows the tasks behind it, so every number on the
dashboard is a link to exactly those tasks. Each unit of the ranking also has its emulation score
(điểm thi đua), computed by the committee's ``ScoreRule`` from the figures beside it.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import CharField, Count, Exists, Func, OuterRef, Q, QuerySet, Value
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chidao.board.models import Score, ScoreRule
from chidao.core import clock, prepared, replica
from chidao.core.text import vi_sort_key
from chidao.directives import freshness
from chidao.directives.models import OPEN_STATES, DirectiveKind, EventKind, State, Task, TaskEvent
from chidao.directives.timeliness import (
    GROUP_TIMELINESS,
    Counts,
    Today,
    combinations,
    countable,
    counted,
    done_late_q,
    done_on_time_q,
    open_overdue_q,
    stale_q,
    subtree_scope_q,
    sum_each,
)
from chidao.org import names as org_names
from chidao.org import permissions
from chidao.org.models import SectorBlock, Unit

AGEING = [(1, 30), (31, 90), (91, 120), (121, None)]
# What the statistics group the counted tasks by, each in its own table (one pass for all).
GROUPINGS = ("lead_unit", "sector_block", "directive_kind", "directing_leader", "specialist")


class MonthOf(Func):
    """A date's month as "2026-11", in the engine's own SQL: Django's month truncation calls back
    into Python for every row on SQLite (0.1 s over a province's tasks)."""

    template = "to_char(%(expressions)s, 'YYYY-MM')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps a date as its ISO text.
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")


@dataclass
class Scope:
    """What the person asked to see: a period of assignment, a unit (with its subtree)."""

    start: datetime.date
    end: datetime.date
    unit: Unit | None = None
    sector_block: SectorBlock | None = None

    def list_params(self, **extra) -> str:
        params = {
            "assigned_from": f"{self.start:%d/%m/%Y}",
            "assigned_to": f"{self.end:%d/%m/%Y}",
        }
        if self.unit is not None:
            params["scope"] = self.unit.pk
        else:
            params["level"] = "top"
        if self.sector_block is not None:
            params["sector_block"] = self.sector_block.pk
        params.update(extra)
        return query_string(params)


def query_string(params: dict) -> str:
    """``urlencode(params, doseq=True)``, each pair encoded once per process: a province's
    dashboard links a thousand figures, made of a few dozen pairs."""
    pairs = (_pair(key, tuple(value) if isinstance(value, list) else value)
             for key, value in params.items())  # fmt: skip
    return "&".join(pair for pair in pairs if pair)


@functools.lru_cache(maxsize=4096)
def _pair(key: str, value) -> str:
    return urlencode({key: list(value) if isinstance(value, tuple) else value}, doseq=True)


@dataclass
class Figure:
    value: int
    link: str


@dataclass
class Row:
    label: str
    counts: Counts
    links: dict[str, str] = field(default_factory=dict)
    stale: int = 0
    # Urgings by a person (EventKind.URGED) in the period: events, not tasks, so never a link.
    urged: int = 0
    # Điểm thi đua (ranking rows only); a default, so dashboards cached before still load.
    score: Score | None = None


def tasks_in(person, scope: Scope):
    """The person's visible tasks the scope counts (``scope_q``). When one of the person's
    jurisdictions covers the whole scope, that is simply every task the scope counts: the
    cheaper filter."""
    base = Task.objects.all() if _covers(person, scope) else permissions.visible_tasks(person)
    return _scoped(base, **_scope_values(scope))


def _covers(person, scope: Scope) -> bool:
    return scope.unit is not None and (
        person is None  # the server's operator (a report made on the command line)
        or person.is_superuser
        or any(scope.unit.is_within(j.root) for j in permissions.jurisdictions(person))
    )


def _scope_values(scope: Scope) -> dict:
    values = {"start": scope.start, "end": scope.end}
    if scope.unit is not None:
        values["path"] = scope.unit.path
    if scope.sector_block is not None:
        values["block"] = scope.sector_block.pk
    return values


def _scoped(base, start, end, path=None, block=None, **_others):
    qs = countable(base).filter(subtree_scope_q(path), assigned_on__gte=start, assigned_on__lte=end)
    if block is not None:
        qs = qs.filter(sector_block=block)
    return qs


def rank(items: list, key, name) -> list:
    """Units ranked by ``Counts.ranking_rate`` (open overdue work counts against the unit),
    units with nothing judged yet last; equal rates: fewer overdue first, then more tasks, then
    the name in Vietnamese dictionary order."""

    def order(item):
        counts = key(item)
        rate = counts.ranking_rate
        return (rate is None, -(rate or 0), counts.open_overdue, -counts.total,
                vi_sort_key(name(item)))  # fmt: skip

    return sorted(items, key=order)


def group_links(scope: Scope, **extra) -> dict[str, str]:
    links = {group: scope.list_params(timeliness=values, **extra)
             for group, values in GROUP_TIMELINESS.items()}  # fmt: skip
    for name in ("after_extension", "after_late_extension"):
        links[f"done_on_time_{name}"] = scope.list_params(extended=name, **extra)
    links["stale"] = scope.list_params(stale="on", **extra)
    return links


def urgings_by_unit(tasks, scope: Scope) -> dict[int, int]:
    """Urgings by a person (đôn đốc, ``EventKind.URGED``) made within the period, on the tasks the
    scope counts, by lead unit: a number of events (one task urged twice counts twice).
    Automatic reminders are never ``URGED``, so they are not counted here."""
    return urgings_by(tasks, scope, "task__lead_unit")


def urgings_by(tasks, scope: Scope, key: str) -> dict:
    """The same urgings counted by ``key`` (a field of the event: ``task__specialist``…)."""
    start = clock.start_of(scope.start)
    end = clock.start_of(scope.end + datetime.timedelta(days=1))
    return {row[key]: row["n"] for row in _urgings(tasks, start, end, key)}


def _urgings(tasks, start: datetime.datetime, end: datetime.datetime, key: str):
    """Read from the urgings of the period (few among millions of events: the partial index on
    ``at``), each checked against the counted tasks. Asked as "the event's task among the
    counted ones" (``IN``), SQLite went the other way: every counted task's timeline, 0.4 s
    for a province."""
    return (
        TaskEvent.objects.filter(
            Exists(tasks.filter(pk=OuterRef("task_id"))),
            kind=EventKind.URGED,
            at__gte=start,
            at__lt=end,
        )
        .values(key)
        .annotate(n=Count("pk"))
        .order_by()
    )


@dataclass
class Dashboard:
    scope: Scope
    totals: Counts
    totals_stale: int
    totals_links: dict
    trend: list  # (month label, done_on_time, done_late, overdue, links)
    ranking: list[Row]
    ageing: list  # (label, count, link)
    by_block: list[Row]
    by_kind: list[Row]
    by_leader: list[Row] = field(default_factory=list)
    by_division: list[Row] = field(default_factory=list)
    by_specialist: list[Row] = field(default_factory=list)
    # The formula of the ranking's scores in words, with the weights in force.
    score_formula: str = ""
    score_scale: int = 100
    # Counted tasks whose deadline was corrected as an entry error (not extended), with the
    # list of exactly them; None on a dashboard cached before it was counted.
    deadline_corrected: Figure | None = None


def _ageing_windows(today: Today) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """Quá hạn theo số ngày: each window of days late (label, the latest and the earliest
    deadline in it; None: no earliest)."""
    windows = []
    for low, high in AGEING:
        latest = today.date - datetime.timedelta(days=low)
        earliest = today.date - datetime.timedelta(days=high) if high is not None else None
        label = f"{low}\u2013{high}" if high else f">{low - 1}"
        windows.append((label, latest, earliest))
    return windows


@dataclass
class _Counting:
    """What a dashboard's queries take: the tasks the person may see, and the values that change
    from one request to the next. For whoever's roles cover the scope (the tasks are then every
    task of the scope), each query is compiled once per process (``prepared``)."""

    base: QuerySet
    covered: bool
    values: dict

    @classmethod
    def of(cls, person, scope: Scope, today: Today) -> "_Counting":
        first_month = (scope.end.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
        values = _scope_values(scope) | {
            "today": today.date,
            "soon": today.due_soon_until,
            "stale_before": today.stale_before,
            "first_month": first_month,
            # Whole local days, as times: an index on ``at`` answers it.
            "urged_from": clock.start_of(scope.start),
            "urged_until": clock.start_of(scope.end + datetime.timedelta(days=1)),
        }
        for i, (_label, latest, earliest) in enumerate(_ageing_windows(today)):
            values[f"late_{i}"] = latest
            if earliest is not None:
                values[f"late_{i}_from"] = earliest
        covered = _covers(person, scope)
        base = Task.objects.all() if covered else permissions.visible_tasks(person)
        return cls(base, covered, values)

    def rows(self, query: Callable[..., QuerySet]) -> list[dict]:
        # The values' names are part of a plan's key: a unit, a sector block or neither.
        key = ("dashboard", query.__name__) if self.covered else None
        return prepared.rows(key, functools.partial(query, self.base), **self.values)

    @property
    def first_month(self) -> datetime.date:
        return self.values["first_month"]


def _today(values: dict) -> Today:
    return Today(values["today"], values["soon"], values["stale_before"])


def _groups_query(base, **values):
    """Every grouping's counts, with the figures beside them (not updated, the corrected
    deadlines), per combination of the groupings' values."""
    beside = {
        "stale": Count("pk", filter=stale_q(_today(values))),
        "deadline_corrected": Count(
            "pk", filter=Q(deadline_corrections__gt=0) & ~Q(state=State.SUSPENDED)
        ),
    }
    return combinations(_scoped(base, **values), GROUPINGS, values["today"], **beside)


def _overdue_now(values: dict) -> Q:
    return Q(state__in=OPEN_STATES) & open_overdue_q(values["today"])


def _ageing_query(base, **values):
    """The open overdue tasks by days late, in total: counted over them alone (a few in a
    hundred), not as four more conditions on every counted task's row. (One pass with the
    trend's made SQLite read every counted task: its province went from 0.4 s to 0.5.)"""
    windows = {}
    for i in range(len(AGEING)):
        window = Q(deadline__lte=values[f"late_{i}"])
        if f"late_{i}_from" in values:
            window &= Q(deadline__gte=values[f"late_{i}_from"])
        windows[f"window_{i}"] = Count("pk", filter=window)
    # One row for all (a constant groups nothing): a query whose SQL can be kept.
    return (counted(_scoped(base, **values)).filter(_overdue_now(values))
            .values(whole=Value(1)).annotate(**windows).order_by())  # fmt: skip


def _trend_query(base, **values):
    """By the month the deadline fell in, from the first month shown to the period's end."""
    return (
        _scoped(base, **values)
        .filter(deadline__gte=values["first_month"], deadline__lte=values["end"])
        .annotate(month=MonthOf("deadline"))
        .values("month")
        .annotate(
            done_on_time=Count("pk", filter=done_on_time_q()),
            done_late=Count("pk", filter=done_late_q()),
            overdue=Count("pk", filter=_overdue_now(values)),
        )
        .order_by()
    )


def _urgings_query(base, **values):
    return _urgings(_scoped(base, **values), values["urged_from"], values["urged_until"],
                    "task__lead_unit")  # fmt: skip


def score_rule(scope: Scope) -> ScoreRule:
    """The emulation score's rule for the scope: its unit's committee's own, else the default row,
    else the built-in weights; the whole tree (no unit) takes the default."""
    committee = scope.unit.committee if scope.unit is not None else None
    return ScoreRule.for_committee(committee)


def build(
    person, scope: Scope, today: Today | None = None, rule: ScoreRule | None = None
) -> Dashboard:
    today = today or Today.now()
    rule = rule or score_rule(scope)
    counting = _Counting.of(person, scope, today)
    # One pass for every grouping: every counted task is in exactly one unit's row, so each
    # total is the sum of the units' rows.
    groups = sum_each(counting.rows(_groups_query), GROUPINGS)
    aged = counting.rows(_ageing_query)[0]
    rows = groups["lead_unit"]
    totals = Counts.summed(rows)
    totals_stale = sum(r["stale"] for r in rows)

    # Trend: by the month the deadline fell in, the last twelve months up to the period's end.
    monthly = {row["month"]: row for row in counting.rows(_trend_query)}
    trend = []
    month = counting.first_month
    while month <= scope.end:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        row = monthly.get(f"{month:%Y-%m}", {})
        # The last month is counted up to the period's end (a reporting month ends on the
        # 14th): its links stop there too, so each figure opens exactly its tasks.
        last_day = min(following - datetime.timedelta(days=1), scope.end)
        window = {"deadline_from": f"{month:%d/%m/%Y}", "deadline_to": f"{last_day:%d/%m/%Y}"}
        trend.append((
            f"{month:%m/%Y}",
            row.get("done_on_time", 0),
            row.get("done_late", 0),
            row.get("overdue", 0),
            {g: scope.list_params(timeliness=GROUP_TIMELINESS[g], **window)
             for g in ("done_on_time", "done_late", "open_overdue")},
        ))  # fmt: skip
        month = following

    names = org_names.units(r["lead_unit"] for r in rows)
    # ``urgings_by_unit``, from a query kept compiled.
    urged = {row["task__lead_unit"]: row["n"] for row in counting.rows(_urgings_query)}
    ranking = rank(
        [Row(names.get(r["lead_unit"], ""), Counts.of(r), group_links(scope, unit=r["lead_unit"]),
             stale=r["stale"], urged=urged.get(r["lead_unit"], 0)) for r in rows],
        key=lambda row: row.counts, name=lambda row: row.label,
    )  # fmt: skip
    # Shown beside the on-time rate, not ranked by: the official ranking stays the rate's.
    for row in ranking:
        row.score = rule.score(row.counts, stale=row.stale, urged=row.urged)

    ageing = []
    for i, (label, latest, earliest) in enumerate(_ageing_windows(today)):
        extra = {"deadline_to": f"{latest:%d/%m/%Y}"}
        if earliest is not None:
            extra["deadline_from"] = f"{earliest:%d/%m/%Y}"
        ageing.append(
            (label, aged[f"window_{i}"], scope.list_params(timeliness="overdue", **extra))
        )

    blocks = org_names.sector_blocks()
    by_block = [
        Row(blocks.get(r["sector_block"], str(_("No sector block"))), Counts.of(r),
            group_links(scope, **({"sector_block": r["sector_block"]} if r["sector_block"]
                                  else {"no_block": "on"})), stale=r["stale"])
        for r in groups["sector_block"]
    ]  # fmt: skip
    by_kind = [
        Row(str(DirectiveKind(r["directive_kind"]).label), Counts.of(r),
            group_links(scope, kind=r["directive_kind"]), stale=r["stale"])
        for r in groups["directive_kind"]
    ]  # fmt: skip
    by_leader, by_division, by_specialist = by_people(
        groups["directing_leader"], groups["specialist"], scope
    )
    return Dashboard(
        scope=scope,
        totals=totals,
        totals_stale=totals_stale,
        totals_links=group_links(scope),
        trend=trend,
        ranking=ranking,
        ageing=ageing,
        by_block=sorted(by_block, key=lambda r: r.label),
        by_kind=sorted(by_kind, key=lambda r: -r.counts.total),
        by_leader=by_leader,
        by_division=by_division,
        by_specialist=by_specialist,
        score_formula=rule.formula(),
        score_scale=rule.scale,
        # Đính chính thời hạn: counted tasks (suspended ones apart, as in the total) whose
        # deadline was corrected as an entry error; the link opens exactly them.
        deadline_corrected=Figure(
            sum(r["deadline_corrected"] for r in rows),
            scope.list_params(extended="deadline_corrected", timeliness=GROUP_TIMELINESS["total"]),
        ),
    )


def _rows_by(
    rows: list[dict],
    key: str,
    names: dict,
    scope: Scope,
    filter_name: str,
    none_label: str,
    none_filter: str,
) -> list[Row]:
    """One row per value of ``key`` (a person or a division), in Vietnamese order of its name,
    the tasks without one last; each figure links to the list filtered the same way."""
    named = [
        Row(names.get(r[key], ""), Counts.of(r), group_links(scope, **{filter_name: r[key]}),
            stale=r["stale"])
        for r in rows if r[key] is not None
    ]  # fmt: skip
    named.sort(key=lambda row: vi_sort_key(row.label))
    named += [Row(none_label, Counts.of(r), group_links(scope, **{none_filter: "on"}),
                  stale=r["stale"]) for r in rows if r[key] is None]  # fmt: skip
    return named


def by_people(
    leaders: list[dict], specialists: list[dict], scope: Scope
) -> tuple[list, list, list]:
    """Theo lãnh đạo chỉ đạo, theo phòng, theo chuyên viên theo dõi: the official groups by
    directing leader, by Office division and by tracking specialist, from the groups by leader
    and by specialist (``counts_by_each``). Every counted task is in exactly one row of each
    table (a specialist counts in one division: ``org.divisions``), so each table adds up to
    the totals."""
    names = org_names.people(
        {r["directing_leader"] for r in leaders} | {r["specialist"] for r in specialists}
    )
    division_of = org_names.divisions_of(r["specialist"] for r in specialists)
    summed: dict = {}
    for r in specialists:
        division = division_of.get(r["specialist"])
        summed.setdefault(division, []).append(r)
    division_rows = []
    for division, parts in summed.items():
        row = {name: sum(part[name] for part in parts) for name in (*Counts.__dataclass_fields__,
               "stale")}  # fmt: skip
        division_rows.append(row | {"division": division})
    division_names = org_names.units(summed)
    return (
        _rows_by(leaders, "directing_leader", names, scope, "leader",
                 str(_("No directing leader")), "no_leader"),
        _rows_by(division_rows, "division", division_names, scope, "division",
                 str(_("Not followed by a division")), "no_division"),
        _rows_by(specialists, "specialist", names, scope, "specialist",
                 str(_("No tracking specialist")), "no_specialist"),
    )  # fmt: skip


def cached_build(person, scope: Scope, draw: Callable[[Dashboard], str]) -> tuple[Dashboard, str]:
    """The same dashboard asked again (a projector left on, a page reloaded) is served from the
    cache until a task changes, the score's rule changes or the day turns; the key includes who
    asks, since what one sees depends on one's roles, and the language of the words in it. Its
    markup (``draw``) is kept with it: it depends on the figures and the language alone."""
    # What the person may see now (their active roles): a role ended must not be answered
    # from a cache built before. The tree's changes are in the stamp.
    rights = ",".join(
        sorted(f"{j.role}@{j.root.pk}" for j in permissions.jurisdictions(person))
    ) + ("!" if person.is_superuser else "")
    rule = score_rule(scope)
    key = "dashboard:2:" + ":".join(  # 2: figures kept with their markup
        str(part)
        for part in (
            person.pk,
            rights,
            scope.start,
            scope.end,
            scope.unit.pk if scope.unit else "-",
            scope.sector_block.pk if scope.sector_block else "-",
            freshness.stamp(),
            rule.version,
            translation.get_language(),
        )
    )
    kept = cache.get(key)
    if kept is None:
        board = build(person, scope, rule=rule)
        kept = (board, draw(board))
        cache.set(key, kept, replica.keep_seconds())
    return kept
