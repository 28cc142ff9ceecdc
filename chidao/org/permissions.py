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

import functools
import pickle
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chidao.core import replica
from chidao.org import version
from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit, UnitKind

APPARATUS_ROLES = frozenset(
    {Role.COMMITTEE_LEADER, Role.OFFICE_LEADER, Role.DIVISION_HEAD, Role.SPECIALIST, Role.ADMIN}
)


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # create, edit, move, merge, dissolve; accounts and roles
    ASSIGN_FOLLOW = "assign_follow"  # choose the specialist who follows a unit
    # Directives and tasks (see the task rules below).
    ISSUE = "issue"  # enter a directive of a committee, with its tasks (object: the committee)
    EDIT = "edit"  # correct a task's or a directive's fields (recorded before/after)
    RECEIVE = "receive"
    UPDATE = "update"  # progress updates, files
    COMMENT = "comment"
    REPORT = "report"  # report done, with the late explanation when late
    CHECK = "check"  # check a report: propose closing or return
    CONFIRM = "confirm"  # confirm done or return; reopen
    SUSPEND = "suspend"  # suspend or cancel by a leader's decision
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    RAISE_DIFFICULTY = "raise_difficulty"
    ANSWER = "answer"  # give guidance on a difficulty or pass it up (object: the difficulty)
    SUBASSIGN = "subassign"
    COOPERATE = "cooperate"  # update a cooperating unit's share (object: the cooperation)
    GIVE_OPINION = "give_opinion"  # a leader's directing opinion on a task (ý kiến chỉ đạo)
    URGE = "urge"  # urge the lead unit on the record (đôn đốc)


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
    """The subtrees each active membership reaches; kept on the person for the request, and in
    the process under the version of the roles (``_kept``)."""
    if not person.is_authenticated or not person.is_active:
        return []
    return _kept(person, "jurisdictions", lambda: _read_jurisdictions(person))


KEEP_ENTRIES = 10_000
_KEPT: dict[tuple[str, int, str], bytes] = {}


def forget() -> None:
    """Keep nothing from before (tests that count what a page asks the database)."""
    _KEPT.clear()


def _kept(person: Person, what: str, compute):
    """``compute()`` (what the person reaches: their jurisdictions, their subtrees' units) once
    per request on the person, and once per process and version of the roles
    (``org.version``), which every change of a unit or a membership moves in its own
    transaction: a role ended ends at once. The version is read once per request (the person
    is read anew for each) and keys each entry, so that what a request read under an earlier
    version is never taken for a later one's."""
    here = getattr(person, "_kept_for_request", None)
    if here is None:
        here = person._kept_for_request = {}
    if what in here:
        return here[what]
    token = getattr(person, "_roles_version", None)
    if token is None:
        token = person._roles_version = version.token()
    key = (token, person.pk, what)
    kept = _KEPT.get(key)
    if kept is not None:
        value = pickle.loads(kept)  # noqa: S301 (written by this process, below)
    else:
        with replica.reading_from_primary():  # never a lagging replica's roles under it
            value = compute()
        if len(_KEPT) >= KEEP_ENTRIES:
            _KEPT.clear()
        # A copy for each request: the units in it are model instances a page may change.
        _KEPT[key] = pickle.dumps(value)
    here[what] = value
    return value


def prepare_many(people: list[Person]) -> None:
    """Many people's rights asked at once (the people a step tells): the version is read once
    for all of them, and the roles of those whose reach is not kept under it are read in one
    query, not one each."""
    if not people:
        return
    token = version.token()
    for person in people:
        person._roles_version = token
    unknown = [p for p in people if (token, p.pk, "jurisdictions") not in _KEPT]
    if unknown:
        Person.load_active_memberships(unknown)


def _memberships(person: Person) -> list[Membership]:
    """The person's active roles with their units, kept like the jurisdictions."""
    return _kept(person, "memberships", person.active_memberships)


def _read_jurisdictions(person: Person) -> list[Jurisdiction]:
    memberships = person.active_memberships()
    # Only a role in a committee's apparatus reaches the whole committee: a unit's people need
    # no committee, and ask for none (an empty ``pk__in`` asks the database nothing).
    reaching = {m.pk for m in memberships if _reaches_committee(m)}
    committee_ids = {
        ancestor_id
        for m in memberships
        if m.pk in reaching and m.unit.kind != UnitKind.COMMITTEE
        for ancestor_id in m.unit.ancestor_ids()
    }
    committees = {
        u.pk: u for u in Unit.objects.filter(pk__in=committee_ids, kind=UnitKind.COMMITTEE)
    }
    result = []
    for m in memberships:
        root = m.unit
        if m.pk in reaching:
            root = _committee_of(m.unit, committees) or m.unit
        result.append(Jurisdiction(role=m.role, root=root, seat=m.unit))
    return result


def _reaches_committee(membership) -> bool:
    """A role of the committee's apparatus, or a viewer seated in it, sees the whole committee."""
    return membership.role in APPARATUS_ROLES or (
        membership.role == Role.VIEWER and membership.unit.in_apparatus
    )


def _committee_of(unit: Unit, committees: dict[int, Unit]) -> Unit | None:
    if unit.kind == UnitKind.COMMITTEE:
        return unit
    for ancestor_id in reversed(unit.ancestor_ids()):
        if ancestor_id in committees:
            return committees[ancestor_id]
    return None


def _roots(person: Person, roles=None) -> list[Unit]:
    return [j.root for j in jurisdictions(person) if roles is None or j.role in roles]


def scope_paths(person: Person) -> list[str]:
    """The paths of the subtrees this person sees: what ``visible_units`` is made of."""
    return [root.path for root in _roots(person)]


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


def administered_people(person: Person):
    """People with a role in the units this person administers (everyone for a superuser):
    whose messages an administrator may look into."""
    if person.is_authenticated and person.is_superuser:
        return Person.objects.all()
    members = Membership.objects.filter(unit__in=manageable_units(person)).values("person_id")
    return Person.objects.filter(pk__in=members)


# --- May this person do this to this object? ---------------------------------------------------
def can(person: Person, action: Action | str, obj) -> bool:
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_superuser:
        return True
    rule = _rules().get((type(obj), Action(action)))
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


def may_run_installation(person: Person) -> bool:
    """What the whole installation shares (the reminder rhythm, the daily jobs): a superuser,
    or the administrator of its one top-level committee; where several provinces share an
    installation, only a superuser."""
    if not person.is_active:
        return False
    if person.is_superuser:
        return True
    tops = Unit.objects.filter(parent__isnull=True, kind=UnitKind.COMMITTEE, is_active=True)
    return tops.count() == 1 and may_keep_calendar(person)


def may_keep_calendar(person: Person) -> bool:
    """The working-day calendar is one for the whole province and its communes: only the
    administrators of a top-level committee (or a superuser) edit it."""
    return person.is_active and (
        person.is_superuser
        or any(j.role == Role.ADMIN and j.root.parent_id is None for j in jurisdictions(person))
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
    """An account (its details, closing and reopening it) is managed by whoever may manage every
    role it holds: an administrator whose scope holds them all, a unit head for an account that
    is only his unit's staff or viewer, an Office leader for one that is only its specialist.
    Never a superuser, nor an account with no active role."""
    if target.is_superuser:
        return False
    memberships = target.active_memberships()
    return bool(memberships) and all(_manage_membership(person, m) for m in memberships)


def _view_membership(person: Person, membership: Membership) -> bool:
    return membership.person_id == person.pk or _covers(person, membership.unit)


def _manage_membership(person: Person, membership: Membership) -> bool:
    """Administrators grant any role in their scope; a unit head grants staff and viewers of
    their own unit; an Office leader grants the tracking specialists of their own Office and
    its divisions."""
    if _covers(person, membership.unit, {Role.ADMIN}):
        return True
    if membership.role == Role.SPECIALIST:
        office_of = _office_committee_id(membership.unit)
        return office_of is not None and any(
            j.role == Role.OFFICE_LEADER and j.root.pk == office_of for j in jurisdictions(person)
        )
    # Never in a committee's apparatus, where a viewer would see the whole committee.
    if membership.unit.in_apparatus:
        return False
    return membership.role in (Role.UNIT_STAFF, Role.VIEWER) and any(
        j.role == Role.UNIT_HEAD and j.seat.pk == membership.unit_id for j in jurisdictions(person)
    )


def _office_committee_id(unit: Unit) -> int | None:
    """The committee whose Office this unit is, or whose Office it is a division of (the nearest
    one: a commune's Office belongs to the commune, not to the province above it)."""
    above = unit.ancestor_ids()
    if unit.kind == UnitKind.OFFICE and above:
        return above[-1]
    if unit.kind == UnitKind.OFFICE_DIVISION and len(above) >= 2:
        return above[-2]
    return None


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
    office_of = unit.supervising_committee
    if office_of is None:
        return Person.objects.none()
    return assignable_specialists_of(person, office_of)


def assignable_specialists_of(person: Person, committee: Unit):
    """The specialists this person may set to follow the units ``committee``'s Office follows:
    any of its specialists for its Office leaders and administrators, a division head's own."""
    candidates = committee.office_specialists()
    if person.is_superuser or _leads_office_of(person, committee):
        return candidates
    divisions = [
        j.seat.pk
        for j in jurisdictions(person)
        if j.role == Role.DIVISION_HEAD and j.root.pk == committee.pk
    ]
    return candidates.filter(
        memberships__role=Role.SPECIALIST,
        memberships__is_active=True,
        memberships__unit__in=divisions,
    )


# --- Directives and tasks ------------------------------------------------------------------------
# Who stands where towards a task:
# - the *lead side*: unit heads and staff seated in the lead unit; when the lead unit is a
#   committee (a commune, say), that committee's own apparatus;
# - the *overseers*: for a task of a committee's directive, that committee's apparatus (the
#   specialist checks, an Office leader confirms, leaders decide); for a part sub-assigned by a
#   unit, that unit's head (everything) and staff (checks).
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.UNIT_STAFF})
CHECKERS = frozenset({Role.SPECIALIST, Role.DIVISION_HEAD, Role.OFFICE_LEADER})


def _seated_or_apparatus(person: Person, unit: Unit, unit_roles, apparatus_roles) -> bool:
    for j in jurisdictions(person):
        if j.role in unit_roles and j.seat.pk == unit.pk:
            return True
        if unit.kind == UnitKind.COMMITTEE and j.role in apparatus_roles and j.root.pk == unit.pk:
            return True
    return False


def is_lead_side(person: Person, task, roles=UNIT_ROLES) -> bool:
    return _seated_or_apparatus(
        person, task.lead_unit, roles, APPARATUS_ROLES - {Role.ADMIN} if roles else ()
    )


def _oversees(person: Person, task, committee_roles, unit_roles) -> bool:
    """``committee_roles`` apply when a committee assigned the task, ``unit_roles`` when a unit
    sub-assigned it."""
    assigner = task.assigner_unit
    for j in jurisdictions(person):
        if assigner.kind == UnitKind.COMMITTEE:
            if j.role in committee_roles and j.root.pk == assigner.pk:
                return True
        elif j.role in unit_roles and j.seat.pk == assigner.pk:
            return True
    return False


def _may_check(person: Person, task) -> bool:
    return task.specialist_id == person.pk or _oversees(person, task, CHECKERS, UNIT_ROLES)


def _may_confirm(person: Person, task) -> bool:
    return _oversees(person, task, {Role.OFFICE_LEADER}, {Role.UNIT_HEAD})


def _view_task(person: Person, task) -> bool:
    if person.pk in (task.specialist_id, task.directing_leader_id):
        return True
    units = [task.lead_unit, task.assigner_unit, *[c.unit for c in task.cooperations.all()]]
    return any(_covers(person, unit) for unit in units)


def _lead(person: Person, task) -> bool:
    return is_lead_side(person, task)


def _comment(person: Person, task) -> bool:
    return (
        is_lead_side(person, task)
        or _may_check(person, task)
        or any(
            _seated_or_apparatus(person, c.unit, UNIT_ROLES, ()) for c in task.cooperations.all()
        )
    )


def _raise_difficulty(person: Person, task) -> bool:
    return is_lead_side(person, task) or task.specialist_id == person.pk


def _decide_extension(person: Person, task) -> bool:
    return task.directing_leader_id == person.pk or _may_confirm(person, task)


def _suspend(person: Person, task) -> bool:
    return _oversees(person, task, {Role.OFFICE_LEADER, Role.COMMITTEE_LEADER}, {Role.UNIT_HEAD})


def _subassign(person: Person, task) -> bool:
    return _seated_or_apparatus(
        person, task.lead_unit, {Role.UNIT_HEAD}, {Role.OFFICE_LEADER, Role.COMMITTEE_LEADER}
    )


def _give_opinion(person: Person, task) -> bool:
    """A leader gives his directing opinion (ý kiến chỉ đạo) on the tasks he directs and, as a
    committee leader in charge of a sector block, on his block's tasks within his committee."""
    leading = [m for m in _memberships(person) if m.role == Role.COMMITTEE_LEADER]
    if not leading:
        return False  # a leader whose role has ended no longer directs
    if task.directing_leader_id == person.pk:
        return True
    return task.sector_block_id is not None and any(
        m.sector_block_id == task.sector_block_id and task.lead_unit.path.startswith(m.unit.path)
        for m in leading
    )


def _urge(person: Person, task) -> bool:
    """Đôn đốc: the task's tracking specialist, or a specialist, division head or Office leader
    of the committee that assigned it, urges the lead unit."""
    return task.specialist_id == person.pk or _oversees(person, task, CHECKERS, ())


def may_urge_some(person: Person) -> bool:
    """Whether this person urges tasks at all (to offer "urge them all" only to them)."""
    return person.is_active and (
        person.is_superuser or any(j.role in CHECKERS for j in jurisdictions(person))
    )


def _view_difficulty(person: Person, difficulty) -> bool:
    return _view_task(person, difficulty.task)


def _answer_difficulty(person: Person, difficulty) -> bool:
    """The level it is addressed to answers (or passes it up); a sub-assigning unit's head
    answers at every level."""
    from chidao.directives.models import Level

    task = difficulty.task
    if difficulty.addressed_to == Level.DIRECTING_LEADER:
        if task.directing_leader_id == person.pk:
            return True
        return _oversees(person, task, {Role.COMMITTEE_LEADER}, {Role.UNIT_HEAD})
    role = {Level.DIVISION_HEAD: Role.DIVISION_HEAD, Level.OFFICE_LEADER: Role.OFFICE_LEADER}
    return _oversees(person, task, {role[difficulty.addressed_to]}, {Role.UNIT_HEAD})


def _view_cooperation(person: Person, cooperation) -> bool:
    return _view_task(person, cooperation.task)


def _cooperate(person: Person, cooperation) -> bool:
    return _seated_or_apparatus(
        person, cooperation.unit, UNIT_ROLES, APPARATUS_ROLES - {Role.ADMIN}
    )


def _issue(person: Person, unit: Unit) -> bool:
    """A committee's Office (specialists, division heads, its leaders) enters its directives."""
    return unit.kind == UnitKind.COMMITTEE and any(
        j.role in CHECKERS and j.root.pk == unit.pk for j in jurisdictions(person)
    )


def visible_tasks(person: Person):
    """Tasks whose lead unit, assigning unit or a cooperating unit this person sees, and those
    they track or direct.

    Written so that an index answers it: whoever's jurisdiction covers the whole tree (a
    province's apparatus) sees every task, with no condition at all; anyone else's subtrees are
    turned into their units' ids first, so each alternative is an indexed column."""
    from chidao.directives.models import Cooperation, Task

    if person.is_authenticated and person.is_superuser:
        return Task.objects.all()
    if not person.is_authenticated or not person.is_active:
        return Task.objects.none()
    if sees_whole_tree(person):
        return Task.objects.all()
    units = subtree_unit_ids(person)
    cooperating = Cooperation.objects.filter(unit__in=units).values("task_id")
    return Task.objects.filter(
        Q(lead_unit__in=units)
        | Q(assigner_unit__in=units)
        | Q(pk__in=cooperating)
        | Q(specialist=person)
        | Q(directing_leader=person)
    )


def settle(person: Person) -> None:
    """Read now, from the primary, what this person may see (their jurisdictions and the units
    they reach), before reads move to a replica that may lag behind a role just ended."""
    active = person.is_authenticated and person.is_active and not person.is_superuser
    if active and not sees_whole_tree(person):
        subtree_unit_ids(person)


def sees_whole_tree(person: Person) -> bool:
    """Whether this person's jurisdictions cover every top-level unit, hence every unit."""

    def compute() -> bool:
        roots = _roots(person)
        return any(root.parent_id is None for root in roots) and all(
            any(top.startswith(root.path) for root in roots)
            for top in Unit.objects.filter(parent__isnull=True).values_list("path", flat=True)
        )

    return _kept(person, "sees whole tree", compute)


def subtree_unit_ids(person: Person) -> list[int]:
    """The ids of every unit in this person's jurisdictions (dissolved ones included: their
    tasks stay), kept like the jurisdictions (``_kept``)."""

    def compute() -> list[int]:
        return list(Unit.objects.filter(_subtrees_q(_roots(person))).values_list("pk", flat=True))

    return _kept(person, "subtree units", compute)


def _view_directive(person: Person, directive) -> bool:
    """A directive opens (its page, its own files) to whoever may see one of its tasks: a part
    handed down to his unit or one period of a recurring report is enough."""
    return visible_tasks(person).filter(directive=directive).exists()


def _edit_directive(person: Person, directive) -> bool:
    """Đính chính văn bản: whoever enters the issuing committee's directives corrects them."""
    return _issue(person, directive.issuer)


def issuing_committees(person: Person):
    """The committees whose directives this person may enter."""
    if person.is_authenticated and person.is_superuser:
        return Unit.objects.filter(kind=UnitKind.COMMITTEE)
    pks = [j.root.pk for j in jurisdictions(person) if j.role in CHECKERS]
    return Unit.objects.filter(pk__in=pks, kind=UnitKind.COMMITTEE)


def may_report_on(person: Person, kind: str, unit: Unit) -> bool:
    """Báo cáo định kỳ: a committee's reports (``monthly``, ``review``) are made by its apparatus
    (and its viewers), over a committee their jurisdiction covers; a unit's own report
    (``unit``) by whoever sees the unit. A report counts only the tasks its maker may see."""
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_superuser:
        return True
    if kind == "unit":
        return any(unit.is_within(j.root) for j in jurisdictions(person))
    if unit.kind != UnitKind.COMMITTEE:
        return False
    return any(
        unit.is_within(j.root) and (j.role in APPARATUS_ROLES or j.role == Role.VIEWER)
        for j in jurisdictions(person)
    )


def may_close_periods(person: Person, committee: Unit) -> bool:
    """Chốt số liệu: only the committee's own Office leaders close and reopen its periods."""
    if not person.is_authenticated or not person.is_active:
        return False
    return person.is_superuser or any(
        j.role == Role.OFFICE_LEADER and j.root.pk == committee.pk for j in jurisdictions(person)
    )


def may_enter_directives(person: Person) -> bool:
    """Whether ``issuing_committees`` holds any: the menu asks on every page, and the roots are
    already in hand."""
    if person.is_authenticated and person.is_superuser:
        return issuing_committees(person).exists()
    return any(
        j.role in CHECKERS and j.root.kind == UnitKind.COMMITTEE for j in jurisdictions(person)
    )


def _task_rules():
    from chidao.directives.models import Cooperation, Difficulty, Directive, Task

    return {
        (Directive, Action.VIEW): _view_directive,
        (Directive, Action.EDIT): _edit_directive,
        (Task, Action.VIEW): _view_task,
        (Task, Action.EDIT): _may_check,
        (Task, Action.RECEIVE): _lead,
        (Task, Action.UPDATE): _lead,
        (Task, Action.COMMENT): _comment,
        (Task, Action.REPORT): _lead,
        (Task, Action.CHECK): _may_check,
        (Task, Action.CONFIRM): _may_confirm,
        (Task, Action.SUSPEND): _suspend,
        (Task, Action.REQUEST_EXTENSION): _lead,
        (Task, Action.DECIDE_EXTENSION): _decide_extension,
        (Task, Action.RAISE_DIFFICULTY): _raise_difficulty,
        (Task, Action.SUBASSIGN): _subassign,
        (Task, Action.GIVE_OPINION): _give_opinion,
        (Task, Action.URGE): _urge,
        (Difficulty, Action.VIEW): _view_difficulty,
        (Difficulty, Action.ANSWER): _answer_difficulty,
        (Cooperation, Action.VIEW): _view_cooperation,
        (Cooperation, Action.COOPERATE): _cooperate,
        (Unit, Action.ISSUE): _issue,
    }


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


@functools.cache
def _rules() -> dict:
    # Task models are imported on first use: this module is loaded before every app's models.
    return {**_RULES, **_task_rules()}
