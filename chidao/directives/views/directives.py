"""Entering a directive with its tasks, and the directive's page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chidao.core import clock
from chidao.core.params import parse_id
from chidao.directives import actions, date_rules
from chidao.directives.issue_forms import (
    DirectiveForm,
    apply_errors,
    check_rows,
    directed_units,
    new_rows,
)
from chidao.directives.models import DeadlineKind, Directive
from chidao.directives.rows import TaskRow
from chidao.directives.timeliness import Today
from chidao.org import permissions
from chidao.org.models import Unit


def _committee(request) -> Unit:
    """The committee whose directive is being entered: one the person may enter for."""
    committees = permissions.issuing_committees(request.user)
    wanted = request.POST.get("committee") or request.GET.get("committee")
    if wanted:  # a committee that is not an id is one the person may not enter for either
        pk = parse_id(wanted)
        committee = committees.filter(pk=pk).first() if pk else None
    else:
        committee = committees.first()
    if committee is None:
        raise PermissionDenied
    return committee


@require_http_methods(["GET", "POST"])
@login_required
def directive_create(request):
    committee = _committee(request)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = DirectiveForm(data, files, committee=committee, initial={"issued_on": clock.today()})
    rows = new_rows(data, committee=committee)
    # Both are validated, then joined (each row's deadline against the directive's date), so
    # every message is shown in the same round; the action runs only when all are valid.
    valid = request.method == "POST" and all([form.is_valid(), rows.is_valid()])
    if request.method == "POST":
        check_rows(form, rows)
        valid = valid and rows.is_valid()
    if valid:
        try:
            directive = actions.issue_directive(
                request.user,
                issuer=committee,
                tasks=[row.spec() for row in rows.forms],
                files=form.cleaned_data["files"],
                **form.directive_fields(),
            )
        except ValidationError as error:
            apply_errors(error, form, rows)
        else:
            messages.success(request, _("The directive and its tasks were entered."))
            return redirect("directives:directive_detail", pk=directive.pk)
    context = {
        "form": form,
        "rows": rows,
        "committee": committee,
        "committees": permissions.issuing_committees(request.user),
        "upload_max_mb": settings.CHIDAO_UPLOAD_MAX_MB,
        # A browser never keeps the files of a refused form: say they must be chosen again.
        "files_dropped": bool(files and files.getlist("files")),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "directives/directive_form.html", context, status=status)


@require_GET
@login_required
def task_row(request):
    """One more empty task row (htmx), numbered after the rows already on the page."""
    committee = _committee(request)
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        raise Http404 from None
    if not 0 <= index < 30:
        raise Http404
    rows = new_rows(committee=committee)
    row = rows._construct_form(index, **rows.get_form_kwargs(index))
    return render(request, "directives/_task_row.html", {"row": row, "index": index, "oob": True})


@require_GET
@login_required
def unit_options(request):
    """Options of a unit picker matching the search, diacritics optional ("so tai chinh")."""
    committee = _committee(request)
    selected = {
        pk
        for key in request.GET
        if key not in ("q", "committee", "multi")
        for value in request.GET.getlist(key)
        if (pk := parse_id(value)) is not None
    }
    units = directed_units(committee)
    query = request.GET.get("q", "").strip()
    multi = bool(request.GET.get("multi"))
    found = list(units.search(query)[:50]) if query else list(units[:200])
    chosen = [u for u in units.filter(pk__in=selected) if u not in found]
    if not multi and not selected and query and len(found) == 1:
        selected = {found[0].pk}  # the only match is the one meant
    context = {"units": chosen + found, "selected": selected, "empty": not multi}
    return render(request, "directives/_unit_options.html", context)


@require_GET
@login_required
def deadline_preview(request):
    """The deadline a row would get, with its explanation, as the person types."""
    if not permissions.issuing_committees(request.user).exists():
        raise PermissionDenied

    def param(suffix):
        for key in request.GET:
            if key.endswith(suffix):
                return request.GET.get(key, "").strip()
        return ""

    parse = forms.DateField().clean  # the active language's input formats (dd/mm/yyyy)
    try:
        issued_on = parse(param("issued_on"))
        kind = param("deadline_kind")
        if kind == DeadlineKind.WORKING_DAYS:
            days = int(param("working_days"))
        elif kind == DeadlineKind.DATE:
            day = parse(param("deadline_date"))
        else:
            return HttpResponse("")
    except (ValueError, ValidationError):
        return HttpResponse("")  # not yet a date or a number: nothing to preview
    # The rules of the action itself, so the preview refuses what saving would refuse.
    dates = {"assigned_on": issued_on, "issued_on": issued_on}
    try:
        date_rules.check_issue_date(issued_on)
        if kind == DeadlineKind.WORKING_DAYS:
            rule = date_rules.deadline_in_working_days(days, **dates)
        else:
            rule = date_rules.deadline_on(day, **dates)
    except ValidationError as error:
        context = {"refusal": error.messages}
    else:
        context = {"rule": rule}
    return render(request, "directives/_deadline_preview.html", context)


@require_GET
@login_required
def directive_detail(request, pk: int):
    """The directive with the tasks of it this person may see: those at the top of what he
    sees (a part handed down to his unit, a period of a report, when he sees no more); 404 to
    whoever sees none of them, the same check as the directive's files."""
    directive = get_object_or_404(Directive.objects.select_related("issuer", "signer"), pk=pk)
    permissions.check(request.user, permissions.Action.VIEW, directive)
    visible = permissions.visible_tasks(request.user).filter(directive=directive)
    seen = visible.values("pk")
    tasks = list(
        visible.exclude(parent__in=seen)
        .exclude(series__in=seen)
        .select_related("lead_unit", "specialist")
        .order_by("pk")
    )
    today = Today.now()
    context = {
        "directive": directive,
        "rows": TaskRow.many(tasks, today),
        "files": directive.attachments.filter(task__isnull=True),
        "may_correct": permissions.can(request.user, permissions.Action.EDIT, directive),
    }
    return render(request, "directives/directive_detail.html", context)
