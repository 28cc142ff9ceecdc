"""manage.py import_register: the dry run printed by row and column, saved only with --commit."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chidao.directives.models import Task, TaskEvent
from chidao.registers.models import ImportState, RegisterImport
from chidao.registers.tests.conftest import build_messy

pytestmark = pytest.mark.django_db
BAD = [5, "20/UBND-VX", "07/03/2026", "Về y tế", "Kiểm tra bệnh viện", "So Giao thong", None,
       "31/02/2026", "Đang thực hiện", None, None]  # fmt: skip


@pytest.fixture
def province(org):
    org.province.admin_code = "99"
    org.province.save()
    return org.province


def run(path, *args):
    return call_command("import_register", str(path), "--committee", "99", *args)


def test_the_dry_run_prints_the_preview_and_saves_nothing(tmp_path, province, people, capsys):
    path = tmp_path / "so.xlsx"
    path.write_bytes(build_messy())
    run(path, "--as", "specialist")
    out = capsys.readouterr().out
    assert "Đã đọc 5 dòng; sẽ tạo 4 nhiệm vụ của 2 văn bản; 0 lỗi." in out
    assert "Chưa lưu gì: chạy lại với --commit để nhập." in out
    assert not Task.objects.exists() and not RegisterImport.objects.exists()


def test_errors_by_row_and_column_exit_with_status_1(tmp_path, province, people, capsys):
    path = tmp_path / "so.xlsx"
    path.write_bytes(build_messy(bad_row=BAD))
    with pytest.raises(SystemExit) as exit_:
        run(path, "--as", "specialist", "--commit")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "Dòng 12, F (Đơn vị chủ trì): “So Giao thong” không phải đơn vị" in out
    assert "Dòng 12, H (Thời hạn): “31/02/2026” không phải là ngày" in out
    assert not Task.objects.exists()
    with pytest.raises(SystemExit):
        run(path, "--as", "specialist")  # the dry run too
    assert not Task.objects.exists()


def test_commit_imports_everything_as_the_person_named(tmp_path, province, people, capsys):
    path = tmp_path / "so.xlsx"
    path.write_bytes(build_messy())
    run(path, "--as", "specialist", "--commit")
    assert "Đã nhập 4 nhiệm vụ của 2 văn bản." in capsys.readouterr().out
    assert Task.objects.count() == 4
    assert set(TaskEvent.objects.values_list("actor__username", flat=True)) == {"specialist"}
    record = RegisterImport.objects.get()
    assert (record.state, record.file_name) == (ImportState.IMPORTED, "so.xlsx")


def test_someone_who_may_not_enter_directives_is_refused(tmp_path, province, people):
    path = tmp_path / "so.xlsx"
    path.write_bytes(build_messy())
    with pytest.raises(CommandError, match="không được nhập văn bản chỉ đạo"):
        run(path, "--as", "unit_staff", "--commit")
    assert not Task.objects.exists()


def test_an_unknown_committee_or_file_is_refused(tmp_path, province, people):
    path = tmp_path / "so.xlsx"
    path.write_bytes(build_messy())
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--committee", "00", "--as", "specialist")
    with pytest.raises(CommandError):
        run(tmp_path / "missing.xlsx", "--as", "specialist")
