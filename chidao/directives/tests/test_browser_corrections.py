"""A correction (đính chính) on the task page in a real browser: the tracking specialist opens
"Đính chính", sends it without a reason (the browser asks for one), then with a deadline before
the assignment (refused at the top of the form, nothing saved); then moves the task to another
lead unit, drops a cooperating unit with its chip's remove button and corrects the deadline; the
timeline shows each field before → after with the reason, the deadline is the corrected one, and
the former lead unit's staff no longer reach the task (404). No page logs an error or breaks the
Content-Security-Policy.

Playwright drives Debian's chromium against the live server (chidao/browser.py) at 1366x768; the
screenshot goes to docs/screenshots/task-correction.png."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.conftest import build_org, build_people, make_person, make_unit
from chidao.directives.actions import TaskSpec
from chidao.directives.models import EventKind, Task
from chidao.directives.tests.conftest import issue
from chidao.org.models import Role, UnitKind

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def world(transactional_db):
    org = build_org()
    people = build_people(org)
    builders = make_unit(org.province, UnitKind.DEPARTMENT, "Sở Xây dựng", "SXD")
    make_person("builder_staff", builders, Role.UNIT_STAFF)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=HANOI), tick=False):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(
                content="Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
                lead_unit=org.finance,
                cooperating_units=[org.health],
                directing_leader=people.leader,
                deadline_date=datetime.date(2026, 3, 31),
            ),
        )
    return org, people, builders, task


@pytest.fixture
def page(watched_page):
    return watched_page


def _open_correction(page, task):
    page.goto(f"/tasks/{task.pk}/")
    box = page.locator("#step-edit")
    expect(box.locator("summary")).to_have_text("Đính chính")
    box.locator("summary").click()
    # The form, with the committee's units and people, is built when asked for.
    box.get_by_role("link", name="Mở biểu mẫu đính chính").click()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/edit/#step-edit$"))
    box = page.locator("#step-edit")
    expect(box).to_have_attribute("open", "")
    return box


def test_a_specialist_corrects_the_lead_unit_and_the_deadline_on_the_task_page(page, world):
    org, _people, builders, task = world
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=HANOI), tick=True):
        log_in(page, "specialist")
        box = _open_correction(page, task)
        # No reason: the browser asks for it before anything is sent.
        reason = box.get_by_label("Lý do đính chính")
        box.get_by_role("button", name="Đính chính").click()
        assert reason.evaluate("el => el.validity.valueMissing")
        # A deadline before the assignment: refused by the server, said at the top of the form
        # (focused), the task's address kept, nothing saved.
        box.get_by_label("Thời hạn", exact=True).fill("01/03/2026")
        reason.fill("Nhập nhầm")
        box.get_by_role("button", name="Đính chính").click()
        summary = page.locator("#errors-edit")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("Thời hạn không được trước ngày giao")
        expect(summary).to_be_focused()
        expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
        assert Task.objects.get(pk=task.pk).event_count == 1

        box = page.locator("#step-edit")
        expect(box).to_have_attribute("open", "")
        box.locator("#id_edit-lead_unit").select_option(str(builders.pk))
        # The cooperating units' picker of the directive form: Sở Y tế removed with its button.
        box.locator(f".cd-chip button[data-value='{org.health.pk}']").click()
        expect(box.locator(".cd-chip")).to_have_count(0)
        box.get_by_label("Thời hạn", exact=True).fill("24/04/2026")
        box.get_by_label("Lý do đính chính").fill("Văn bản giao Sở Xây dựng, hạn 24/4")
        box.get_by_role("button", name="Đính chính").click()

        expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận đính chính.")
        expect(page.locator("#task-deadline")).to_have_text("24/04/2026")
        last = page.locator("#timeline > li").last
        expect(last).to_contain_text("Đơn vị chủ trì: Sở Tài chính → Sở Xây dựng")
        expect(last).to_contain_text("Đơn vị phối hợp: Sở Y tế → —")
        expect(last).to_contain_text("31/03/2026 → 24/04/2026")
        expect(last).to_contain_text("Văn bản giao Sở Xây dựng, hạn 24/4")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "task-correction.png"), full_page=True)
        # The refused correction's page is answered 422 by design: the browser logs that status.
        assert [p for p in page.problems if "status of 422" not in p] == []
        page.problems.clear()

        task = Task.objects.get(pk=task.pk)
        assert (task.lead_unit, task.deadline, task.original_deadline) == (
            builders, datetime.date(2026, 4, 24), datetime.date(2026, 4, 24),
        )  # fmt: skip
        assert task.events.order_by("-seq").first().kind == EventKind.EDITED
        assert (task.extension_count, task.deadline_corrections) == (0, 1)

        # The former lead unit's staff no longer reach it; the new unit's staff receive it.
        log_in(page, "unit_staff")
        assert page.request.get(f"/tasks/{task.pk}/").status == 404
        log_in(page, "builder_staff")
        page.goto(f"/tasks/{task.pk}/")
        expect(page.locator("#step-receive")).to_be_visible()
        assert page.problems == []
