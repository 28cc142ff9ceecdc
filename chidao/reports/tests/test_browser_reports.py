"""The report page and the dashboard's statistics by period and person, in a real browser.

An Office leader signs in, opens "Báo cáo" from the menu and makes the province's periodic report
in Word: made at once, or, for a large scope, by the worker while the page follows its progress
without a reload; the file downloaded opens in python-docx. A unit's staff asking for the
province's report gets the form back with the error on screen. The dashboard for "Tháng 3/2026"
shows its dates, its two charts and its tables by leader, division and specialist, in Vietnamese
and in English (an English browser, the footer's language switch); a number opens exactly its
tasks. No page logs an error or breaks the Content-Security-Policy.

Playwright drives Debian's chromium against the live server (chidao/browser.py) at 1366x768;
``time_machine`` moves "today" to Friday 20/03/2026 for the whole process, the live server's
thread included. Screenshots are written to docs/screenshots/ (reports-*.png, dashboard-*.png).
"""

import re
from pathlib import Path

import docx
import pytest
import time_machine
from playwright.sync_api import expect

from chidao.board.tests.worlds import TODAY
from chidao.browser import log_in
from chidao.reports import jobs
from chidao.reports.models import JobState, ReportJob

LAPTOP = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
MONTH = "Tháng 3/2026 (15/02/2026 \u2013 14/03/2026)"
PERIODIC = "Báo cáo định kỳ gửi UBND"
READY = "Báo cáo đã lập xong."
# Every policy violation of every page the context opens, reported to the test.
WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def now(world):
    # The world is built first (at its own moments); then the clock runs from Friday 20/03/2026
    # 10:00 in Hà Nội, since the browser waits on real time.
    with time_machine.travel(TODAY, tick=True):
        yield


def _watched_page(browser, live_server, locale):
    """A page at 1366x768 whose console errors, script errors and policy violations are kept."""
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=LAPTOP)
    problems = []
    context.expose_function("__cspViolation", lambda text: problems.append(f"CSP: {text}"))
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _watched_page(browser, live_server, "vi-VN")
    yield page
    context.close()


@pytest.fixture
def english_page(browser, live_server):
    context, page = _watched_page(browser, live_server, "en-US")
    yield page
    context.close()


def _screenshot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def _quiet(page, expected=()) -> None:
    """Wait for htmx to settle, then nothing was logged as an error nor blocked by the policy
    (but the ``expected`` lines, such as chromium's own line for a refused form's 422)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert page.problems == list(expected)


def _open_reports(page) -> None:
    page.locator("#nav-main").get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo")


def _ask_for_the_provinces_monthly_report(page, org) -> None:
    page.get_by_label("Báo cáo", exact=True).select_option(label=PERIODIC)
    page.get_by_label("UBND hoặc đơn vị").select_option(label=str(org.province))
    page.get_by_label("Kỳ", exact=True).select_option(label=MONTH)
    page.get_by_label("Định dạng").select_option(label="Word (.docx)")
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))


def _download_docx_text(page, tmp_path) -> str:
    with page.expect_download() as info:
        page.locator("#report-progress").get_by_role("link", name=re.compile(r"^Tải về")).click()
    download = info.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


def test_an_office_leader_makes_the_monthly_report_in_word_and_downloads_it(
    page, org, people, now, tmp_path
):
    log_in(page, "office_leader")
    _open_reports(page)
    _ask_for_the_provinces_monthly_report(page, org)

    progress = page.locator("#report-progress")
    expect(progress.get_by_text(READY)).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(PERIODIC)
    expect(page.locator("main")).to_contain_text(MONTH)
    _screenshot(page, "reports-ready.png")

    text = _download_docx_text(page, tmp_path)
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text
    job = ReportJob.objects.get()
    assert (job.requested_by, job.unit, job.state) == (people.office_leader, org.province, "done")
    _quiet(page)


def test_a_large_report_shows_its_progress_and_turns_ready_by_itself_without_a_reload(
    page, org, people, now, settings, tmp_path
):
    settings.CHIDAO_REPORT_INLINE_TASKS = 0  # every scope is large: the worker makes it
    log_in(page, "office_leader")
    _open_reports(page)
    _ask_for_the_provinces_monthly_report(page, org)

    bar = page.locator("#report-progress progress")
    expect(bar).to_be_visible()
    expect(page.locator("#report-progress")).to_contain_text("Đang chờ đến lượt")
    expect(page.get_by_text(READY)).to_have_count(0)
    _screenshot(page, "reports-progress.png")
    page.evaluate("window.__marker = 'same page'")
    # The page keeps asking every second while the report waits.
    with page.expect_response(re.compile(r"/reports/\d+/progress$")):
        pass
    assert ReportJob.objects.get().state == JobState.QUEUED

    assert jobs.run_pending() == 1  # the worker's pass
    assert ReportJob.objects.get().state == JobState.DONE

    expect(page.get_by_text(READY)).to_be_visible(timeout=5_000)
    expect(bar).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"  # no reload happened
    text = _download_docx_text(page, tmp_path)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "BÁO CÁO" in text
    # Finished, the page stops asking.
    asked = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/progress" in request.url else None
    )
    page.wait_for_timeout(2_500)
    assert asked == []
    _quiet(page)


def test_a_unit_staff_asking_for_the_provinces_periodic_report_sees_the_error_on_screen(
    page, org, people, now
):
    log_in(page, "unit_staff")
    _open_reports(page)
    unit = page.get_by_label("UBND hoặc đơn vị")
    kind = page.get_by_label("Báo cáo", exact=True)
    offered = unit.locator("option").all_inner_texts()
    assert str(org.province) not in offered  # the province is not offered to a department
    # A unit's people are offered their unit's report only.
    assert kind.locator("option").all_inner_texts() == ["Báo cáo của đơn vị về nhiệm vụ được giao"]
    expect(unit.locator("option:checked")).to_have_text(str(org.finance))
    page.get_by_label("Kỳ", exact=True).select_option(label=MONTH)

    # The committee's periodic report put into the list by hand (the page edited) is refused.
    kind.evaluate(
        """(select) => {
            select.add(new Option("Định kỳ", "monthly")); select.value = "monthly";
        }"""
    )
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    error = page.locator("form").get_by_role("alert")
    expect(error).to_contain_text("Báo cáo: Hãy chọn một lựa chọn hợp lệ.")
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    assert not ReportJob.objects.exists()

    # The province put into the unit list by hand is refused all the same.
    unit.evaluate(
        """(select, pk) => { select.add(new Option("Tỉnh", pk)); select.value = String(pk); }""",
        org.province.pk,
    )
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_load_state()
    expect(error).to_contain_text("UBND hoặc đơn vị: Hãy chọn một lựa chọn hợp lệ.")
    expect(error).to_be_in_viewport()
    assert not ReportJob.objects.exists()
    # The form comes back as a 422, which chromium notes in the console; nothing else is logged.
    refused = (
        "console error: Failed to load resource: the server responded with a status of 422 "
        "(Unprocessable Entity)"
    )
    _quiet(page, expected=[refused, refused])


def _group_table(page, heading: str):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_the_dashboard_for_march_shows_its_dates_charts_and_tables_by_person(
    page, org, people, now
):
    log_in(page, "office_leader")
    page.goto(f"/dashboard/?period=month-2026-3&unit={org.province.pk}")

    expect(page.get_by_label("Kỳ", exact=True).locator("option:checked")).to_have_text(MONTH)
    expect(page.locator("#id_start")).to_have_value("15/02/2026")
    expect(page.locator("#id_end")).to_have_value("14/03/2026")
    charts = page.locator("figure.cd-chart svg[role='img']")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 300
    expect(charts.nth(0)).to_have_attribute("aria-label", re.compile(r"^Tỷ lệ đúng hạn theo tháng"))
    expect(charts.nth(1)).to_have_attribute("aria-label", re.compile(r"^Nhiệm vụ quá hạn"))
    for heading in (
        "Theo lãnh đạo chỉ đạo",
        "Theo phòng theo dõi của Văn phòng",
        "Theo chuyên viên theo dõi",
    ):
        section = _group_table(page, heading)
        expect(section.get_by_role("heading", name=heading)).to_be_visible()
        expect(section.locator("table")).to_be_visible()
        expect(section.locator("tbody tr").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], f"the dashboard is {width} px wide"
    _screenshot(page, "dashboard-month-2026-3.png", full_page=True)
    # A leader glancing at it on a phone: the tables scroll in their own box, the page does not.
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')].filter(
        e => e.getBoundingClientRect().right > 361).slice(0, 8).map(
        e => e.tagName + '.' + e.className + ' ' + (e.innerText || '').slice(0, 30))""")
    assert width <= 360, f"the dashboard is {width} px wide on a phone: {wide}"
    page.set_viewport_size(LAPTOP)
    _quiet(page)

    leaders = _group_table(page, "Theo lãnh đạo chỉ đạo")
    figures = [a for a in leaders.locator("tbody a[data-count]").all()
               if int(a.get_attribute("data-count")) > 0]  # fmt: skip
    assert figures, "no task counted for any directing leader"
    figure = figures[0]
    count = int(figure.get_attribute("data-count"))
    expect(figure).to_have_text(str(count))
    figure.click()
    page.wait_for_url(re.compile(r"/tasks/\?"))
    expect(page.locator("#task-rows [role='status']")).to_have_text(re.compile(rf"^{count}\b"))
    expect(page.locator("#task-rows tbody tr")).to_have_count(count)
    _quiet(page)


def test_the_dashboard_switched_to_english_has_english_headings_and_draws_its_charts(
    english_page, org, people, now
):
    page = english_page
    log_in(page, "office_leader")
    page.goto(f"/dashboard/?period=month-2026-3&unit={org.province.pk}")
    # The committee's language first, whatever the browser says; then the person's choice.
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/dashboard/\?period=month-2026-3&unit=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Implementation of directives")
    expect(page.get_by_label("Period", exact=True).locator("option:checked")).to_have_text(
        "Month 3/2026 (15/02/2026 \u2013 14/03/2026)"
    )
    for heading in (
        "By directing leader",
        "By tracking division of the Office",
        "By tracking specialist",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    charts = page.locator("figure.cd-chart svg[role='img']")
    expect(charts).to_have_count(2)
    expect(charts.nth(0)).to_have_attribute("aria-label", re.compile(r"^On-time rate by month"))
    expect(charts.nth(1)).to_have_attribute("aria-label", re.compile(r"^Open overdue tasks"))
    for chart in charts.all():
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 300
        assert "No data" not in chart.get_attribute("aria-label")
        # Drawn: lines or bars, and their figures written as text.
        assert chart.locator("polyline, rect, circle").count() > 1
        assert chart.locator("text").count() > 1
    expect(page.locator("main")).not_to_contain_text("Theo lãnh đạo chỉ đạo")
    _screenshot(page, "dashboard-month-2026-3-en.png", full_page=True)
    _quiet(page)
