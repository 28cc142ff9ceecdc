"""POST endpoints of the workflow steps: parse the step's form, let the action decide, respond.

A refused or invalid step re-renders the task page (422) with a summary of the messages at the
top of the step's form, the messages next to the fields, and nothing saved (the action raises
before it writes). That page is shown at the step's address; the page itself puts the task's
address back in the address bar, and a GET on a step's address (reloaded or shared without
JavaScript) is sent to the task page instead of answering 405.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from chidao.core.params import local_path
from chidao.directives import actions, forms
from chidao.directives.actions.issue import subassign_targets
from chidao.directives.models import Cooperation, Difficulty, Extension, Task
from chidao.directives.views.tasks import render_task
from chidao.org.permissions import Action, can, check, visible_units


def _spec(actor, task, d):
    return actions.TaskSpec(
        content=d["content"], lead_unit=d["lead_unit"], deadline_date=d["deadline_date"]
    )


# A step's address answers POST; GET and HEAD go to the task page.
step_address = require_http_methods(["GET", "HEAD", "POST"])

# The step the person is most likely there to take: the first of these they may take is shown
# highlighted at the top of the task page, and open when it asks for nothing (receive, propose,
# confirm: one press); a longer form (report) stays folded until they open it.
PRIMARY_STEPS = ("receive", "report", "propose", "confirm")

# step -> (form, how to call the action with the form's cleaned data, success message)
STEPS = {
    "receive": (forms.EmptyForm, lambda a, t, d, f: actions.receive(a, t), _("Task received.")),
    "update": (
        forms.ProgressForm,
        lambda a, t, d, f: actions.post_progress(a, t, d["text"], d["percent"], d["files"]),
        _("Progress posted."),
    ),
    "comment": (
        forms.TextForm,
        lambda a, t, d, f: actions.comment(a, t, d["text"]),
        _("Comment posted."),
    ),
    "report": (
        forms.ReportForm,
        lambda a, t, d, f: actions.report_done(
            a,
            t,
            result=d["result"],
            product_number=d["product_number"],
            product_date=d["product_date"],
            late_explanation=f.late_explanation(),
            files=d["files"],
        ),
        _("Completion reported."),
    ),
    "request_extension": (
        forms.ExtensionRequestForm,
        lambda a, t, d, f: actions.request_extension(
            a, t, proposed_date=d["proposed_date"], reason=d["reason"]
        ),
        _("Extension requested."),
    ),
    "opinion": (
        forms.TextForm,
        lambda a, t, d, f: actions.give_opinion(a, t, d["text"]),
        _("Opinion recorded."),
    ),
    "raise_difficulty": (
        forms.TextForm,
        lambda a, t, d, f: actions.raise_difficulty(a, t, d["text"]),
        _("Difficulty sent."),
    ),
    "subassign": (
        forms.SubassignForm,
        lambda a, t, d, f: actions.subassign(a, t, _spec(a, t, d)),
        _("Part assigned."),
    ),
    "propose": (
        forms.NoteForm,
        lambda a, t, d, f: actions.propose_closing(a, t, d["note"]),
        _("Proposed for closing."),
    ),
    "return_report": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.return_task(a, t, d["reason"]),
        _("Task returned."),
    ),
    "return_proposal": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.return_task(a, t, d["reason"]),
        _("Task returned."),
    ),
    "confirm": (
        forms.NoteForm,
        lambda a, t, d, f: actions.confirm(a, t, d["note"]),
        _("Task confirmed done."),
    ),
    "suspend": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.suspend(a, t, d["reason"]),
        _("Task suspended."),
    ),
    "cancel": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.cancel(a, t, d["reason"]),
        _("Task cancelled."),
    ),
    "reopen": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.reopen(a, t, d["reason"]),
        _("Task reopened."),
    ),
    "urge": (
        forms.UrgeForm,
        lambda a, t, d, f: actions.urge(a, t, d["message"]),
        _("The lead unit was urged."),
    ),
    "edit": (
        forms.CorrectionForm,
        lambda a, t, d, f: actions.correct_task(a, t, d["reason"], **f.changes()),
        _("The correction was recorded."),
    ),
    "stop_series": (
        forms.ReasonForm,
        lambda a, t, d, f: actions.stop_series(a, t, d["reason"]),
        _("The recurring report was stopped: no further period will open."),
    ),
}
# Steps whose form the task page builds only when asked for (a link opens it): the correction
# offers the committee's units and people, which would cost more than the rest of the page.
ON_REQUEST = ("edit",)
# Steps outside the workflow's table (they move no state): the right each needs, and when it is
# offered.
EXTRA_STEPS = {
    "stop_series": (
        Action.EDIT,
        lambda task: task.is_recurring_series and task.series_stopped_on is None,
    ),
}


# Each step's name on its button and at the head of its form.
STEP_LABELS = {
    "receive": _("Receive the task"),
    "update": _("Post progress"),
    "comment": _("Comment"),
    "opinion": _("Give a directing opinion"),
    "report": _("Report done"),
    "request_extension": _("Request an extension"),
    "raise_difficulty": _("Raise a difficulty"),
    "subassign": _("Assign part to a lower unit"),
    "propose": _("Propose closing"),
    "return_report": _("Return"),
    "return_proposal": _("Return"),
    "confirm": _("Confirm done"),
    "suspend": _("Suspend"),
    "cancel": _("Cancel"),
    "reopen": _("Reopen"),
    "urge": _("Urge the lead unit"),
    "edit": _("Correct an entry error"),
    "stop_series": _("Stop the recurring report"),
}


def offered_steps(person, task: Task) -> list[str]:
    """The steps the task page offers this person now, in order."""
    steps = [s for s in actions.available_steps(person, task) if s in STEPS]
    for name, (action, applies) in EXTRA_STEPS.items():
        if applies(task) and can(person, action, task):
            steps.append(name)
    return steps


def step_action(step: str) -> Action:
    return EXTRA_STEPS[step][0] if step in EXTRA_STEPS else actions.STEPS[step].action


def step_form(step: str, task: Task, data=None, files=None, person=None):
    form_class = STEPS[step][0]
    kwargs = {"prefix": step}
    if form_class is forms.SubassignForm:
        kwargs["targets"] = subassign_targets(task)
    if form_class is forms.CorrectionForm:
        kwargs.update(task=task, person=person)
    return form_class(data, files, **kwargs)


def _apply(request, form, act, success: str):
    """Run the action; on a refusal, move its messages onto the form. True when done."""
    if not form.is_valid():
        return False
    try:
        act()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return False
    messages.success(request, success)
    return True


def _with_reach(qs, path: str = ""):
    """``qs`` with what the permission checks read of the task at ``path`` (its units and the
    cooperating units), read once for the view's check and the step's own."""
    related = [f"{path}lead_unit", f"{path}assigner_unit"]
    if path:
        related.append(path.rstrip("_"))
    return qs.select_related(*related).prefetch_related(
        Prefetch(f"{path}cooperations", Cooperation.objects.select_related("unit"))
    )


@step_address
@login_required
def take_step(request, pk: int, step: str):
    task = get_object_or_404(_with_reach(Task.objects.all()), pk=pk)
    check(request.user, Action.VIEW, task)
    if step not in STEPS:
        raise Http404
    if request.method != "POST":
        if step in ON_REQUEST:  # its form, open on the task page (reloading shows it again)
            check(request.user, step_action(step), task)
            if step not in offered_steps(request.user, task):
                return redirect("directives:task_detail", pk=task.pk)
            form = step_form(step, task, person=request.user)
            return render_task(request, task, failed=(step, form))
        return redirect("directives:task_detail", pk=task.pk)
    # The step's own right first: "return a proposal" is an Office leader's even though the
    # action behind it also serves the specialist's "return a report" (which would otherwise
    # answer a specialist's attempt with a wrong state, 422, rather than 403).
    check(request.user, step_action(step), task)
    _form_class, call, success = STEPS[step]
    form = step_form(step, task, request.POST, request.FILES, person=request.user)
    if _apply(request, form, lambda: call(request.user, task, form.cleaned_data, form), success):
        return redirect("directives:task_detail", pk=task.pk)
    return render_task(request, task, failed=(step, form), status=422)


def _back(request) -> str | None:
    """Where a form posted from another page (the home page's share of a task) asks to go back
    to: a path on this site only, never another site."""
    return local_path(request, request.POST.get("next", ""))


def _object_step(request, model, pk: int, prefix: str, form_class, act, success):
    """A step on something of a task (an extension, a difficulty, a cooperating unit's share):
    the same parse, check, act and respond as a task's own steps. Done, it goes back to the page
    the form was on (``next``), else to the task; refused, the task page shows why."""
    obj = get_object_or_404(_with_reach(model.objects.all(), "task__"), pk=pk)
    task = obj.task
    check(request.user, Action.VIEW, task)
    if request.method != "POST":
        return redirect("directives:task_detail", pk=task.pk)
    key = f"{prefix}-{pk}"
    form = form_class(request.POST, prefix=key)
    if _apply(request, form, lambda: act(obj, form.cleaned_data), success):
        return redirect(_back(request) or reverse("directives:task_detail", args=[task.pk]))
    return render_task(request, task, failed=(key, form), status=422)


@step_address
@login_required
def decide_extension(request, pk: int):
    def act(extension, d):
        actions.decide_extension(
            request.user, extension, approve=d["approve"], date=d["date"], note=d["note"]
        )

    return _object_step(request, Extension, pk, "extension", forms.ExtensionDecisionForm, act,
                        _("Decision recorded."))  # fmt: skip


@step_address
@login_required
def answer_difficulty(request, pk: int):
    if request.POST.get("escalate"):
        return _object_step(
            request, Difficulty, pk, "difficulty", forms.NoteForm,
            lambda d, data: actions.escalate_difficulty(request.user, d, data["note"]),
            _("Passed up to the next level."),
        )  # fmt: skip
    return _object_step(
        request, Difficulty, pk, "difficulty", forms.GuidanceForm,
        lambda d, data: actions.answer_difficulty(request.user, d, data["guidance"]),
        _("Guidance recorded."),
    )  # fmt: skip


@step_address
@login_required
def update_cooperation(request, pk: int):
    return _object_step(
        request, Cooperation, pk, "cooperation", forms.CooperationForm,
        lambda c, d: actions.update_cooperation(request.user, c, d["status"], d["note"]),
        _("Your unit's share was updated."),
    )  # fmt: skip


@require_POST
@login_required
def urge_overdue(request):
    """Đôn đốc all open overdue tasks of one unit at once, from the task list filtered to that
    unit and to overdue; back to that list with what was urged and what was skipped."""
    form = forms.UrgeOverdueForm(visible_units(request.user), request.POST)
    back = _back(request) or reverse("directives:task_list")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        result = actions.urge_overdue(
            request.user, form.cleaned_data["unit"], form.cleaned_data["message"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    text = gettext("Urged %(urged)s overdue tasks of %(unit)s.") % {
        "urged": result.urged,
        "unit": form.cleaned_data["unit"].name,
    }
    if result.skipped:
        text += " " + gettext(
            "%(skipped)s tasks were skipped: you may not urge them, or they are no longer open."
        ) % {"skipped": result.skipped}
    (messages.success if result.urged else messages.warning)(request, text)
    return redirect(back)
