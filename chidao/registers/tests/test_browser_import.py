"""The import page in a real browser: a specialist opens "Nhập sổ theo dõi" from the menu,
uploads a messy register with one bad row and sees the dry run with that row's errors (row,
column, why) and the import button disabled; uploads the corrected register, sees every row
and what it would create, confirms, and finds the task's timeline starting with the file and its
row. No page logs an error or breaks the Content-Security-Policy.

Playwright drives Debian's chromium against the live server (chidao/browser.py) at 1366x768;
screenshots go to docs/screenshots/ (registers-*.png)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.conftest import build_org, build_people
from chidao.directives.models import Task
from chidao.registers.tests.conftest import build_messy

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
BAD = [5, "20/UBND-VX", "07/03/2026", "Về y tế", "Kiểm tra bệnh viện", "So Giao thong", None,
       "31/02/2026", "Đang thực hiện", None, None]  # fmt: skip


@pytest.fixture
def people(transactional_db):
    return build_people(build_org())


@pytest.fixture
def page(watched_page):
    return watched_page


def _upload(page, tmp_path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator("#nav-main").get_by_role("link", name="Nhập sổ theo dõi").click()
    page.wait_for_url(re.compile(r"/registers/$"))
    page.get_by_label("Tệp sổ theo dõi (.xlsx hoặc .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url(re.compile(r"/registers/\d+/$"))


def test_a_register_is_checked_then_imported_in_the_browser(page, people, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "specialist")
    _upload(page, tmp_path, build_messy(bad_row=BAD), "so-co-loi.xlsx")
    expect(page.locator("#file-errors")).to_contain_text("2 lỗi (ở 1 dòng)")
    bad_row = page.locator('tr[data-row="12"]')
    expect(bad_row).to_contain_text("F (Đơn vị chủ trì)")
    expect(bad_row).to_contain_text("“So Giao thong” không phải đơn vị")
    expect(bad_row).to_contain_text("H (Thời hạn)")
    expect(page.get_by_role("button", name="Nhập", exact=True)).to_be_disabled()
    page.screenshot(path=str(SCREENSHOTS / "registers-errors.png"), full_page=True)
    assert not Task.objects.exists()

    _upload(page, tmp_path, build_messy(), "so-theo-doi.xlsx")
    expect(page.get_by_text("Đã đọc 5 dòng: sẽ tạo 4 nhiệm vụ của 2 văn bản.")).to_be_visible()
    row = page.locator('tr[data-row="8"]')
    expect(row).to_contain_text("Rà soát các dự án chậm giải ngân")
    expect(row).to_contain_text("Sở Tài chính")  # written "Sở TC"
    expect(row).to_contain_text("Hoàn thành 30/03/2026 (trễ hạn)")
    page.screenshot(path=str(SCREENSHOTS / "registers-preview.png"), full_page=True)
    page.get_by_role("button", name="Nhập 4 nhiệm vụ").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã nhập 4 nhiệm vụ của 2 văn bản.")
    assert Task.objects.count() == 4

    page.get_by_role("link", name="12/UBND-KT").click()
    page.get_by_role("link", name="Rà soát các dự án chậm giải ngân").first.click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Nhập từ sổ theo dõi")
    expect(timeline).to_contain_text("Nhập từ tệp so-theo-doi.xlsx, dòng 8")
    page.screenshot(path=str(SCREENSHOTS / "registers-timeline.png"))
    assert page.problems == []
