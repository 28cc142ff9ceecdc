"""A report as a file: the content built once, then written in the format asked for."""

from django.utils import translation

from chidao.reports import content
from chidao.reports.document import Document

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write(document: Document, fmt: str, stream, base_url: str = "") -> None:
    from chidao.reports.writers import docx, pdf, xlsx

    {"docx": docx, "pdf": pdf, "xlsx": xlsx}[fmt].write(document, stream, base_url=base_url)


def make(request: content.Request, fmt: str, stream, base_url: str = "",
         language: str = "vi") -> Document:  # fmt: skip
    """Build the report and write it; returns its content (for its file name)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override(language):
        document = content.build(request)
        request.step(50, translation.gettext("Writing the file"))
        write(document, fmt, stream, base_url)
    return document
