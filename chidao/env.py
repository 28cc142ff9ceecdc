"""Typed readers for settings that come from the environment.

Every secret may also be given as a file (``NAME_FILE``), which is how container orchestrators and
systemd credentials hand secrets over without putting them in the process environment.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        with open(file_path, encoding="utf-8") as f:
            return f.read().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_keys(name: str) -> dict[str, str]:
    """Named secrets, ``id:secret`` one per line (or comma-separated), in order: the first is
    the current one, the others are kept to check what they signed. Lines starting with ``#``
    are comments."""
    keys: dict[str, str] = {}
    for line in env_str(name).replace(",", "\n").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, sep, secret = (part.strip() for part in line.partition(":"))
        # The secret is never echoed: the message names only the key's position.
        if not sep or not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", key_id):
            raise ImproperlyConfigured(
                f"{name}: key #{len(keys) + 1} must read 'id:secret', the id up to 20 letters, "
                "digits, '.', '_' or '-'"
            )
        if len(secret) < 32:
            raise ImproperlyConfigured(
                f"{name}: the secret of key {key_id!r} is shorter than 32 characters"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{name}: key {key_id!r} is given twice")
        keys[key_id] = secret
    return keys
