"""Nội dung báo cáo: what each periodic report says, from the same counting module as the
dashboard (``chidao.board.stats``), so a report's figures are the dashboard's for the same
scope and period.

Three kinds:
- ``review``: the Office's two-week review (per division and specialist: overdue, awaiting the
  check, difficulties awaiting an answer, not updated, urged in the period);
- ``monthly``: the report to the committee (the official groups by unit and by sector block,
  the overdue list with days late, the late explanations received, the units urged and still
  late), with the charts in its PDF;
- ``unit``: a unit's report of its own tasks.

A period's figures are the tasks assigned in it, counted as of ``today``. The lists of what is
late now (overdue tasks, difficulties, reports awaiting the check) are of every task in scope,
whenever it was assigned: they are what the meeting must act on.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.board import stats
from chidao.core import clock
from chidao.core.text import vi_sort_key
from chidao.directives.models import (
    OPEN_STATES,
    Difficulty,
    DirectiveKind,
    LateExplanation,
    State,
    Task,
)
from chidao.directives.timeliness import (
    Counts,
    Timeliness,
    Today,
    countable,
    counting_groups,
    open_overdue_q,
    scope_q,
    stale_q,
)
from chidao.org import divisions
from chidao.org.models import Person, Unit, UnitKind
from chidao.org.permissions import visible_tasks
from chidao.reports import charts, freezing
from chidao.reports.document import Chart, Document, Figure, Heading, Paragraph, Signature, Table
from chidao.reports.periods import Period

KINDS = ("review", "monthly", "unit")
GROUP_COLUMNS = ("total", "done_on_time", "done_late", "open_within", "open_overdue")


@dataclass
class Request:
    """What to report on: ``unit`` is the committee for ``review`` and ``monthly``, the unit
    itself for ``unit``. ``person`` is whoever asks (what they may see bounds the report);
    None for the server's operator on the command line, who sees everything."""

    kind: str
    unit: Unit
    period: Period
    person: Person | None = None
    today: Today | None = None
    # Told how far the building has gone (percent, what it does now): the report page's bar.
    progress: Callable[[int, str], None] | None = None

    def scope(self) -> stats.Scope:
        return stats.Scope(start=self.period.start, end=self.period.end, unit=self.unit)

    def step(self, percent: int, what: str) -> None:
        if self.progress is not None:
            self.progress(percent, what)


def build(request: Request) -> Document:
    request.today = request.today or Today.now()
    return {"review": _review, "monthly": _monthly, "unit": _unit}[request.kind](request)


# --- Shared parts -------------------------------------------------------------------------------
_LEVEL_WORDS = re.compile(r"^(?:Ủy ban nhân dân|UBND)\s+(?:tỉnh|thành phố|xã|phường|đặc khu)\s+",
                          re.IGNORECASE)  # fmt: skip


def place_of(unit: Unit) -> str:
    """Địa danh: the province (or commune) the unit's committee is named after."""
    committee = unit.committee or unit
    while committee.parent_id is not None and committee.level != "commune":
        parent_committee = committee.parent.committee
        if parent_committee is None:
            break
        committee = parent_committee
    return _LEVEL_WORDS.sub("", committee.name).strip() or committee.name


def _mid(text: str) -> str:
    """A period's name inside a sentence: "tháng 11/2026", "kỳ rà soát 16/11-29/11/2026"."""
    return text[:1].lower() + text[1:]


def _upper(text: str) -> str:
    return text.upper()


# Relative column widths of the tables, such that "STT", a date and a rate of "100,0%" each
# stay on one line on A4 (a test renders them in LibreOffice).
# No., name, the five counts, the rate.
GROUPS_WIDTHS = [0.9, 3.8, 1.2, 1.2, 1.2, 1.2, 1.2, 1.4]
# No., task, lead unit, directive, deadline, days late, specialist.
OVERDUE_WIDTHS = [1.2, 4.2, 2.6, 2.0, 2.3, 1.2, 2.0]
# No., task, lead unit, cause, explanation, remedy, received on.
EXPLANATIONS_WIDTHS = [1.3, 3.4, 2.1, 1.5, 2.9, 2.7, 2.4]
# No., task, lead unit, at the cut-off, now, why.
CHANGES_WIDTHS = [1.2, 4.7, 2.6, 1.8, 1.8, 2.6]


def _figure(value: int, query: str) -> Figure:
    return Figure(value, f"{reverse('directives:task_list')}?{query}")


def _group_cells(row: stats.Row) -> list:
    return [_figure(getattr(row.counts, g), row.links[g]) for g in GROUP_COLUMNS] + [
        row.counts.overdue_rate
    ]


def _groups_table(title: str, label: str, rows: list[stats.Row], totals: Counts,
                  totals_links: dict) -> Table:  # fmt: skip
    columns = [_("No."), label, _("Total"), _("Done on time"), _("Done late"),
               _("Open, within deadline"), _("Open, overdue"), _("Overdue rate")]  # fmt: skip
    body = [[i, row.label, *_group_cells(row)] for i, row in enumerate(rows, 1)]
    total = ["", _("Total"), *[_figure(getattr(totals, g), totals_links[g]) for g in GROUP_COLUMNS],
             totals.overdue_rate]  # fmt: skip
    return Table(columns, body, total, GROUPS_WIDTHS, title)


def _summary(board: stats.Dashboard, period: Period, who: str) -> Paragraph:
    t = board.totals
    return Paragraph(
        _("In the period %(period)s, %(who)s was assigned %(total)s tasks: %(done)s done "
          "(%(on_time)s on time, %(late)s late), %(within)s open within their deadline and "
          "%(overdue)s open and overdue (an overdue rate of %(rate)s); %(suspended)s suspended "
          "are counted apart.")
        % {"period": _mid(period.label), "who": who, "total": Figure(t.total),
           "done": Figure(t.done), "on_time": Figure(t.done_on_time), "late": Figure(t.done_late),
           "within": Figure(t.open_within), "overdue": Figure(t.open_overdue),
           "rate": f"{t.overdue_rate * 100:.1f}%".replace(".", ","),
           "suspended": Figure(t.suspended)}
    )  # fmt: skip


def _overdue_table(tasks, today: Today, title: str) -> Table:
    """Every open overdue task, most days late first."""
    overdue = (
        tasks.filter(Q(state__in=OPEN_STATES) & open_overdue_q(today.date))
        .order_by("deadline", "pk")
        .values_list("pk", "content", "lead_unit__name", "deadline", "specialist__full_name",
                     "directive__number", "directive__symbol", "directive__meeting_name")
    )  # fmt: skip
    rows = []
    for i, (pk, content, unit, deadline, specialist, number, symbol, meeting) in enumerate(
        overdue.iterator(chunk_size=2000), 1
    ):
        source = f"{number}/{symbol}" if number else (symbol or meeting or "")
        rows.append([i, content, unit, source, f"{deadline:%d/%m/%Y}",
                     Figure((today.date - deadline).days, reverse("directives:task_detail",
                                                                  args=[pk])),
                     specialist or ""])  # fmt: skip
    columns = [_("No."), _("Task"), _("Lead unit"), _("Directive"), _("Deadline"),
               _("Days late"), _("Tracking specialist")]  # fmt: skip
    return Table(columns, rows, None, OVERDUE_WIDTHS, title)


def _charts(board: stats.Dashboard) -> list:
    months = [(label, on_time, on_time + late + overdue)
              for label, on_time, late, overdue, _links in board.trend]  # fmt: skip
    trend = Table(
        [_("Month"), _("Done on time"), _("Done late"), _("Overdue"), _("On-time rate")],
        [[label, on_time, late, overdue,
          (on_time / (on_time + late + overdue)) if on_time + late + overdue else None]
         for label, on_time, late, overdue, _links in board.trend],
        None, [1.5, 1.5, 1.5, 1.5, 1.5], _("On-time rate by month"),
    )  # fmt: skip
    units = [(row.label, row.counts.open_overdue) for row in board.ranking]
    by_unit = Table(
        [_("Unit"), _("Open, overdue")],
        [[name, count] for name, count in sorted(units, key=lambda u: -u[1]) if count],
        None, [5, 1.5], _("Overdue by unit"),
    )  # fmt: skip
    return [
        Chart(charts.on_time_rate_svg(months), _("On-time rate by month of the deadline"), trend),
        Chart(charts.overdue_by_unit_svg(units), _("Open overdue tasks by unit"), by_unit),
    ]


def _signed_for_committee(committee: Unit) -> Signature:
    return Signature(authority="TM. " + _upper(_("People's Committee")),
                     position=_upper(_("Chairman")))  # fmt: skip


def _document(issuer: Unit, governing: Unit | None, request: Request, title: str,
              signature: Signature, recipients: list[str], slug: str) -> Document:  # fmt: skip
    return Document(
        governing_body=_upper(governing.short_name or governing.name) if governing else "",
        issuer=_upper(issuer.name if governing is None else _without_parent(issuer, governing)),
        symbol=f"BC-{issuer.code}" if issuer.code else "BC",
        place=place_of(issuer),
        date=clock.today(),
        kind=_upper(_("Report")),
        title=title,
        signature=signature,
        recipients=recipients,
        filename=f"bao-cao-{slug}-{request.period.slug}",
    )


def _without_parent(unit: Unit, parent: Unit) -> str:
    """ "Văn phòng UBND tỉnh" under "UBND tỉnh Đồng Tháp" is written "VĂN PHÒNG"."""
    if unit.kind == UnitKind.OFFICE:
        return _("Office")
    return unit.name


# --- The monthly report to the committee --------------------------------------------------------
def _monthly(request: Request) -> Document:
    committee, today = request.unit, request.today
    scope = request.scope()
    request.step(5, _("Counting the tasks of the period"))
    board = stats.build(request.person, scope, today)
    who = committee.short_name or committee.name
    doc = _document(
        committee, None, request,
        _("Results of the tasks assigned by %(committee)s, %(period)s")
        % {"committee": who, "period": _mid(request.period.name)},
        _signed_for_committee(committee),
        [_("The Standing Committee of the People's Council (for report);"),
         _("The Chairman and Vice-Chairmen;"), _("Departments, agencies and localities;"),
         _("Archived: Records, Office.")],
        "dinh-ky",
    )  # fmt: skip
    blocks = doc.blocks
    closed = freezing.closed_for(committee, request.period)
    if closed is None:
        blocks += [Heading(_("I. OVERALL RESULTS")), _summary(board, request.period, who)]
        blocks.append(_groups_table(_("By unit"), _("Unit"), board.ranking, board.totals,
                                    board.totals_links))  # fmt: skip
        blocks.append(Heading(_("II. BY SECTOR BLOCK")))
        blocks.append(_groups_table(_("By sector block"), _("Sector block"), board.by_block,
                                    board.totals, board.totals_links))  # fmt: skip
    else:
        blocks += _frozen_blocks(closed, board, today)
    blocks += _charts(board)
    request.step(25, _("Listing the overdue tasks"))
    blocks.append(Heading(_("III. OVERDUE TASKS")))
    blocks.append(
        Paragraph(
            _("Tasks open past their deadline on %(day)s, whenever assigned, most days late first.")
            % {"day": f"{today.date:%d/%m/%Y}"}
        )
    )
    blocks.append(_overdue_table(_seen(request, in_scope(committee)), today, _("Overdue tasks")))
    request.step(40, _("Reading the late explanations and the urgings"))
    blocks.append(Heading(_("IV. LATE EXPLANATIONS RECEIVED")))
    blocks.append(_explanations_table(request))
    blocks.append(Heading(_("V. UNITS URGED AND STILL LATE")))
    blocks.append(_urged_still_late(request))
    return doc


def _frozen_blocks(closed, board: stats.Dashboard, today: Today) -> list:
    """A closed period: its figures as closed, never recounted; then the live ones beside them
    and every task whose group moved since, so that any difference is explained."""
    frozen = freezing.totals(closed)
    none = _("No sector block")
    return [
        Heading(_("I. OVERALL RESULTS")),
        _closed_on(closed),
        _frozen_table(_("By unit"), _("Unit"),
                      freezing.rows_by(closed, "lead_unit_id", "unit", ""), frozen),
        Heading(_("II. BY SECTOR BLOCK")),
        _frozen_table(_("By sector block"), _("Sector block"),
                      freezing.rows_by(closed, "sector_block_id", "block", none), frozen),
        *_closed_and_current(closed, frozen, board.totals, board.totals_links, today),
    ]  # fmt: skip


def _closed_on(closed) -> Paragraph:
    return Paragraph(
        _("The figures of this period were closed on %(when)s by %(who)s, as they stood at the "
          "end of %(day)s; they do not change afterwards.")
        % {"when": f"{timezone.localtime(closed.closed_at):%d/%m/%Y %H:%M}",
           "who": closed.closed_by.full_name or closed.closed_by.username,
           "day": f"{closed.end:%d/%m/%Y}"}
    )  # fmt: skip


def _closed_and_current(closed, frozen: Counts, live: Counts, links: dict, today: Today,
                        unit: Unit | None = None) -> list:  # fmt: skip
    pairs = [("total", _("Total"), frozen.total, live.total),
             ("done_on_time", _("Done on time"), frozen.done_on_time, live.done_on_time),
             ("done_late", _("Done late"), frozen.done_late, live.done_late),
             ("open_within", _("Open, within deadline"), frozen.open_within, live.open_within),
             ("open_overdue", _("Open, overdue"), frozen.open_overdue, live.open_overdue),
             ("", _("Suspended"), frozen.suspended, live.suspended)]  # fmt: skip
    blocks = [Table(
        [_("Group"), _("At the cut-off"), _("Now"), _("Difference")],
        [[label, then, _figure(now, links[key]) if key else now,
          f"{now - then:+d}" if now != then else "0"] for key, label, then, now in pairs],
        None, [4, 1.6, 1.6, 1.6], _("Closed and current figures"),
    )]  # fmt: skip
    moved = freezing.changes(closed, today, unit)
    if moved:
        blocks.append(Paragraph(_("Tasks whose group changed since the closing:")))
        blocks.append(Table(
            [_("No."), _("Task"), _("Lead unit"), _("At the cut-off"), _("Now"), _("Why")],
            [[i, c.content, c.unit, c.before, c.after, c.why] for i, c in enumerate(moved, 1)],
            None, CHANGES_WIDTHS, _("Changes since the closing"),
        ))  # fmt: skip
    else:
        blocks.append(Paragraph(_("No task has changed group since the closing.")))
    return blocks


def _frozen_table(title: str, label: str, rows: list, totals: Counts) -> Table:
    columns = [_("No."), label, _("Total"), _("Done on time"), _("Done late"),
               _("Open, within deadline"), _("Open, overdue"), _("Overdue rate")]  # fmt: skip
    body = [[i, row.label, *(getattr(row.counts, g) for g in GROUP_COLUMNS),
             row.counts.overdue_rate] for i, row in enumerate(rows, 1)]  # fmt: skip
    total = ["", _("Total"), *(getattr(totals, g) for g in GROUP_COLUMNS), totals.overdue_rate]
    return Table(columns, body, total, GROUPS_WIDTHS, title)


def in_scope(unit: Unit):
    """Every counted task of the unit's scope, whenever assigned."""
    return countable(Task.objects.filter(scope_q(unit))).exclude(state=State.CANCELLED)


def _seen(request: Request, tasks):
    """Of ``tasks``, those the person asking may see (all of them for the operator)."""
    if request.person is None:
        return tasks
    return tasks.filter(pk__in=visible_tasks(request.person).values("pk"))


def _explanations_table(request: Request) -> Table:
    period = request.period
    received = (
        LateExplanation.objects.filter(
            task__in=_seen(request, in_scope(request.unit)).values("pk"),
            submitted_at__gte=clock.start_of(period.start),
            submitted_at__lt=clock.start_of(period.end + datetime.timedelta(days=1)),
        )
        .order_by("submitted_at", "pk")
        .values_list("task_id", "task__content", "task__lead_unit__name", "cause",
                     "explanation", "remedy", "submitted_at")
    )  # fmt: skip
    causes = {"objective": _("Objective"), "subjective": _("Subjective")}
    rows = [
        [i, content, unit, causes.get(cause, cause), explanation, remedy,
         f"{timezone.localdate(at):%d/%m/%Y}"]
        for i, (_pk, content, unit, cause, explanation, remedy, at) in enumerate(received, 1)
    ]  # fmt: skip
    columns = [_("No."), _("Task"), _("Lead unit"), _("Cause"), _("Explanation"), _("Remedy"),
               _("Received on")]  # fmt: skip
    return Table(columns, rows, None, EXPLANATIONS_WIDTHS, _("Late explanations"))


def _urged_still_late(request: Request) -> Table:
    """Units urged by a person in the period that still lead overdue tasks today."""
    today = request.today
    scope = _seen(request, in_scope(request.unit))
    urged = stats.urgings_by_unit(scope, request.scope())
    overdue = dict(
        scope.filter(Q(state__in=OPEN_STATES) & open_overdue_q(today.date), lead_unit__in=urged)
        .values("lead_unit").annotate(n=Count("pk")).order_by().values_list("lead_unit", "n")
    )  # fmt: skip
    names = dict(Unit.objects.filter(pk__in=overdue).values_list("pk", "name"))
    units = sorted(overdue, key=lambda pk: (-overdue[pk], vi_sort_key(names[pk])))
    rows = [
        [i, names[pk], urged[pk],
         _figure(overdue[pk], _list_query(scope=request.unit.pk, unit=pk,
                                          timeliness=Timeliness.OVERDUE))]
        for i, pk in enumerate(units, 1)
    ]  # fmt: skip
    columns = [_("No."), _("Unit"), _("Urgings in the period"), _("Open, overdue")]
    return Table(columns, rows, None, [0.9, 5, 1.6, 1.6], _("Urged, still late"))


def _list_query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v != ""}, doseq=True)


# --- The Office's two-week review ---------------------------------------------------------------
REVIEW_COLUMNS = ("overdue", "to_check", "difficulties", "stale", "urged")


def _review(request: Request) -> Document:
    committee, today, period = request.unit, request.today, request.period
    office = committee.children.filter(kind=UnitKind.OFFICE).first() or committee
    request.step(5, _("Counting the open tasks of each specialist"))
    tasks = _seen(request, in_scope(committee))
    open_tasks = tasks.filter(state__in=OPEN_STATES)
    waiting = Difficulty.objects.filter(is_open=True).values("task_id")
    per_specialist = {
        row["specialist"]: row
        for row in open_tasks.values("specialist").annotate(
            overdue=Count("pk", filter=open_overdue_q(today.date), distinct=True),
            to_check=Count("pk", filter=Q(state__in=(State.REPORTED, State.PROPOSED)),
                           distinct=True),
            difficulties=Count("pk", filter=Q(pk__in=waiting), distinct=True),
            stale=Count("pk", filter=stale_q(today), distinct=True),
        ).order_by()
    }  # fmt: skip
    # Every specialist of the committee's tasks has a row, urged or not; the urgings are read
    # from the urged events alone, not joined to every event.
    specialists = tasks.order_by().values_list("specialist", flat=True).distinct()
    urged = dict.fromkeys(specialists, 0) | stats.urgings_by(
        tasks, request.scope(), "task__specialist"
    )
    for specialist, n in urged.items():
        per_specialist.setdefault(specialist, {k: 0 for k in REVIEW_COLUMNS[:-1]})["urged"] = n
    names = dict(Person.objects.filter(pk__in=set(per_specialist) - {None})
                 .values_list("pk", "full_name"))  # fmt: skip
    division_of = divisions.division_of_specialists(set(per_specialist) - {None})
    division_names = dict(Unit.objects.filter(pk__in=set(division_of.values()))
                          .values_list("pk", "name"))  # fmt: skip

    def cells(row: dict, **filters) -> list:
        links = {
            "overdue": {"timeliness": Timeliness.OVERDUE},
            "to_check": {"state": [State.REPORTED, State.PROPOSED]},
            "difficulties": {"difficulties": "on"},
            "stale": {"stale": "on"},
        }
        out = [_figure(row.get(k, 0), _list_query(scope=committee.pk, **filters, **links[k]))
               for k in REVIEW_COLUMNS[:-1]]  # fmt: skip
        return [*out, row.get("urged", 0)]

    by_division: dict = {}
    specialist_rows = []
    for pk, row in per_specialist.items():
        division = division_of.get(pk)
        summed = by_division.setdefault(division, dict.fromkeys(REVIEW_COLUMNS, 0))
        for key in REVIEW_COLUMNS:
            summed[key] += row.get(key, 0)
        filters = {"specialist": pk} if pk is not None else {"no_specialist": "on"}
        label = names.get(pk, _("No tracking specialist"))
        division_label = division_names.get(division, "")
        specialist_rows.append((division_label, label, cells(row, **filters)))
    specialist_rows.sort(key=lambda r: (r[0] == "", vi_sort_key(r[0]), vi_sort_key(r[1])))
    division_rows = sorted(
        ((division_names.get(d, _("Not followed by a division")),
          cells(row, **({"division": d} if d is not None else {"no_division": "on"})))
         for d, row in by_division.items()),
        key=lambda r: vi_sort_key(r[0]),
    )  # fmt: skip
    total = {k: sum(r.get(k, 0) for r in per_specialist.values()) for k in REVIEW_COLUMNS}
    columns = [_("Overdue"), _("Awaiting the check"), _("Difficulties awaiting an answer"),
               _("Not updated"), _("Urged in the period")]  # fmt: skip
    doc = _document(
        office, committee, request,
        _("Review of the tracking of tasks, %(period)s") % {"period": _mid(period.name)},
        Signature(position=_upper(_("Chief of the Office"))),
        [_("The Chief and Deputy Chiefs of the Office;"), _("The divisions;"),
         _("Archived: Records.")],
        "ra-soat",
    )  # fmt: skip
    request.step(30, _("Listing the overdue tasks"))
    doc.blocks += [
        Heading(_("I. BY DIVISION")),
        Paragraph(_("Open tasks on %(day)s, whenever assigned; urgings made by a person in the "
                    "period %(period)s.") % {"day": f"{today.date:%d/%m/%Y}",
                                              "period": _mid(period.label)}),
        Table([_("No."), _("Division"), *columns],
              [[i, label, *c] for i, (label, c) in enumerate(division_rows, 1)],
              ["", _("Total"), *[total[k] for k in REVIEW_COLUMNS]],
              [0.9, 4, 1.3, 1.3, 1.3, 1.3, 1.3], _("By division")),
        Heading(_("II. BY SPECIALIST")),
        Table([_("No."), _("Division"), _("Tracking specialist"), *columns],
              [[i, d, s, *c] for i, (d, s, c) in enumerate(specialist_rows, 1)],
              ["", "", _("Total"), *[total[k] for k in REVIEW_COLUMNS]],
              [0.9, 2.6, 2.6, 1.2, 1.2, 1.2, 1.2, 1.2], _("By specialist")),
        Heading(_("III. OVERDUE TASKS")),
        _overdue_table(tasks, today, _("Overdue tasks")),
    ]  # fmt: skip
    return doc


# --- A unit's own report ------------------------------------------------------------------------
def _unit(request: Request) -> Document:
    unit, today, period = request.unit, request.today, request.period
    scope = request.scope()
    request.step(5, _("Counting the tasks of the period"))
    board = stats.build(request.person, scope, today)
    governing = unit.supervising_committee
    doc = _document(
        unit, governing, request,
        _("Results of the tasks assigned to %(unit)s, %(period)s")
        % {"unit": unit.name, "period": _mid(period.name)},
        Signature(position=_upper(_("Head of the unit"))),
        [_("The Office of the People's Committee (to follow);"), _("Archived: Records.")],
        "don-vi",
    )  # fmt: skip
    closed = freezing.closed_for(governing, period) if governing is not None else None
    if closed is None:
        doc.blocks += [
            Heading(_("I. OVERALL RESULTS")),
            _summary(board, period, unit.name),
            _groups_table(_("By directive kind"), _("Directive kind"), board.by_kind,
                          board.totals, board.totals_links),
        ]  # fmt: skip
    else:
        # The committee closed the period: the unit's part of its closed figures, beside the
        # same part counted now (the committee's tasks its subtree leads).
        frozen = freezing.totals(closed, unit)
        committee_scope = stats.Scope(start=period.start, end=period.end, unit=governing)
        led = freezing.committee_tasks(governing, period).filter(
            lead_unit__path__startswith=unit.path
        )
        live = counting_groups(_seen(request, led), today.date)
        links = stats.group_links(committee_scope, unit=unit.pk, subunits="on")
        by_kind = freezing.rows_by(closed, "directive_kind", "", "", unit=unit,
                                   label_of=lambda key: DirectiveKind(key).label)  # fmt: skip
        doc.blocks += [
            Heading(_("I. OVERALL RESULTS")),
            _closed_on(closed),
            _frozen_table(_("By directive kind"), _("Directive kind"), by_kind, frozen),
            *_closed_and_current(closed, frozen, live, links, today, unit),
        ]  # fmt: skip
    doc.blocks += [
        Heading(_("II. OVERDUE TASKS")),
        _overdue_table(_seen(request, in_scope(unit)), today, _("Overdue tasks")),
    ]  # fmt: skip
    return doc
