"""Every role's home in a real browser (issue 10, items 5 and 6).

A cooperating unit's staff marks the unit's share done from the home page and comes back to it;
a viewer sees the figures of his scope. A screenshot of each role's home at 1920x1080 is saved
into docs/screenshots/ (home-<role>.png) for review.

Playwright drives Debian's chromium against the live server (chidao/browser.py), in Vietnamese.
"""

import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.directives.models import Cooperation, CooperationStatus, Task
from chidao.directives.tests import test_home_roles as roles
from chidao.directives.tests.test_home_roles import TODAY, vi
from chidao.directives.timeliness import counting_groups, scope_q

# The worlds of the server-side tests of the same homes.
homes = roles.homes
roleless = roles.roleless

WIDE = {"width": 1920, "height": 1080}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
ROLES = {
    "unit-staff": "unit_staff",
    "cooperating-unit": "other_staff",
    "specialist": "specialist",
    "division-head": "division_head",
    "office-leader": "office_leader",
    "leader": "leader",
    "viewer": "viewer",
    "admin": "admin",
}


@pytest.fixture
def now():
    # The clock runs (the browser waits on real time), from Friday 20/03/2026 10:00 in Hà Nội.
    with time_machine.travel(TODAY, tick=True):
        yield


def test_a_cooperating_unit_marks_its_share_done_from_home_and_a_viewer_sees_figures(
    page, org, people, homes, now
):
    page.set_viewport_size(WIDE)
    log_in(page, "other_staff")
    shelf = page.locator(f"#shelf-unit-{org.health.pk}-cooperating")
    expect(shelf.get_by_role("heading")).to_have_text("Chúng tôi phối hợp")
    expect(shelf.locator(".shelf-count")).to_have_text("2")
    share = Cooperation.objects.get(task=homes["Phối hợp: chưa làm"], unit=org.health)
    form = shelf.locator(f"#share-{share.pk}")
    expect(form.get_by_label(vi("Our share"))).to_have_value(CooperationStatus.ASSIGNED)

    form.get_by_label(vi("Our share")).select_option(label=vi("Done its share"))
    form.get_by_role("button", name=vi("Update our share")).click()
    page.wait_for_url(re.compile(rf"/#shelf-unit-{org.health.pk}-cooperating$"))
    expect(page.get_by_text(vi("Your unit's share was updated."))).to_be_visible()
    # Back on the home page: the share is done, so the shelf no longer lists it.
    expect(shelf.locator(".shelf-count")).to_have_text("1")
    expect(shelf.locator(f"#share-{share.pk}")).to_have_count(0)
    share.refresh_from_db()
    assert share.status == CooperationStatus.DONE
    # The count opens the list of exactly the shares still owed.
    shelf.locator(".shelf-count").click()
    page.wait_for_url(re.compile(r"/tasks/\?"))
    expect(page.locator("#task-rows")).to_contain_text("Phối hợp: đang làm")
    expect(page.locator("#task-rows")).not_to_contain_text("Phối hợp: chưa làm")

    log_in(page, "viewer")
    figures = page.locator(f"#statistics-viewer-{org.province.pk}")
    expect(figures).to_be_visible()
    counts = counting_groups(Task.objects.filter(scope_q(org.province)), TODAY.date())
    total = figures.locator("a[data-count]").first
    expect(total).to_contain_text(str(counts.total))
    expect(total).to_contain_text(vi("Tasks"))
    expect(figures.locator(".cd-fig-red")).to_contain_text(str(counts.open_overdue))
    overdue = page.locator(f"#shelf-viewer-{org.province.pk}-overdue")
    expect(overdue).to_contain_text("Quá hạn của Sở Y tế")
    total.click()
    page.wait_for_url(re.compile(r"/tasks/\?"))
    expect(page.locator("#task-rows tbody tr")).to_have_count(counts.total)


def test_each_roles_home_at_1920x1080(page, org, people, homes, roleless, now):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(WIDE)
    for name, username in ROLES.items():
        log_in(page, username)
        expect(page.locator("main h1, h1").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"home-{name}.png"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDE["width"], f"{name}: {width} px wide"
