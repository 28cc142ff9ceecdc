"""Dọn tệp mồ côi: delete stored files that no attachment refers to.

A file is written to storage before its transaction commits; if the transaction then fails, the
database keeps nothing but the file stays behind, unreachable (its name is random and no page
links it). Run this daily: it removes such files once they are older than a safety margin, so an
upload still being committed is never touched.
"""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.directives.models import Attachment

ROOT = "directives"


class Command(BaseCommand):
    help = "Delete stored files of attachments that were never saved (failed transactions)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than_hours=24, dry_run=False, **options):
        cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
        known = set(Attachment.objects.values_list("file", flat=True))
        removed = 0
        for name in _walk(ROOT):
            if name in known or default_storage.get_modified_time(name) > cutoff:
                continue
            removed += 1
            if not dry_run:
                default_storage.delete(name)
        self.stdout.write(_("%(count)s orphan files removed.") % {"count": removed})


def _walk(folder: str):
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(f"{folder}/{sub}")
