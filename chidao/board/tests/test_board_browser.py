"""The board in a real browser: it changes by itself, and survives a dropped network."""

import datetime

import pytest
from playwright.sync_api import expect

from chidao.board.models import Screen
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue


@pytest.fixture
def fast_poll(settings):
    settings.CHIDAO_BOARD_POLL_SECONDS = 1


def _open(page, org):
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/board/{token}/")
    return token


def test_the_board_shows_a_change_without_reload(page, org, people, fast_poll):
    (task,) = issue(people.specialist, org, people, TaskSpec(
        content="Báo cáo giải ngân", lead_unit=org.finance,
        deadline_date=datetime.date.today() + datetime.timedelta(days=30),
    ), issued_on=datetime.date.today())  # fmt: skip
    _open(page, org)
    done_on_time = page.locator(".total.blue .n")
    expect(done_on_time).to_have_text("0")
    page.evaluate("window.__marker = 'same page'")

    actions.receive(people.unit_staff, task)
    actions.report_done(people.unit_staff, task, result="Đã xong")
    actions.propose_closing(people.specialist, task)
    actions.confirm(people.office_leader, task)

    expect(done_on_time).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.__marker") == "same page"  # no reload happened


def test_a_dropped_network_keeps_the_last_data_and_recovers(page, org, people, fast_poll):
    issue(people.specialist, org, people, TaskSpec(
        content="Việc đang làm", lead_unit=org.finance,
        deadline_date=datetime.date.today() + datetime.timedelta(days=30),
    ), issued_on=datetime.date.today())  # fmt: skip
    _open(page, org)
    total = page.locator(".total:not(.blue):not(.orange):not(.green):not(.red) .n")
    expect(total).to_have_text("1")

    page.route("**/data/**", lambda route: route.abort("internetdisconnected"))
    expect(page.locator("#board-status")).to_have_class("status-lost", timeout=10_000)
    expect(total).to_have_text("1")  # the last good data stays on screen

    page.unroute("**/data/**")
    expect(page.locator("#board-status")).to_have_class("status-ok", timeout=10_000)

    # The server restarting behind a proxy: error responses never replace the board.
    page.route("**/data/**", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    expect(page.locator("#board-status")).to_have_class("status-lost", timeout=10_000)
    expect(total).to_have_text("1")
    assert "Bad Gateway" not in page.content()

    page.unroute("**/data/**")
    expect(page.locator("#board-status")).to_have_class("status-ok", timeout=10_000)
