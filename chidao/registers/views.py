"""Nhập sổ theo dõi: upload a register, see its dry run, choose its columns, import it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chidao.directives.models import Directive
from chidao.org import permissions
from chidao.org.permissions import Action
from chidao.registers import actions, progress, template
from chidao.registers.forms import MappingForm, UploadForm
from chidao.registers.models import RegisterImport
from chidao.registers.reading import MAX_BYTES, UnreadableError

ROWS_PER_PAGE = 200
RECENT = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_import(request) -> None:
    if not permissions.may_enter_directives(request.user):
        raise PermissionDenied


def _record(request, pk: int) -> RegisterImport:
    """An import of a committee whose directives the person enters; anyone else's is 404."""
    record = get_object_or_404(
        RegisterImport.objects.select_related("committee", "uploaded_by"), pk=pk
    )
    if not permissions.can(request.user, Action.ISSUE, record.committee):
        raise Http404
    return record


@require_http_methods(["GET", "POST"])
@login_required
def index(request):
    _may_import(request)
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        tell = progress.reporter(request.user, form.cleaned_data["token"])
        try:
            record = actions.upload(
                request.user, form.cleaned_data["committee"], upload, upload.name, tell
            )
        except UnreadableError as error:
            form.add_error("file", str(error))
        else:
            return redirect("registers:detail", pk=record.pk)
    recent = RegisterImport.objects.filter(uploaded_by=request.user).select_related("committee")
    status = 422 if form.is_bound else 200
    context = {"form": form, "recent": recent[:RECENT], "max_mb": MAX_BYTES // (1024 * 1024)}
    return render(request, "registers/index.html", context, status=status)


@require_GET
@login_required
def download_template(request):
    _may_import(request)
    response = HttpResponse(template.build(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-so-theo-doi.xlsx"'
    return response


@require_GET
@login_required
def detail(request, pk: int):
    record = _record(request, pk)
    report = record.report or {}
    only_errors = request.GET.get("only") == "errors"
    rows = report.get("rows", [])
    if only_errors:
        rows = [r for r in rows if r["errors"]]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "record": record,
        "report": report,
        "page": page,
        "only_errors": only_errors,
        "mapping_form": MappingForm(report.get("columns", [])),
        "directives": _imported(record),
    }
    return render(request, "registers/detail.html", context)


def _imported(record: RegisterImport):
    if record.state != "imported":
        return []
    return Directive.objects.filter(
        issuer=record.committee, imported_from=record.file_name, created__gte=record.created
    ).order_by("issued_on", "pk")[:50]


@require_POST
@login_required
def columns(request, pk: int):
    record = _record(request, pk)
    form = MappingForm(record.report.get("columns", []), request.POST)
    if form.is_valid():
        try:
            actions.remap(request.user, record, form.mapping())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(request, _("The file was checked again with the columns chosen."))
    return redirect("registers:detail", pk=record.pk)


@require_POST
@login_required
def confirm(request, pk: int):
    record = _record(request, pk)
    tell = progress.reporter(request.user, request.POST.get("token"))
    try:
        record = actions.import_register(request.user, record, tell)
    except actions.ImportRefusedError:
        messages.error(request, _("The register has errors now: nothing was imported. See the "
                                  "rows below."))  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Imported: %(tasks)d tasks of %(directives)d directives.")
            % {"tasks": record.tasks_created, "directives": record.directives_created},
        )
    return redirect("registers:detail", pk=record.pk)


@require_POST
@login_required
def discard(request, pk: int):
    record = _record(request, pk)
    try:
        actions.discard(request.user, record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("registers:detail", pk=record.pk)
    messages.info(request, _("The file was set aside: nothing was imported."))
    return redirect("registers:index")


@require_GET
@login_required
def progress_of(request, token: str):
    return JsonResponse(progress.read(request.user, token) or {})
