"""System checks of this project's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Keys that are known because they are written down: the test suite's and common examples.
PLACEHOLDER_KEYS = {
    "test-suite-key-not-secret",
    "changeme",
    "change-me",
    "secret",
    "secret-key",
    "your-secret-key",
}
MIN_KEY_LENGTH = 50
MIN_KEY_CHARACTERS = 5


@register(Tags.security, deploy=True)
def secret_key_is_real(app_configs, **kwargs):
    """Refuse a deployment whose key was invented for this one process (``manage.py`` without
    SECRET_KEY): sessions, password-reset links and board links signed with it would die with
    the process, and a check passed with it says nothing about the key the server will use."""
    if getattr(settings, "CHIDAO_SECRET_KEY_INVENTED", False):
        return [
            Error(
                "SECRET_KEY is not set: this check ran on a key invented for this one process.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE to the production key, then check again.",
                id="chidao.E001",
            )
        ]
    key = str(settings.SECRET_KEY)
    if (
        key.strip().lower() in PLACEHOLDER_KEYS
        or key.startswith("django-insecure")
        or len(key) < MIN_KEY_LENGTH
        or len(set(key)) < MIN_KEY_CHARACTERS
    ):
        return [
            Error(
                "SECRET_KEY is a placeholder or too weak for production.",
                hint=(
                    f"Use at least {MIN_KEY_LENGTH} random characters, e.g. "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
                ),
                id="chidao.E002",
            )
        ]
    return []
