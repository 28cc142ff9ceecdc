"""A unit's staff managed in a real browser: the head of Sở Tài chính adds a staff member who has
no e-mail address, hands over the set-password link shown once; the new person sets their own
password through it, signs in and finds their profile; the head then deactivates the account
and the person can no longer sign in. No page logs an error or breaks the
Content-Security-Policy.

Playwright drives Debian's chromium against the live server (chidao/browser.py).
"""

import re

import pytest
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.org.models import Membership, Person

NEW_PASSWORD = "Sen-hong-Dong-Thap-2026"


@pytest.fixture
def watched(watched_page, live_server, settings):
    settings.SITE_URL = live_server.url
    return watched_page, watched_page.problems


def _sign_in(page, username, password):
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_unit_head_adds_a_staff_member_who_sets_their_own_password(watched, org, people):
    page, problems = watched
    log_in(page, "unit_head")
    page.goto(f"/org/units/{org.finance.pk}/")
    staff = page.locator("#staff")
    expect(staff.get_by_role("heading", name="Cán bộ của đơn vị")).to_be_visible()
    staff.get_by_role("link", name="Thêm cán bộ").click()

    page.get_by_label(re.compile(r"^Họ và tên")).fill("Lê Thị Hoa")
    page.get_by_label(re.compile(r"^Tên đăng nhập")).fill("le.thi.hoa")
    page.get_by_label(re.compile(r"^Điện thoại")).fill("0277 385 1234")
    page.get_by_label(re.compile(r"^Vai trò")).select_option("unit_staff")
    page.get_by_label(re.compile(r"^Chức vụ")).fill("Chuyên viên")
    page.get_by_role("button", name="Tạo tài khoản").click()

    expect(page.get_by_role("heading", name="Liên kết đặt mật khẩu")).to_be_visible()
    expect(page.get_by_text("chưa có địa chỉ thư điện tử")).to_be_visible()
    link = page.get_by_label("Liên kết đặt mật khẩu").input_value()
    assert "/org/set-password/" in link
    person = Person.objects.get(username="le.thi.hoa")
    assert not person.has_usable_password()

    # The person opens the link on their own machine and chooses their password.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name="Đặt mật khẩu")).to_be_visible()
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Xác nhận mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_text("Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu này.")).to_be_visible()

    _sign_in(page, "le.thi.hoa", NEW_PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()
    expect(page.get_by_role("link", name="Sở Tài chính")).to_be_visible()
    page.get_by_label("Thư điện tử").fill("hoa.lt@stc.example.gov.vn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu thông tin liên hệ")).to_be_visible()

    # The link is spent.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("Liên kết này không còn dùng được")).to_be_visible()

    # The head deactivates the account: its holder can no longer sign in.
    log_in(page, "unit_head")
    page.goto(f"/org/units/{org.finance.pk}/")
    role = Membership.objects.get(person=person)
    row = page.locator(f"#role-{role.pk}")
    expect(row).to_contain_text("hoa.lt@stc.example.gov.vn")
    row.get_by_role("button", name=re.compile("^Ngừng hoạt động")).click()
    expect(page.get_by_text("Tài khoản đã bị khóa: không đăng nhập được nữa.")).to_be_visible()
    expect(page.locator(f"#role-{role.pk}")).to_contain_text("Tài khoản đã khóa")
    _sign_in(page, "le.thi.hoa", NEW_PASSWORD)
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    assert problems == []
