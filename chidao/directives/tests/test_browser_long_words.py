"""Layout things users noticed (issue 10, item 8), in a real browser at 360 and 1366 px.

- A 10,000-character string without a space (a pasted link) in a task's content, its progress
  and a comment wraps: no page gets wider than the screen (it made the task page 95,000 px wide).
- The task list's sort dropdown shows its whole choice.

Playwright drives Debian's chromium against the live server (chidao/browser.py), in Vietnamese.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from chidao.browser import log_in
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SIZES = [{"width": 360, "height": 740}, {"width": 1366, "height": 768}]
LINK = "https://dichvucong.dongthap.gov.vn/tai-lieu?ma=HS2026-"


def unbroken(seed: str) -> str:
    """10,000 characters without a space: a pasted link."""
    text = LINK + (seed * 10_000)
    return text[:10_000]


def at(day: int, month: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=HANOI)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def pasted(org, people):
    """A task of Sở Tài chính whose content, progress and a comment are each one long link."""
    with time_machine.travel(at(2, 3), tick=False):
        (task,) = issue(
            people.specialist,
            org,
            people,
            TaskSpec(
                content=unbroken("NoiDung"),
                lead_unit=org.finance,
                cooperating_units=[org.health],
                directing_leader=people.leader,
                deadline_date=datetime.date(2026, 3, 31),
            ),
            summary=unbroken("TrichYeu"),
        )
    with time_machine.travel(at(5, 3), tick=False):
        task = actions.receive(people.unit_staff, task)
        task = actions.post_progress(people.unit_staff, task, unbroken("TienDo"), 40)
        task = actions.comment(people.specialist, task, unbroken("TraoDoi"))
    return task


def test_a_pasted_link_of_10000_characters_wraps_on_every_page(page, people, pasted):
    pages = {
        "task": reverse("directives:task_detail", args=[pasted.pk]),
        "list": reverse("directives:task_list"),
        "home": "/",
        "directive": reverse("directives:directive_detail", args=[pasted.directive_id]),
    }
    with time_machine.travel(at(10, 3), tick=True):
        log_in(page, "unit_staff")
        for size in SIZES:
            page.set_viewport_size(size)
            for name, url in pages.items():
                page.goto(url)
                # The long text is there (not cut away to make room), and the page fits.
                assert page.get_by_text(re.compile("NoiDungNoiDung")).count() >= 1, name
                width = page_width(page)
                assert width <= size["width"], f"{name} is {width} px wide at {size['width']}"
            page.goto(pages["task"])
            timeline = page.locator("#timeline")
            assert "TienDoTienDo" in timeline.inner_text()
            assert "TraoDoiTraoDoi" in timeline.inner_text()
            box = timeline.bounding_box()
            assert box["x"] + box["width"] <= size["width"]


# The text each option needs against the room the select gives it (inside its padding, which
# holds the arrow): every choice, not only the one selected now, fits.
MEASURE = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {room, scroll: select.scrollWidth, client: select.clientWidth,
          texts: [...select.options].map(o => [o.text, context.measureText(o.text).width])};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}px")
def test_the_sort_dropdown_shows_its_whole_choice(page, people, size):
    log_in(page, "unit_staff")
    page.set_viewport_size(size)
    page.goto(reverse("directives:task_list"))
    select = page.get_by_label("Sắp xếp")
    for option in select.locator("option").all_inner_texts():
        select.select_option(label=option)
        measured = select.evaluate(MEASURE)
        assert measured["scroll"] <= measured["client"], measured
        assert all(width <= measured["room"] for _text, width in measured["texts"]), measured
    assert page_width(page) <= size["width"]
