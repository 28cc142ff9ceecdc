from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chidao.directives import home as home_pages
from chidao.org import permissions


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def favicon(request):
    """The icon a browser asks for by itself on the pages that name none (the administration
    site, a file's error): the site's own, not a 404 in the console of every admin page."""
    return redirect(static("core/favicon.svg"), permanent=True)


@login_required
def home(request):
    person = request.user
    panels = home_pages.panels(person)
    context = {"jurisdictions": permissions.jurisdictions(person), "panels": panels}
    return render(request, "core/home.html", context)
