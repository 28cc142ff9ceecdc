from django.utils.translation import gettext_lazy as _

from chidao.core.addresses import fixed
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
        ("home", fixed("home"), _("Home")),
        ("tasks", fixed("directives:task_list"), _("Tasks")),
        ("dashboard", fixed("dashboard"), _("Statistics")),
        ("reports", fixed("reports:index"), _("Reports")),
    ]
    if permissions.may_enter_directives(person):
        items.append(("enter", fixed("directives:directive_create"), _("Enter a directive")))
        items.append(("import", fixed("registers:index"), _("Import a register")))
    items += [
        ("units", fixed("org:unit_list"), _("Units")),
        ("people", fixed("org:person_list"), _("People")),
    ]
    if permissions.may_use_admin_site(person):
        items.append(("admin", fixed("admin:index"), _("Administration")))
    return {"nav_items": items}
