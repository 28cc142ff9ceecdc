"""Thay đổi tổ chức: what renaming, moving, merging (sáp nhập) or dissolving (giải thể) a unit
would change, and the change itself, made from the same lists.

Each ``plan_*`` function only reads. It returns a plan that lists exactly what would move (the
preview) and, in ``errors``, why the change cannot be made. Each ``apply_*`` function writes the
plan's lists and nothing else, so what the preview showed is what moves. The actions
(``chidao.org.actions``) check who may do it, build the plan inside their transaction with the
tasks concerned locked, refuse a plan with errors or one that differs from the preview the person
confirmed (``fingerprint``), and apply it.

What a merger passes to the successor, and what stays:

- active subunits move under the successor; active roles end and start again in the successor;
  the specialist following a source follows the successor if nobody does (and they may);
- tasks not finished for good (open or suspended): as lead unit, as the unit that gave a part
  (or the committee that assigned it), and as cooperating unit, unless the successor leads the
  task or already takes part (the source's share is then kept as it is). Each such task gets a
  "handed over" step naming both units as they were called that day;
- done and cancelled tasks keep the source as their unit: the statistics of past periods stay
  as they were. The dissolved source is placed under its successor, so the successor's people
  and its statistics (a unit's subtree) still reach the source's history;
- directives issued by the source stay its documents.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Person,
    Unit,
    UnitChange,
    UnitKind,
    UnitSuccession,
)
from chidao.org.models.people import ROLE_UNIT_KINDS

MERGE, MOVE, RENAME, DISSOLVE = "merge", "move", "rename", "dissolve"
KINDS = (RENAME, MOVE, MERGE, DISSOLVE)


def unfinished_states() -> tuple[str, ...]:
    """Tasks still someone's work: open, or suspended (a suspended task may resume)."""
    from chidao.directives.models import OPEN_STATES, State

    return (*OPEN_STATES, State.SUSPENDED)


# --- The plans ------------------------------------------------------------------------------
@dataclass
class Plan:
    kind: str
    unit: Unit
    effective_on: datetime.date
    decision: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def content(self) -> dict:
        """What the plan would do, as plain values: the preview's fingerprint is taken of it."""
        return {
            "kind": self.kind,
            "unit": self.unit.pk,
            "on": self.effective_on.isoformat(),
            "decision": self.decision,
        }

    def fingerprint(self) -> str:
        text = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def summary(self) -> dict:
        """The counts kept with the change (``UnitChange.moved``)."""
        return {}


@dataclass
class RenamePlan(Plan):
    name: str = ""
    short_name: str = ""
    code: str = ""
    tasks: int = 0  # tasks the unit leads, all shown under the new name

    def content(self) -> dict:
        return {**super().content(), "names": [self.name, self.short_name, self.code]}


@dataclass
class MovePlan(Plan):
    new_parent: Unit | None = None
    subunits: list[Unit] = field(default_factory=list)  # move along, under the unit
    roles: list[Membership] = field(default_factory=list)  # in the moving units: go along
    open_tasks: int = 0  # led in the moving units: go along
    follows_ended: list[FollowAssignment] = field(default_factory=list)

    def content(self) -> dict:
        return {
            **super().content(),
            "to": self.new_parent.pk if self.new_parent else None,
            "subunits": [u.pk for u in self.subunits],
            "follows_ended": [f.pk for f in self.follows_ended],
        }

    def summary(self) -> dict:
        return {
            "subunits": len(self.subunits),
            "roles": len(self.roles),
            "open_tasks": self.open_tasks,
            "follows_ended": len(self.follows_ended),
        }


@dataclass
class RoleMove:
    membership: Membership  # ends on the effective date
    exists: bool  # the person already holds this role in the successor: nothing new is made
    sector_block_id: int | None = None  # kept only when the block is the successor's own


@dataclass
class FollowMove:
    follow: FollowAssignment  # ends on the effective date
    passes: bool  # its specialist follows the successor from the effective date


@dataclass
class TaskMove:
    task: object  # chidao.directives.models.Task
    lead: bool = False  # the lead unit passes
    assigner: bool = False  # the assigning unit passes
    cooperation: object | None = None  # the source's share passes (a Cooperation)

    @property
    def roles(self) -> list[str]:
        roles = [("lead", self.lead), ("assigner", self.assigner)]
        return [name for name, on in roles if on] + (["cooperating"] if self.cooperation else [])


@dataclass
class Source:
    """One unit merging into the successor, and everything of it that passes."""

    unit: Unit
    subunits: list[Unit] = field(default_factory=list)
    roles: list[RoleMove] = field(default_factory=list)
    follows: list[FollowMove] = field(default_factory=list)
    tasks: list[TaskMove] = field(default_factory=list)
    kept_cooperations: list = field(default_factory=list)  # the successor leads or takes part
    finished_tasks: int = 0  # done or cancelled: keep the source, for history
    directives: int = 0  # issued by the source: stay its documents

    @property
    def lead_tasks(self) -> list[TaskMove]:
        return [t for t in self.tasks if t.lead]

    @property
    def assigned_tasks(self) -> list[TaskMove]:
        return [t for t in self.tasks if t.assigner]

    @property
    def cooperations(self) -> list[TaskMove]:
        return [t for t in self.tasks if t.cooperation is not None]

    @property
    def new_roles(self) -> list[RoleMove]:
        return [r for r in self.roles if not r.exists]

    @property
    def passing_follows(self) -> list[FollowMove]:
        return [f for f in self.follows if f.passes]

    def content(self) -> dict:
        return {
            "unit": self.unit.pk,
            "subunits": [u.pk for u in self.subunits],
            "roles": [[r.membership.pk, r.exists, r.sector_block_id] for r in self.roles],
            "follows": [[f.follow.pk, f.passes] for f in self.follows],
            "tasks": [
                [t.task.pk, t.lead, t.assigner, t.cooperation.pk if t.cooperation else None]
                for t in self.tasks
            ],
            "kept": [c.pk for c in self.kept_cooperations],
        }

    def summary(self) -> dict:
        return {
            "subunits": len(self.subunits),
            "roles": len(self.roles),
            "follows_passed": len(self.passing_follows),
            "lead_tasks": len(self.lead_tasks),
            "assigned_tasks": len(self.assigned_tasks),
            "cooperations": len(self.cooperations),
            "kept_cooperations": len(self.kept_cooperations),
            "finished_tasks": self.finished_tasks,
        }


@dataclass
class MergePlan(Plan):
    """``unit`` is the successor (đơn vị kế thừa); ``sources`` merge into it."""

    sources: list[Source] = field(default_factory=list)

    def content(self) -> dict:
        return {**super().content(), "sources": [s.content() for s in self.sources]}


@dataclass
class DissolvePlan(Plan):
    follows_ended: list[FollowAssignment] = field(default_factory=list)
    # What stops it (each also in ``errors``): the work a merger would pass on.
    subunits: list[Unit] = field(default_factory=list)
    roles: list[Membership] = field(default_factory=list)
    tasks: list = field(default_factory=list)  # unfinished, led, given or shared by the unit

    def content(self) -> dict:
        return {**super().content(), "follows_ended": [f.pk for f in self.follows_ended]}

    def summary(self) -> dict:
        return {"follows_ended": len(self.follows_ended)}


# --- Checks every change shares -------------------------------------------------------------
def _date_errors(unit: Unit, on: datetime.date) -> list[str]:
    errors = []
    if on > clock.today():
        errors.append(
            _("The effective date cannot be after today: record the change once it takes effect.")
        )
    if unit.established_on and on < unit.established_on:
        errors.append(
            _("%(unit)s was established on %(date)s: the change cannot take effect before.")
            % {"unit": unit, "date": f"{unit.established_on:%d/%m/%Y}"}
        )
    return errors


def _code_clash(code: str, kind: str, taken: set[str]) -> bool:
    """Symbol codes are unique among siblings, committees apart (each signs "UBND")."""
    return bool(code) and kind != UnitKind.COMMITTEE and code in taken


def _sibling_codes(parent: Unit | None, exclude: Unit | None = None) -> set[str]:
    siblings = Unit.objects.filter(parent=parent).exclude(kind=UnitKind.COMMITTEE)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return set(siblings.exclude(code="").values_list("code", flat=True))


# --- Rename (đổi tên) ------------------------------------------------------------------------
def plan_rename(
    unit: Unit,
    *,
    name: str,
    short_name: str = "",
    code: str | None = None,
    effective_on: datetime.date,
    decision: str = "",
) -> RenamePlan:
    """The unit's name, short name and (optionally) symbol code change; everything else stays.
    The names before are kept with the change; the tasks show the unit's new name."""
    name, short_name = name.strip(), short_name.strip()
    code = unit.code if code is None else code.strip().upper()
    plan = RenamePlan(RENAME, unit, effective_on, decision.strip(), name=name,
                      short_name=short_name, code=code)  # fmt: skip
    if not unit.is_active:
        plan.errors.append(_("A dissolved unit is not renamed."))
    if not name:
        plan.errors.append(_("Give the unit's new name."))
    if (name, short_name, code) == (unit.name, unit.short_name, unit.code):
        plan.errors.append(_("The new name is the same as the current one."))
    limits = [("name", name), ("short_name", short_name), ("code", code)]
    for field_name, value in limits:
        limit = Unit._meta.get_field(field_name).max_length
        if len(value) > limit:
            label = Unit._meta.get_field(field_name).verbose_name
            plan.errors.append(
                _("%(field)s is at most %(n)s characters.") % {"field": label, "n": limit}
            )
    if code != unit.code and _code_clash(code, unit.kind, _sibling_codes(unit.parent, unit)):
        plan.errors.append(
            _("Another unit under the same parent uses the code %(code)s.") % {"code": code}
        )
    plan.errors += _date_errors(unit, effective_on)
    plan.tasks = unit.led_tasks.count()
    return plan


def apply_rename(plan: RenamePlan, actor: Person | None) -> UnitChange:
    unit = plan.unit
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChange.Kind.RENAME, effective_on=plan.effective_on,
        decision=plan.decision, name_before=unit.name, short_name_before=unit.short_name,
        code_before=unit.code, parent_before=unit.parent, name_after=plan.name,
        short_name_after=plan.short_name, code_after=plan.code, parent_after=unit.parent,
        recorded_by=actor,
    )  # fmt: skip
    unit.name, unit.short_name, unit.code = plan.name, plan.short_name, plan.code
    unit.full_clean()
    unit.save()
    return change


# --- Move (chuyển đơn vị cấp trên) -----------------------------------------------------------
def plan_move(
    unit: Unit, new_parent: Unit, *, effective_on: datetime.date, decision: str = ""
) -> MovePlan:
    """The unit moves under ``new_parent`` with its whole subtree, its people and its tasks. A
    follow assignment ends where its specialist no longer belongs to the Office that follows the
    unit after the move (another committee's)."""
    from chidao.directives.models import OPEN_STATES, Task

    plan = MovePlan(MOVE, unit, effective_on, decision.strip(), new_parent=new_parent)
    if not unit.is_active:
        plan.errors.append(_("A dissolved unit is not moved."))
    if unit.parent_id is None:
        plan.errors.append(_("A top-level unit is not moved."))
    if not new_parent.is_active:
        plan.errors.append(_("A unit cannot be moved under a dissolved unit."))
    if new_parent.is_within(unit):
        plan.errors.append(_("A unit cannot be moved under itself or its own subunit."))
    elif new_parent.pk == unit.parent_id:
        plan.errors.append(_("The unit is already under %(unit)s.") % {"unit": new_parent})
    if unit.kind == UnitKind.COMMITTEE and new_parent.kind != UnitKind.COMMITTEE:
        plan.errors.append(_("A People's Committee can only be placed under another committee."))
    if _code_clash(unit.code, unit.kind, _sibling_codes(new_parent)):
        plan.errors.append(
            _("Another unit under %(parent)s already uses the code %(code)s.")
            % {"parent": new_parent, "code": unit.code}
        )
    plan.errors += _date_errors(unit, effective_on)
    if plan.errors:
        return plan
    moving = list(unit.descendants(include_self=True).order_by("depth", "sort_key"))
    plan.subunits = [u for u in moving if u.pk != unit.pk]
    plan.roles = list(
        Membership.objects.filter(unit__in=moving, is_active=True)
        .select_related("person", "unit")
        .order_by("unit__path", "role", "person__sort_key")
    )
    plan.open_tasks = Task.objects.filter(lead_unit__in=moving, state__in=OPEN_STATES).count()
    plan.follows_ended = _follows_lost_by_moving(unit, new_parent, moving)
    return plan


def _follows_lost_by_moving(unit: Unit, new_parent: Unit, moving: list[Unit]) -> list:
    """Follow assignments in the moving subtree whose unit would be followed by another
    committee's Office after the move, and whose specialist is not of that Office."""
    by_pk = {u.pk: u for u in moving}
    outside = new_parent.committee  # the nearest committee at or above the new place

    def committee_after(u: Unit) -> Unit | None:
        """The nearest committee at or above ``u`` (in the subtree) once moved."""
        while True:
            if u.kind == UnitKind.COMMITTEE:
                return u
            if u.pk == unit.pk:
                return outside
            u = by_pk[u.parent_id]

    lost = []
    follows = FollowAssignment.objects.filter(unit__in=moving, is_active=True)
    for follow in follows.select_related("specialist", "unit").order_by("unit__path"):
        followed = by_pk[follow.unit_id]
        if followed.kind != UnitKind.COMMITTEE:
            supervisor = committee_after(followed)
        elif followed.pk == unit.pk:
            supervisor = outside
        else:
            supervisor = committee_after(by_pk[followed.parent_id])
        if supervisor == followed.supervising_committee:
            continue
        allowed = supervisor.office_specialists() if supervisor else Person.objects.none()
        if not allowed.filter(pk=follow.specialist_id).exists():
            lost.append(follow)
    return lost


def apply_move(plan: MovePlan, actor: Person | None) -> UnitChange:
    unit = plan.unit
    for follow in plan.follows_ended:
        _end(follow, plan.effective_on)
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChange.Kind.MOVE, effective_on=plan.effective_on,
        decision=plan.decision, **_before(unit), parent_after=plan.new_parent,
        moved=plan.summary(), recorded_by=actor,
    )  # fmt: skip
    unit.parent = plan.new_parent
    unit.save()
    return change


# --- Merge (sáp nhập) -----------------------------------------------------------------------
def plan_merge(
    sources: list[Unit],
    into: Unit,
    *,
    effective_on: datetime.date,
    decision: str = "",
    lock: bool = False,
) -> MergePlan:
    """``sources`` merge into ``into`` on ``effective_on``, one after the other (a second source
    finds the successor as the first one left it). With ``lock`` (inside the action's
    transaction), the tasks concerned are locked as they are read."""
    plan = MergePlan(MERGE, into, effective_on, decision.strip())
    if not sources:
        plan.errors.append(_("Choose at least one unit to merge."))
    if not into.is_active:
        plan.errors.append(_("Units cannot be merged into a dissolved unit."))
    for source in sources:
        plan.errors += _merge_errors(source, into, sources)
        plan.errors += _date_errors(source, effective_on)
    if plan.errors:
        return plan
    state = _Successor(into)
    for source in sources:
        plan.sources.append(_source(source, into, state, lock))
    for part in plan.sources:
        for role in part.roles:
            if plan_role_error := _role_error(role.membership, into):
                plan.errors.append(plan_role_error)
    plan.errors += state.code_errors
    return plan


def _merge_errors(source: Unit, into: Unit, sources: list[Unit]) -> list[str]:
    if source.pk == into.pk:
        return [_("A unit cannot be merged into itself.")]
    if not source.is_active:
        return [_("%(unit)s is already dissolved.") % {"unit": source}]
    errors = []
    if into.is_within(source):
        errors.append(_("A unit cannot be merged into its own subunit."))
    if any(source.pk != other.pk and source.is_within(other) for other in sources):
        errors.append(
            _("%(unit)s lies inside another unit being merged: merge the unit above only.")
            % {"unit": source}
        )
    if (source.kind == UnitKind.COMMITTEE) != (into.kind == UnitKind.COMMITTEE):
        errors.append(
            _("A People's Committee merges only with another committee, and another unit only "
              "with a unit that is not a committee.")
        )  # fmt: skip
    elif source.kind == UnitKind.COMMITTEE and source.level != into.level:
        errors.append(_("Committees of different levels cannot be merged."))
    return errors


def _role_error(membership: Membership, into: Unit) -> str | None:
    if into.kind in ROLE_UNIT_KINDS[membership.role]:
        return None
    return _(
        "%(person)s is %(role)s in %(unit)s, a role that does not belong in %(into)s: end or "
        "change this role first."
    ) % {
        "person": membership.person,
        "role": membership.get_role_display().lower(),
        "unit": membership.unit,
        "into": into,
    }


class _Successor:
    """The successor as the sources before leave it: followed or not, its people's roles, the
    tasks it leads or takes part in, its children's codes."""

    def __init__(self, into: Unit):
        from chidao.directives.models import Cooperation

        self.unit = into
        self.followed = into.follow_assignments.filter(is_active=True).exists()
        self.roles = set(into.memberships.filter(is_active=True).values_list("person_id", "role"))
        self.cooperating = set(
            Cooperation.objects.filter(unit=into).values_list("task_id", flat=True)
        )
        self.leading: set[int] = set()  # tasks whose lead passes to it in this merger
        self.codes = _sibling_codes(into)
        self.followers = set(into.follower_candidates().values_list("pk", flat=True))
        self.code_errors: list[str] = []

    def place(self, unit: Unit) -> None:
        """``unit`` goes under the successor: its code must be free there."""
        if _code_clash(unit.code, unit.kind, self.codes):
            self.code_errors.append(
                _("%(unit)s cannot go under %(into)s: another unit there uses the code %(code)s.")
                % {"unit": unit, "into": self.unit, "code": unit.code}
            )
        elif unit.code and unit.kind != UnitKind.COMMITTEE:
            self.codes.add(unit.code)


def _source(source: Unit, into: Unit, state: _Successor, lock: bool) -> Source:
    from chidao.directives.models import Cooperation, Task

    part = Source(source)
    part.subunits = list(source.children.filter(is_active=True).order_by("sort_order", "sort_key"))
    for child in part.subunits:
        state.place(child)
    state.place(source)  # the dissolved source itself is kept under its successor

    memberships = source.memberships.filter(is_active=True).select_related("person", "unit")
    for m in memberships.order_by("role", "person__sort_key"):
        key = (m.person_id, m.role)
        block = m.sector_block_id
        if block is not None and m.sector_block.committee_id != into.pk:
            block = None  # a leader's block belongs to his own committee
        part.roles.append(RoleMove(m, exists=key in state.roles, sector_block_id=block))
        state.roles.add(key)

    follows = source.follow_assignments.filter(is_active=True).select_related("specialist")
    for follow in follows:
        passes = not state.followed and follow.specialist_id in state.followers
        part.follows.append(FollowMove(follow, passes))
        state.followed = state.followed or passes

    unfinished = unfinished_states()
    shared = Cooperation.objects.filter(unit=source).values("task_id")
    concerned = Task.objects.filter(
        Q(lead_unit=source) | Q(assigner_unit=source) | Q(pk__in=shared),
        state__in=unfinished,
    ).order_by("deadline", "pk")
    if lock:
        concerned = concerned.select_for_update(of=("self",))
    tasks = list(concerned.select_related("directive", "lead_unit"))
    shares = {
        c.task_id: c
        for c in Cooperation.objects.filter(unit=source, task__in=[t.pk for t in tasks])
    }
    for task in tasks:
        move = TaskMove(task, lead=task.lead_unit_id == source.pk,
                        assigner=task.assigner_unit_id == source.pk)  # fmt: skip
        if move.lead:
            state.leading.add(task.pk)
        share = shares.get(task.pk)
        if share is not None:
            successor_leads = task.lead_unit_id == into.pk or task.pk in state.leading
            if successor_leads or task.pk in state.cooperating:
                part.kept_cooperations.append(share)
            else:
                move.cooperation = share
                state.cooperating.add(task.pk)
        if move.roles:
            part.tasks.append(move)
    part.finished_tasks = (
        Task.objects.filter(Q(lead_unit=source) | Q(assigner_unit=source))
        .exclude(state__in=unfinished)
        .count()
    )
    part.directives = source.directives.count()
    return part


def apply_merge(plan: MergePlan, actor: Person | None) -> list[UnitSuccession]:
    from chidao.directives import timeline
    from chidao.directives.models import EventKind

    into, on = plan.unit, plan.effective_on
    trail = []
    for part in plan.sources:
        source = part.unit
        for child in part.subunits:
            child.parent = into
            child.save()
        for role in part.roles:
            m = role.membership
            _end(m, on)
            if not role.exists:
                Membership.objects.create(
                    person=m.person, unit=into, role=m.role, position=m.position,
                    sector_block_id=role.sector_block_id, started_on=on,
                )  # fmt: skip
        for move in part.follows:
            _end(move.follow, on)
            if move.passes:
                FollowAssignment.objects.create(
                    specialist=move.follow.specialist, unit=into, started_on=on
                )
        handed = {
            "change": "merger",
            "from_unit": {"id": source.pk, "name": source.name},
            "to_unit": {"id": into.pk, "name": into.name},
            "decision": plan.decision,
            "effective_on": on,
        }
        for move in part.tasks:
            task, fields = move.task, ["updated"]
            if move.lead:
                task.lead_unit = into
                fields.append("lead_unit")
            if move.assigner:
                task.assigner_unit = into
                fields.append("assigner_unit")
            task.save(update_fields=fields)
            if move.cooperation is not None:
                move.cooperation.unit = into
                move.cooperation.save(update_fields=["unit", "updated"])
            timeline.record(task, EventKind.HANDED_OVER, actor, **handed, roles=move.roles)
        before = _before(source)
        source.is_active = False
        source.dissolved_on = on
        source.parent = into  # its history stays within reach of the successor
        source.save()
        UnitChange.objects.create(
            unit=source, kind=UnitChange.Kind.MERGE, effective_on=on, decision=plan.decision,
            **before, parent_after=into, successor=into, moved=part.summary(),
            recorded_by=actor,
        )  # fmt: skip
        succession = UnitSuccession.objects.create(
            predecessor=source, successor=into, kind=UnitSuccession.Kind.MERGER,
            effective_on=on, decision=plan.decision, recorded_by=actor,
        )  # fmt: skip
        trail.append(succession)
    return trail


# --- Dissolve (giải thể) --------------------------------------------------------------------
def plan_dissolve(
    unit: Unit, *, effective_on: datetime.date, decision: str = "", lock: bool = False
) -> DissolvePlan:
    """The unit stops: only a unit left with no work. Its subunits, people and unfinished tasks
    must go first (moved, ended, or passed on by merging it into another unit instead)."""
    from chidao.directives.models import Cooperation, Task

    plan = DissolvePlan(DISSOLVE, unit, effective_on, decision.strip())
    if not unit.is_active:
        plan.errors.append(_("%(unit)s is already dissolved.") % {"unit": unit})
        return plan
    plan.errors += _date_errors(unit, effective_on)
    plan.subunits = list(unit.children.filter(is_active=True))
    if plan.subunits:
        plan.errors.append(_("Move or dissolve its subunits first."))
    plan.roles = list(unit.memberships.filter(is_active=True).select_related("person"))
    if plan.roles:
        plan.errors.append(_("End the roles of the people in this unit first."))
    shared = Cooperation.objects.filter(unit=unit).values("task_id")
    tasks = Task.objects.filter(
        Q(lead_unit=unit) | Q(assigner_unit=unit) | Q(pk__in=shared),
        state__in=unfinished_states(),
    ).order_by("deadline", "pk")
    if lock:
        tasks = tasks.select_for_update(of=("self",))
    plan.tasks = list(tasks.select_related("directive", "lead_unit"))
    if plan.tasks:
        plan.errors.append(
            _("The unit still has unfinished tasks (led, handed down or shared): merge it into "
              "the unit that takes over its work instead.")
        )  # fmt: skip
    plan.follows_ended = list(
        unit.follow_assignments.filter(is_active=True).select_related("specialist")
    )
    return plan


def apply_dissolve(plan: DissolvePlan, actor: Person | None) -> UnitChange:
    unit = plan.unit
    for follow in plan.follows_ended:
        _end(follow, plan.effective_on)
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChange.Kind.DISSOLVE, effective_on=plan.effective_on,
        decision=plan.decision, **_before(unit), parent_after=unit.parent,
        moved=plan.summary(), recorded_by=actor,
    )  # fmt: skip
    unit.is_active = False
    unit.dissolved_on = plan.effective_on
    unit.save()
    return change


# --- Shared writes --------------------------------------------------------------------------
def refuse(plan: Plan, expected: str | None = None) -> None:
    """Raise the plan's errors, or a changed preview's, before anything is written."""
    if plan.errors:
        raise ValidationError(plan.errors)
    if expected is not None and expected != plan.fingerprint():
        raise ValidationError(
            _("What this change would move has changed since the preview (someone worked on "
              "these units or tasks meanwhile). Check the new preview and confirm again."),
            code="stale",
        )  # fmt: skip


def _before(unit: Unit) -> dict:
    return {
        "name_before": unit.name,
        "short_name_before": unit.short_name,
        "code_before": unit.code,
        "parent_before": unit.parent,
    }


def _end(row, on: datetime.date):
    row.is_active = False
    row.ended_on = on
    row.save(update_fields=["is_active", "ended_on"])
    return row
