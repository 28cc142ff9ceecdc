"""The archive: a tar of the database copy, the uploaded files and a manifest listing the size
and SHA-256 of every other member. Read completely and checked before anything is restored."""

import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "chidao-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or a failure, with a message ready for the operator (translated)."""


@dataclass
class Archive:
    """An archive whose every member matched the manifest when it was read."""

    path: Path
    manifest: dict
    members: dict[str, dict] = field(default_factory=dict)
    manifest_sha256: str = ""

    @property
    def database_member(self) -> str:
        return self.manifest["database"]["member"]


class _Hashing(io.RawIOBase):
    """Hashes what tarfile reads from a file, so each byte is read once."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def add_file(tar: tarfile.TarFile, name: str, path: Path, members: dict) -> None:
    with path.open("rb") as source:
        stat = os.fstat(source.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        hashing = _Hashing(source)
        tar.addfile(info, hashing)
    members[name] = {"sha256": hashing.digest.hexdigest(), "size": hashing.size}


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def write_mode(path: Path) -> str:
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


def safe_member_name(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return ".." not in parts and "." not in parts and name == "/".join(parts)


def read_archive(path: Path) -> Archive:
    """Read the whole archive and check it against its manifest before anything is touched:
    every member a regular file with a safe name, listed in the manifest with its size and
    SHA-256, and nothing listed missing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("The backup file %(path)s does not exist.") % {"path": path})
    found: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if not safe_member_name(member.name):
                    raise BackupError(
                        _("The backup holds a file outside its folder: %(name)s.")
                        % {"name": member.name}
                    )
                if not member.isfile():
                    raise BackupError(
                        _("The backup holds a link or special file: %(name)s.")
                        % {"name": member.name}
                    )
                if member.name in found or (member.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(_("The backup holds %(name)s twice.") % {"name": member.name})
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read(256 * CHUNK)
                    continue
                digest, size = hashlib.sha256(), 0
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                found[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(
            _("The backup file is damaged or not a backup: %(error)s") % {"error": error}
        ) from None
    if manifest_bytes is None:
        raise BackupError(_("The backup has no manifest: it is not a backup of this system."))
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(_("The backup's manifest cannot be read.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("The backup has no manifest: it is not a backup of this system."))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _("The backup is in format %(version)s, which this version cannot read.")
            % {"version": manifest.get("version")}
        )
    if not _well_formed(manifest):
        raise BackupError(_("The backup's manifest cannot be read."))
    listed = manifest["members"]
    damaged = sorted(
        name for name in set(listed) | set(found) if listed.get(name) != found.get(name)
    )
    if damaged:
        raise BackupError(
            _("The backup is damaged: %(names)s does not match its manifest.")
            % {"names": ", ".join(damaged[:5])}
        )
    if manifest.get("database", {}).get("member") not in found:
        raise BackupError(_("The backup holds no database."))
    return Archive(path, manifest, found, hashlib.sha256(manifest_bytes).hexdigest())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _well_formed(manifest: dict) -> bool:
    """The fields a restore reads have the types it expects (the manifest is data from outside)."""

    def mapping(value, kinds) -> bool:
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, kinds) for k, v in value.items()
        )

    return (
        isinstance(manifest.get("engine"), str)
        and isinstance(manifest.get("created_at"), str)
        and isinstance(manifest.get("database"), dict)
        and isinstance(manifest["database"].get("member"), str)
        and isinstance(manifest["database"].get("pg_dump", 0), int)
        and mapping(manifest.get("migrations"), str)
        and mapping(manifest.get("counts"), int)
        and isinstance(manifest.get("media"), dict)
        and mapping(manifest.get("members"), dict)
    )


def extract(archive: Archive, wanted: Callable[[str], Path | None]) -> None:
    """Write the members ``wanted`` maps to a path, hashing them again as they are written: the
    file may have changed since it was read."""
    try:
        _extract(archive, wanted)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(
            _("The backup file is damaged or not a backup: %(error)s") % {"error": error}
        ) from None


def _extract(archive: Archive, wanted: Callable[[str], Path | None]) -> None:
    with tarfile.open(archive.path, "r:*") as tar:
        for member in tar:
            target = wanted(member.name)
            if target is None:
                continue
            if member.name not in archive.members or not member.isfile():
                raise BackupError(_("The backup changed while it was being restored."))
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            with target.open("xb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != archive.members[member.name]["sha256"]:
                raise BackupError(_("The backup changed while it was being restored."))
