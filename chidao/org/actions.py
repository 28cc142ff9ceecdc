"""Every write to the organisation goes through these functions (atomic, permission-checked).

Views, the admin site and commands call them; ``actor=None`` is the system itself (imports and
demo data run by an operator on the server), which skips the permission check.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.org import unit_changes
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
def rename_unit(
    actor: Person | None,
    unit: Unit,
    *,
    name: str,
    short_name: str = "",
    code: str | None = None,
    effective_on: datetime.date,
    decision: str = "",
    expected: str | None = None,
):
    """Đổi tên by a decision: the names before are kept (``UnitChange``); see ``unit_changes``.
    ``expected`` is the fingerprint of the preview the person confirmed."""
    _require(actor, Action.MANAGE, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    plan = unit_changes.plan_rename(
        unit, name=name, short_name=short_name, code=code, effective_on=effective_on,
        decision=decision,
    )  # fmt: skip
    unit_changes.refuse(plan, expected)
    return unit_changes.apply_rename(plan, actor)


@transaction.atomic
def move_unit(
    actor: Person | None,
    unit: Unit,
    new_parent: Unit,
    *,
    effective_on: datetime.date | None = None,
    decision: str = "",
    expected: str | None = None,
) -> Unit:
    """Move a unit, with its whole subtree, under another parent (see ``unit_changes``)."""
    _require(actor, Action.MANAGE, unit)
    _require(actor, Action.MANAGE, new_parent)
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    plan = unit_changes.plan_move(
        unit, new_parent, effective_on=effective_on or timezone.localdate(), decision=decision
    )
    unit_changes.refuse(plan, expected)
    unit_changes.apply_move(plan, actor)
    return unit


@transaction.atomic
def merge_units(
    actor: Person | None,
    sources: list[Unit],
    into: Unit,
    *,
    effective_on: datetime.date,
    decision: str = "",
    expected: str | None = None,
) -> list[UnitSuccession]:
    """Sáp nhập: ``sources`` merge into ``into`` on ``effective_on``; each source is dissolved
    (kept, never deleted) and a succession row records the trail. What passes to the successor
    (subunits, roles, follow assignments, unfinished tasks, cooperating shares) is exactly what
    ``unit_changes.plan_merge`` lists; all or nothing."""
    if not sources:
        raise ValidationError(_("Choose at least one unit to merge."))
    _require(actor, Action.MANAGE, into)
    for source in sources:
        _require(actor, Action.MANAGE, source)
    into.refresh_from_db()
    for source in sources:
        source.refresh_from_db()
    plan = unit_changes.plan_merge(
        sources, into, effective_on=effective_on, decision=decision, lock=True
    )
    unit_changes.refuse(plan, expected)
    return unit_changes.apply_merge(plan, actor)


@transaction.atomic
def dissolve_unit(
    actor: Person | None,
    unit: Unit,
    *,
    effective_on: datetime.date,
    decision: str = "",
    expected: str | None = None,
) -> Unit:
    """Giải thể: the unit stops; refused while it still has active subunits, people or
    unfinished tasks (a merger passes those on instead)."""
    _require(actor, Action.MANAGE, unit)
    unit.refresh_from_db()
    plan = unit_changes.plan_dissolve(unit, effective_on=effective_on, decision=decision, lock=True)
    unit_changes.refuse(plan, expected)
    unit_changes.apply_dissolve(plan, actor)
    return unit


@transaction.atomic
def delete_unit(actor: Person | None, unit: Unit) -> None:
    """Only a unit entered by mistake, which nothing refers to, may be deleted."""
    _require(actor, Action.MANAGE, unit)
    if unit.has_history() or unit.changes.exists():
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
