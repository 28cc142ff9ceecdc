"""Merging a unit in a real browser: the province's administrator opens Sở Y tế, chooses to merge
it into Sở Tài chính, reads the preview (each count opens its list) and confirms; the tasks
listed are exactly those now led by the successor, and the task page's timeline says from which
unit to which it passed. No page logs an error or breaks the Content-Security-Policy.

Playwright drives Debian's chromium against the live server (chidao/browser.py).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Task
from chidao.directives.tests.conftest import issue
from chidao.org.models import Unit


@pytest.fixture
def tasks(org, people):
    spec = lambda content, lead, coop=(): TaskSpec(  # noqa: E731
        content=content, lead_unit=lead, cooperating_units=list(coop),
        deadline_date=datetime.date(2027, 6, 30),
    )  # fmt: skip
    return issue(
        people.specialist, org, people,
        spec("Rà soát danh mục thuốc thiết yếu tại các trạm y tế xã", org.health),
        spec("Kiểm tra an toàn thực phẩm bếp ăn tập thể", org.health, [org.commune_a]),
        spec("Xây dựng kế hoạch phòng chống dịch", org.commune_a, [org.health]),
    )  # fmt: skip


@pytest.fixture
def watched(watched_page):
    return watched_page, watched_page.problems


def test_an_administrator_previews_and_confirms_a_merger(watched, org, people, tasks):
    page, problems = watched
    log_in(page, "admin")
    page.goto(f"/org/units/{org.health.pk}/")
    page.get_by_role("link", name="Sáp nhập vào đơn vị khác").click()
    expect(page.get_by_role("heading", name="Sáp nhập đơn vị vào đơn vị khác")).to_be_visible()

    page.get_by_label(re.compile(r"^Đơn vị kế thừa")).select_option(str(org.finance.pk))
    page.get_by_label(re.compile(r"^Ngày hiệu lực")).fill("01/07/2026")
    page.get_by_label(re.compile(r"^Quyết định")).fill("123/QĐ-UBND ngày 15/06/2026")
    page.get_by_role("button", name="Xem trước những gì thay đổi").click()

    section = page.locator(f"#merge-source-{org.health.pk}")
    expect(section.get_by_role("heading", name="Sở Y tế → Sở Tài chính")).to_be_visible()
    lead = section.locator(f"#merge-{org.health.pk}-lead-tasks")
    summary = "2 nhiệm vụ chưa kết thúc do đơn vị chủ trì chuyển cho đơn vị kế thừa"
    expect(lead.locator("summary")).to_have_text(summary)
    expect(lead.get_by_role("link").first).to_be_hidden()  # folded until opened
    lead.locator("summary").click()
    listed = lead.get_by_role("link")
    expect(listed).to_have_count(2)
    previewed = {
        int(re.search(r"/tasks/(\d+)/", listed.nth(i).get_attribute("href")).group(1))
        for i in range(2)
    }
    shares = section.locator(f"#merge-{org.health.pk}-cooperations")
    shares.locator("summary").click()
    expect(shares.get_by_role("link")).to_have_text([re.compile("phòng chống dịch")])
    assert Unit.objects.get(pk=org.health.pk).is_active  # the preview saved nothing

    page.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(page.get_by_role("status").filter(has_text="Đã sáp nhập Sở Y tế vào Sở Tài chính.")) \
        .to_be_visible()  # fmt: skip
    expect(page.get_by_role("heading", name="Sở Tài chính", exact=True)).to_be_visible()

    moved = set(Task.objects.filter(lead_unit=org.finance).values_list("pk", flat=True))
    assert moved == previewed == {tasks[0].pk, tasks[1].pk}
    assert Task.objects.get(pk=tasks[2].pk).cooperations.get().unit == org.finance
    assert not Unit.objects.get(pk=org.health.pk).is_active

    page.goto(f"/tasks/{tasks[0].pk}/")
    step = page.locator("li").filter(has_text="Chuyển cho đơn vị kế thừa")
    expect(step).to_contain_text(
        "Từ Sở Y tế sang Sở Tài chính (sáp nhập, quyết định 123/QĐ-UBND ngày 15/06/2026, "
        "hiệu lực 01/07/2026)"
    )
    assert problems == []


def test_a_refused_merger_shows_why_and_offers_no_confirmation(watched, org, people):
    page, problems = watched
    log_in(page, "admin")
    page.goto(f"/org/units/{org.health.pk}/change/merge/")
    page.get_by_label(re.compile(r"^Đơn vị kế thừa")).select_option(str(org.finance.pk))
    page.get_by_label(re.compile(r"^Ngày hiệu lực")).fill("01/07/2099")
    page.get_by_label(re.compile(r"^Quyết định")).fill("QĐ 1")
    page.get_by_role("button", name="Xem trước những gì thay đổi").click()
    expect(page.locator("#change-errors")).to_contain_text(
        "Ngày hiệu lực không được sau ngày hôm nay"
    )
    expect(page.get_by_role("button", name="Xác nhận thay đổi")).to_have_count(0)
    assert Unit.objects.get(pk=org.health.pk).is_active
    assert problems == []
