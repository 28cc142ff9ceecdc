"""The data are the app owner's only: the SQLite database with its -wal and -shm, the var/
directory, uploaded files and their directories (directories 0700, files 0600)."""

import datetime
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chidao.core.tests.test_settings import ROOT
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue

# What a default umask (022) gives: the modes the code must tighten.
READABLE_BY_ALL_DIR = 0o755
READABLE_BY_ALL_FILE = 0o644
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Opens the database through the settings (WAL, the connection signal), writes, and reports the
# modes while the connection is open (SQLite removes -wal and -shm when the last one closes).
OPEN_AND_WRITE = """
import os, stat, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
name = connection.settings_dict["NAME"]
for path in (os.path.dirname(name), name, name + "-wal", name + "-shm"):
    print(oct(stat.S_IMODE(os.stat(path).st_mode)))
"""


def mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def _open_database(var_dir: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="chidao.settings",
        CHIDAO_EPHEMERAL_SECRET_KEY="true",
        VAR_DIR=str(var_dir),
    )
    previous = os.umask(0o022)  # inherited: it would leave new files readable by everyone
    try:
        done = subprocess.run(
            [sys.executable, "-c", OPEN_AND_WRITE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.umask(previous)
    assert done.returncode == 0, done.stderr
    return [int(line, 8) for line in done.stdout.split()]


def test_a_new_sqlite_database_and_its_wal_and_shm_are_the_owners_only(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    var_dir.chmod(READABLE_BY_ALL_DIR)

    directory, database, wal, shm = _open_database(var_dir)

    assert (directory, database, wal, shm) == (0o700, 0o600, 0o600, 0o600)
    assert mode(var_dir / "db.sqlite3") == 0o600


def test_an_existing_database_readable_by_all_is_tightened_at_the_next_start(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    _open_database(var_dir)
    var_dir.chmod(READABLE_BY_ALL_DIR)
    (var_dir / "db.sqlite3").chmod(READABLE_BY_ALL_FILE)

    assert _open_database(var_dir) == [0o700, 0o600, 0o600, 0o600]


def test_a_database_outside_var_keeps_its_directory_as_the_administrator_set_it(tmp_path):
    from chidao.core.files import restrict_sqlite_files

    shared = tmp_path / "srv"
    shared.mkdir()
    shared.chmod(READABLE_BY_ALL_DIR)
    database = shared / "chidao.sqlite3"
    database.write_bytes(b"")
    database.chmod(READABLE_BY_ALL_FILE)

    class Connection:
        vendor = "sqlite"
        settings_dict = {"NAME": str(database)}

        def is_in_memory_db(self):
            return False

    restrict_sqlite_files(None, Connection())
    assert (mode(shared), mode(database)) == (READABLE_BY_ALL_DIR, 0o600)


@pytest.fixture
def fresh_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # not there yet: created by the upload
    previous = os.umask(0o022)
    yield settings.MEDIA_ROOT
    os.umask(previous)


def test_uploaded_files_and_their_directories_are_the_owners_only(fresh_media, org, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (task,) = issue(people.specialist, org, people, TaskSpec(
        content="Báo cáo tiến độ", lead_unit=org.finance,
        deadline_date=datetime.date.today() + datetime.timedelta(days=30),
    ), issued_on=datetime.date.today())  # fmt: skip
    actions.receive(people.unit_staff, task)
    upload = SimpleUploadedFile("Báo cáo.pdf", PDF, content_type="application/pdf")
    actions.post_progress(people.unit_staff, task, "Đã xong dự thảo", 50, files=[upload])

    stored = list(fresh_media.rglob("*"))
    files = [p for p in stored if p.is_file()]
    directories = [fresh_media, *(p for p in stored if p.is_dir())]
    assert files
    assert {mode(p) for p in files} == {0o600}
    assert {mode(p) for p in directories} == {0o700}
