"""Between the password and the pages: a signed-in person who owes a second factor is sent to
give it (``code``) or to set it up (``setup``) before anything else opens."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse

from chidao.core.htmx import is_htmx
from chidao.org.twofactor import devices

OWED = "chidao_two_factor_owed"  # session key: "code" or "setup", set at sign-in
CODE, SETUP = "code", "setup"


@receiver(user_logged_in, dispatch_uid="chidao_two_factor_owed")
def note_what_is_owed(sender, request, user, **kwargs):
    """Decided once per sign-in, so that pages cost no query for it afterwards."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(OWED, None)
    if devices.is_enabled(user):
        request.session[OWED] = CODE
    elif devices.required_for(user):
        request.session[OWED] = SETUP


def owes(request) -> str | None:
    """What the signed-in person owes since signing in (whatever the page), if anything."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    return request.session.get(OWED)


def owed(request) -> str | None:
    """What the signed-in person still owes before this request may go on, if anything. Cheap
    for the many who owe nothing: a look at the session, no query, no URL reversed."""
    what = owes(request)
    path = request.path
    admin_path, open_paths = _paths(get_script_prefix())
    user = request.user
    admin_site = settings.CHIDAO_TWO_FACTOR_ADMIN_SITE and path.startswith(admin_path)
    if what is None and admin_site and user.is_authenticated and not user.is_verified():
        what = CODE if devices.is_enabled(user) else SETUP
    if what is None or path.startswith(open_paths):
        return None
    return what


@functools.cache
def _paths(script_prefix: str) -> tuple[str, tuple[str, ...]]:
    """The admin site's path, and what a person may open before the second factor: the pages
    that take it, and leaving (per script prefix, as ``reverse`` writes them)."""
    names = ("twofactor:verify", "twofactor:setup", "logout", "set_language", "healthz")
    return reverse("admin:index"), (*(reverse(name) for name in names), settings.STATIC_URL)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        what = owed(request)
        if what is None:
            return self.get_response(request)
        target = reverse("twofactor:verify" if what == CODE else "twofactor:setup")
        if request.method == "GET" and not is_htmx(request):
            target += "?" + urlencode({"next": request.get_full_path()})
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
