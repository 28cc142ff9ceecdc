"""Settings for the test suite: the production settings with the demo opt-outs and fast hashing.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-secret")
os.environ.setdefault("CHIDAO_TIMELINE_KEYS", "test:test-suite-timeline-key-not-secret-0123")
os.environ.setdefault("HTTPS", "false")
# Each test worker stores files in its own folder (two workers saving the same name would see
# each other's files); the servers a worker starts inherit its folder.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if os.environ.get("CHIDAO_TEST_MEDIA_OWNER") != _WORKER or "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"chidao-media-{_WORKER}")
    os.environ["CHIDAO_TEST_MEDIA_OWNER"] = _WORKER
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="chidao-static-"))

from chidao.settings import *  # noqa: E402, F403
from chidao.settings import STORAGES  # noqa: E402

# Hashing with the production hasher would make every persona cost ~0.2 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: serve static files from the apps as in development.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite's own shared cache, in a folder its subprocesses inherit (they read what it wrote).
CACHES = {**CACHES, "shared": {**CACHES["shared"]}}  # noqa: F405
if not os.environ.get("REDIS_URL"):
    os.environ.setdefault("CHIDAO_TEST_SHARED_CACHE", tempfile.mkdtemp(prefix="chidao-cache-"))
    CACHES["shared"]["LOCATION"] = os.environ["CHIDAO_TEST_SHARED_CACHE"]
# Two-factor sign-in is asked of nobody in the suite's sign-ins; its own tests turn it on.
CHIDAO_TWO_FACTOR_REQUIRED_ROLES: list[str] = []
CHIDAO_TWO_FACTOR_ADMIN_SITE = False
