"""Đặt mật khẩu lần đầu: how a new account gets its first password.

A government account must be its holder's alone: what it does is signed into task timelines
under their name. So nobody chooses a password for someone else. A new account starts with an
unusable password and its holder sets their own through a single-use link (Django's
password-reset token: it stops working once a password is set, after a sign-in, or after
``PASSWORD_RESET_TIMEOUT``, three days by default).

The link goes by e-mail to the person's own address, at once, through the site's SMTP server
(the same settings as the notifications), and not through the outbox: the link is a credential,
and the outbox keeps its rows for administrators to read and sends them again later. Without an
address, without a mail server, or when the server refuses, the page shows the link once to the
person who created the account, to hand over in person (printed or read out); it works once, so
a holder who finds it already used knows to ask the administrator.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Invitation:
    url: str
    expires_at: datetime.datetime


def make(person) -> Invitation:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("org:set_password", kwargs={"uidb64": uid, "token": token})
    expires = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return Invitation(settings.SITE_URL + path, expires)


SENT, NO_ADDRESS, NO_SERVER, FAILED = "sent", "no_address", "no_server", "failed"


def email(person, invitation: Invitation, *, sent_by, unit) -> str:
    """Send the link to the person's own address: ``SENT``, or why not."""
    from chidao.notifications.transports.email import is_configured

    if not person.email:
        return NO_ADDRESS
    if not is_configured():
        return NO_SERVER
    values = {
        "person": person,
        "url": invitation.url,
        "expires_at": invitation.expires_at,
        "sent_by": sent_by,
        "unit": unit,
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = "[Chỉ đạo] " + _("Set the password of your account")
        body = render_to_string("org/email/invitation.txt", values)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    except (smtplib.SMTPException, OSError) as error:
        log.warning("Set-password link for %s not sent: %s", person.username, error)
        return FAILED
    return SENT
