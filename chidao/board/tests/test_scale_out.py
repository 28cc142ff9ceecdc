"""Two app servers, one database, one Redis: a change through one is on the other's board and
dashboard at once, and the board's snapshot is computed once for both (the shared cache)."""

import contextlib
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from chidao.board.models import Screen
from chidao.conftest import PASSWORD
from chidao.testing import SharedDatabase, free_port

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@contextlib.contextmanager
def app_server(database_url: str, prefix: str):
    """gunicorn with the product on a free port, sharing the database and the Redis cache."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chidao.test_settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "SECRET_KEY": settings.SECRET_KEY,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "chidao.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the app server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


class Browser:
    """A signed-in person on one server: cookies and the CSRF token, as a browser keeps them."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.post("/login/", {"username": username, "password": PASSWORD})

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> str:
        form = self.get(path if path == "/login/" else "/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        csrf = token.group(1) if token else next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=20) as response:
            return response.read().decode()


def _total_on_dashboard(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_server_is_on_the_others_board_and_dashboard_at_once(
    tmp_path, org, people, task
):
    cache = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    database = SharedDatabase(tmp_path)
    database.share()
    try:
        with app_server(database.url, prefix) as one, app_server(database.url, prefix) as other:
            board = f"/board/{token}/data/"
            leader_there = Browser(other, "office_leader")
            assert task.content in urllib.request.urlopen(other + board).read().decode()  # noqa: S310
            assert _total_on_dashboard(leader_there.get("/dashboard/")) == 1
            # Both servers' caches are the one Redis: the snapshot computed there is here.
            assert cache.keys(f"{prefix}:*board:*")

            leader_here = Browser(one, "leader")
            leader_here.post(f"/tasks/{task.pk}/cancel/", {"cancel-reason": "Không còn phù hợp"})

            shown = urllib.request.urlopen(other + board).read().decode()  # noqa: S310
            assert task.content not in shown
            assert _total_on_dashboard(leader_there.get("/dashboard/")) == 0
    finally:
        for key in cache.scan_iter(f"{prefix}:*"):
            cache.delete(key)
        database.take_back()
    task.refresh_from_db()
    assert task.state == "cancelled"
