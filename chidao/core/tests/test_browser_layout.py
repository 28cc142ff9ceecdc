"""The base layout in a real browser: login, role menu, language switch, phone width, logout."""

from playwright.sync_api import expect

from chidao.conftest import PASSWORD


def _log_in(page, username):
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_specialist_logs_in_sees_their_roles_and_switches_to_english(page, people):
    _log_in(page, "specialist")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Vai trò của bạn").is_visible()
    # The unit followed, on the specialist's panel (and among the silent units: nobody of it
    # has signed in yet).
    assert page.locator("#home-specialist").get_by_role("link", name="Sở Tài chính").is_visible()
    assert page.locator("#home-silent-units").get_by_role("link", name="Sở Tài chính").is_visible()
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("heading", name="Your roles")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_wrong_password_shows_a_vietnamese_error(page, people):
    _log_in(page, "specialist-sai")
    assert page.get_by_role("alert").is_visible()
    assert "/login/" in page.url


def test_on_a_phone_the_menu_folds_and_opens(page, people):
    page.set_viewport_size({"width": 360, "height": 740})
    _log_in(page, "admin")
    page.wait_for_url("**/")
    admin_link = page.get_by_role("link", name="Quản trị", exact=True)
    assert not admin_link.is_visible()
    page.get_by_role("button", name="Mở menu").click()
    admin_link.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_logging_out_returns_to_the_login_page(page, people):
    _log_in(page, "unit_staff")
    page.wait_for_url("**/")
    page.get_by_role("button", name="Unit_Staff").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")
    page.goto("/")
    assert "/login/" in page.url
