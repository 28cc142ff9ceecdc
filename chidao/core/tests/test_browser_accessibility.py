"""Every main page, for each role, passes axe's accessibility rules in chromium (WCAG 2.1 A and AA:
contrast, names and labels, landmarks, lists, ARIA): no serious or critical violation. The
world is the homes' (overdue and due-soon work, reports to check, shares, done and suspended
tasks), so badges, shelves, footers and unread notifications are all on the pages checked."""

from pathlib import Path

import pytest
import time_machine

from chidao.browser import log_in
from chidao.directives.models import Task
from chidao.directives.tests import test_home_roles as roles

homes = roles.homes  # the world of the homes' tests, a fixture

# axe-core, pinned in package.json (dev) and installed by `make test` with the other assets.
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "unit_staff": ["/", "/tasks/", "/tasks/{task}/", "/notifications/", "/org/me/"],
    "specialist": ["/", "/tasks/?timeliness=overdue", "/tasks/{task}/", "/tasks/directives/new/",
                   "/registers/", "/reports/", "/dashboard/"],
    "office_leader": ["/", "/tasks/{task}/", "/tasks/{task}/edit/", "/notifications/"],
    "leader": ["/", "/dashboard/"],
    "viewer": ["/", "/tasks/"],
    "admin": ["/", "/org/units/"],
}  # fmt: skip


@pytest.fixture
def checked_page(browser, live_server):
    """A page that lets axe's script in: the Content-Security-Policy admits the app's own scripts
    only, and axe is injected by the test (``test_browser_csp`` checks the policy itself)."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768},
        bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("username", list(PAGES))
def test_every_main_page_has_no_serious_accessibility_violation(
    checked_page, org, people, homes, username
):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test`, which installs the assets")
    task = Task.objects.filter(lead_unit=org.finance).order_by("pk").first()
    found = []
    with time_machine.travel(roles.TODAY, tick=True):
        log_in(checked_page, username)
        for path in PAGES[username]:
            checked_page.goto(path.format(task=task.pk))
            checked_page.add_script_tag(path=str(AXE))
            violations = checked_page.evaluate(
                """async (rules) => (await axe.run(document, rules)).violations
                     .filter(v => v.impact === "serious" || v.impact === "critical")
                     .map(v => `${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(" ")}`)""",
                RULES,
            )
            found += [f"{path}: {violation}" for violation in violations]
    assert found == [], "\n".join(found)
