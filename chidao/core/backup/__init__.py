"""Backup and restore of the whole installation, with the tamper-evident timelines intact.

``dumpdata``/``loaddata`` go through JSON, which keeps event times to the millisecond only, so
restored events no longer hash to their stored hash. These copy the database as the engine
stores it instead — SQLite's online backup API, ``pg_dump --format=custom`` — together with the
uploaded files, in one tar archive (gzip when FILE ends in ``.gz`` or ``.tgz``):

    database.sqlite3 | database.pgdump   the database, consistent at one instant
    media/…                              every file under MEDIA_ROOT (file-system storage only)
    manifest.json                        format, engine, time, migration state, row counts,
                                         size and SHA-256 of every other member (written last)

SECRET_KEY, the timeline keys and the anchor log are not in the archive: kept apart on purpose
(whoever holds a backup must not be able to re-sign history, nor a restore roll anchors back).
"""

import contextlib
import datetime
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from .archive import (
    FORMAT,
    MANIFEST,
    MEDIA_PREFIX,
    VERSION,
    Archive,
    BackupError,
    add_bytes,
    add_file,
    extract,
    file_sha256,
    read_archive,
    write_mode,
)
from .databases import (
    DATABASE_MEMBER,
    check_database_copy,
    compare_counts,
    dump_postgresql,
    dump_sqlite,
    engine,
    migration_state,
    pg_major,
    pg_program,
    restore_postgresql,
    restore_sqlite,
)
from .leftovers import WORK_PREFIX, held, part_prefix
from .leftovers import remove as remove_leftovers
from .media import media_files, media_root, set_modes, staging_folder, swap_in

__all__ = [
    "MANIFEST",
    "Archive",
    "BackupError",
    "BackupResult",
    "backup",
    "check_compatible",
    "compare_counts",
    "describe_target",
    "file_sha256",
    "read_archive",
    "restore",
]


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict


def backup(
    target: Path, *, force: bool = False, log: Callable[[str], None] = print
) -> BackupResult:
    """Write the archive to a hidden file beside ``target``, check it, then move it into place,
    so ``target`` is either the old file, nothing, or a complete checked backup.

    1. The database, copied at one instant (before the files: an attachment is never deleted,
       so every file the copy names is still there when the files are read).
    2. The uploaded files, when they are on the file system.
    3. The manifest, written last with the hash of every member.
    4. The archive is read back: every hash, and the database copy opens.
    """
    target = Path(target).absolute()
    if target.is_dir():
        raise BackupError(_("%(path)s is a folder: give the name of a file.") % {"path": target})
    if target.exists() and not force:
        raise BackupError(
            _("%(path)s already exists: choose another name or add --force to replace it.")
            % {"path": target}
        )
    if not target.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": target.parent})
    vendor = engine()
    if removed := remove_leftovers(target):
        log(
            _("Removed what an interrupted backup left here: %(names)s.")
            % {"names": ", ".join(removed)}
        )
    descriptor, partial_name = tempfile.mkstemp(
        dir=target.parent, prefix=part_prefix(target), suffix=".part"
    )  # created 0600: the archive holds every record and every file
    partial = Path(partial_name)
    try:
        with (
            held(partial),
            os.fdopen(descriptor, "wb") as raw,
            tempfile.TemporaryDirectory(dir=target.parent, prefix=WORK_PREFIX) as work,
            held(Path(work), directory=True),
        ):
            manifest = _write(raw, write_mode(target), vendor, Path(work), log)
            raw.flush()
            os.fsync(raw.fileno())
            archive = read_archive(partial)
            check_database_copy(archive, Path(work))
        log(_("Backup checked: every file matches its hash and the database opens."))
        _move_into_place(partial, target, force)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(target, target.stat().st_size, file_sha256(target), manifest)


def _write(raw, mode: str, vendor: str, work: Path, log: Callable[[str], None]) -> dict:
    members: dict[str, dict] = {}
    created = timezone.now()
    database_name = DATABASE_MEMBER[vendor]
    copy = work / database_name
    versions = {}
    if vendor == "sqlite":
        counts, migrations = dump_sqlite(copy)
    else:
        counts, migrations, versions = dump_postgresql(copy)
    with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tar:
        add_file(tar, database_name, copy, members)
        copy.unlink()
        log(_("Database copied: %(rows)s rows.") % {"rows": sum(counts.values())})
        root = media_root()
        if root is None:
            media = {
                "included": False,
                "storage": f"{type(default_storage).__module__}.{type(default_storage).__name__}",
            }
            log(
                _(
                    "The uploaded files are in object storage (%(storage)s), not in the backup: "
                    "keep them with the storage's own versioning."
                )
                % {"storage": media["storage"]}
            )
        else:
            files = size = 0
            if root.is_dir():
                for relative, path in media_files(root):
                    add_file(tar, MEDIA_PREFIX + relative, path, members)
                    files += 1
                    size += members[MEDIA_PREFIX + relative]["size"]
            media = {"included": True, "files": files, "bytes": size}
            log(_("Uploaded files copied: %(files)s files.") % {"files": files})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": created.astimezone(datetime.UTC).isoformat(),
            "engine": vendor,
            "database": {"member": database_name, **versions},
            "migrations": migrations,
            "counts": counts,
            "media": media,
            "members": members,
        }
        add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


def _move_into_place(partial: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(partial, target)
    else:
        try:
            # A hard link fails if someone made ``target`` meanwhile: nothing is overwritten.
            os.link(partial, target)
        except FileExistsError:
            raise BackupError(
                _("%(path)s already exists: choose another name or add --force to replace it.")
                % {"path": target}
            ) from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise
            os.replace(partial, target)
        else:
            partial.unlink()
    with contextlib.suppress(OSError):
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def check_compatible(archive: Archive) -> list[str]:
    """Refuse an archive this installation cannot take; return notes for the operator."""
    vendor = engine()
    made_on = archive.manifest.get("engine")
    if made_on != vendor:
        raise BackupError(
            _(
                "The backup was made on %(archive)s and this installation runs on %(here)s: "
                "restore it on the same database engine."
            )
            % {"archive": made_on, "here": vendor}
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(
        f"{app}.{name}"
        for app, name in archive.manifest.get("migrations", {}).items()
        if (app, name) not in known
    )
    if newer:
        raise BackupError(
            _(
                "The backup was made by a newer version of the software (migrations %(names)s): "
                "install that version first, then restore."
            )
            % {"names": ", ".join(newer[:5])}
        )
    notes = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        current = migration_state(cursor, set(tables))
    behind = [
        app
        for app, name in current.items()
        if name > archive.manifest.get("migrations", {}).get(app, "")
    ]
    if behind:
        notes.append(
            _("The backup is older than this version: run manage.py migrate after the restore.")
        )
    if vendor == "postgresql":
        pg_restore = pg_program("pg_restore")
        client = pg_major(pg_restore)
        dumped_by = archive.manifest["database"].get("pg_dump", 0)
        if client < dumped_by:
            raise BackupError(
                _(
                    "pg_restore %(client)s cannot read a dump of pg_dump %(dumped)s: install the "
                    "Debian package postgresql-client-%(dumped)s."
                )
                % {"client": client, "dumped": dumped_by}
            )
    return notes


def describe_target() -> str:
    """The database and the folder a restore replaces, for the confirmation question."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        where = str(db["NAME"])
    else:
        where = f"{db['NAME']} ({db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432})"
    root = media_root()
    return _("the database %(database)s (%(engine)s) and the uploaded files in %(media)s") % {
        "database": where,
        "engine": connection.vendor,
        "media": root if root is not None else _("object storage (not touched)"),
    }


def restore(archive: Archive, *, log: Callable[[str], None] = print) -> None:
    """Replace the database and the uploaded files with the archive's (already read and
    checked by ``read_archive`` and ``check_compatible``).

    1. The uploaded files are written to a new folder beside MEDIA_ROOT (nothing replaced yet).
    2. The database is replaced in one transaction (a failure leaves the old one whole).
    3. The new folder of files takes MEDIA_ROOT's place; the old one is removed.
    """
    root = media_root()
    media_included = archive.manifest.get("media", {}).get("included", False)
    staged_media = None
    try:
        if root is not None and media_included:
            staged_media = staging_folder(root)
            extract(
                archive,
                lambda name: staged_media / name[len(MEDIA_PREFIX):]
                if name.startswith(MEDIA_PREFIX) else None,
            )  # fmt: skip
            set_modes(staged_media)
        if archive.manifest["engine"] == "sqlite":
            restore_sqlite(archive)
        else:
            restore_postgresql(archive)
        log(_("Database restored."))
        if staged_media is not None:
            swap_in(staged_media, root)
            staged_media = None
            log(_("Uploaded files restored: %(files)s files.") % {
                "files": archive.manifest["media"]["files"]})  # fmt: skip
        elif root is None:
            log(_("The uploaded files are in object storage: they were not touched."))
        else:
            log(_("The backup holds no uploaded files: the folder was not touched."))
    finally:
        if staged_media is not None:
            shutil.rmtree(staged_media, ignore_errors=True)
