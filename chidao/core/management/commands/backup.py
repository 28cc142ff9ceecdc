"""Sao lưu: the database and the uploaded files in one checked archive (``core/backup.py``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chidao.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files to FILE (.tar, or .tar.gz), then check it. "
        "The secret key and the timeline key are not included: keep them apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to write (.tar or .tar.gz)")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args, file, force=False, **options):
        try:
            result = backup.backup(file, force=force, log=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(size)s bytes, %(rows)s rows, %(files)s files).")
                % {
                    "path": result.path,
                    "size": result.size,
                    "rows": sum(manifest["counts"].values()),
                    "files": manifest["media"].get("files", 0),
                }
            )
        )
        self.stdout.write(_("SHA-256 of the archive: %(sha)s") % {"sha": result.sha256})
