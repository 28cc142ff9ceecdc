"""Single sign-on (đăng nhập một lần) through the province's OpenID Connect identity provider.

Optional: on when ``OIDC_RP_CLIENT_ID`` is set. mozilla-django-oidc runs the code flow (state,
nonce, PKCE, the ID token's signature checked against the provider's keys); here is only who
may come in. The provider proves who someone is; what they may do stays in the product: the
account must already exist here, active, with the same username (``CHIDAO_OIDC_USERNAME_CLAIM``),
and no account is ever created by a sign-in. Two-factor sign-in then applies as after a password.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from chidao.org.models import Person


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class ProvinceSignOn(OIDCAuthenticationBackend):
    """Finds the account the provider names; never creates one."""

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.CHIDAO_OIDC_USERNAME_CLAIM))

    def filter_users_by_claims(self, claims):
        name = claims.get(settings.CHIDAO_OIDC_USERNAME_CLAIM)
        if not name:
            return Person.objects.none()
        return Person.objects.filter(username=name, is_active=True)

    def describe_user_by_claims(self, claims) -> str:
        return f"username {claims.get(settings.CHIDAO_OIDC_USERNAME_CLAIM)!r}"


class CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Single sign-on did not succeed: the identity provider refused, or your account "
                "there has no account in Chỉ đạo with the same name. Ask the administrator of "
                "your unit to create it, or sign in with your password."
            ),
        )
        return redirect("login")


def _only_when_enabled(view):
    def guarded(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


start = _only_when_enabled(OIDCAuthenticationRequestView.as_view())
callback = _only_when_enabled(CallbackView.as_view())


class SignInView(LoginView):
    """The sign-in page, with the single sign-on button when it is on."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if enabled():
            context["sso_name"] = settings.CHIDAO_OIDC_PROVIDER_NAME or _(
                "the province's identity provider"
            )
        return context
