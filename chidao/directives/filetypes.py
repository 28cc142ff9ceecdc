"""Which files may be attached, recognised by their content, never by their name.

A ``.exe`` renamed ``report.pdf`` starts with ``MZ``, not ``%PDF-``, and is refused. Office files
are containers: OOXML (docx, xlsx) and OpenDocument (odt, ods) are ZIP archives told apart by
their inner parts; legacy doc and xls share the OLE2 container and are accepted as what their
name says, since OLE2 holds nothing else we allow.
"""

import zipfile

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
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
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
    except zipfile.BadZipFile:
        return None
