"""What a backup killed outright (SIGKILL, a power cut) leaves beside FILE, removed by the next
backup to the same place: the hidden archive ``.FILE.XXXXXXXX.part`` and the work folder
``.chidao-backup-XXXXXXXX`` (``tempfile``'s eight random characters).

Only names of exactly that pattern, older than ``MIN_AGE``, and not locked: a running backup
holds an exclusive ``flock`` on both, which its death releases.
"""

import contextlib
import datetime
import fcntl
import os
import re
import shutil
import stat
import time
from pathlib import Path

MIN_AGE = datetime.timedelta(hours=1)
WORK_PREFIX = ".chidao-backup-"
_RANDOM = r"[a-z0-9_]{8}"  # tempfile's alphabet and length


def part_prefix(target: Path) -> str:
    return f".{target.name}."


@contextlib.contextmanager
def held(path: Path, directory: bool = False):
    """Mark a file or folder as in use by this backup while the block runs."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove(target: Path, min_age: datetime.timedelta = MIN_AGE) -> list[str]:
    """Remove the leftovers of interrupted backups to ``target``; the names removed."""
    part = re.compile(re.escape(part_prefix(target)) + _RANDOM + r"\.part")
    work = re.compile(re.escape(WORK_PREFIX) + _RANDOM)
    cutoff = time.time() - min_age.total_seconds()
    removed = []
    for entry in sorted(os.scandir(target.parent), key=lambda e: e.name):
        is_part = part.fullmatch(entry.name) is not None
        if not is_part and work.fullmatch(entry.name) is None:
            continue
        info = entry.stat(follow_symlinks=False)
        wanted = stat.S_ISREG if is_part else stat.S_ISDIR
        if not wanted(info.st_mode) or info.st_mtime > cutoff or _in_use(entry.path, is_part):
            continue
        if is_part:
            os.unlink(entry.path)
        else:
            shutil.rmtree(entry.path)
        removed.append(entry.name)
    return removed


def _in_use(path: str, is_file: bool) -> bool:
    flags = os.O_RDONLY | os.O_NOFOLLOW | (0 if is_file else os.O_DIRECTORY)
    try:
        fd = os.open(path, flags)
    except OSError:
        return True  # gone meanwhile, or not ours to judge
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
