"""The staff section of a unit's page, for those who manage its people (``chidao.org.staff``).

A tag rather than the unit view's context: the unit page is shared with other work, and the
section asks for nothing unless the person may manage someone there."""

from django import template
from django.utils.translation import gettext as _

from chidao.org import permissions, staff
from chidao.org.models import Role, UnitKind

register = template.Library()


@register.inclusion_tag("org/_staff_table.html", takes_context=True)
def staff_section(context, unit):
    actor = context["request"].user
    granted = staff.grantable(actor, unit)
    if not granted:
        return {"shown": False}
    specialists = any(Role.SPECIALIST in roles for _seat, roles in granted)
    committee = unit.parent if unit.kind == UnitKind.OFFICE else None
    return {
        "shown": True,
        "unit": unit,
        "title": _("Tracking specialists of the Office") if specialists else _("Staff of the unit"),
        "rows": staff.rows(actor, unit, granted),
        "several_seats": len(granted) > 1,
        "follows_of": committee
        if committee is not None
        and permissions.assignable_specialists_of(actor, committee).exists()
        else None,
        "csrf_token": context.get("csrf_token"),
    }
