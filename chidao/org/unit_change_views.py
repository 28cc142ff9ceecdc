"""Pages of a unit change for the administrators covering the unit: the form, the preview of
exactly what would move, and the confirmation that makes the change (all or nothing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chidao.org import permissions, unit_changes
from chidao.org.models import Unit
from chidao.org.unit_change_forms import FORMS


def _titles() -> dict:
    return {
        unit_changes.RENAME: _("Rename the unit"),
        unit_changes.MOVE: _("Move the unit"),
        unit_changes.MERGE: _("Merge the unit into another"),
        unit_changes.DISSOLVE: _("Dissolve the unit"),
    }


def _done_message(kind: str, unit: Unit, form) -> str:
    if kind == unit_changes.RENAME:
        return _("The unit was renamed %(name)s.") % {"name": unit.name}
    if kind == unit_changes.MOVE:
        return _("%(unit)s now lies under %(parent)s.") % {
            "unit": unit,
            "parent": form.cleaned_data["new_parent"],
        }
    if kind == unit_changes.MERGE:
        return _("%(unit)s was merged into %(into)s.") % {
            "unit": unit,
            "into": form.cleaned_data["into"],
        }
    return _("%(unit)s was dissolved.") % {"unit": unit}


@login_required
@require_http_methods(["GET", "POST"])
def change_unit(request, pk, kind):
    """GET: the form. POST: the preview (the form's values and the plan's lists), or with
    ``confirm`` the change itself, refused if the preview no longer holds."""
    if kind not in FORMS:
        raise Http404
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    permissions.check(request.user, permissions.Action.MANAGE, unit)
    form_class = FORMS[kind]
    context = {"unit": unit, "kind": kind, "title": _titles()[kind]}
    if request.method == "GET":
        form = form_class(unit=unit, person=request.user)
        return render(request, "org/unit_change_form.html", {**context, "form": form})
    form = form_class(request.POST, unit=unit, person=request.user)
    if not form.is_valid() or "edit" in request.POST:
        return render(request, "org/unit_change_form.html", {**context, "form": form})
    errors = []
    if "confirm" in request.POST:
        try:
            form.apply(request.user, expected=request.POST.get("fingerprint", ""))
        except ValidationError as error:
            errors = error.messages  # nothing was written: the preview is shown again
            unit.refresh_from_db()
        else:
            messages.success(request, _done_message(kind, unit, form))
            target = form.cleaned_data["into"] if kind == unit_changes.MERGE else unit
            return redirect("org:unit_detail", pk=target.pk)
    plan = form.plan()
    refused = [error for error in errors if error not in plan.errors]
    context.update(form=form, plan=plan, refused=refused)
    return render(request, "org/unit_change_preview.html", context)
