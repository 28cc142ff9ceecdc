"""How far a long check or import has gone, for the page that waits on it.

The browser names the run with a token of its own (``import.js``) before sending the file, so
the page can ask while the request that does the work is still running, whichever process
answers it: the figures live in the ``shared`` cache (files under var/ that every process of the
server sees, or Redis when ``REDIS_URL`` is set; see the settings). A poll that finds nothing
says the page is working, never a made-up figure.
"""

import re

from django.core.cache import caches

TOKEN = re.compile(r"^[A-Za-z0-9-]{8,64}$")
KEEP_SECONDS = 600


def _key(person_id: int, token: str) -> str:
    return f"registers:progress:{person_id}:{token}"


def reporter(person, token: str | None):
    """A ``progress(done, total, step)`` callable writing for ``person`` under ``token``, or
    None when the request named no valid token."""
    if not token or not TOKEN.match(token):
        return None
    key = _key(person.pk, token)

    def tell(done: int, total: int, step: str) -> None:
        caches["shared"].set(key, {"done": done, "total": total, "step": str(step)}, KEEP_SECONDS)

    return tell


def read(person, token: str) -> dict | None:
    if not TOKEN.match(token):
        return None
    return caches["shared"].get(_key(person.pk, token))
