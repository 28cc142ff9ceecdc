"""Sign-ins (đăng nhập): password guessing stopped by account and by address, every attempt kept.

django-axes counts the failures of each account and locks it at ``AXES_FAILURE_LIMIT`` until
the cool-off passes or an administrator unlocks it. ``SignInHandler`` adds the address: after
``CHIDAO_SIGN_IN_FAILURES_PER_ADDRESS`` failures from one address within the hour, that address
may sign in to no account (guessing one password across many accounts). An office's machines
share a few addresses, so this limit is far above an account's.

Every failure is kept (axes' ``AccessFailureLog``) and every success (``AccessLog``), each with
its address, browser and time; a person sees their own (``recent``).
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

ADDRESS_WINDOW = datetime.timedelta(hours=1)


def client_address(request) -> str | None:
    """The address the request came from: ``REMOTE_ADDR``, or behind ``CHIDAO_PROXY_COUNT``
    proxies the address the outermost one received it from (each appends what it saw)."""
    proxies = settings.CHIDAO_PROXY_COUNT
    if proxies:
        seen = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(seen) >= proxies and seen[-proxies]:
            return seen[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def address_is_throttled(ip_address: str | None) -> bool:
    if not ip_address:
        return False
    since = timezone.now() - ADDRESS_WINDOW
    failures = AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return failures.count() >= settings.CHIDAO_SIGN_IN_FAILURES_PER_ADDRESS


class SignInHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address's failures of the last hour as a second lock."""

    def account_is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials)

    def is_locked(self, request, credentials=None) -> bool:
        if self.account_is_locked(request, credentials):
            return True
        return address_is_throttled(getattr(request, "axes_ip_address", None))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and address_is_throttled(request.axes_ip_address):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_out(request, original_response=None, credentials=None):
    """The page a locked sign-in gets (429): which lock, for how long, and who can lift it."""
    by_address = not SignInHandler().account_is_locked(
        request, credentials
    ) and address_is_throttled(getattr(request, "axes_ip_address", None))
    cool_off = get_cool_off(request)
    context = {
        "by_address": by_address,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "address_minutes": int(ADDRESS_WINDOW.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def recent(person, limit: int = 20) -> list[dict]:
    """The person's latest sign-ins and failed attempts under their account name, newest first."""
    fields = ("attempt_time", "ip_address", "user_agent")
    successes = AccessLog.objects.filter(username=person.get_username()).only(*fields)
    failures = AccessFailureLog.objects.filter(username=person.get_username()).only(
        *fields, "locked_out"
    )
    rows = [
        {"at": s.attempt_time, "address": s.ip_address, "agent": s.user_agent, "ok": True}
        for s in successes.order_by("-attempt_time")[:limit]
    ] + [
        {
            "at": f.attempt_time,
            "address": f.ip_address,
            "agent": f.user_agent,
            "ok": False,
            "locked": f.locked_out,
        }
        for f in failures.order_by("-attempt_time")[:limit]
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit]
