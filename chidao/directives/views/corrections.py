"""Đính chính văn bản: the directive's correction page (a task's own correction is a step of the
task page, ``steps.py``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chidao.directives import actions
from chidao.directives.issue_forms import DirectiveCorrectionForm
from chidao.directives.models import Directive
from chidao.org.permissions import Action, check


@require_http_methods(["GET", "POST"])
@login_required
def directive_correct(request, pk: int):
    directive = get_object_or_404(Directive.objects.select_related("issuer"), pk=pk)
    check(request.user, Action.EDIT, directive)
    posted = request.method == "POST"
    form = DirectiveCorrectionForm(
        request.POST if posted else None, request.FILES if posted else None, directive=directive
    )
    if posted and form.is_valid():
        try:
            actions.correct_directive(
                request.user,
                directive,
                form.cleaned_data["reason"],
                files=form.cleaned_data["files"],
                **form.changes(),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The correction was recorded on each of its tasks."))
            return redirect("directives:directive_detail", pk=directive.pk)
    context = {
        "directive": directive,
        "form": form,
        "committee": directive.issuer,
        "upload_max_mb": settings.CHIDAO_UPLOAD_MAX_MB,
        "files_dropped": bool(posted and request.FILES.getlist("files")),
        "task_count": directive.tasks.count(),
    }
    return render(
        request, "directives/directive_correct.html", context, status=422 if posted else 200
    )
