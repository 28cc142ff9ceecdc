"""A register written by LibreOffice: a .csv typed with Vietnamese dates, converted to .xlsx by
``soffice --headless --convert-to xlsx`` (its dates become real spreadsheet dates), then
imported; and the same .csv imported as it is."""

import csv
import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from chidao.directives.models import State, Task
from chidao.registers import actions
from chidao.registers.reading import read

pytestmark = pytest.mark.django_db

ROWS = [
    ["STT", "Số, ký hiệu văn bản", "Ngày ban hành", "Trích yếu", "Nội dung nhiệm vụ",
     "Cơ quan chủ trì", "Cơ quan phối hợp", "Hạn xử lý", "Trạng thái", "Ngày hoàn thành"],
    ["1", "301/UBND-KT", "02/03/2026", "Về vốn đầu tư công", "Phân bổ vốn", "So Tai chinh",
     "So Y te", "20/03/2026", "Đã hoàn thành", "18/03/2026"],
    ["", "", "", "", "", "", "", "", "", ""],
    ["2", "301/UBND-KT", "02/03/2026", "Về vốn đầu tư công", "Báo cáo giải ngân", "Sở Y tế",
     "", "5 ngày làm việc", "Hoàn thành chậm", "16/03/2026"],
    ["3", "42/KH-UBND", "10/04/2026", "Kế hoạch phòng dịch", "Tuyên truyền phòng dịch",
     "UBND xa B", "", "Thường xuyên", "Đang triển khai", ""],
]  # fmt: skip


def write_csv(path):
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(ROWS)
    return path


def test_a_register_converted_by_libreoffice_is_imported(tmp_path, org, people):
    soffice = shutil.which("soffice")
    if soffice is None or not list(Path("/usr/lib/libreoffice/program").glob("libsclo.so")):
        pytest.fail("LibreOffice Calc is needed: apt-get install libreoffice-calc-nogui")
    source = write_csv(tmp_path / "so-theo-doi.csv")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            # Comma, double quotes, UTF-8 (76), from line 1, Vietnamese (1066): 02/03/2026 is
            # the 2nd of March, stored as a date.
            "--infilter=CSV:44,34,76,1,,1066",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    converted = tmp_path / "so-theo-doi.xlsx"
    data = converted.read_bytes()
    sheet = read(io.BytesIO(data), converted.name)
    dates = [cells[2] for _n, cells in sheet.rows[1:]]
    assert all(isinstance(d, datetime.datetime) for d in dates), dates  # real dates now
    record = actions.upload(people.specialist, org.province, io.BytesIO(data), converted.name)
    assert record.report["valid"], record.report
    actions.import_register(people.specialist, record)
    first, second, third = Task.objects.order_by("pk")
    assert first.directive == second.directive and first.directive.reference == "301/UBND-KT"
    assert first.directive.issued_on == datetime.date(2026, 3, 2)
    assert (first.state, first.completed_on, first.deadline) == (
        State.DONE, datetime.date(2026, 3, 18), datetime.date(2026, 3, 20),
    )  # fmt: skip
    assert second.deadline == datetime.date(2026, 3, 9)  # 5 working days from 02/03
    assert second.completed_on > second.deadline
    assert (third.lead_unit, third.state, third.deadline) == (org.commune_b, State.IN_PROGRESS,
                                                             None)  # fmt: skip
    assert third.directive.kind == "plan"


def test_the_same_register_as_csv_is_imported(tmp_path, org, people):
    data = write_csv(tmp_path / "so.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8" writes the byte order mark
    preview = actions.check(org.province, io.BytesIO(data), "so.csv")
    assert preview.is_valid
    assert [t.row for t in preview.tasks] == [2, 4, 5]  # row 3 is empty


def test_a_semicolon_csv_without_the_byte_order_mark_is_read(tmp_path, org, people):
    path = tmp_path / "so.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows(ROWS)
    preview = actions.check(org.province, io.BytesIO(path.read_bytes()), "so.csv")
    assert preview.is_valid and len(preview.tasks) == 3
