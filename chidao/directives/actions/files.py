"""Attach files to a task: size limit, type by content, original names kept."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chidao.directives import filetypes, timeline
from chidao.directives.models import Attachment, Task, TaskEvent


def check_upload(upload) -> str:
    """Validate one uploaded file; return its type. Raises ValidationError in Vietnamese."""
    limit = settings.CHIDAO_UPLOAD_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB.")
            % {"name": upload.name, "mb": settings.CHIDAO_UPLOAD_MAX_MB},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="empty")
    try:
        kind = filetypes.detect(upload, upload.name)
    except filetypes.RefusedError as refused:
        raise ValidationError(
            _("%(name)s is refused: %(reason)s") % {"name": upload.name, "reason": refused},
            code="archive",
        ) from None
    if kind is None:
        raise ValidationError(
            _(
                "%(name)s is not an allowed file: PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPG/PNG or "
                "ZIP, recognised by content."
            )
            % {"name": upload.name},
            code="file_type",
        )
    return kind


def safe_name(name: str) -> str:
    """Keep the Vietnamese name, drop any path and control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "tep"
    return name[:255]


def record_with_files(task: Task, kind: str, actor, uploads, **data) -> TaskEvent:
    """Store the files, then the event naming them (name, size, SHA-256), so the hash chain
    covers the files' content too."""
    attachments = attach(actor, task, uploads)
    files = [{"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256} for a in attachments]
    if files:
        data["files"] = files
    event = timeline.record(task, kind, actor, **data)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(event=event)
    return event


def attach(
    actor, task: Task | None, uploads, event: TaskEvent | None = None, directive=None
) -> list[Attachment]:
    """Called inside the action's transaction: every file is checked before any is stored.
    Files of the directive itself (its scanned document) have no task."""
    uploads = list(uploads or ())
    kinds = [check_upload(upload) for upload in uploads]
    saved = []
    for upload, kind in zip(uploads, kinds, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            directive=directive or task.directive,
            task=task,
            event=event,
            name=safe_name(upload.name),
            file_type=kind,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved
