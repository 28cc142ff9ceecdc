"""Backup and restore keep the proof: every row, every event time to the microsecond, every
file, and timelines that still verify; a damaged, foreign or hostile archive touches nothing.

The round trips run the real commands in other processes on a database of their own (a file
for SQLite, a fresh database for PostgreSQL): migrate, the demo, files attached, backup, damage,
restore, verify — and a restore on a "spare machine" that has nothing yet.
"""

import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chidao.core import backup
from chidao.core.backup import databases, media
from chidao.org.models import Person
from chidao.testing import ROOT

# Attach files, some events at a time with microseconds, through the product's own actions.
POPULATE = """
import datetime
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from chidao.core import clock
from chidao.directives.actions.base import lock
from chidao.directives.actions.files import record_with_files
from chidao.directives.models import Task
from chidao.org.models import Person
actor = Person.objects.get(username="cv.th1")
pdf = b"%PDF-1.4\\n1 0 obj\\n<< /Type /Catalog >>\\nendobj\\ntrailer\\n<< /Root 1 0 R >>\\n%%EOF\\n"
moment = timezone.now().replace(microsecond=123457)
for i, task in enumerate(Task.objects.order_by("pk")[:3]):
    upload = SimpleUploadedFile(f"Báo cáo số {i}.pdf", pdf + bytes([i]) * 1000)
    with transaction.atomic(), clock.at(moment + datetime.timedelta(microseconds=i * 111111)):
        record_with_files(lock(task), "comment", actor, [upload], text=f"Ý kiến {i}")
call_command("anchor_timelines")  # the daily anchor, as the worker writes it
"""

# What must come back identical: row counts, event times and hashes, files byte for byte.
FINGERPRINT = """
import hashlib, json
from pathlib import Path
from django.apps import apps
from django.conf import settings
from chidao.directives.models import Attachment, Task, TaskEvent
root = Path(settings.MEDIA_ROOT)
def digest(attachment):
    path = root / attachment.file.name
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
print("FINGERPRINT " + json.dumps({
    "counts": {m._meta.label: m._base_manager.count() for m in apps.get_models()},
    "events": [[e.pk, e.task_id, e.seq, e.at.isoformat(), e.hash]
               for e in TaskEvent.objects.order_by("pk")],
    "tasks": [[t.pk, t.content, t.updated.isoformat(), t.event_head]
              for t in Task.objects.order_by("pk")],
    "attachments": [[a.pk, a.name, a.sha256, digest(a)]
                    for a in Attachment.objects.order_by("pk")],
    "media": sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()),
}))
"""

# Work done after the backup, a file lost, a stray file, a task edited behind the app's back.
DAMAGE = """
from pathlib import Path
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from chidao.directives.actions.base import lock
from chidao.directives.actions.files import record_with_files
from chidao.directives.models import Attachment, Task
from chidao.notifications.models import Notification
from chidao.org.models import Person
actor = Person.objects.get(username="cv.th1")
task = Task.objects.order_by("-pk").first()
upload = SimpleUploadedFile("Sau sao lưu.pdf", b"%PDF-1.4\\nlater\\n%%EOF\\n")
with transaction.atomic():
    record_with_files(lock(task), "comment", actor, [upload], text="Sau khi sao lưu")
Attachment.objects.order_by("pk").first().file.delete(save=False)
(Path(settings.MEDIA_ROOT) / "stray.txt").write_text("not in the backup")
Notification.objects.all().delete()
Task.objects.filter(pk=Task.objects.order_by("pk").first().pk).update(content="Đã bị sửa")
"""


class Site:
    """One installation driven through manage.py in its own processes."""

    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.media = folder / "media"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "chidao.test_settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(self.media),
            "VAR_DIR": str(folder / "var"),
            "CHIDAO_ANCHOR_LOG": str(folder / "var" / "anchors.log"),
        }

    def manage(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def python(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-v", "0", "-c", code).stdout

    def fingerprint(self, first: str = "") -> dict:
        output = self.python(first + FINGERPRINT)
        line = next(line for line in output.splitlines() if line.startswith("FINGERPRINT "))
        return json.loads(line.split(" ", 1)[1])

    def build(self) -> None:
        self.manage("migrate", "-v", "0")
        self.manage("load_demo", "--tasks", "60", "--password", "Demo-2026-mat-khau")
        self.python(POPULATE)

    @property
    def anchor_log(self) -> Path:
        return Path(self.env["CHIDAO_ANCHOR_LOG"])


def round_trip(tmp_path: Path, url: str, spare_url: str) -> None:
    site = Site(tmp_path / "site", url)
    site.build()
    before = site.fingerprint()
    assert any(".123457" in event[3] for event in before["events"]), "microseconds kept"
    assert len(before["attachments"]) == 3 and len(before["media"]) == 3

    archive = tmp_path / "chidao.tar.gz"
    made = site.manage("backup", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
    assert str(archive) in made.stdout
    assert backup.read_archive(archive).manifest["migrations"]["directives"].startswith("00")
    assert [p.name for p in archive.parent.iterdir() if p.name.startswith(".")] == []

    assert site.fingerprint(DAMAGE) != before

    # The restore itself compares the counts and runs verify_timelines (non-zero exit if not).
    restored = site.manage("restore", str(archive), "--noinput")
    assert site.fingerprint() == before, restored.stdout
    assert "stray.txt" not in {p.name for p in site.media.rglob("*")}
    assert "toàn vẹn" in restored.stdout

    # A spare machine: an empty database and no media folder yet; the keys (the same settings
    # here) and the anchor log are brought apart from the backup, as the README's drill says.
    spare = Site(tmp_path / "spare", spare_url)
    spare.anchor_log.parent.mkdir(parents=True)
    shutil.copy(site.anchor_log, spare.anchor_log)
    assert "toàn vẹn" in spare.manage("restore", str(archive), "--noinput").stdout
    assert spare.fingerprint() == before


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite pass runs it (the file is engine-neutral)"
)
def test_a_sqlite_installation_comes_back_whole(tmp_path):
    round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        f"sqlite:///{tmp_path / 'spare' / 'var' / 'db.sqlite3'}",
    )


@pytest.fixture
def fresh_postgres_databases():
    """Two empty databases on the test server, dropped afterwards; their URLs."""
    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
    }
    names = [f"chidao_backup_{secrets.token_hex(4)}" for _ in range(2)]
    with psycopg.connect(**params, autocommit=True) as server:
        for name in names:
            server.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    yield [f"postgres://{db['USER']}{password}@{params['host']}:{params['port']}/{name}"
           for name in names]  # fmt: skip
    with psycopg.connect(**params, autocommit=True) as server:
        for name in names:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="DATABASE_URL=postgres://…")
def test_a_postgresql_installation_comes_back_whole(tmp_path, fresh_postgres_databases):
    round_trip(tmp_path, *fresh_postgres_databases)


# --- In this process, on the test database: what is refused --------------------------------


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


@pytest.fixture
def media_root():
    return Path(default_storage.location)


@pytest.fixture(scope="module")
def archive_of_the_empty_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """One backup, made once, outside any test's transaction, of the test database as it is
    between tests, with one stored file."""
    name = default_storage.save("directives/1/kept", ContentFile(b"%PDF-1.4 kept"))
    archive = tmp_path_factory.mktemp("made") / "made.tar"
    with django_db_blocker.unblock():
        call_command("backup", str(archive), stdout=io.StringIO())
    yield archive
    default_storage.delete(name)


@pytest.fixture
def made(archive_of_the_empty_database, db, people, tmp_path):
    """That backup, and a database that differs from it (the personas): the state a refused
    restore must leave as it was."""
    return archive_of_the_empty_database


@pytest.fixture
def backed_up(transactional_db, people, media_root, tmp_path):
    """A backup of the personas and the stored file, made in the test (no transaction open)."""
    name = default_storage.save("directives/1/mine", ContentFile(b"%PDF-1.4 mine"))
    archive = tmp_path / "made.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    yield archive
    default_storage.delete(name)


def _state(media_root):
    return (
        Person.objects.count(),
        sorted(Person.objects.values_list("username", flat=True)),
        (_listing(media_root)),
    )


def _restore(archive, *args):
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--noinput", *args, stdout=io.StringIO())
    return str(refused.value)


def _rewrite(source: Path, target: Path, change=lambda manifest: None, extra=()) -> Path:
    """The same archive with its manifest changed and extra members, hashes listed as a
    careful forger would."""
    with tarfile.open(source) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar if m.name != backup.MANIFEST]
        manifest = json.load(tar.extractfile(backup.MANIFEST))
    members += list(extra)
    for info, data in members:
        if info.isfile():
            manifest["members"][info.name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
    change(manifest)
    with tarfile.open(target, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return target


def _member(name: str, data: bytes = b"x", kind=tarfile.REGTYPE, link: str = ""):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.type = kind
    info.linkname = link
    return info, data


def test_the_backup_is_a_checked_archive_readable_only_by_its_owner(backed_up, media_root):
    archive = backup.read_archive(backed_up)
    manifest = archive.manifest
    assert backed_up.stat().st_mode & 0o777 == 0o600
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["org.Person"] == Person.objects.count()
    assert manifest["media"]["included"] is True
    assert manifest["media"]["files"] == len(_listing(media_root))
    assert manifest["members"]["media/directives/1/mine"] == {
        "sha256": hashlib.sha256(b"%PDF-1.4 mine").hexdigest(),
        "size": 13,
    }
    assert archive.database_member in manifest["members"]


def test_an_existing_file_is_not_replaced_without_force(backed_up, tmp_path):
    target = tmp_path / "old.tar"
    target.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert target.read_bytes() == b"yesterday's backup"

    call_command("backup", str(target), "--force", stdout=io.StringIO())
    assert backup.read_archive(target).manifest["counts"]["org.Person"] == Person.objects.count()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made.tar", "old.tar"]


def test_an_interrupted_backup_leaves_no_file(backed_up, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "check_database_copy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        call_command("backup", str(tmp_path / "new.tar"), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made.tar"]


def test_a_flipped_byte_is_refused_and_nothing_changes(made, media_root, tmp_path):
    before = _state(media_root)
    with tarfile.open(made) as tar:
        database = next(m for m in tar if m.name.startswith("database."))
    data = bytearray(made.read_bytes())
    data[database.offset_data + database.size // 2] ^= 0x01
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    Person.objects.filter(username="nobody").delete()
    changed = _state(media_root)

    assert "hỏng" in _restore(damaged)
    assert _state(media_root) == changed != before


def test_a_file_that_is_not_a_backup_is_refused(made, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b" + secrets.token_bytes(500))
    assert "hỏng" in _restore(junk)
    assert "không tồn tại" in _restore(tmp_path / "missing.tar")


@pytest.mark.parametrize(
    "hostile",
    [
        _member("../evil"),
        _member("media/../../evil"),
        _member("/chidao-evil"),
        _member("media/link", kind=tarfile.SYMTYPE, link="/etc/passwd"),
        _member("media/hard", kind=tarfile.LNKTYPE, link="manifest.json"),
    ],
    ids=["parent", "parent-in-media", "absolute", "symlink", "hardlink"],
)
def test_a_member_outside_the_folder_or_a_link_is_refused(made, media_root, tmp_path, hostile):
    before = _state(media_root)
    forged = _rewrite(made, tmp_path / "forged.tar", extra=[hostile])
    message = _restore(forged)
    assert hostile[0].name in message
    assert _state(media_root) == before
    assert not (tmp_path / "evil").exists() and not (media_root.parent / "evil").exists()
    assert not Path("/chidao-evil").exists()


def test_a_backup_of_the_other_engine_is_refused(made, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = _rewrite(made, tmp_path / "other.tar", lambda m: m.update(engine=other))
    assert "cùng loại cơ sở dữ liệu" in _restore(forged)


def test_a_backup_of_a_newer_version_is_refused(made, tmp_path):
    def newer(manifest):
        manifest["migrations"]["directives"] = "9999_from_the_future"

    forged = _rewrite(made, tmp_path / "newer.tar", newer)
    assert "directives.9999_from_the_future" in _restore(forged)


def test_a_restore_asks_first_and_an_answer_other_than_yes_changes_nothing(
    made, media_root, monkeypatch
):
    before = _state(media_root)
    questions = []
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or "không")
    with pytest.raises(CommandError, match="không có gì thay đổi"):
        call_command("restore", str(made), stdout=io.StringIO())
    assert str(connection.settings_dict["NAME"]) in questions[0]
    assert _state(media_root) == before


def test_without_the_postgresql_client_the_message_names_the_package(monkeypatch):
    monkeypatch.setattr(databases.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="postgresql-client"):
        databases.pg_program("pg_dump")


def test_a_media_root_that_is_a_mount_point_gets_its_entries_swapped(tmp_path, monkeypatch):
    """A volume of its own cannot be renamed: the restored files are staged inside it."""
    root = tmp_path / "media"
    (root / "directives").mkdir(parents=True)
    (root / "directives" / "old").write_bytes(b"old")
    monkeypatch.setattr(media.os.path, "ismount", lambda path: Path(path) == root)
    new = media.staging_folder(root)
    assert new.parent == root
    (new / "directives").mkdir()
    (new / "directives" / "restored").write_bytes(b"restored")
    media.swap_in(new, root)
    assert _listing(root) == {"directives/restored": b"restored"}
    assert [p.name for p in root.iterdir()] == ["directives"]


def test_a_manifest_with_fields_of_the_wrong_type_is_refused(made, tmp_path):
    forged = _rewrite(made, tmp_path / "odd.tar", lambda m: m.update(counts=["not", "a", "map"]))
    assert "bản kê" in _restore(forged)


# --- A restore of an older backup re-baselines the anchors, on the record ------------------

# Work on the first two tasks (a comment each), printed as "WORKED [[task, count], …]".
WORK = """
import json
from django.db import transaction
from chidao.directives.actions.base import lock
from chidao.directives.actions.files import record_with_files
from chidao.directives.models import Task
from chidao.org.models import Person
actor = Person.objects.get(username="cv.th1")
for task in Task.objects.order_by("pk")[:2]:
    with transaction.atomic():
        record_with_files(lock(task), "comment", actor, [], text="Sau khi sao lưu")
counts = Task.objects.order_by("pk").values_list("pk", "event_count")[:2]
print("WORKED " + json.dumps(list(counts)))
"""


def _worked(site: Site) -> list[list[int]]:
    output = site.python(WORK)
    line = next(line for line in output.splitlines() if line.startswith("WORKED "))
    return json.loads(line.split(" ", 1)[1])


def _entries(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def restore_story(tmp_path: Path, url: str, spare_url: str) -> None:
    site = Site(tmp_path / "site", url)
    site.manage("migrate", "-v", "0")
    site.manage("load_demo", "--tasks", "8", "--password", "Demo-2026-mat-khau")
    site.manage("anchor_timelines")
    archive = tmp_path / "older.tar"
    made = site.manage("backup", str(archive))
    sha = made.stdout.split("SHA-256")[-1].split()[-1]
    before = site.fingerprint()
    worked = _worked(site)
    site.manage("anchor_timelines")  # the work is anchored: the backup is now older

    restored = site.manage("restore", str(archive), "--noinput")  # exit status 0
    assert site.fingerprint() == before
    entry = _entries(site.anchor_log)[-1]
    assert entry["kind"] == "restore" and entry["n"] == 3
    assert entry["backup"]["sha256"] == sha == backup.file_sha256(archive)
    assert entry["backup"]["created_at"] == backup.read_archive(archive).manifest["created_at"]
    assert entry["rolled_back"] == [[task, count, count - 1] for task, count in worked]
    assert "2 nhiệm vụ bị lùi về bản sao lưu" in restored.stdout, restored.stdout
    for task, count in worked:
        assert f"Nhiệm vụ {task}: {count} sự kiện đã neo, khôi phục {count - 1}" in restored.stdout
    verified = site.manage("verify_timelines").stdout
    assert "dòng 3: khôi phục lúc" in verified and "2 nhiệm vụ mất 2 sự kiện" in verified
    assert sha in verified

    # Work goes on from the restored state; the next anchor and verification are clean.
    _worked(site)
    site.manage("anchor_timelines")
    site.manage("verify_timelines")

    # A spare machine with no anchor log at all: the restore starts one.
    spare = Site(tmp_path / "spare", spare_url)
    spare.anchor_log.mkdir(parents=True)  # an anchor log that cannot be written: said so
    failed = spare.manage("restore", str(archive), "--noinput", ok=False)
    assert failed.returncode != 0 and "không ghi được nhật ký neo" in failed.stderr
    spare.anchor_log.rmdir()
    spare.manage("restore", str(archive), "--noinput")
    (entry,) = _entries(spare.anchor_log)
    assert (entry["n"], entry["kind"], entry["rolled_back"]) == (1, "restore", [])
    assert len(entry["tasks"]) == len(before["tasks"])
    spare.manage("verify_timelines")


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite pass runs it (the file is engine-neutral)"
)
def test_restoring_an_older_backup_records_the_rollback_and_verifies(tmp_path):
    restore_story(
        tmp_path,
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        f"sqlite:///{tmp_path / 'spare' / 'var' / 'db.sqlite3'}",
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="DATABASE_URL=postgres://…")
def test_restoring_an_older_backup_records_the_rollback_and_verifies_on_postgresql(
    tmp_path, fresh_postgres_databases
):
    restore_story(tmp_path, *fresh_postgres_databases)


# --- A backup killed outright: the next one cleans up after it ------------------------------


def _age(path: Path, hours: float = 2) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment), follow_symlinks=False)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file system, not the engine")
def test_a_backup_killed_outright_is_cleaned_up_by_the_next_one(tmp_path):
    site = Site(tmp_path / "site", f"sqlite:///{tmp_path / 'site.sqlite3'}")
    site.manage("migrate", "-v", "0")
    site.media.mkdir(parents=True)
    big = site.media / "big.bin"
    with big.open("wb") as f:  # random, so that gzip is slow: the backup is killed midway
        for _ in range(96):
            f.write(os.urandom(1 << 20))
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "chidao.tar.gz"

    running = subprocess.Popen(
        [sys.executable, "manage.py", "backup", str(target)],
        cwd=ROOT, env=site.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    parts = []
    while time.monotonic() < deadline and running.poll() is None:
        parts = list(folder.glob(".chidao.tar.gz.*.part"))
        if parts and parts[0].stat().st_size > 256 * 1024:  # past the database, in the files
            break
        time.sleep(0.05)
    running.send_signal(signal.SIGKILL)
    running.wait()
    assert running.returncode == -signal.SIGKILL
    (work,) = folder.glob(".chidao-backup-*")
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([parts[0].name, work.name]) and not target.exists()
    big.unlink()

    # Less than an hour old: perhaps a backup still running elsewhere; kept.
    made = site.manage("backup", str(target)).stdout
    assert "Đã xóa" not in made
    assert sorted(p.name for p in folder.iterdir()) == sorted([*left, target.name])

    for leftover in (parts[0], work):
        _age(leftover)
    decoys = {
        ".other.tar.gz.abcdefgh.part": "file",  # another FILE's
        "chidao.tar.gz.abcdefgh.part": "file",  # not hidden
        ".chidao.tar.gz.abcdefgh.part.keep": "file",
        ".chidao-backup-keep": "folder",  # not tempfile's eight characters
        ".chidao-backup-young123": "young",  # the pattern, but recent
        ".chidao-backup-locked12": "locked",  # the pattern, old, but a backup holds it
        ".chidao-backup-symlink1": "link",  # the pattern, but a link
    }
    for name, kind in decoys.items():
        path = folder / name
        if kind == "file":
            path.write_text("keep")
        elif kind == "link":
            path.symlink_to(tmp_path)
        else:
            path.mkdir()
        if kind != "young":
            _age(path)
    with backup.held(folder / ".chidao-backup-locked12", directory=True):
        made = site.manage("backup", str(target), "--force").stdout

    names = ", ".join(sorted([parts[0].name, work.name]))
    assert f"Đã xóa những gì một lần sao lưu bị ngắt để lại ở đây: {names}." in made, made
    assert sorted(p.name for p in folder.iterdir()) == sorted([*decoys, target.name])
    assert backup.read_archive(target).manifest["media"]["files"] == 0
