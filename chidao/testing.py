"""Helpers for tests that run the product in other processes (workers, app servers)."""

import contextlib
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from chidao.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SharedDatabase:
    """The test database as a worker process reaches it. PostgreSQL's test database is shared
    as it is. SQLite's is in memory, private to this process: ``share`` copies it to a file the
    workers use, ``take_back`` copies the file back once they have stopped (the SQLite backup
    API, so every row and sequence comes along)."""

    def __init__(self, tmp_path):
        db = connection.settings_dict
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = tmp_path / "shared.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
            host = f"{quote(db['HOST'] or '127.0.0.1', safe='')}:{db['PORT'] or 5432}"
            self.url = f"postgres://{quote(db['USER'], safe='')}{password}@{host}/{db['NAME']}"

    def share(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            with closing(sqlite3.connect(self.path)) as copy:
                connection.connection.backup(copy)

    def take_back(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            with closing(sqlite3.connect(self.path)) as copy:
                copy.backup(connection.connection)

    @contextlib.contextmanager
    def frozen_copy(self):
        """A copy of the shared database as it is now, by URL (a replica that lags behind);
        dropped on leaving. Call ``share`` first."""
        if self.sqlite:
            path = self.path.with_name("frozen-copy.sqlite3")
            source, copy = sqlite3.connect(self.path), sqlite3.connect(path)
            with closing(source), closing(copy):
                source.backup(copy)
            yield f"sqlite:///{path}"
            return
        source = connection.settings_dict["NAME"]
        name = f"{source}_copy"
        connection.close()  # a template may have no other session: ours, or one left over
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        try:
            yield self.url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def app_server(database_url: str, extra_env: dict | None = None):
    """gunicorn with the product on a free port, on the database given (``SharedDatabase``),
    with ``extra_env`` on top of the test settings."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chidao.test_settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        **(extra_env or {}),
    }
    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
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
            # A first answer slower than the timeout (the worker still importing, a loaded
            # machine) is a server still starting, like one that refuses the connection.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
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
