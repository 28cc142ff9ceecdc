"""The board on a real screen: the committee's language and time whatever the browser says, and
every list paged by the room it has, never a row cut off.

Screenshots of the board at 1920x1080 and 1366x768 are written to docs/screenshots/ for review.
"""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from chidao.board.models import Screen
from chidao.conftest import make_unit
from chidao.core import clock
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import Today
from chidao.org.models import UnitKind

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SIZES = [(1920, 1080), (1366, 768)]
CONTENT = (
    "Triển khai kế hoạch chuyển đổi số trong giải quyết thủ tục hành chính, bảo đảm kết nối "
    "liên thông dữ liệu dân cư, đất đai và doanh nghiệp trên địa bàn"
)
UNIT = "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp khu vực {}"


@pytest.fixture
def fast_poll(settings):
    settings.CHIDAO_BOARD_POLL_SECONDS = 1


def _screen(org, language="vi") -> str:
    screen = Screen(name="Sảnh tầng 1", committee=org.province, language=language)
    token = screen.new_token()
    screen.save()
    return token


def _overdue(org, people, unit=None, content="Báo cáo tình hình giải ngân vốn đầu tư công"):
    today = clock.today()
    return issue(people.specialist, org, people, TaskSpec(
        content=content, lead_unit=unit or org.finance,
        deadline_date=today - datetime.timedelta(days=40),
    ), issued_on=today - datetime.timedelta(days=90))  # fmt: skip


def _committee_now() -> datetime.datetime:
    return datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def _assert_committee_time(text: str) -> None:
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", text), text
    shown = datetime.datetime.strptime(text, "%d/%m/%Y %H:%M")
    # The browser's own clock (UTC here) is hours away; the committee's is within the minute.
    assert abs(shown - _committee_now()) <= datetime.timedelta(minutes=2), text


def _new_page(browser, live_server, width=1920, height=1080, **context):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, **context
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _refresh_cycles(page, count: int) -> None:
    """Wait for ``count`` of the screen's own periodic requests to be answered."""
    for _ in range(count):
        with page.expect_response(lambda r: "/data/" in r.url, timeout=10_000):
            pass


def test_an_english_browser_in_utc_shows_the_committees_language_and_time(
    browser, live_server, org, people, fast_poll
):
    _overdue(org, people)
    token = _screen(org)
    page = _new_page(browser, live_server, locale="en-US", timezone_id="UTC")
    try:
        page.goto(f"/board/{token}/")
        assert page.evaluate("navigator.language") == "en-US"
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "UTC"
        for moment in ("first page", "after refreshes"):
            if moment == "after refreshes":
                _refresh_cycles(page, 3)  # new data once, then revalidated (304)
            expect(page.locator("html")).to_have_attribute("lang", "vi")
            expect(page.locator("h1")).to_contain_text("Tình hình thực hiện nhiệm vụ được giao")
            expect(page.locator("#overdue-title")).to_contain_text("Quá hạn")
            expect(page.locator(".item-list.red li").first).to_contain_text("trễ 40 ngày")
            expect(page.locator(".total.orange .l")).to_have_text("Hoàn thành trễ hạn")
            body = page.locator("body").inner_text()
            assert "Implementation of directives" not in body and "days late" not in body
            _assert_committee_time(page.locator("#board-refreshed").inner_text())
    finally:
        page.context.close()


def test_a_screen_set_to_english_shows_english(browser, live_server, org, people, fast_poll):
    _overdue(org, people)
    token = _screen(org, language="en")
    page = _new_page(browser, live_server, locale="vi-VN", timezone_id="UTC")
    try:
        page.goto(f"/board/{token}/")
        for moment in ("first page", "after refreshes"):
            if moment == "after refreshes":
                _refresh_cycles(page, 3)
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("h1")).to_contain_text("Implementation of directives")
            expect(page.locator("#overdue-title")).to_contain_text("Overdue")
            expect(page.locator(".item-list.red li").first).to_contain_text("40 days late")
            _assert_committee_time(page.locator("#board-refreshed").inner_text())
    finally:
        page.context.close()


# Every list's rows as the screen shows them now, and any row outside its box or the screen.
SHOWN = """() => {
  const out = {};
  for (const pane of document.querySelectorAll(".pane[data-list]")) {
    const box = pane.querySelector(".pane-box").getBoundingClientRect();
    const rows = [...pane.querySelectorAll(".pane-box tr, .pane-box li")]
      .filter((row) => row.getClientRects().length > 0);
    const outside = [];
    if (box.bottom > innerHeight + 0.5 || box.right > innerWidth + 0.5) { outside.push("box"); }
    for (const row of rows) {
      const r = row.getBoundingClientRect();
      if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5 ||
          r.right > box.right + 0.5 || r.bottom > innerHeight || r.right > innerWidth) {
        outside.push(`${row.innerText.slice(0, 60)} ${JSON.stringify(r)}`);
      }
    }
    out[pane.dataset.list] = {
      rows: rows.filter((row) => !row.closest("thead")).map((row) => row.innerText),
      outside: outside,
      pager: pane.querySelector(".pager").textContent,
    };
  }
  return out;
}"""


def _watch(page, done, seconds: float) -> None:
    """Look at the screen four times a second, every row whole, until ``done(shown)``."""
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=seconds)
    while True:
        shown = page.evaluate(SHOWN)
        for name, state in shown.items():
            assert not state["outside"], (name, state["outside"])
        if done(shown):
            return
        assert datetime.datetime.now() < deadline, "not shown in time"
        page.wait_for_timeout(250)


def _key(text: str) -> str:
    """The tag each row of the test starts with: [U07], [Q12], [S03]."""
    found = re.search(r"\[[A-Z]+\d+\]", text)
    return found.group(0) if found else text


@pytest.fixture
def crowded(org, people):
    """More of everything than fits: 34 units with names that wrap, 34 overdue and 14 due-soon
    tasks whose contents take two lines."""
    today = clock.today()
    soon = Today.now().due_soon_until
    units = [
        make_unit(org.province, UnitKind.DEPARTMENT, f"[U{i:02}] " + UNIT.format(i), f"BQL{i}")
        for i in range(34)
    ]
    specs = [
        TaskSpec(content=f"[Q{i:02}] {CONTENT}", lead_unit=unit,
                 deadline_date=today - datetime.timedelta(days=60 - i))
        for i, unit in enumerate(units)
    ]  # fmt: skip
    issue(people.specialist, org, people, *specs, issued_on=today - datetime.timedelta(days=90))
    specs = [
        TaskSpec(content=f"[S{i:02}] {CONTENT}", lead_unit=unit, deadline_date=soon)
        for i, unit in enumerate(units[:14])
    ]
    issue(people.specialist, org, people, *specs, issued_on=today)
    return {
        "units": {f"[U{i:02}]" for i in range(34)},
        "overdue": {f"[Q{i:02}]" for i in range(34)},
        "soon": {f"[S{i:02}]" for i in range(14)},
        "unit": units[-1],
        "soon_date": soon,
    }


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_list_pages_by_the_room_it_has_and_never_cuts_a_row(
    browser, live_server, org, people, crowded, fast_poll, width, height
):
    token = _screen(org)
    page = _new_page(browser, live_server, width, height, locale="vi-VN")
    try:
        page.goto(f"/board/{token}/")
        shown = page.evaluate(SHOWN)  # the first page of each list, before the first turn
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"board-{width}x{height}.png")
        for name in ("units", "overdue", "soon"):
            assert not shown[name]["outside"], (name, shown[name]["outside"])
            assert re.fullmatch(r"1/\d+", shown[name]["pager"]), (name, shown[name]["pager"])
            assert 1 < len(shown[name]["rows"]) < len(crowded[name]), name
        if width == 1920:
            sizes = page.evaluate("""() =>
              [".units tbody td", ".item-list .what", ".item-list .meta"].map((css) =>
                parseFloat(getComputedStyle(document.querySelector(css)).fontSize))""")
            assert sizes[0] >= 22 and sizes[1] >= 22 and sizes[2] >= 20, sizes  # read from afar

        # Every row of every list comes round, each page whole, inside its box and the screen.
        lists = ("units", "overdue", "soon")
        seen = {name: set() for name in lists}
        pages_seen = {name: set() for name in lists}

        def all_seen(shown) -> bool:
            for name in lists:
                seen[name] |= {_key(text) for text in shown[name]["rows"]}
                pages_seen[name].add(shown[name]["pager"])
            return all(seen[name] >= crowded[name] for name in lists)

        _watch(page, all_seen, seconds=40)
        assert all(len(pages_seen[name]) > 1 for name in lists), pages_seen  # pages turned

        # A task due soon added now comes round within a few turns, whole, like the others.
        issue(people.specialist, org, people, TaskSpec(
            content=f"[S99] {CONTENT}", lead_unit=crowded["unit"],
            deadline_date=crowded["soon_date"],
        ), issued_on=clock.today())  # fmt: skip
        _watch(page, lambda shown: "[S99]" in {_key(t) for t in shown["soon"]["rows"]}, 20)
    finally:
        page.context.close()


def test_a_screenshot_of_a_screen_set_to_english(browser, live_server, org, people, crowded):
    token = _screen(org, language="en")
    page = _new_page(browser, live_server, locale="en-US", timezone_id="UTC")
    try:
        page.goto(f"/board/{token}/")
        expect(page.locator("h1")).to_contain_text("Implementation of directives")
        assert not any(page.evaluate(SHOWN)[name]["outside"] for name in ("units", "overdue"))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "board-1920x1080-en.png")
    finally:
        page.context.close()


def test_every_answer_304_included_renews_the_time_shown(page, org, people, fast_poll, monkeypatch):
    """The time comes from the server with every answer; an unchanged board is still a 304,
    and the browser's cache hands the 304's header to the script."""
    from chidao.board import views

    not_modified = []

    class Recorded(views.HttpResponseNotModified):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            not_modified.append(self)

    monkeypatch.setattr(views, "HttpResponseNotModified", Recorded)
    _overdue(org, people)
    token = _screen(org)
    page.goto(f"/board/{token}/")
    _refresh_cycles(page, 2)
    monkeypatch.setattr(views, "_committee_time", lambda: "01/01/2030 08:00")
    answered = len(not_modified)
    _refresh_cycles(page, 2)
    assert len(not_modified) > answered  # nothing changed: served as 304
    expect(page.locator("#board-refreshed")).to_have_text("01/01/2030 08:00")
