"""The files of a step (progress, report) and of a register in a real browser: Vietnamese
whatever the browser's language, listed with their sizes, and one over the limit never sent.

The browser is English ("en-US"), its person having chosen Vietnamese on the site: the page is
Vietnamese, the browser's own file widget would say "Choose Files / No file chosen".
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from chidao.browser import choose_files_over_the_limit
from chidao.conftest import PASSWORD
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Attachment, EventKind, State
from chidao.directives.tests.conftest import issue

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=HANOI)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def page(browser, live_server):
    """An English browser whose person chose Vietnamese on the site."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.evaluate("navigator.language") == "en-US"


@pytest.fixture
def received(org, people):
    """A task of the finance department, received on 05/03, due 31/03/2026."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HANOI), tick=False):
        (task,) = issue(
            people.specialist, org, people,
            TaskSpec(content="Rà soát kế hoạch vốn", lead_unit=org.finance,
                     directing_leader=people.leader, deadline_date=datetime.date(2026, 3, 31)),
        )  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI), tick=False):
        task = actions.receive(people.unit_staff, task)
    assert task.state == State.RECEIVED
    return task


def open_step(page, key: str):
    box = page.locator(f"#step-{key}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def test_a_progress_takes_its_files_through_a_vietnamese_button_and_refuses_one_too_large(
    page, people, received, settings, tmp_path
):
    settings.CHIDAO_UPLOAD_MAX_MB = 1
    small = tmp_path / "bien-ban-hop.pdf"
    small.write_bytes(PDF)
    big = tmp_path / "ho-so-lon.pdf"
    big.write_bytes(PDF + b"0" * (2 * 1024 * 1024))  # the limit + 1 MB
    with time_machine.travel(MORNING, tick=True):
        log_in(page, "unit_staff")
        page.goto(reverse("directives:task_detail", args=[received.pk]))
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        box = open_step(page, "update")

        choose_files_over_the_limit(page, box, "id_update-files", vi("Files"), small, big)

        box.get_by_label(re.compile(rf"^{re.escape(vi('Progress'))}( \*)?$")).fill(
            "Đã họp với các sở."
        )
        box.get_by_label(re.compile(rf"^{re.escape(vi('Percent done'))}")).fill("40")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            box.get_by_role("button", name=vi("Post progress"), exact=True).click()
        assert int(posted.value.request.all_headers()["content-length"]) < 100_000
        page.wait_for_load_state()
        expect(page.get_by_text(vi("Progress posted."))).to_be_visible()

    event = received.events.get(kind=EventKind.PROGRESS)
    assert list(Attachment.objects.filter(event=event).values_list("name", flat=True)) == [
        "bien-ban-hop.pdf"
    ]


def test_a_report_lists_its_files_with_their_sizes_in_vietnamese(page, people, received, tmp_path):
    annex = tmp_path / "phu-luc.pdf"
    annex.write_bytes(PDF + b"0" * (1536 * 1024 - len(PDF)))  # 1,5 MB
    with time_machine.travel(MORNING, tick=True):
        log_in(page, "unit_head")
        page.goto(reverse("directives:task_detail", args=[received.pk]))
        box = open_step(page, "report")
        expect(box.locator("label.cd-file-button")).to_have_text("Chọn tệp")
        box.locator("#id_report-files").set_input_files([str(annex)])
        expect(box.locator("#id_report-files-list li")).to_have_text(["phu-luc.pdf (1,5 MB)"])
        expect(box.locator("#id_report-files-refused")).to_have_text("")


def test_the_register_file_is_chosen_through_a_vietnamese_button(page, people):
    log_in(page, "specialist")
    page.goto(reverse("registers:index"))
    button = page.locator("label.cd-file-button")
    expect(button).to_have_text(vi("Choose a file"))
    expect(button).to_have_text("Chọn tệp")
    expect(page.locator("#id_file-chosen")).to_have_text("Chưa chọn tệp nào.")
    expect(page.locator("#id_file-hint")).to_have_text(
        "Một tệp Excel (.xlsx) hoặc CSV, tối đa 10 MB."
    )
    real = page.locator("#id_file")
    expect(real).to_have_attribute("accept", ".xlsx,.csv")
    assert real.get_attribute("multiple") is None
