"""The unit change pages: only the administrators covering the unit reach them; the preview
lists exactly what the confirmation then moves; refusals say why in Vietnamese and change
nothing."""

import datetime
import re

import pytest

from chidao.directives.actions import TaskSpec
from chidao.directives.models import Task
from chidao.directives.tests.conftest import issue
from chidao.org.models import Unit, UnitChange
from chidao.org.tests.test_unit_changes import snapshot

ON = "01/07/2026"


def url(unit, kind):
    return f"/org/units/{unit.pk}/change/{kind}/"


@pytest.fixture
def tasks(org, people):
    spec = lambda content, lead, coop=(): TaskSpec(  # noqa: E731
        content=content, lead_unit=lead, cooperating_units=list(coop),
        deadline_date=datetime.date(2027, 6, 30),
    )  # fmt: skip
    return issue(
        people.specialist, org, people,
        spec("Y tế chủ trì việc một", org.health),
        spec("Y tế chủ trì việc hai", org.health, [org.commune_a]),
        spec("Xã A chủ trì, Y tế phối hợp", org.commune_a, [org.health]),
        spec("Tài chính chủ trì, việc riêng", org.finance),
    )  # fmt: skip


def _section_task_ids(html: str, section_id: str) -> set[int]:
    """The tasks linked inside the preview's list ``section_id`` (a <details> element)."""
    match = re.search(rf'<details id="{section_id}">(.*?)</details>', html, re.S)
    assert match, section_id
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', match.group(1))}


@pytest.mark.parametrize("kind", ["rename", "move", "merge", "dissolve"])
def test_only_administrators_covering_the_unit_open_the_forms(client, org, people, kind):
    client.force_login(people.admin)
    assert client.get(url(org.health, kind)).status_code == 200
    client.force_login(people.unit_head)
    assert client.get(url(org.finance, kind)).status_code == 403
    assert client.post(url(org.finance, kind), {"effective_on": ON}).status_code == 403
    client.force_login(people.outsider)
    assert client.get(url(org.health, kind)).status_code == 404
    client.logout()
    assert client.get(url(org.health, kind)).status_code == 302


def test_an_unknown_change_is_not_found(client, org, people):
    client.force_login(people.admin)
    assert client.get(url(org.health, "split")).status_code == 404


def test_the_unit_page_offers_the_changes_to_administrators_only(client, org, people):
    client.force_login(people.admin)
    page = client.get(f"/org/units/{org.health.pk}/").content.decode()
    assert url(org.health, "merge") in page and "Sáp nhập vào đơn vị khác" in page
    client.force_login(people.unit_head)
    page = client.get(f"/org/units/{org.finance.pk}/").content.decode()
    assert f"/org/units/{org.finance.pk}/change/" not in page


def test_the_merge_preview_lists_exactly_what_the_confirmation_moves(client, org, people, tasks):
    client.force_login(people.admin)
    form = {"into": org.finance.pk, "effective_on": ON, "decision": "QĐ 12/QĐ-UBND"}
    before = snapshot()
    preview = client.post(url(org.health, "merge"), {**form, "preview": ""})
    assert preview.status_code == 200
    assert snapshot() == before  # a preview writes nothing
    html = preview.content.decode()
    lead = _section_task_ids(html, f"merge-{org.health.pk}-lead-tasks")
    shared = _section_task_ids(html, f"merge-{org.health.pk}-cooperations")
    assert "2 nhiệm vụ chưa kết thúc do đơn vị chủ trì chuyển cho đơn vị kế thừa" in html
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)

    done = client.post(url(org.health, "merge"), {**form, "fingerprint": fingerprint,
                                                  "confirm": ""})  # fmt: skip
    assert done.status_code == 302 and done.url == f"/org/units/{org.finance.pk}/"
    after = snapshot()
    moved_lead = {pk for pk, row in after["tasks"].items() if row[0] != before["tasks"][pk][0]}
    moved_shares = {
        after_row for pk, after_row in after["cooperations"].items()
        if after_row != before["cooperations"][pk]
    }  # fmt: skip
    assert moved_lead == lead == {tasks[0].pk, tasks[1].pk}
    assert shared == {tasks[2].pk}
    assert moved_shares == {(org.finance.pk,)}
    assert Task.objects.get(pk=tasks[2].pk).cooperations.get().unit == org.finance
    health = Unit.objects.get(pk=org.health.pk)
    assert not health.is_active and str(health.dissolved_on) == "2026-07-01"


def test_a_confirmation_after_the_work_changed_shows_the_new_preview(client, org, people, tasks):
    client.force_login(people.admin)
    form = {"into": org.finance.pk, "effective_on": ON, "decision": "QĐ 12"}
    html = client.post(url(org.health, "merge"), {**form, "preview": ""}).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)
    Task.objects.filter(pk=tasks[0].pk).update(state="cancelled")
    before = snapshot()
    page = client.post(url(org.health, "merge"), {**form, "fingerprint": fingerprint,
                                                  "confirm": ""})  # fmt: skip
    assert page.status_code == 200
    assert "đã khác so với lúc xem trước" in page.content.decode()
    assert snapshot() == before
    assert _section_task_ids(page.content.decode(), f"merge-{org.health.pk}-lead-tasks") == {
        tasks[1].pk
    }


REFUSED = {
    "move under its own subunit": (
        "finance", "move", {"new_parent": "finance_sub"}, "Hãy chọn một đơn vị trong danh sách."
    ),
    "merge into a dissolved unit": (
        "health", "merge", {"into": "dissolved"}, "Hãy chọn một đơn vị trong danh sách."
    ),
    "merge into its own subunit": (
        "finance", "merge", {"into": "finance_sub"}, "Hãy chọn một đơn vị trong danh sách."
    ),
    "merge a department into a committee": (
        "health", "merge", {"into": "commune_a"}, "Hãy chọn một đơn vị trong danh sách."
    ),
    "merge without a decision": (
        "health", "merge", {"into": "finance", "decision": ""},
        "Hãy nhập số quyết định về thay đổi này.",
    ),
    "a date in the wrong format": (
        "health", "dissolve", {"effective_on": "2026-13-40"},
        "Hãy nhập ngày theo dạng dd/mm/yyyy.",
    ),
    "dissolve a unit with people": (
        "health", "dissolve", {}, "Cần kết thúc vai trò của các cán bộ",
    ),
    "rename to a sibling's code": (
        "health", "rename", {"name": "Sở Y tế", "code": "STC"}, "đã dùng ký hiệu STC",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("unit", "kind", "fields", "message"), REFUSED.values(), ids=REFUSED)
def test_a_refused_change_says_why_and_changes_nothing(
    client, org, people, unit, kind, fields, message
):
    dissolved = Unit.objects.create(
        parent=org.province, kind="department", name="Sở đã giải thể", code="SGT",
        is_active=False, dissolved_on=datetime.date(2026, 1, 1),
    )  # fmt: skip
    units = {"dissolved": dissolved, **vars(org)}
    data = {"effective_on": ON, "decision": "QĐ 1"}
    for name, value in fields.items():
        data[name] = units[value].pk if value in units else value
    client.force_login(people.admin)
    before = snapshot()
    for step in ("preview", "confirm"):
        page = client.post(url(getattr(org, unit), kind), {**data, step: ""})
        assert page.status_code == 200
        text = page.content.decode()
        assert message in text
        assert 'name="confirm"' not in text
    assert snapshot() == before


def test_a_renaming_from_the_page_keeps_the_former_name_in_the_history(client, org, people):
    client.force_login(people.admin)
    form = {
        "name": "Sở Y tế và Dân số", "short_name": "", "code": "SYTDS", "effective_on": ON,
        "decision": "QĐ 20/QĐ-UBND",
    }  # fmt: skip
    html = client.post(url(org.health, "rename"), {**form, "preview": ""}).content.decode()
    assert "Sở Y tế và Dân số" in html and "SYTDS" in html
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)
    done = client.post(url(org.health, "rename"), {**form, "fingerprint": fingerprint,
                                                   "confirm": ""})  # fmt: skip
    assert done.status_code == 302
    assert Unit.objects.get(pk=org.health.pk).name == "Sở Y tế và Dân số"
    change = UnitChange.objects.get()
    assert (change.name_before, change.code_before, change.recorded_by) == (
        "Sở Y tế", "SYT", people.admin
    )  # fmt: skip
    page = client.get(done.url).content.decode()
    assert "01/07/2026 — Đổi tên: Sở Y tế (SYT) → Sở Y tế và Dân số (SYTDS)" in " ".join(
        page.split()
    )
    assert "(QĐ 20/QĐ-UBND)" in page


def test_a_move_from_the_page(client, org, people):
    (task,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Việc của Chi cục", lead_unit=org.finance_sub,
                 deadline_date=datetime.date(2027, 6, 30)),
    )  # fmt: skip
    client.force_login(people.admin)
    form = {"new_parent": org.health.pk, "effective_on": ON, "decision": ""}
    html = client.post(url(org.finance_sub, "move"), {**form, "preview": ""}).content.decode()
    link = re.search(r'<a id="move-open-tasks" href="([^"]+)">\s*1 nhiệm vụ đang mở', html)
    listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert set(map(int, re.findall(r'href="/tasks/(\d+)/"', listed))) == {task.pk}
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)
    done = client.post(url(org.finance_sub, "move"), {**form, "fingerprint": fingerprint,
                                                      "confirm": ""})  # fmt: skip
    assert done.status_code == 302
    assert Unit.objects.get(pk=org.finance_sub.pk).parent == org.health
