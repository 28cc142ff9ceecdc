"""Personas on a small organisation tree, shared by every app's tests.

UBND tỉnh (province)                        leader (Phó Chủ tịch, Khối Kinh tế), viewer
├── Văn phòng UBND                          office_leader, admin
│   ├── Phòng Kinh tế                       division_head, specialist (follows Sở Tài chính)
│   └── Phòng Tổng hợp                      specialist_th (follows UBND xã A)
├── Sở Tài chính                            unit_head, unit_staff
│   └── Chi cục Tài chính                   sub_staff
├── Sở Y tế                                 other_staff
├── UBND xã A (commune)                     commune_leader, commune_staff (unit staff)
│   ├── Văn phòng UBND xã A                 commune_specialist (follows Phòng Kinh tế xã A)
│   └── Phòng Kinh tế xã A
└── UBND xã B (commune)
UBND tỉnh khác (another province)           outsider (office leader there)
"""

from types import SimpleNamespace

import pytest

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

PASSWORD = "Mat-khau-thu-2026"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Figures are cached under the stamp of the data (``freshness``); a test that freezes the
    clock can give its own data the stamp another test's data had."""
    from django.core.cache import cache

    from chidao.directives import filter_choices

    cache.clear()
    filter_choices.forget()


@pytest.fixture(autouse=True)
def _own_anchor_log(settings, tmp_path):
    """Each test its own timeline anchor log: entries name task ids, which the next test's
    database gives to other tasks."""
    settings.CHIDAO_ANCHOR_LOG = tmp_path / "anchors.log"


def make_unit(parent, kind, name, code="", level="", **extra):
    if kind == UnitKind.COMMITTEE and not level:
        level = Level.PROVINCE if parent is None else Level.COMMUNE
    unit = Unit(parent=parent, kind=kind, name=name, code=code, level=level, **extra)
    unit.save()
    return unit


def make_person(username, unit=None, role=None, **membership_fields):
    person = Person.objects.create_user(username, PASSWORD, full_name=username.title())
    if unit is not None:
        Membership.objects.create(person=person, unit=unit, role=role, **membership_fields)
    return person


@pytest.fixture
def org(db):
    return build_org()


def build_org():
    """The tree above; a function too, for tests that build it once per module."""
    u = SimpleNamespace()
    u.province = make_unit(None, UnitKind.COMMITTEE, "Ủy ban nhân dân tỉnh Thử", "UBND")
    u.block_kt = SectorBlock.objects.create(committee=u.province, name="Khối Kinh tế", code="KT")
    u.office = make_unit(u.province, UnitKind.OFFICE, "Văn phòng UBND tỉnh", "VP")
    u.div_kt = make_unit(u.office, UnitKind.OFFICE_DIVISION, "Phòng Kinh tế", "KT")
    u.div_th = make_unit(u.office, UnitKind.OFFICE_DIVISION, "Phòng Tổng hợp", "TH")
    u.finance = make_unit(
        u.province, UnitKind.DEPARTMENT, "Sở Tài chính", "STC", sector_block=u.block_kt
    )
    u.finance_sub = make_unit(u.finance, UnitKind.OTHER, "Chi cục Tài chính", "CCTC")
    u.health = make_unit(u.province, UnitKind.DEPARTMENT, "Sở Y tế", "SYT")
    u.commune_a = make_unit(u.province, UnitKind.COMMITTEE, "Ủy ban nhân dân xã A", "UBND")
    u.commune_a_office = make_unit(u.commune_a, UnitKind.OFFICE, "Văn phòng UBND xã A", "VP")
    u.commune_a_econ = make_unit(u.commune_a, UnitKind.DEPARTMENT, "Phòng Kinh tế xã A", "KT")
    u.commune_b = make_unit(u.province, UnitKind.COMMITTEE, "Ủy ban nhân dân xã B", "UBND")
    u.other_province = make_unit(None, UnitKind.COMMITTEE, "Ủy ban nhân dân tỉnh Khác", "UBND")
    u.other_office = make_unit(u.other_province, UnitKind.OFFICE, "Văn phòng UBND tỉnh Khác", "VP")
    return u


@pytest.fixture
def people(org):
    return build_people(org)


def build_people(org):
    p = SimpleNamespace()
    p.leader = make_person(
        "leader", org.province, Role.COMMITTEE_LEADER, position="Phó Chủ tịch",
        sector_block=org.block_kt,
    )  # fmt: skip
    p.viewer = make_person("viewer", org.province, Role.VIEWER)
    p.office_leader = make_person("office_leader", org.office, Role.OFFICE_LEADER)
    p.admin = make_person("admin", org.office, Role.ADMIN)
    p.division_head = make_person("division_head", org.div_kt, Role.DIVISION_HEAD)
    p.specialist = make_person("specialist", org.div_kt, Role.SPECIALIST)
    p.specialist_th = make_person("specialist_th", org.div_th, Role.SPECIALIST)
    p.unit_head = make_person("unit_head", org.finance, Role.UNIT_HEAD)
    p.unit_staff = make_person("unit_staff", org.finance, Role.UNIT_STAFF)
    p.sub_staff = make_person("sub_staff", org.finance_sub, Role.UNIT_STAFF)
    p.other_staff = make_person("other_staff", org.health, Role.UNIT_STAFF)
    p.commune_leader = make_person("commune_leader", org.commune_a, Role.COMMITTEE_LEADER)
    p.commune_staff = make_person("commune_staff", org.commune_a, Role.UNIT_STAFF)
    p.commune_specialist = make_person("commune_specialist", org.commune_a_office, Role.SPECIALIST)
    p.outsider = make_person("outsider", org.other_office, Role.OFFICE_LEADER)
    p.nobody = make_person("nobody")
    FollowAssignment.objects.create(specialist=p.specialist, unit=org.finance)
    FollowAssignment.objects.create(specialist=p.specialist_th, unit=org.commune_a)
    FollowAssignment.objects.create(specialist=p.commune_specialist, unit=org.commune_a_econ)
    return p


pytest_plugins = ["chidao.browser"]
