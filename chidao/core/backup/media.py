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


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under ``root``, sorted; symbolic links are neither followed nor kept."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
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


def swap_in(new: Path, root: Path) -> None:
    old = None
    if root.exists():
        old = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.old-"))
        os.rmdir(old)
        os.rename(root, old)
    os.rename(new, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
