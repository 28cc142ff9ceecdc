"""The import page: upload, dry run, columns, confirmation; who may open what."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from openpyxl import load_workbook

from chidao.directives.models import Task
from chidao.registers import progress
from chidao.registers.models import ImportState, RegisterImport
from chidao.registers.tests.conftest import build_messy

pytestmark = pytest.mark.django_db


def upload(client, org, data=None, name="so-theo-doi.xlsx", committee=None):
    file = io.BytesIO(data if data is not None else build_messy())
    file.name = name
    return client.post("/registers/", {"committee": (committee or org.province).pk, "file": file})


def test_the_menu_offers_the_import_to_the_office_only(client, org, people):
    client.force_login(people.specialist)
    assert 'href="/registers/"' in client.get("/").content.decode()
    client.force_login(people.unit_staff)
    assert 'href="/registers/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["unit_staff", "unit_head", "leader", "nobody"])
def test_others_are_refused_the_page_and_the_template(client, org, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/registers/").status_code == 403
    assert client.get("/registers/template.xlsx").status_code == 403
    assert upload(client, org).status_code == 403
    assert not RegisterImport.objects.exists()


def test_the_template_has_the_columns_an_example_and_notes(client, org, people):
    client.force_login(people.specialist)
    response = client.get("/registers/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet, notes = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Số, ký hiệu văn bản", "Ngày văn bản", "Loại văn bản"]
    assert "Đơn vị chủ trì" in header and "Thời hạn" in header
    assert sheet.cell(2, 1).value == "125/UBND-KT"
    assert sheet.cell(1, 1).comment is not None
    assert notes.cell(1, 1).value == "Cột"


def test_the_template_filled_in_is_read_back(client, org, people):
    client.force_login(people.specialist)
    book = load_workbook(io.BytesIO(client.get("/registers/template.xlsx").content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("Đơn vị chủ trì") + 1).value = "STC"
    sheet.cell(2, header.index("Đơn vị phối hợp") + 1).value = "Sở Y tế; UBND xã B"
    stream = io.BytesIO()
    book.save(stream)
    response = upload(client, org, stream.getvalue(), "mau.xlsx")
    record = RegisterImport.objects.get()
    assert response.status_code == 302, record.report
    assert record.report["valid"], record.report
    assert record.task_count == 1


def test_a_dry_run_shows_every_row_and_saves_nothing(client, org, people):
    client.force_login(people.specialist)
    response = upload(client, org)
    record = RegisterImport.objects.get()
    assert response.url == f"/registers/{record.pk}/"
    page = client.get(response.url).content.decode()
    assert "Đã đọc 5 dòng: sẽ tạo 4 nhiệm vụ của 2 văn bản." in page
    assert "Tham mưu phân bổ vốn đầu tư công" in page
    assert "Dòng tiêu đề: không có gì để nhập." in page
    assert "Nhập 4 nhiệm vụ" in page
    assert not Task.objects.exists()


def test_errors_name_the_row_the_column_and_why_and_block_the_import(client, org, people):
    bad = [5, "20/UBND-VX", "07/03/2026", "Về y tế", "Kiểm tra bệnh viện", "So Giao thong",
           None, "31/02/2026", "Đang thực hiện", None, None]  # fmt: skip
    client.force_login(people.specialist)
    upload(client, org, build_messy(bad_row=bad))
    record = RegisterImport.objects.get()
    page = client.get(f"/registers/{record.pk}/?only=errors").content.decode()
    assert "2 lỗi (ở 1 dòng)" in page
    assert 'data-row="12"' in page and 'data-row="7"' not in page
    assert "F (Đơn vị chủ trì)" in page and "“So Giao thong” không phải đơn vị" in page
    assert "H (Thời hạn)" in page and "“31/02/2026” không phải là ngày" in page
    response = client.post(f"/registers/{record.pk}/import/")
    assert response.status_code == 302
    assert not Task.objects.exists()
    record.refresh_from_db()
    assert record.state == ImportState.CHECKED


def test_confirming_imports_everything_and_shows_what_was_made(client, org, people):
    client.force_login(people.specialist)
    upload(client, org)
    record = RegisterImport.objects.get()
    response = client.post(f"/registers/{record.pk}/import/", follow=True)
    page = response.content.decode()
    assert "Đã nhập 4 nhiệm vụ của 2 văn bản." in page
    assert "12/UBND-KT" in page
    assert Task.objects.count() == 4
    assert client.post(f"/registers/{record.pk}/import/").status_code == 302
    assert Task.objects.count() == 4  # a second confirmation creates nothing


def test_a_column_is_chosen_on_the_page(client, org, people):
    client.force_login(people.specialist)
    upload(client, org)
    record = RegisterImport.objects.get()
    fields = {f"col_{c['index']}": c["field"] for c in record.report["columns"]}
    client.post(f"/registers/{record.pk}/columns/", {**fields, "col_5": ""})
    record.refresh_from_db()
    assert not record.report["valid"] and "Đơn vị chủ trì" in record.report["file_errors"][0]
    client.post(f"/registers/{record.pk}/columns/", {**fields, "col_5": "lead_unit"})
    record.refresh_from_db()
    assert record.report["valid"]


def test_another_committees_office_sees_nothing(client, org, people):
    client.force_login(people.specialist)
    upload(client, org)
    record = RegisterImport.objects.get()
    client.force_login(people.outsider)
    assert client.get(f"/registers/{record.pk}/").status_code == 404
    assert client.post(f"/registers/{record.pk}/import/").status_code == 404
    assert client.post(f"/registers/{record.pk}/discard/").status_code == 404
    assert client.post(f"/registers/{record.pk}/columns/", {}).status_code == 404
    assert not Task.objects.exists()
    assert RegisterImport.objects.get().state == ImportState.CHECKED


def test_a_committee_the_person_does_not_enter_for_is_refused(client, org, people):
    client.force_login(people.commune_specialist)
    response = upload(client, org, committee=org.province)
    assert response.status_code == 422
    assert not RegisterImport.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a register", "so.xlsx", "không phải bảng tính"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "so.xls", "Excel cũ (.xls)"),
        (b"Ghi ch\xfa;T\xecnh tr\xe1ng\n", "so.csv", "UTF-8"),  # Windows-1258
        (b"", "so.csv", "rỗng"),
        (b"MZ\x90\x00binary", "so.csv", "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_with_the_reason(
    client, org, people, data, name, message
):
    client.force_login(people.specialist)
    response = upload(client, org, data, name)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_setting_a_file_aside(client, org, people):
    client.force_login(people.specialist)
    upload(client, org)
    record = RegisterImport.objects.get()
    client.post(f"/registers/{record.pk}/discard/")
    record.refresh_from_db()
    assert record.state == ImportState.DISCARDED
    client.post(f"/registers/{record.pk}/import/")
    assert not Task.objects.exists()


def test_progress_is_read_back_only_by_its_owner(client, org, people):
    tell = progress.reporter(people.specialist, "abcdef12-3456")
    tell(250, 5000, "Đang kiểm tra các dòng")
    client.force_login(people.specialist)
    assert client.get("/registers/progress/abcdef12-3456/").json() == {
        "done": 250, "total": 5000, "step": "Đang kiểm tra các dòng",
    }  # fmt: skip
    client.force_login(people.division_head)
    assert client.get("/registers/progress/abcdef12-3456/").json() == {}


def test_progress_written_by_one_process_is_read_by_another(people):
    """The request that imports and the one that asks how far it has gone may be answered by
    two processes of the server (``make run`` starts several)."""
    progress.reporter(people.specialist, "abcdef12-7777")(40, 100, "Đang kiểm tra")
    code = (
        "import django; django.setup()\n"
        "from types import SimpleNamespace\n"
        "from chidao.registers import progress\n"
        f"print(progress.read(SimpleNamespace(pk={people.specialist.pk}), 'abcdef12-7777'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chidao.test_settings"}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert "'done': 40" in run.stdout and "'total': 100" in run.stdout
