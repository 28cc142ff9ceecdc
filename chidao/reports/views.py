"""Báo cáo: the page where a report is asked for, followed while it is made, and downloaded."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from chidao.reports import jobs
from chidao.reports.forms import ReportForm
from chidao.reports.models import JobState, ReportJob

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
    return render(request, "reports/index.html", {"form": form, "jobs": mine}, status=status)


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
