"""The statistics by directing leader, by Office division and by tracking specialist: each
table adds up to the totals, each row counts what the counting module counts for its tasks, and
each figure opens exactly its tasks (the list's filters by leader, division and specialist)."""

import datetime
import html as html_lib

import pytest
from django.core.cache import cache

from chidao.board import stats
from chidao.board.tests.test_every_number import FIGURE, _list_count, _walk
from chidao.board.tests.worlds import at
from chidao.directives.models import Task
from chidao.directives.timeliness import Counts, Today, counting_groups
from chidao.org.models import Membership, Role

D = datetime.date
SCOPE_ARGS = {"start": D(2025, 1, 1), "end": D(2026, 12, 31)}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _sum(rows) -> Counts:
    return Counts(**{
        name: sum(getattr(row.counts, name) for row in rows)
        for name in Counts.__dataclass_fields__
    })  # fmt: skip


def test_each_table_adds_up_to_the_totals_and_each_row_to_its_tasks(org, people, world):
    # The specialist also holds a later seat in another division: his tasks count once, in the
    # division he sat in first.
    Membership.objects.create(person=people.specialist, unit=org.div_th, role=Role.SPECIALIST)
    with at(D(2026, 3, 20)):
        today = Today.now()
        scope = stats.Scope(unit=org.province, **SCOPE_ARGS)
        board = stats.build(people.office_leader, scope, today)
        counted = stats.tasks_in(people.office_leader, scope)
        for table in (board.by_leader, board.by_division, board.by_specialist):
            assert _sum(table) == board.totals
            assert sum(row.stale for row in table) == board.totals_stale
        leaders = {row.label: row.counts for row in board.by_leader}
        assert leaders[people.leader.full_name] == counting_groups(
            counted.filter(directing_leader=people.leader), today.date
        )
        none = board.by_leader[-1]
        assert "no_leader=on" in none.links["total"]
        assert none.counts == counting_groups(
            counted.filter(directing_leader__isnull=True), today.date
        )
        divisions = {row.label: row.counts for row in board.by_division}
        assert divisions[org.div_kt.name] == counting_groups(
            counted.filter(specialist=people.specialist), today.date
        )
        assert org.div_th.name not in divisions or divisions[org.div_th.name] == counting_groups(
            counted.filter(specialist=people.specialist_th), today.date
        )
        specialists = [row.label for row in board.by_specialist]
        assert people.specialist.full_name in specialists


def test_a_former_leaders_tasks_still_open_from_his_row(client, org, people, world):
    """The leader left office: his row stays, and its link still filters (not "invalid
    choice", which would have shown every task)."""
    Membership.objects.filter(person=people.leader).update(is_active=False)
    with at(D(2026, 3, 20)):
        client.force_login(people.office_leader)
        page = client.get(
            f"/dashboard/?start=01/01/2025&end=31/12/2026&unit={org.province.pk}"
        ).content.decode()
        section = page[page.index('id="leaders-title"') : page.index('id="divisions-title"')]
        figures = [(int(n), html_lib.unescape(h)) for n, h in FIGURE.findall(section)]
        assert any(f"leader={people.leader.pk}" in href for _n, href in figures)
        for number, href in figures:
            assert _list_count(client, href) == number, href
        leader_row = next(h for n, h in figures if f"leader={people.leader.pk}" in h)
        response = client.get(leader_row)
        assert f'value="{people.leader.pk}" selected' in response.content.decode()


def test_a_unit_sees_its_tasks_by_the_division_that_follows_them(client, org, people, world):
    with at(D(2026, 3, 20)):
        client.force_login(people.unit_head)
        page = client.get("/dashboard/?start=01/01/2025&end=31/12/2026").content.decode()
        section = page[page.index('id="divisions-title"') : page.index('id="specialists-title"')]
        assert org.div_kt.name in section
        figures = [(int(n), html_lib.unescape(h)) for n, h in FIGURE.findall(section)]
        assert figures
        for number, href in figures:
            assert _list_count(client, href) == number, href


def test_the_no_leader_filter_and_the_no_division_filter(client, org, people, world):
    with at(D(2026, 3, 20)):
        client.force_login(people.office_leader)
        response = client.get("/tasks/?no_leader=on", headers={"HX-Request": "true"})
        shown = {row.task.pk for row in response.context["rows"]}
        assert shown
        assert all(Task.objects.get(pk=pk).directing_leader_id is None for pk in shown)
        response = client.get("/tasks/?no_division=on", headers={"HX-Request": "true"})
        seated = set(
            Membership.objects.filter(role=Role.SPECIALIST, is_active=True,
                                      unit__kind="office_division").values_list("person_id",
                                                                                 flat=True)
        )  # fmt: skip
        for row in response.context["rows"]:
            assert row.task.specialist_id not in seated


def test_a_period_chosen_by_name_sets_the_dates(client, org, people, world):
    with at(D(2026, 3, 20)):
        client.force_login(people.office_leader)
        response = client.get("/dashboard/?period=month-2026-3")
        scope = response.context["d"].scope
        assert (scope.start, scope.end) == (D(2026, 2, 15), D(2026, 3, 14))
        page = response.content.decode()
        assert 'value="15/02/2026"' in page and 'value="14/03/2026"' in page
        assert 'value="month-2026-3" selected' in page
        assert "Tháng 3/2026 (15/02/2026 \u2013 14/03/2026)" in page
        # A period that is not one is refused with its error, like any wrong field.
        response = client.get("/dashboard/?period=month-2026-13&start=01/03/2026&end=20/03/2026")
        assert response.context["form"].errors["period"]


def test_every_number_of_a_reporting_month_opens_exactly_its_tasks(client, org, people, world):
    """A reporting month ends on the 14th: the month table's last row, counted up to then,
    must open the tasks due up to then, not to the end of the calendar month."""
    with at(D(2026, 3, 20)):
        followed = _walk(client, people.office_leader,
                         f"/dashboard/?period=month-2026-3&unit={org.province.pk}")  # fmt: skip
    assert followed >= 30
