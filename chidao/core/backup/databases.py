"""The database copied as the engine stores it — every value exact, event times to the
microsecond — and put back: SQLite's backup API, or pg_dump/pg_restore."""

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection, connections
from django.utils.translation import gettext as _

from .archive import Archive, BackupError, extract

DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(_("Backup supports SQLite and PostgreSQL, not %(vendor)s.") % {
            "vendor": vendor})  # fmt: skip
    return vendor


def model_tables() -> dict[str, str]:
    """Model label → table, for every concrete table the project's models own."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def row_counts(cursor, quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for label, table in model_tables().items():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (model tables)
        counts[label] = cursor.fetchone()[0]
    return counts


def migration_state(cursor, tables: set[str]) -> dict[str, str]:
    """The latest applied migration of each app (names are numbered, so the greatest); none
    for a database made without migrations (the test suite's). The table is looked up, not
    tried: a failed query would abort PostgreSQL's snapshot transaction."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            rows = db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as error:
            return str(error)
    return "ok" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:5])


def dump_sqlite(target: Path) -> tuple[dict, dict]:
    """Copy the live database with SQLite's online backup API: one step under one read
    transaction, so the copy is the database at one instant even while the app writes."""
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."))
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        # One self-contained file: the copy must not need a -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master")}
        return row_counts(cursor, _sqlite_quote), migration_state(cursor, tables)


def restore_sqlite(archive: Archive) -> None:
    """Stage the copy beside the database and check it, then write it into the live database
    with the backup API in one transaction. Not a rename: a WAL database has -wal and -shm files
    beside it that SQLite would replay onto a renamed-in file, and a running process would keep
    writing to the unlinked old one; the backup API goes through SQLite's own locks."""
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        raise BackupError(_("Cannot restore into an in-memory database."))
    live = Path(name)
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.with_name(f".{live.name}.restore-{secrets.token_hex(6)}")
    try:
        member = archive.database_member
        extract(archive, lambda item: staged if item == member else None)
        result = sqlite_integrity(staged)
        if result != "ok":
            raise BackupError(
                _("The database in the backup is damaged: %(error)s") % {"error": result}
            )
        connections.close_all()
        if not live.exists():
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{live}{suffix}").unlink(missing_ok=True)  # left by a lost database
            os.chmod(staged, 0o600)
            os.replace(staged, live)
            return
        with (
            contextlib.closing(sqlite3.connect(staged)) as source,
            contextlib.closing(sqlite3.connect(live, timeout=60)) as destination,
        ):
            try:
                source.backup(destination)
            except sqlite3.DatabaseError as error:
                raise BackupError(
                    _(
                        "The current database cannot be written (%(error)s): move %(path)s "
                        "aside and restore again."
                    )
                    % {"error": error, "path": live}
                ) from None
    finally:
        staged.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Pg:
    """How to reach the configured PostgreSQL database from its client programs."""

    args: list[str]
    env: dict[str, str]
    name: str


def pg_connection() -> _Pg:
    db = connection.settings_dict
    args = ["--no-password", "--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    # The password goes through the environment: a command line is visible to every user of
    # the machine (ps).
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    options = db.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return _Pg(args, env, db["NAME"])


def pg_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(program)s was not found: install the Debian package postgresql-client.")
            % {"program": name}
        )
    return path


def pg_major(program: str) -> int:
    output = subprocess.run(  # noqa: S603 (a PostgreSQL client program, fixed arguments)
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\s(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(_("Cannot read the version of %(program)s.") % {"program": program})
    return int(match.group(1))


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (PostgreSQL client programs, arguments from settings)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(command[0]).name, "error": result.stderr.strip()[-2000:]}
        )


def dump_postgresql(target: Path) -> tuple[dict, dict, dict]:
    """pg_dump inside a snapshot exported by our own REPEATABLE READ transaction: the dump, the
    row counts and the migration state all describe the same instant."""
    pg_dump = pg_program("pg_dump")
    client, server = pg_major(pg_dump), server_major()
    if client < server:
        raise BackupError(
            _(
                "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server: install the "
                "Debian package postgresql-client-%(server)s."
            )
            % {"client": client, "server": server}
        )
    pg = pg_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."))
    # An explicit BEGIN on the autocommit connection: nothing Django runs first (a health
    # check) can start the transaction at another isolation level.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor, connection.ops.quote_name)
            tables = set(connection.introspection.table_names(cursor))
            migrations = migration_state(cursor, tables)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
                 *pg.args],
                pg.env,
            )  # fmt: skip
        finally:
            cursor.execute("ROLLBACK")
    versions = {"server": server, "pg_dump": client}
    return counts, migrations, versions


def restore_postgresql(archive: Archive) -> None:
    pg_restore = pg_program("pg_restore")
    pg = pg_connection()
    with tempfile.TemporaryDirectory(prefix="chidao-restore-") as work:
        dump = Path(work) / archive.database_member
        member = archive.database_member
        extract(archive, lambda item: dump if item == member else None)
        connections.close_all()
        # --no-owner/--no-privileges: the spare machine's roles need not be the original's.
        _run(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *pg.args, str(dump)],
            pg.env,
        )  # fmt: skip


def check_database_copy(archive: Archive, workdir: Path) -> None:
    """The database in the archive opens: SQLite's integrity check, or pg_restore reads its
    table of contents."""
    name = archive.database_member
    copy = workdir / name
    extract(archive, lambda member: copy if member == name else None)
    if archive.manifest["engine"] == "sqlite":
        result = sqlite_integrity(copy)
        if result != "ok":
            raise BackupError(
                _("The database in the backup is damaged: %(error)s") % {"error": result}
            )
    else:
        _run([pg_program("pg_restore"), "--list", str(copy)], dict(os.environ))
    copy.unlink()


def compare_counts(archive: Archive) -> list[tuple[str, int, int | None]]:
    """(model, in the backup, now) for every model whose rows differ after a restore."""
    expected = archive.manifest.get("counts", {})
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = model_tables()
        differences = []
        for label, count in expected.items():
            table = tables.get(label)
            if table is None or table not in existing:
                differences.append((label, count, None))
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            now = cursor.fetchone()[0]
            if now != count:
                differences.append((label, count, now))
    return differences
