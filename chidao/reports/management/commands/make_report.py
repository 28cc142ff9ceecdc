"""manage.py make_report KIND --committee CODE [--unit CODE] --from dd/mm/yyyy --to dd/mm/yyyy
--format docx|pdf|xlsx -o FILE: a periodic report for schedules and scripts, with the same
content as the report page's (made as the server's operator, who sees every task)."""

import datetime
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chidao.org.models import Unit, UnitKind
from chidao.reports import content, files, periods


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as error:
        raise CommandError(f"Ngày không hợp lệ (dd/mm/yyyy): {text}") from error


class Command(BaseCommand):
    help = (
        "Make a periodic report (review, monthly or unit) as .docx, PDF or .xlsx. The committee "
        "is named by its official administrative code (e.g. 82), a unit by its code or "
        "administrative code."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=content.KINDS)
        parser.add_argument("--committee", required=True, help="administrative code, e.g. 82")
        parser.add_argument("--unit", help="the unit's code (for KIND unit)")
        parser.add_argument("--from", dest="start", help="dd/mm/yyyy")
        parser.add_argument("--to", dest="end", help="dd/mm/yyyy")
        parser.add_argument("--period", help="a period by its key instead, e.g. month-2026-11")
        parser.add_argument("--format", dest="fmt", choices=sorted(files.FORMATS), required=True)
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, kind, committee, unit, start, end, period, fmt, output, language,
               **options):  # fmt: skip
        committee_unit = self._committee(committee)
        chosen = self._period(period, start, end)
        subject = committee_unit
        if kind == "unit":
            if not unit:
                raise CommandError("Báo cáo của đơn vị cần --unit MÃ.")
            subject = self._unit(committee_unit, unit)
        target = Path(output)
        # Written beside the target, then moved in place: a failed report leaves no half file.
        handle, partial = tempfile.mkstemp(dir=target.parent or ".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                document = files.make(
                    content.Request(kind=kind, unit=subject, period=chosen),
                    fmt,
                    stream,
                    base_url=getattr(settings, "SITE_URL", ""),
                    language=language,
                )
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(f"{target}: {document.title} ({chosen.label})")

    def _committee(self, code: str) -> Unit:
        found = Unit.objects.filter(kind=UnitKind.COMMITTEE, admin_code=code).first()
        if found is None and code.isdigit():
            found = Unit.objects.filter(kind=UnitKind.COMMITTEE,
                                        admin_code=f"{int(code):02d}").first()  # fmt: skip
        if found is None:
            raise CommandError(f"Không có UBND nào mang mã hành chính {code}.")
        return found

    def _unit(self, committee: Unit, code: str) -> Unit:
        inside = Unit.objects.filter(path__startswith=committee.path)
        found = (
            inside.filter(code=code).order_by("depth").first()
            or inside.filter(admin_code=code).first()
        )
        if found is None:
            raise CommandError(f"Không có đơn vị mã {code} thuộc {committee.name}.")
        return found

    def _period(self, key, start, end) -> periods.Period:
        if key:
            try:
                return periods.parse(key)
            except ValueError as error:
                raise CommandError(f"Kỳ báo cáo không hợp lệ: {key}") from error
        if not (start and end):
            raise CommandError("Cần --from và --to (dd/mm/yyyy), hoặc --period.")
        first, last = _date(start), _date(end)
        if first > last:
            raise CommandError("Ngày kết thúc trước ngày bắt đầu.")
        return periods.between(first, last)
