"""Trang chủ theo vai trò: "what needs me today?" for each role, in a fixed number of queries.

Each panel is a few short lists (at most ``LIMIT`` rows, most urgent first) and tables counted in
the database, so a home page costs the same with ten tasks or ten thousand. Every number carries
the task-list query that shows exactly its tasks (``more``/``link``): the number and the list are
built from the same filter of the counting module (``chidao.directives.timeliness``).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from chidao.directives.models import (
    OPEN_STATES,
    Decision,
    Difficulty,
    Extension,
    Level,
    State,
    Task,
)
from chidao.directives.timeliness import (
    GROUP_TIMELINESS,
    WORKING_STATES,
    Timeliness,
    Today,
    colour_of,
    countable,
    counting_aggregates,
    returned_q,
    scope_q,
    stale_q,
    timeliness_of,
    timeliness_q,
)
from chidao.org.models import FollowAssignment, Membership, Role, SectorBlock, Unit
from chidao.org.permissions import UNIT_ROLES, jurisdictions

LIMIT = 8
OFFICE_TABLE_ROWS = 15
DEADLINE = F("deadline").asc(nulls_last=True)
OVERDUE = Timeliness.OVERDUE
DUE_SOON = Timeliness.DUE_SOON


def query(**params) -> str:
    """A task-list query string; list values repeat the parameter."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


@dataclass
class Shelf:
    """One list on a home page: a title, how many there are, the first few, and the list query
    that shows all of them."""

    key: str
    title: str
    count: int
    rows: list
    more: str


@dataclass
class Cell:
    """A number in a table and the list query of exactly its tasks ("" when not a task count)."""

    value: int
    link: str = ""


@dataclass
class Table:
    caption: str
    columns: list
    rows: list = field(default_factory=list)  # (label, label link, [Cell])


@dataclass
class Panel:
    key: str
    title: str
    shelves: list[Shelf] = field(default_factory=list)
    table: Table | None = None
    figures: list = field(default_factory=list)  # (label, Cell): counts shown as a line


def _shelf(key, title, qs, params: dict, today: Today, order=(DEADLINE, "pk")) -> Shelf:
    qs = qs.order_by(*order)
    tasks = qs.select_related("lead_unit", "directive")[:LIMIT]
    rows = [(t, timeliness_of(t, today), colour_of(t, today)) for t in tasks]
    return Shelf(key, title, qs.count(), rows, query(**params))


def panels(person) -> list[Panel]:
    today = Today.now()
    seats = jurisdictions(person)
    result = [unit_panel(j.seat, today) for j in seats if j.role in UNIT_ROLES]
    if any(j.role == Role.SPECIALIST for j in seats):
        result.append(specialist_panel(person, today))
    result += [division_panel(j.seat, today) for j in seats if j.role == Role.DIVISION_HEAD]
    result += [office_panel(j.root, today) for j in seats if j.role == Role.OFFICE_LEADER]
    if any(j.role == Role.COMMITTEE_LEADER for j in seats):
        result.append(leader_panel(person, today))
    return _unique(result)


def _unique(result: list[Panel]) -> list[Panel]:
    """One panel per unit even when a person holds two roles in it."""
    seen, unique = set(), []
    for panel in result:
        if panel.key not in seen:
            seen.add(panel.key)
            unique.append(panel)
    return unique


def _tasks(**lookups):
    return countable(Task.objects.filter(**lookups))


def unit_panel(unit: Unit, today: Today) -> Panel:
    """What the unit must do: one panel per unit the person works in."""
    tasks = _tasks(lead_unit=unit)
    at = {"unit": unit.pk}
    return Panel(
        f"unit-{unit.pk}",
        _("Tasks of %(unit)s") % {"unit": unit.name},
        [
            _shelf("unreceived", _("Not yet received"), tasks.filter(state=State.ASSIGNED),
                   at | {"state": State.ASSIGNED}, today),
            _shelf("returned", _("Returned to us"), tasks.filter(returned_q()),
                   at | {"returned": "on"}, today),
            _shelf("overdue", _("Overdue"), tasks.filter(timeliness_q(OVERDUE, today)),
                   at | {"timeliness": OVERDUE}, today),
            _shelf("due_soon", _("Due soon"), tasks.filter(timeliness_q(DUE_SOON, today)),
                   at | {"timeliness": DUE_SOON}, today),
            _shelf("to_report", _("Awaiting our report"), tasks.filter(state__in=WORKING_STATES),
                   at | {"state": list(WORKING_STATES)}, today),
        ],
    )  # fmt: skip


def _unit_counts(tasks, today: Today) -> dict[int, dict]:
    """Open, overdue, due soon and not updated per lead unit, in one query."""
    groups = counting_aggregates(today.date)
    rows = tasks.values("lead_unit").annotate(
        open_within=groups["open_within"],
        open_overdue=groups["open_overdue"],
        due_soon=Count("pk", filter=timeliness_q(DUE_SOON, today)),
        stale=Count("pk", filter=stale_q(today)),
    )
    return {row.pop("lead_unit"): row for row in rows.order_by()}


UNIT_COLUMNS = [_("Open"), _("Overdue"), _("Due soon"), _("Not updated")]


def _unit_cells(counts: dict, params: dict) -> list[Cell]:
    return [
        Cell(counts.get("open_within", 0) + counts.get("open_overdue", 0),
             query(**params, timeliness=GROUP_TIMELINESS["open_within"] + [OVERDUE])),
        Cell(counts.get("open_overdue", 0), query(**params, timeliness=OVERDUE)),
        Cell(counts.get("due_soon", 0), query(**params, timeliness=DUE_SOON)),
        Cell(counts.get("stale", 0), query(**params, stale="on")),
    ]  # fmt: skip


def specialist_panel(person, today: Today) -> Panel:
    mine = _tasks(specialist=person)
    me = {"specialist": person.pk}
    followed = (
        FollowAssignment.objects.filter(specialist=person, is_active=True)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__sort_key")
    )
    counts = _unit_counts(mine, today)
    table = Table(_("Units I follow"), [_("Unit"), *UNIT_COLUMNS])
    for follow in followed:
        at = me | {"unit": follow.unit.pk}
        cells = _unit_cells(counts.get(follow.unit.pk, {}), at)
        table.rows.append((follow.unit.name, query(**at), cells))
    return Panel(
        "specialist",
        _("Tasks I track"),
        [
            _shelf("to_check", _("Reports awaiting my check"), mine.filter(state=State.REPORTED),
                   me | {"state": State.REPORTED}, today, order=("completed_on", "pk")),
            _shelf("difficulties", _("Open difficulties"), mine.with_open_difficulties(),
                   me | {"difficulties": "on"}, today),
            _shelf("overdue", _("Overdue"), mine.filter(timeliness_q(OVERDUE, today)),
                   me | {"timeliness": OVERDUE}, today),
            _shelf("due_soon", _("Due soon"), mine.filter(timeliness_q(DUE_SOON, today)),
                   me | {"timeliness": DUE_SOON}, today),
            _shelf("stale", _("Not updated recently"), mine.filter(stale_q(today)),
                   me | {"stale": "on"}, today, order=("last_update_at", "pk")),
        ],
        table,
    )  # fmt: skip


def division_panel(division: Unit, today: Today) -> Panel:
    specialists = list(
        Membership.objects.filter(unit=division, role=Role.SPECIALIST, is_active=True)
        .select_related("person")
        .order_by("person__sort_key")
    )
    ids = [m.person_id for m in specialists]
    groups = counting_aggregates(today.date)
    rows = (
        _tasks(specialist__in=ids)
        .values("specialist")
        .annotate(
            open_within=groups["open_within"],
            open_overdue=groups["open_overdue"],
            to_check=Count("pk", filter=Q(state=State.REPORTED)),
            units=Count("lead_unit", distinct=True, filter=Q(state__in=OPEN_STATES)),
        )
        .order_by()
    )
    by_person = {row.pop("specialist"): row for row in rows}
    table = Table(
        _("Specialists of the division"),
        [_("Specialist"), _("Units with open tasks"), _("Open"), _("Overdue"), _("To check")],
    )
    for m in specialists:
        c, at = by_person.get(m.person_id, {}), {"specialist": m.person_id}
        table.rows.append((m.person.full_name, query(**at), [
            Cell(c.get("units", 0)),
            Cell(c.get("open_within", 0) + c.get("open_overdue", 0),
                 query(**at, timeliness=GROUP_TIMELINESS["open_within"] + [OVERDUE])),
            Cell(c.get("open_overdue", 0), query(**at, timeliness=OVERDUE)),
            Cell(c.get("to_check", 0), query(**at, state=State.REPORTED)),
        ]))  # fmt: skip
    awaiting = Difficulty.objects.filter(is_open=True, addressed_to=Level.DIVISION_HEAD)
    difficulties = _tasks(specialist__in=ids).with_open_difficulties()
    difficulties = difficulties.filter(pk__in=awaiting.values("task_id"))
    return Panel(
        f"division-{division.pk}",
        _("Division: %(unit)s") % {"unit": division.name},
        [
            _shelf("difficulties", _("Difficulties awaiting me"), difficulties,
                   {"division": division.pk, "difficulties": Level.DIVISION_HEAD}, today),
        ],
        table,
    )  # fmt: skip


def office_panel(committee: Unit, today: Today) -> Panel:
    tasks = _tasks(assigner_unit=committee)
    at = {"assigner": committee.pk}
    pending = Extension.objects.filter(decision=Decision.PENDING).values("task_id")
    escalated = Difficulty.objects.filter(is_open=True, addressed_to=Level.OFFICE_LEADER)
    # Overdue by unit: the committee's official figures, the same as its board and dashboard.
    overdue = countable(Task.objects.filter(scope_q(committee))).filter(
        timeliness_q(OVERDUE, today)
    )
    by_unit = (
        overdue.values("lead_unit", "lead_unit__name", "lead_unit__sort_key")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_unit__sort_key", "lead_unit")[:OFFICE_TABLE_ROWS]
    )
    table = Table(_("Overdue by unit"), [_("Unit"), _("Overdue")])
    for row in by_unit:
        scoped = {"scope": committee.pk, "unit": row["lead_unit"]}
        link = query(**scoped, timeliness=OVERDUE)
        table.rows.append((row["lead_unit__name"], query(**scoped), [Cell(row["n"], link)]))
    return Panel(
        f"office-{committee.pk}",
        _("Office of %(unit)s") % {"unit": committee.name},
        [
            _shelf("to_confirm", _("Awaiting my confirmation"), tasks.filter(state=State.PROPOSED),
                   at | {"state": State.PROPOSED}, today, order=("completed_on", "pk")),
            _shelf("extensions", _("Extension requests"), tasks.filter(pk__in=pending),
                   at | {"extension_requests": "on"}, today),
            _shelf("escalated", _("Difficulties passed up to the Office"),
                   tasks.with_open_difficulties().filter(pk__in=escalated.values("task_id")),
                   at | {"difficulties": Level.OFFICE_LEADER}, today),
        ],
        table,
    )  # fmt: skip


def leader_panel(person, today: Today) -> Panel:
    directed = _tasks(directing_leader=person)
    me = {"leader": person.pk}
    by_state = dict(directed.values_list("state").annotate(n=Count("pk")).order_by())
    figures = [
        (State(s).label, Cell(by_state.get(s, 0), query(**me, state=s))) for s in State.values
    ]
    pending = Extension.objects.filter(decision=Decision.PENDING).values("task_id")
    shelves = [
        _shelf("overdue", _("Overdue tasks I direct"),
               directed.filter(timeliness_q(OVERDUE, today)), me | {"timeliness": OVERDUE}, today),
        _shelf("extensions", _("Extension requests to me"), directed.filter(pk__in=pending),
               me | {"extension_requests": "on"}, today),
    ]  # fmt: skip
    blocks = list(
        SectorBlock.objects.filter(
            leaders__person=person,
            leaders__role=Role.COMMITTEE_LEADER,
            leaders__is_active=True,
        ).select_related("committee")
    )
    table = Table(_("Units of my sector"), [_("Unit"), *UNIT_COLUMNS])
    for block in blocks:
        # The sector's official figures: the committee's scope, this block.
        sector = countable(Task.objects.filter(scope_q(block.committee), sector_block=block))
        counts = _unit_counts(sector, today)
        units = Unit.objects.filter(pk__in=list(counts)).order_by("sort_key", "pk")
        rows = sorted(units, key=lambda u: -counts[u.pk]["open_overdue"])
        for unit in rows:
            at = {"scope": block.committee.pk, "sector_block": block.pk, "unit": unit.pk}
            label = unit.name if len(blocks) == 1 else f"{unit.name} ({block.name})"
            table.rows.append((label, query(**at), _unit_cells(counts[unit.pk], at)))
    return Panel("leader", _("What I direct"), shelves, table if blocks else None, figures)
