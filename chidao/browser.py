"""Real-browser fixtures: Playwright driving Debian's chromium (never a downloaded browser).

Imported by the test-suite conftest; `make test` installs chromium where it is missing.
"""

import os
import re
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def on_postgresql() -> bool:
    """Whether the suite was asked to run on PostgreSQL (``DATABASE_URL``)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """The browser tests run once, in the SQLite run (``make test`` as a new user runs it): what
    they check, pages as chromium shows and runs them, does not depend on the engine, and every
    query those pages make runs on PostgreSQL too through the HTTP tests of the same views. CI
    runs the suite on both engines; ``CHIDAO_BROWSER_ON_POSTGRESQL=1`` runs them there as well."""
    if not on_postgresql() or os.environ.get("CHIDAO_BROWSER_ON_POSTGRESQL") == "1":
        return
    skip = pytest.mark.skip(reason="browser test: runs in the SQLite run (README, Tests)")
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"chromium not found at {path}: run `make test`, which installs it")
    return path


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the test body is
    # still synchronous code, so its async-safety guard must be told so.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # An assertion on what a page shows waits as long as an action does (5 s by default): a form
    # sent to the test server answers slower when the whole suite shares the machine's cores.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# Reports each Content-Security-Policy violation to the test (``watched_page``).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched_page(browser, live_server):
    """A page at 1366x768 whose console errors, script errors and CSP violations are collected
    in ``page.problems``, for a test to find empty (or holding only what it expects)."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768}
    )
    problems = []
    context.expose_function("__cspViolation", lambda text: problems.append(f"CSP: {text}"))
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    yield page
    context.close()


def log_in(page, username: str) -> None:
    """Sign in as ``username`` in a fresh session (the previous person's cookies dropped)."""
    from chidao.conftest import PASSWORD

    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def choose_files_over_the_limit(page, scope, input_id: str, label: str, small, big) -> None:
    """Choose ``small`` and ``big`` (over a 1 MB limit) through the page's own file picker
    (``core/_file_field.html``), checking it on the way: a Vietnamese button and hint on an
    English browser, the real input unseen but named and focusable, ``big`` refused in the
    browser and never sent, ``small`` listed with its size and kept in the input."""
    from playwright.sync_api import expect

    button = scope.locator(f"label.cd-file-button[for='{input_id}']")
    expect(button).to_have_text("Chọn tệp")
    expect(button).to_be_visible()
    expect(scope.locator(f"#{input_id}-chosen")).to_have_text("Chưa chọn tệp nào.")
    expect(scope.locator(f"#{input_id}-hint")).to_contain_text("Mỗi tệp tối đa 1 MB")
    # The real input is there for the keyboard and screen readers, named in Vietnamese, unseen.
    real = scope.locator(f"#{input_id}")
    expect(real).to_have_accessible_name(f"{label} Chọn tệp")
    assert real.bounding_box()["width"] <= 1
    real.focus()
    expect(button).to_have_class(re.compile(r"\bcd-focus\b"))

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files([str(small), str(big)])

    refused = scope.locator(f"#{input_id}-refused")
    expect(refused).to_have_attribute("aria-live", "assertive")
    expect(refused).to_have_text(
        f"Tệp {big.name} lớn hơn 1 MB nên không được đính kèm. Vui lòng chọn tệp nhỏ hơn."
    )
    size = small.stat().st_size
    expect(scope.locator(f"#{input_id}-list li")).to_have_text([f"{small.name} ({size} B)"])
    expect(scope.locator(f"#{input_id}-chosen")).to_have_text("")
    assert real.evaluate("input => [...input.files].map(f => f.name)") == [small.name]
    assert requests == []  # nothing left the browser
