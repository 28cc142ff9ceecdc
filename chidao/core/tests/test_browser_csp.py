"""Every page runs under the Content-Security-Policy in a real browser (issue 13, item 7).

Each role signs in and opens every main page; the browser reports each thing the policy blocks
(a ``securitypolicyviolation`` event, and its console line): there must be none. Then the
interactive parts are used under the policy: htmx requests, the scripts bound by data attributes
(language switch, "Add a task", the units picker, the refused step's focus), the board's polling.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from chidao.board.models import Screen
from chidao.browser import log_in
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue

ROLES = [
    "leader",
    "office_leader",
    "admin",
    "division_head",
    "specialist",
    "unit_head",
    "unit_staff",
    "viewer",
    "commune_leader",
]
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def watched(browser, live_server):
    """A page whose every policy violation is kept, from the event and from the console."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    console = []

    def keep(message):
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", keep)
    page.csp_console = console
    yield page
    context.close()


def _visit(page, url: str) -> list[str]:
    """Open ``url``, let its scripts and htmx requests run, and return what was blocked."""
    page.goto(url)
    # Deferred scripts have run by "load"; htmx requests started then carry .htmx-request.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    return [f"{url}: {v}" for v in page.evaluate("window.__csp || []")]


def _violations(page, urls) -> list[str]:
    found = []
    for url in urls:
        found += _visit(page, url)
    found += [f"console: {line}" for line in page.csp_console]
    page.csp_console.clear()
    return found


@pytest.fixture
def task(org, people):
    (task,) = issue(people.specialist, org, people, TaskSpec(
        content="Báo cáo tiến độ giải ngân vốn đầu tư công", lead_unit=org.finance,
        cooperating_units=[org.health], directing_leader=people.leader,
        deadline_date=datetime.date.today() + datetime.timedelta(days=30),
    ), issued_on=datetime.date.today())  # fmt: skip
    return task


def test_the_watch_sees_what_the_policy_blocks(watched, people):
    """The watch itself: an inline script and a style attribute added to a page are reported."""
    _visit(watched, "/login/")
    watched.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
        document.body.append(s); document.body.setAttribute("style", "color: red"); }"""
    )
    watched.wait_for_function("() => window.__csp.length >= 2")
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in v for v in watched.evaluate("window.__csp"))
    assert any("style-src" in v for v in watched.evaluate("window.__csp"))
    assert watched.csp_console


def test_the_sign_in_and_error_pages_break_no_rule(watched, people):
    assert _violations(watched, ["/login/", "/no-such-page/", "/password/change/"]) == []


@pytest.mark.parametrize("username", ROLES)
def test_every_main_page_breaks_no_rule_for_each_role(watched, people, task, username):
    log_in(watched, username)
    person = getattr(people, username)
    urls = [
        "/",
        "/tasks/",
        "/tasks/?q=giai+ngan&sort=deadline",
        f"/tasks/{task.pk}/",
        f"/tasks/directives/{task.directive_id}/",
        "/tasks/directives/new/",  # the form, or the 403 page for who may not enter directives
        "/tasks/999999/",  # the 404 page
        "/dashboard/",
        "/org/units/",
        "/org/people/",
        f"/org/people/{person.pk}/",
        "/org/sign-ins/",
        "/notifications/",
        "/notifications/settings/",
        "/password/change/",
        "/account/two-factor/",
        "/account/two-factor/setup/",  # the QR code, drawn as inline SVG
    ]
    assert _violations(watched, urls) == []


def test_the_admin_site_breaks_no_rule(watched, people, task):
    log_in(watched, "admin")
    urls = [
        "/admin/",
        "/admin/org/person/",
        f"/admin/org/person/{people.unit_staff.pk}/change/",
        f"/admin/org/person/{people.unit_staff.pk}/password/",
        "/admin/org/unit/",
        f"/admin/directives/task/{task.pk}/change/",
        "/admin/workdays/calendaradjustment/add/",  # the date widget's calendar
        "/admin/board/screen/add/",
    ]
    assert _violations(watched, urls) == []
    expect(watched.locator("#site-name")).to_be_visible()  # the admin itself, not a redirect
    # The admin's own scripts run: the calendar of a date field opens.
    _visit(watched, "/admin/workdays/calendaradjustment/add/")
    watched.locator(".datetimeshortcuts a").last.click()
    expect(watched.locator(".calendarbox").first).to_be_visible()
    assert watched.evaluate("window.__csp") == []


def test_the_board_polls_and_pages_under_the_policy(watched, org, people, task, settings):
    settings.CHIDAO_BOARD_POLL_SECONDS = 1
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    watched.set_viewport_size({"width": 1920, "height": 1080})
    with watched.expect_response(re.compile(r"/board/.+/data")) as polled:
        watched.goto(f"/board/{token}/")
    assert polled.value.ok
    # A second poll: htmx's timer runs without eval.
    with watched.expect_response(re.compile(r"/board/.+/data")):
        pass
    expect(watched.locator("#board-status")).to_have_class("status-ok")
    assert watched.evaluate("window.__csp") == []
    assert watched.csp_console == []


def test_htmx_and_the_form_scripts_work_under_the_policy(watched, org, people, task):
    log_in(watched, "specialist")

    # htmx: the task list's filters answer in place, the address follows.
    _visit(watched, "/tasks/")
    with watched.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        watched.locator("#id_q").fill("giai ngan")
        watched.locator("#id_q").press("Enter")
    expect(watched).to_have_url(re.compile(r"/tasks/\?.*q=giai"))
    expect(watched.locator("#task-rows")).to_contain_text("giải ngân")

    # "Add a task" (htmx; its index counted by directive_form.js, not an eval'd js: value) and
    # the units picker of the new row.
    _visit(watched, "/tasks/directives/new/")
    watched.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(watched.locator("#task-row-1")).to_be_visible()
    watched.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(watched.locator("#task-row-2")).to_be_visible()
    search = watched.locator("#id_tasks-1-cooperating_units-search")
    search.press_sequentially("so y te")
    watched.locator("#id_tasks-1-cooperating_units-results").get_by_role("option").first.click()
    expect(watched.locator("#id_tasks-1-cooperating_units-chips li")).to_have_text(["Sở Y tế"])

    # The language switch sends its form when the choice changes (core/chidao.js).
    watched.get_by_label("Ngôn ngữ").select_option("en")
    expect(watched.locator("html")).to_have_attribute("lang", "en")

    assert watched.evaluate("window.__csp") == []
    assert watched.csp_console == []


def test_a_refused_step_is_focused_at_the_task_address_under_the_policy(watched, people, task):
    log_in(watched, "unit_staff")
    _visit(watched, f"/tasks/{task.pk}/")
    actions.receive(people.unit_head, task)  # someone of the unit was quicker
    with watched.expect_response(lambda r: r.request.method == "POST") as posted:
        watched.get_by_role("button", name="Tiếp nhận nhiệm vụ").click()
    assert posted.value.status == 422
    watched.wait_for_load_state()
    expect(watched).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))  # directives/task_page.js
    expect(watched.locator("#refusal")).to_be_focused()
    assert watched.evaluate("window.__csp") == []
    assert watched.csp_console == []
