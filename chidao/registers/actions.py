"""Importing a register: every write of the import, each atomic and permission-checked.

``upload`` keeps the file and its dry run; ``remap`` reads it again with the columns the person
chose; ``import_register`` reads it once more and, only when every row is valid, creates every
directive and task in one transaction, or nothing. Who may import is who may enter the
committee's directives (``Action.ISSUE`` on the committee).
"""

import hashlib
import io
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.core.text import fold
from chidao.directives import timeline
from chidao.directives.actions.base import require
from chidao.directives.models import (
    Cause,
    Cooperation,
    Directive,
    DirectiveKind,
    EventKind,
    LateExplanation,
    Task,
)
from chidao.org.models import Person, Unit
from chidao.org.permissions import Action
from chidao.registers import reading, report
from chidao.registers.models import ImportState, RegisterImport
from chidao.registers.preview import Preview, analyse
from chidao.registers.reading import Layout, Sheet

Progress = Callable[[int, int, str], None]


class ImportRefusedError(ValidationError):
    """The file is not (or no longer) valid: nothing was created. ``preview`` says why."""

    def __init__(self, preview: Preview):
        super().__init__(_("The register has errors: nothing was imported."))
        self.preview = preview


def layout_for(sheet: Sheet, mapping: dict | None = None) -> Layout:
    """The header found in the sheet, with the person's own choices of columns on top."""
    layout = reading.find_layout(sheet)
    if mapping:
        for column in layout.columns:
            chosen = mapping.get(str(column.index))
            if chosen is not None:
                column.field = chosen or None
    return layout


def check(committee: Unit, file, name: str, mapping: dict | None = None,
          progress: Progress | None = None) -> Preview:  # fmt: skip
    """The dry run of a file: reads, checks, writes nothing (``reading.UnreadableError`` when the
    file cannot be read at all)."""
    sheet = reading.read(file, name)
    layout = layout_for(sheet, mapping)
    tell = (lambda done, total: progress(done, total, _("Checking the rows"))) if progress else None
    preview = analyse(sheet, committee, layout, tell)
    _check_mapping(preview)
    return preview


def _check_mapping(preview: Preview) -> None:
    seen: dict[str, str] = {}
    for column in preview.layout.columns:
        if not column.field:
            continue
        if column.field in seen:
            preview.file_errors.append(
                _("Columns %(a)s and %(b)s are both read as “%(field)s”: choose one.")
                % {"a": seen[column.field], "b": column.letter,
                   "field": reading.columns.BY_KEY[column.field].label}
            )  # fmt: skip
        seen[column.field] = column.letter


def _store(record: RegisterImport, preview: Preview) -> None:
    record.report = report.build(preview)
    record.task_count = len(preview.tasks)
    record.error_count = preview.error_count
    record.mapping = {str(c.index): c.field or "" for c in preview.layout.columns}


@transaction.atomic
def upload(actor: Person, committee: Unit, file, name: str,
           progress: Progress | None = None) -> RegisterImport:  # fmt: skip
    """Keep the register and its dry run (``reading.UnreadableError`` when it cannot be read:
    then nothing is kept)."""
    require(actor, Action.ISSUE, committee)
    data = file.read()
    preview = check(committee, io.BytesIO(data), name, progress=progress)
    record = RegisterImport(
        committee=committee,
        uploaded_by=actor,
        file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    _store(record, preview)
    record.file.save(name[-100:], ContentFile(data), save=False)
    record.save()
    return record


def _read_again(record: RegisterImport, progress: Progress | None = None) -> Preview:
    with record.file.open("rb") as stored:
        data = stored.read()
    return check(record.committee, io.BytesIO(data), record.file_name, record.mapping, progress)


@transaction.atomic
def remap(actor: Person, record: RegisterImport, mapping: dict) -> RegisterImport:
    """Read the file again with the columns the person chose."""
    record = RegisterImport.objects.select_for_update().get(pk=record.pk)
    require(actor, Action.ISSUE, record.committee)
    _require_open(record)
    known = set(reading.columns.BY_KEY) | {reading.columns.SKIP}
    record.mapping = {
        str(index): field for index, field in mapping.items() if field in known
    }  # fmt: skip
    _store(record, _read_again(record))
    record.save()
    return record


@transaction.atomic
def discard(actor: Person, record: RegisterImport) -> RegisterImport:
    record = RegisterImport.objects.select_for_update().get(pk=record.pk)
    require(actor, Action.ISSUE, record.committee)
    _require_open(record)
    record.state = ImportState.DISCARDED
    record.save(update_fields=["state"])
    return record


def _require_open(record: RegisterImport) -> None:
    if record.state != ImportState.CHECKED:
        raise ValidationError(
            _("This file is already %(state)s.")
            % {"state": ImportState(record.state).label.lower()},
            code="not_open",
        )


def import_register(actor: Person, record: RegisterImport,
                    progress: Progress | None = None) -> RegisterImport:  # fmt: skip
    """Read the file once more and create everything, all or nothing. A file that is no longer
    valid (a document entered meanwhile, a unit dissolved) raises ``ImportRefusedError`` with
    the new dry run, which is kept for the page."""
    with transaction.atomic():
        record = (
            RegisterImport.objects.select_for_update().select_related("committee").get(pk=record.pk)
        )
        require(actor, Action.ISSUE, record.committee)
        _require_open(record)
        preview = _read_again(record, progress)
        if preview.is_valid:
            directives, tasks = save(actor, record.committee, preview, progress)
            _store(record, preview)
            record.state = ImportState.IMPORTED
            record.imported_at = clock.now()
            record.directives_created, record.tasks_created = directives, tasks
            record.save()
            return record
    with transaction.atomic():
        _store(record, preview)
        record.save()
    raise ImportRefusedError(preview)


def save(actor: Person | None, committee: Unit, preview: Preview,
         progress: Progress | None = None) -> tuple[int, int]:  # fmt: skip
    """Create the directives and tasks of a valid preview; the caller holds the transaction.
    Each task's timeline starts with one IMPORTED step: the register's file and row, who
    imported it, and the past it tells (its dates and state are the task's own fields, which the
    statistics count). Returns how many directives and tasks were created."""
    if not preview.is_valid:
        raise ImportRefusedError(preview)
    require(actor, Action.ISSUE, committee)
    name = preview.file_name
    created: dict[tuple, Directive] = {}
    for plan in preview.directives:
        meeting = plan.kind == DirectiveKind.MEETING
        directive = Directive(
            issuer=committee,
            kind=plan.kind,
            number=plan.number,
            symbol=plan.symbol,
            issued_on=plan.issued_on,
            signer=plan.signer,
            summary=plan.summary,
            meeting_name=(plan.summary or name)[:300] if meeting else "",
            imported_from=name[:255],
            created_by=actor,
        )
        # The dry run checked the fields and that no such document exists (the unique
        # constraint still refuses a duplicate, rolling everything back); the model's own
        # rules run here without a query per directive. A register without summaries leaves it
        # empty, as it leaves the signer.
        directive.clean()
        directive.save()
        created[plan.key] = directive
    plans = preview.tasks
    tasks = []
    for done, plan in enumerate(plans):
        if progress is not None and done % 500 == 0:
            progress(done, len(plans), _("Creating the tasks"))
        task = Task(
            directive=created[plan.directive.key],
            content=plan.content,
            lead_unit=plan.lead_unit,
            assigner_unit=committee,
            directing_leader=plan.directing_leader,
            specialist=plan.specialist,
            sector_block=plan.lead_unit.sector_block,
            product=plan.product,
            assigned_on=plan.assigned_on,
            deadline_kind=plan.deadline_kind,
            original_deadline=plan.deadline,
            deadline=plan.deadline,
            deadline_basis=plan.deadline_basis,
            state=plan.state,
            progress_percent=plan.progress,
            completed_on=plan.completed_on,
            result=plan.result,
            created_by=actor,
        )
        task.set_directive_kind()  # bulk_create does not call save()
        task.set_search_text()
        tasks.append(task)
    # In bulk: thousands of rows in seconds (a row at a time took minutes).
    Task.objects.bulk_create(tasks, batch_size=500)
    cooperations, explanations, first_steps = [], [], []
    for plan, task in zip(plans, tasks, strict=True):
        cooperations.extend(Cooperation(task=task, unit=unit) for unit in plan.cooperating_units)
        data = {
            "file": name,
            "row": plan.row,
            "state": plan.state,
            "assigned_on": plan.assigned_on,
            "deadline": plan.deadline,
            "completed_on": plan.completed_on,
            "progress": plan.progress,
            "result": plan.result,
            "note": plan.note,
            "source": plan.source,
        }
        if plan.late_explanation:
            data["explanation"] = plan.late_explanation
            if plan.late:
                explanations.append(LateExplanation(
                    task=task, cause=_cause(plan.late_explanation),
                    explanation=plan.late_explanation, remedy="", submitted_by=actor,
                ))  # fmt: skip
        first_steps.append((task, EventKind.IMPORTED, actor, data))
    if progress is not None:
        progress(len(plans) * 9 // 10, len(plans), _("Creating the tasks"))
    timeline.record_first(first_steps)
    LateExplanation.objects.bulk_create(explanations, batch_size=500)
    Cooperation.objects.bulk_create(cooperations, batch_size=500)
    if progress is not None:
        progress(len(plans), len(plans), _("Creating the tasks"))
    return len(created), len(tasks)


def _cause(text: str) -> str:
    """The cause when the register names it; left empty rather than guessed."""
    folded = fold(text)
    if "chu quan" in folded:
        return Cause.SUBJECTIVE
    if "khach quan" in folded:
        return Cause.OBJECTIVE
    return ""
