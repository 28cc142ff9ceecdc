"""Import of the official administrative units from the ``vietnam-provinces`` package.

Idempotent: units are found again by their official code (provinces, communes) or by their symbol
code under the same parent (Office, divisions, departments), and only changed names are written.

It also respects the changes the province decided since (``UnitChange``): a unit that left its
place (moved, merged into another, its code changed) is found again by the place it left, never
made anew; a unit's parent is never put back (a move is a decision); a unit renamed by a decision
keeps its name; a dissolved unit is left as it was when it stopped.
"""

from dataclasses import dataclass, field

from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from chidao.org import standard
from chidao.org.models import Level, SectorBlock, Unit, UnitChange, UnitKind


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    provinces: list[Unit] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _committee_name(place: str) -> tuple[str, str]:
    """ "Xã Mỹ Thiện" -> ("Ủy ban nhân dân xã Mỹ Thiện", "UBND xã Mỹ Thiện")."""
    lowered = place[0].lower() + place[1:]
    return f"Ủy ban nhân dân {lowered}", f"UBND {lowered}"


def _province_place(province: Province) -> str:
    if province.division_type == VietNamDivisionType.TINH:
        return f"tỉnh {province.name}"
    return province.name  # already "Thành phố Hà Nội"


def _upsert(report: ImportReport, lookup: dict, values: dict) -> Unit:
    unit = Unit.objects.filter(**lookup).first() or _left(lookup)
    if unit is None:
        unit = Unit(**lookup, **values)
        unit.save()
        report.count("created")
        return unit
    if not unit.is_active:
        report.count("unchanged")
        return unit
    kept = _decided(unit)
    changed = {k: v for k, v in values.items() if k not in kept and getattr(unit, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(unit, name, value)
        unit.save()
        report.count("updated")
    else:
        report.count("unchanged")
    return unit


def _left(lookup: dict) -> Unit | None:
    """The unit that left this place (parent and symbol code) by a recorded change."""
    if "code" not in lookup:
        return None
    change = (
        UnitChange.objects.filter(parent_before=lookup["parent"], code_before=lookup["code"])
        .select_related("unit")
        .order_by("-pk")
        .first()
    )
    return change.unit if change else None


def _decided(unit: Unit) -> set[str]:
    """The fields the province's own decisions set, which the package does not overwrite."""
    kept = {"parent"}
    if unit.changes.filter(kind=UnitChange.Kind.RENAME).exists():
        kept |= {"name", "short_name", "code"}
    return kept


def import_province(
    province_code: int, report: ImportReport, *, with_apparatus: bool = True
) -> Unit:
    """One province: its committee, its communes and wards, and (optionally) its standard Office
    divisions, sector blocks and departments."""
    province = Province.from_code(ProvinceCode(province_code))
    name, short = _committee_name(_province_place(province))
    committee = _upsert(
        report,
        {"admin_code": f"{int(province.code):02d}"},
        {
            "parent": None,
            "kind": UnitKind.COMMITTEE,
            "level": Level.PROVINCE,
            "name": name,
            "short_name": short,
            "code": "UBND",
        },
    )
    report.provinces.append(committee)
    if with_apparatus:
        _import_apparatus(committee, province, report)
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    for ward in wards:
        name, short = _committee_name(ward.name)
        _upsert(
            report,
            {"admin_code": f"{int(ward.code):05d}"},
            {
                "parent": committee,
                "kind": UnitKind.COMMITTEE,
                "level": Level.COMMUNE,
                "name": name,
                "short_name": short,
                "code": "UBND",
                "sort_order": 1000,
            },
        )
    return committee


def _import_apparatus(committee: Unit, province: Province, report: ImportReport) -> None:
    place = _province_place(province)
    office = _upsert(
        report,
        {"parent": committee, "code": "VP"},
        {
            "kind": UnitKind.OFFICE,
            "name": f"Văn phòng Ủy ban nhân dân {place}",
            "short_name": "Văn phòng UBND",
            "sort_order": 10,
        },
    )
    for order, (code, name) in enumerate(standard.OFFICE_DIVISIONS, start=1):
        _upsert(
            report,
            {"parent": office, "code": code},
            {"kind": UnitKind.OFFICE_DIVISION, "name": name, "sort_order": order},
        )
    blocks = {}
    for code, name, order in standard.SECTOR_BLOCKS:
        blocks[code], _created = SectorBlock.objects.update_or_create(
            committee=committee, code=code, defaults={"name": name, "sort_order": order}
        )
    for order, (code, name, block) in enumerate(standard.DEPARTMENTS, start=1):
        _upsert(
            report,
            {"parent": committee, "code": code},
            {
                "kind": UnitKind.DEPARTMENT,
                "name": name,
                "sector_block": blocks[block],
                "sort_order": 100 + order,
            },
        )


def import_units(
    province_codes: list[int] | None = None, *, with_apparatus: bool = True
) -> ImportReport:
    """Import the given provinces (all 34 when None), each in its own transaction."""
    report = ImportReport()
    codes = province_codes or [int(p.code) for p in Province.iter_all()]
    for code in codes:
        with transaction.atomic():
            import_province(code, report, with_apparatus=with_apparatus)
    return report
