"""Phân quyền: which units and people each persona sees, and what ``can()`` lets them do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from chidao.conftest import PASSWORD, make_person
from chidao.org import permissions
from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit
from chidao.org.permissions import Action

# --- Expected scopes, written out by hand from the tree in chidao/conftest.py -------------------
UNIT_KEYS = (
    "province",
    "office",
    "div_kt",
    "div_th",
    "finance",
    "finance_sub",
    "health",
    "commune_a",
    "commune_a_office",
    "commune_a_econ",
    "commune_b",
    "other_province",
    "other_office",
)
PROVINCE = frozenset(UNIT_KEYS) - {"other_province", "other_office"}
FINANCE = frozenset({"finance", "finance_sub"})
COMMUNE_A = frozenset({"commune_a", "commune_a_office", "commune_a_econ"})
OTHER_PROVINCE = frozenset({"other_province", "other_office"})

VISIBLE_UNITS = {
    "leader": PROVINCE,
    "viewer": PROVINCE,
    "office_leader": PROVINCE,
    "admin": PROVINCE,
    "division_head": PROVINCE,
    "specialist": PROVINCE,
    "specialist_th": PROVINCE,
    "unit_head": FINANCE,
    "unit_staff": FINANCE,
    "sub_staff": frozenset({"finance_sub"}),
    "other_staff": frozenset({"health"}),
    "commune_leader": COMMUNE_A,
    "commune_staff": COMMUNE_A,
    "commune_specialist": COMMUNE_A,
    "outsider": OTHER_PROVINCE,
    "nobody": frozenset(),
}
PERSONAS = tuple(VISIBLE_UNITS)

PROVINCE_PEOPLE = frozenset(PERSONAS) - {"outsider", "nobody"}
VISIBLE_PEOPLE = {
    **dict.fromkeys(
        [
            "leader",
            "viewer",
            "office_leader",
            "admin",
            "division_head",
            "specialist",
            "specialist_th",
        ],
        PROVINCE_PEOPLE,
    ),
    "unit_head": frozenset({"unit_head", "unit_staff", "sub_staff"}),
    "unit_staff": frozenset({"unit_head", "unit_staff", "sub_staff"}),
    "sub_staff": frozenset({"sub_staff"}),
    "other_staff": frozenset({"other_staff"}),
    "commune_leader": frozenset({"commune_leader", "commune_staff", "commune_specialist"}),
    "commune_staff": frozenset({"commune_leader", "commune_staff", "commune_specialist"}),
    "commune_specialist": frozenset({"commune_leader", "commune_staff", "commune_specialist"}),
    "outsider": frozenset({"outsider"}),
    "nobody": frozenset({"nobody"}),  # a person always sees themself
}

# Only the administrator manages units. An account is managed by whoever manages every role it
# holds: the administrator, a unit head for an account that is only his unit's staff, an Office
# leader for one that is only its specialist (chidao/org/staff.py).
MANAGED_UNITS = {"admin": PROVINCE}
MANAGED_PEOPLE = {
    "admin": PROVINCE_PEOPLE,
    "unit_head": frozenset({"unit_staff"}),
    "office_leader": frozenset({"specialist", "specialist_th"}),
}


def _unit_names(org, keys):
    return {getattr(org, key).name for key in keys}


def _reload(person):
    """A fresh object: jurisdictions and memberships are cached on the one in hand."""
    return Person.objects.get(pk=person.pk)


def _mismatches(person, action, objects, expected):
    """Objects for which can() disagrees with the expectation, as readable strings."""
    return sorted(
        f"{obj} (expected {obj in expected})"
        for obj in objects
        if permissions.can(person, action, obj) != (obj in expected)
    )


@pytest.fixture
def superuser(org):
    root = Person.objects.create_superuser("root", PASSWORD, full_name="Root")
    Membership.objects.create(person=root, unit=org.office, role=Role.SPECIALIST)
    return root


# --- The tables cover every persona of the shared fixture --------------------------------------
def test_the_tables_cover_every_persona_and_unit(org, people):
    assert set(vars(people)) == set(PERSONAS) == set(VISIBLE_PEOPLE)
    assert set(vars(org)) - {"block_kt"} == set(UNIT_KEYS)


# --- Jurisdictions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "root", "seat"),
    [
        ("leader", "province", "province"),
        ("viewer", "province", "province"),
        ("office_leader", "province", "office"),
        ("admin", "province", "office"),
        ("division_head", "province", "div_kt"),
        ("specialist_th", "province", "div_th"),
        ("unit_head", "finance", "finance"),
        ("sub_staff", "finance_sub", "finance_sub"),
        ("commune_leader", "commune_a", "commune_a"),
        ("commune_staff", "commune_a", "commune_a"),
        ("commune_specialist", "commune_a", "commune_a_office"),
        ("outsider", "other_province", "other_office"),
    ],
)
def test_each_role_reaches_the_expected_subtree(org, people, persona, root, seat):
    [jurisdiction] = permissions.jurisdictions(getattr(people, persona))
    assert jurisdiction.root == getattr(org, root)
    assert jurisdiction.seat == getattr(org, seat)


def test_a_person_without_a_role_has_no_jurisdiction(people):
    assert permissions.jurisdictions(people.nobody) == []


# --- What each persona sees -------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_units(org, people, persona):
    seen = {u.name for u in permissions.visible_units(getattr(people, persona))}
    assert seen == _unit_names(org, VISIBLE_UNITS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_people(people, persona):
    seen = set(permissions.visible_people(getattr(people, persona)))
    assert seen == {getattr(people, name) for name in VISIBLE_PEOPLE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_menu_offers_entering_directives_exactly_to_who_may(people, persona):
    person = Person.objects.get(pk=getattr(people, persona).pk)
    may = permissions.issuing_committees(person).exists()
    assert permissions.may_enter_directives(person) is may
    # The Office's checkers, of this province, of the commune's apparatus or of the other one.
    checkers = {"office_leader", "division_head", "specialist", "specialist_th",
                "commune_specialist", "outsider"}  # fmt: skip
    assert may is (persona in checkers)


def test_staff_of_another_unit_do_not_see_finance(org, people):
    seen = set(permissions.visible_units(people.other_staff))
    assert org.finance not in seen
    assert org.finance_sub not in seen
    assert people.unit_staff not in set(permissions.visible_people(people.other_staff))


def test_unit_staff_see_their_subunit_but_not_siblings_nor_the_province(org, people):
    seen = set(permissions.visible_units(people.unit_staff))
    assert org.finance_sub in seen
    assert org.health not in seen
    assert org.province not in seen


def test_the_outsider_sees_nothing_of_this_province(org, people):
    assert not permissions.visible_units(people.outsider).filter(path__startswith=org.province.path)
    assert not set(permissions.visible_people(people.outsider)) & {
        getattr(people, name) for name in PROVINCE_PEOPLE
    }


# --- can(): a full matrix per persona ----------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_exactly_the_visible_units(org, people, persona):
    units = [getattr(org, key) for key in UNIT_KEYS]
    expected = {getattr(org, key) for key in VISIBLE_UNITS[persona]}
    assert _mismatches(getattr(people, persona), Action.VIEW, units, expected) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_manage_units_only_as_administrator(org, people, persona):
    units = [getattr(org, key) for key in UNIT_KEYS]
    expected = {getattr(org, key) for key in MANAGED_UNITS.get(persona, ())}
    assert _mismatches(getattr(people, persona), Action.MANAGE, units, expected) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_exactly_the_visible_people(people, persona):
    everyone = [getattr(people, name) for name in PERSONAS]
    expected = {getattr(people, name) for name in VISIBLE_PEOPLE[persona]}
    assert _mismatches(getattr(people, persona), Action.VIEW, everyone, expected) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_manage_accounts_only_as_administrator_of_all_their_roles(people, persona):
    everyone = [getattr(people, name) for name in PERSONAS]
    expected = {getattr(people, name) for name in MANAGED_PEOPLE.get(persona, ())}
    assert _mismatches(getattr(people, persona), Action.MANAGE, everyone, expected) == []


def test_an_administrator_does_not_manage_an_account_with_a_role_outside_their_scope(org, people):
    Membership.objects.create(person=people.unit_staff, unit=org.other_office, role=Role.VIEWER)
    assert not permissions.can(people.admin, Action.MANAGE, _reload(people.unit_staff))
    assert permissions.can(people.admin, Action.VIEW, _reload(people.unit_staff))


def test_an_administrator_does_not_manage_a_superuser_account(people, superuser):
    assert permissions.can(people.admin, Action.VIEW, superuser)  # a specialist of the Office
    assert not permissions.can(people.admin, Action.MANAGE, superuser)


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_the_memberships_of_visible_units(org, people, persona):
    person = getattr(people, persona)
    memberships = list(Membership.objects.select_related("unit", "person"))
    expected = {
        m for m in memberships if m.unit in {getattr(org, k) for k in VISIBLE_UNITS[persona]}
    }
    assert _mismatches(person, Action.VIEW, memberships, expected) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_manage_existing_memberships(org, people, persona):
    memberships = list(Membership.objects.select_related("unit", "person"))
    if persona == "admin":
        expected = {m for m in memberships if m.unit.is_within(org.province)}
    elif persona == "unit_head":  # the staff of their own unit, not themself nor the Chi cục
        expected = {m for m in memberships if m.person == people.unit_staff}
    elif persona == "office_leader":  # the specialists of the province's Office, not a commune's
        expected = {m for m in memberships if m.person in (people.specialist, people.specialist_th)}
    else:
        expected = set()
    assert _mismatches(getattr(people, persona), Action.MANAGE, memberships, expected) == []


@pytest.mark.parametrize(
    ("persona", "unit", "role", "allowed"),
    [
        ("unit_head", "finance", Role.UNIT_STAFF, True),
        ("unit_head", "finance", Role.VIEWER, True),
        ("unit_head", "finance", Role.UNIT_HEAD, False),
        ("unit_head", "finance_sub", Role.UNIT_STAFF, False),
        ("unit_head", "health", Role.UNIT_STAFF, False),
        ("unit_staff", "finance", Role.UNIT_STAFF, False),
        ("office_leader", "finance", Role.UNIT_STAFF, False),
        ("office_leader", "div_th", Role.SPECIALIST, True),
        ("office_leader", "office", Role.SPECIALIST, True),
        ("office_leader", "office", Role.VIEWER, False),
        ("office_leader", "commune_a_office", Role.SPECIALIST, False),
        ("division_head", "div_kt", Role.SPECIALIST, False),
        ("outsider", "office", Role.SPECIALIST, False),
        ("leader", "finance", Role.UNIT_STAFF, False),
        ("admin", "finance", Role.UNIT_HEAD, True),
        ("admin", "commune_a", Role.COMMITTEE_LEADER, True),
        ("admin", "div_th", Role.ADMIN, True),
        ("admin", "other_office", Role.ADMIN, False),
        ("outsider", "other_office", Role.UNIT_STAFF, False),
        ("commune_leader", "commune_a_econ", Role.UNIT_STAFF, False),
        ("nobody", "finance", Role.UNIT_STAFF, False),
    ],
)
def test_who_may_grant_which_role_where(org, people, persona, unit, role, allowed):
    grant = Membership(person=people.nobody, unit=getattr(org, unit), role=role)
    assert permissions.can(getattr(people, persona), Action.MANAGE, grant) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_the_follow_assignments_of_visible_units(org, people, persona):
    follows = list(FollowAssignment.objects.select_related("unit"))
    assert len(follows) == 3
    expected = {f for f in follows if f.unit in {getattr(org, k) for k in VISIBLE_UNITS[persona]}}
    assert _mismatches(getattr(people, persona), Action.VIEW, follows, expected) == []


@pytest.mark.parametrize(
    ("persona", "specialist", "unit", "allowed"),
    [
        ("office_leader", "specialist_th", "finance", True),
        ("office_leader", "specialist", "commune_a", True),
        ("admin", "specialist_th", "health", True),
        ("division_head", "specialist", "health", True),
        ("division_head", "specialist", "commune_a", True),
        ("division_head", "specialist_th", "health", False),  # not of their division
        ("division_head", "specialist", "other_office", False),
        ("leader", "specialist", "health", False),
        ("viewer", "specialist", "health", False),
        ("specialist", "specialist", "health", False),
        ("unit_head", "specialist", "finance", False),
        ("unit_staff", "specialist_th", "finance", False),
        ("commune_leader", "commune_specialist", "commune_a_econ", False),
        ("commune_specialist", "commune_specialist", "commune_a_econ", False),
        ("outsider", "specialist_th", "finance", False),
        ("nobody", "specialist", "health", False),
    ],
)
def test_who_may_assign_a_follow(org, people, persona, specialist, unit, allowed):
    follow = FollowAssignment(specialist=getattr(people, specialist), unit=getattr(org, unit))
    assert permissions.can(getattr(people, persona), Action.ASSIGN_FOLLOW, follow) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_actions_without_a_rule_are_refused(org, people, persona):
    person = getattr(people, persona)
    follow = FollowAssignment.objects.get(unit=org.finance)
    membership = Membership.objects.get(person=people.unit_staff)
    assert not permissions.can(person, Action.ASSIGN_FOLLOW, org.finance)
    assert not permissions.can(person, Action.ASSIGN_FOLLOW, people.unit_staff)
    assert not permissions.can(person, Action.ASSIGN_FOLLOW, membership)
    assert not permissions.can(person, Action.MANAGE, follow)
    assert not permissions.can(person, Action.VIEW, org.block_kt)  # a type without rules


# --- check(): 404 for the invisible, 403 for the visible but not allowed -----------------------
@pytest.mark.parametrize(
    ("persona", "action", "target", "error"),
    [
        ("other_staff", Action.VIEW, "finance", Http404),
        ("other_staff", Action.MANAGE, "finance", Http404),
        ("outsider", Action.VIEW, "province", Http404),
        ("commune_specialist", Action.VIEW, "finance", Http404),
        ("unit_staff", Action.VIEW, "health", Http404),
        ("unit_staff", Action.MANAGE, "finance", PermissionDenied),
        ("unit_head", Action.MANAGE, "finance_sub", PermissionDenied),
        ("leader", Action.MANAGE, "health", PermissionDenied),
        ("admin", Action.MANAGE, "other_office", Http404),
        ("unit_staff", Action.VIEW, "finance", None),
        ("admin", Action.MANAGE, "finance", None),
    ],
)
def test_check_on_units(org, people, persona, action, target, error):
    person, unit = getattr(people, persona), getattr(org, target)
    if error is None:
        assert permissions.check(person, action, unit) is None
    else:
        with pytest.raises(error):
            permissions.check(person, action, unit)


def test_check_on_people_memberships_and_follows(org, people):
    follow = FollowAssignment.objects.get(unit=org.finance)
    staff_role = Membership.objects.get(person=people.unit_staff)
    with pytest.raises(Http404):
        permissions.check(people.other_staff, Action.VIEW, people.unit_staff)
    with pytest.raises(PermissionDenied):
        permissions.check(people.unit_head, Action.MANAGE, people.sub_staff)
    with pytest.raises(Http404):
        permissions.check(people.outsider, Action.ASSIGN_FOLLOW, follow)
    with pytest.raises(PermissionDenied):
        permissions.check(people.unit_staff, Action.ASSIGN_FOLLOW, follow)
    with pytest.raises(PermissionDenied):
        permissions.check(people.unit_staff, Action.MANAGE, staff_role)
    with pytest.raises(Http404):
        permissions.check(people.other_staff, Action.MANAGE, staff_role)
    permissions.check(people.unit_head, Action.MANAGE, staff_role)
    permissions.check(people.office_leader, Action.ASSIGN_FOLLOW, follow)


# --- Ended roles ------------------------------------------------------------------------------
def test_an_ended_membership_removes_access(org, people):
    assert permissions.can(people.unit_staff, Action.VIEW, org.finance)
    Membership.objects.filter(person=people.unit_staff).update(
        is_active=False, ended_on=timezone.localdate()
    )
    staff = _reload(people.unit_staff)
    assert list(permissions.visible_units(staff)) == []
    assert set(permissions.visible_people(staff)) == {staff}
    assert not permissions.can(staff, Action.VIEW, org.finance)
    assert not permissions.can(staff, Action.VIEW, org.finance_sub)
    with pytest.raises(Http404):
        permissions.check(staff, Action.VIEW, org.finance)


def test_an_ended_member_is_no_longer_seen_by_their_former_colleagues(people):
    Membership.objects.filter(person=people.unit_staff).update(is_active=False)
    head = _reload(people.unit_head)
    assert people.unit_staff not in set(permissions.visible_people(head))
    assert not permissions.can(head, Action.VIEW, people.unit_staff)


def test_an_ended_administrator_loses_the_admin_site_and_management(org, people):
    assert permissions.may_use_admin_site(people.admin)
    Membership.objects.filter(person=people.admin).update(
        is_active=False, ended_on=timezone.localdate()
    )
    admin = _reload(people.admin)
    assert not permissions.may_use_admin_site(admin)
    assert not permissions.can(admin, Action.MANAGE, org.finance)
    assert list(permissions.manageable_units(admin)) == []


def test_an_ended_specialist_can_no_longer_be_assigned_by_their_division_head(org, people):
    follow = FollowAssignment(specialist=people.specialist, unit=org.health)
    assert permissions.can(people.division_head, Action.ASSIGN_FOLLOW, follow)
    Membership.objects.filter(person=people.specialist).update(is_active=False)
    assert not permissions.can(_reload(people.division_head), Action.ASSIGN_FOLLOW, follow)


# --- A commune's own apparatus ------------------------------------------------------------------
@pytest.fixture
def commune_admin(org):
    return make_person("commune_admin", org.commune_a_office, Role.ADMIN)


@pytest.fixture
def commune_office_leader(org):
    return make_person("commune_office_leader", org.commune_a_office, Role.OFFICE_LEADER)


@pytest.mark.parametrize("persona", ["commune_leader", "commune_specialist"])
def test_the_commune_apparatus_reaches_the_whole_commune_only(org, people, persona):
    person = getattr(people, persona)
    assert permissions.can(person, Action.VIEW, org.commune_a_econ)
    assert permissions.can(person, Action.VIEW, org.commune_a)
    for outside in (org.province, org.commune_b, org.finance, org.office):
        assert not permissions.can(person, Action.VIEW, outside), outside
    assert not permissions.can(person, Action.VIEW, people.leader)
    assert permissions.can(person, Action.VIEW, people.commune_staff)


def test_a_commune_administrator_manages_only_inside_the_commune(org, people, commune_admin):
    assert set(permissions.manageable_units(commune_admin)) == {
        getattr(org, key) for key in COMMUNE_A
    }
    assert permissions.can(commune_admin, Action.MANAGE, org.commune_a_econ)
    for outside in (org.province, org.commune_b, org.finance):
        assert not permissions.can(commune_admin, Action.MANAGE, outside), outside
    assert permissions.can(commune_admin, Action.MANAGE, people.commune_leader)
    assert not permissions.can(commune_admin, Action.MANAGE, people.leader)
    grant_here = Membership(person=people.nobody, unit=org.commune_a_econ, role=Role.UNIT_STAFF)
    grant_there = Membership(person=people.nobody, unit=org.finance, role=Role.UNIT_STAFF)
    assert permissions.can(commune_admin, Action.MANAGE, grant_here)
    assert not permissions.can(commune_admin, Action.MANAGE, grant_there)
    assert permissions.may_use_admin_site(commune_admin)


def test_a_commune_office_leader_assigns_the_communes_own_specialists(
    org, people, commune_office_leader
):
    inside = FollowAssignment(specialist=people.commune_specialist, unit=org.commune_a_econ)
    outside = FollowAssignment(specialist=people.specialist, unit=org.finance)
    assert permissions.can(commune_office_leader, Action.ASSIGN_FOLLOW, inside)
    assert not permissions.can(commune_office_leader, Action.ASSIGN_FOLLOW, outside)
    assert list(permissions.assignable_specialists(commune_office_leader, org.commune_a_econ)) == [
        people.commune_specialist
    ]
    assert list(permissions.assignable_specialists(commune_office_leader, org.finance)) == []


def test_a_commune_office_leader_does_not_choose_the_province_specialist_following_the_commune(
    org, people, commune_office_leader
):
    """The commune committee itself is followed by the province's Office: choosing which
    province specialist follows it is the province's business, not the commune's."""
    follow = FollowAssignment(specialist=people.specialist, unit=org.commune_a)
    assert not permissions.can(commune_office_leader, Action.ASSIGN_FOLLOW, follow)
    assert list(permissions.assignable_specialists(commune_office_leader, org.commune_a)) == []


# --- Superuser, inactive and anonymous ----------------------------------------------------------
def test_a_superuser_sees_and_may_do_everything(org, people, superuser):
    assert set(permissions.visible_units(superuser)) == set(Unit.objects.all())
    assert Unit.objects.count() == len(UNIT_KEYS)
    assert set(permissions.visible_people(superuser)) == set(Person.objects.all())
    assert set(permissions.manageable_units(superuser)) == set(Unit.objects.all())
    assert permissions.may_use_admin_site(superuser)
    follow = FollowAssignment(specialist=people.outsider, unit=org.other_office)
    membership = Membership(person=people.nobody, unit=org.other_office, role=Role.ADMIN)
    for obj in (org.other_province, org.finance, people.outsider, membership, follow):
        for action in (Action.VIEW, Action.MANAGE, Action.ASSIGN_FOLLOW):
            assert permissions.can(superuser, action, obj), (action, obj)


def test_an_inactive_superuser_may_do_nothing(org, superuser):
    superuser.is_active = False
    superuser.save()
    superuser = _reload(superuser)
    assert not permissions.can(superuser, Action.VIEW, org.province)
    assert not permissions.may_use_admin_site(superuser)


def _assert_powerless(person, org, people):
    follow = FollowAssignment.objects.get(unit=org.finance)
    membership = Membership.objects.get(person=people.unit_staff)
    assert list(permissions.visible_units(person)) == []
    assert list(permissions.manageable_units(person)) == []
    assert not permissions.may_use_admin_site(person)
    for obj in (org.province, org.finance, people.unit_staff, people.leader, membership, follow):
        for action in (Action.VIEW, Action.MANAGE, Action.ASSIGN_FOLLOW):
            assert not permissions.can(person, action, obj), (action, obj)
        with pytest.raises(Http404):
            permissions.check(person, Action.VIEW, obj)
    assert list(permissions.assignable_specialists(person, org.finance)) == []


@pytest.mark.parametrize("persona", ["admin", "unit_staff", "leader"])
def test_an_inactive_person_can_do_nothing(org, people, persona):
    person = getattr(people, persona)
    person.is_active = False
    person.save()
    person = _reload(person)
    _assert_powerless(person, org, people)
    others = set(permissions.visible_people(person)) - {person}
    assert others == set()


def test_an_anonymous_visitor_can_do_nothing(org, people):
    anonymous = AnonymousUser()
    _assert_powerless(anonymous, org, people)
    assert list(permissions.visible_people(anonymous)) == []
    assert permissions.jurisdictions(anonymous) == []


# --- The admin site ---------------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_administrator_may_use_the_admin_site(people, persona):
    assert permissions.may_use_admin_site(getattr(people, persona)) is (persona == "admin")


def test_is_staff_alone_does_not_open_the_admin_site(people):
    people.unit_head.is_staff = True
    people.unit_head.save()
    assert not permissions.may_use_admin_site(_reload(people.unit_head))


@pytest.mark.parametrize("persona", PERSONAS)
def test_manageable_units(org, people, persona):
    managed = {u.name for u in permissions.manageable_units(getattr(people, persona))}
    assert managed == _unit_names(org, MANAGED_UNITS.get(persona, ()))


# --- Division heads and the choice of specialists -----------------------------------------------
def test_a_division_head_may_assign_only_the_specialists_of_their_division(org, people):
    assert list(permissions.assignable_specialists(people.division_head, org.health)) == [
        people.specialist
    ]
    assert list(permissions.assignable_specialists(people.division_head, org.commune_a)) == [
        people.specialist
    ]
    # The commune's departments are followed by the commune's own specialist, not of div_kt.
    assert list(permissions.assignable_specialists(people.division_head, org.commune_a_econ)) == []


def test_another_division_head_assigns_the_specialists_of_their_own_division(org, people):
    head_th = make_person("head_th", org.div_th, Role.DIVISION_HEAD)
    assert list(permissions.assignable_specialists(head_th, org.health)) == [people.specialist_th]
    mine = FollowAssignment(specialist=people.specialist_th, unit=org.health)
    theirs = FollowAssignment(specialist=people.specialist, unit=org.health)
    assert permissions.can(head_th, Action.ASSIGN_FOLLOW, mine)
    assert not permissions.can(head_th, Action.ASSIGN_FOLLOW, theirs)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office_leader", {"specialist", "specialist_th"}),
        ("admin", {"specialist", "specialist_th"}),
        ("division_head", {"specialist"}),
        ("leader", set()),
        ("viewer", set()),
        ("specialist", set()),
        ("unit_head", set()),
        ("unit_staff", set()),
        ("outsider", set()),
        ("nobody", set()),
    ],
)
def test_assignable_specialists_for_a_department(org, people, persona, expected):
    chosen = set(permissions.assignable_specialists(getattr(people, persona), org.finance))
    assert chosen == {getattr(people, name) for name in expected}


def test_a_superuser_may_choose_any_candidate(org, people, superuser):
    assert set(permissions.assignable_specialists(superuser, org.finance)) == {
        people.specialist,
        people.specialist_th,
        superuser,  # the superuser holds a specialist role in the Office
    }


# --- A unit head cannot hand out more than they have -------------------------------------------
def test_a_unit_head_in_the_office_cannot_grant_a_province_wide_viewer_role(org, people):
    """A viewer seated in the apparatus reaches the whole committee; a unit head seated in an
    Office division reaches only that division, so they must not be able to create one."""
    head = make_person("division_unit_head", org.div_th, Role.UNIT_HEAD)
    assert {u.name for u in permissions.visible_units(head)} == {"Phòng Tổng hợp"}
    grant = Membership(person=head, unit=org.div_th, role=Role.VIEWER)
    assert not permissions.can(head, Action.MANAGE, grant)
