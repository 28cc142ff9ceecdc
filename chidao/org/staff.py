"""Cán bộ của đơn vị: a unit head's staff and viewers, an Office leader's specialists, managed
from the product's own pages (administrators keep the admin site for everything else).

Writes are actions here, atomic and permission-checked through ``chidao.org.permissions``
(``Membership`` MANAGE for a role, ``Person`` MANAGE for an account); the roles themselves are
granted and ended by ``chidao.org.actions``. Queries for the pages sit at the end.
"""

from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.org import actions
from chidao.org.models import Membership, Person, Role, Unit, UnitKind
from chidao.org.permissions import Action, can, check

# The roles managed from a unit's page; every other role stays with the administrators.
STAFF_ROLES = (Role.UNIT_STAFF, Role.VIEWER, Role.SPECIALIST)


# --- Actions -------------------------------------------------------------------------------------
@transaction.atomic
def add_person(
    actor: Person,
    unit: Unit,
    *,
    role: str,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
) -> Person:
    """Thêm cán bộ: a new account holding one role in ``unit``.

    1. Refuse (403) unless ``actor`` may grant this role in this unit: nothing is written.
    2. Create the account with an unusable password: nobody, not even the person who adds it,
       ever knows a password chosen for someone else. The person sets their own through the
       link of ``chidao.org.invitations`` (or signs in through single sign-on).
    3. Grant the role through ``actions.grant_role`` (checked again there).
    """
    check(actor, Action.MANAGE, Membership(unit=unit, role=role))
    if role not in STAFF_ROLES:
        raise PermissionDenied
    username = username.strip()
    UnicodeUsernameValidator()(username)
    if Person.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("An account with this username already exists: choose another.")}
        )
    person = Person(
        username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip()
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    actions.grant_role(actor, person, unit, role, position=position.strip())
    return person


@transaction.atomic
def end_person_role(actor: Person, membership: Membership) -> Person:
    """Ngừng: end one role; an account left with no active role is closed (it can no longer
    sign in, and its open sessions end at their next request). Its history stays."""
    membership = Membership.objects.select_for_update().select_related("unit").get(pk=membership.pk)
    check(actor, Action.MANAGE, membership)
    if not membership.is_active:
        raise ValidationError(_("This role has already ended."))
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot end your own role here."))
    if membership.role == Role.SPECIALIST:
        _refuse_while_following(person, membership)
    actions.end_role(actor, membership)
    if not person.memberships.filter(is_active=True).exists() and person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
    return person


def _refuse_while_following(person: Person, membership: Membership) -> None:
    """A specialist's last seat cannot end while units still count on them as their follower."""
    other_seats = person.memberships.filter(is_active=True, role=Role.SPECIALIST).exclude(
        pk=membership.pk
    )
    following = person.follow_assignments.filter(is_active=True).count()
    if following and not other_seats.exists():
        raise ValidationError(
            _(
                "%(person)s still follows %(n)s unit(s): assign another specialist to them "
                "first (Follow assignments)."
            )
            % {"person": person, "n": following}
        )


@transaction.atomic
def reactivate(actor: Person, ended: Membership) -> Membership:
    """Kích hoạt lại: the same role in the same unit, from today, as a new row (the ended one
    stays as history); a closed account opens again only if ``actor`` may manage every role it
    now holds."""
    ended = Membership.objects.select_related("unit", "person").get(pk=ended.pk)
    check(actor, Action.VIEW, ended)
    if ended.is_active:
        raise ValidationError(_("This role is still active."))
    person = Person.objects.select_for_update().get(pk=ended.person_id)
    if person.is_superuser:
        raise PermissionDenied
    if person.memberships.filter(unit=ended.unit, role=ended.role, is_active=True).exists():
        raise ValidationError(_("This person already has this role in this unit."))
    membership = actions.grant_role(actor, person, ended.unit, ended.role, position=ended.position)
    if not person.is_active:
        if not can(actor, Action.MANAGE, Person.objects.get(pk=person.pk)):
            raise PermissionDenied  # rolls the new role back too
        person.is_active = True
        person.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def update_contact(actor: Person, person: Person, *, email: str, phone: str) -> Person:
    """A person's own e-mail address and phone number (on their profile)."""
    if actor.pk != person.pk:
        check(actor, Action.MANAGE, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.email = email.strip()
    person.phone = phone.strip()
    person.full_clean()
    person.save(update_fields=["email", "phone", "search_text", "sort_key"])
    return person


# --- Queries for the pages ----------------------------------------------------------------------
def seats(unit: Unit) -> list[Unit]:
    """The units whose people a unit's page manages: an Office with its divisions (its
    specialists sit in both), any other unit alone."""
    if unit.kind == UnitKind.OFFICE:
        divisions = unit.children.filter(kind=UnitKind.OFFICE_DIVISION, is_active=True)
        return [unit, *divisions.order_by("sort_order", "sort_key")]
    return [unit]


def grantable(actor: Person, unit: Unit) -> list[tuple[Unit, list[str]]]:
    """For each seat of ``unit``'s page, the roles ``actor`` may grant there (seats where they
    may grant none are left out). Asked of the permission module, role by role."""
    if not unit.is_active:
        return []
    result = []
    for seat in seats(unit):
        roles = [
            role
            for role in STAFF_ROLES
            if _fits(role, seat) and can(actor, Action.MANAGE, Membership(unit=seat, role=role))
        ]
        if roles:
            result.append((seat, roles))
    return result


def _fits(role: str, unit: Unit) -> bool:
    """Specialists sit in an Office and its divisions; staff and viewers everywhere else (the
    admin site remains for anything unusual)."""
    office = unit.kind in (UnitKind.OFFICE, UnitKind.OFFICE_DIVISION)
    return office if role == Role.SPECIALIST else not office


@dataclass
class StaffRow:
    """One line of the staff table: a person's role in a seat, active or ended (the latest)."""

    membership: Membership
    can_end: bool = False
    can_reactivate: bool = False
    can_invite: bool = False


def rows(actor: Person, unit: Unit, granted: list[tuple[Unit, list[str]]]) -> list[StaffRow]:
    """The people holding, or having held, the roles ``actor`` manages in the page's seats: the
    active roles, then the ended ones not held again since (latest first), each with what
    ``actor`` may do to it. One query."""
    roles_by_seat = {seat.pk: set(roles) for seat, roles in granted}
    memberships = (
        Membership.objects.filter(unit__in=list(roles_by_seat))
        .select_related("person", "unit")
        .order_by("-is_active", "person__sort_key", "-ended_on", "-pk")
    )
    seen, result = set(), []
    for m in memberships:
        key = (m.person_id, m.unit_id, m.role)
        if m.role not in roles_by_seat[m.unit_id] or key in seen:
            continue
        seen.add(key)
        row = StaffRow(m)
        if m.is_active:
            row.can_end = m.person_id != actor.pk
            row.can_invite = m.person.is_active and not m.person.has_usable_password()
        else:
            row.can_reactivate = True  # the action asks again about a closed account
        result.append(row)
    return result
