"""Phân quyền: who may see and do what, scoped by unit. The only home of these rules.

Views, API calls, actions, the admin site and commands all ask the two questions here:
``can(person, action, obj)`` and ``visible_units(person)`` / ``visible_people(person)``.

Scope: each active membership gives a person a *jurisdiction*, a subtree of the organisation.
- People of a committee's apparatus (committee leaders, Office leaders, division heads, tracking
  specialists, administrators, and viewers seated in the apparatus) work for the whole committee:
  their jurisdiction is the committee's subtree. At the province this is the whole province; for
  a commune committee it is that commune, so each level works the same way.
- Unit heads, unit staff and viewers of any other unit see their own unit and the units under it.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit, UnitKind

APPARATUS_ROLES = frozenset(
    {Role.COMMITTEE_LEADER, Role.OFFICE_LEADER, Role.DIVISION_HEAD, Role.SPECIALIST, Role.ADMIN}
)


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # create, edit, move, merge, dissolve; accounts and roles
    ASSIGN_FOLLOW = "assign_follow"  # choose the specialist who follows a unit


@dataclass(frozen=True)
class Jurisdiction:
    role: str
    root: Unit  # the subtree the role reaches
    seat: Unit  # the unit the membership is in

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def covers(self, unit: Unit) -> bool:
        return unit.path.startswith(self.root.path)


def jurisdictions(person: Person) -> list[Jurisdiction]:
    """The subtrees each active membership reaches; cached on the person for the request."""
    if not person.is_authenticated or not person.is_active:
        return []
    cached = getattr(person, "_jurisdictions", None)
    if cached is not None:
        return cached
    memberships = person.active_memberships()
    committee_ids = {
        ancestor_id
        for m in memberships
        if m.unit.kind != UnitKind.COMMITTEE
        for ancestor_id in m.unit.ancestor_ids()
    }
    committees = {
        u.pk: u for u in Unit.objects.filter(pk__in=committee_ids, kind=UnitKind.COMMITTEE)
    }
    result = []
    for m in memberships:
        root = m.unit
        if m.role in APPARATUS_ROLES or (m.role == Role.VIEWER and m.unit.in_apparatus):
            root = _committee_of(m.unit, committees) or m.unit
        result.append(Jurisdiction(role=m.role, root=root, seat=m.unit))
    person._jurisdictions = result
    return result


def _committee_of(unit: Unit, committees: dict[int, Unit]) -> Unit | None:
    if unit.kind == UnitKind.COMMITTEE:
        return unit
    for ancestor_id in reversed(unit.ancestor_ids()):
        if ancestor_id in committees:
            return committees[ancestor_id]
    return None


def _roots(person: Person, roles=None) -> list[Unit]:
    return [j.root for j in jurisdictions(person) if roles is None or j.role in roles]


def _subtrees_q(roots: list[Unit], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(**{f"{field}__startswith": root.path})
    return q


# --- Which objects may this person see? ---------------------------------------------------------
def visible_units(person: Person):
    if person.is_authenticated and person.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(_subtrees_q(_roots(person)))


def visible_people(person: Person):
    """People with an active role in a unit this person sees, and the person themself."""
    if person.is_authenticated and person.is_superuser:
        return Person.objects.all()
    if not person.is_authenticated:
        return Person.objects.none()
    in_scope = Membership.objects.filter(
        _subtrees_q(_roots(person), "unit__path"), is_active=True
    ).values("person_id")
    return Person.objects.filter(Q(pk__in=in_scope) | Q(pk=person.pk))


def manageable_units(person: Person):
    """Units whose records this person administers."""
    if person.is_authenticated and person.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(_subtrees_q(_roots(person, {Role.ADMIN})))


# --- May this person do this to this object? ---------------------------------------------------
def can(person: Person, action: Action | str, obj) -> bool:
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_superuser:
        return True
    rule = _RULES.get((type(obj), Action(action)))
    return bool(rule and rule(person, obj))


def check(person: Person, action: Action | str, obj) -> None:
    """Raise 404 for what the person may not even see, 403 for what they see but may not do."""
    if not can(person, Action.VIEW, obj):
        raise Http404
    if Action(action) != Action.VIEW and not can(person, action, obj):
        raise PermissionDenied


def may_use_admin_site(person: Person) -> bool:
    return person.is_active and (
        person.is_superuser or any(j.role == Role.ADMIN for j in jurisdictions(person))
    )


def _covers(person: Person, unit: Unit, roles=None) -> bool:
    return any(
        unit.path.startswith(j.root.path)
        for j in jurisdictions(person)
        if roles is None or j.role in roles
    )


def _view_unit(person: Person, unit: Unit) -> bool:
    return _covers(person, unit)


def _manage_unit(person: Person, unit: Unit) -> bool:
    return _covers(person, unit, {Role.ADMIN})


def _view_person(person: Person, target: Person) -> bool:
    return target.pk == person.pk or visible_people(person).filter(pk=target.pk).exists()


def _manage_person(person: Person, target: Person) -> bool:
    """An administrator manages an account only if every role it holds is inside their scope."""
    if target.is_superuser:
        return False
    units = [m.unit for m in target.active_memberships()]
    return bool(units) and all(_covers(person, u, {Role.ADMIN}) for u in units)


def _view_membership(person: Person, membership: Membership) -> bool:
    return membership.person_id == person.pk or _covers(person, membership.unit)


def _manage_membership(person: Person, membership: Membership) -> bool:
    """Administrators grant any role in their scope; a unit head grants staff and viewers of
    their own unit."""
    if _covers(person, membership.unit, {Role.ADMIN}):
        return True
    # Never in a committee's apparatus, where a viewer would see the whole committee.
    if membership.unit.in_apparatus:
        return False
    return membership.role in (Role.UNIT_STAFF, Role.VIEWER) and any(
        j.role == Role.UNIT_HEAD and j.seat.pk == membership.unit_id for j in jurisdictions(person)
    )


def _view_follow(person: Person, follow: FollowAssignment) -> bool:
    return _covers(person, follow.unit)


def _assign_follow(person: Person, follow: FollowAssignment) -> bool:
    """The Office that follows a unit is its supervising committee's (a commune committee is
    followed by the province's Office, not its own): that Office's leaders and administrators
    assign any of its specialists, a division head only those of their own division."""
    office_of = follow.unit.supervising_committee
    if office_of is None:
        return False
    if _leads_office_of(person, office_of):
        return True
    division_ids = {
        j.seat.pk
        for j in jurisdictions(person)
        if j.role == Role.DIVISION_HEAD and j.root.pk == office_of.pk
    }
    return (
        bool(division_ids)
        and Membership.objects.filter(
            person_id=follow.specialist_id,
            role=Role.SPECIALIST,
            unit_id__in=division_ids,
            is_active=True,
        ).exists()
    )


def _leads_office_of(person: Person, committee: Unit) -> bool:
    """An administrator over the committee, or a leader of that very committee's Office."""
    return _covers(person, committee, {Role.ADMIN}) or any(
        j.role == Role.OFFICE_LEADER and j.root.pk == committee.pk for j in jurisdictions(person)
    )


def assignable_specialists(person: Person, unit: Unit):
    """The specialists this person may set to follow ``unit`` (for the choice in a form)."""
    candidates = unit.follower_candidates()
    office_of = unit.supervising_committee
    if person.is_superuser:
        return candidates
    if office_of is None:
        return candidates.none()
    if _leads_office_of(person, office_of):
        return candidates
    divisions = [
        j.seat.pk
        for j in jurisdictions(person)
        if j.role == Role.DIVISION_HEAD and j.root.pk == office_of.pk
    ]
    return candidates.filter(
        memberships__role=Role.SPECIALIST,
        memberships__is_active=True,
        memberships__unit__in=divisions,
    )


_RULES = {
    (Unit, Action.VIEW): _view_unit,
    (Unit, Action.MANAGE): _manage_unit,
    (Person, Action.VIEW): _view_person,
    (Person, Action.MANAGE): _manage_person,
    (Membership, Action.VIEW): _view_membership,
    (Membership, Action.MANAGE): _manage_membership,
    (FollowAssignment, Action.VIEW): _view_follow,
    (FollowAssignment, Action.ASSIGN_FOLLOW): _assign_follow,
}
