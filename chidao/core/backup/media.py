"""The uploaded files, when they are on the file system (MEDIA_ROOT)."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage


def media_root() -> Path | None:
    """The directory of the uploaded files, or None when they live elsewhere (S3…)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


RESTORE_PREFIX = ".chidao-restore-"


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under ``root``, sorted; symbolic links are neither followed nor kept, nor
    the folders a restore killed midway left behind."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(RESTORE_PREFIX))
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def set_modes(folder: Path) -> None:
    file_mode = settings.FILE_UPLOAD_PERMISSIONS or 0o640
    directory_mode = settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o750
    for directory, _subdirectories, files in os.walk(folder):
        os.chmod(directory, directory_mode)
        for name in files:
            os.chmod(Path(directory) / name, file_mode)


def staging_folder(root: Path) -> Path:
    """A new empty folder on MEDIA_ROOT's file system, so that swapping is a rename: beside it,
    or inside it when it is a mount point (a volume of its own cannot be renamed)."""
    if os.path.ismount(root):
        return Path(tempfile.mkdtemp(dir=root, prefix=f"{RESTORE_PREFIX}new-"))
    root.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root.parent, prefix=f"{RESTORE_PREFIX}new-"))


def swap_in(new: Path, root: Path) -> None:
    """Put the folder ``new`` (from ``staging_folder``) in ``root``'s place; remove the old."""
    if new.parent == root:  # a mount point: its entries are swapped, not the folder
        old = Path(tempfile.mkdtemp(dir=root, prefix=f"{RESTORE_PREFIX}old-"))
        for entry in list(root.iterdir()):
            if entry not in (new, old):
                os.rename(entry, old / entry.name)
        for entry in list(new.iterdir()):
            os.rename(entry, root / entry.name)
        os.rmdir(new)
    else:
        old = None
        if root.exists():
            old = Path(tempfile.mkdtemp(dir=root.parent, prefix=f"{RESTORE_PREFIX}old-"))
            os.rmdir(old)
            os.rename(root, old)
        os.rename(new, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
