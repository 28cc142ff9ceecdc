"""Báo cáo: the page where a report is asked for, followed while it is made, and downloaded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chidao.org import permissions
from chidao.reports import freezing, jobs
from chidao.reports.forms import CloseForm, ReopenForm, ReportForm, closable_committees
from chidao.reports.models import ClosedPeriod, JobState, ReportJob

RECENT = 20


@require_http_methods(["GET", "POST"])
@login_required
def reports(request):
    form = ReportForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = jobs.ask(
            request.user, data["kind"], data["unit"], data["chosen"], data["format"],
            translation.get_language() or "vi", request.build_absolute_uri("/").rstrip("/"),
        )  # fmt: skip
        return redirect("reports:job", pk=job.pk)
    mine = ReportJob.objects.filter(requested_by=request.user).select_related("unit")[:RECENT]
    status = 422 if form.is_bound else 200
    context = {"form": form, "jobs": mine,
               "may_close": closable_committees(request.user).exists()}  # fmt: skip
    return render(request, "reports/index.html", context, status=status)


def _mine(request, pk: int) -> ReportJob:
    """The person's own report: anyone else's answers 404, as if it did not exist."""
    return get_object_or_404(
        ReportJob.objects.select_related("unit"), pk=pk, requested_by=request.user
    )


@require_GET
@login_required
def job(request, pk: int):
    return render(request, "reports/job.html", {"job": _mine(request, pk)})


@require_GET
@login_required
def progress(request, pk: int):
    return render(request, "reports/_progress.html", {"job": _mine(request, pk)})


@require_GET
@login_required
def download(request, pk: int):
    found = _mine(request, pk)
    if found.state != JobState.DONE or not found.file:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.filename)


@require_http_methods(["GET", "POST"])
@login_required
def closing(request):
    """Chốt số liệu: the periods closed by the person's Office, closing one, reopening one."""
    committees = closable_committees(request.user)
    if not committees.exists():
        raise PermissionDenied
    form = CloseForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                freezing.close(request.user, form.cleaned_data["committee"],
                               form.cleaned_data["chosen"])  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The period is closed: its figures will not change."))
                return redirect("reports:closing")
        status = 422
    closed = ClosedPeriod.objects.filter(committee__in=committees).select_related(
        "committee", "closed_by", "reopened_by"
    )[:50]
    context = {"form": form, "closed": closed, "reopen_form": ReopenForm()}
    return render(request, "reports/closing.html", context, status=status)


@require_POST
@login_required
def reopen(request, pk: int):
    closed = get_object_or_404(ClosedPeriod.objects.select_related("committee"), pk=pk)
    if not permissions.may_close_periods(request.user, closed.committee):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            freezing.reopen(request.user, closed, form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The period is reopened: its figures are live again."))
    else:
        messages.error(request, _("Say why the period is reopened."))
    return redirect("reports:closing")
