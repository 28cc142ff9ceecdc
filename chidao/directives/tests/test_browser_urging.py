"""Đôn đốc in a real browser: the specialist urges the lead unit from the task page, and the
urging appears on the task's timeline."""

import datetime

import time_machine
from playwright.sync_api import expect

from chidao.directives.models import EventKind, Task
from chidao.directives.tests.test_browser_task_life import (
    field,
    log_in,
    step_box,
    submit_step,
    vi,
)

LATE = datetime.datetime(2026, 4, 2, 3, tzinfo=datetime.UTC)  # two days after the deadline
MESSAGE = "Đề nghị Sở Tài chính khẩn trương hoàn thành, báo cáo trước ngày 10/4/2026."


def test_a_specialist_urges_a_task_and_it_appears_on_the_timeline(page, task, people):
    with time_machine.travel(LATE, tick=False):
        log_in(page, "specialist")
        page.goto(f"/tasks/{task.pk}/")
        box = step_box(page, "Urge the lead unit")
        expect(field(box, "Message to the lead unit")).to_have_attribute("maxlength", "500")
        field(box, "Message to the lead unit").fill(MESSAGE)
        submit_step(box, "Urge the lead unit")

        done = page.get_by_role("status").filter(has_text=vi("The lead unit was urged."))
        expect(done).to_be_visible()
        timeline = page.locator("li").filter(has_text=MESSAGE)
        expect(timeline).to_have_count(1)
        expect(timeline.locator("strong")).to_have_text("Đôn đốc")
        expect(timeline).to_contain_text("Specialist")

    task = Task.objects.get(pk=task.pk)
    assert task.urged_count == 1
    assert task.events.order_by("-seq").first().kind == EventKind.URGED
