"""Who is told what: the one table (``RULES``) from an event's kind to the people it concerns.

Keyed by the kind's string value, so a kind added to ``EventKind`` later works as soon as events
of it are recorded. A kind missing from the table tells nobody (progress updates,
comments, receipts: they are on the timeline for whoever looks). Every list is then filtered by
``recipients``: only people who may see the task, never the person who acted.
"""

from collections.abc import Callable, Iterable

from django.db.models import Prefetch

from chidao.directives.models import Cooperation, Difficulty, EventKind, Level, Task, TaskEvent
from chidao.org import permissions
from chidao.org.models import Membership, Person, Role, UnitKind

Finder = Callable[[Task, TaskEvent], Iterable[Person]]


def members(unit_ids, roles) -> list[Person]:
    """Active people holding one of ``roles`` in one of the units (not the units below)."""
    ids = Membership.objects.filter(
        unit_id__in=list(unit_ids), role__in=list(roles), is_active=True
    ).values("person_id")
    return list(Person.objects.filter(pk__in=ids, is_active=True))


def lead_unit(task: Task, event=None) -> list[Person]:
    """Heads and staff of the lead unit itself (not of the units under it)."""
    return members([task.lead_unit_id], [Role.UNIT_HEAD, Role.UNIT_STAFF])


def cooperating_units(task: Task, event=None) -> list[Person]:
    unit_ids = task.cooperations.values_list("unit_id", flat=True)
    return members(unit_ids, [Role.UNIT_HEAD, Role.UNIT_STAFF])


def specialist(task: Task, event=None) -> list[Person]:
    return [task.specialist] if task.specialist_id else []


def directing_leader(task: Task, event=None) -> list[Person]:
    return [task.directing_leader] if task.directing_leader_id else []


def _assigner_heads(task: Task) -> list[Person]:
    """A unit that sub-assigned a part answers for it through its heads."""
    return members([task.assigner_unit_id], [Role.UNIT_HEAD])


def office_leaders(task: Task, event=None) -> list[Person]:
    """The Office leaders of the assigning committee (its heads when a unit sub-assigned)."""
    if task.assigner_unit.kind != UnitKind.COMMITTEE:
        return _assigner_heads(task)
    ids = Membership.objects.filter(
        unit__parent_id=task.assigner_unit_id,
        unit__kind=UnitKind.OFFICE,
        role=Role.OFFICE_LEADER,
        is_active=True,
    ).values("person_id")
    return list(Person.objects.filter(pk__in=ids, is_active=True))


def division_heads(task: Task, event=None) -> list[Person]:
    """The heads of the Office division the task's tracking specialist works in."""
    if task.assigner_unit.kind != UnitKind.COMMITTEE:
        return _assigner_heads(task)
    if not task.specialist_id:
        return []
    divisions = Membership.objects.filter(
        person_id=task.specialist_id,
        role=Role.SPECIALIST,
        unit__kind=UnitKind.OFFICE_DIVISION,
        is_active=True,
    ).values_list("unit_id", flat=True)
    return members(divisions, [Role.DIVISION_HEAD])


LEVELS: dict[str, Finder] = {
    Level.DIVISION_HEAD: division_heads,
    Level.OFFICE_LEADER: office_leaders,
    Level.DIRECTING_LEADER: directing_leader,
}


def addressed_level(task: Task, event: TaskEvent) -> list[Person]:
    """A difficulty goes to the level it is addressed to (``to`` once it was passed up)."""
    level = event.data.get("to") or event.data.get("addressed_to")
    finder = LEVELS.get(level)
    return list(finder(task, event)) if finder else []


def who_raised(task: Task, event: TaskEvent) -> list[Person]:
    difficulty = Difficulty.objects.filter(pk=event.data.get("difficulty")).first()
    return [difficulty.raised_by] if difficulty else []


def named_in_event(task: Task, event: TaskEvent) -> list[Person]:
    """The people an escalation names (``to``: a list of person ids)."""
    ids = event.data.get("to") or []
    if not isinstance(ids, list):
        return []
    return list(Person.objects.filter(pk__in=ids, is_active=True))


def _change(event: TaskEvent, name: str) -> tuple[set[int], set[int]]:
    """The ids a correction (``changes``) had before and has after for ``name``: a person or a
    unit (``{"id", "name"}``), or a list of them."""
    changes = (event.data or {}).get("changes")
    change = changes.get(name) if isinstance(changes, dict) else None
    if not isinstance(change, dict):
        return set(), set()

    def ids(value) -> set[int]:
        values = value if isinstance(value, list) else [value]
        return {v["id"] for v in values if isinstance(v, dict) and isinstance(v.get("id"), int)}

    return ids(change.get("before")), ids(change.get("after"))


def former_lead_unit(task: Task, event: TaskEvent) -> list[Person]:
    """The unit a corrected task was taken from (its heads and staff)."""
    before, _after = _change(event, "lead_unit")
    return members(before, [Role.UNIT_HEAD, Role.UNIT_STAFF]) if before else []


def added_cooperating_units(task: Task, event: TaskEvent) -> list[Person]:
    before, after = _change(event, "cooperating_units")
    return members(after - before, [Role.UNIT_HEAD, Role.UNIT_STAFF]) if after - before else []


def former_cooperating_units(task: Task, event: TaskEvent) -> list[Person]:
    before, after = _change(event, "cooperating_units")
    return members(before - after, [Role.UNIT_HEAD, Role.UNIT_STAFF]) if before - after else []


def former_specialist(task: Task, event: TaskEvent) -> list[Person]:
    before, _after = _change(event, "specialist")
    return list(Person.objects.filter(pk__in=before, is_active=True)) if before else []


# Told although a correction has just taken the task away from them (a unit entered by mistake
# learns that the task is no longer its own): the one exception to "only who may see the task".
TOLD_WITHOUT_ACCESS: frozenset[Finder] = frozenset({former_lead_unit, former_cooperating_units})

K = EventKind
RULES: dict[str, tuple[Finder, ...]] = {
    K.CREATED.value: (lead_unit, cooperating_units),
    # A correction (đính chính): the units and the people it concerns, before and after.
    K.EDITED.value: (
        lead_unit,
        specialist,
        former_lead_unit,
        added_cooperating_units,
        former_cooperating_units,
        former_specialist,
    ),
    K.DIRECTIVE_EDITED.value: (lead_unit,),  # the directive's correction, on each of its tasks
    K.SERIES_STOPPED.value: (lead_unit, specialist),
    K.OPINION.value: (lead_unit, specialist),
    K.RETURNED.value: (lead_unit,),
    K.REPORTED.value: (specialist,),
    K.PROPOSED.value: (office_leaders,),
    K.CONFIRMED.value: (lead_unit, specialist),
    K.DIFFICULTY_RAISED.value: (addressed_level,),
    K.DIFFICULTY_ESCALATED.value: (addressed_level,),
    K.DIFFICULTY_ANSWERED.value: (lead_unit, who_raised),
    K.EXTENSION_REQUESTED.value: (directing_leader, office_leaders),
    K.EXTENSION_APPROVED.value: (lead_unit,),
    K.EXTENSION_REJECTED.value: (lead_unit,),
    K.SUSPENDED.value: (lead_unit, specialist),
    K.CANCELLED.value: (lead_unit, specialist),
    K.REOPENED.value: (lead_unit, specialist),
    K.URGED.value: (lead_unit,),  # an urging by a person of the Office
    K.ESCALATED.value: (named_in_event,),  # an overdue task raised to the people it names
}


# What ``permissions.can(person, VIEW, task)`` reads of a task.
VIEW_FIELDS = ("specialist", "directing_leader", "lead_unit", "lead_unit__path",
               "assigner_unit", "assigner_unit__path")  # fmt: skip


def recipients(event: TaskEvent) -> list[Person]:
    """Everyone the table names for this event who may see its task, except the actor; each
    once, in a stable order."""
    finders = RULES.get(event.kind, ())
    if not finders:
        return []
    task = event.task
    found: dict[int, Person] = {}
    without_access: set[int] = set()
    for finder in finders:
        for person in finder(task, event):
            found.setdefault(person.pk, person)
            if finder in TOLD_WITHOUT_ACCESS:
                without_access.add(person.pk)
    found.pop(event.actor_id, None)
    if not found:
        return []
    # Every action records events, so the checks below are batched: the task with its
    # cooperating units once (not once per person), the version of the roles once, and the
    # roles not kept under it in one query. Only what seeing a task depends on is read
    # (``permissions._view_task``: the people it names, its units' paths), as it stands now.
    task = (
        Task.objects.select_related("lead_unit", "assigner_unit")
        .only(*VIEW_FIELDS)
        .prefetch_related(Prefetch("cooperations", Cooperation.objects.select_related("unit")
                                   .only("task", "unit", "unit__path")))
        .get(pk=task.pk)
    )  # fmt: skip
    people = [person for _pk, person in sorted(found.items())]
    permissions.prepare_many(people)
    return [
        p
        for p in people
        if p.pk in without_access or permissions.can(p, permissions.Action.VIEW, task)
    ]


def kind_label(kind: str) -> str:
    """The name of an event kind (as on the timeline), or of a reminder or digest, in the
    current language."""
    from django.utils.translation import gettext

    try:
        return str(EventKind(kind).label)
    except ValueError:
        names = {"reminder": gettext("Reminder"), "digest": gettext("Daily digest")}
        return names.get(kind, kind)
