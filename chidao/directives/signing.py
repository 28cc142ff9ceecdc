"""The timeline keys (khóa ký diễn biến): HMAC-SHA256 under a key kept outside the database.

``settings.CHIDAO_TIMELINE_KEYS`` maps key ids to secrets in order: the first signs, the others
only check what they signed before a rotation. Events and anchor entries store the id of the key
that signed them, so a rotation changes nothing already written.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UnknownKeyError(KeyError):
    """Something was signed with a key id that is not (or no longer) configured."""


def current_key_id() -> str:
    keys = settings.CHIDAO_TIMELINE_KEYS
    if not keys:
        raise ImproperlyConfigured(
            "CHIDAO_TIMELINE_KEYS (or CHIDAO_TIMELINE_KEYS_FILE) is not set: nothing can be signed."
        )
    return next(iter(keys))


def age(key_id: str) -> int | None:
    """0 for the current key, 1 for the one before it…; None for a key not configured."""
    for position, configured in enumerate(settings.CHIDAO_TIMELINE_KEYS):
        if configured == key_id:
            return position
    return None


def mac(key_id: str, message: bytes) -> str:
    try:
        secret = settings.CHIDAO_TIMELINE_KEYS[key_id]
    except KeyError:
        raise UnknownKeyError(key_id) from None
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
