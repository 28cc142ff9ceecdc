"""The leaders' dashboard: the domain's counts, and every number opens exactly its tasks."""

import datetime
import re

import time_machine

from chidao.board import stats
from chidao.board.tests.test_board import TODAY, boundaries  # noqa: F401 (a fixture)
from chidao.directives.models import Task
from chidao.directives.timeliness import counting_groups

URL = "/dashboard/?start=01/01/2026&end=31/12/2026"


def _list_count(client, link: str) -> int:
    html = client.get(f"/tasks/?{link}").content.decode()
    return int(re.search(r'role="status">(\d+) ', html).group(1))


def test_the_totals_are_the_domains_counting_groups(client, org, people, boundaries):  # noqa: F811
    client.force_login(people.office_leader)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(URL)
        scope = stats.Scope(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        board = stats.build(people.office_leader, scope)
    assert response.status_code == 200
    expected = counting_groups(Task.objects.filter(parent__isnull=True), TODAY.date())
    assert board.totals == expected  # the office leader sees the confidential task too
    assert expected.total == 6


def test_every_number_opens_the_list_of_exactly_its_tasks(client, org, people, boundaries):  # noqa: F811
    client.force_login(people.office_leader)
    with time_machine.travel(TODAY, tick=False):
        scope = stats.Scope(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        board = stats.build(people.office_leader, scope)
        for group in ("total", "done_on_time", "done_late", "open_within", "open_overdue"):
            assert _list_count(client, board.totals_links[group]) == getattr(board.totals, group), (
                group
            )
        for row in board.ranking + board.by_block + board.by_kind:
            assert _list_count(client, row.links["open_overdue"]) == row.counts.open_overdue
            assert _list_count(client, row.links["total"]) == row.counts.total
        for _label, count, link in board.ageing:
            assert _list_count(client, link) == count
        for _label, on_time, _late, overdue, links in board.trend:
            assert _list_count(client, links["done_on_time"]) == on_time
            assert _list_count(client, links["open_overdue"]) == overdue


def test_a_unit_sees_only_its_own_figures(client, org, people, boundaries):  # noqa: F811
    client.force_login(people.other_staff)  # Sở Y tế
    with time_machine.travel(TODAY, tick=False):
        scope = stats.Scope(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        board = stats.build(people.other_staff, scope)
        assert client.get(URL).status_code == 200
    assert board.totals.total == 2
    assert {row.label for row in board.ranking} == {"Sở Y tế"}


def test_the_dashboard_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
