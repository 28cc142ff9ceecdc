"""The dry run of a register import: every row, its errors by column, and what it would create.

``analyse`` reads nothing but the sheet and the organisation, and writes nothing: the preview page,
the command line and the import itself (which analyses the file again at the moment it saves)
all start from the same ``Preview``.

For each row of data, in the spreadsheet's order:
1. A row that only repeats one text across its cells (a section title merged across the
   sheet, "I. KHỐI KINH TẾ") is skipped, and said so.
2. A row with a document but no task names the directive of the rows under it that leave the
   document empty; a row with neither document nor date nor summary belongs to the directive of
   the row above (registers merge or leave blank the repeated cells).
3. Every cell is read by its column's field; a value that cannot be read is an error of that
   column, in the person's language. A unit not recognised in any unit column is an error.
4. The deadline is computed by the domain's own rules (``date_rules``: a day off moves to the
   next working day; "N ngày làm việc" counts working days from the day of assignment).
5. A finished task must say when; a register that says "on time" or "late" must agree with its
   dates, so the statistics of past months come out as the register counted them.
6. Rows with the same number, symbol and year make one directive with several tasks; a directive
   already in the system, or one number given two different dates, is an error.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives import date_rules
from chidao.directives.models import (
    AWAITING_CHECK_STATES,
    OPEN_STATES,
    DeadlineKind,
    Directive,
    DirectiveKind,
    State,
)
from chidao.org.models import FollowAssignment, Person, Unit
from chidao.registers import columns, values
from chidao.registers.matching import PersonIndex, UnitIndex
from chidao.registers.reading import Layout, Sheet
from chidao.workdays.calendar import WorkCalendar, resolve_date, resolve_working_days

Progress = Callable[[int, int], None]
ROW = ""  # an error of the whole row, not of one column


@dataclass
class DirectivePlan:
    """One directive the import would create."""

    key: tuple
    kind: str
    number: int | None
    symbol: str
    issued_on: datetime.date | None
    summary: str = ""
    signer: Person | None = None
    first_row: int = 0
    rows: list[int] = field(default_factory=list)

    @property
    def reference(self) -> str:
        if self.number is None:
            return ""
        return f"{self.number}/{self.symbol}" if self.symbol else str(self.number)


@dataclass
class TaskPlan:
    """One task the import would create, with its past as the register tells it."""

    row: int
    directive: DirectivePlan
    content: str
    lead_unit: Unit
    cooperating_units: list[Unit]
    assigned_on: datetime.date
    deadline_kind: str
    deadline: datetime.date | None
    deadline_basis: dict
    state: str
    completed_on: datetime.date | None = None
    progress: int | None = None
    result: str = ""
    late_explanation: str = ""
    directing_leader: Person | None = None
    specialist: Person | None = None
    product: str = ""
    note: str = ""
    source: dict = field(default_factory=dict)  # the register's cells, as typed

    @property
    def late(self) -> bool:
        return bool(self.deadline and self.completed_on and self.completed_on > self.deadline)


@dataclass
class RowResult:
    number: int  # the spreadsheet's own row number
    cells: dict[str, str]  # field → the cell as text
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field or ROW, why)
    warnings: list[str] = field(default_factory=list)
    task: TaskPlan | None = None
    skipped: str = ""  # why a row makes nothing (a title, a directive's own row)
    names: tuple | None = None  # the key of the directive this row names, if it names one

    def error(self, field_key: str, message: str) -> None:
        self.errors.append((field_key, message))


@dataclass
class Preview:
    file_name: str
    layout: Layout
    rows: list[RowResult] = field(default_factory=list)
    directives: list[DirectivePlan] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> list[TaskPlan]:
        return [r.task for r in self.rows if r.task is not None]

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.tasks)

    def column_of(self, field_key: str) -> str:
        """ "C (Thời hạn)": the column a field was read from, as the person sees it."""
        for column in self.layout.columns:
            if column.field == field_key:
                return f"{column.letter} ({column.title})"
        return ""

    def counts(self) -> dict[str, int]:
        """How many tasks would be created in each state, and how many were done late."""
        counts: dict[str, int] = {}
        for task in self.tasks:
            counts[task.state] = counts.get(task.state, 0) + 1
        counts["late"] = sum(1 for t in self.tasks if t.state == State.DONE and t.late)
        return counts


class _Context:
    """What the rows are checked against, read once."""

    def __init__(self, committee: Unit):
        self.committee = committee
        self.units = UnitIndex(committee)
        self.people = PersonIndex(committee)
        self.today = clock.today()
        self.calendar = WorkCalendar.current()
        self._follows: dict[int, Person | None] | None = None

    def follower(self, unit: Unit) -> Person | None:
        if self._follows is None:
            self._follows = {
                f.unit_id: f.specialist
                for f in FollowAssignment.objects.filter(
                    is_active=True, unit__in=self.units.units
                ).select_related("specialist")
            }
        return self._follows.get(unit.pk)


def analyse(
    sheet: Sheet,
    committee: Unit,
    layout: Layout,
    progress: Progress | None = None,
) -> Preview:
    preview = Preview(file_name=sheet.name, layout=layout)
    mapping = layout.mapping()
    present = set(mapping.values())
    for required in columns.REQUIRED:
        if required not in present:
            preview.file_errors.append(
                _("No column is “%(label)s”: choose it below among the file's columns.")
                % {"label": columns.BY_KEY[required].label}
            )
    if "reference" not in present and "kind" not in present:
        preview.file_errors.append(
            _("No column is “%(label)s”: choose it below among the file's columns.")
            % {"label": columns.BY_KEY["reference"].label}
        )
    if preview.file_errors:
        return preview
    context = _Context(committee)
    directives: dict[tuple, DirectivePlan] = {}
    current: DirectivePlan | None = None
    with_tasks: set[tuple] = set()  # the directives some row gives a task to
    data = sheet.rows[layout.first_data :]
    for done, (number, cells) in enumerate(data):
        if progress is not None and done % 250 == 0:
            progress(done, len(data))
        row = RowResult(number=number, cells=_cells(cells, mapping))
        preview.rows.append(row)
        if _is_title(cells, row.cells):
            row.skipped = _("A title row: nothing to import.")
            continue
        directive = _directive(row, context, directives, current)
        if directive is not None:
            current = directive
            row.names = directive.key
        if not row.cells.get("content") and not row.cells.get("lead_unit"):
            if directive is not None and not row.errors:
                row.skipped = _("The document of the rows below.")
            elif not row.errors:
                row.skipped = _("Nothing to import in this row.")
            continue
        if current is None and not row.errors:
            row.error("reference", _("The document is missing: give its number and symbol."))
        if current is not None:
            with_tasks.add(current.key)
        _task(row, context, current)
    for row in preview.rows:
        plan = directives.get(row.names) if row.names else None
        if plan is not None and plan.key not in with_tasks:
            row.error(ROW, _("No task follows this document."))
    _check_existing(preview, committee, directives)
    preview.directives = [d for d in directives.values() if d.rows]
    if not preview.tasks and not preview.error_rows:
        preview.file_errors.append(_("The file holds no task to import."))
    if progress is not None:
        progress(len(data), len(data))
    return preview


def _cells(cells: list, mapping: dict[int, str]) -> dict:
    out = {}
    for index, key in mapping.items():
        if key == columns.SKIP or index >= len(cells):
            continue
        value = cells[index]
        if value is not None and value != "":
            out[key] = value
    return out


def _is_title(cells: list, mapped: dict) -> bool:
    filled = [c for c in cells if c is not None and c != ""]
    return len(filled) >= 3 and len({values.text_of(c) for c in filled}) == 1


# --- The directive ------------------------------------------------------------------------------
def _directive(row: RowResult, context: _Context, directives: dict, current):
    """The directive this row names, or None when it names none (then the row above's)."""
    cells = row.cells
    raw_reference = cells.get("reference")
    names_nothing = not any(cells.get(k) for k in ("issued_on", "summary", "kind"))
    if raw_reference is None and names_nothing:
        return None
    number, symbol, issued_on, kind = None, "", None, None
    if raw_reference is not None:
        try:
            reference = values.parse_reference(raw_reference)
            number, symbol, issued_on, kind = (
                reference.number, reference.symbol, reference.date, reference.kind,
            )  # fmt: skip
        except ValueError as error:
            kind = values.kind_in(str(raw_reference))
            if kind != DirectiveKind.MEETING:
                row.error("reference", str(error))
    if cells.get("kind") is not None:
        try:
            kind = values.parse_kind(cells["kind"])
        except ValueError as error:
            row.error("kind", str(error))
    if cells.get("issued_on") is not None:
        try:
            issued_on = values.parse_date(cells["issued_on"])
        except ValueError as error:
            row.error("issued_on", str(error))
    if kind is None:
        kind = values.kind_of_symbol(symbol) if symbol else None
    if kind is None and number is None:
        if raw_reference is None and current is not None and not cells.get("issued_on"):
            return None  # only a summary repeated: still the row above's document
        row.error("reference", _("The document is missing: give its number and symbol."))
        return None
    if kind != DirectiveKind.MEETING and number is not None and not symbol:
        row.error("reference", _("Give the document's symbol, for example 123/UBND-KT."))
    if symbol and (len(symbol) > 40 or not all(p.isalnum() for p in symbol.split("-"))):
        row.error("reference", _("A symbol is made of letters and digits joined by hyphens."))
    if issued_on is None:
        if not any(f == "issued_on" for f, _m in row.errors):
            row.error("issued_on", _("Give the document's date (dd/mm/yyyy)."))
        return None
    try:
        date_rules.check_issue_date(issued_on)
    except ValidationError as error:
        row.error("issued_on", _messages(error))
        return None
    if row.errors:
        return None
    summary = values.text_of(cells.get("summary"))
    if kind == DirectiveKind.MEETING:
        key = ("meeting", issued_on, summary.casefold())
        number, symbol = None, ""
    else:
        key = (number, symbol, issued_on.year)
    plan = directives.get(key)
    if plan is None:
        plan = DirectivePlan(
            key=key, kind=kind, number=number, symbol=symbol, issued_on=issued_on,
            summary=summary, first_row=row.number,
        )  # fmt: skip
        directives[key] = plan
    elif plan.issued_on != issued_on:
        row.error("issued_on", _("Row %(row)d gives this document the date %(date)s.")
                  % {"row": plan.first_row, "date": f"{plan.issued_on:%d/%m/%Y}"})  # fmt: skip
        return None
    if summary and not plan.summary:
        plan.summary = summary
    signer_text = values.text_of(cells.get("signer"))
    if signer_text:
        signer, message = context.people.leader(signer_text)
        if message:
            row.error("signer", message)
        elif plan.signer is None:
            plan.signer = signer
    return plan


def _check_existing(preview: Preview, committee: Unit, directives: dict) -> None:
    """A document already in the system (imported before, or entered by hand) is an error of
    each of its rows: importing the same register twice creates nothing twice."""
    numbered = [d for d in directives.values() if d.number is not None]
    existing = set()
    for start in range(0, len(numbered), 400):
        chunk = numbered[start : start + 400]
        existing.update(
            Directive.objects.filter(
                issuer=committee,
                number__in={d.number for d in chunk},
                year__in={d.issued_on.year for d in chunk},
            ).values_list("number", "symbol", "year")
        )
    meetings = [d for d in directives.values() if d.number is None]
    if meetings:
        existing.update(
            ("meeting", issued_on, (name or "").casefold())
            for issued_on, name in Directive.objects.filter(
                issuer=committee, number__isnull=True,
                issued_on__in={d.issued_on for d in meetings},
            ).values_list("issued_on", "meeting_name")
        )  # fmt: skip
    if not existing:
        return
    for row in preview.rows:
        task = row.task
        if task is not None and task.directive.key in existing:
            row.error(
                "reference",
                _("%(document)s of %(date)s is already in the system.")
                % {"document": task.directive.reference or task.directive.summary,
                   "date": f"{task.directive.issued_on:%d/%m/%Y}"},
            )  # fmt: skip
            row.task = None
    for plan in directives.values():
        plan.rows = [r.number for r in preview.rows if r.task and r.task.directive is plan]


# --- The task -----------------------------------------------------------------------------------
def _task(row: RowResult, context: _Context, directive: DirectivePlan | None) -> None:
    cells = row.cells
    content = values.text_of(cells.get("content"))
    if not content:
        row.error("content", _("Describe the task."))
    lead = None
    lead_text = values.text_of(cells.get("lead_unit"))
    if not lead_text:
        row.error("lead_unit", _("Give the lead unit."))
    else:
        units, errors = context.units.find_many(lead_text)
        for message in errors:
            row.error("lead_unit", message)
        if len(units) > 1:
            row.error("lead_unit", _("A task has one lead unit; name the others as cooperating."))
        elif units and not errors:
            lead = units[0]
    cooperating: list[Unit] = []
    if cells.get("cooperating_units") is not None:
        cooperating, errors = context.units.find_many(values.text_of(cells["cooperating_units"]))
        for message in errors:
            row.error("cooperating_units", message)
        if lead is not None and lead in cooperating:
            cooperating.remove(lead)
            row.warnings.append(_("The lead unit was also named as cooperating: left out."))
    state_said = values.StateSaid(State.ASSIGNED)
    if cells.get("state") is not None:
        try:
            state_said = values.parse_state(cells["state"])
        except ValueError as error:
            row.error("state", str(error))
    completed_on = _date(row, "completed_on")
    if cells.get("state") is None and completed_on is not None:
        state_said = values.StateSaid(State.DONE)
    progress = state_said.percent
    if cells.get("progress") is not None:
        try:
            progress = values.parse_percent(cells["progress"])
        except ValueError as error:
            row.error("progress", str(error))
    directing_leader = _person(row, "directing_leader", context.people.leader)
    specialist = _person(row, "specialist", context.people.specialist)
    if directive is None:
        return
    assigned_on = _date(row, "assigned_on") or directive.issued_on
    if assigned_on < directive.issued_on:
        row.error("assigned_on", _("A task cannot be assigned before its document's date."))
    elif assigned_on > context.today:
        row.error("assigned_on", _("A task of a register is assigned today at the latest."))
    deadline_kind, due, basis = _deadline(row, context, assigned_on, directive.issued_on)
    if lead is None or row.errors:
        return
    state = state_said.state
    if state in OPEN_STATES and not lead.is_active:
        row.error("lead_unit", _("%(unit)s is dissolved: give the unit that took over its work.")
                  % {"unit": lead.name})  # fmt: skip
    if state in OPEN_STATES and any(not u.is_active for u in cooperating):
        row.error("cooperating_units", _("A dissolved unit cannot cooperate."))
    finished = state == State.DONE or state in AWAITING_CHECK_STATES
    if finished:
        if completed_on is None:
            row.error("completed_on", _("Give the day it was done (dd/mm/yyyy)."))
        elif completed_on < assigned_on:
            row.error("completed_on", _("Done before it was assigned: check the dates."))
        elif completed_on > context.today:
            row.error("completed_on", _("Done after today: check the date."))
    elif completed_on is not None and state not in (State.SUSPENDED, State.CANCELLED):
        row.error("completed_on", _("A day of completion is given but the state is “%(state)s”.")
                  % {"state": State(state).label})  # fmt: skip
    if row.errors:
        return
    late = bool(due and completed_on and completed_on > due)
    if state == State.DONE and state_said.lateness == "on_time" and late:
        row.error(
            "state",
            _("Said done on time, but done on %(done)s after the deadline %(due)s.")
            % {"done": _dmy(completed_on), "due": _dmy(due)},
        )
    if state == State.DONE and state_said.lateness == "late" and due and not late:
        row.error(
            "state",
            _("Said done late, but done on %(done)s, within the deadline %(due)s.")
            % {"done": _dmy(completed_on), "due": _dmy(due)},
        )
    if state == State.DONE and due is None and state_said.lateness == "late":
        row.error("deadline", _("Said done late, but no deadline is given."))
    explanation = values.text_of(cells.get("late_explanation"))
    if late and not explanation:
        row.warnings.append(_("Done late with no explanation in the register."))
    elif explanation and not late:
        row.warnings.append(_("Not late: the explanation is kept only on the timeline."))
    if row.errors:
        return
    if specialist is None:
        specialist = context.follower(lead)
    directive.rows.append(row.number)
    row.task = TaskPlan(
        row=row.number,
        directive=directive,
        content=content,
        lead_unit=lead,
        cooperating_units=cooperating,
        assigned_on=assigned_on,
        deadline_kind=deadline_kind,
        deadline=due,
        deadline_basis=basis,
        state=state,
        completed_on=completed_on if (finished or state in (State.SUSPENDED, State.CANCELLED))
        else None,
        progress=100 if state == State.DONE else progress,
        result=values.text_of(cells.get("result")),
        late_explanation=explanation,
        directing_leader=directing_leader,
        specialist=specialist,
        product=values.text_of(cells.get("product"))[:200],
        note=values.text_of(cells.get("note")),
        source={k: values.text_of(v) for k, v in cells.items()},
    )  # fmt: skip


def _deadline(row: RowResult, context: _Context, assigned_on, issued_on):
    """The deadline kind, due date and basis, by ``date_rules``' checks and the working-day
    calendar read once for the whole file (not once per row)."""
    try:
        said = values.parse_deadline(row.cells.get("deadline"))
    except ValueError as error:
        row.error("deadline", str(error))
        return DeadlineKind.NONE, None, {}
    try:
        if said.kind == "none":
            if row.cells.get("deadline") is None:
                row.warnings.append(_("No deadline: imported as an ongoing task."))
            return DeadlineKind.NONE, None, {}
        if said.kind == "working_days":
            date_rules.check_working_days(said.count)
            rule = resolve_working_days(assigned_on, said.count, context.calendar)
            date_rules.check_extended_deadline(rule.due, issued_on, "working_days")
            return DeadlineKind.WORKING_DAYS, rule.due, rule.basis
        day = said.date
        if said.kind == "days":
            day = assigned_on + datetime.timedelta(days=said.count)
        if day < assigned_on:  # as ``date_rules.deadline_on`` refuses it
            raise ValidationError(_("The deadline cannot be before the day of assignment."))
        date_rules.check_extended_deadline(day, issued_on, "deadline_date")
        rule = resolve_date(day, context.calendar)
        return DeadlineKind.DATE, rule.due, rule.basis
    except ValidationError as error:
        row.error("deadline", _messages(error))
        return DeadlineKind.NONE, None, {}


def _date(row: RowResult, key: str) -> datetime.date | None:
    value = row.cells.get(key)
    if value is None:
        return None
    try:
        return values.parse_date(value)
    except ValueError as error:
        row.error(key, str(error))
        return None


def _person(row: RowResult, key: str, find) -> Person | None:
    text = values.text_of(row.cells.get(key))
    if not text:
        return None
    person, message = find(text)
    if message:
        row.error(key, message)
    return person


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"
