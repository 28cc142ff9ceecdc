"""The task page in a real browser (issue 10, items 3 and 4).

- A refused step says so where the eye is: a summary of the messages at the top of the step's
  form, in view and focused, each message linking to its field; the address bar keeps the task's
  address, so reloading or sharing the page shows the task (200), not the step's address.
- A GET on a step's address (reloaded or shared without JavaScript) goes to the task page.
- The steps come first: on a 360x740 phone and on a 1366x768 screen, the step the person is
  there to take (receive for the unit, the check for the specialist) is in the first view.

Playwright drives Debian's chromium against the live server (chidao/browser.py), in Vietnamese.
Screenshots of the page are saved into docs/screenshots/ for review.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from chidao.browser import log_in
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Decision, State
from chidao.directives.tests.conftest import issue
from chidao.directives.views.steps import ON_REQUEST, STEPS

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

LONG_TASK = (
    "Chủ trì, phối hợp với các sở, ngành liên quan tham mưu UBND tỉnh phương án phân bổ chi tiết "
    "kế hoạch vốn đầu tư công nguồn ngân sách địa phương năm 2026 cho các dự án chuyển tiếp và "
    "khởi công mới"
)
LONG_SUMMARY = "Về việc triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026-2030"


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def at(day: int, month: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=HANOI)


def task_url(task) -> str:
    return reverse("directives:task_detail", args=[task.pk])


def step(page, key: str):
    return page.locator(f"#step-{key}")


def open_step(page, key: str):
    box = step(page, key)
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(vi(label))}( \*)?$"))


def in_first_view(page, locator) -> None:
    """Wholly inside the viewport, the page not scrolled: seen without scrolling."""
    expect(locator).to_be_visible()
    assert page.evaluate("window.scrollY") == 0, "the page scrolled by itself"
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)


def in_view(locator) -> None:
    """Wholly inside the viewport (once a smooth scroll has ended)."""
    expect(locator).to_be_in_viewport(ratio=1)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def shoot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


@pytest.fixture
def long_task(org, people):
    """A task with a long wording (three or four lines on a phone), due 31/03/2026."""
    with time_machine.travel(at(2, 3), tick=False):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(
                content=LONG_TASK,
                lead_unit=org.finance,
                cooperating_units=[org.health],
                directing_leader=people.leader,
                deadline_date=datetime.date(2026, 3, 31),
            ),
            summary=LONG_SUMMARY,
        )
    return task


def bring(task, people, state: State):
    """Take the task to ``state`` on 05/03 (received), 10/03 (progress) and 20/03 (report)."""
    path = [
        (State.RECEIVED, at(5, 3), lambda t: actions.receive(people.unit_staff, t)),
        (State.IN_PROGRESS, at(10, 3),
         lambda t: actions.post_progress(people.unit_staff, t, "Đã lấy ý kiến các sở.", 60)),
        (State.REPORTED, at(20, 3),
         lambda t: actions.report_done(people.unit_head, t, result="Đã trình phương án.")),
    ]  # fmt: skip
    for reached, moment, act in path:
        if task.state == state:
            break
        with time_machine.travel(moment, tick=False):
            task = act(task)
        assert task.state == reached
    assert task.state == state
    return task


# --- (a) A refused step says so where the eye is --------------------------------------------------


def test_a_late_report_without_its_explanation_is_summed_up_focused_at_the_task_address(
    page, people, long_task
):
    task = bring(long_task, people, State.IN_PROGRESS)
    with time_machine.travel(at(2, 4), tick=True):  # two days after the deadline
        page.set_viewport_size(LAPTOP)
        log_in(page, "unit_head")
        page.goto(task_url(task))
        box = open_step(page, "report")
        field(box, "Result").fill("Đã trình UBND tỉnh phương án phân bổ.")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            box.get_by_role("button", name=vi("Report done"), exact=True).click()
        assert posted.value.status == 422
        page.wait_for_load_state()

        summary = page.locator("#errors-report")
        expect(summary).to_have_attribute("role", "alert")
        # At the top of the step's form, in view, and holding the focus.
        first = box.locator("form > :not(input[type=hidden])").first
        expect(first).to_have_id("errors-report")
        in_view(summary)
        assert focused_id(page) == "errors-report"
        for name, message in (
            ("cause", "The task is late: choose the cause (objective or subjective)."),
            ("explanation", "The task is late: explain why."),
            ("remedy", "The task is late: say how it will be remedied."),
        ):
            link = summary.get_by_role("link", name=re.compile(re.escape(vi(message))))
            expect(link).to_have_attribute("href", f"#id_report-{name}")
        # The address bar shows the task, not the step it was posted to.
        assert page.url.endswith(task_url(task)), page.url
        # A message's link takes the person to its field.
        summary.get_by_role(
            "link", name=re.compile(re.escape(vi("The task is late: explain why.")))
        ).click()
        assert focused_id(page) == "id_report-explanation"
        in_view(field(box, "Explanation"))
        assert page.url.endswith(task_url(task)), page.url
        # What was typed is kept; nothing was saved.
        expect(field(box, "Result")).to_have_value("Đã trình UBND tỉnh phương án phân bổ.")
        task.refresh_from_db()
        assert task.state == State.IN_PROGRESS

        reloaded = page.reload()
        assert reloaded.status == 200
        assert reloaded.request.method == "GET"
        expect(page.locator("[data-error-summary]")).to_have_count(0)
        expect(page.locator("#task-state")).to_have_text(vi("In progress"))


def test_a_progress_of_150_percent_on_a_phone_is_summed_up_in_view_and_focused(
    page, people, long_task
):
    task = bring(long_task, people, State.RECEIVED)
    with time_machine.travel(at(12, 3), tick=True):
        page.set_viewport_size(PHONE)
        log_in(page, "unit_staff")
        page.goto(task_url(task))
        box = open_step(page, "update")
        field(box, "Progress").fill("Đã họp với các sở.")
        field(box, "Percent done").fill("150")
        # The browser's own check would stop 150 before sending it; the server's is the one
        # that counts (an older browser, or a page kept open across a change of the rules).
        box.locator("form").evaluate("form => { form.noValidate = true; }")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            box.get_by_role("button", name=vi("Post progress"), exact=True).click()
        assert posted.value.status == 422
        page.wait_for_load_state()

        summary = page.locator("#errors-update")
        in_view(summary)
        assert focused_id(page) == "errors-update"
        expect(box.locator("form > :not(input[type=hidden])").first).to_have_id("errors-update")
        link = summary.get_by_role("link")
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("href", "#id_update-percent")
        expect(link).to_contain_text(vi("Percent done"))
        assert page.url.endswith(task_url(task)), page.url
        no_horizontal_scroll(page)
        shoot(page, "task-refused-360.png")
        task.refresh_from_db()
        assert (task.state, task.progress_percent) == (State.RECEIVED, None)

        assert page.reload().status == 200
        expect(page.locator("[data-error-summary]")).to_have_count(0)


def test_a_step_no_longer_possible_says_why_at_the_top_focused_at_the_task_address(
    page, people, long_task
):
    with time_machine.travel(at(3, 3), tick=True):
        log_in(page, "unit_staff")
        page.goto(task_url(long_task))
        actions.receive(people.unit_head, long_task)  # someone of the unit was quicker
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            step(page, "receive").get_by_role("button", name=vi("Receive the task")).click()
        assert posted.value.status == 422
        page.wait_for_load_state()
        refusal = page.locator("#refusal")
        expect(refusal).to_have_attribute("role", "alert")
        in_view(refusal)
        assert focused_id(page) == "refusal"
        assert page.url.endswith(task_url(long_task)), page.url
        assert page.reload().status == 200


# --- (b) A step's address, opened, goes to the task page ----------------------------------------


def test_opening_any_steps_address_goes_to_the_task_page(page, people, long_task):
    task = bring(long_task, people, State.IN_PROGRESS)
    with time_machine.travel(at(12, 3), tick=False):
        extension = actions.request_extension(
            people.unit_staff, task, proposed_date=datetime.date(2026, 4, 15), reason="Chờ số liệu"
        )
        difficulty = actions.raise_difficulty(people.unit_staff, task, "Thiếu hướng dẫn")
    cooperation = task.cooperations.get()
    # The correction's address shows its form on the task page (test_browser_corrections).
    shown_there = set(ON_REQUEST)
    addresses = [
        reverse("directives:step", args=[task.pk, key]) for key in STEPS if key not in shown_there
    ] + [
        reverse("directives:decide_extension", args=[extension.pk]),
        reverse("directives:answer_difficulty", args=[difficulty.pk]),
        reverse("directives:update_cooperation", args=[cooperation.pk]),
    ]
    with time_machine.travel(at(12, 3), tick=True):
        log_in(page, "office_leader")
        for address in addresses:
            answer = page.request.get(address, max_redirects=0)
            assert answer.status == 302, (address, answer.status)
            assert answer.headers["location"] == task_url(task), address
            opened = page.goto(address)
            assert opened.status == 200, address
            assert page.url.endswith(task_url(task)), (address, page.url)
            expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TASK)
    # Opening them took no step.
    task.refresh_from_db()
    extension.refresh_from_db()
    difficulty.refresh_from_db()
    assert task.state == State.IN_PROGRESS
    assert extension.decision == Decision.PENDING
    assert difficulty.is_open


# --- (c) The steps come first ---------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360x740", "1366x768"])
def test_the_unit_sees_the_receive_button_without_scrolling(page, people, long_task, viewport):
    with time_machine.travel(at(3, 3), tick=True):
        page.set_viewport_size(viewport)
        log_in(page, "unit_staff")
        page.goto(task_url(long_task))
        expect(page.locator("#task-state")).to_have_text(vi("Assigned"))
        button = step(page, "receive").get_by_role(
            "button", name=vi("Receive the task"), exact=True
        )
        in_first_view(page, button)
        # The key facts are above it, the details below it.
        deadline = page.locator("#task-deadline")
        in_first_view(page, deadline)
        expect(deadline).to_have_text("31/03/2026")
        details = page.get_by_role("heading", name=vi("Details"), exact=True)
        assert details.bounding_box()["y"] > button.bounding_box()["y"]
        no_horizontal_scroll(page)
        if viewport == PHONE:
            shoot(page, "task-360.png")
            shoot(page, "task-360-full.png", full_page=True)
        button.click()
        expect(page.locator("#task-state")).to_have_text(vi("Received"))


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360x740", "1366x768"])
def test_the_specialist_sees_the_check_without_scrolling(page, people, long_task, viewport):
    task = bring(long_task, people, State.REPORTED)
    with time_machine.travel(at(23, 3), tick=True):
        page.set_viewport_size(viewport)
        log_in(page, "specialist")
        page.goto(task_url(task))
        expect(page.locator("#task-state")).to_have_text(vi("Reported done"))
        check = step(page, "propose")
        button = check.get_by_role("button", name=vi("Propose closing"), exact=True)
        if viewport == PHONE:
            shoot(page, "task-check-360.png")
        in_first_view(page, button)
        # Returning the report is the other way to check it: right below, folded (on a wide
        # enough screen, in the first view as well).
        returning = step(page, "return_report").locator("summary")
        if viewport == LAPTOP:
            in_first_view(page, returning)
        assert returning.bounding_box()["y"] > button.bounding_box()["y"]
        no_horizontal_scroll(page)
        button.click()
        expect(page.locator("#task-state")).to_have_text(vi("Proposed for closing"))


def test_the_task_page_on_a_wide_screen(page, people, long_task):
    task = bring(long_task, people, State.REPORTED)
    with time_machine.travel(at(23, 3), tick=True):
        page.set_viewport_size(WIDE)
        log_in(page, "specialist")
        page.goto(task_url(task))
        in_first_view(page, step(page, "propose").get_by_role("button"))
        in_first_view(page, page.get_by_role("heading", name=vi("Timeline"), exact=True))
        no_horizontal_scroll(page)
        shoot(page, "task-1920x1080.png")
