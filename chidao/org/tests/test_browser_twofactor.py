"""Two-factor sign-in in a real browser, as a committee leader meets it: the password, the set-up
with the QR code's key, the recovery codes, then a later sign-in with the app's code and one with
a recovery code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from chidao.conftest import PASSWORD
from chidao.org.tests.test_twofactor import next_code


@pytest.fixture(autouse=True)
def _required(settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = ["committee_leader", "office_leader", "admin"]
    settings.CHIDAO_TWO_FACTOR_ADMIN_SITE = True


def app_code(secret: str) -> str:
    """The code an authenticator app shows now for the key typed in from the page."""
    return f"{TOTP(_key(secret)).token():06d}"


def _key(secret: str) -> bytes:
    return b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))


def password_step(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page):
    page.goto("/")
    page.get_by_role("button", name="Leader").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")


def test_a_leader_sets_up_the_app_then_signs_in_with_a_code_and_a_recovery_code(page, people):
    password_step(page, "leader")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    expect(page.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()
    expect(page.get_by_role("img", name="Mã QR cho ứng dụng xác thực")).to_be_visible()
    page.get_by_text("Không quét được? Nhập khóa này").click()
    secret = page.locator("#secret").inner_text()

    field = page.get_by_label("Mã trong ứng dụng")
    field.fill("000000")
    page.get_by_role("button", name="Bật", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Mã này không đúng")
    time.sleep(1.1)  # the pause after one wrong code

    page.get_by_label("Mã trong ứng dụng").fill(app_code(secret))
    page.get_by_role("button", name="Bật", exact=True).click()
    expect(page.get_by_role("heading", name="Mã khôi phục")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path="docs/screenshots/two-factor-recovery-codes.png")
    page.get_by_role("link", name="Tôi đã lưu các mã").click()
    expect(page.get_by_role("heading", name="Vai trò của bạn")).to_be_visible()
    log_out(page)

    # The next sign-in: the password, then the code the app shows.
    password_step(page, "leader")
    page.wait_for_url(re.compile(r"/account/code/"))
    page.get_by_label("Mã trong ứng dụng, hoặc một mã khôi phục").fill("999999")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã không đúng")
    page.screenshot(path="docs/screenshots/two-factor-code.png")
    time.sleep(1.1)  # the pause after one wrong code
    page.get_by_label("Mã trong ứng dụng, hoặc một mã khôi phục").fill(
        next_code(TOTPDevice.objects.get(user__username="leader"))
    )
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Vai trò của bạn")).to_be_visible()
    log_out(page)

    # A lost phone: a recovery code, once.
    password_step(page, "leader")
    page.wait_for_url(re.compile(r"/account/code/"))
    page.get_by_label("Mã trong ứng dụng, hoặc một mã khôi phục").fill(codes[0])
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_text("còn 9 mã")).to_be_visible()
    log_out(page)
    password_step(page, "leader")
    page.wait_for_url(re.compile(r"/account/code/"))
    page.get_by_label("Mã trong ứng dụng, hoặc một mã khôi phục").fill(codes[0])
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã không đúng")


def test_the_admin_site_asks_an_administrator_for_the_code(page, people, settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = []
    password_step(page, "admin")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/\?next=%2Fadmin%2F"))
    page.get_by_text("Không quét được? Nhập khóa này").click()
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Mã trong ứng dụng").fill(app_code(secret))
    page.get_by_role("button", name="Bật", exact=True).click()
    page.get_by_role("link", name="Tôi đã lưu các mã").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Quản trị")).to_be_visible()
