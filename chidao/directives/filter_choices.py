"""What the task list's filters offer to someone: their units, the Office divisions, the leaders,
the specialists and the sector blocks, as ready ``<option>`` lists; and the units the dashboard
offers as its scope.

They depend only on the organisation and on the subtrees the person sees, which many people
share (everyone of a committee's apparatus sees the same), so they are kept per process under
the organisation's version (``org.version``: a trigger gives it a new token with every write to
the units, roles, people and sector blocks) and built once, markup included, for all of them.
The querysets that check a submitted value stay live (``filters.TaskFilterForm``).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.utils.translation import get_language

from chidao.core import replica
from chidao.core.widgets import ANY_CHOICE, Options
from chidao.org import permissions, version
from chidao.org.models import Person, Role, SectorBlock, UnitKind

EMPTY = ("", ANY_CHOICE)  # a filter left empty: any value
MAX_KEPT = 256  # distinct scopes kept per process
OFFICE_KINDS = (UnitKind.OFFICE, UnitKind.OFFICE_DIVISION)  # not a scope of statistics


class Held(Options):
    """Options with the set of their ids, to tell whether a submitted id is among them."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self.ids = {str(key) for key, _label in pairs if key != ""}


@dataclass(frozen=True)
class Offer:
    units: Held
    divisions: Held
    leaders: Held
    specialists: Held
    blocks: Held
    scope_units: Held  # the scopes the dashboard offers: active units, not the Office's own
    scope_blocks: Held  # the dashboard's sector blocks: those of the active units seen

    @property
    def unit_ids(self) -> set[str]:
        return self.units.ids

    @property
    def division_ids(self) -> set[str]:
        return self.divisions.ids


def holding(people, role: Role):
    """The people who hold ``role`` now."""
    return people.filter(memberships__role=role, memberships__is_active=True).distinct()


_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()


def offered(person: Person) -> Offer:
    key = (get_language(), person.is_superuser, *sorted(permissions.scope_paths(person)))
    token = version.token()
    with _lock:
        kept = _kept.get(key)
        if kept and kept[0] == token:
            _kept.move_to_end(key)
            return kept[1]
    with replica.reading_from_primary():  # kept under a token read on the primary
        offer = _build(person)
    with _lock:
        _kept[key] = (token, offer)
        _kept.move_to_end(key)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return offer


def forget() -> None:
    """Drop what is kept (tests that change the organisation in place)."""
    with _lock:
        _kept.clear()


def _build(person: Person) -> Offer:
    units = list(
        permissions.visible_units(person)
        .order_by("depth", "sort_order", "sort_key")
        .values_list("pk", "name", "short_name", "kind", "is_active")
    )
    people = permissions.visible_people(person).filter(is_active=True)
    above = {pk for j in permissions.jurisdictions(person) for pk in j.root.ancestor_ids()}
    blocks = SectorBlock.objects.filter(
        committee__in=permissions.visible_units(person)
    ) | SectorBlock.objects.filter(committee__in=above)
    active = {pk for pk, _name, _short, _kind, is_active in units if is_active}
    block_rows = list(blocks.values_list("pk", "name", "committee"))

    def names(qs):
        return [(pk, full_name or username) for pk, full_name, username in qs]

    def person_pairs(role):
        return names(holding(people, role).values_list("pk", "full_name", "username"))

    return Offer(
        units=Held([EMPTY, *((pk, short or name) for pk, name, short, *_ in units)]),
        divisions=Held(
            [
                EMPTY,
                *(
                    (pk, short or name)
                    for pk, name, short, kind, _active in units
                    if kind == UnitKind.OFFICE_DIVISION
                ),
            ]
        ),
        leaders=Held([EMPTY, *person_pairs(Role.COMMITTEE_LEADER)]),
        specialists=Held([EMPTY, *person_pairs(Role.SPECIALIST)]),
        blocks=Held([EMPTY, *((pk, name) for pk, name, _committee in block_rows)]),
        scope_blocks=Held(
            [EMPTY, *((pk, name) for pk, name, committee in block_rows if committee in active)]
        ),
        scope_units=Held(
            [
                EMPTY,
                *(
                    (pk, short or name)
                    for pk, name, short, kind, active in units
                    if active and kind not in OFFICE_KINDS
                ),
            ]
        ),
    )
