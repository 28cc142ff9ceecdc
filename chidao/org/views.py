from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from chidao.core.text import fold
from chidao.org import permissions
from chidao.org.models import FollowAssignment, Membership, Person, Unit

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def unit_list(request):
    """Top units of the person's scope, or a diacritic-insensitive search over all they see."""
    query = request.GET.get("q", "").strip()
    units = permissions.visible_units(request.user).select_related("parent")
    if query:
        units = units.search(query)
    else:
        units = _scope_roots(request.user, units)
    return render(request, "org/unit_list.html", {"page": _page(request, units), "q": query})


def _scope_roots(person, units):
    if person.is_superuser:
        return units.filter(parent=None)
    return units.filter(pk__in={j.root.pk for j in permissions.jurisdictions(person)})


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("parent", "sector_block"), pk=pk)
    permissions.check(request.user, permissions.Action.VIEW, unit)
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": _page(request, unit.children.select_related("sector_block")),
        "memberships": Membership.objects.filter(unit=unit, is_active=True)
        .select_related("person", "sector_block")
        .order_by("role", "person__sort_key"),
        "follower": FollowAssignment.objects.filter(unit=unit, is_active=True)
        .select_related("specialist")
        .first(),
        "predecessors": unit.preceded_by.select_related("predecessor"),
        "successors": unit.succeeded_by.select_related("successor"),
        "can_manage": permissions.can(request.user, permissions.Action.MANAGE, unit),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def person_list(request):
    query = request.GET.get("q", "").strip()
    people = permissions.visible_people(request.user).filter(is_active=True)
    for word in fold(query).split():
        people = people.filter(search_text__contains=word)
    return render(request, "org/person_list.html", {"page": _page(request, people), "q": query})


@login_required
def person_detail(request, pk):
    person = get_object_or_404(Person, pk=pk)
    permissions.check(request.user, permissions.Action.VIEW, person)
    context = {
        "person_shown": person,
        "memberships": person.memberships.filter(is_active=True).select_related(
            "unit", "sector_block"
        ),
        "followed": person.follow_assignments.filter(is_active=True).select_related("unit"),
    }
    return render(request, "org/person_detail.html", context)
