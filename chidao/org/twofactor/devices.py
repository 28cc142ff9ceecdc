"""Who must use two-factor sign-in, their devices, and the recovery codes."""

import re
import secrets
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chidao.org.models import Role

RECOVERY_CODE_COUNT = 10
_NOT_CODE = re.compile(r"[\s-]+")


def required_for(person) -> bool:
    """Whether the person's roles oblige them to sign in with a second factor."""
    roles = set(settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES)
    if not roles or not person.is_authenticated:
        return False
    if person.is_superuser and Role.ADMIN in roles:
        return True  # a system administrator is an administrator of everything
    return any(m.role in roles for m in person.active_memberships())


def authenticator(person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have turned two-factor sign-in on."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("-pk").first()


def is_enabled(person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def pending_authenticator(person, device_id=None) -> TOTPDevice:
    """The not yet confirmed device being set up (the same secret across reloads of the page),
    or a new one."""
    pending = TOTPDevice.objects.filter(user=person, confirmed=False)
    device = pending.filter(pk=device_id).first() if device_id else None
    if device is None:
        pending.delete()
        device = TOTPDevice.objects.create(
            user=person, name=str(settings.OTP_TOTP_ISSUER), confirmed=False
        )
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for an app that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm(device: TOTPDevice) -> list[str]:
    """The first right code: the device replaces any earlier one, with fresh recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    return new_recovery_codes(device.user)


def _recovery_device(person) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=person).first()


@transaction.atomic
def new_recovery_codes(person) -> list[str]:
    """Ten new single-use codes, shown once; the old ones stop working."""
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name="recovery", confirmed=True)
    # 12 base32 characters (60 bits), shown as xxxx-xxxx-xxxx.
    codes = [b32encode(secrets.token_bytes(8)).decode().lower()[:12] for _ in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return ["-".join(code[i : i + 4] for i in (0, 4, 8)) for code in codes]


def recovery_codes_left(person) -> int:
    return StaticToken.objects.filter(device__user=person).count()


@transaction.atomic
def turn_off(person) -> None:
    """Forget the person's authenticator and recovery codes (they, or an administrator after a
    lost phone)."""
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()


class ThrottledError(Exception):
    """Too many wrong codes in a row: the next try is allowed after a growing pause."""


def check(person, code: str):
    """The device that accepts ``code``: a 6-digit code from the app, else a recovery code (used
    up by this). None if neither does; ``ThrottledError`` while wrong codes are being paused."""
    code = normalized(code)
    if not code:
        return None
    device = authenticator(person) if code.isdigit() else _recovery_device(person)
    return device if device is not None and accepts(device, code) else None


def normalized(code: str) -> str:
    return _NOT_CODE.sub("", code or "").lower()


def accepts(device, code: str) -> bool:
    """Whether ``device`` accepts the code; ``ThrottledError`` within the pause after wrong ones."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ThrottledError
    return device.verify_token(normalized(code))
