import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def _healthz_with_database(url: str) -> str:
    """Ask /healthz in a fresh process whose database is really unreachable."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode().strip())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chidao.test_settings",
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/chidao.sqlite3",
        "postgres://postgres@127.0.0.1:1/nothing-listens-here",
    ],
    ids=["sqlite-unopenable", "postgres-refused"],
)
def test_healthz_answers_503_when_the_database_does_not(url):
    assert _healthz_with_database(url) == "503 database unavailable"
