"""The directive form in a real browser (issue 10, item 7: "the form tells everything at once").

- Required fields carry a mark (an asterisk, "bắt buộc" for a screen reader) that follows the kind
  chosen: number, symbol and signer for a document, the meeting and its chair for a meeting.
- An empty submit is answered with every message at once: a summary at the top of the form,
  focused, listing each missing field with a link to it, and each message next to its field.
- Cooperating units are chosen with the same search as the lead unit (accents optional), shown as
  chips with a remove button, by keyboard or mouse; the form sends the usual values.
- The files' button and list are Vietnamese on an English browser, and a file over the limit is
  refused in the browser, never sent.

The browser is English ("en-US"), its person having chosen Vietnamese on the site (the language
cookie the footer's switch sets): the page is Vietnamese, the browser's own widgets would not be.
A screenshot of the refused form is saved into docs/screenshots/ for review.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from chidao.browser import choose_files_over_the_limit
from chidao.conftest import PASSWORD
from chidao.directives.models import Attachment, Cooperation, Directive, Task

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=HANOI)
LAPTOP = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
NEW = "/tasks/directives/new/"
DASH = " \u2013 "  # an en dash between a task's number and its field in the summary
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def page(browser, live_server):
    """An English browser whose person chose Vietnamese on the site."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=LAPTOP)
    context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def open_form(page, username: str = "specialist") -> None:
    log_in(page, username)
    page.goto(NEW)
    assert page.evaluate("navigator.language") == "en-US"
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def mark(page, field_id: str):
    return page.locator(f"label[for='{field_id}'] [data-required-mark]")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def fill_directive(page, people, number: str = "1234") -> None:
    page.locator("#id_number").fill(number)
    page.locator("#id_symbol").fill("UBND-KT")
    page.locator("#id_issued_on").fill("20/03/2026")
    page.locator("#id_signer").select_option(str(people.leader.pk))
    page.locator("#id_summary").fill("Về việc đẩy nhanh tiến độ giải ngân vốn đầu tư công")
    page.locator("#id_tasks-0-content").fill("Tham mưu phương án phân bổ vốn đầu tư công")
    page.locator("#id_tasks-0-deadline_date").fill("30/04/2026")


def choose_lead(page, org) -> None:
    name = vi("Search %(label)s") % {"label": vi("Lead unit")}
    search = page.get_by_role("searchbox", name=name)
    search.fill("so tai chinh")  # the only match is chosen
    expect(page.locator("#id_tasks-0-lead_unit")).to_have_value(str(org.finance.pk))


# --- Required marks that follow the kind ----------------------------------------------------------
ALWAYS = ("id_kind", "id_issued_on", "id_summary", "id_tasks-0-content", "id_tasks-0-lead_unit")
FOR_DOCUMENTS = ("id_number", "id_symbol", "id_signer")
FOR_MEETINGS = ("id_meeting_name", "id_meeting_chair")


def test_required_fields_are_marked_and_the_marks_follow_the_kind(page, people):
    open_form(page)
    required = vi("required")
    assert required == "bắt buộc"
    for field_id in (*ALWAYS, *FOR_DOCUMENTS, "id_tasks-0-deadline_date"):
        expect(mark(page, field_id)).to_be_visible()
        expect(mark(page, field_id)).to_contain_text("*")
        # "bắt buộc" is read out with the label, not shown.
        hidden = mark(page, field_id).locator(".visually-hidden")
        expect(hidden).to_have_text(required)
        assert hidden.bounding_box()["width"] <= 1
        expect(page.locator(f"#{field_id}")).to_have_accessible_name(
            re.compile(rf"{re.escape(required)}$")
        )
    # Always required: the attribute too (the kind is a list that always has a value).
    for field_id in ("id_issued_on", "id_summary", "id_tasks-0-content", "id_tasks-0-lead_unit"):
        expect(page.locator(f"#{field_id}")).to_have_js_property("required", True)
    for field_id in FOR_DOCUMENTS:
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-required", "true")
    for field_id in (*FOR_MEETINGS, "id_tasks-0-working_days"):
        expect(mark(page, field_id)).to_be_hidden()
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-required", "false")
    expect(page.locator("#id_meeting_name")).to_have_accessible_name(vi("Meeting"))

    # A meeting's opinion: the meeting and its chair instead of number, symbol and signer.
    page.locator("#id_kind").select_option("meeting")
    for field_id in FOR_MEETINGS:
        expect(mark(page, field_id)).to_be_visible()
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-required", "true")
    for field_id in FOR_DOCUMENTS:
        expect(mark(page, field_id)).to_be_hidden()
        expect(page.locator(f"#{field_id}")).to_have_attribute("aria-required", "false")
    # A deadline in working days: the number of days instead of the date.
    page.get_by_label(vi("Working days from assignment"), exact=True).check()
    expect(mark(page, "id_tasks-0-working_days")).to_be_visible()
    expect(mark(page, "id_tasks-0-deadline_date")).to_be_hidden()
    page.locator("#id_kind").select_option("letter")
    expect(mark(page, "id_number")).to_be_visible()
    expect(mark(page, "id_meeting_name")).to_be_hidden()


# --- An empty submit tells everything at once -----------------------------------------------------
def test_an_empty_submit_lists_every_missing_field_in_a_focused_summary(page, people):
    open_form(page)
    page.locator("#id_issued_on").fill("")
    # Only a cooperating unit is chosen: it is still chosen on the refused form.
    search = page.locator("#id_tasks-0-cooperating_units-search")
    search.press_sequentially("y te")
    page.locator("#id_tasks-0-cooperating_units-results").get_by_role("option").first.click()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=vi("Save the directive")).click()
    assert posted.value.status == 422
    page.wait_for_load_state()

    summary = page.locator("#form-errors")
    expect(summary).to_have_attribute("role", "alert")
    assert focused_id(page) == "form-errors"
    expect(summary).to_be_in_viewport()
    # The summary is the first thing of the form.
    expect(page.locator("#directive-form > :not(input[type=hidden])").first).to_have_id(
        "form-errors"
    )
    task_1 = vi("Task %(n)s") % {"n": 1}
    required = "This field is required."
    expected = {
        "id_number": (vi("Number"), "Give the document's number."),
        "id_symbol": (vi("Symbol"), "Give the document's symbol, for example UBND-KT."),
        "id_signer": (vi("Signer"), "Give the leader who signed the document."),
        "id_issued_on": (vi("Date"), required),
        "id_summary": (vi("Summary"), required),
        "id_tasks-0-content": (f"{task_1}{DASH}{vi('Task')}", required),
        "id_tasks-0-lead_unit": (f"{task_1}{DASH}{vi('Lead unit')}", required),
        "id_tasks-0-deadline_date": (f"{task_1}{DASH}{vi('Deadline date')}", "Give the deadline."),
    }
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(expected))
    for field_id, (label, message) in expected.items():
        expect(summary.locator(f"a[href='#{field_id}']")).to_have_text(f"{label}: {vi(message)}")
        # The same message next to its field, tied to it for a screen reader.
        expect(page.locator(f"[id='{field_id}_error']")).to_have_text(vi(message))
        field = page.locator(f"[id='{field_id}']")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(vi(message))))
    assert vi("Nothing was saved. Please check:") in summary.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "directive-form-errors.png"))

    expect(page.locator("#id_tasks-0-cooperating_units-chips li")).to_have_text(["Sở Y tế"])

    # A link takes the person to the field.
    summary.locator("a[href='#id_tasks-0-lead_unit']").click()
    assert focused_id(page) == "id_tasks-0-lead_unit"
    expect(page.locator("#id_tasks-0-lead_unit")).to_be_in_viewport()
    assert Directive.objects.count() == 0


# --- Cooperating units through the picker ---------------------------------------------------------
def test_cooperating_units_are_chosen_by_typing_without_accents_and_sent(page, org, people):
    open_form(page)
    # No list to Ctrl-click: the list is replaced by chips and a search box.
    expect(page.locator("#id_tasks-0-cooperating_units")).to_be_hidden()
    search = page.get_by_role("combobox", name=vi("Cooperating units"))
    expect(search).to_be_visible()
    fill_directive(page, people)
    choose_lead(page, org)

    # By keyboard: type without accents, arrow down, Enter.
    search.press_sequentially("y te")
    results = page.get_by_role("listbox", name=vi("Cooperating units"))
    expect(results.get_by_role("option")).to_have_text(["Sở Y tế"])
    expect(search).to_have_attribute("aria-expanded", "true")
    search.press("ArrowDown")
    expect(search).to_have_attribute(
        "aria-activedescendant", results.get_by_role("option").first.get_attribute("id")
    )
    search.press("Enter")  # picks the unit; the form is not sent
    chips = page.locator("#id_tasks-0-cooperating_units-chips")
    expect(chips.locator("li")).to_have_text(["Sở Y tế"])
    expect(search).to_have_value("")
    assert focused_id(page) == "id_tasks-0-cooperating_units-search"
    status = page.locator("#id_tasks-0-cooperating_units-status")
    expect(status).to_have_text(vi("Added: %(unit)s.") % {"unit": "Sở Y tế"})

    # The lead unit is not offered; a click picks the other "tai chinh".
    search.fill("tai chinh")
    expect(results.get_by_role("option")).to_have_text(["Chi cục Tài chính"])
    results.get_by_role("option", name="Chi cục Tài chính").click()
    expect(chips.locator("li")).to_have_text(["Sở Y tế", "Chi cục Tài chính"])

    # One more, then removed with its button (keyboard: focus moves to the chip beside it).
    search.fill("xa b")  # "b" is in "ban" too: both communes, A first
    expect(results.get_by_role("option")).to_have_text(
        ["Ủy ban nhân dân xã A", "Ủy ban nhân dân xã B"]
    )
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(results.locator("[aria-selected=true]")).to_have_text("Ủy ban nhân dân xã B")
    search.press("Enter")
    expect(chips.locator("li")).to_have_text(
        ["Sở Y tế", "Chi cục Tài chính", "Ủy ban nhân dân xã B"]
    )
    remove = chips.get_by_role(
        "button", name=vi("Remove %(unit)s") % {"unit": "Ủy ban nhân dân xã B"}
    )
    remove.focus()
    page.keyboard.press("Enter")
    expect(chips.locator("li")).to_have_text(["Sở Y tế", "Chi cục Tài chính"])
    expect(status).to_have_text(vi("Removed: %(unit)s.") % {"unit": "Ủy ban nhân dân xã B"})
    assert focused_id(page) == ""  # the button has no id: check it is the last chip's button
    assert page.evaluate("document.activeElement.getAttribute('data-value')") == str(
        org.finance_sub.pk
    )

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=vi("Save the directive")).click()
    sent = posted.value.request.post_data_buffer.decode("utf-8", "replace")
    assert sent.count('name="tasks-0-cooperating_units"') == 2
    page.wait_for_url(re.compile(r"/tasks/directives/\d+/$"))
    (task,) = Task.objects.filter(directive__number=1234)
    assert task.lead_unit == org.finance
    assert set(Cooperation.objects.filter(task=task).values_list("unit", flat=True)) == {
        org.health.pk,
        org.finance_sub.pk,
    }


def test_a_new_task_row_gets_the_picker_too(page, org, people):
    open_form(page)
    page.get_by_role("button", name=vi("Add a task")).click()
    expect(page.locator("#task-row-1")).to_be_visible()
    expect(page.locator("#id_tasks-1-cooperating_units")).to_be_hidden()
    search = page.locator("#id_tasks-1-cooperating_units-search")
    search.press_sequentially("so y te")
    page.locator("#id_tasks-1-cooperating_units-results").get_by_role("option").first.click()
    expect(page.locator("#id_tasks-1-cooperating_units-chips li")).to_have_text(["Sở Y tế"])
    expect(page.locator("#id_tasks-1-cooperating_units option:checked")).to_have_count(1)


# --- The files: Vietnamese, and refused in the browser when too large -----------------------------
def test_the_files_button_is_vietnamese_and_a_file_over_the_limit_is_never_sent(
    page, org, people, settings, tmp_path
):
    settings.CHIDAO_UPLOAD_MAX_MB = 1
    small = tmp_path / "to-trinh.pdf"
    small.write_bytes(PDF)
    big = tmp_path / "bao-cao-lon.pdf"
    big.write_bytes(PDF + b"0" * (2 * 1024 * 1024))  # the limit + 1 MB
    open_form(page)

    name = vi("The document's files")
    choose_files_over_the_limit(page, page, "id_files", name, small, big)

    fill_directive(page, people)
    choose_lead(page, org)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=vi("Save the directive")).click()
    size = int(posted.value.request.all_headers()["content-length"])
    assert size < 100_000  # the big file was not in it
    page.wait_for_url(re.compile(r"/tasks/directives/\d+/$"))
    directive = Directive.objects.get(number=1234)
    assert list(Attachment.objects.filter(directive=directive).values_list("name", flat=True)) == [
        "to-trinh.pdf"
    ]


def test_the_chosen_files_are_listed_with_their_sizes_in_vietnamese(page, people, tmp_path):
    three = tmp_path / "phu-luc.pdf"
    three.write_bytes(PDF + b"0" * (1536 * 1024 - len(PDF)))  # 1,5 MB
    open_form(page)
    page.locator("#id_files").set_input_files([str(three)])
    expect(page.locator("#id_files-list li")).to_have_text(["phu-luc.pdf (1,5 MB)"])
    expect(page.locator("#id_files-refused")).to_have_text("")
