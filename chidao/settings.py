"""Settings, read from the environment with secure defaults.

Production is the default: DEBUG is off, HTTPS is assumed and a secret key is required. A local
demo (``make run``) and the tests opt out explicitly.
"""

import datetime
import json
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chidao.env import env_bool, env_int, env_keys, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
CHIDAO_SECRET_KEY_INVENTED = False
if not SECRET_KEY:
    # The web server refuses to start without a key. Management commands (migrations, imports)
    # sign nothing that outlives them, so manage.py lets them run on a throw-away key.
    if not (DEBUG or env_bool("CHIDAO_EPHEMERAL_SECRET_KEY", False)):
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set: production refuses to start without it."
        )
    SECRET_KEY = secrets.token_urlsafe(50)
    # Remembered so that `check --deploy` refuses it (chidao.E001): a deployment is checked
    # with the key it will run with, never with one invented for the check.
    CHIDAO_SECRET_KEY_INVENTED = True

# Timeline keys: each task event is signed (HMAC-SHA256) with a key kept outside the database,
# "id:secret" per line, the first signing, the others only checking what they signed (rotation:
# README, "Timeline key and anchors"). Required like SECRET_KEY; commands that sign nothing run
# without it and any signing then fails loudly rather than under a throw-away key.
CHIDAO_TIMELINE_KEYS = env_keys("CHIDAO_TIMELINE_KEYS")
if not CHIDAO_TIMELINE_KEYS:
    if DEBUG:
        CHIDAO_TIMELINE_KEYS = {"debug": "debug-only-timeline-key-never-use-in-production"}
    elif not env_bool("CHIDAO_EPHEMERAL_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "CHIDAO_TIMELINE_KEYS (or CHIDAO_TIMELINE_KEYS_FILE) must be set: production refuses "
            "to start without the key that signs the task timelines."
        )
# The append-only log of daily anchors (chain heads), its e-mailed copy, and how old an event may
# be before verify_timelines requires an anchor to cover it (0: never).
CHIDAO_ANCHOR_LOG = Path(env_str("CHIDAO_ANCHOR_LOG", str(VAR_DIR / "anchors.log")))
CHIDAO_ANCHOR_EMAIL = env_str("CHIDAO_ANCHOR_EMAIL")
CHIDAO_ANCHOR_GRACE_HOURS = env_int("CHIDAO_ANCHOR_GRACE_HOURS", 48)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "chidao.core.apps.ChidaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "chidao.core",
    "chidao.org",
    "chidao.workdays",
    "chidao.directives",
    "chidao.board",
    "chidao.reports",
    "chidao.notifications",
    "chidao.registers",
    "chidao.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chidao.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "chidao.core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chidao.org.twofactor.middleware.TwoFactorMiddleware",
    "chidao.core.middleware.BodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chidao.core.replica.ReadYourWritesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chidao.urls"
WSGI_APPLICATION = "chidao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chidao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chidao.core.context_processors.navigation",
                "chidao.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default so that `make run` needs nothing installed; PostgreSQL is
# the production engine: DATABASE_URL=postgres://user@host:5432/name
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue (busy_timeout) instead of failing halfway with "database is locked".
        # The connection is kept between requests (DB_CONN_MAX_AGE, as on PostgreSQL) with a page
        # cache of up to 64 MB: a new one per request re-read the schema and started cold, which
        # cost a third of a small page's time and a quarter of a unit's statistics (README).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def _without_jit(database: dict) -> None:
    """JIT compiles every large aggregate for ~0.2 s, more than it ever saves on these queries;
    added to whatever options the URL gives (search_path, …)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()


_without_jit(DATABASES["default"])
# An optional read replica (streaming replication) for statistics, exports and reports; the
# person who has just acted reads from the primary for CHIDAO_REPLICA_LAG_SECONDS.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
CHIDAO_REPLICA_LAG_SECONDS = env_int("CHIDAO_REPLICA_LAG_SECONDS", 30)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    _without_jit(DATABASES["replica"])  # its own options (sslmode, …) kept
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["chidao.core.replica.ReplicaRouter"]

# --- Cache -------------------------------------------------------------------------------------
# The board snapshots and the statistics are cached. Each process keeps its own by default; with
# REDIS_URL (redis://host:6379/0) every app server shares one, so a snapshot is computed once for
# all of them. Cache keys carry the newest change, so a change shows everywhere either way.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "chidao"),
        }
    }
else:
    # Each home keeps about ten entries (its shelves' rows and lines, its counts; 25 KB) and a
    # page of the list two (50 KB): Django's default of 300 entries would hold some thirty
    # people's pages and drop the rest every few requests.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }
# With a shared cache, a session is read from it (and written to the database too): one query
# fewer per request, and a sign-out through one app server ends the session on every other.
# A cache of one process would not see another's sign-out, so without Redis sessions are read
# from the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# What one request writes for another to read while it still runs (how far an import has
# gone): Redis when set, else files under var/, which every process of this server sees.
CACHES["shared"] = (
    {**CACHES["default"], "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "chidao") + ":shared"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in: guessing stopped by account and by address (``chidao/org/signins.py``) -----------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "chidao.org.signins.SignInHandler"
AXES_LOCKOUT_CALLABLE = "chidao.org.signins.locked_out"
AXES_LOCKOUT_PARAMETERS = ["username"]
# An account is locked after this many wrong passwords in a row, for this many minutes (0: until
# an administrator unlocks it, in the admin's list of people).
AXES_FAILURE_LIMIT = env_int("CHIDAO_SIGN_IN_FAILURES_PER_ACCOUNT", 5)
_cool_off = env_int("CHIDAO_SIGN_IN_LOCK_MINUTES", 30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_cool_off) if _cool_off else None
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept, with its address and time
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Axes warns that locking by account alone lets an attacker rotate browsers: the address lock
# of ``SignInHandler`` covers that.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failures within an hour from one address (any accounts) after which it may not sign in.
CHIDAO_SIGN_IN_FAILURES_PER_ADDRESS = env_int("CHIDAO_SIGN_IN_FAILURES_PER_ADDRESS", 50)
# Behind reverse proxies, how many: the client's address is then read from X-Forwarded-For, as
# the first of them wrote it (what a client writes there itself is never taken).
CHIDAO_PROXY_COUNT = env_int("CHIDAO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "chidao.org.signins.client_address"

# --- Two-factor sign-in (``chidao/org/twofactor``) ----------------------------------------------
# Roles that must give a code from an authenticator app after the password (empty: nobody must;
# everyone may turn it on). A system administrator counts as "admin".
CHIDAO_TWO_FACTOR_REQUIRED_ROLES = env_list(
    "CHIDAO_TWO_FACTOR_REQUIRED_ROLES", ["committee_leader", "office_leader", "admin"]
)
# The admin site asks everyone who opens it for the second factor.
CHIDAO_TWO_FACTOR_ADMIN_SITE = env_bool("CHIDAO_TWO_FACTOR_ADMIN_SITE", True)
OTP_TOTP_ISSUER = env_str("CHIDAO_TWO_FACTOR_ISSUER", "Chỉ đạo")  # the name the app shows
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes in a row wait 1, 2, 4, 8… seconds

# --- Single sign-on through the province's OpenID Connect provider (optional, ``org/sso.py``) ---
# On when the client id is set; the provider's endpoints are then all required.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # accounts and roles are granted in the product, never by a sign-in
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# The claim holding the product's username, and the provider's name on the sign-in button.
CHIDAO_OIDC_USERNAME_CLAIM = env_str("CHIDAO_OIDC_USERNAME_CLAIM", "preferred_username")
CHIDAO_OIDC_PROVIDER_NAME = env_str("CHIDAO_OIDC_PROVIDER_NAME")
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"Single sign-on needs {', '.join(_missing)} as well.")
    AUTHENTICATION_BACKENDS.append("chidao.org.sso.ProvinceSignOn")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language, time, formats ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "chidao" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
# dd/mm/yyyy in every language (see chidao/formats/).
FORMAT_MODULE_PATH = ["chidao.formats"]

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    # Any Django storage class, e.g. an S3-compatible one, with its options as JSON.
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env_str("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Uploaded files, like the SQLite database (``core/files.py``), are the app's owner's only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# --- Task rules (the province's own regulation sets these) --------------------------------------
# "Due soon" (sắp đến hạn): the deadline falls within this many working days.
CHIDAO_DUE_SOON_WORKING_DAYS = env_int("CHIDAO_DUE_SOON_WORKING_DAYS", 3)
# "Not updated" (chưa cập nhật): the lead unit has done nothing on the task for this many
# working days (the source document treats such a task as not done).
CHIDAO_STALE_AFTER_WORKING_DAYS = env_int("CHIDAO_STALE_AFTER_WORKING_DAYS", 10)
# How many extensions one task may be granted.
CHIDAO_MAX_EXTENSIONS = env_int("CHIDAO_MAX_EXTENSIONS", 2)
# Whether an extension may still be requested once the deadline in force has passed (the deadline
# day itself is always in time). Off by default: a late request would turn late work into on-time
# work; a province that allows it sees work done within such an extension counted apart.
CHIDAO_LATE_EXTENSIONS = env_bool("CHIDAO_LATE_EXTENSIONS", False)
# Display boards: how long a computed snapshot may be reused (it is recomputed at once when a
# task changes; this only bounds memory), and how often the screens ask for news.
CHIDAO_BOARD_CACHE_SECONDS = env_int("CHIDAO_BOARD_CACHE_SECONDS", 300)
CHIDAO_BOARD_POLL_SECONDS = env_int("CHIDAO_BOARD_POLL_SECONDS", 10)
# Reports (chidao/reports/jobs.py): a scope of at most this many tasks is made in the request
# that asks; a larger one by the worker, its page showing the progress. Files kept N days.
CHIDAO_REPORT_INLINE_TASKS = env_int("CHIDAO_REPORT_INLINE_TASKS", 3000)
CHIDAO_REPORT_KEEP_DAYS = env_int("CHIDAO_REPORT_KEEP_DAYS", 30)
# The PDF's font: a folder holding LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf, read
# before the system's fonts (fonts-liberation2, else DejaVu Serif).
CHIDAO_REPORT_FONT_DIR = env_str("CHIDAO_REPORT_FONT_DIR")
# Attached files: largest size, in megabytes.
CHIDAO_UPLOAD_MAX_MB = env_int("CHIDAO_UPLOAD_MAX_MB", 20)
# The largest request body (all the files of one form together): a larger one is refused by its
# declared length before it is read. The reverse proxy should refuse the same.
CHIDAO_REQUEST_MAX_MB = env_int("CHIDAO_REQUEST_MAX_MB", 100)

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Empty: no SMTP server; e-mails wait in the outbox, marked so, until one is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chidao@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications ----------------------------------------------------------------------------
# The address of the site as people reach it: e-mails and webhooks link to tasks with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The domain in the Message-ID of each e-mail (recorded before sending).
CHIDAO_MAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
# A webhook receives every notification of the people who turn the channel on; only when set.
CHIDAO_WEBHOOK_URL = env_str("CHIDAO_WEBHOOK_URL")
CHIDAO_WEBHOOK_SECRET = env_str("CHIDAO_WEBHOOK_SECRET")
# Attempts before an e-mail or webhook call is marked failed (back-off doubles from 1 minute).
CHIDAO_NOTIFY_MAX_ATTEMPTS = env_int("CHIDAO_NOTIFY_MAX_ATTEMPTS", 8)
# The rhythm of reminders and escalation, in working days (an administrator may change it on the
# admin site, "Reminder rhythm"; these are the defaults until then). 0 turns a rung off.
CHIDAO_REMIND_BEFORE = env_str("CHIDAO_REMIND_BEFORE", "3,1")  # working days before the deadline
CHIDAO_REMIND_ON_THE_DAY = env_bool("CHIDAO_REMIND_ON_THE_DAY", True)
CHIDAO_REMIND_DAY_AFTER = env_bool("CHIDAO_REMIND_DAY_AFTER", True)
CHIDAO_REMIND_OVERDUE_EVERY = env_int("CHIDAO_REMIND_OVERDUE_EVERY", 5)
CHIDAO_ESCALATE_TO_UNIT_HEAD_AFTER = env_int("CHIDAO_ESCALATE_TO_UNIT_HEAD_AFTER", 10)
CHIDAO_ESCALATE_TO_OFFICE_AFTER = env_int("CHIDAO_ESCALATE_TO_OFFICE_AFTER", 20)
# When the morning's reminders and digests go out (committee time, working days only).
CHIDAO_MORNING_TIME = env_str("CHIDAO_MORNING_TIME", "07:30")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", CHIDAO_MORNING_TIME):
    raise ImproperlyConfigured(f"CHIDAO_MORNING_TIME must be HH:MM, got {CHIDAO_MORNING_TIME!r}")
if not re.fullmatch(r"\s*(\d+\s*(,\s*\d+\s*)*)?", CHIDAO_REMIND_BEFORE):
    raise ImproperlyConfigured("CHIDAO_REMIND_BEFORE must be working days separated by commas")
if 0 < CHIDAO_ESCALATE_TO_OFFICE_AFTER <= CHIDAO_ESCALATE_TO_UNIT_HEAD_AFTER:
    raise ImproperlyConfigured(
        "CHIDAO_ESCALATE_TO_OFFICE_AFTER must exceed CHIDAO_ESCALATE_TO_UNIT_HEAD_AFTER"
    )

# --- Security ---------------------------------------------------------------------------------
# HTTPS=false is for a local demo on http://127.0.0.1 only.
HTTPS = env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):  # only behind a proxy that sets it
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts and styles only from our own static files, never inline (a
# template that adds an inline script, handler or style attribute fails
# core/tests/test_csp.py). htmx is told not to inject its indicator style nor to eval
# (the htmx-config meta of base.html and board.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
