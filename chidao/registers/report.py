"""The preview as plain data: what the preview page stores and renders, and what the command
prints. Every message is already in the person's language; dates are dd/mm/yyyy."""

from django.utils.translation import gettext as _

from chidao.directives.models import DeadlineKind, DirectiveKind, State
from chidao.registers import columns
from chidao.registers.preview import ROW, Preview, TaskPlan


def _dmy(day) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def deadline_text(task: TaskPlan) -> str:
    if task.deadline is not None:
        return _dmy(task.deadline)
    return str(DeadlineKind(task.deadline_kind).label)


def state_text(task: TaskPlan) -> str:
    label = str(State(task.state).label)
    if task.state == State.DONE and task.completed_on:
        lateness = _("late") if task.late else _("on time")
        return f"{label} {_dmy(task.completed_on)} ({lateness})"
    if task.completed_on:
        return f"{label} {_dmy(task.completed_on)}"
    if task.progress is not None:
        return f"{label} ({task.progress}%)"
    return label


def where(preview: Preview, field_key: str) -> str:
    if field_key == ROW:
        return _("whole row")
    return preview.column_of(field_key) or columns.BY_KEY[field_key].label


def build(preview: Preview) -> dict:
    """The preview page's content."""
    rows = []
    for row in preview.rows:
        item = {
            "row": row.number,
            "errors": [{"column": where(preview, k), "message": m} for k, m in row.errors],
            "warnings": list(row.warnings),
            "skipped": row.skipped,
        }
        task = row.task
        if task is not None:
            directive = task.directive
            item["task"] = {
                "directive": directive.reference or directive.summary[:80],
                "kind": str(DirectiveKind(directive.kind).label),
                "issued_on": _dmy(directive.issued_on),
                "content": task.content[:300],
                "lead_unit": task.lead_unit.name,
                "cooperating": ", ".join(u.name for u in task.cooperating_units),
                "assigned_on": _dmy(task.assigned_on),
                "deadline": deadline_text(task),
                "state": state_text(task),
                "state_key": task.state,
                "late": task.state == State.DONE and task.late,
            }
        else:
            item["cells"] = {k: _short(v) for k, v in row.cells.items()}
        rows.append(item)
    counts = preview.counts()
    return {
        "file_name": preview.file_name,
        "valid": preview.is_valid,
        "file_errors": list(preview.file_errors),
        "error_count": preview.error_count,
        "error_rows": len(preview.error_rows),
        "task_count": len(preview.tasks),
        "directive_count": len(preview.directives),
        "row_count": len(preview.rows),
        "counts": [
            {"state": str(State(s).label), "count": counts[s]}
            for s in State.values
            if counts.get(s)
        ],
        "late": counts.get("late", 0),
        "header_rows": preview.layout.header_rows,
        "columns": [
            {"index": c.index, "letter": c.letter, "title": c.title, "field": c.field or ""}
            for c in preview.layout.columns
        ],
        "rows": rows,
    }


def _short(value) -> str:
    from chidao.registers.values import text_of

    text = text_of(value)
    return text if len(text) <= 120 else text[:119] + "…"


def lines(preview: Preview) -> list[str]:
    """The preview as lines of text, for the command line."""
    out = []
    for message in preview.file_errors:
        out.append(_("File: %(message)s") % {"message": message})
    for row in preview.rows:
        for field_key, message in row.errors:
            out.append(
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": row.number, "column": where(preview, field_key), "message": message}
            )
    counts = preview.counts()
    out.append(
        _("%(rows)d rows read; %(tasks)d tasks of %(directives)d directives would be created; "
          "%(errors)d errors.")
        % {"rows": len(preview.rows), "tasks": len(preview.tasks),
           "directives": len(preview.directives), "errors": preview.error_count}
    )  # fmt: skip
    states = ", ".join(f"{State(s).label}: {counts[s]}" for s in State.values if counts.get(s))
    if states:
        out.append(states + (f"; {_('done late')}: {counts['late']}" if counts.get("late") else ""))
    return out
