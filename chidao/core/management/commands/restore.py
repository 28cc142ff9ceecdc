"""Khôi phục: replace the database and the uploaded files with a backup's, after checking it,
then prove the result: row counts as in the backup and every timeline intact."""

import datetime
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core import backup
from chidao.directives import rebaseline, signing

YES = {"yes", "có", "co"}


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup made by manage.py backup, "
        "then compare the row counts and verify every timeline."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive written by manage.py backup")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for confirmation",
        )  # fmt: skip

    def handle(self, *args, file, interactive=True, **options):
        signing.current_key_id()  # the restore signs its anchor entry: refuse before any change
        try:
            # Every member is read and hashed before anything is touched.
            archive = backup.read_archive(file)
            notes = backup.check_compatible(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = archive.manifest
        try:
            created = datetime.datetime.fromisoformat(manifest["created_at"])
            created = timezone.localtime(created).strftime("%d/%m/%Y %H:%M:%S")
        except ValueError:  # a naive or malformed time: shown as written
            created = manifest["created_at"]
        self.stdout.write(
            _("Backup of %(created)s checked: %(members)s files match their hashes.")
            % {"created": created, "members": len(archive.members)}
        )
        if interactive:
            try:
                answer = input(
                    _("This replaces %(target)s with the backup. Type 'yes' to continue: ")
                    % {"target": backup.describe_target()}
                )
            except EOFError:  # no terminal (cron) and no --noinput
                answer = ""
            if answer.strip().lower() not in YES:
                raise CommandError(_("Restore cancelled: nothing was changed."))
        try:
            backup.restore(archive, log=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for note in notes:
            self.stdout.write(self.style.WARNING(note))
        self._rebaseline(archive)
        self._prove(archive)

    def _rebaseline(self, archive):
        """Record the restore in the anchor log, and name the work it rolled back."""
        identity = {
            "created_at": archive.manifest["created_at"],
            "sha256": backup.file_sha256(archive.path),
            "manifest_sha256": archive.manifest_sha256,
        }
        try:
            done = rebaseline.after_restore(identity)
        except OSError as error:
            raise CommandError(
                _(
                    "The backup was restored, but the anchor log could not be written (%(error)s): "
                    "fix it and run the restore again."
                )
                % {"error": error}
            ) from None
        self.stdout.write(
            _("Anchor #%(n)s records the restore: digest %(digest)s.")
            % {"n": done.entry.n, "digest": done.entry.digest}
        )
        if not done.rolled_back:
            self.stdout.write(_("No anchored timeline was rolled back."))
            return
        self.stdout.write(
            self.style.WARNING(
                _(
                    "%(tasks)s tasks were rolled back to the backup; what was recorded after it "
                    "is lost and must be entered again:"
                )
                % {"tasks": len(done.rolled_back)}
            )
        )
        for task in done.rolled_back:
            values = {"task": task.task_id, "anchored": task.anchored, "restored": task.restored}
            if task.restored is None:
                line = _("Task %(task)s: %(anchored)s events anchored, not in the backup.")
            else:
                line = _("Task %(task)s: %(anchored)s events anchored, %(restored)s restored.")
            self.stdout.write("  " + line % values)

    def _prove(self, archive):
        failures = []
        differences = backup.compare_counts(archive)
        for label, expected, now in differences:
            failures.append(
                _("%(model)s: %(expected)s rows in the backup, %(now)s now.")
                % {"model": label, "expected": expected, "now": "—" if now is None else now}
            )
        if not differences:
            self.stdout.write(
                _("Row counts identical to the backup: %(rows)s rows in %(models)s tables.")
                % {
                    "rows": sum(archive.manifest["counts"].values()),
                    "models": len(archive.manifest["counts"]),
                }
            )
        out = io.StringIO()
        try:
            call_command("verify_timelines", stdout=out, stderr=out)
        except (CommandError, SystemExit) as error:
            if not isinstance(error, SystemExit) or error.code:
                failures.append(_("Timelines: %(error)s") % {"error": error})
        self.stdout.write(out.getvalue().rstrip())
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(_("The restored data do not match the backup."))
        self.stdout.write(
            self.style.SUCCESS(_("Restore complete: counts identical, every timeline intact."))
        )
