"""Demo organisation: the People's Committee of Đồng Tháp with real units and fictional people.

Seeded, so two runs produce the same people with the same roles.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from chidao.core.text import fold
from chidao.demo.names import full_name
from chidao.org import actions
from chidao.org.importer import import_units
from chidao.org.models import (
    FollowAssignment,
    Level,
    Membership,
    Person,
    Role,
    SectorBlock,
    Unit,
    UnitKind,
)

PROVINCE_CODE = 82  # Đồng Tháp; since 2025 it includes the former Tiền Giang
STARTED_ON = datetime.date(2025, 7, 1)  # two-level local government begins
# Communes and wards whose staff get accounts (official codes); the first runs its own apparatus.
DEMO_COMMUNES = ["28261", "29869", "29905", "28306", "28360", "28594", "30037", "30169"]
# Office division -> sector block whose departments its specialists follow.
DIVISION_BLOCK = {"KT": "KT", "KGVX": "VX", "NC": "NC"}
SPECIALISTS_PER_DIVISION = {"TH": 2, "KT": 3, "KGVX": 2, "NC": 2}


@dataclass
class DemoOrg:
    password_hash: str  # hashed once: hashing per account would dominate the load time
    province: Unit | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role label, username, unit

    def person(self, username: str, unit: Unit, role: str, position: str = "", block=None):
        person = Person.objects.filter(username=username).first()
        if person is None:
            name = full_name(self.rng)
            person = Person.objects.create(
                username=username,
                password=self.password_hash,
                full_name=name,
                email=f"{username}@demo.invalid",
            )
        membership, _created = Membership.objects.get_or_create(
            person=person,
            unit=unit,
            role=role,
            is_active=True,
            defaults={"position": position, "sector_block": block, "started_on": STARTED_ON},
        )
        if role == Role.ADMIN and not person.is_staff:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
        self.logins.append((membership.get_role_display(), username, str(unit)))
        return person


def _slug(unit: Unit) -> str:
    """ "UBND phường Mỹ Tho" -> "mytho" (for usernames)."""
    place = unit.short_name.split(" ", 2)[-1]
    return fold(place).replace(" ", "").replace("-", "")


def build(password: str) -> DemoOrg:
    demo = DemoOrg(password_hash=make_password(password))
    import_units([PROVINCE_CODE])
    province = demo.province = Unit.objects.get(admin_code=f"{PROVINCE_CODE:02d}")
    office = province.children.get(kind=UnitKind.OFFICE)
    divisions = {d.code: d for d in office.children.all()}
    blocks = {b.code: b for b in SectorBlock.objects.filter(committee=province)}

    demo.person("chutich", province, Role.COMMITTEE_LEADER, "Chủ tịch")
    for code in ("KT", "VX", "NC"):
        demo.person(f"pct.{code.lower()}", province, Role.COMMITTEE_LEADER, "Phó Chủ tịch",
                    blocks[code])  # fmt: skip
    demo.person("cvp", office, Role.OFFICE_LEADER, "Chánh Văn phòng")
    demo.person("pcvp1", office, Role.OFFICE_LEADER, "Phó Chánh Văn phòng")
    demo.person("pcvp2", office, Role.OFFICE_LEADER, "Phó Chánh Văn phòng")
    demo.person("quantri", office, Role.ADMIN, "Quản trị hệ thống")
    demo.person("xem", province, Role.VIEWER, "Thành viên UBND tỉnh")

    specialists: dict[str, list[Person]] = {}
    for code, count in SPECIALISTS_PER_DIVISION.items():
        division = divisions[code]
        demo.person(f"tp.{code.lower()}", division, Role.DIVISION_HEAD, "Trưởng phòng")
        specialists[code] = [
            demo.person(f"cv.{code.lower()}{i}", division, Role.SPECIALIST, "Chuyên viên")
            for i in range(1, count + 1)
        ]

    departments = province.children.filter(kind=UnitKind.DEPARTMENT).select_related("sector_block")
    for i, dept in enumerate(departments):
        division = next(d for d, b in DIVISION_BLOCK.items() if b == dept.sector_block.code)
        _follow(specialists[division][i % len(specialists[division])], dept)
        slug = fold(dept.code).lower()
        demo.person(f"{slug}.ld", dept, Role.UNIT_HEAD, "Giám đốc")
        demo.person(f"{slug}.cb", dept, Role.UNIT_STAFF, "Chuyên viên")

    communes = province.children.filter(kind=UnitKind.COMMITTEE, level=Level.COMMUNE)
    for i, commune in enumerate(communes):
        _follow(specialists["TH"][i % len(specialists["TH"])], commune)
    for admin_code in DEMO_COMMUNES:
        commune = communes.get(admin_code=admin_code)
        slug = _slug(commune)
        demo.person(f"{slug}.ld", commune, Role.UNIT_HEAD, "Chủ tịch UBND")
        demo.person(f"{slug}.cb", commune, Role.UNIT_STAFF, "Công chức Văn phòng")

    _commune_apparatus(demo, communes.get(admin_code=DEMO_COMMUNES[0]))
    return demo


def _commune_apparatus(demo: DemoOrg, commune: Unit) -> None:
    """A commune tracks its own leaders' directives the same way the province does."""
    slug = _slug(commune)
    place = commune.short_name.removeprefix("UBND ")
    office = _unit(commune, UnitKind.OFFICE, "VP", f"Văn phòng HĐND và UBND {place}")
    economy = _unit(commune, UnitKind.DEPARTMENT, "KT", f"Phòng Kinh tế, Hạ tầng và Đô thị {place}")
    society = _unit(commune, UnitKind.DEPARTMENT, "VHXH", f"Phòng Văn hóa - Xã hội {place}")
    demo.person(f"{slug}.ct", commune, Role.COMMITTEE_LEADER, "Chủ tịch UBND")
    demo.person(f"{slug}.cvp", office, Role.OFFICE_LEADER, "Chánh Văn phòng")
    specialist = demo.person(f"{slug}.cv", office, Role.SPECIALIST, "Chuyên viên")
    for dept, code in ((economy, "kt"), (society, "vhxh")):
        _follow(specialist, dept)
        demo.person(f"{slug}.{code}.ld", dept, Role.UNIT_HEAD, "Trưởng phòng")
        demo.person(f"{slug}.{code}.cb", dept, Role.UNIT_STAFF, "Chuyên viên")


def _unit(parent: Unit, kind: str, code: str, name: str) -> Unit:
    unit = Unit.objects.filter(parent=parent, code=code).first()
    return unit or actions.create_unit(None, parent=parent, kind=kind, code=code, name=name)


def _follow(specialist: Person, unit: Unit) -> None:
    if not FollowAssignment.objects.filter(unit=unit, is_active=True).exists():
        FollowAssignment.objects.create(specialist=specialist, unit=unit, started_on=STARTED_ON)
