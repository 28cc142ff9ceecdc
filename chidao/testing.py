"""Helpers for tests that run the product in other processes (workers, app servers)."""

import socket
import sqlite3
from contextlib import closing
from urllib.parse import quote

from django.db import connection


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
