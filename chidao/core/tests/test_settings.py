"""Production settings: secure by default, refuse to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "chidao.settings",
    "DATABASE_URL": "sqlite:////tmp/chidao-settings-test.sqlite3",
    "ALLOWED_HOSTS": "chidao.dongthap.gov.vn",
}


def _run(args, extra_env):
    # A production process sees none of the test run's own switches.
    dropped = {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION, **extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_web_server_refuses_to_start_without_a_secret_key():
    done = _run(["-c", "import chidao.wsgi"], {})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_the_web_server_starts_with_a_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 20 + "Vx9#qLm2$Rt7&Zp4!Wn8^Ys3*" + "\n")
    code = "import chidao.wsgi; from django.conf import settings; print(settings.SECRET_KEY[:5])"
    done = _run(["-c", code], {"SECRET_KEY_FILE": str(key_file)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "kkkkk"


def test_check_deploy_is_clean_with_production_settings():
    key = "prod-" + "x7Gq2LmP9vRt4Zs8Wn1Yb6Kd3Hf5Jc0Ae" * 2
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {"SECRET_KEY": key})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_defaults_are_secure():
    key = "prod-" + "x7Gq2LmP9vRt4Zs8Wn1Yb6Kd3Hf5Jc0Ae" * 2
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    done = _run(["-c", code], {"SECRET_KEY": key})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "Asia/Ho_Chi_Minh",
        "vi",
    ]


def test_a_malformed_boolean_is_an_error_not_a_guess():
    done = _run(["-c", "import django; django.setup()"], {"SECRET_KEY": "x" * 50, "DEBUG": "maybe"})
    assert done.returncode != 0
    assert "DEBUG must be a boolean" in done.stderr


def test_sqlite_keeps_its_connection_between_requests_with_a_large_page_cache(tmp_path):
    """A new connection per request read the schema again and started with a cold cache."""
    key = "prod-" + "x7Gq2LmP9vRt4Zs8Wn1Yb6Kd3Hf5Jc0Ae" * 2
    code = (
        "import django; django.setup()\n"
        "from django.core import signals\n"
        "from django.db import connection\n"
        "def request():\n"
        "    signals.request_started.send(sender=None)\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('PRAGMA cache_size')\n"
        "        size = cursor.fetchone()[0]\n"
        "    held = connection.connection\n"
        "    signals.request_finished.send(sender=None)\n"
        "    return held, size\n"
        "first, size = request()\n"
        "second, _ = request()\n"
        "print(second is first, size)\n"
    )
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": key}
    done = _run(["-c", code], database)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "-65536"]
    # Asked to, it still opens a connection per request.
    done = _run(["-c", code], {**database, "DB_CONN_MAX_AGE": "0"})
    assert done.stdout.split() == ["False", "-65536"], done.stderr
