"""A task's life in a real browser: entered, received, extended, reported late, checked, closed.

Playwright drives Debian's chromium against the live server (chidao/browser.py), in Vietnamese.
Labels are looked up in the compiled Vietnamese catalogue at run time (``vi("Report done")``), so
each test finds a control by the very words the person reads on the page; messages whose wording
matters to the person (the late-report errors, "Hoàn thành trễ hạn") are written out.

``time_machine`` moves "today" for the whole process, the live server's thread included.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import time_machine
from django.utils import translation
from playwright.sync_api import expect

from chidao.conftest import PASSWORD
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Directive, State, Task, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.workdays.calendar import resolve_working_days

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 360, "height": 740}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

FINANCE_TASK = "Tham mưu phương án phân bổ vốn đầu tư công năm 2026"
HEALTH_TASK = "Rà soát danh mục thuốc thiết yếu tại các trạm y tế xã"


def vi(message: str) -> str:
    """What the page shows for ``message`` in Vietnamese (the compiled catalogue)."""
    with translation.override("vi"):
        return translation.gettext(message)


def vi_n(singular: str, plural: str, n: int) -> str:
    with translation.override("vi"):
        return translation.ngettext(singular, plural, n) % {"n": n}


def notice(page, message: str):
    """The message shown at the top of the page after an action."""
    return page.get_by_role("status").filter(has_text=vi(message))


def at(day: int, month: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=HANOI)


def log_in(page, username: str) -> None:
    """Sign in as ``username`` in a fresh session (the previous person's cookies dropped)."""
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    welcome = vi("Welcome, %(name)s") % {"name": username.title()}
    expect(page.get_by_role("heading", name=welcome, exact=True)).to_be_visible()


def field(scope, label: str):
    """The control labelled ``label``; a required one's label ends with a star, and "bắt buộc" for
    a screen reader on the directive form ("Loại * bắt buộc")."""
    required = re.escape(vi("required"))
    return scope.get_by_label(re.compile(rf"^{re.escape(vi(label))}( \*( {required})?)?$"))


def task_row(page, n: int):
    """The n-th task row of the directive form: a group named "Nhiệm vụ n"."""
    return page.get_by_role("group", name=vi("Task %(n)s") % {"n": n}, exact=True)


def step_box(page, label: str):
    """The folded box of one workflow step on the task page, opened."""
    summary = page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(vi(label))}\s*$"))
    box = page.locator("details").filter(has=summary)
    expect(box).to_have_count(1)
    if box.get_attribute("open") is None:
        summary.click()
    return box


def submit_step(box, label: str) -> None:
    box.get_by_role("button", name=vi(label), exact=True).click()


def shelf(page, title: str):
    """One list of the home page, found by its heading."""
    heading = page.get_by_role("heading", name=vi(title), exact=True)
    return page.locator(".card").filter(has=heading)


def unit_search(row, field_label: str):
    return row.get_by_role("searchbox", name=vi("Search %(label)s") % {"label": vi(field_label)})


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 360 px phone"


# --- 1. The whole life of a task, across the roles ------------------------------------------------


def test_a_task_goes_from_entry_to_done_late_across_every_role(page, org, people, tmp_path):
    state = page.locator("#task-state")
    deadline = page.locator("#task-deadline")
    with time_machine.travel(at(2, 3), tick=True) as traveller:
        # The specialist enters the directive with two tasks.
        log_in(page, "specialist")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        page.get_by_role("link", name="Nhập văn bản", exact=True).click()
        expect(page.get_by_role("heading", name="Nhập văn bản")).to_be_visible()
        field(page, "Kind").select_option(label=vi("Official letter"))
        field(page, "Number").fill("1234")
        field(page, "Symbol").fill("UBND-KT")
        field(page, "Date").fill("02/03/2026")
        field(page, "Signer").select_option(label="Leader")
        field(page, "Summary").fill(
            "Về việc triển khai kế hoạch đầu tư công và y tế cơ sở năm 2026"
        )

        first = task_row(page, 1)
        field(first, "Task").fill(FINANCE_TASK)
        unit_search(first, "Lead unit").fill("so tai chinh")
        lead = field(first, "Lead unit")
        expect(lead.locator("option")).to_have_text(["—", "Sở Tài chính"])
        lead.select_option(label="Sở Tài chính")
        field(first, "A date").check()
        field(first, "Deadline date").fill("16/03/2026")
        expect(first.get_by_role("status")).to_contain_text("16/03/2026")

        page.get_by_role("button", name="Thêm nhiệm vụ", exact=True).click()
        second = task_row(page, 2)
        expect(second).to_be_visible()
        field(second, "Task").fill(HEALTH_TASK)
        unit_search(second, "Lead unit").fill("so y te")
        health = field(second, "Lead unit")
        expect(health.locator("option")).to_have_text(["—", "Sở Y tế"])
        health.select_option(label="Sở Y tế")
        field(second, "Working days from assignment").check()
        field(second, "Working days").fill("10")
        with translation.override("vi"):
            explanation = resolve_working_days(datetime.date(2026, 3, 2), 10).explain()
        preview = second.get_by_role("status")
        expect(preview.locator("strong")).to_have_text("16/03/2026")
        expect(preview).to_contain_text(explanation)
        assert "02/03/2026" in explanation

        page.get_by_role("button", name=vi("Save the directive"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("1234/UBND-KT")
        expect(notice(page, "The directive and its tasks were entered.")).to_be_visible()
        items = page.get_by_role("main").get_by_role("listitem")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_contain_text(FINANCE_TASK)
        expect(items.nth(0)).to_contain_text("Sở Tài chính")
        expect(items.nth(0)).to_contain_text("16/03/2026")
        expect(items.nth(1)).to_contain_text(HEALTH_TASK)
        expect(items.nth(1)).to_contain_text("Sở Y tế")
        expect(items.nth(1)).to_contain_text("16/03/2026")
        task = Task.objects.get(content=FINANCE_TASK)
        assert task.specialist == people.specialist

        # The finance department's staff: not yet received → receive, progress, extension.
        log_in(page, "unit_staff")
        unreceived = shelf(page, "Not yet received")
        unreceived.get_by_role("link", name=FINANCE_TASK).click()
        expect(page.get_by_role("heading", name=FINANCE_TASK)).to_be_visible()
        expect(state).to_have_text(vi("Assigned"))
        submit_step(step_box(page, "Receive the task"), "Receive the task")
        expect(state).to_have_text(vi("Received"))
        # Within the deadline the report asks for no late explanation.
        box = step_box(page, "Report done")
        expect(field(box, "Result")).to_be_visible()
        expect(field(box, "Explanation")).to_be_hidden()

        pdf = tmp_path / "bao-cao-tien-do.pdf"
        pdf.write_bytes(PDF)
        box = step_box(page, "Post progress")
        field(box, "Progress").fill("Đã lấy ý kiến các sở, ngành.")
        field(box, "Percent done").fill("40")
        field(box, "Files").set_input_files(pdf)
        submit_step(box, "Post progress")
        expect(page.get_by_role("progressbar", name=vi("Progress"))).to_have_attribute(
            "aria-valuenow", "40"
        )
        expect(state).to_have_text(vi("In progress"))
        file_link = page.get_by_role("link", name="bao-cao-tien-do.pdf").first
        expect(file_link).to_be_visible()
        download = page.request.get(file_link.get_attribute("href"))
        assert download.status == 200
        assert download.body() == PDF

        box = step_box(page, "Request an extension")
        field(box, "Proposed deadline").fill("31/03/2026")
        field(box, "Reason").fill("Chờ ý kiến thẩm định của Bộ Tài chính.")
        submit_step(box, "Request an extension")
        expect(notice(page, "Extension requested.")).to_be_visible()
        expect(deadline).to_have_text("16/03/2026")

        # The Office leader approves the extension from the home page.
        log_in(page, "office_leader")
        shelf(page, "Extension requests").get_by_role("link", name=FINANCE_TASK).click()
        extensions = page.get_by_role("region", name=vi("Extensions"), exact=True)
        expect(extensions).to_contain_text("16/03/2026")
        expect(extensions).to_contain_text("31/03/2026")
        expect(extensions).to_contain_text("Chờ ý kiến thẩm định của Bộ Tài chính.")
        field(extensions, "Approve").check()
        expect(field(extensions, "Approved deadline")).to_have_value("31/03/2026")
        extensions.get_by_role("button", name=vi("Record the decision"), exact=True).click()
        expect(deadline).to_have_text("31/03/2026")
        expect(page.get_by_text(f"{vi('Original deadline')}: 16/03/2026")).to_be_visible()

        # After the extended deadline: the report needs the late explanation.
        traveller.move_to(at(2, 4))
        log_in(page, "unit_staff")
        page.goto(f"/tasks/{task.pk}/")
        box = step_box(page, "Report done")
        cause = field(box, "Cause of the delay")
        explanation = field(box, "Explanation")
        remedy = field(box, "Remedy")
        for control in (cause, explanation, remedy):
            expect(control).to_be_visible()
        field(box, "Result").fill("Đã trình UBND tỉnh phương án phân bổ.")
        submit_step(box, "Report done")
        box = step_box(page, "Report done")
        expect(box.locator("#id_report-cause-error")).to_have_text(
            "Nhiệm vụ đã quá hạn: vui lòng chọn nguyên nhân (khách quan hoặc chủ quan)."
        )
        expect(box.locator("#id_report-explanation-error")).to_have_text(
            "Nhiệm vụ đã quá hạn: vui lòng giải trình lý do."
        )
        expect(box.locator("#id_report-remedy-error")).to_have_text(
            "Nhiệm vụ đã quá hạn: vui lòng nêu biện pháp khắc phục."
        )
        expect(state).to_have_text(vi("In progress"))
        task.refresh_from_db()
        assert task.state == State.IN_PROGRESS

        expect(field(box, "Result")).to_have_value("Đã trình UBND tỉnh phương án phân bổ.")
        field(box, "Cause of the delay").select_option(label=vi("Objective"))
        field(box, "Explanation").fill("Bộ Tài chính trả lời chậm.")
        field(box, "Remedy").fill("Đôn đốc sớm hơn từ đầu quý.")
        submit_step(box, "Report done")
        expect(state).to_have_text(vi("Reported done"))

        # The specialist checks it and proposes closing.
        log_in(page, "specialist")
        shelf(page, "Reports awaiting my check").get_by_role("link", name=FINANCE_TASK).click()
        submit_step(step_box(page, "Propose closing"), "Propose closing")
        expect(state).to_have_text(vi("Proposed for closing"))

        # The Office leader confirms: done, late.
        log_in(page, "office_leader")
        shelf(page, "Awaiting my confirmation").get_by_role("link", name=FINANCE_TASK).click()
        submit_step(step_box(page, "Confirm done"), "Confirm done")
        expect(state).to_have_text("Hoàn thành")
        badge = page.locator("header .cd-badge")
        expect(badge).to_have_text("Hoàn thành trễ hạn")
        expect(badge).to_have_class(re.compile(r"\bcd-orange\b"))
        expect(page.locator("#timeline > li strong")).to_have_text(
            [
                vi("Assigned"),
                vi("Received"),
                vi("Progress update"),
                vi("Extension requested"),
                vi("Extension approved"),
                vi("Reported done"),
                vi("Checked and proposed for closing"),
                vi("Confirmed done"),
            ]
        )

        menu = page.get_by_role("navigation", name=vi("Main menu"))
        menu.get_by_role("link", name=vi("Tasks"), exact=True).click()
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=FINANCE_TASK))
        expect(row.get_by_role("cell", name="Hoàn thành", exact=True)).to_be_visible()
        row_badge = row.locator(".cd-badge")
        expect(row_badge).to_have_text("Hoàn thành trễ hạn")
        expect(row_badge).to_have_class(re.compile(r"\bcd-orange\b"))


# --- 2. Another unit sees nothing --------------------------------------------------------------


def test_a_person_of_another_unit_can_neither_see_nor_act_on_a_task(page, org, people):
    with time_machine.travel(at(3, 3), tick=True):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(
                content=FINANCE_TASK,
                lead_unit=org.finance,
                deadline_date=datetime.date(2026, 3, 31),
            ),
        )
        events = TaskEvent.objects.filter(task=task).count()
        log_in(page, "other_staff")

        page.goto("/tasks/")
        expect(page.get_by_role("status")).to_have_text(vi_n("%(n)s task", "%(n)s tasks", 0))
        expect(page.get_by_role("link", name=FINANCE_TASK)).to_have_count(0)
        page.goto(f"/tasks/?q={FINANCE_TASK}")
        expect(page.get_by_role("link", name=FINANCE_TASK)).to_have_count(0)

        response = page.goto(f"/tasks/{task.pk}/")
        assert response.status == 404
        expect(page.get_by_text(FINANCE_TASK)).to_have_count(0)

        page.goto("/")
        token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        for step, form in [
            ("receive", {}),
            ("report", {"report-result": "Đã xong."}),
            ("comment", {"comment-text": "Xin chào."}),
        ]:
            refused = page.request.post(
                f"/tasks/{task.pk}/{step}/", form={"csrfmiddlewaretoken": token, **form}
            )
            # 404 (not 403): the CSRF token was accepted, the task itself is hidden.
            assert refused.status == 404, (step, refused.status)

        task.refresh_from_db()
        assert task.state == State.ASSIGNED
        assert TaskEvent.objects.filter(task=task).count() == events

        # The same request from the unit that leads the task goes through.
        log_in(page, "unit_staff")
        token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        done = page.request.post(
            f"/tasks/{task.pk}/receive/", form={"csrfmiddlewaretoken": token}, max_redirects=0
        )
        assert done.status == 302
        task.refresh_from_db()
        assert task.state == State.RECEIVED


# --- 3. Invalid input --------------------------------------------------------------------------


def test_a_directive_without_task_content_or_unit_shows_the_errors_and_saves_nothing(
    page, org, people
):
    with time_machine.travel(at(2, 3), tick=True):
        before = Directive.objects.count()
        log_in(page, "specialist")
        page.goto("/tasks/directives/new/")
        field(page, "Kind").select_option(label=vi("Official letter"))
        field(page, "Number").fill("77")
        field(page, "Symbol").fill("UBND-KT")
        field(page, "Date").fill("02/03/2026")
        field(page, "Signer").select_option(label="Leader")
        field(page, "Summary").fill("Về việc thử nhập thiếu")
        row = task_row(page, 1)
        field(row, "Deadline date").fill("16/03/2026")
        # As a person would: the deadline's preview has answered before "Save" is pressed.
        expect(row.get_by_role("status")).to_have_text("16/03/2026")
        page.get_by_role("button", name=vi("Save the directive"), exact=True).click()

        expect(page.get_by_role("alert")).to_contain_text(vi("Nothing was saved. Please check:"))
        required = "Trường này là bắt buộc."
        expect(row.locator("#id_tasks-0-content ~ .invalid-feedback")).to_have_text(required)
        expect(row.locator("#id_tasks-0-lead_unit ~ .invalid-feedback")).to_have_text(required)
        # What was typed is still there, and nothing else is flagged.
        expect(field(page, "Summary")).to_have_value("Về việc thử nhập thiếu")
        expect(field(row, "Deadline date")).to_have_value("16/03/2026")
        expect(page.locator(".invalid-feedback")).to_have_count(2)
        assert Directive.objects.count() == before
        assert Task.objects.count() == 0


# --- 4. On a phone -----------------------------------------------------------------------------


def test_on_a_360_px_phone_the_task_page_and_list_fit_and_the_steps_work(page, org, people):
    with time_machine.travel(at(3, 3), tick=True):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(
                content=(
                    "Chủ trì, phối hợp với các sở, ngành liên quan tham mưu UBND tỉnh phương án "
                    "phân bổ chi tiết kế hoạch vốn đầu tư công nguồn ngân sách địa phương năm "
                    "2026 cho các dự án chuyển tiếp và khởi công mới"
                ),
                lead_unit=org.finance,
                cooperating_units=[org.health],
                directing_leader=people.leader,
                deadline_date=datetime.date(2026, 3, 31),
            ),
            summary="Về việc triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026-2030",
        )
        page.set_viewport_size(PHONE)
        log_in(page, "unit_staff")
        page.goto(f"/tasks/{task.pk}/")
        state = page.locator("#task-state")
        expect(state).to_have_text(vi("Assigned"))
        no_horizontal_scroll(page)

        box = step_box(page, "Receive the task")
        button = box.get_by_role("button", name=vi("Receive the task"), exact=True)
        expect(button).to_be_in_viewport()
        button.click()
        expect(state).to_have_text(vi("Received"))
        no_horizontal_scroll(page)

        box = step_box(page, "Post progress")
        no_horizontal_scroll(page)
        # The files' real input is unseen: its Vietnamese button is what the eye finds.
        for label in ("Progress", "Percent done", "Files"):
            control = box.locator("label.cd-file-button") if label == "Files" else field(box, label)
            control.scroll_into_view_if_needed()
            expect(control).to_be_in_viewport()
            bounds = control.bounding_box()
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE["width"], label
        field(box, "Progress").fill("Đã họp với các sở.")
        field(box, "Percent done").fill("30")
        submit_step(box, "Post progress")
        expect(page.get_by_role("progressbar", name=vi("Progress"))).to_have_attribute(
            "aria-valuenow", "30"
        )
        no_horizontal_scroll(page)

        page.goto("/tasks/")
        expect(page.get_by_role("link", name=re.compile("^Chủ trì, phối hợp"))).to_be_visible()
        no_horizontal_scroll(page)
        page.goto("/")
        no_horizontal_scroll(page)
