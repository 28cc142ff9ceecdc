"""Bảng điều hành: the leaders' statistics for any period and scope, all from the domain's rules.

Each figure comes with the task-list query that shows the tasks behind it, so every number on the
dashboard is a link to exactly those tasks.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives.models import OPEN_STATES, DirectiveKind, Task
from chidao.directives.timeliness import (
    Counts,
    Today,
    countable,
    counting_groups,
    counts_by,
    done_late_q,
    done_on_time_q,
    open_overdue_q,
)
from chidao.org import permissions
from chidao.org.models import SectorBlock, Unit

# Counting group -> the list's timeliness filter values that make it up.
GROUP_FILTERS = {
    "done_on_time": ["done_on_time"],
    "done_late": ["done_late"],
    "open_within": ["not_due", "due_soon", "no_deadline"],
    "open_overdue": ["overdue"],
}
AGEING = [(1, 30), (31, 90), (91, 120), (121, None)]


@dataclass
class Scope:
    """What the person asked to see: a period of assignment, a unit (with its subtree)."""

    start: datetime.date
    end: datetime.date
    unit: Unit | None = None
    sector_block: SectorBlock | None = None

    def list_params(self, **extra) -> str:
        params = {
            "level": "top",
            "assigned_from": f"{self.start:%d/%m/%Y}",
            "assigned_to": f"{self.end:%d/%m/%Y}",
        }
        if self.unit is not None:
            params.update(unit=self.unit.pk, subunits="on")
        if self.sector_block is not None:
            params["sector_block"] = self.sector_block.pk
        params.update(extra)
        return urlencode(params, doseq=True)


@dataclass
class Figure:
    value: int
    link: str


@dataclass
class Row:
    label: str
    counts: Counts
    links: dict[str, str] = field(default_factory=dict)


def tasks_in(person, scope: Scope):
    """The person's visible tasks led inside the scope. When one of the person's jurisdictions
    covers the whole scope, that is simply every task led inside it: the cheaper filter."""
    covered = scope.unit is not None and (
        person.is_superuser
        or any(scope.unit.is_within(j.root) for j in permissions.jurisdictions(person))
    )
    base = Task.objects.all() if covered else permissions.visible_tasks(person)
    qs = countable(base).filter(
        parent__isnull=True, assigned_on__gte=scope.start, assigned_on__lte=scope.end
    )
    if scope.unit is not None:
        qs = qs.filter(lead_unit__path__startswith=scope.unit.path)
    if scope.sector_block is not None:
        qs = qs.filter(sector_block=scope.sector_block)
    return qs


def group_links(scope: Scope, **extra) -> dict[str, str]:
    links = {group: scope.list_params(timeliness=values, **extra)
             for group, values in GROUP_FILTERS.items()}  # fmt: skip
    links["total"] = scope.list_params(**extra)
    return links


@dataclass
class Dashboard:
    scope: Scope
    totals: Counts
    totals_links: dict
    trend: list  # (month label, done_on_time, done_late, overdue, links)
    ranking: list[Row]
    ageing: list  # (label, count, link)
    by_block: list[Row]
    by_kind: list[Row]


def build(person, scope: Scope, today: Today | None = None) -> Dashboard:
    today = today or Today.now()
    tasks = tasks_in(person, scope)
    totals = counting_groups(tasks, today.date)

    # Trend: by the month the deadline fell in, the last twelve months up to the period's end.
    first_month = (scope.end.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    monthly = {
        row["month"]: row
        for row in tasks.filter(deadline__gte=first_month, deadline__lte=scope.end)
        .annotate(month=TruncMonth("deadline"))
        .values("month")
        .annotate(
            done_on_time=Count("pk", filter=done_on_time_q()),
            done_late=Count("pk", filter=done_late_q()),
            overdue=Count("pk", filter=Q(state__in=OPEN_STATES) & open_overdue_q(today.date)),
        )
        .order_by()
    }
    trend = []
    month = first_month
    while month <= scope.end:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        row = monthly.get(month) or monthly.get(
            datetime.datetime.combine(month, datetime.time()), {}
        )
        window = {
            "deadline_from": f"{month:%d/%m/%Y}",
            "deadline_to": f"{following - datetime.timedelta(days=1):%d/%m/%Y}",
        }
        trend.append((
            f"{month:%m/%Y}",
            row.get("done_on_time", 0),
            row.get("done_late", 0),
            row.get("overdue", 0),
            {g: scope.list_params(timeliness=GROUP_FILTERS[g], **window)
             for g in ("done_on_time", "done_late", "open_overdue")},
        ))  # fmt: skip
        month = following

    # Units ranked by their on-time rate among completed tasks.
    rows = list(counts_by(tasks, "lead_unit", today.date))
    names = dict(
        Unit.objects.filter(pk__in=[r["lead_unit"] for r in rows]).values_list("pk", "name")
    )
    ranking = [
        Row(names.get(r["lead_unit"], ""), Counts.of(r), group_links(scope, unit=r["lead_unit"]))
        for r in rows
    ]
    ranking.sort(key=lambda row: (-row.counts.on_time_rate, -row.counts.done, row.label))

    ageing = []
    for low, high in AGEING:
        latest = today.date - datetime.timedelta(days=low)
        window = Q(deadline__lte=latest)
        extra = {"deadline_to": f"{latest:%d/%m/%Y}"}
        if high is not None:
            earliest = today.date - datetime.timedelta(days=high)
            window &= Q(deadline__gte=earliest)
            extra["deadline_from"] = f"{earliest:%d/%m/%Y}"
        count = tasks.filter(Q(state__in=OPEN_STATES) & open_overdue_q(today.date) & window).count()
        label = f"{low}\u2013{high}" if high else f">{low - 1}"
        ageing.append((label, count, scope.list_params(timeliness="overdue", **extra)))

    blocks = dict(SectorBlock.objects.values_list("pk", "name"))
    by_block = [
        Row(blocks.get(r["sector_block"], str(_("No sector block"))), Counts.of(r),
            group_links(scope, **({"sector_block": r["sector_block"]} if r["sector_block"]
                                  else {"no_block": "on"})))
        for r in counts_by(tasks, "sector_block", today.date)
    ]  # fmt: skip
    by_kind = [
        Row(str(DirectiveKind(r["directive__kind"]).label), Counts.of(r),
            group_links(scope, kind=r["directive__kind"]))
        for r in counts_by(tasks, "directive__kind", today.date)
    ]  # fmt: skip
    return Dashboard(
        scope=scope,
        totals=totals,
        totals_links=group_links(scope),
        trend=trend,
        ranking=ranking,
        ageing=ageing,
        by_block=sorted(by_block, key=lambda r: r.label),
        by_kind=sorted(by_kind, key=lambda r: -r.counts.total),
    )


def cached_build(person, scope: Scope) -> Dashboard:
    """The same dashboard asked again (a projector left on, a page reloaded) is served from the
    cache until a task changes or the day turns; the key includes who asks, since what one sees
    depends on one's roles."""
    newest = Task.objects.aggregate(newest=Max("updated"))["newest"]
    units_changed = Unit.objects.aggregate(newest=Max("updated"))["newest"]
    # What the person may see now (their active roles), and the tree as it is now: a role
    # ended or a unit moved must not be answered from a cache built before.
    rights = ",".join(
        sorted(f"{j.role}@{j.root.pk}" for j in permissions.jurisdictions(person))
    ) + ("!" if person.is_superuser else "")
    key = "dashboard:" + ":".join(
        str(part)
        for part in (
            person.pk,
            rights,
            units_changed.timestamp() if units_changed else 0,
            scope.start,
            scope.end,
            scope.unit.pk if scope.unit else "-",
            scope.sector_block.pk if scope.sector_block else "-",
            clock.today(),
            newest.timestamp() if newest else 0,
        )
    )
    board = cache.get(key)
    if board is None:
        board = build(person, scope)
        cache.set(key, board, settings.CHIDAO_BOARD_CACHE_SECONDS)
    return board
