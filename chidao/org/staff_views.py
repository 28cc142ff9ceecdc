"""Pages for managing people without the admin site: a unit's staff (unit heads), an Office's
specialists and follow assignments (Office leaders), and each person's own profile."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.params import parse_id
from chidao.core.text import fold
from chidao.org import invitations, permissions, signins, staff
from chidao.org.forms import ContactForm, FollowForm, StaffForm
from chidao.org.models import FollowAssignment, Membership, Person, Unit, UnitKind
from chidao.org.permissions import Action
from chidao.org.views import apply_follow_form

STAFF_FIELDS = ("username", "full_name", "email", "phone", "role", "position")


def _back(unit: Unit):
    return redirect(reverse("org:unit_detail", args=[unit.pk]) + "#staff")


@login_required
def staff_add(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    permissions.check(request.user, Action.VIEW, unit)
    granted = staff.grantable(request.user, unit)
    if not granted:
        raise PermissionDenied
    form = StaffForm(request.POST or None, granted=granted)
    if request.method == "POST" and _asks_beyond(request.POST, granted):
        raise PermissionDenied  # a role or unit the form never offered: refused, not corrected
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in STAFF_FIELDS}
        try:
            person = staff.add_person(request.user, form.unit, **fields)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return _invite(request, person, form.unit, unit)
    return render(request, "org/staff_form.html", {"unit": unit, "form": form})


def _asks_beyond(data, granted) -> bool:
    roles = {role for _seat, roles in granted for role in roles}
    seats = {str(seat.pk) for seat, _roles in granted}
    role, seat = data.get("role", ""), data.get("seat", "")
    return bool(role and role not in roles) or bool(seat and seat not in seats)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _invite(request, person: Person, seat: Unit, page: Unit):
    """E-mail the set-password link, or show it once to hand over (see ``invitations``)."""
    invitation = invitations.make(person)
    outcome = invitations.email(person, invitation, sent_by=request.user, unit=seat)
    if outcome == invitations.SENT:
        messages.success(
            request,
            _("%(person)s: the link to set a password was sent to %(email)s.")
            % {"person": person, "email": person.email},
        )
        return _back(page)
    context = {"unit": page, "person": person, "invitation": invitation, "outcome": outcome}
    response = render(request, "org/staff_invitation.html", context)
    add_never_cache_headers(response)  # the link is a credential: not kept by the browser
    return response


def _page_of(membership: Membership) -> Unit:
    """The unit whose page manages this role: a division's specialists are the Office's."""
    unit = membership.unit
    if unit.kind == UnitKind.OFFICE_DIVISION and unit.parent is not None:
        return unit.parent
    return unit


@login_required
@require_POST
def staff_end(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("unit__parent"), pk=pk)
    try:
        person = staff.end_person_role(request.user, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(person)s no longer holds the role %(role)s in %(unit)s.") % {
            "person": person,
            "role": membership.get_role_display(),
            "unit": membership.unit,
        }
        if not person.is_active:
            text += " " + _("The account is closed: it can no longer sign in.")
        messages.success(request, text)
    return _back(_page_of(membership))


@login_required
@require_POST
def staff_reactivate(request, pk):
    ended = get_object_or_404(Membership.objects.select_related("unit__parent"), pk=pk)
    try:
        membership = staff.reactivate(request.user, ended)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s holds the role %(role)s in %(unit)s again; the account is open.")
            % {
                "person": membership.person,
                "role": membership.get_role_display(),
                "unit": membership.unit,
            },
        )
    return _back(_page_of(ended))


@login_required
@require_POST
def staff_invite(request, pk):
    """A new link for an account whose password was never set (an earlier link expired)."""
    person = get_object_or_404(Person, pk=pk)
    permissions.check(request.user, Action.MANAGE, person)
    membership = person.active_memberships()[0]  # MANAGE needs at least one
    page = _page_of(membership)
    if person.has_usable_password():
        messages.error(request, _("%(person)s has already set a password.") % {"person": person})
        return _back(page)
    return _invite(request, person, membership.unit, page)


@login_required
def follows(request, pk):
    """Phân công theo dõi: every unit a committee's Office follows, who follows it, and the
    choice of another specialist for those this person may assign."""
    committee = get_object_or_404(Unit, pk=pk, kind=UnitKind.COMMITTEE)
    permissions.check(request.user, Action.VIEW, committee)
    candidates = permissions.assignable_specialists_of(request.user, committee)
    if not candidates.exists():
        raise PermissionDenied
    units = Unit.objects.directed_by(committee).filter(is_active=True)
    if request.method == "POST":
        unit = get_object_or_404(units, pk=parse_id(request.POST.get("unit")) or 0)
        apply_follow_form(request, FollowForm(request.POST, candidates=candidates), unit)
        return redirect(reverse("org:follows", args=[committee.pk]) + f"#unit-{unit.pk}")
    query = request.GET.get("q", "").strip()
    for word in fold(query).split():
        units = units.filter(search_text__contains=word)
    followed = {
        f.unit_id: f
        for f in FollowAssignment.objects.filter(
            is_active=True, unit__in=units.values("pk")
        ).select_related("specialist")
    }
    unfollowed_only = request.GET.get("unfollowed") == "on"
    rows = [
        (unit, followed.get(unit.pk))
        for unit in units.order_by("depth", "sort_order", "sort_key", "pk")
        if not (unfollowed_only and unit.pk in followed)
    ]
    context = {
        "committee": committee,
        "rows": rows,
        "candidates": list(candidates.order_by("sort_key")),
        "q": query,
        "unfollowed_only": unfollowed_only,
    }
    return render(request, "org/follows.html", context)


@login_required
def profile(request):
    """Hồ sơ của tôi: the person's own details, roles and security settings."""
    person = request.user
    form = ContactForm(request.POST or None, initial={"email": person.email, "phone": person.phone})
    if request.method == "POST" and form.is_valid():
        try:
            staff.update_contact(person, person, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("org:profile")
    context = {
        "form": form,
        "memberships": person.memberships.filter(is_active=True).select_related(
            "unit", "sector_block"
        ),
        "followed": person.follow_assignments.filter(is_active=True).select_related("unit"),
        "sign_ins": signins.recent(person, limit=5),
        "has_password": person.has_usable_password(),
    }
    return render(request, "org/profile.html", context)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Đặt mật khẩu: the page a set-password link opens (see ``invitations``)."""

    template_name = "org/set_password.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        person = super().get_user(uidb64)
        return person if person is not None and person.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with it."))
        return response
