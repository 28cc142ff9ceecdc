"""Pages and downloads of directives and tasks."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from chidao.directives.filetypes import CONTENT_TYPES
from chidao.directives.models import Attachment
from chidao.org.permissions import Action, check, visible_tasks


@require_GET
@login_required
def download(request, pk: int):
    """A task's file, under its original (Vietnamese) name, to those who may see the task."""
    attachment = get_object_or_404(Attachment.objects.select_related("task"), pk=pk)
    if attachment.task is not None:
        check(request.user, Action.VIEW, attachment.task)
    elif not visible_tasks(request.user).filter(directive_id=attachment.directive_id).exists():
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=CONTENT_TYPES[attachment.file_type],
    )
    response["Cache-Control"] = "private, no-store"
    return response
