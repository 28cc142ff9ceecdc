"""Writes to the organisation: each action refuses the wrong person and leaves the database as it
was, and does its work for the right one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.conftest import PASSWORD, make_person
from chidao.org import actions, permissions
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Person,
    Role,
    Unit,
    UnitKind,
    UnitSuccession,
)

ON = datetime.date(2026, 1, 15)


def _state():
    """Everything the actions may write, as plain values read from the database."""
    return {
        "units": list(
            Unit.objects.order_by("pk").values_list(
                "pk", "parent_id", "path", "depth", "name", "is_active", "dissolved_on"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "person_id", "unit_id", "role", "is_active", "ended_on"
            )
        ),
        "follows": list(
            FollowAssignment.objects.order_by("pk").values_list(
                "pk", "specialist_id", "unit_id", "is_active", "ended_on"
            )
        ),
        "successions": list(UnitSuccession.objects.values_list("pk", flat=True)),
        "people": list(Person.objects.order_by("pk").values_list("pk", "is_staff")),
    }


@pytest.fixture
def superuser(db):
    return Person.objects.create_superuser("root", PASSWORD, full_name="Root")


# --- Refusals: the right exception, and nothing written ----------------------------------------
REFUSALS = {
    # create_unit
    "staff create under their unit": (
        lambda o, p: actions.create_unit(
            p.unit_staff, parent=o.finance, kind=UnitKind.OTHER, name="Phòng mới"
        ),
        PermissionDenied,
    ),
    "unit head create under their unit": (
        lambda o, p: actions.create_unit(
            p.unit_head, parent=o.finance, kind=UnitKind.OTHER, name="Phòng mới"
        ),
        PermissionDenied,
    ),
    "admin create in another province": (
        lambda o, p: actions.create_unit(
            p.admin, parent=o.other_province, kind=UnitKind.DEPARTMENT, name="Sở mới"
        ),
        Http404,
    ),
    "admin create a top-level unit": (
        lambda o, p: actions.create_unit(
            p.admin, parent=None, kind=UnitKind.COMMITTEE, name="Tỉnh mới", level="province"
        ),
        ValidationError,
    ),
    "admin create an invalid unit": (
        # Only a committee has a level: full_clean refuses it.
        lambda o, p: actions.create_unit(
            p.admin, parent=o.province, kind=UnitKind.DEPARTMENT, name="Sở lỗi", level="commune"
        ),
        ValidationError,
    ),
    # update_unit
    "unit head rename their unit": (
        lambda o, p: actions.update_unit(p.unit_head, o.finance, name="Sở Tài chính mới"),
        PermissionDenied,
    ),
    "office leader rename a unit": (
        lambda o, p: actions.update_unit(p.office_leader, o.health, name="Sở Y tế mới"),
        PermissionDenied,
    ),
    "other staff rename finance": (
        lambda o, p: actions.update_unit(p.other_staff, o.finance, name="Sở Tài chính mới"),
        Http404,
    ),
    "admin rename in another province": (
        lambda o, p: actions.update_unit(p.admin, o.other_office, name="Đổi tên"),
        Http404,
    ),
    "admin change a parent by update": (
        lambda o, p: actions.update_unit(p.admin, o.finance_sub, parent=o.health),
        ValidationError,
    ),
    # move_unit
    "unit head move their subunit": (
        lambda o, p: actions.move_unit(p.unit_head, o.finance_sub, o.health),
        PermissionDenied,
    ),
    "admin move into another province": (
        lambda o, p: actions.move_unit(p.admin, o.finance, o.other_province),
        Http404,
    ),
    "outsider move a unit of this province": (
        lambda o, p: actions.move_unit(p.outsider, o.finance, o.other_office),
        Http404,
    ),
    "admin move under its own subunit": (
        lambda o, p: actions.move_unit(p.admin, o.finance, o.finance_sub),
        ValidationError,
    ),
    # merge_units
    "admin merge nothing": (
        lambda o, p: actions.merge_units(p.admin, [], o.finance, effective_on=ON),
        ValidationError,
    ),
    "unit head merge into their unit": (
        lambda o, p: actions.merge_units(p.unit_head, [o.health], o.finance, effective_on=ON),
        PermissionDenied,
    ),
    "leader merge": (
        lambda o, p: actions.merge_units(p.leader, [o.health], o.finance, effective_on=ON),
        PermissionDenied,
    ),
    "admin merge another province's unit": (
        # Sở Y tế is processed first; the whole merge must be rolled back.
        lambda o, p: actions.merge_units(
            p.admin, [o.health, o.other_office], o.finance, effective_on=ON
        ),
        Http404,
    ),
    "admin merge a unit into itself": (
        lambda o, p: actions.merge_units(p.admin, [o.finance], o.finance, effective_on=ON),
        ValidationError,
    ),
    "admin merge a unit into its subunit": (
        lambda o, p: actions.merge_units(p.admin, [o.finance], o.finance_sub, effective_on=ON),
        ValidationError,
    ),
    # dissolve_unit
    "unit head dissolve their subunit": (
        lambda o, p: actions.dissolve_unit(p.unit_head, o.finance_sub, effective_on=ON),
        PermissionDenied,
    ),
    "outsider dissolve a commune": (
        lambda o, p: actions.dissolve_unit(p.outsider, o.commune_b, effective_on=ON),
        Http404,
    ),
    "admin dissolve a unit with subunits": (
        lambda o, p: actions.dissolve_unit(p.admin, o.finance, effective_on=ON),
        ValidationError,
    ),
    "admin dissolve a unit with people": (
        lambda o, p: actions.dissolve_unit(p.admin, o.health, effective_on=ON),
        ValidationError,
    ),
    # delete_unit
    "unit head delete their subunit": (
        lambda o, p: actions.delete_unit(p.unit_head, o.finance_sub),
        PermissionDenied,
    ),
    "outsider delete an empty commune": (
        lambda o, p: actions.delete_unit(p.outsider, o.commune_b),
        Http404,
    ),
    "commune leader delete another commune": (
        lambda o, p: actions.delete_unit(p.commune_leader, o.commune_b),
        Http404,
    ),
    "admin delete a unit with history": (
        lambda o, p: actions.delete_unit(p.admin, o.health),
        ValidationError,
    ),
    # grant_role
    "unit head grant staff in another unit": (
        lambda o, p: actions.grant_role(p.unit_head, p.nobody, o.health, Role.UNIT_STAFF),
        Http404,
    ),
    "unit head grant staff in their subunit": (
        lambda o, p: actions.grant_role(p.unit_head, p.nobody, o.finance_sub, Role.UNIT_STAFF),
        PermissionDenied,
    ),
    "unit head grant a unit head": (
        lambda o, p: actions.grant_role(p.unit_head, p.nobody, o.finance, Role.UNIT_HEAD),
        PermissionDenied,
    ),
    "unit staff grant staff": (
        lambda o, p: actions.grant_role(p.unit_staff, p.nobody, o.finance, Role.UNIT_STAFF),
        PermissionDenied,
    ),
    "office leader grant staff": (
        lambda o, p: actions.grant_role(p.office_leader, p.nobody, o.finance, Role.UNIT_STAFF),
        PermissionDenied,
    ),
    "admin grant in another province": (
        lambda o, p: actions.grant_role(p.admin, p.nobody, o.other_office, Role.ADMIN),
        Http404,
    ),
    "outsider grant in this province": (
        lambda o, p: actions.grant_role(p.outsider, p.nobody, o.finance, Role.UNIT_STAFF),
        Http404,
    ),
    "admin grant a role in the wrong kind of unit": (
        lambda o, p: actions.grant_role(p.admin, p.nobody, o.finance, Role.DIVISION_HEAD),
        ValidationError,
    ),
    # end_role
    "unit head end staff of their subunit": (
        lambda o, p: actions.end_role(p.unit_head, p.sub_staff.memberships.get(), on=ON),
        PermissionDenied,
    ),
    "unit head end their own head role": (
        lambda o, p: actions.end_role(p.unit_head, p.unit_head.memberships.get(), on=ON),
        PermissionDenied,
    ),
    "unit head end staff of another unit": (
        lambda o, p: actions.end_role(p.unit_head, p.other_staff.memberships.get(), on=ON),
        Http404,
    ),
    "unit staff end their head's role": (
        lambda o, p: actions.end_role(p.unit_staff, p.unit_head.memberships.get(), on=ON),
        PermissionDenied,
    ),
    "admin end a role in another province": (
        lambda o, p: actions.end_role(p.admin, p.outsider.memberships.get(), on=ON),
        Http404,
    ),
    # assign_follow
    "unit staff assign a follow": (
        lambda o, p: actions.assign_follow(p.unit_staff, p.specialist_th, o.finance),
        PermissionDenied,
    ),
    "leader assign a follow": (
        lambda o, p: actions.assign_follow(p.leader, p.specialist_th, o.finance),
        PermissionDenied,
    ),
    "specialist assign themself": (
        lambda o, p: actions.assign_follow(p.specialist, p.specialist, o.health),
        PermissionDenied,
    ),
    "division head assign another division's specialist": (
        lambda o, p: actions.assign_follow(p.division_head, p.specialist_th, o.health),
        PermissionDenied,
    ),
    "outsider assign a follow": (
        lambda o, p: actions.assign_follow(p.outsider, p.specialist_th, o.finance),
        Http404,
    ),
    "other staff assign a follow for finance": (
        lambda o, p: actions.assign_follow(p.other_staff, p.specialist_th, o.finance),
        Http404,
    ),
    "office leader assign a specialist of another level": (
        lambda o, p: actions.assign_follow(p.office_leader, p.commune_specialist, o.finance),
        ValidationError,
    ),
}


@pytest.mark.parametrize(("attempt", "error"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_action_changes_nothing(org, people, attempt, error):
    before = _state()
    with pytest.raises(error):
        attempt(org, people)
    assert _state() == before


def test_a_follow_for_a_dissolved_unit_is_refused(org, people):
    actions.dissolve_unit(people.admin, org.commune_b, effective_on=ON)
    before = _state()
    with pytest.raises(ValidationError):
        actions.assign_follow(people.office_leader, people.specialist, org.commune_b)
    assert _state() == before


def test_a_move_under_a_dissolved_unit_is_refused(org, people):
    actions.dissolve_unit(people.admin, org.commune_b, effective_on=ON)
    before = _state()
    with pytest.raises(ValidationError):
        actions.move_unit(people.admin, org.health, org.commune_b)
    assert _state() == before


def test_a_commune_administrator_cannot_reach_out_of_the_commune(org, people):
    commune_admin = make_person("commune_admin", org.commune_a_office, Role.ADMIN)
    before = _state()
    with pytest.raises(Http404):
        actions.move_unit(commune_admin, org.commune_a_econ, org.commune_b)
    with pytest.raises(Http404):
        actions.update_unit(commune_admin, org.finance, name="Đổi tên")
    with pytest.raises(Http404):
        actions.grant_role(commune_admin, people.nobody, org.commune_b, Role.UNIT_STAFF)
    assert _state() == before


# --- Allowed: the work is done ------------------------------------------------------------------
def test_an_administrator_creates_a_unit_in_scope(org, people):
    unit = actions.create_unit(
        people.admin, parent=org.finance, kind=UnitKind.OTHER, name="Kho bạc", code="KB"
    )
    unit = Unit.objects.get(pk=unit.pk)
    assert unit.parent == org.finance
    assert unit.path == f"{org.finance.path}{unit.pk}/"
    assert unit.name == "Kho bạc"


def test_a_superuser_creates_a_top_level_unit(superuser):
    unit = actions.create_unit(
        superuser, parent=None, kind=UnitKind.COMMITTEE, name="Tỉnh mới", level="province"
    )
    assert Unit.objects.get(pk=unit.pk).path == f"/{unit.pk}/"


def test_an_administrator_renames_a_unit(org, people):
    actions.update_unit(people.admin, org.health, name="Sở Y tế và Dân số")
    assert Unit.objects.get(pk=org.health.pk).name == "Sở Y tế và Dân số"


def test_an_administrator_moves_a_subtree(org, people):
    actions.move_unit(people.admin, org.finance_sub, org.health)
    moved = Unit.objects.get(pk=org.finance_sub.pk)
    assert moved.parent_id == org.health.pk
    assert moved.path == f"{org.health.path}{moved.pk}/"


def test_an_administrator_merges_units(org, people):
    trail = actions.merge_units(
        people.admin, [org.health], org.finance, effective_on=ON, decision="QĐ 1/2026"
    )
    health = Unit.objects.get(pk=org.health.pk)
    assert not health.is_active and health.dissolved_on == ON
    assert [(s.predecessor, s.successor, s.recorded_by) for s in trail] == [
        (health, org.finance, people.admin)
    ]
    assert Membership.objects.get(person=people.other_staff, is_active=True).unit == org.finance
    old = Membership.objects.get(person=people.other_staff, is_active=False)
    assert old.unit == health and old.ended_on == ON


def test_an_administrator_dissolves_an_empty_unit(org, people):
    actions.dissolve_unit(people.admin, org.commune_b, effective_on=ON)
    commune_b = Unit.objects.get(pk=org.commune_b.pk)
    assert not commune_b.is_active and commune_b.dissolved_on == ON


def test_an_administrator_deletes_a_unit_without_history(org, people):
    actions.delete_unit(people.admin, org.commune_b)
    assert not Unit.objects.filter(pk=org.commune_b.pk).exists()


def test_a_commune_administrator_works_inside_the_commune(org, people):
    commune_admin = make_person("commune_admin", org.commune_a_office, Role.ADMIN)
    actions.update_unit(commune_admin, org.commune_a_econ, name="Phòng Kinh tế - Hạ tầng xã A")
    assert Unit.objects.get(pk=org.commune_a_econ.pk).name == "Phòng Kinh tế - Hạ tầng xã A"
    membership = actions.grant_role(
        commune_admin, people.nobody, org.commune_a_econ, Role.UNIT_STAFF
    )
    assert Membership.objects.get(pk=membership.pk).unit == org.commune_a_econ


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.VIEWER])
def test_a_unit_head_grants_staff_and_viewers_of_their_own_unit(org, people, role):
    membership = actions.grant_role(people.unit_head, people.nobody, org.finance, role)
    saved = Membership.objects.get(pk=membership.pk)
    assert (saved.person, saved.unit, saved.role, saved.is_active) == (
        people.nobody,
        org.finance,
        role,
        True,
    )
    assert org.finance in set(permissions.visible_units(Person.objects.get(pk=people.nobody.pk)))


def test_a_unit_head_ends_the_role_of_their_staff(people):
    membership = people.unit_staff.memberships.get()
    actions.end_role(people.unit_head, membership, on=ON)
    membership.refresh_from_db()
    assert not membership.is_active and membership.ended_on == ON


def test_an_administrator_grants_an_admin_role_which_opens_the_admin_site(org, people):
    actions.grant_role(people.admin, people.nobody, org.div_th, Role.ADMIN)
    nobody = Person.objects.get(pk=people.nobody.pk)
    assert nobody.is_staff
    assert nobody.memberships.get().role == Role.ADMIN


def test_an_administrator_ends_a_leaders_role(people):
    membership = people.leader.memberships.get()
    actions.end_role(people.admin, membership, on=ON)
    membership.refresh_from_db()
    assert not membership.is_active and membership.ended_on == ON


def test_an_office_leader_reassigns_a_follow(org, people):
    follow = actions.assign_follow(people.office_leader, people.specialist_th, org.finance)
    assert FollowAssignment.objects.get(unit=org.finance, is_active=True) == follow
    assert follow.specialist == people.specialist_th
    old = FollowAssignment.objects.get(unit=org.finance, specialist=people.specialist)
    assert not old.is_active and old.ended_on is not None


def test_a_division_head_assigns_their_own_specialist(org, people):
    actions.assign_follow(people.division_head, people.specialist, org.health)
    assert FollowAssignment.objects.get(unit=org.health, is_active=True).specialist == (
        people.specialist
    )
