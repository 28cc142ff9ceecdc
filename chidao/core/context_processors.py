from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chidao.org import permissions
from chidao.org.twofactor.middleware import owes as two_factor_owed


def navigation(request):
    """The main menu: only the entries the signed-in person may open."""
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {"nav_items": []}
    if two_factor_owed(request):
        return {"nav_items": [], "two_factor_owed": True}  # the code first, then the menu
    items = [
        ("home", reverse("home"), _("Home")),
        ("tasks", reverse("directives:task_list"), _("Tasks")),
        ("dashboard", reverse("dashboard"), _("Statistics")),
        ("reports", reverse("reports:index"), _("Reports")),
    ]
    if permissions.may_enter_directives(person):
        items.append(("enter", reverse("directives:directive_create"), _("Enter a directive")))
        items.append(("import", reverse("registers:index"), _("Import a register")))
    items += [
        ("units", reverse("org:unit_list"), _("Units")),
        ("people", reverse("org:person_list"), _("People")),
    ]
    if permissions.may_use_admin_site(person):
        items.append(("admin", reverse("admin:index"), _("Administration")))
    return {"nav_items": items}
