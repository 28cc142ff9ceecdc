"""The kiosk board: a secret link per screen, the official counts, nothing secret or personal."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from chidao.board import snapshot
from chidao.board.models import Screen
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Task
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import counting_groups

TODAY = datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC)  # Friday 20/03/2026, 10:00 local
LATE_EXPLANATION = {"cause": "objective", "explanation": "Chờ số liệu", "remedy": "Đôn đốc"}


def _screen(org, name="Sảnh tầng 1", **fields):
    screen = Screen(name=name, committee=org.province, **fields)
    token = screen.new_token()
    screen.save()
    return screen, token


def _spec(org, content, deadline, unit=None):
    return TaskSpec(content=content, lead_unit=unit or org.finance, deadline_date=deadline)


@pytest.fixture
def boundaries(org, people):
    """Tasks on every boundary the board must count like the domain does."""
    d = datetime.date
    with time_machine.travel(datetime.datetime(2026, 3, 2, 3, tzinfo=datetime.UTC), tick=False):
        tasks = issue(
            people.specialist, org, people,
            _spec(org, "Hạn hôm nay", d(2026, 3, 20)),
            _spec(org, "Hạn hôm qua", d(2026, 3, 19)),
            _spec(org, "Gia hạn sau khi quá hạn", d(2026, 3, 10)),
            _spec(org, "Hoàn thành vào ngày nghỉ", d(2026, 3, 6), org.health),
            _spec(org, "Hoàn thành trễ", d(2026, 3, 9), org.health),
        )  # fmt: skip
        for task in tasks:
            actions.receive(people.unit_staff if task.lead_unit == org.finance
                            else people.other_staff, task)  # fmt: skip
    by_content = {t.content: t for t in Task.objects.all()}
    extended = by_content["Gia hạn sau khi quá hạn"]
    with time_machine.travel(datetime.datetime(2026, 3, 5, 3, tzinfo=datetime.UTC), tick=False):
        request = actions.request_extension(
            people.unit_staff, extended, proposed_date=d(2026, 3, 31), reason="Chờ ý kiến Bộ"
        )
    with time_machine.travel(datetime.datetime(2026, 3, 12, 3, tzinfo=datetime.UTC), tick=False):
        actions.decide_extension(people.office_leader, request, approve=True)  # after the deadline
    weekend = datetime.datetime(2026, 3, 7, 3, tzinfo=datetime.UTC)  # Saturday, after 06/03
    with time_machine.travel(weekend, tick=False):
        task = by_content["Hoàn thành vào ngày nghỉ"]
        actions.report_done(
            people.other_staff, task, result="Xong", late_explanation=LATE_EXPLANATION
        )
    with time_machine.travel(datetime.datetime(2026, 3, 12, 3, tzinfo=datetime.UTC), tick=False):
        task = by_content["Hoàn thành trễ"]
        actions.report_done(
            people.other_staff, task, result="Xong", late_explanation=LATE_EXPLANATION
        )
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
    secret = issue(people.specialist, org, people, _spec(org, "Nội dung mật", d(2026, 3, 1)),
                   is_confidential=True, issued_on=d(2026, 2, 2))  # fmt: skip
    return secret


def test_the_board_counts_exactly_what_the_domain_counts(client, org, boundaries):
    _screen_row, token = _screen(org)
    with time_machine.travel(TODAY, tick=False):
        snap = snapshot.compute(org.province)
        expected = counting_groups(Task.objects.all(), TODAY.date())
        response = client.get(reverse("board:board", args=[token]))
    assert snap.counts == expected
    # Deadline yesterday; reported on a Saturday after 06/03; the confidential one (counted,
    # never listed).
    assert expected.open_overdue == 3
    assert expected.done_late == 1
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hạn hôm qua" in html and "Hạn hôm nay" in html
    assert f'<span class="n">{expected.open_overdue}</span>' in html


def test_a_confidential_task_counts_but_never_appears(client, org, boundaries):
    _screen_row, token = _screen(org)
    with time_machine.travel(TODAY, tick=False):
        html = client.get(reverse("board:board", args=[token])).content.decode()
        data = client.get(reverse("board:data", args=[token])).content.decode()
        snap = snapshot.compute(org.province)
    assert "Nội dung mật" not in html and "Nội dung mật" not in data
    assert all(item.content != "Nội dung mật" for item in snap.overdue)
    assert snap.counts.total == 6  # counted in the figures, so they equal the dashboard's
    assert snap.counts.open_overdue == 3 and len(snap.overdue) == 2


def test_no_personal_data_is_shown(client, org, people, boundaries):
    _screen_row, token = _screen(org)
    with time_machine.travel(TODAY, tick=False):
        html = client.get(reverse("board:board", args=[token])).content.decode()
    for person in (people.specialist, people.leader, people.unit_staff, people.office_leader):
        assert person.full_name not in html


def test_a_revoked_or_rotated_link_stops_at_once(client, org):
    screen, token = _screen(org)
    assert client.get(reverse("board:board", args=[token])).status_code == 200
    new_token = screen.new_token()
    screen.save()
    assert client.get(reverse("board:board", args=[token])).status_code == 404
    assert client.get(reverse("board:data", args=[token])).status_code == 404
    assert client.get(reverse("board:board", args=[new_token])).status_code == 200
    screen.is_active = False
    screen.save()
    assert client.get(reverse("board:board", args=[new_token])).status_code == 404
    assert client.get(reverse("board:board", args=["x" * 43])).status_code == 404


def test_unchanged_data_answers_304_and_a_change_answers_new_data(client, org, people, task):
    _screen_row, token = _screen(org)
    url = reverse("board:data", args=[token])
    with time_machine.travel(TODAY, tick=True):
        first = client.get(url)
        assert first.status_code == 200
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        actions.receive(people.unit_staff, task)
        actions.report_done(people.unit_staff, task, result="Đã xong")
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
        changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_the_body_is_drawn_once_per_snapshot_and_language(client, org, people, task):
    """Every screen of a scope shows the same lists: a second screen, or the page around them, is
    answered from the body drawn for the first; another language, or a change, draws anew."""
    _first, token = _screen(org)
    _second, other = _screen(org, name="Sảnh tầng 2")
    _english, english = _screen(org, name="Hall", language="en")

    def drawn(token, path="board:data"):
        response = client.get(reverse(path, args=[token]))
        assert response.status_code == 200
        names = {t.name for t in response.templates}
        return "board/_body.html" in names, response.content.decode()

    with time_machine.travel(TODAY, tick=True):
        was_drawn, body = drawn(token)
        assert was_drawn and "Sở Tài chính" in body
        assert drawn(other) == (False, body)
        was_drawn, page = drawn(token, "board:board")
        assert not was_drawn and body in page
        was_drawn, in_english = drawn(english)
        assert was_drawn and "Done on time" in in_english and "Đúng hạn" not in in_english

        # A step that shows nothing new (the same lists and counts) draws nothing either.
        actions.receive(people.unit_staff, task)
        assert drawn(other) == (False, body)
        actions.report_done(people.unit_staff, task, result="Đã xong")
        actions.propose_closing(people.specialist, task)
        actions.confirm(people.office_leader, task)
        was_drawn, after = drawn(other)
        assert was_drawn and after != body


def test_a_sector_blocks_board_and_a_communes_own_board_show_only_their_tasks(client, org, people):
    issue(
        people.specialist, org, people, _spec(org, "Việc khối kinh tế", datetime.date(2026, 4, 1))
    )
    issue(people.specialist, org, people,
          _spec(org, "Việc của Sở Y tế", datetime.date(2026, 4, 1), org.health))  # fmt: skip
    _screen_kt, token_kt = _screen(org, sector_block=org.block_kt)
    html = client.get(reverse("board:board", args=[token_kt])).content.decode()
    assert "Việc khối kinh tế" in html or "Sở Tài chính" in html
    assert "Sở Y tế" not in html
    commune = Screen(name="Xã A", committee=org.commune_a)
    token_a = commune.new_token()
    commune.save()
    html = client.get(reverse("board:board", args=[token_a])).content.decode()
    assert "Sở Tài chính" not in html and "Sở Y tế" not in html


def test_the_board_speaks_its_screens_language_and_the_committees_time(client, org, boundaries):
    """Whatever the browser asks for, in the first page, the periodic body and a 304."""
    _vi, token_vi = _screen(org)
    _en, token_en = _screen(org, name="Phòng khách", language="en")
    english = {"Accept-Language": "en-US,en;q=0.9"}
    with time_machine.travel(TODAY, tick=False):  # 03:00 UTC is 10:00 in Hồ Chí Minh City
        page = client.get(reverse("board:board", args=[token_vi]), headers=english)
        data = client.get(reverse("board:data", args=[token_vi]), headers=english)
        again = client.get(reverse("board:data", args=[token_vi]),
                           headers=english | {"If-None-Match": data["ETag"]})  # fmt: skip
        data_en = client.get(reverse("board:data", args=[token_en]),
                             headers={"Accept-Language": "vi"})  # fmt: skip
    for response in (page, data):
        html = response.content.decode()
        assert response["Content-Language"] == "vi"
        assert "Quá hạn" in html and "trễ 1 ngày" in html and "day late" not in html
        assert response["X-Board-Time"] == "20/03/2026 10:00"
    assert '<html lang="vi">' in page.content.decode()
    assert '<time id="board-refreshed">20/03/2026 10:00</time>' in page.content.decode()
    assert again.status_code == 304
    assert again["Content-Language"] == "vi" and again["X-Board-Time"] == "20/03/2026 10:00"
    # The same snapshot, another language: another body, so another ETag.
    assert data_en["Content-Language"] == "en" and "1 day late" in data_en.content.decode()
    assert data_en["ETag"] != data["ETag"]
    with time_machine.travel(TODAY, tick=False):
        stale = client.get(reverse("board:data", args=[token_en]),
                           headers={"If-None-Match": data["ETag"]})  # fmt: skip
    assert stale.status_code == 200


def test_the_body_carries_every_item_for_the_screen_to_page(client, org, people):
    """The screen pages by the room it has, so the server sends every listed item (up to the
    snapshot's caps), numbered, whatever page a screen is on."""
    today = datetime.date(2026, 3, 20)
    specs = [_spec(org, f"Việc quá hạn số {i:02}", today - datetime.timedelta(days=i + 1))
             for i in range(15)]  # fmt: skip
    issue(people.specialist, org, people, *specs, issued_on=datetime.date(2026, 1, 5))
    _screen_row, token = _screen(org)
    with time_machine.travel(TODAY, tick=False):
        html = client.get(reverse("board:data", args=[token]), {"page": 3}).content.decode()
    for i in range(15):
        assert f"Việc quá hạn số {i:02}" in html
    assert '<li value="15">' in html
