"""Which files may be attached, recognised by their content, never by their name.

A ``.exe`` renamed ``report.pdf`` starts with ``MZ``, not ``%PDF-``, and is refused. Office files
are containers: OOXML (docx, xlsx) and OpenDocument (odt, ods) are ZIP archives told apart by
their inner parts; legacy doc and xls share the OLE2 container and are accepted as what their
name says, since OLE2 holds nothing else we allow.

An archive is judged by its central directory, never expanded: one that would expand beyond
``MAX_EXPANDED`` bytes, holds more than ``MAX_MEMBERS`` files or expands more than ``MAX_RATIO``
times its size (a "zip bomb") is refused. The directory's sizes can be trusted for this: Python's
``zipfile`` never yields more bytes than a member declares. The one member read (``mimetype``) is
read with a bound.
"""

import struct
import zipfile

from django.utils.formats import number_format
from django.utils.translation import gettext as _

PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG, ZIP = (
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "png", "zip",
)  # fmt: skip

ALLOWED = (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG, ZIP)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOC: "application/msword",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLS: "application/vnd.ms-excel",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ODT: "application/vnd.oasis.opendocument.text",
    ODS: "application/vnd.oasis.opendocument.spreadsheet",
    JPG: "image/jpeg",
    PNG: "image/png",
    ZIP: "application/zip",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAX_MEMBERS = 1000
MB = 1024 * 1024
MAX_EXPANDED = 100 * MB
MAX_RATIO = 100
# Below this, a high ratio harms no one (a page of blank cells compresses a thousand times).
RATIO_FLOOR = MB
END_RECORD = 22  # the end of central directory record, without its comment
MAX_ENTRY = 1024  # bytes of central directory per member: 46, its name and extra fields


class RefusedError(Exception):
    """A file of an allowed kind refused for what it holds; the message says why, in the
    person's language."""


def detect(file, name: str) -> str | None:
    """The allowed type of ``file`` (a binary file object, rewound afterwards), or None."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\xff\xd8\xff"):
            return JPG
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(OLE2):
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            return suffix if suffix in (DOC, XLS) else DOC
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return _zip_kind(file)
        return None
    finally:
        file.seek(0)


def _zip_kind(file) -> str | None:
    try:
        _check_directory(file)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_expansion(members, _size_of(file))
            names = {member.filename for member in members}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                if mimetype == CONTENT_TYPES[ODT]:
                    return ODT
                if mimetype == CONTENT_TYPES[ODS]:
                    return ODS
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
            return ZIP
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError):
        return None  # damaged, or its mimetype encrypted or packed in a way we do not read


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _size_of(file) -> int:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def _check_directory(file) -> None:
    """Refuse a central directory too large to hold ``MAX_MEMBERS`` entries before it is parsed:
    ``zipfile`` reads every entry it holds, whatever count the archive declares, so a few MB of
    empty entries would cost hundreds of MB of memory."""
    size = _size_of(file)
    file.seek(max(0, size - END_RECORD - 65535))  # the record, then at most a 64 KiB comment
    tail = file.read()
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < END_RECORD:
        return  # not found: zipfile refuses the archive as damaged
    (directory_size,) = struct.unpack("<I", tail[at + 12 : at + 16])
    if directory_size > MAX_MEMBERS * MAX_ENTRY:
        raise RefusedError(_("it holds more than %(max)s files.") % {"max": _number(MAX_MEMBERS)})


def _check_expansion(members: list[zipfile.ZipInfo], size: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise RefusedError(
            _("it holds %(count)s files, more than %(max)s.")
            % {"count": _number(len(members)), "max": _number(MAX_MEMBERS)}
        )
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_EXPANDED:
        raise RefusedError(
            _("it would expand to %(mb)s MB, more than %(max)s MB.")
            % {"mb": _number(expanded // MB), "max": _number(MAX_EXPANDED // MB)}
        )
    if expanded > RATIO_FLOOR and expanded > MAX_RATIO * max(size, 1):
        raise RefusedError(
            _("it would expand %(ratio)s times its size, more than %(max)s times.")
            % {"ratio": _number(expanded // max(size, 1)), "max": MAX_RATIO}
        )
