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
from django.contrib.auth.hashers import make_password
from django.db import connection

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
    from chidao.org import names
    from chidao.workdays import calendar

    cache.clear()
    filter_choices.forget()
    names.forget()
    calendar.forget()


@pytest.fixture(autouse=True)
def _own_anchor_log(settings, tmp_path):
    """Each test its own timeline anchor log: entries name task ids, which the next test's
    database gives to other tasks."""
    settings.CHIDAO_ANCHOR_LOG = tmp_path / "anchors.log"


def table_rows(model, where: str = "", params=(), columns: str = "*") -> list[tuple]:
    """The rows of ``model``'s table that ``where`` picks (all of them without it), every column
    unless told, in id order: what a test compares before and after a step. One plain SELECT,
    without the ORM's cost of compiling a query of every column, which the access matrix paid
    twice for each of its two thousand steps."""
    table = connection.ops.quote_name(model._meta.db_table)
    condition = f" WHERE {where}" if where else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}{condition} ORDER BY id", params)  # noqa: S608
        return cursor.fetchall()


def row_counts(*models) -> tuple[int, ...]:
    """How many rows each model's table holds, in one query."""
    parts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"  # noqa: S608
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return tuple(cursor.fetchone())


def _level(kind, parent, level: str = "") -> str:
    """A committee without a level given is the province's at the root, a commune's below."""
    if kind == UnitKind.COMMITTEE and not level:
        return Level.PROVINCE if parent is None else Level.COMMUNE
    return level


def make_unit(parent, kind, name, code="", level="", **extra):
    level = _level(kind, parent, level)
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
    """The tree above; a function too, for tests that build it once per module. Written a level
    at a time in bulk (a few statements instead of five per unit: every test builds it)."""
    u = SimpleNamespace()
    c, o, d = UnitKind.COMMITTEE, UnitKind.OFFICE, UnitKind.DEPARTMENT
    _add_units(u, None, [
        ("province", c, "Ủy ban nhân dân tỉnh Thử", "UBND", {}),
        ("other_province", c, "Ủy ban nhân dân tỉnh Khác", "UBND", {}),
    ])  # fmt: skip
    u.block_kt = SectorBlock.objects.create(committee=u.province, name="Khối Kinh tế", code="KT")
    _add_units(u, u.province, [
        ("office", o, "Văn phòng UBND tỉnh", "VP", {}),
        ("finance", d, "Sở Tài chính", "STC", {"sector_block": u.block_kt}),
        ("health", d, "Sở Y tế", "SYT", {}),
        ("commune_a", c, "Ủy ban nhân dân xã A", "UBND", {}),
        ("commune_b", c, "Ủy ban nhân dân xã B", "UBND", {}),
    ])  # fmt: skip
    _add_units(u, u.other_province, [("other_office", o, "Văn phòng UBND tỉnh Khác", "VP", {})])
    _add_units(u, u.office, [
        ("div_kt", UnitKind.OFFICE_DIVISION, "Phòng Kinh tế", "KT", {}),
        ("div_th", UnitKind.OFFICE_DIVISION, "Phòng Tổng hợp", "TH", {}),
    ])  # fmt: skip
    _add_units(u, u.finance, [("finance_sub", UnitKind.OTHER, "Chi cục Tài chính", "CCTC", {})])
    _add_units(u, u.commune_a, [
        ("commune_a_office", o, "Văn phòng UBND xã A", "VP", {}),
        ("commune_a_econ", d, "Phòng Kinh tế xã A", "KT", {}),
    ])  # fmt: skip
    return u


def _add_units(into, parent, rows) -> None:
    """Children of ``parent`` (or roots), as ``make_unit`` would save them, in two statements."""
    units = []
    for attr, kind, name, code, extra in rows:
        level = _level(kind, parent, extra.pop("level", ""))
        unit = Unit(parent=parent, kind=kind, name=name, code=code, level=level, **extra)
        unit.set_derived_fields()
        unit.depth = 0 if parent is None else parent.depth + 1
        units.append(unit)
        setattr(into, attr, unit)
    Unit.objects.bulk_create(units)
    for unit in units:
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"])


@pytest.fixture
def people(org):
    return build_people(org)


# (attribute, unit, role, membership fields); "nobody" holds no role.
PERSONAS = [
    ("leader", "province", Role.COMMITTEE_LEADER, {"position": "Phó Chủ tịch"}),
    ("viewer", "province", Role.VIEWER, {}),
    ("office_leader", "office", Role.OFFICE_LEADER, {}),
    ("admin", "office", Role.ADMIN, {}),
    ("division_head", "div_kt", Role.DIVISION_HEAD, {}),
    ("specialist", "div_kt", Role.SPECIALIST, {}),
    ("specialist_th", "div_th", Role.SPECIALIST, {}),
    ("unit_head", "finance", Role.UNIT_HEAD, {}),
    ("unit_staff", "finance", Role.UNIT_STAFF, {}),
    ("sub_staff", "finance_sub", Role.UNIT_STAFF, {}),
    ("other_staff", "health", Role.UNIT_STAFF, {}),
    ("commune_leader", "commune_a", Role.COMMITTEE_LEADER, {}),
    ("commune_staff", "commune_a", Role.UNIT_STAFF, {}),
    ("commune_specialist", "commune_a_office", Role.SPECIALIST, {}),
    ("outsider", "other_office", Role.OFFICE_LEADER, {}),
    ("nobody", None, None, {}),
]


def build_people(org):
    """The personas, as ``make_person`` would create them, in a few statements."""
    p = SimpleNamespace()
    password = make_password(PASSWORD)
    persons = []
    for username, *_rest in PERSONAS:
        person = Person(username=username, full_name=username.title(), password=password)
        person.set_derived_fields()
        persons.append(person)
        setattr(p, username, person)
    Person.objects.bulk_create(persons)
    memberships = [
        Membership(person=getattr(p, username), unit=getattr(org, unit), role=role, **fields)
        for username, unit, role, fields in PERSONAS
        if unit is not None
    ]
    memberships[0].sector_block = org.block_kt  # the leader directs the economic block
    Membership.objects.bulk_create(memberships)
    FollowAssignment.objects.bulk_create([
        FollowAssignment(specialist=p.specialist, unit=org.finance),
        FollowAssignment(specialist=p.specialist_th, unit=org.commune_a),
        FollowAssignment(specialist=p.commune_specialist, unit=org.commune_a_econ),
    ])  # fmt: skip
    return p


pytest_plugins = ["chidao.browser"]
