"""Every write to the organisation goes through these functions (atomic, permission-checked).

Views, the admin site and commands call them; ``actor=None`` is the system itself (imports and
demo data run by an operator on the server), which skips the permission check.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit, UnitSuccession
from chidao.org.permissions import Action, check


def _require(actor: Person | None, action: Action, obj) -> None:
    if actor is not None:
        check(actor, action, obj)


@transaction.atomic
def create_unit(actor: Person | None, *, parent: Unit | None, **fields) -> Unit:
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise ValidationError(_("Only a system administrator may create a top-level unit."))
    else:
        _require(actor, Action.MANAGE, parent)
    unit = Unit(parent=parent, **fields)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def update_unit(actor: Person | None, unit: Unit, **fields) -> Unit:
    """Edit a unit's own fields; a change of parent is a move (see move_unit)."""
    _require(actor, Action.MANAGE, unit)
    if "parent" in fields:
        raise ValidationError(_("Use the move action to change a unit's parent."))
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def move_unit(actor: Person | None, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit, with its whole subtree, under another parent."""
    _require(actor, Action.MANAGE, unit)
    _require(actor, Action.MANAGE, new_parent)
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.is_within(unit):
        raise ValidationError(_("A unit cannot be moved under itself or its own subunit."))
    if not new_parent.is_active:
        raise ValidationError(_("A unit cannot be moved under a dissolved unit."))
    unit.parent = new_parent
    unit.save()
    return unit


@transaction.atomic
def merge_units(
    actor: Person | None,
    sources: list[Unit],
    into: Unit,
    *,
    effective_on: datetime.date,
    decision: str = "",
) -> list[UnitSuccession]:
    """Sáp nhập: ``sources`` merge into ``into`` on ``effective_on``.

    1. Each source's active subunits move under the successor.
    2. Each source's active roles end, and the same roles start in the successor, so the people
       keep working; the ended rows stay as history.
    3. The specialist following a source follows the successor if nobody does yet.
    4. Each source is dissolved (kept, never deleted) and a succession row records the trail.
    """
    if not sources:
        raise ValidationError(_("Choose at least one unit to merge."))
    _require(actor, Action.MANAGE, into)
    into.refresh_from_db()
    if not into.is_active:
        raise ValidationError(_("Units cannot be merged into a dissolved unit."))
    trail = []
    for source in sources:
        _require(actor, Action.MANAGE, source)
        source.refresh_from_db()
        if source.pk == into.pk:
            raise ValidationError(_("A unit cannot be merged into itself."))
        if into.is_within(source):
            raise ValidationError(_("A unit cannot be merged into its own subunit."))
        if not source.is_active:
            raise ValidationError(_("%(unit)s is already dissolved.") % {"unit": source})
        for child in source.children.filter(is_active=True):
            child.parent = into
            child.save()
        for membership in source.memberships.filter(is_active=True):
            _end(membership, effective_on)
            Membership.objects.get_or_create(
                person=membership.person,
                unit=into,
                role=membership.role,
                is_active=True,
                defaults={"position": membership.position, "started_on": effective_on},
            )
        for follow in source.follow_assignments.filter(is_active=True):
            _end(follow, effective_on)
            if not into.follow_assignments.filter(is_active=True).exists():
                FollowAssignment.objects.create(
                    specialist=follow.specialist, unit=into, started_on=effective_on
                )
        _dissolve(source, effective_on)
        trail.append(
            UnitSuccession.objects.create(
                predecessor=source,
                successor=into,
                kind=UnitSuccession.Kind.MERGER,
                effective_on=effective_on,
                decision=decision,
                recorded_by=actor,
            )
        )
    return trail


@transaction.atomic
def dissolve_unit(actor: Person | None, unit: Unit, *, effective_on: datetime.date) -> Unit:
    """Giải thể: the unit stops; refused while it still has active subunits or people."""
    _require(actor, Action.MANAGE, unit)
    if unit.children.filter(is_active=True).exists():
        raise ValidationError(_("Move or dissolve its subunits first."))
    if unit.memberships.filter(is_active=True).exists():
        raise ValidationError(_("End the roles of the people in this unit first."))
    for follow in unit.follow_assignments.filter(is_active=True):
        _end(follow, effective_on)
    _dissolve(unit, effective_on)
    return unit


@transaction.atomic
def delete_unit(actor: Person | None, unit: Unit) -> None:
    """Only a unit entered by mistake, which nothing refers to, may be deleted."""
    _require(actor, Action.MANAGE, unit)
    if unit.has_history():
        raise ValidationError(_("This unit has history: dissolve it instead of deleting it."))
    unit.delete()


@transaction.atomic
def grant_role(
    actor: Person | None,
    person: Person,
    unit: Unit,
    role: str,
    *,
    position: str = "",
    sector_block=None,
) -> Membership:
    membership = Membership(
        person=person, unit=unit, role=role, position=position, sector_block=sector_block
    )
    _require(actor, Action.MANAGE, membership)
    membership.full_clean()
    membership.save()
    if role == Role.ADMIN and not person.is_staff:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def end_role(actor: Person | None, membership: Membership, *, on=None) -> Membership:
    _require(actor, Action.MANAGE, membership)
    return _end(membership, on or timezone.localdate())


@transaction.atomic
def assign_follow(actor: Person | None, specialist: Person, unit: Unit) -> FollowAssignment:
    """Phân công theo dõi: ``specialist`` follows ``unit`` from today, replacing whoever did."""
    follow = FollowAssignment(specialist=specialist, unit=unit)
    _require(actor, Action.ASSIGN_FOLLOW, follow)
    if not unit.is_active:
        raise ValidationError(_("A dissolved unit is not followed."))
    if not unit.follower_candidates().filter(pk=specialist.pk).exists():
        raise ValidationError(
            _("%(person)s is not a tracking specialist of the Office that follows this unit.")
            % {"person": specialist}
        )
    today = timezone.localdate()
    for current in unit.follow_assignments.select_for_update().filter(is_active=True):
        if current.specialist_id == specialist.pk:
            return current
        _end(current, today)
    follow.started_on = today
    follow.full_clean()
    follow.save()
    return follow


def _end(row, on: datetime.date):
    row.is_active = False
    row.ended_on = on
    row.save(update_fields=["is_active", "ended_on"])
    return row


def _dissolve(unit: Unit, on: datetime.date) -> None:
    unit.is_active = False
    unit.dissolved_on = on
    unit.save()
