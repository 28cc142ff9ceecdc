from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.text import fold
from chidao.org import actions, permissions, signins
from chidao.org.forms import FollowForm
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
        "follow_form": _follow_form(request.user, unit),
    }
    return render(request, "org/unit_detail.html", context)


def _follow_form(person, unit, data=None):
    candidates = permissions.assignable_specialists(person, unit)
    if not unit.is_active or not candidates.exists():
        return None
    return FollowForm(data, candidates=candidates)


@login_required
@require_POST
def assign_follow(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    permissions.check(request.user, permissions.Action.VIEW, unit)
    form = _follow_form(request.user, unit, request.POST)
    if form is None:
        raise PermissionDenied
    apply_follow_form(request, form, unit)
    return redirect("org:unit_detail", pk=unit.pk)


def apply_follow_form(request, form: FollowForm, unit: Unit) -> None:
    """Assign the specialist the form names to ``unit``; the outcome as a message."""
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["specialist"]))
        return
    try:
        actions.assign_follow(request.user, form.cleaned_data["specialist"], unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s now follows %(unit)s.")
            % {"person": form.cleaned_data["specialist"], "unit": unit},
        )


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


@login_required
def sign_ins(request):
    """Lần đăng nhập gần đây: the person's own sign-ins and failed attempts."""
    return render(request, "org/sign_ins.html", {"rows": signins.recent(request.user)})
