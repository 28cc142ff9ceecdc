"""The SQLite database is readable by the app's owner only (uploads: FILE_UPLOAD_PERMISSIONS).

SQLite creates its file with the process's umask (often 0644) and gives its -wal and -shm files
the database file's own mode. So at each new connection the database file, its -wal and -shm, and
the project's own data directory (VAR_DIR, never a directory an administrator chose) lose every
group and other permission: an existing installation is tightened at its next start, and the
-wal and -shm files SQLite creates later inherit 0600.
"""

import stat
from pathlib import Path

from django.conf import settings


def owner_only(path: Path) -> None:
    """Drop the group's and others' permissions of ``path`` (0644 -> 0600, 0755 -> 0700)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        path.chmod(mode & ~0o077)


def restrict_sqlite_files(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the database file, its -wal and -shm owner-only."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    database = Path(connection.settings_dict["NAME"]).resolve()
    if database.parent == Path(settings.VAR_DIR).resolve():
        owner_only(database.parent)
    for suffix in ("", "-wal", "-shm"):
        owner_only(database.with_name(database.name + suffix))
