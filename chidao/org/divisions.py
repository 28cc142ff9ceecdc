"""Phòng theo dõi: which Office division a tracking specialist's tasks belong to.

A specialist is seated in one division; should they hold seats in two, the earliest one counts,
so that every task falls in exactly one division's figures (the statistics by division add up
to the totals) and the task list's "tracking division" filter opens the same tasks.
"""

from django.db.models import Exists, OuterRef

from chidao.org.models import Membership, Role, UnitKind


def seats():
    """Each active specialist's one division seat (a ``Membership`` queryset)."""
    specialist_seats = Membership.objects.filter(
        role=Role.SPECIALIST, is_active=True, unit__kind=UnitKind.OFFICE_DIVISION
    )
    earlier = specialist_seats.filter(person=OuterRef("person"), pk__lt=OuterRef("pk"))
    return specialist_seats.exclude(Exists(earlier))


def specialists_of(division) -> "list[int] | object":
    """The specialists whose tasks count in ``division`` (a subquery of person ids)."""
    return seats().filter(unit=division).values("person_id")


def division_of_specialists(person_ids) -> dict[int, int]:
    """person id -> division id, for the given specialists who are seated in one."""
    return dict(seats().filter(person_id__in=person_ids).values_list("person_id", "unit_id"))
