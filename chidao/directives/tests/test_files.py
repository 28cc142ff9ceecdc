"""Tệp đính kèm: files are recognised by their content, stored under a random name with their
Vietnamese name, size and SHA-256 kept, named on the timeline, and downloaded only by people who
may see the task."""

import datetime
import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chidao.directives import actions
from chidao.directives.models import Attachment, EventKind, State, Task, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.directives.timeline import verify

MORNING = datetime.datetime(2026, 3, 10, 2, tzinfo=datetime.UTC)  # 09:00 on 10/03/2026, Hà Nội


# --- Real small files of each kind ---------------------------------------------------------------
def pdf() -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    """One white pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"


def zipped(parts: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            # OpenDocument: the mimetype comes first, stored uncompressed.
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES_XML = '<?xml version="1.0"?><Types xmlns="{ns}"/>'.format(
    ns="http://schemas.openxmlformats.org/package/2006/content-types"
)
RELS_XML = '<?xml version="1.0"?><Relationships/>'


def docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "_rels/.rels": RELS_XML,
            "word/document.xml": "<w:document><w:body><w:p>Tờ trình</w:p></w:body></w:document>",
        }
    )


def xlsx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "_rels/.rels": RELS_XML,
            "xl/workbook.xml": "<workbook><sheets/></workbook>",
            "xl/worksheets/sheet1.xml": "<worksheet><sheetData/></worksheet>",
        }
    )


def odt() -> bytes:
    return zipped(
        {"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest/>"},
        mimetype="application/vnd.oasis.opendocument.text",
    )


def ods() -> bytes:
    return zipped(
        {"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest/>"},
        mimetype="application/vnd.oasis.opendocument.spreadsheet",
    )


def plain_zip() -> bytes:
    return zipped({"so_lieu.csv": "Đơn vị,Giải ngân\nSở Tài chính,45\n"})


def ole2() -> bytes:
    """The header of the container of legacy Word and Excel files."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\0\0"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Fixtures and helpers ------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def received(task, people):
    """The fixture task, received by Sở Tài chính: it may now post progress with files."""
    return actions.receive(people.unit_staff, task)


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def snapshot(task):
    """Everything a refused upload must leave as it was, the files on disk included."""
    return (
        Task.objects.values("state", "progress_percent", "event_count", "event_head").get(
            pk=task.pk
        ),
        TaskEvent.objects.count(),
        Attachment.objects.count(),
        media_files(),
    )


def post(people, task, *files):
    return actions.post_progress(people.unit_staff, task, "Đã hoàn thành dự thảo", 60, files=files)


def refused(people, task, *files) -> ValidationError:
    before = snapshot(task)
    with pytest.raises(ValidationError) as error:
        post(people, task, *files)
    assert snapshot(task) == before
    return error.value


# --- Each allowed kind is accepted and stored --------------------------------------------------
ALLOWED = [
    ("Báo cáo tiến độ quý I.pdf", pdf, "pdf"),
    ("Công văn gốc.doc", ole2, "doc"),
    ("Tờ trình phân bổ vốn.docx", docx, "docx"),
    ("Bảng cũ năm 2025.xls", ole2, "xls"),
    ("Bảng tổng hợp giải ngân.xlsx", xlsx, "xlsx"),
    ("Dự thảo quyết định.odt", odt, "odt"),
    ("Số liệu các xã.ods", ods, "ods"),
    ("Ảnh hiện trường.jpg", jpg, "jpg"),
    ("Sơ đồ mặt bằng.png", png, "png"),
    ("Hồ sơ kèm theo.zip", plain_zip, "zip"),
]


@pytest.mark.parametrize(("name", "make", "kind"), ALLOWED, ids=[k for _, _, k in ALLOWED])
def test_each_allowed_kind_is_stored_with_its_type_size_digest_and_vietnamese_name(
    received, people, name, make, kind
):
    content = make()

    post(people, received, upload(name, content))

    attachment = Attachment.objects.get()
    assert attachment.name == name
    assert attachment.file_type == kind
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.task, attachment.directive) == (received, received.directive)
    assert attachment.uploaded_by == people.unit_staff
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    # On disk under a random name: the user's name never reaches the filesystem.
    assert attachment.file.name.startswith(f"directives/{received.directive_id}/")
    assert Path(attachment.file.name).name != name and "." not in Path(attachment.file.name).name


def test_the_type_comes_from_the_content_not_the_name(received, people):
    post(people, received, upload("Ảnh chụp văn bản.jpg", png(), content_type="image/jpeg"))

    assert Attachment.objects.get().file_type == "png"


def test_a_report_of_completion_carries_its_files(received, people):
    content = pdf()

    task = actions.report_done(
        people.unit_head,
        received,
        result="Đã trình phương án phân bổ vốn",
        files=[upload("Báo cáo kết quả.pdf", content)],
    )

    assert task.state == State.REPORTED
    event = task.events.order_by("seq").last()
    assert event.kind == EventKind.REPORTED
    attachment = Attachment.objects.get()
    assert attachment.event == event
    assert event.data["files"] == [
        {
            "id": attachment.pk,
            "name": "Báo cáo kết quả.pdf",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    ]


def test_a_file_of_exactly_the_limit_is_accepted(received, people, settings):
    settings.CHIDAO_UPLOAD_MAX_MB = 1
    content = pdf().ljust(1024 * 1024, b" ")

    post(people, received, upload("Đúng giới hạn.pdf", content))

    assert Attachment.objects.get().size == 1024 * 1024


# --- Refused files write nothing ---------------------------------------------------------------
def test_a_windows_program_renamed_pdf_is_refused_and_nothing_is_written(received, people):
    error = refused(
        people,
        received,
        upload("Báo cáo tiến độ quý I.pdf", windows_exe(), content_type="application/pdf"),
    )

    assert error.code == "file_type"
    assert "Báo cáo tiến độ quý I.pdf" in error.messages[0]
    task = Task.objects.get(pk=received.pk)
    assert (task.state, task.progress_percent, task.event_count) == (State.RECEIVED, None, 2)


def test_an_html_page_named_docx_is_refused(received, people):
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

    error = refused(people, received, upload("Tờ trình.docx", page))

    assert error.code == "file_type"


def test_a_damaged_archive_is_refused(received, people):
    error = refused(people, received, upload("Hồ sơ.zip", b"PK\x03\x04" + b"\x00" * 60))

    assert error.code == "file_type"


def test_a_file_over_the_limit_is_refused(received, people, settings):
    settings.CHIDAO_UPLOAD_MAX_MB = 1
    content = pdf().ljust(1536 * 1024, b" ")

    error = refused(people, received, upload("Phụ lục lớn.pdf", content))

    assert error.code == "too_large"
    assert "Phụ lục lớn.pdf" in error.messages[0]


def test_an_empty_file_is_refused(received, people):
    error = refused(people, received, upload("Báo cáo.pdf", b""))

    assert error.code == "empty"


def test_when_one_of_two_files_is_bad_neither_is_stored(received, people):
    error = refused(
        people,
        received,
        upload("Báo cáo tiến độ quý I.pdf", pdf()),
        upload("Phụ lục.pdf", windows_exe()),
    )

    assert "Phụ lục.pdf" in error.messages[0]


def test_when_the_first_of_two_files_is_bad_neither_is_stored(received, people):
    refused(
        people,
        received,
        upload("Phụ lục.pdf", windows_exe()),
        upload("Báo cáo tiến độ quý I.pdf", pdf()),
    )


# --- Names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("/var/lib/chidao/media/Tờ trình.pdf", "Tờ trình.pdf"),
        ("Báo cáo\x00\r\n quý I.pdf", "Báo cáo quý I.pdf"),
    ],
)
def test_a_path_or_control_characters_in_the_name_are_dropped(received, people, given, kept):
    post(people, received, upload(given, pdf()))

    attachment = Attachment.objects.get()
    assert attachment.name == kept
    assert ".." not in attachment.file.name
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


# --- The timeline names the files -------------------------------------------------------------
def test_the_event_names_each_file_with_its_digest(received, people):
    report, table = pdf(), xlsx()

    task = post(
        people,
        received,
        upload("Báo cáo tiến độ quý I.pdf", report),
        upload("Bảng tổng hợp giải ngân.xlsx", table),
    )

    event = task.events.order_by("seq").last()
    assert event.kind == EventKind.PROGRESS
    files = event.data["files"]
    assert [(f["name"], f["size"], f["sha256"]) for f in files] == [
        ("Báo cáo tiến độ quý I.pdf", len(report), hashlib.sha256(report).hexdigest()),
        ("Bảng tổng hợp giải ngân.xlsx", len(table), hashlib.sha256(table).hexdigest()),
    ]
    attachments = Attachment.objects.order_by("pk")
    assert [f["id"] for f in files] == [a.pk for a in attachments]
    assert all(a.event == event for a in attachments)
    assert verify(Task.objects.get(pk=task.pk)) is None


# --- Download -----------------------------------------------------------------------------------
NAME = "Báo cáo tiến độ quý I.pdf"


@pytest.fixture
def attachment(received, people):
    post(people, received, upload(NAME, pdf()))
    return Attachment.objects.get()


def url(attachment):
    return reverse("directives:download", args=[attachment.pk])


@pytest.mark.parametrize("persona", ["unit_staff", "specialist", "other_staff"])
def test_people_who_see_the_task_download_the_exact_bytes_under_the_vietnamese_name(
    client, people, attachment, persona
):
    client.force_login(getattr(people, persona))

    response = client.get(url(attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(NAME)}"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf()


@pytest.mark.parametrize("persona", ["outsider", "commune_staff", "nobody"])
def test_people_who_do_not_see_the_task_are_told_it_does_not_exist(
    client, people, attachment, persona
):
    client.force_login(getattr(people, persona))

    assert client.get(url(attachment)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, attachment):
    response = client.get(url(attachment))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url(attachment)}"


def test_a_download_only_answers_get(client, people, attachment):
    client.force_login(people.unit_staff)

    assert client.post(url(attachment)).status_code == 405


def test_an_unknown_file_is_not_found(client, people, attachment):
    client.force_login(people.unit_staff)

    assert (
        client.get(reverse("directives:download", args=[attachment.pk + 1000])).status_code == 404
    )


def test_the_directives_own_document_is_downloaded_by_those_who_see_one_of_its_tasks(
    client, org, people
):
    scan = pdf()
    issue(
        people.specialist,
        org,
        people,
        actions.TaskSpec(
            content="Rà soát danh mục dự án",
            lead_unit=org.finance,
            deadline_date=datetime.date(2026, 3, 31),
        ),
        files=[upload("Công văn 123-UBND-KT.pdf", scan)],
    )
    document = Attachment.objects.get()
    assert document.task is None

    client.force_login(people.unit_staff)
    response = client.get(url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == scan

    client.force_login(people.outsider)
    assert client.get(url(document)).status_code == 404
