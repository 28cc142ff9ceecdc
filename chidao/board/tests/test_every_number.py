"""Every number on the home pages and the dashboard opens exactly its tasks, for every role.

The world below holds what makes counting hard: suspended, cancelled and reopened tasks, a
confidential directive, parts handed down inside a department and to a commune, the periods of a
recurring report, a commune's own directive, late reports awaiting the check, extensions,
difficulties at each level and tasks nobody has updated. Each page is fetched as each person;
each linked number is followed as the same person and compared with the list it opens.
"""

import datetime
import html as html_lib
import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F

from chidao.board import snapshot, stats
from chidao.board.tests.worlds import TODAY, build_world
from chidao.conftest import build_org, build_people
from chidao.directives.models import Task
from chidao.directives.timeliness import (
    GROUP_TIMELINESS,
    Today,
    counting_groups,
    counts_by,
    counts_by_each,
    scope_q,
    stale_q,
)

D = datetime.date
UTC = datetime.UTC
DASHBOARD = "/dashboard/?start=01/01/2025&end=31/12/2026"
PERSONAS = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "sub_staff", "other_staff", "commune_leader",
    "commune_staff", "commune_specialist",
)  # fmt: skip
FIGURE = re.compile(r'<a [^>]*data-count="(\d+)" href="([^"]+)"')
BARE_NUMBER_LINK = re.compile(
    r'<a (?![^>]*data-count)[^>]*href="/tasks/\?[^"]*"[^>]*>\s*\d+\s*</a>'
)


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    """The tests here only read: the organisation and the world are built once for the module,
    in a transaction rolled back at its end; each test runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        org = build_org()
        people = build_people(org)
        yield SimpleNamespace(org=org, people=people, world=build_world(org, people))
        transaction.set_rollback(True)


@pytest.fixture
def org(kept, db):
    return kept.org


@pytest.fixture
def people(kept):
    return kept.people


@pytest.fixture
def world(kept):
    return kept.world


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _list_count(client, href: str) -> int:
    # The list's own partial (as htmx asks for it): the same query, without the filter form.
    response = client.get(href, headers={"HX-Request": "true"})
    assert response.status_code == 200, href
    assert not response.context["form"].errors, (href, response.context["form"].errors)
    return response.context["page"].paginator.count


def _walk(client, person, url) -> int:
    """Follow every linked number on the page as ``person``; returns how many were followed."""
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert not BARE_NUMBER_LINK.search(page), "a number links to tasks without saying its count"
    figures = [(int(n), html_lib.unescape(href)) for n, href in FIGURE.findall(page)]
    for number, href in figures:
        assert href.startswith("/tasks/?"), href
        assert _list_count(client, href) == number, (person.username, url, href)
    return len(figures)


@pytest.mark.parametrize("who", PERSONAS)
def test_every_number_on_the_home_page_and_the_dashboard_opens_exactly_its_tasks(
    client, org, people, world, who
):
    person = getattr(people, who)
    with time_machine.travel(TODAY, tick=False):
        on_home = _walk(client, person, "/")
        on_dashboard = _walk(client, person, DASHBOARD)
    assert on_dashboard >= 30  # the totals, trend, ageing, ranking, blocks, kinds
    if who != "viewer" and who != "admin":
        assert on_home >= 4, who


@pytest.mark.parametrize("unit", ["province", "finance", "commune_a", "commune_b", "finance_sub"])
def test_every_number_of_a_scoped_dashboard_opens_exactly_its_tasks(
    client, org, people, world, unit
):
    scope = getattr(org, unit)
    with time_machine.travel(TODAY, tick=False):
        assert _walk(client, people.office_leader, f"{DASHBOARD}&unit={scope.pk}") >= 30


def test_the_leaders_see_all_opens_only_what_he_directs(client, org, people, world):
    client.force_login(people.leader)
    with time_machine.travel(TODAY, tick=False):
        panel = next(p for p in client.get("/").context["panels"] if p.key == "leader")
        overdue = next(s for s in panel.shelves if s.key == "overdue")
        listed = client.get(f"/tasks/?{overdue.more}").context["page"].object_list
        every_overdue = client.get("/tasks/?timeliness=overdue").context["page"].paginator.count
    assert overdue.count == len(listed) > 0
    assert {t.directing_leader_id for t in listed} == {people.leader.pk}
    assert every_overdue > overdue.count  # others' overdue tasks exist and are not his


# --- One definition of overdue: the home tables, the board and the dashboard agree --------------
def _dashboard(person, unit):
    with time_machine.travel(TODAY, tick=False):
        return stats.build(person, stats.Scope(D(2025, 1, 1), D(2026, 12, 31), unit))


def test_the_office_table_the_board_and_the_dashboard_count_overdue_alike(
    client, org, people, world
):
    client.force_login(people.office_leader)
    with time_machine.travel(TODAY, tick=False):
        office = next(p for p in client.get("/").context["panels"] if p.key.startswith("office"))
        snap = snapshot.compute(org.province)
    on_home = {label: cells[0].value for label, _link, cells in office.table.rows}
    on_board = {row.name: row.open_overdue for row in snap.units if row.open_overdue}
    on_dashboard = {
        row.label: row.counts.open_overdue
        for row in _dashboard(people.office_leader, org.province).ranking
        if row.counts.open_overdue
    }
    assert on_home == on_board == on_dashboard
    assert on_home["Sở Y tế"] == 2  # never updated, and the late report awaiting its check
    assert sum(on_home.values()) == snap.counts.open_overdue


def test_the_leaders_sector_table_counts_like_the_dashboard_of_his_block(
    client, org, people, world
):
    client.force_login(people.leader)
    with time_machine.travel(TODAY, tick=False):
        panel = next(p for p in client.get("/").context["panels"] if p.key == "leader")
        board = stats.build(
            people.leader, stats.Scope(D(2025, 1, 1), D(2026, 12, 31), org.province, org.block_kt)
        )
    on_home = {label: (cells[0].value, cells[1].value) for label, _l, cells in panel.table.rows}
    on_dashboard = {row.label: (row.counts.open, row.counts.open_overdue) for row in board.ranking
                    if row.counts.open}  # fmt: skip
    assert on_home == on_dashboard


# --- The board's headline is the official figures (confidential tasks counted, never listed) ---
def test_the_boards_headline_equals_the_dashboards_for_the_same_scope_and_day(org, people, world):
    for committee in (org.province, org.commune_a, org.commune_b):
        with time_machine.travel(TODAY, tick=False):
            snap = snapshot.compute(committee)
        assert snap.counts == _dashboard(people.office_leader, committee).totals, committee
    assert "Nội dung mật" not in {i.content for i in snap.overdue + snap.due_soon}
    with time_machine.travel(TODAY, tick=False):
        province = snapshot.compute(org.province)
    assert "Nội dung mật" not in {i.content for i in province.overdue + province.due_soon}


# --- The groupings of one pass are those of one query each ------------------------------------
def test_one_pass_groups_every_scope_as_one_query_per_grouping_does(org, people, world):
    """The statistics' five tables come from one pass (``counts_by_each``): for every scope of
    the world, each table's rows are exactly what grouping the tasks by that key alone gives."""
    with time_machine.travel(TODAY, tick=False):
        today = Today.now()
        stale = Count("pk", filter=stale_q(today))
        for unit in (org.province, org.finance, org.finance_sub, org.commune_a, org.commune_b):
            scope = stats.Scope(start=D(2025, 1, 1), end=D(2026, 12, 31), unit=unit)
            tasks = stats.tasks_in(people.office_leader, scope)
            each = counts_by_each(tasks, stats.GROUPINGS, today.date, stale=stale)
            for key in stats.GROUPINGS:
                alone = list(counts_by(tasks, key, today.date, stale=stale))
                assert sorted(each[key], key=repr) == sorted(alone, key=repr), (unit, key)
            if unit == org.province:  # several combinations add up into one row: exercised
                assert len(each["sector_block"]) < len(each["lead_unit"]), each["sector_block"]


# --- What a scope counts: the parts handed down to a commune, each task once --------------------
def test_a_commune_counts_the_parts_handed_down_to_it(org, people, world):
    with time_machine.travel(TODAY, tick=False):
        commune_b = _dashboard(people.office_leader, org.commune_b)
        board_b = snapshot.compute(org.commune_b)
    assert commune_b.totals.total == 1 == board_b.counts.total
    assert [item.content for item in board_b.due_soon] == ["Phần giao xã B"]


def test_the_province_counts_a_parent_and_never_its_parts(org, people, world):
    with time_machine.travel(TODAY, tick=False):
        province = _dashboard(people.office_leader, org.province)
        finance = _dashboard(people.office_leader, org.finance)
        branch = _dashboard(people.office_leader, org.finance_sub)
    counted = set(Task.objects.filter(scope_q(org.province)).values_list("content", flat=True))
    assert "Trong hạn, có phần giao xuống" in counted
    assert {"Phần của Chi cục", "Phần giao xã B"}.isdisjoint(counted)
    assert "Việc riêng của xã A" in counted  # a commune's own directive: led inside the province
    # The department counts its task, not the part it gave its branch; the branch counts the part.
    assert branch.totals.total == 1
    assert (
        finance.totals.total
        == counting_groups(Task.objects.filter(scope_q(org.finance)), TODAY.date()).total
    )
    in_finance = set(Task.objects.filter(scope_q(org.finance)).values_list("content", flat=True))
    assert "Phần của Chi cục" not in in_finance and "Trong hạn, có phần giao xuống" in in_finance
    # Suspended and cancelled tasks are outside the total; the recurring series counts its periods.
    assert (
        province.totals.total
        == counting_groups(Task.objects.filter(scope_q(org.province)), TODAY.date()).total
    )
    assert province.totals.suspended == 1


# --- A fair ranking ----------------------------------------------------------------------------
def test_open_overdue_work_counts_against_a_unit_in_the_ranking(org, people, world):
    board = _dashboard(people.office_leader, org.province)
    health = next(row for row in board.ranking if row.label == "Sở Y tế")
    assert health.counts.done == 0 and health.counts.open_overdue == 2
    assert health.counts.ranking_rate == 0.0  # not 100%: two overdue, nothing done
    rates = [row.counts.ranking_rate for row in board.ranking]
    judged = [r for r in rates if r is not None]
    assert judged == sorted(judged, reverse=True)
    assert rates[len(judged) :] == [None] * (len(rates) - len(judged))  # unjudged units last


def test_ties_are_broken_by_overdue_then_size_then_name():
    def row(name, on_time, late, overdue, within):
        counts = stats.Counts(total=on_time + late + overdue + within, done_on_time=on_time,
                              done_on_time_after_extension=0,
                              done_on_time_after_late_extension=0, done_late=late,
                              open_within=within, open_overdue=overdue, suspended=0)  # fmt: skip
        return name, counts

    ordered = stats.rank([
        row("Sở B", 1, 1, 0, 0),
        row("Sở A", 1, 0, 1, 0),
        row("Sở Đ", 2, 1, 1, 4),
        row("Sở C", 1, 1, 0, 0),
        row("Sở E", 0, 0, 0, 3),
    ], key=lambda item: item[1], name=lambda item: item[0])  # fmt: skip
    assert [name for name, _c in ordered] == ["Sở B", "Sở C", "Sở Đ", "Sở A", "Sở E"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"assigned_from": "01/01/2026", "scope": 14, "timeliness": GROUP_TIMELINESS["total"]},
        {"level": "top", "timeliness": [], "unit": 3, "no_block": "on"},
        {"q": "Sở Y tế & xã A = 100% +", "specialist": ("7", "8"), "stale": "on"},
    ],
)
def test_a_figures_link_is_the_query_django_would_write(params):
    """The dashboard encodes each pair of its links once (``stats.query_string``): the links are
    still exactly ``urlencode(params, doseq=True)``, asked twice as once."""
    assert stats.query_string(params) == urlencode(params, doseq=True)
    assert stats.query_string(params) == urlencode(params, doseq=True)


def test_every_task_keeps_its_directives_kind(world):
    """The statistics by kind read the kind kept on each task: every way a task is made (issued,
    handed down as a part, a recurring report's period, a commune's own) copies it."""
    tasks = Task.objects.all()
    assert tasks.filter(parent__isnull=False).exists()
    assert tasks.filter(series__isnull=False).exists()
    assert tasks.count() > 20
    assert not tasks.exclude(directive_kind=F("directive__kind")).exists()
