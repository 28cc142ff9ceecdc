"""Trang chủ theo vai trò: "what needs me today?" for each role, in a fixed number of queries.

Each panel is a few short lists (at most ``LIMIT`` rows, newest need first) and counts grouped in
the database, so a home page costs the same with ten tasks or ten thousand.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives.models import OPEN_STATES, Decision, Difficulty, Extension, State, Task
from chidao.directives.timeliness import (
    Today,
    colour_of,
    due_soon_q,
    open_overdue_q,
    stale_q,
    timeliness_of,
)
from chidao.org.models import FollowAssignment, Membership, Role, Unit
from chidao.org.permissions import UNIT_ROLES, jurisdictions

LIMIT = 8
DEADLINE = F("deadline").asc(nulls_last=True)
WORKING = [State.RECEIVED, State.IN_PROGRESS]
NOT_REPORTED = [State.ASSIGNED, *WORKING]


@dataclass
class Shelf:
    """One list on a home page: a title, how many there are, the first few, where the rest are."""

    key: str
    title: str
    count: int
    rows: list
    more_url: str = ""


@dataclass
class Panel:
    key: str
    title: str
    shelves: list[Shelf] = field(default_factory=list)
    table: list = field(default_factory=list)  # (label, counts dict) rows where a table fits


def _rows(qs, today: Today):
    tasks = qs.select_related("lead_unit", "directive")[:LIMIT]
    return [(t, timeliness_of(t, today), colour_of(t, today)) for t in tasks]


def _shelf(key, title, qs, today, order=(DEADLINE, "pk"), more=""):
    qs = qs.order_by(*order)
    return Shelf(key, title, qs.count(), _rows(qs, today), more)


def panels(person) -> list[Panel]:
    today = Today.now()
    roles = {j.role for j in jurisdictions(person)}
    result = []
    if roles & UNIT_ROLES:
        result.append(unit_panel(person, today))
    if Role.SPECIALIST in roles:
        result.append(specialist_panel(person, today))
    if Role.DIVISION_HEAD in roles:
        result.append(division_panel(person, today))
    if Role.OFFICE_LEADER in roles:
        result.append(office_panel(person, today))
    if Role.COMMITTEE_LEADER in roles:
        result.append(leader_panel(person, today))
    return result


def _lead_units(person) -> list[int]:
    """The units whose tasks this person carries out: seats of unit roles."""
    return [j.seat.pk for j in jurisdictions(person) if j.role in UNIT_ROLES]


def unit_panel(person, today: Today) -> Panel:
    tasks = Task.objects.filter(lead_unit__in=_lead_units(person))
    return Panel(
        "unit",
        _("My unit's tasks"),
        [
            _shelf(
                "unreceived",
                _("Not yet received"),
                tasks.filter(state=State.ASSIGNED),
                today,
                more="state=assigned",
            ),
            _shelf(
                "returned",
                _("Returned to us"),
                tasks.filter(state=State.IN_PROGRESS, returned_at__isnull=False),
                today,
            ),
            _shelf(
                "overdue",
                _("Overdue"),
                tasks.filter(open_overdue_q(today.date)).filter(state__in=NOT_REPORTED),
                today,
                more="timeliness=overdue",
            ),
            _shelf(
                "due_soon",
                _("Due soon"),
                tasks.filter(due_soon_q(today)),
                today,
                more="timeliness=due_soon",
            ),
            _shelf(
                "to_report",
                _("Awaiting our report"),
                tasks.filter(state__in=WORKING),
                today,
                more="state=received&state=in_progress",
            ),
        ],
    )


def specialist_panel(person, today: Today) -> Panel:
    mine = Task.objects.filter(specialist=person)
    followed = list(
        FollowAssignment.objects.filter(specialist=person, is_active=True)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__sort_key")
    )
    counts = _counts_by_unit(mine, today)
    table = [(f.unit, counts.get(f.unit.pk, {})) for f in followed]
    return Panel(
        "specialist",
        _("Units I follow"),
        [
            _shelf(
                "to_check",
                _("Reports awaiting my check"),
                mine.filter(state=State.REPORTED),
                today,
                order=("completed_on", "pk"),
                more="state=reported",
            ),
            _shelf(
                "difficulties",
                _("Open difficulties"),
                mine.with_open_difficulties(),
                today,
                more="difficulties=on",
            ),
            _shelf(
                "overdue",
                _("Overdue"),
                mine.filter(open_overdue_q(today.date)),
                today,
                more="timeliness=overdue",
            ),
            _shelf(
                "due_soon",
                _("Due soon"),
                mine.filter(due_soon_q(today)),
                today,
                more="timeliness=due_soon",
            ),
            _shelf(
                "stale",
                _("Not updated recently"),
                mine.filter(stale_q(clock.now())),
                today,
                order=("last_update_at", "pk"),
            ),
        ],
        table,
    )


def _counts_by_unit(tasks, today: Today) -> dict[int, dict]:
    rows = tasks.values("lead_unit").annotate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=NOT_REPORTED) & open_overdue_q(today.date)),
        due_soon=Count("pk", filter=due_soon_q(today)),
        stale=Count("pk", filter=stale_q(clock.now())),
    )
    return {row.pop("lead_unit"): row for row in rows}


def division_panel(person, today: Today) -> Panel:
    divisions = [j.seat.pk for j in jurisdictions(person) if j.role == Role.DIVISION_HEAD]
    specialists = list(
        Membership.objects.filter(unit__in=divisions, role=Role.SPECIALIST, is_active=True)
        .select_related("person")
        .order_by("person__sort_key")
    )
    rows = (
        Task.objects.filter(specialist__in=[m.person_id for m in specialists])
        .values("specialist")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("pk", filter=Q(state__in=NOT_REPORTED) & open_overdue_q(today.date)),
            to_check=Count("pk", filter=Q(state=State.REPORTED)),
            units=Count("lead_unit", distinct=True),
        )
    )
    by_person = {row.pop("specialist"): row for row in rows}
    table = [(m.person, by_person.get(m.person_id, {})) for m in specialists]
    difficulties = Task.objects.filter(
        pk__in=Difficulty.objects.filter(is_open=True, addressed_to="division_head").values(
            "task_id"
        ),
        specialist__in=[m.person_id for m in specialists],
    )
    return Panel(
        "division",
        _("My division"),
        [_shelf("difficulties", _("Difficulties awaiting me"), difficulties, today)],
        table,
    )


def _committees(person, roles) -> list[int]:
    return [j.root.pk for j in jurisdictions(person) if j.role in roles]


def office_panel(person, today: Today) -> Panel:
    committees = _committees(person, {Role.OFFICE_LEADER})
    tasks = Task.objects.filter(assigner_unit__in=committees)
    extensions = tasks.filter(
        pk__in=Extension.objects.filter(decision=Decision.PENDING).values("task_id")
    )
    escalated = tasks.filter(
        pk__in=Difficulty.objects.filter(is_open=True, addressed_to="office_leader").values(
            "task_id"
        )
    )
    overdue = tasks.filter(open_overdue_q(today.date)).filter(state__in=NOT_REPORTED)
    by_unit = (
        overdue.values("lead_unit", "lead_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_unit__name")[:15]
    )
    return Panel(
        "office",
        _("Office"),
        [
            _shelf(
                "to_confirm",
                _("Awaiting my confirmation"),
                tasks.filter(state=State.PROPOSED),
                today,
                order=("completed_on", "pk"),
                more="state=proposed",
            ),
            _shelf("extensions", _("Extension requests"), extensions, today),
            _shelf("escalated", _("Difficulties passed up to the Office"), escalated, today),
        ],
        [
            (row["lead_unit__name"], {"overdue": row["n"], "unit": row["lead_unit"]})
            for row in by_unit
        ],
    )


def leader_panel(person, today: Today) -> Panel:
    directed = Task.objects.filter(directing_leader=person).exclude(
        deadline_kind="recurring", series__isnull=True
    )
    by_state = dict(directed.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    blocks = [
        m.sector_block_id
        for m in Membership.objects.filter(
            person=person, role=Role.COMMITTEE_LEADER, is_active=True
        )
        if m.sector_block_id
    ]
    sector = Task.objects.filter(sector_block__in=blocks) if blocks else Task.objects.none()
    counts = _counts_by_unit(sector, today)
    units = {u.pk: u for u in _units(counts.keys())}
    table = sorted(
        ((units[pk], row) for pk, row in counts.items() if pk in units),
        key=lambda item: (-item[1]["overdue"], item[0].sort_key),
    )
    shelves = [
        _shelf(
            "overdue",
            _("Overdue tasks I direct"),
            directed.filter(open_overdue_q(today.date)).filter(state__in=NOT_REPORTED),
            today,
            more="timeliness=overdue",
        ),
        _shelf(
            "extensions",
            _("Extension requests to me"),
            directed.filter(
                pk__in=Extension.objects.filter(decision=Decision.PENDING).values("task_id")
            ),
            today,
        ),
    ]
    panel = Panel("leader", _("What I direct"), shelves, table)
    panel.by_state = [(State(s).label, by_state.get(s, 0)) for s in State.values]
    return panel


def _units(pks):
    return Unit.objects.filter(pk__in=list(pks))
