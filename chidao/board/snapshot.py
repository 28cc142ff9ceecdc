"""What a screen shows, computed once per short interval (or per change) for all its screens.

Every number comes from the domain's own counting rules (``chidao.directives.timeliness``), so
the board, the dashboard and the statistics can never disagree. Nothing personal is shown: no
names of people, only units and the tasks' own words; a confidential directive's tasks count in
the numbers (so the headline equals the dashboard's) but are never listed.
"""

import hashlib
import json
import zoneinfo
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from chidao.core import clock
from chidao.directives import freshness
from chidao.directives.models import OPEN_STATES, Task
from chidao.directives.timeliness import (
    Counts,
    Today,
    countable,
    counted,
    counts_by,
    due_soon_q,
    open_overdue_q,
    scope_q,
    stale_q,
)
from chidao.org.models import Unit

# Every listed item goes to the screen, which pages through them by the room it has (board.js);
# these caps bound what one answer carries.
OVERDUE_ITEMS = 300
DUE_SOON_ITEMS = 100


@dataclass(frozen=True)
class Item:
    content: str
    unit: str
    deadline: str  # dd/mm/yyyy
    days: int  # days overdue, or working days left


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    total: int
    done_on_time: int
    done_late: int
    open_within: int
    open_overdue: int
    due_soon: int
    stale: int


@dataclass(frozen=True)
class Snapshot:
    title: str
    generated_at: str  # ISO, local time
    counts: Counts
    units: list[UnitRow]
    overdue: list[Item]
    due_soon: list[Item]
    etag: str


def board_tasks(committee: Unit, sector_block=None):
    """The tasks a committee's board counts: those its scope counts (``scope_q``), the
    confidential ones included in the numbers; their content is never listed."""
    qs = countable(Task.objects.filter(scope_q(committee)))
    if sector_block is not None:
        qs = qs.filter(sector_block=sector_block)
    return qs


def compute(committee: Unit, sector_block=None) -> Snapshot:
    today = Today.now()
    tasks = board_tasks(committee, sector_block)
    extra = {"due_soon": Count("pk", filter=due_soon_q(today)),
             "stale": Count("pk", filter=stale_q(today))}  # fmt: skip
    rows = list(counts_by(tasks, "lead_unit", today.date, **extra))
    counts = Counts.summed(rows)  # one pass over the tasks, not two
    listed = counted(tasks).filter(directive__is_confidential=False)
    names = dict(
        Unit.objects.filter(pk__in=[r["lead_unit"] for r in rows]).values_list("pk", "name")
    )
    units = sorted(
        (UnitRow(unit_id=r["lead_unit"], name=names.get(r["lead_unit"], ""), **{
            k: r[k] for k in ("total", "done_on_time", "done_late", "open_within",
                              "open_overdue", "due_soon", "stale")
        }) for r in rows),
        key=lambda row: (-row.open_overdue, -row.due_soon, row.name),
    )  # fmt: skip
    overdue = [
        Item(t.content, t.lead_unit.name, f"{t.deadline:%d/%m/%Y}", (today.date - t.deadline).days)
        for t in listed.filter(Q(state__in=OPEN_STATES) & open_overdue_q(today.date))
        .select_related("lead_unit")
        .order_by("order_group", "deadline", "pk")[:OVERDUE_ITEMS]  # all open: by deadline
    ]
    soon = [
        Item(t.content, t.lead_unit.name, f"{t.deadline:%d/%m/%Y}", (t.deadline - today.date).days)
        for t in listed.filter(due_soon_q(today))
        .select_related("lead_unit")
        .order_by("order_group", "deadline", "pk")[:DUE_SOON_ITEMS]
    ]
    title = committee.name + (f" — {sector_block.name}" if sector_block else "")
    body = {"counts": asdict(counts), "units": [asdict(u) for u in units],
            "overdue": [asdict(i) for i in overdue], "soon": [asdict(i) for i in soon],
            "today": today.date.isoformat(), "title": title}  # fmt: skip
    etag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    return Snapshot(
        title=title,
        # The committee's time zone, never the server's own (``astimezone()`` would give that).
        generated_at=timezone.localtime(
            clock.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE)
        ).isoformat(),
        counts=counts,
        units=units,
        overdue=overdue,
        due_soon=soon,
        etag=etag,
    )


def get(committee: Unit, sector_block=None) -> Snapshot:
    """The shared snapshot, recomputed only when a task changed or the day turned.

    The key carries the stamp of the data (``freshness``: today, the newest change), so a
    change anywhere shows at the next poll, in every process, with or without a shared cache;
    all screens of the same scope share one computation. It holds no translated word (the
    views render it in each screen's language, and their ETag names the language).
    """
    key = f"board:{committee.pk}:{sector_block.pk if sector_block else '-'}:{freshness.stamp()}"
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = compute(committee, sector_block)
        cache.set(key, snapshot, settings.CHIDAO_BOARD_CACHE_SECONDS)
    return snapshot
