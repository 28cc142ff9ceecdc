"""The task list and the task page."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from chidao.core.htmx import is_htmx
from chidao.core.replica import reads_for
from chidao.directives import actions, forms, freshness
from chidao.directives.export import xlsx_response
from chidao.directives.filters import TaskFilterForm
from chidao.directives.models import LEVEL_ORDER, Attachment, Cooperation, Decision, Task
from chidao.directives.rows import TaskRow
from chidao.directives.timeliness import Today, colour_of, is_stale, rollup, timeliness_of
from chidao.org.models import Person
from chidao.org.permissions import Action, can, check, visible_tasks, visible_units

PAGE_SIZE = 50
LATE_FIELDS = "cause explanation remedy"  # shown on a report only when the task is late
# A list of the task page longer than this shows its first ``FOLD_AFTER`` items, the others
# behind "show all"; the timeline, longer than ``FOLD_EVENTS_AFTER``, its latest ones.
FOLD_AFTER, FOLD_EVENTS_AFTER = 5, 10
# What a row of the list shows (``_task_rows.html``), fetched for its page and nothing more.
ROW_FIELDS = (
    *TaskRow.FIELDS,
    "directive__number", "directive__symbol", "directive__meeting_name", "directive__issued_on",
    "directive__is_confidential", "specialist__full_name",
)  # fmt: skip


class KeptPaginator(Paginator):
    """The list's total and each page's tasks (with ``fields``), computed once per stamp of the
    data (``freshness``): everyone opening the same list shares them until a change anywhere.

    On PostgreSQL a page's tasks are found by their ids alone, then only those are joined: it
    sorts thousands of narrow rows to keep fifty, instead of joining every match to its
    directive first (a unit with 4,000 overdue tasks: 17 ms down to 8). SQLite sorts the ids in
    a temporary tree and then the page again: it reads the page whole (measured, 49 ms against
    57 for the all-units list at 100,000 tasks)."""

    def __init__(self, tasks, per_page: int, today: Today, fields: tuple[str, ...]):
        super().__init__(tasks.only(*fields), per_page)
        self.today, self.fresh, self.fields = today, freshness.stamp(), fields

    @cached_property
    def count(self) -> int:
        ids = self.object_list.values("pk")
        return freshness.of_tasks(self.fresh, "count", ids, self.object_list.count)

    def _get_page(self, object_list, number, paginator):
        """The page's tasks and rows come when asked for; its lines' markup (``lines``) is kept
        with them, so that a page seen again makes neither."""
        ids = object_list.values("pk")
        if connections[object_list.db].vendor == "postgresql":
            object_list = self.object_list.filter(pk__in=ids)
        what = f"page:{','.join(self.fields)}"

        def tasks() -> list[Task]:
            return freshness.of_tasks(self.fresh, what, ids, lambda: list(object_list))

        page = super()._get_page(freshness.OnDemand(tasks), number, paginator)
        page.rows = freshness.OnDemand(lambda: TaskRow.many(page, self.today))
        page.lines = freshness.drawn(
            self.fresh, what, ids,
            lambda: render_to_string("directives/_task_lines.html", {"rows": page.rows}),
        )  # fmt: skip
        return page


@require_GET
@login_required
def task_list(request):
    """Danh sách nhiệm vụ: filters in the URL, so a list can be shared or exported as it is."""
    # The stamp first: its query also reads the version the person's roles are kept under.
    freshness.stamp()
    form = TaskFilterForm(request.user, request.GET or None)
    today = Today.now()
    tasks = form.tasks(today)
    if request.GET.get("format") == "xlsx":
        return export_tasks(request, tasks, today)
    paginator = KeptPaginator(tasks, PAGE_SIZE, today, ROW_FIELDS)
    page = paginator.get_page(request.GET.get("page"))
    query = form.query_string()
    context = {"form": form, "page": page, "rows": page.rows, "query": query}
    urge_unit = form.urge_all_unit()
    if urge_unit is not None:
        overdue = actions.overdue_of(request.user, urge_unit, today)
        context["urge"] = {
            "unit": urge_unit,
            "count": freshness.count(paginator.fresh, overdue),
            "form": forms.UrgeOverdueForm(
                visible_units(request.user), initial={"unit": urge_unit.pk}
            ),
        }
    if not is_htmx(request):
        return render(request, "directives/task_list.html", context)
    response = render(request, "directives/_task_rows.html", context)
    # The address bar gets the same query as the export and page links (no empty fields), plus
    # the page shown: opened again, it shows this very list.
    if page.number > 1:
        query = form.query_string(page=page.number)
    response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
    return response


def _side(task: Task, fresh: str) -> tuple[str, list]:
    """The task's files and timeline drawn (``_task_side.html``), with the directive's own files
    (the details name them): one query of files, one of events. Both are the same for whoever
    may see the task, so they are drawn once per stamp of the data and language."""

    def draw():
        events = list(task.events.select_related("actor"))
        attachments = list(
            Attachment.objects.filter(
                Q(task=task) | Q(directive_id=task.directive_id, task__isnull=True)
            )
            .select_related("uploaded_by")
            .defer("uploaded_by__password")  # the directive's files are kept with the markup
        )
        by_event = defaultdict(list)
        for attachment in attachments:
            by_event[attachment.event_id].append(attachment)
        for event in events:  # an event's files are the task's files too
            event.files = by_event.get(event.pk, [])
        files = [a for a in attachments if a.task_id is not None]
        folded = len(events) > FOLD_EVENTS_AFTER
        context = {
            "files": files,
            "events": events,
            "fold": {"files": len(files) > FOLD_AFTER},
            "fold_after": FOLD_AFTER,
            "earlier_events": len(events) - FOLD_AFTER if folded else 0,
        }
        markup = render_to_string("directives/_task_side.html", context)
        return markup, [a for a in attachments if a.task_id is None]

    return freshness.remember(fresh, f"task-side:{get_language()}:{task.pk}", draw)


def _fetch_people(task: Task) -> None:
    """The directing leader, the specialist, the signer and the meeting's chair, in one query."""
    directive = task.directive
    links = (
        (task, "directing_leader"), (task, "specialist"),
        (directive, "signer"), (directive, "meeting_chair"),
    )  # fmt: skip
    ids = {getattr(obj, f"{name}_id") for obj, name in links} - {None}
    people = Person.objects.only("username", "full_name").in_bulk(ids)
    for obj, name in links:
        person = people.get(getattr(obj, f"{name}_id"))
        if person is not None:
            setattr(obj, name, person)


def export_tasks(request, tasks, today: Today):
    """The list as .xlsx, read from the replica when there is one (the filters and what the
    person may see were read from the primary when the list was built)."""
    with reads_for(request):
        return xlsx_response(tasks, today, f"nhiem-vu-{today.date:%Y%m%d}.xlsx")


@require_GET
@login_required
def task_detail(request, pk: int):
    fresh = freshness.stamp()
    page = freshness.remember(fresh, f"task-page:{pk}", lambda: _read_page(pk) or False)
    if not page:
        raise Http404
    check(request.user, Action.VIEW, page.task)
    return render_task(request, page.task, page=page, fresh=fresh)


@dataclass
class TaskPage:
    """What the task page reads of the task itself: the same for whoever may see it, so kept
    under the stamp of the data. The permission check reads the same task (its units and
    cooperating units), as fresh as the rest."""

    task: Task
    extensions: list
    difficulties: list
    has_parts: bool


def _read_page(pk: int) -> TaskPage | None:
    """The task with its units, sector block and cooperating units (one query each: a
    ten-table join plans longer than it runs), the people it names, its extensions and
    difficulties, and whether it has parts."""
    task = (
        Task.objects.select_related("directive", "lead_unit", "assigner_unit", "sector_block")
        .prefetch_related(
            Prefetch("cooperations", queryset=Cooperation.objects.select_related("unit"))
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        return None
    _fetch_people(task)
    return TaskPage(
        task,
        # Kept in the shared cache: the people's names, never their password hashes.
        extensions=list(
            task.extensions.select_related("requested_by", "decided_by").defer(
                "requested_by__password", "decided_by__password"
            )
        ),
        difficulties=list(
            task.difficulties.select_related("raised_by", "answered_by").defer(
                "raised_by__password", "answered_by__password"
            )
        ),
        has_parts=task.children.exists(),
    )


# Forms drawn the same wherever they are shown: their fields' markup depends only on the form's
# class, prefix and initial values, whether the task is late (the report's fields on a delay) and
# the language, so it is drawn once per process (up to KEPT_MARKUPS of them at a time). A form
# bound to input, or offering choices of its task (the lower units to assign to), is drawn each
# time.
UNIFORM_FORMS = (
    forms.EmptyForm,
    forms.TextForm,
    forms.ProgressForm,
    forms.ReportForm,
    forms.ExtensionRequestForm,
    forms.ExtensionDecisionForm,
    forms.GuidanceForm,
    forms.CooperationForm,
    forms.ReasonForm,
    forms.NoteForm,
    forms.UrgeForm,
)
KEPT_MARKUPS = 1000
_FIELDS_MARKUP: dict[tuple, str] = {}


def _fields_markup(form, late_now: bool | None = None) -> str | None:
    """The fields of ``form`` as ``_form_fields.html`` draws them; ``late_now`` for a step's
    form (a report asks why only when the task is late), None for a form beside the steps."""
    if type(form) not in UNIFORM_FORMS or form.is_bound:
        return None
    initial = tuple(sorted((name, repr(value)) for name, value in form.initial.items()))
    # The file fields say the size limit: a setting, but tests change it.
    key = (type(form), form.prefix, initial, late_now, get_language(),
           settings.CHIDAO_UPLOAD_MAX_MB)  # fmt: skip
    markup = _FIELDS_MARKUP.get(key)
    if markup is None:
        context = {"form": form, "with_summary": True}
        if late_now is not None:
            context.update(late_fields=LATE_FIELDS, late_now=late_now)
        markup = render_to_string("directives/_form_fields.html", context)
        if len(_FIELDS_MARKUP) >= KEPT_MARKUPS:
            _FIELDS_MARKUP.clear()  # rarely: pending decisions and shares come and go
        _FIELDS_MARKUP[key] = markup
    return markup


def render_task(request, task: Task, failed=None, status: int = 200, page=None, fresh=None):
    """The task page; ``failed`` = (form key, bound form) re-shows a refused step's input, with
    the task as it stands now."""
    from types import SimpleNamespace

    from chidao.directives.views.steps import (
        ON_REQUEST,
        PRIMARY_STEPS,
        STEP_LABELS,
        offered_steps,
        step_form,
    )

    fresh = fresh or freshness.stamp()
    page = page or _read_page(task.pk)
    task = page.task
    person = request.user
    today = Today.now()
    failed_key, failed_form = failed or (None, None)

    def form_for(key, make):
        return failed_form if key == failed_key else make()

    late_now = task.deadline is not None and today.date > task.deadline
    steps = offered_steps(person, task)
    primary = next((s for s in steps if s in PRIMARY_STEPS), None)
    step_forms = []
    for key in steps:
        if key in ON_REQUEST and key != failed_key:
            # A form whose choices are the committee's units and people: built when asked for
            # (``take_step`` by GET), not on every view of the task.
            step_forms.append(SimpleNamespace(key=key, label=STEP_LABELS[key], form=None,
                                              primary=False, open=False))  # fmt: skip
            continue
        form = form_for(key, lambda s=key: step_form(s, task, person=person))
        # Shown open: the step that was refused, or else the primary step when it asks for
        # nothing more than a press (and an optional note).
        needs_input = any(f.required for f in form.fields.values())
        opened = key == failed_key if failed_key in steps else key == primary and not needs_input
        step_forms.append(SimpleNamespace(key=key, label=STEP_LABELS[key], form=form,
                                          primary=key == primary, open=opened,
                                          fields=_fields_markup(form, late_now)))  # fmt: skip
    # An extension the person could ask for but that would be refused whatever they proposed
    # (the deadline has passed, one is pending, the most allowed were granted): say why instead.
    extension_withheld = None
    asking = actions.STEPS["request_extension"]
    if (
        "request_extension" not in steps
        and task.state in asking.from_states
        and can(person, asking.action, task)
    ):
        refusal = actions.extension_refusal(task)
        if refusal is not None and refusal.code != "no_deadline":
            extension_withheld = refusal.messages[0]
    extensions, difficulties = page.extensions, page.difficulties
    cooperations = list(task.cooperations.all())  # prefetched with their units
    for cooperation in cooperations:
        cooperation.task = task
        if task.is_open and can(person, Action.COOPERATE, cooperation):
            key = f"cooperation-{cooperation.pk}"
            cooperation.form = form_for(key, lambda c=cooperation, k=key: forms.CooperationForm(
                prefix=k, initial={"status": c.status, "note": c.note}))  # fmt: skip
            cooperation.fields = _fields_markup(cooperation.form)
    may_decide = can(person, Action.DECIDE_EXTENSION, task)
    for extension in extensions:
        if may_decide and extension.decision == Decision.PENDING:
            key = f"extension-{extension.pk}"
            extension.form = form_for(key, lambda k=key, e=extension: forms.ExtensionDecisionForm(
                prefix=k, initial={"approve": "yes", "date": e.proposed_date}))  # fmt: skip
            extension.fields = _fields_markup(extension.form)
    for difficulty in difficulties:
        difficulty.task = task
        if difficulty.is_open and can(person, Action.ANSWER, difficulty):
            key = f"difficulty-{difficulty.pk}"
            difficulty.form = form_for(key, lambda k=key: forms.GuidanceForm(prefix=k))
            difficulty.fields = _fields_markup(difficulty.form)
            difficulty.may_escalate = difficulty.addressed_to != LEVEL_ORDER[-1]
    children = (
        list(
            visible_tasks(person)
            .filter(parent=task)
            .select_related("lead_unit")
            .order_by("deadline", "pk")
        )
        if page.has_parts
        else []
    )
    shown = {step.key for step in step_forms} | {
        f"{prefix}-{obj.pk}"
        for prefix, objects in (
            ("cooperation", cooperations),
            ("extension", extensions),
            ("difficulty", difficulties),
        )
        for obj in objects
        if getattr(obj, "form", None) is not None
    }
    # A refused step whose form is no longer offered (someone acted first) still says why.
    refusal = failed_form.errors if failed_form is not None and failed_key not in shown else None
    side, directive_files = _side(task, fresh)
    # A section holding a form for this person (a decision, guidance, the unit's share) comes up
    # with the steps; the others follow the details, their long lists folded.
    acting = {
        "extensions": any(getattr(e, "form", None) is not None for e in extensions),
        "difficulties": any(getattr(d, "form", None) is not None for d in difficulties),
        "cooperations": any(getattr(c, "form", None) is not None for c in cooperations),
    }
    fold = {
        "cooperations": len(cooperations) > FOLD_AFTER,
        "children": len(children) > FOLD_AFTER,
        "extensions": len(extensions) > FOLD_AFTER,
        "difficulties": len(difficulties) > FOLD_AFTER,
    }
    context = {
        "task": task,
        "timeliness": timeliness_of(task, today),
        "colour": colour_of(task, today),
        "late_now": late_now,
        "late_fields": LATE_FIELDS,
        "stale": is_stale(task, today),
        "step_forms": step_forms,
        "extension_withheld": extension_withheld,
        "failed_key": failed_key,
        "failed": failed_form is not None and failed_form.is_bound,
        "refusal": refusal,
        "cooperations": cooperations,
        "side": side,
        "acting": acting,
        "fold": fold,
        "fold_after": FOLD_AFTER,
        "directive_files": directive_files,
        "extensions": extensions,
        "difficulties": difficulties,
        "children": TaskRow.many(children, today),
        # The task a part came from is named only to those who may see it.
        "parent_visible": task.parent_id is not None and can(person, Action.VIEW, task.parent),
        "series_visible": task.series_id is not None and can(person, Action.VIEW, task.series),
        # Every part counts, seen or not: the same for everyone, so kept under the stamp.
        "rollup": freshness.remember(fresh, f"rollup:{task.pk}", lambda: rollup(task, today.date))
        if children
        else None,
    }
    return render(request, "directives/task_detail.html", context, status=status)
