"""Pages of two-factor sign-in: give the code, set the app up, see and renew recovery codes."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from chidao.core.params import local_path
from chidao.org.twofactor import devices
from chidao.org.twofactor.forms import CodeForm
from chidao.org.twofactor.middleware import OWED, SETUP

PENDING = "chidao_two_factor_pending"  # session: the device being set up
FRESH_CODES = "chidao_two_factor_codes"  # session: recovery codes to show once
THROTTLED = gettext_lazy("Too many wrong codes in a row. Wait a minute, then try again.")


def _next(request, default="home") -> str:
    """Where to go afterwards: the page asked for, if it is a path on this site; else
    ``default`` (a URL name, as a path; "" for none). Anything else is ignored, a word too
    (``redirect`` would take it for a URL name)."""
    target = local_path(request, request.POST.get("next") or request.GET.get("next") or "")
    if target is not None:
        return target
    return resolve_url(default) if default else ""


def _with_next(name: str, target: str) -> str:
    return reverse(name) + (f"?{urlencode({'next': target})}" if target else "")


def _checked(request, form) -> object | None:
    """The device that accepted the form's code; else the form carries the Vietnamese reason."""
    if not form.is_valid():
        return None
    try:
        device = devices.check(request.user, form.cleaned_data["code"])
    except devices.ThrottledError:
        form.add_error("code", THROTTLED)
        return None
    if device is None:
        form.add_error("code", _("This code is not right, or it has already been used."))
    return device


def _signed_in_with(request, device) -> None:
    otp_login(request, device)
    request.session.pop(OWED, None)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    """Nhập mã xác thực: the second step of signing in."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not devices.is_enabled(request.user):  # turned off by an administrator meanwhile
        if devices.required_for(request.user):
            request.session[OWED] = SETUP  # still owed: set up again, nothing else opens
            return redirect("twofactor:setup")
        request.session.pop(OWED, None)
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        device = _checked(request, form)
        if device is not None:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = devices.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(count)d code is left. "
                        "Make new ones under Two-factor sign-in.",
                        "You signed in with a recovery code; %(count)d codes are left. "
                        "Make new ones under Two-factor sign-in.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next(request))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request, "")})


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request):
    """Bật xác thực hai lớp: scan the QR code, then prove it with the first code."""
    user = request.user
    if devices.is_enabled(user) and not user.is_verified():
        return redirect("twofactor:verify")  # a password alone may not replace the app
    device = devices.pending_authenticator(user, request.session.get(PENDING))
    request.session[PENDING] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = devices.accepts(device, form.cleaned_data["code"])
        except devices.ThrottledError:
            form.add_error("code", THROTTLED)
        else:
            if accepted:
                request.session[FRESH_CODES] = devices.confirm(device)
                request.session.pop(PENDING, None)
                _signed_in_with(request, device)
                messages.success(request, _("Two-factor sign-in is on."))
                return redirect(_with_next("twofactor:recovery_codes", _next(request, "")))
            form.add_error(
                "code",
                _(
                    "This code is not right. Check that the phone's time is set automatically "
                    "and type the code the app shows now."
                ),
            )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr": qr.svg_inline(scale=5, border=2, title=_("QR code for the authenticator app")),
        "secret": devices.secret_for_typing(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "required": devices.required_for(user),
        "replacing": devices.is_enabled(user),
        "next": _next(request, ""),
    }
    return render(request, "twofactor/setup.html", context)


@never_cache
@login_required
def recovery_codes(request):
    """Mã khôi phục: the new codes, shown once."""
    codes = request.session.pop(FRESH_CODES, None)
    if codes is None:
        return redirect("twofactor:manage")
    return render(
        request, "twofactor/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def manage(request):
    """Xác thực hai lớp: whether it is on, recovery codes left; new codes or off, each confirmed
    with a code from the app."""
    user = request.user
    enabled = devices.is_enabled(user)
    required = devices.required_for(user)
    if enabled and not user.is_verified():
        return redirect(_with_next("twofactor:verify", request.path))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and enabled:
        action = request.POST.get("action")
        if action == "off" and required:
            messages.error(
                request, _("Your role requires two-factor sign-in: it cannot be turned off.")
            )
            return redirect("twofactor:manage")
        if action in ("off", "new_codes") and _checked(request, form) is not None:
            if action == "off":
                devices.turn_off(user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("twofactor:manage")
            request.session[FRESH_CODES] = devices.new_recovery_codes(user)
            return redirect("twofactor:recovery_codes")
    device = devices.authenticator(user) if enabled else None
    context = {
        "form": form,
        "enabled": enabled,
        "required": required,
        "device": device,
        "codes_left": devices.recovery_codes_left(user) if enabled else 0,
        "action": request.POST.get("action", ""),
    }
    return render(request, "twofactor/manage.html", context)
