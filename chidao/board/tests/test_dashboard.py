"""The leaders' dashboard: the domain's counts, and every number opens exactly its tasks."""

import datetime
import functools
import html as html_lib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from chidao.board import stats
from chidao.board.tests.test_board import TODAY, boundaries  # noqa: F401 (a fixture)
from chidao.board.tests.worlds import at, spec
from chidao.core import prepared
from chidao.directives import actions
from chidao.directives.models import Task
from chidao.directives.models.task import UNIT_COUNTING_COLUMNS
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import Today, counting_groups

D = datetime.date

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


# --- Extensions asked after the deadline: a sub-group of "done on time", shown apart ------------
LATE_EXTENSIONS_SEEN = datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC)
EVERY_DAY_DASHBOARD = "/dashboard/?start=01/01/2025&end=31/12/2026"


def test_work_done_within_a_late_extension_is_counted_apart(client, org, people, settings):
    settings.CHIDAO_LATE_EXTENSIONS = True
    with at(D(2026, 3, 2)):
        late, timely = issue(people.specialist, org, people,
                             spec("Gia hạn xin muộn", org.finance, D(2026, 3, 10)),
                             spec("Gia hạn xin đúng lúc", org.finance, D(2026, 3, 10)))  # fmt: skip
        actions.receive(people.unit_staff, late)
        actions.receive(people.unit_staff, timely)
    with at(D(2026, 3, 6)):
        on_time = actions.request_extension(people.unit_staff, timely, proposed_date=D(2026, 3, 20),
                                            reason="Chờ số liệu")  # fmt: skip
        actions.decide_extension(people.office_leader, on_time, approve=True)
    with at(D(2026, 3, 12)):  # two days after the deadline
        asked_late = actions.request_extension(
            people.unit_staff, late, proposed_date=D(2026, 3, 20), reason="Chờ số liệu"
        )
        actions.decide_extension(people.office_leader, asked_late, approve=True)
    with at(D(2026, 3, 18)):
        for task in (late, timely):
            task = actions.report_done(people.unit_staff, task, result="Xong")
            actions.propose_closing(people.specialist, task)
            actions.confirm(people.office_leader, task)
    with time_machine.travel(LATE_EXTENSIONS_SEEN, tick=False):
        scope = stats.Scope(D(2025, 1, 1), D(2026, 12, 31), org.province)
        board = stats.build(people.office_leader, scope)
    assert board.totals.done_on_time == 2
    assert board.totals.done_on_time_after_extension == 2
    assert board.totals.done_on_time_after_late_extension == 1
    client.force_login(people.office_leader)
    with time_machine.travel(LATE_EXTENSIONS_SEEN, tick=False):
        page = client.get(EVERY_DAY_DASHBOARD).content.decode()
        link = html_lib.unescape(
            re.search(r'data-count="1" href="([^"]+after_late_extension[^"]*)"', page).group(1)
        )
        listed = client.get(link, headers={"HX-Request": "true"}).context["page"].object_list
    assert [t.content for t in listed] == ["Gia hạn xin muộn"]


# --- One unit's statistics cost what its tasks cost ----------------------------------------------
def test_a_units_figures_read_only_columns_of_the_counting_index(client, org, people, task):
    """Each aggregate of one unit's statistics reads the task columns of
    ``task_unit_counting_idx`` and nothing else, so PostgreSQL answers it from the index alone
    (a column outside it made the groupings by leader and by specialist visit every task's row:
    5,500 rows of Sở Tài chính at 100,000 tasks, 12 ms each instead of 5)."""
    indexed = {Task._meta.get_field(name).column for name in UNIT_COUNTING_COLUMNS}
    client.force_login(people.office_leader)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{URL}&unit={org.finance.pk}")
    assert response.status_code == 200
    aggregates = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "directives_task"' in q["sql"]
        and "COUNT(" in q["sql"]
    ]  # fmt: skip
    # The groupings (by unit, block, kind, leader and specialist) with the corrected deadlines,
    # in one pass; the ageing of the overdue; the trend; the urgings.
    assert len(aggregates) == 4
    assert any('"directives_task"."specialist_id" AS "specialist"' in sql for sql in aggregates)
    for sql in aggregates:
        read = set(re.findall(r'"directives_task"\."(\w+)"', sql))
        assert read <= indexed, (read - indexed, sql[:200])


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_the_dashboards_markup_is_drawn_once_per_change_and_language(client, org, people):
    """Seen again before any change, the dashboard draws none of its figures' markup; a step
    changes them at once; an English page gets English words, not the kept Vietnamese ones."""
    with at(D(2026, 3, 2)):
        tasks = issue(people.specialist, org, people,
                      spec("Việc một", org.finance, D(2026, 3, 20)),
                      spec("Việc hai", org.finance, D(2026, 3, 25)))  # fmt: skip
    client.force_login(people.office_leader)
    with at(D(2026, 3, 10)):
        first = client.get(URL)
        assert "board/_dashboard_body.html" in {t.name for t in first.templates}
        html = first.content.decode()
        assert _figure(html, "open_within") == 2
        again = client.get(URL)
        assert "board/_dashboard_body.html" not in {t.name for t in again.templates}
        assert _figure(again.content.decode(), "open_within") == 2
        assert "Đúng hạn" in html.split('id="totals-title"', 1)[1]

        actions.receive(people.unit_staff, tasks[0])
        actions.report_done(people.unit_staff, Task.objects.get(pk=tasks[0].pk), result="Xong")
        actions.propose_closing(people.specialist, Task.objects.get(pk=tasks[0].pk))
        actions.confirm(people.office_leader, Task.objects.get(pk=tasks[0].pk))
        after = client.get(URL).content.decode()
        assert (_figure(after, "open_within"), _figure(after, "done_on_time")) == (1, 1)

        client.cookies["django_language"] = "en"
        english = client.get(URL).content.decode().split('id="totals-title"', 1)[1]
    assert "Done on time" in english and "Hoàn thành đúng hạn" not in english


def _figure(html: str, group: str) -> int:
    """The big figure of a group at the top of the dashboard (its card has the group's colour)."""
    colour = {"open_within": "green", "done_on_time": "blue"}[group]
    return int(re.search(rf'cd-fig-{colour}" data-count="(\d+)"', html).group(1))


# --- Its queries are compiled once per process --------------------------------------------------
@pytest.mark.parametrize("query", [stats._groups_query, stats._ageing_query, stats._trend_query,
                                   stats._urgings_query])  # fmt: skip
def test_a_dashboards_kept_queries_are_what_django_compiles_for_each_scope(org, people, query):
    """Each counting query of the dashboard is compiled once per shape and process and run with
    each request's values (``core.prepared``): for every scope, period and day its SQL and
    parameters are exactly those Django compiles for them."""
    person = people.office_leader
    for unit, block, start, end, day in [
        (org.finance, None, D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 20)),
        (org.province, None, D(2025, 3, 15), D(2026, 3, 14), D(2026, 4, 2)),
        (org.province, org.block_kt, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1)),
        (org.health, None, D(2024, 12, 1), D(2026, 12, 1), D(2026, 12, 1)),
        (None, None, D(2026, 1, 1), D(2026, 12, 31), D(2027, 1, 4)),
    ]:
        scope = stats.Scope(start=start, end=end, unit=unit, sector_block=block)
        counting = stats._Counting.of(person, scope, Today.now(date=day))
        make = functools.partial(query, counting.base)
        key = ("test", query.__name__)
        sql, params = make(**counting.values).query.sql_with_params()
        assert prepared.statement(key, make, **counting.values) == (sql, params, "default")


def test_the_sector_blocks_offered_are_those_of_the_units_seen(client, org, people):
    """The dashboard's sector-block select offers the blocks of the committees the person sees,
    and nothing of another province's; a block chosen stays chosen."""
    from chidao.org.models import SectorBlock

    other = SectorBlock.objects.create(committee=org.other_province, name="Khối Khác", code="K")
    client.force_login(people.office_leader)
    html = client.get(f"{URL}&sector_block={org.block_kt.pk}").content.decode()
    select = re.search(r'<select [^>]*name="sector_block".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d*)"', select) == ["", str(org.block_kt.pk)]
    assert f'<option value="{org.block_kt.pk}" selected>Khối Kinh tế</option>' in select
    assert "Khối Khác" not in html
    refused = client.get(f"{URL}&sector_block={other.pk}").content.decode()
    assert "invalid-feedback" in refused


def test_the_ranking_writes_each_units_place_rate_and_score(client, org, people):
    """The ranking's rows: a unit with something judged has its place, rate and score (with
    the Vietnamese decimal comma); a unit with nothing judged has neither place nor rate."""
    with at(D(2026, 3, 2)):
        issue(people.specialist, org, people,
              spec("Quá hạn", org.finance, D(2026, 3, 5)),
              spec("Còn hạn", org.health, D(2026, 12, 31)))  # fmt: skip
    client.force_login(people.office_leader)
    with at(D(2026, 3, 20)):
        html = client.get(f"{URL}&unit={org.province.pk}").content.decode()
    body = re.search(r'aria-describedby="ranking-rule">.*?<tbody>(.*?)</tbody>', html, re.S)
    rows = {re.search(r'<th scope="row"[^>]*>(.*?)</th>', row).group(1): row
            for row in re.findall(r"<tr>.*?</tr>", body.group(1))}  # fmt: skip
    finance, health = rows["Sở Tài chính"], rows["Sở Y tế"]
    assert finance.startswith("<tr><td>1</td>")
    assert "cd-bar-blue cd-w-0" in finance and "0%</td>" in finance
    assert re.search(r'class="cd-score">\d+,\d</td>', finance)
    assert health.startswith("<tr><td></td>")
    assert "\u2014</td>" in health
    assert 'data-count="1" href="/tasks/?' in finance
