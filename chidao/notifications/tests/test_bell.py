"""The bell in the navbar: what it costs a page, and what a person sees it do in a real browser.

A screenshot of the lead unit's inbox with the unread urging is saved into docs/screenshots/
(inbox-unit-staff.png) for review.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.directives import filter_choices
from chidao.directives.actions import TaskSpec
from chidao.directives.models import EventKind
from chidao.directives.tests.conftest import issue
from chidao.directives.tests.test_browser_task_life import field, step_box, submit_step, vi, vi_n
from chidao.notifications import actions
from chidao.notifications.models import Notification
from chidao.notifications.tests.conftest import record
from chidao.org import permissions

PAGES = ["/", "/tasks/"]
BELL = "chidao.notifications.context_processors.bell"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
MESSAGE = "Đề nghị Sở Tài chính khẩn trương hoàn thành, báo cáo trước ngày 10/4/2026."


# --- What it costs --------------------------------------------------------------------------------


def _queries(client, path) -> tuple[int, str]:
    cache.clear()  # the home's figures are counted each time, so only the bell differs
    filter_choices.forget()  # and the list's filter options built each time
    permissions.forget()  # and the person's roles read each time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def _unread(html: str) -> str | None:
    """The number on the bell's badge, or None when it shows none."""
    bell = re.search(r'id="bell".*?</a>', html, re.S).group()
    badge = re.search(r'class="badge[^"]*">(\d+)</span>', bell)
    return badge.group(1) if badge else None


def silent_bell(request):
    """The bell's context processor without its query: always nothing unread."""
    return {"unread_notifications": lambda: 0}


@pytest.fixture
def without_bell(settings):
    """The same pages with the bell's context processor swapped for ``silent_bell``."""

    def switch_off():
        templates = [dict(engine) for engine in settings.TEMPLATES]
        for engine in templates:
            options = dict(engine.get("OPTIONS", {}))
            options["context_processors"] = [
                f"{__name__}.silent_bell" if p == BELL else p
                for p in options.get("context_processors", [])
            ]
            engine["OPTIONS"] = options
        settings.TEMPLATES = templates

    return switch_off


def test_the_bell_costs_one_query_with_no_unread_notification_as_with_fifty(
    client, people, task, without_bell
):
    person = people.unit_staff
    actions.mark_all_read(person)
    client.force_login(person)
    none = {path: _queries(client, path) for path in PAGES}
    for n in range(50):
        record(task, "urged", people.specialist, message=f"Lần đôn đốc thứ {n + 1}")
    assert actions.inbox(person).filter(read_at=None).count() == 50
    fifty = {path: _queries(client, path) for path in PAGES}
    without_bell()
    bare = {path: _queries(client, path) for path in PAGES}

    for path in PAGES:
        assert _unread(none[path][1]) is None, path
        assert _unread(fifty[path][1]) == "50", path
        assert fifty[path][0] == none[path][0], f"{path}: more queries with more notifications"
        assert fifty[path][0] - bare[path][0] == 1, f"{path}: the bell is one COUNT"


def test_the_bell_counts_only_my_unread_in_app_rows(client, people, task):
    record(task, "urged", people.specialist, message="Đề nghị báo cáo")
    # Read ones, someone else's and other channels are not counted.
    actions.mark_all_read(people.unit_staff)
    record(task, "urged", people.specialist, message="Đề nghị báo cáo lần 2")
    Notification.objects.create(
        recipient=people.unit_staff, task=task, kind="urged", channel="email", key="mail:1"
    )
    client.force_login(people.unit_staff)
    assert _unread(_queries(client, "/")[1]) == "1"
    client.force_login(people.unit_head)
    assert _unread(_queries(client, "/")[1]) == "3"  # assigned, then urged twice


# --- In a real browser ----------------------------------------------------------------------------


def _bell(page):
    return page.locator("#bell")


def _expect_bell(page, unread: int) -> None:
    badge = _bell(page).locator(".badge")
    if unread:
        expect(badge).to_have_text(str(unread))
    else:
        expect(badge).to_have_count(0)
    hidden = vi_n("%(n)s unread notification", "%(n)s unread notifications", unread)
    expect(_bell(page)).to_contain_text(hidden)


def _signed_in_staff(browser, live_server):
    """The lead unit's staff member in a browser of their own, beside the specialist's."""
    staff = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    staff.set_default_timeout(10_000)
    log_in(staff, "unit_staff")
    return staff


def test_an_urging_rings_the_lead_units_bell_and_opening_it_leads_to_the_task(
    browser, live_server, page, people, task
):
    staff = _signed_in_staff(browser, live_server)
    try:
        before = actions.inbox(people.unit_staff).filter(read_at=None).count()
        _expect_bell(staff, before)

        # The specialist following Sở Tài chính urges it from the task page.
        log_in(page, "specialist")
        page.goto(f"/tasks/{task.pk}/")
        box = step_box(page, "Urge the lead unit")
        field(box, "Message to the lead unit").fill(MESSAGE)
        submit_step(box, "Urge the lead unit")
        done = page.get_by_role("status").filter(has_text=vi("The lead unit was urged."))
        expect(done).to_be_visible()

        staff.reload()
        _expect_bell(staff, before + 1)
        _bell(staff).click()
        expect(staff.get_by_role("heading", name=vi("Notifications"), exact=True)).to_be_visible()
        with translation.override("vi"):
            urged = str(EventKind.URGED.label)
        item = staff.get_by_role("link", name=re.compile(rf"^{re.escape(urged)}: Tham mưu"))
        expect(item).to_have_count(1)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        staff.set_viewport_size({"width": 1920, "height": 1080})
        staff.screenshot(path=str(SCREENSHOTS / "inbox-unit-staff.png"))

        item.click()
        staff.wait_for_url(re.compile(rf"/tasks/{task.pk}/$"))
        expect(staff.locator("li").filter(has_text=MESSAGE)).to_have_count(1)
        _expect_bell(staff, before)
    finally:
        staff.context.close()


def test_urging_a_unit_on_all_its_overdue_tasks_rings_its_bell_once_per_task(
    browser, live_server, page, org, people, task
):
    """From the task list filtered to the unit and to overdue, one form urges them all."""
    (second,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát dự án chậm giải ngân", lead_unit=org.finance,
                 deadline_date=datetime.date(2026, 4, 15)),
    )  # fmt: skip
    staff = _signed_in_staff(browser, live_server)
    try:
        before = actions.inbox(people.unit_staff).filter(read_at=None).count()
        _expect_bell(staff, before)

        log_in(page, "specialist")
        page.goto(f"/tasks/?unit={org.finance.pk}&timeliness=overdue")
        form = page.locator("#urge-overdue")
        form.get_by_label(vi("Message to the lead unit")).fill(MESSAGE)
        urge_all = vi_n("Urge all %(n)s overdue task", "Urge all %(n)s overdue tasks", 2)
        form.get_by_role("button", name=urge_all).click()
        done = vi("Urged %(urged)s overdue tasks of %(unit)s.") % {
            "urged": 2, "unit": org.finance.name,
        }  # fmt: skip
        expect(page.get_by_text(done)).to_be_visible()

        staff.reload()
        _expect_bell(staff, before + 2)
        urged = {n.task_id for n in actions.inbox(people.unit_staff).filter(kind="urged")}
        assert urged == {task.pk, second.pk}
    finally:
        staff.context.close()
