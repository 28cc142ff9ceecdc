"""Pages and downloads of directives and tasks."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from chidao.directives.filetypes import CONTENT_TYPES
from chidao.directives.models import Attachment
from chidao.org.permissions import Action, check


@require_GET
@login_required
def download(request, pk: int):
    """A task's file, under its original (Vietnamese) name, to those who may see the task."""
    attachment = get_object_or_404(Attachment.objects.select_related("task", "directive"), pk=pk)
    if attachment.task is not None:
        check(request.user, Action.VIEW, attachment.task)
    else:  # the directive's own document: the same check as the directive's page
        check(request.user, Action.VIEW, attachment.directive)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=CONTENT_TYPES[attachment.file_type],
    )
    response["Cache-Control"] = "private, no-store"
    return response
