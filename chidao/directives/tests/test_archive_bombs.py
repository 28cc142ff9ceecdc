"""No upload can exhaust the server: archives (zip, and the Office files that are zips) are judged
by their central directory with hard caps, and a body too large is refused before it is read."""

import io
import re
import socket
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.urls import reverse
from django.utils import translation

from chidao.directives import actions, filetypes
from chidao.directives.actions.files import check_upload
from chidao.directives.models import Attachment
from chidao.directives.tests.test_files import refused, upload, xlsx

MB = 1024 * 1024


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """``size`` zero bytes deflated (raw, as a zip member holds them), and their CRC-32."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    parts, crc = [], 0
    for _ in range(size // MB):
        parts.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(packer.flush())
    return b"".join(parts), crc


def one_member_zip(name: str, size: int) -> bytes:
    """A zip of one member of ``size`` zero bytes, written without ever holding them."""
    data, crc = deflated_zeros(size)
    return handmade_zip([(name, data, crc, size)])


def handmade_zip(members, copies: int = 1) -> bytes:
    """A zip written byte by byte: each member once in the file, named ``copies`` times in the
    central directory (the "overlapping" bomb: every name points at the same data)."""
    body, directory, count = io.BytesIO(), io.BytesIO(), 0
    for name, data, crc, size in members:
        offset = body.tell()
        encoded = name.encode()
        body.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data),
                               size, len(encoded), 0))  # fmt: skip
        body.write(encoded + data)
        for copy in range(copies):
            alias = encoded if copy == 0 else f"{copy}/{name}".encode()
            entry = (20, 20, 0, 8, 0, 0, crc, len(data), size, len(alias), 0, 0, 0, 0, 0, offset)
            directory.write(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *entry))
            directory.write(alias)
            count += 1
    start, listing = body.tell(), directory.getvalue()
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                      len(listing), start, 0)  # fmt: skip
    return body.getvalue() + listing + end


def many_members_zip(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(count):
            archive.writestr(f"{n}.txt", "")
    return buffer.getvalue()


@pytest.fixture
def received(task, people):
    return actions.receive(people.unit_staff, task)


@pytest.fixture(scope="module")
def gigabyte_mimetype():
    """The probe's file: an OpenDocument whose ``mimetype`` is 1,000 MiB of zeros, under 1 MiB."""
    return one_member_zip("mimetype", 1000 * MB)


def judged(content: bytes, name: str = "tep.zip"):
    """What the upload check says of ``content``, and the peak memory it took (bytes)."""
    tracemalloc.start()
    try:
        try:
            outcome = check_upload(upload(name, content))
        except Exception as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_gigabyte_mimetype_is_refused_without_being_expanded(gigabyte_mimetype):
    assert len(gigabyte_mimetype) < MB
    with translation.override("vi"):
        outcome, peak = judged(gigabyte_mimetype, "Dự thảo.odt")
    assert outcome.code == "archive"
    assert outcome.messages == [
        "Dự thảo.odt bị từ chối: tệp nén này khi giải nén sẽ thành 1.000 MB, quá 100 MB."
    ]
    assert peak < 4 * MB  # the archive itself (under 1 MiB) is the largest thing held


@pytest.mark.parametrize("copies", [300, 2])
def test_an_archive_naming_the_same_data_many_times_is_refused(copies):
    """Fifield's non-recursive bomb: 300 names for one 1 MiB member is 300 MiB expanded; two
    names for it is still more than a hundred times the archive."""
    data, crc = deflated_zeros(MB)
    bomb = handmade_zip([("a.xml", data, crc, MB)], copies=copies)
    outcome, peak = judged(bomb)
    assert isinstance(outcome, Exception)
    assert outcome.code == "archive"
    assert peak < 4 * MB


def test_more_than_a_thousand_members_are_refused_and_a_thousand_accepted():
    with translation.override("vi"):
        outcome, _peak = judged(many_members_zip(1001))
    assert outcome.messages == ["tep.zip bị từ chối: tệp nén này chứa 1.001 tệp, quá 1.000 tệp."]
    assert judged(many_members_zip(1000))[0] == filetypes.ZIP


def test_a_directory_of_a_hundred_thousand_entries_is_refused_before_it_is_read():
    """Every entry the directory holds would become an object in memory, whatever count the
    archive declares: refused by the directory's size alone."""
    bomb = many_members_zip(100_000)
    assert len(bomb) < 20 * MB  # within the upload limit
    outcome, peak = judged(bomb)
    assert outcome.code == "archive"
    assert peak < 2 * len(bomb) + MB  # the upload's own copy, and no entry objects


def test_a_ratio_above_a_hundred_is_refused_below_the_size_cap():
    bomb = one_member_zip("bang.xml", 50 * MB)  # 50 MiB: under the 100 MB cap, ~1000:1
    with translation.override("vi"):
        outcome, _peak = judged(bomb, "Bảng.xlsx")
    assert outcome.code == "archive"
    ratio = re.search(r"gấp ([\d.]+) lần", outcome.messages[0]).group(1)
    assert int(ratio.replace(".", "")) > 1000


def test_real_documents_and_small_compressible_files_pass():
    assert judged(xlsx(), "Bảng.xlsx")[0] == filetypes.XLSX
    # Half a megabyte of blank cells compresses far more than 100 times, and harms no one.
    assert judged(one_member_zip("trang.xml", MB // 2))[0] == filetypes.ZIP
    # A real spreadsheet's text: a few times smaller, whatever its size.
    rows = (f"<row r='{n}'><c t='s'><v>{n * 7919 % 10007}</v></c></row>" for n in range(90000))
    text = "".join(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", text)
    assert len(text) > 3 * MB
    assert judged(buffer.getvalue(), "Số liệu.xlsx")[0] == filetypes.XLSX


def test_a_bomb_sent_with_a_progress_report_is_refused_and_nothing_is_written(
    received,
    people,
    gigabyte_mimetype,
):
    with translation.override("vi"):
        error = refused(people, received, upload("Hồ sơ.zip", gigabyte_mimetype))
    assert "Hồ sơ.zip bị từ chối" in error.messages[0]


def test_the_form_shows_the_refusal_in_vietnamese(client, people, received, gigabyte_mimetype):
    client.force_login(people.unit_staff)
    url = reverse("directives:step", args=[received.pk, "update"])
    response = client.post(
        url,
        {
            "update-text": "Đã xong dự thảo",
            "update-percent": 60,
            "update-files": upload("Hồ sơ.zip", gigabyte_mimetype),
        },
    )
    assert response.status_code == 422
    assert "Hồ sơ.zip bị từ chối: tệp nén này khi giải nén sẽ thành 1.000 MB" in response.text
    assert not Attachment.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_in_vietnamese_before_it_is_read(
    client,
    people,
    received,
    settings,
):
    settings.CHIDAO_REQUEST_MAX_MB = 1
    client.force_login(people.unit_staff)
    url = reverse("directives:step", args=[received.pk, "update"])
    big = upload("Ảnh.png", b"\x89PNG\r\n\x1a\n" + bytes(2 * MB))
    response = client.post(url, {"update-text": "Ảnh hiện trường", "update-files": big})
    assert response.status_code == 413
    assert "lớn hơn 1 MB" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("declared", ["abc", "-5", ""])
def test_a_malformed_length_is_not_refused_by_the_limit(client, people, declared):
    """Only a declared length over the limit is refused here; a malformed one is the server's
    and Django's to judge, and the page still answers."""
    client.force_login(people.unit_staff)
    response = client.get(reverse("home"), CONTENT_LENGTH=declared)
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_server_answers_413_to_a_declared_gigabyte_without_waiting_for_it(live_server):
    """Only the headers are sent: a server that read the body first would never answer."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /login/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 10737418240\r\n\r\n"
        )
        head = sock.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413")
