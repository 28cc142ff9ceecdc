"""The export is exactly the list on screen, in a real browser (issue 9, item 2).

Filters are applied through the form (htmx swaps the rows and pushes the URL), the page is
reloaded, paged and navigated with the browser's back and forward buttons; after each, the .xlsx
downloaded from the "Xuất Excel" link holds the very tasks the screen lists, in the same order,
all of them (not only the page shown), and the address bar carries the filters of that list.

Playwright drives Debian's chromium against the live server (chidao/browser.py), in Vietnamese.
"""

import datetime
import itertools
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue
from chidao.directives.tests.test_browser_task_life import at, log_in, vi, vi_n

PAGE_SIZE = 50
SEARCH = "giai ngan"  # typed without accents: the search ignores them
# Working days before "today" (Friday 20/03/2026), from the first day a report can be on time.
EARLY = [datetime.date(2026, 3, d) for d in (5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19)]
LATE = datetime.date(2026, 3, 31)  # beyond "due soon": within the deadline


def specs(unit, content: str, count: int, deadlines) -> list[TaskSpec]:
    dates = itertools.cycle(deadlines)
    return [
        TaskSpec(content=f"{content} {i:02d}", lead_unit=unit, deadline_date=next(dates))
        for i in range(1, count + 1)
    ]


def build(org, people, traveller):
    """Tasks in a few units and states; returns the two lists the test filters for."""
    finance = issue(
        people.specialist,
        org,
        people,
        *specs(org.finance, "Giải ngân vốn đầu tư công dự án số", 62, EARLY),
        *specs(org.finance, "Giải ngân vốn sự nghiệp kinh tế đợt", 4, [LATE]),
        summary="Về việc đẩy nhanh tiến độ thực hiện kế hoạch vốn năm 2026",
    )
    # Matching everything but the search word, the lead unit, or the lead unit exactly.
    issue(
        people.specialist,
        org,
        people,
        *specs(org.finance, "Rà soát quy chế chi tiêu nội bộ phần", 3, EARLY),
        *specs(org.health, "Giải ngân vốn chương trình y tế đợt", 3, EARLY),
        *specs(org.finance_sub, "Giải ngân kinh phí chi cục đợt", 2, EARLY),
    )
    early, later = finance[:62], finance[62:]
    received, reported, done = early[:5], early[5:8], early[8:10]
    traveller.move_to(at(5, 3))
    for task in received + reported + done:
        actions.receive(people.unit_staff, task)
    for task in reported + done:
        actions.report_done(people.unit_staff, task, result="Đã giải ngân xong.")
    for task in done:
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
    traveller.move_to(at(20, 3))
    # Overdue: still open past the deadline (received or not); within the deadline: the later
    # ones and those reported before their deadline. Done ones are neither.
    overdue = [t for t in early if t not in reported + done]
    within = later + reported
    return overdue, within


def latest_deadline_first(tasks) -> list[tuple[str, str, str]]:
    """The rows the list must show under "Thời hạn muộn nhất trước"."""
    tasks = sorted(tasks, key=lambda t: (t.deadline, t.pk), reverse=True)
    return [(t.content, t.lead_unit.name, f"{t.deadline:%d/%m/%Y}") for t in tasks]


def count(page):
    return page.locator("#task-rows").get_by_role("status")


def shown(page) -> list[tuple[str, str, str]]:
    """The rows on screen: task, lead unit, deadline."""
    return [
        tuple(row)
        for row in page.locator("#task-rows tbody tr").evaluate_all(
            """rows => rows.map(r => [
                r.cells[0].querySelector('a').textContent.trim(),
                r.cells[1].textContent.trim(),
                r.cells[2].textContent.trim().slice(0, 10),
            ])"""
        )
    ]


def exported(page, tmp_path) -> list[tuple[str, str, str]]:
    """Click "Xuất Excel" and read the downloaded workbook's rows: task, lead unit, deadline."""
    with page.expect_download() as download:
        page.get_by_role("link", name=vi("Export to Excel (.xlsx)")).click()
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename == "nhiem-vu-20260320.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    number = header.index(vi("No."))
    task, unit, deadline = (header.index(vi(title)) for title in ("Task", "Lead unit", "Deadline"))
    assert [row[number] for row in rows] == list(range(1, len(rows) + 1))
    return [(row[task], row[unit], f"{row[deadline]:%d/%m/%Y}") for row in rows]


def the_export_is_the_list(page, tmp_path, expected, page_number: int = 1) -> None:
    """The screen shows ``expected`` (this page of it) and the export holds all of it."""
    expect(count(page)).to_have_text(vi_n("%(n)s task", "%(n)s tasks", len(expected)))
    start = (page_number - 1) * PAGE_SIZE
    on_this_page = expected[start : start + PAGE_SIZE]
    expect(page.locator("#task-rows tbody tr")).to_have_count(len(on_this_page))
    assert shown(page) == on_this_page
    # The link asks for the list in the address bar, whatever page of it is shown.
    href = page.get_by_role("link", name=vi("Export to Excel (.xlsx)")).get_attribute("href")
    address = {k: v for k, v in filters_in(page.url).items() if k != "page"}
    assert filters_in(href) == {**address, "format": ["xlsx"]}
    assert exported(page, tmp_path) == expected


def filters_in(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_export_is_exactly_the_filtered_list_on_screen(page, org, people, tmp_path):
    with time_machine.travel(at(2, 3), tick=True) as traveller:
        overdue, within = build(org, people, traveller)
        overdue, within = latest_deadline_first(overdue), latest_deadline_first(within)
        assert len(overdue) == 57 and len(within) == 7

        log_in(page, "office_leader")
        page.goto("/tasks/")
        expect(count(page)).to_have_text(vi_n("%(n)s task", "%(n)s tasks", 74))

        # Filters through the form: a search word, a timeliness box, a lead unit, a sort.
        filters = page.get_by_role("form", name=vi("Filters"))
        filters.get_by_role("searchbox", name=vi("Search")).fill(SEARCH)
        filters.get_by_text(vi("More filters"), exact=True).click()
        filters.get_by_role("checkbox", name=vi("Overdue"), exact=True).check()
        filters.get_by_label(vi("Lead unit"), exact=True).select_option(label="Sở Tài chính")
        filters.get_by_label(vi("Sort"), exact=True).select_option(
            label=vi("Deadline, latest first")
        )
        filters.get_by_role("button", name=vi("Filter"), exact=True).click()

        # The first page of 57 tasks; the export holds all 57, in the list's order.
        the_export_is_the_list(page, tmp_path, overdue)
        wanted = {
            "q": [SEARCH],
            "timeliness": ["overdue"],
            "unit": [str(org.finance.pk)],
            "sort": ["-deadline"],
        }
        assert filters_in(page.url) == wanted
        overdue_url = page.url

        # Another filter, then back and forward: each time the list, its URL and its export
        # agree, and the form shows the filters of the list it sits above.
        filters.get_by_role("checkbox", name=vi("Overdue"), exact=True).uncheck()
        filters.get_by_role("checkbox", name=vi("Within deadline"), exact=True).check()
        filters.get_by_role("button", name=vi("Filter"), exact=True).click()
        the_export_is_the_list(page, tmp_path, within)
        assert filters_in(page.url) == {**wanted, "timeliness": ["not_due"]}
        within_url = page.url

        page.go_back()
        expect(page).to_have_url(overdue_url)
        the_export_is_the_list(page, tmp_path, overdue)
        # The page comes back with its rows first, the filters in force named above them.
        form = page.get_by_role("form", name=vi("Filters"))
        expect(form.locator("details")).to_have_js_property("open", False)
        expect(page.locator("#chosen-filters")).to_contain_text(vi("Overdue"))
        expect(page.locator("#chosen-filters")).to_contain_text("Sở Tài chính")
        expect(form.get_by_role("searchbox", name=vi("Search"))).to_have_value(SEARCH)
        form.get_by_text(vi("More filters"), exact=True).click()
        expect(form.get_by_role("checkbox", name=vi("Overdue"), exact=True)).to_be_checked()
        within_box = form.get_by_role("checkbox", name=vi("Within deadline"), exact=True)
        expect(within_box).not_to_be_checked()

        page.go_forward()
        expect(page).to_have_url(within_url)
        the_export_is_the_list(page, tmp_path, within)
        page.go_back()
        expect(page).to_have_url(overdue_url)
        the_export_is_the_list(page, tmp_path, overdue)

        # The address, opened again, shows the same list with the same filters ticked.
        page.reload()
        the_export_is_the_list(page, tmp_path, overdue)
        form = page.get_by_role("form", name=vi("Filters"))
        expect(form.get_by_role("searchbox", name=vi("Search"))).to_have_value(SEARCH)
        form.get_by_text(vi("More filters"), exact=True).click()
        expect(form.get_by_role("checkbox", name=vi("Overdue"), exact=True)).to_be_checked()
        expect(form.get_by_label(vi("Lead unit"), exact=True)).to_have_value(str(org.finance.pk))
        expect(form.get_by_label(vi("Sort"), exact=True)).to_have_value("-deadline")

        # Page 2 keeps every filter; its export is still the whole list, not the page.
        pages = page.get_by_role("navigation", name=vi("Pages"))
        pages.get_by_role("link", name=vi("Next"), exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
        the_export_is_the_list(page, tmp_path, overdue, page_number=2)
        assert len(shown(page)) == 57 - PAGE_SIZE
        assert filters_in(page.url) == {**wanted, "page": ["2"]}

        # Back to the first page with the browser's button.
        page.go_back()
        expect(page).to_have_url(overdue_url)
        the_export_is_the_list(page, tmp_path, overdue)


def test_after_filtering_the_pushed_url_is_the_query_of_the_export_link(client, people):
    """What htmx puts in the address bar is the query the rows, the export and the page links
    were made from: no empty fields, in the form's order."""
    client.force_login(people.office_leader)
    sent = {"q": SEARCH, "unit": "", "timeliness": ["overdue"], "leader": "", "sort": "-deadline"}
    query = "q=giai+ngan&timeliness=overdue&sort=-deadline"

    response = client.get(reverse("directives:task_list"), sent, headers={"HX-Request": "true"})

    drawn = [template.name for template in response.templates]
    assert "directives/_task_rows.html" in drawn and "directives/task_list.html" not in drawn
    assert response["HX-Push-Url"] == f"{reverse('directives:task_list')}?{query}"
    export = f'href="?{query.replace("&", "&amp;")}&amp;format=xlsx"'
    assert export in response.content.decode()

    # Back or forward to that address: htmx asks for the whole page, form and rows together.
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(f"{reverse('directives:task_list')}?{query}", headers=restore)
    assert "directives/task_list.html" in [template.name for template in response.templates]
    assert "HX-Push-Url" not in response
    assert export in response.content.decode()
