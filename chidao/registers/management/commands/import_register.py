"""manage.py import_register FILE --committee CODE --as USERNAME [--commit]

The same import as the import page: the dry run is printed (each error with its row and column;
exit status 1 when there is any) and nothing is saved without ``--commit``; with it, the file is
kept as the page keeps it and every row is created at once, or none.
"""

import io
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.text import fold
from chidao.org.models import Person, Unit, UnitKind
from chidao.registers import actions, report
from chidao.registers.reading import UnreadableError


class Command(BaseCommand):
    help = (
        "Check a register (.xlsx or .csv) of a committee's directives and tasks and print every "
        "error by row and column; with --commit, import it: all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register file, .xlsx or .csv")
        parser.add_argument(
            "--committee",
            required=True,
            metavar="CODE",
            help="the committee: its official administrative code (e.g. 82) or its full name",
        )
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help="the person importing (must be allowed to enter the committee's directives)",
        )
        parser.add_argument("--commit", action="store_true", help="save when there is no error")

    def handle(self, *args, file, committee, username, commit=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        person = Person.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        unit = self._committee(committee)
        data = path.read_bytes()
        try:
            if commit:
                record = actions.upload(person, unit, io.BytesIO(data), path.name,
                                        progress=self._progress)  # fmt: skip
                record = actions.import_register(person, record, progress=self._progress)
            else:
                preview = actions.check(unit, io.BytesIO(data), path.name, progress=self._progress)
        except UnreadableError as error:
            raise CommandError(str(error)) from None
        except (PermissionDenied, Http404):
            raise CommandError(
                _("%(person)s may not enter the directives of %(unit)s.")
                % {"person": username, "unit": unit.name}
            ) from None
        except actions.ImportRefusedError as refused:
            self._print(refused.preview)
            self.stderr.write(_("Nothing was imported."))
            sys.exit(1)
        if commit:
            self.stdout.write(
                _("Imported: %(tasks)d tasks of %(directives)d directives.")
                % {"tasks": record.tasks_created, "directives": record.directives_created}
            )
            return
        self._print(preview)
        if not preview.is_valid:
            sys.exit(1)
        self.stdout.write(_("Nothing was saved: run again with --commit to import."))

    def _print(self, preview) -> None:
        for line in report.lines(preview):
            self.stdout.write(line)

    def _progress(self, done: int, total: int, step: str) -> None:
        if total >= 1000 and self.stderr.isatty():
            self.stderr.write(f"\r{step}: {done}/{total}", ending="")

    @staticmethod
    def _committee(code: str) -> Unit:
        committees = Unit.objects.filter(kind=UnitKind.COMMITTEE)
        found = list(committees.filter(admin_code=code))
        if not found:
            found = [
                u
                for u in committees.filter(Q(name__iexact=code) | Q(short_name__iexact=code))
                or committees.search(code)
                if fold(code) in (fold(u.name), fold(u.short_name))
            ]
        if len(found) != 1:
            raise CommandError(
                _("No single committee has the code or name %(code)s.") % {"code": code}
            )
        return found[0]
