"""Trang chủ theo vai trò: "what needs me today?" for each role, in a fixed number of queries.

Each panel is a few short lists (at most ``LIMIT`` rows, most urgent first) and tables counted in
the database, so a home page costs the same with ten tasks or ten thousand. Every number carries
the task-list query that shows exactly its tasks (``more``/``link``): the number and the list are
built from the same filter of the counting module (``chidao.directives.timeliness``).
"""

import datetime
import functools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chidao.board.models import Screen
from chidao.core import clock
from chidao.directives import freshness
from chidao.directives.forms import CooperationForm
from chidao.directives.models import (
    OPEN_STATES,
    Cooperation,
    CooperationStatus,
    Decision,
    Difficulty,
    Directive,
    Extension,
    Level,
    State,
    Task,
)
from chidao.directives.rows import TaskRow
from chidao.directives.timeliness import (
    GROUP_TIMELINESS,
    WORKING_STATES,
    Timeliness,
    Today,
    countable,
    counted,
    counting_aggregates,
    counting_groups,
    returned_q,
    scope_q,
    stale_q,
    timeliness_q,
)
from chidao.org import activity, divisions
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Person,
    Role,
    SectorBlock,
    Unit,
    UnitKind,
)
from chidao.org.permissions import (
    UNIT_ROLES,
    administered_people,
    jurisdictions,
    may_keep_calendar,
    may_run_installation,
)
from chidao.workdays.calendar import WorkCalendar
from chidao.workdays.models import CalendarAdjustment

LIMIT = 8
SCREEN_SILENT_AFTER = datetime.timedelta(days=1)
OFFICE_TABLE_ROWS = 15
OVERDUE = Timeliness.OVERDUE
DUE_SOON = Timeliness.DUE_SOON


def query(**params) -> str:
    """A task-list query string; list values repeat the parameter."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


@dataclass
class Shelf:
    """One list on a home page: a title, how many there are, the first few, and the list query
    that shows all of them. ``kind`` says what the rows are: tasks (task, timeliness, colour),
    "shares" (the same, each line with the form of the unit's share) or
    "directives" (directives, whose count is not a list of tasks: ``more`` is empty; such a
    shelf goes in ``Panel.directive_shelves``)."""

    key: str
    title: str
    count: int
    rows: list
    more: str
    kind: str = "tasks"
    lines: str = ""  # the rows' markup (kinds "tasks" and "shares"), kept with them


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
    folded: list = field(default_factory=list)  # rows shown behind ``folded_label``
    folded_label: str = ""


@dataclass
class Chore:
    """Something to set right in the administration: how many, the first few (label, admin
    link) and the admin page where it is done. ``count`` is None for a yes/no item."""

    key: str
    title: str
    count: int | None
    link: str
    rows: list = field(default_factory=list)
    note: str = ""


@dataclass
class Statistics:
    """The official counting groups of a scope with the list query of each (as the dashboard's,
    for all time)."""

    counts: object  # timeliness.Counts
    stale: int
    links: dict
    late_extensions: bool = False  # the sub-group shown where CHIDAO_LATE_EXTENSIONS allows it


@dataclass
class Panel:
    key: str
    title: str
    shelves: list[Shelf] = field(default_factory=list)
    table: Table | None = None
    figures: list = field(default_factory=list)  # (label, Cell): counts shown as a line
    statistics: Statistics | None = None
    chores: list[Chore] = field(default_factory=list)
    # Shelves of directives, shown after the task shelves (``shelves`` hold tasks only).
    directive_shelves: list[Shelf] = field(default_factory=list)
    # Units gone quiet (``chidao.org.activity.Silence``), each a link to its page.
    units: list = field(default_factory=list)


# By deadline, missing ones last, as the list's default order (an index serves it).
BY_DEADLINE = ("order_group", "deadline", "pk")
# The same order for a shelf drawn from a short queue (extension requests, difficulties): its few
# tasks are found first and then sorted, where walking that index would pass every open task.
QUEUE_BY_DEADLINE = (F("deadline").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class HomeDay(Today):
    """Today, with the stamp of the data the page's figures are counted from
    (``freshness``): a shelf's count and first rows, and the tables, are computed once per
    change for everyone who sees the same ones."""

    fresh: str = ""
    calendar: WorkCalendar | None = None  # the working days, read once for the whole page


def _shelf(
    key, title, qs, params: dict, today: HomeDay, order=BY_DEADLINE, kind="tasks", draw=None
) -> Shelf:
    """A shelf of tasks: its count and its lines' markup (``draw(rows)``; by default
    ``_shelf_lines.html``) kept together under the stamp, so that a page seen again reads
    neither the rows nor their template; the rows themselves come when something asks."""
    qs = qs.order_by(*order)
    kept = functools.cache(lambda: freshness.shelf(today.fresh, qs, TaskRow.FIELDS, LIMIT))
    rows = freshness.OnDemand(lambda: TaskRow.many(kept()[1], today))
    draw = draw or (lambda rows: render_to_string("directives/_shelf_lines.html", {"rows": rows}))
    count, lines = freshness.drawn(
        today.fresh, f"{kind}:{LIMIT}", qs.values("pk"), lambda: (kept()[0], draw(rows))
    )
    return Shelf(key, title, count, rows, query(**params), kind, lines=lines)


def panels(person) -> list[Panel]:
    # The stamp first: its query reads the version the calendar and the roles are kept under.
    fresh = freshness.stamp()
    calendar = WorkCalendar.current()
    today = HomeDay(**vars(Today.now(calendar)), fresh=fresh, calendar=calendar)
    seats = jurisdictions(person)
    result = [unit_panel(j.seat, today) for j in seats if j.role in UNIT_ROLES]
    if any(j.role == Role.SPECIALIST for j in seats):
        result.append(specialist_panel(person, today))
        result += silent_units_panel(person, today)
    result += [division_panel(j.seat, today) for j in seats if j.role == Role.DIVISION_HEAD]
    result += [office_panel(j.root, today) for j in seats if j.role == Role.OFFICE_LEADER]
    if any(j.role == Role.COMMITTEE_LEADER for j in seats):
        result.append(leader_panel(person, today))
    result += [viewer_panel(j.root, today) for j in seats if j.role == Role.VIEWER]
    admin_roots = [j.root for j in seats if j.role == Role.ADMIN]
    if admin_roots or (person.is_active and person.is_superuser):
        result.append(admin_panel(person, None if person.is_superuser else admin_roots, today))
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
            shares_shelf(unit, today),
        ],
    )  # fmt: skip


def shares_shelf(unit: Unit, today: Today) -> Shelf:
    """Chúng tôi phối hợp: open tasks of other units on which this unit's share is not yet done,
    each with the share's state and the form that updates it (it posts to the share's own step
    and comes back here). The lines are kept like any shelf's, their forms' token stood in for
    (``freshness.token_stand_in``): the page gives each browser its own."""
    owed = Cooperation.objects.filter(unit=unit).exclude(status=CooperationStatus.DONE)
    tasks = _tasks(state__in=OPEN_STATES, pk__in=owed.values("task_id"))

    def draw(rows) -> str:
        shares = Cooperation.objects.filter(unit=unit, task__in=[row.task.pk for row in rows])
        by_task = {share.task_id: share for share in shares}
        for task in (row.task for row in rows):
            share = task.share = by_task[task.pk]
            prefix = f"cooperation-{share.pk}"
            form = CooperationForm(prefix=prefix, initial={"status": share.status})
            form.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
            task.share_form = form
        context = {
            "rows": rows,
            "shelf_id": f"unit-{unit.pk}-cooperating",
            "csrf_token": freshness.token_stand_in(),
        }
        return render_to_string("directives/_share_lines.html", context)

    at = {"cooperating": unit.pk, "share": "pending"}
    return _shelf("cooperating", _("We cooperate"), tasks, at, today, kind="shares", draw=draw)


def _unit_counts(tasks, today: Today) -> dict[int, dict]:
    """Open, overdue, due soon and not updated per lead unit, in one query."""
    groups = counting_aggregates(today.date)
    rows = tasks.values("lead_unit").annotate(
        open_within=groups["open_within"],
        open_overdue=groups["open_overdue"],
        due_soon=Count("pk", filter=timeliness_q(DUE_SOON, today)),
        stale=Count("pk", filter=stale_q(today)),
    )
    return {row.pop("lead_unit"): row for row in freshness.rows(today.fresh, rows.order_by())}


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
        # Units with something open come first; the others are folded away.
        rows = table.rows if cells[0].value else table.folded
        rows.append((follow.unit.name, query(**at), cells))
    if not table.rows:  # nothing open anywhere: nothing to bring forward, nothing to fold
        table.rows, table.folded = table.folded, []
    table.folded_label = _("Units with no open task (%(n)s)") % {"n": len(table.folded)}
    return Panel(
        "specialist",
        _("Tasks I track"),
        [
            _shelf("to_check", _("Reports awaiting my check"), mine.filter(state=State.REPORTED),
                   me | {"state": State.REPORTED}, today, order=("completed_on", "pk")),
            _shelf("difficulties", _("Open difficulties"), mine.with_open_difficulties(),
                   me | {"difficulties": "on"}, today, order=QUEUE_BY_DEADLINE),
            _shelf("overdue", _("Overdue"), mine.filter(timeliness_q(OVERDUE, today)),
                   me | {"timeliness": OVERDUE}, today),
            _shelf("due_soon", _("Due soon"), mine.filter(timeliness_q(DUE_SOON, today)),
                   me | {"timeliness": DUE_SOON}, today),
            _shelf("stale", _("Not updated recently"), mine.filter(stale_q(today)),
                   me | {"stale": "on"}, today, order=("last_update_at", "pk")),
        ],
        table,
        directive_shelves=[entered_shelf(person, today)],
    )  # fmt: skip


def silent_units_panel(person, today: Today) -> list[Panel]:
    """Đơn vị im lặng: the units this specialist follows where nobody has signed in nor updated
    a task for ``SILENT_AFTER_WORKING_DAYS`` working days (the units must open the software
    every day); no panel when there is none. One query (the units)."""
    days = activity.SILENT_AFTER_WORKING_DAYS
    calendar = getattr(today, "calendar", None) or WorkCalendar.current()
    first_quiet_day = calendar.subtract_working_days(today.date, days)
    count, rows = activity.silent_units(person, clock.start_of(first_quiet_day), LIMIT)
    if not count:
        return []
    title = _("Units silent for %(days)s working days or more (%(n)s)") % {"days": days, "n": count}
    return [Panel("silent-units", title, units=rows)]


def entered_shelf(person, today: HomeDay) -> Shelf:
    """Văn bản tôi nhập: the directives this person entered, latest first, each a link to its
    page. Its count is of directives, not of tasks: it opens no task list. Kept under the stamp
    (entering or correcting a directive writes its tasks' timelines)."""
    entered = Directive.objects.filter(created_by=person)

    def read():
        latest = entered.select_related("issuer").order_by("-created", "-pk")[:LIMIT]
        return entered.count(), list(latest)

    count, rows = freshness.remember(today.fresh, f"entered:{LIMIT}:{person.pk}", read)
    return Shelf("entered", _("Directives I entered"), count, rows, "", "directives")


def division_panel(division: Unit, today: Today) -> Panel:
    specialists = list(
        divisions.seats()
        .filter(unit=division)
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
    by_person = {row.pop("specialist"): row for row in freshness.rows(today.fresh, rows)}
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
    tracked = _tasks(specialist__in=ids)
    difficulties = tracked.with_open_difficulties().filter(pk__in=awaiting.values("task_id"))
    # The list's "tracking division" filter is exactly the division's active specialists' tasks.
    div = {"division": division.pk}
    return Panel(
        f"division-{division.pk}",
        _("Tasks followed by %(unit)s") % {"unit": division.name},
        [
            _shelf("difficulties", _("Difficulties awaiting me"), difficulties,
                   div | {"difficulties": Level.DIVISION_HEAD}, today, order=QUEUE_BY_DEADLINE),
            _shelf("to_check", _("Reports awaiting the check"),
                   tracked.filter(state=State.REPORTED), div | {"state": State.REPORTED}, today,
                   order=("completed_on", "pk")),
            _shelf("overdue", _("Overdue"), tracked.filter(timeliness_q(OVERDUE, today)),
                   div | {"timeliness": OVERDUE}, today),
            _shelf("stale", _("Not updated recently"), tracked.filter(stale_q(today)),
                   div | {"stale": "on"}, today, order=("last_update_at", "pk")),
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
    for row in freshness.rows(today.fresh, by_unit):
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
                   at | {"extension_requests": "on"}, today, order=QUEUE_BY_DEADLINE),
            _shelf("escalated", _("Difficulties passed up to the Office"),
                   tasks.with_open_difficulties().filter(pk__in=escalated.values("task_id")),
                   at | {"difficulties": Level.OFFICE_LEADER}, today, order=QUEUE_BY_DEADLINE),
        ],
        table,
    )  # fmt: skip


def leader_panel(person, today: Today) -> Panel:
    directed = _tasks(directing_leader=person)
    me = {"leader": person.pk}
    states = directed.values_list("state").annotate(n=Count("pk")).order_by()
    by_state = dict(freshness.rows(today.fresh, states))
    figures = [
        (State(s).label, Cell(by_state.get(s, 0), query(**me, state=s))) for s in State.values
    ]
    pending = Extension.objects.filter(decision=Decision.PENDING).values("task_id")
    shelves = [
        _shelf("overdue", _("Overdue tasks I direct"),
               directed.filter(timeliness_q(OVERDUE, today)), me | {"timeliness": OVERDUE}, today),
        _shelf("extensions", _("Extension requests to me"), directed.filter(pk__in=pending),
               me | {"extension_requests": "on"}, today, order=QUEUE_BY_DEADLINE),
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
        # The same for every leader of the block: kept under the stamp (a unit renamed moves it).
        rows = freshness.remember(
            today.fresh,
            f"sector-units:{block.pk}:{block.committee_id}",
            lambda block=block: _sector_units(block, today),
        )
        for name, link, cells in rows:
            label = name if len(blocks) == 1 else f"{name} ({block.name})"
            table.rows.append((label, link, cells))
    return Panel("leader", _("What I direct"), shelves, table if blocks else None, figures)


def _sector_units(block: SectorBlock, today: Today) -> list[tuple[str, str, list[Cell]]]:
    """The sector's official figures (the committee's scope, this block) per unit, the most
    overdue first: each unit's name, its link and its cells."""
    sector = countable(Task.objects.filter(scope_q(block.committee), sector_block=block))
    counts = _unit_counts(sector, today)
    units = Unit.objects.filter(pk__in=list(counts)).order_by("sort_key", "pk")
    rows = []
    for unit in sorted(units, key=lambda u: -counts[u.pk]["open_overdue"]):
        at = {"scope": block.committee_id, "sector_block": block.pk, "unit": unit.pk}
        rows.append((unit.name, query(**at), _unit_cells(counts[unit.pk], at)))
    return rows


def viewer_panel(root: Unit, today: Today) -> Panel:
    """Người xem: the official figures of his scope (as its dashboard counts them, for all time),
    each a link to exactly its tasks, and what is overdue there."""
    scoped = countable(Task.objects.filter(scope_q(root)))
    at = {"scope": root.pk}
    links = {group: query(**at, timeliness=values) for group, values in GROUP_TIMELINESS.items()}
    for name in ("after_extension", "after_late_extension"):
        links[f"done_on_time_{name}"] = query(**at, extended=name)
    links["stale"] = query(**at, stale="on")
    links["suspended"] = query(**at, timeliness=Timeliness.SUSPENDED)
    statistics = Statistics(
        counts=freshness.remember(
            today.fresh,  # the date too: read apart from the stamp's, across midnight
            f"viewer:{root.pk}:{today.date.isoformat()}",
            lambda: counting_groups(scoped, today.date),
        ),
        stale=freshness.count(today.fresh, counted(scoped).filter(stale_q(today))),
        links=links,
        late_extensions=settings.CHIDAO_LATE_EXTENSIONS,
    )
    overdue = scoped.filter(timeliness_q(OVERDUE, today))
    return Panel(
        f"viewer-{root.pk}",
        _("Figures of %(unit)s, every task assigned to date") % {"unit": root.name},
        [_shelf("overdue", _("Overdue"), overdue, at | {"timeliness": OVERDUE}, today)],
        statistics=statistics,
    )


def _within(roots, field: str = "path") -> Q:
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(**{f"{field}__startswith": root.path})
    return q


def admin_panel(person, roots: list[Unit] | None, today: Today) -> Panel:
    """Quản trị: what needs the administrator, each item with the admin page that fixes it.
    ``roots`` are the committees administered (None: a system administrator, everything)."""
    everything = roots is None
    chores = []

    # Accounts still open that hold no role: they sign in to an empty page. The administrators
    # of the place where they last held a role give them one (or close the account).
    with_role = Membership.objects.filter(is_active=True).values("person_id")
    roleless = Person.objects.filter(is_active=True, is_superuser=False).exclude(pk__in=with_role)
    if not everything:
        held_here = Membership.objects.filter(_within(roots, "unit__path")).values("person_id")
        roleless = roleless.filter(pk__in=held_here)
    give_role = reverse("admin:org_membership_add")
    chores.append(Chore(
        "roleless", _("People without an active role"), roleless.count(), give_role,
        [(p.full_name or p.username, f"{give_role}?{query(person=p.pk)}")
         for p in roleless.order_by("sort_key", "pk")[:LIMIT]],
        _("Give each a role, or close the account."),
    ))  # fmt: skip

    # Units nobody follows: those carrying out the directives of a committee that has its own
    # Office (only its specialists can follow them), Office units aside.
    committees = Unit.objects.filter(
        kind=UnitKind.COMMITTEE,
        is_active=True,
        children__kind=UnitKind.OFFICE,
        children__is_active=True,
    )
    if not everything:
        committees = committees.filter(_within(roots))
    directed = Q(pk__in=[])
    for committee in committees.distinct():
        directed |= Q(pk__in=Unit.objects.directed_by(committee).values("pk"))
    followed = FollowAssignment.objects.filter(is_active=True).values("unit_id")
    unfollowed = (
        Unit.objects.filter(directed, is_active=True)
        .exclude(kind__in=(UnitKind.OFFICE, UnitKind.OFFICE_DIVISION))
        .exclude(pk__in=followed)
    )
    assign = reverse("admin:org_followassignment_add")
    chores.append(Chore(
        "unfollowed", _("Units nobody follows"), unfollowed.count(), assign,
        [(u.name, f"{assign}?{query(unit=u.pk)}")
         for u in unfollowed.order_by("depth", "sort_order", "sort_key", "pk")[:LIMIT]],
        _("Assign a tracking specialist to each."),
    ))  # fmt: skip

    # Next year's working-day calendar: reviewed once an adjustment for that year is recorded.
    if may_keep_calendar(person):
        year = today.date.year + 1
        if not CalendarAdjustment.objects.filter(date__year=year).exists():
            chores.append(Chore(
                "calendar", _("Working-day calendar of %(year)s not yet reviewed") % {"year": year},
                None, reverse("admin:workdays_calendaradjustment_add"), [],
                _("No adjustment is recorded for %(year)s: enter the days off and make-up "
                  "working days the Government decides for that year.") % {"year": year},
            ))  # fmt: skip
    chores += _delivery_chores(person)
    # Display screens that have not asked for their board for a day: switched off, or offline.
    screens = Screen.objects.filter(is_active=True).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=clock.now() - SCREEN_SILENT_AFTER)
    )
    if not everything:
        screens = screens.filter(_within(roots, "committee__path"))
    screen_list = reverse("admin:board_screen_changelist")
    chores.append(Chore(
        "screens", _("Display screens not seen for a day"), screens.count(), screen_list,
        [(s.name, reverse("admin:board_screen_change", args=[s.pk]))
         for s in screens.select_related("committee").order_by("name", "pk")[:LIMIT]],
        _("Check that each screen is on and online, or revoke its link."),
    ))  # fmt: skip
    return Panel("admin", _("Administration"), chores=chores)


def _delivery_chores(person) -> list[Chore]:
    """Messages to the people of the units administered that did not reach them (failed,
    outcome unknown, or e-mails waiting for an SMTP server), and, for those who run the
    installation, the daily jobs that did not finish."""
    from chidao.notifications import daily
    from chidao.notifications.models import DailyRun, Notification, State

    outbox = reverse("admin:notifications_notification_changelist")
    stuck = Notification.objects.filter(
        Q(state__in=[State.FAILED, State.UNKNOWN]) | Q(state=State.PENDING, last_error__gt=""),
        recipient__in=administered_people(person),
    )
    runs = reverse("admin:notifications_dailyrun_changelist")
    # Today's that failed (an outcome says why) or are stuck; a job running now is neither.
    # (A day's jobs are about that day: the next day's runs replace them.)
    unfinished = DailyRun.objects.filter(day=clock.today(), finished__isnull=True).filter(
        Q(outcome__gt="") | Q(started__lt=clock.now() - daily.STUCK_AFTER)
    )
    chores = [
        Chore(
            "undelivered", _("Messages not delivered"), stuck.count(), outbox,
            [(f"{n.kind_label} → {n.recipient} ({n.get_state_display()}): {n.last_error}"[:160],
              reverse("admin:notifications_notification_change", args=[n.pk]))
             for n in stuck.select_related("recipient").order_by("-created", "-pk")[:LIMIT]],
            _("Failed or of unknown outcome: send them again from the outbox once the cause is "
              "fixed. E-mails waiting for an SMTP server go as soon as EMAIL_HOST is set."),
        ),
    ]  # fmt: skip
    if may_run_installation(person):
        chores.append(Chore(
            "daily_jobs", _("Daily jobs that did not finish"), unfinished.count(), runs,
            [(str(r), reverse("admin:notifications_dailyrun_change", args=[r.pk]))
             for r in unfinished.order_by("-day", "job")[:LIMIT]],
            _("The worker retries them; the outcome says why they stopped."),
        ))  # fmt: skip
    return chores
