from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from vietnam_provinces import Province

from chidao.org.importer import import_units


class Command(BaseCommand):
    help = (
        "Import official provinces and communes/wards from the vietnam-provinces package, with "
        "each province's standard Office divisions, sector blocks and departments. Idempotent."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--province",
            type=int,
            action="append",
            metavar="CODE",
            help="Official province code, e.g. 82 for Đồng Tháp (repeatable).",
        )
        target.add_argument("--all", action="store_true", help="All 34 provinces.")
        parser.add_argument(
            "--units-only",
            action="store_true",
            help="Only the committees of provinces and communes, no Office or departments.",
        )

    def handle(self, *args, province=None, all=False, units_only=False, **options):
        valid = {int(p.code) for p in Province.iter_all()}
        unknown = sorted(set(province or []) - valid)
        if unknown:
            raise CommandError(
                _("Unknown province code(s): %(codes)s") % {"codes": ", ".join(map(str, unknown))}
            )
        report = import_units(None if all else province, with_apparatus=not units_only)
        self.stdout.write(
            _("Provinces: %(p)d; units created: %(c)d, updated: %(u)d, unchanged: %(n)d")
            % {
                "p": len(report.provinces),
                "c": report.created,
                "u": report.updated,
                "n": report.unchanged,
            }
        )
