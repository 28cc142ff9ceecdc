"""On PostgreSQL, an index serves the lists' order and the home pages' shelves.

Each page is requested and its queries captured; each query is then planned again with
sequential scans and sorts priced out of reach (``enable_seqscan``/``enable_sort`` off), so
the plan still holds one only where no index can do the work: a list ordered by reading an
index stops after its page of rows instead of sorting every match.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="plans are PostgreSQL's (DATABASE_URL)"
)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(sql: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (row,) = cursor.fetchall()
    document = row[0] if isinstance(row[0], list) else json.loads(row[0])
    return list(_nodes(document[0]["Plan"]))


def _task_queries(client, person, path) -> list[str]:
    """The page's queries that read a page or a shelf of tasks (as run, values included)."""
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "directives_task"' in q["sql"] and "LIMIT" in q["sql"]
    ]


@pytest.fixture
def tasks(org, people):
    due = datetime.date(2026, 6, 30)
    specs = [
        TaskSpec(content=f"Việc {i}", lead_unit=unit, deadline_date=due, cooperating_units=[other],
                 specialist=people.specialist, directing_leader=people.leader)
        for i, (unit, other) in enumerate([(org.finance, org.health), (org.health, org.finance),
                                           (org.commune_a, org.finance)] * 4)
    ]  # fmt: skip
    return issue(people.specialist, org, people, *specs)


@pytest.mark.parametrize("who", ["office_leader", "leader", "viewer", "unit_staff", "specialist"])
@pytest.mark.parametrize("path", ["/tasks/", "/tasks/?timeliness=overdue"])
def test_the_list_reads_its_page_from_an_index_without_sorting(client, people, tasks, who, path):
    queries = _task_queries(client, getattr(people, who), path)
    (rows,) = [sql for sql in queries if '"order_group"' in sql.split("ORDER BY")[-1]]
    plan = _plan(rows)
    kinds = [node["Node Type"] for node in plan]
    assert "Sort" not in kinds and "Incremental Sort" not in kinds, kinds
    assert any(node.get("Index Name") == "task_open_first_idx" for node in plan), kinds


@pytest.mark.parametrize(
    "who", ["unit_staff", "specialist", "division_head", "office_leader", "leader", "viewer"]
)
def test_every_shelf_of_the_home_page_is_found_through_an_index(client, people, tasks, who):
    queries = _task_queries(client, getattr(people, who), "/")
    assert queries, "the home page shows shelves of tasks"
    for sql in queries:
        plan = _plan(sql)
        scans = [n for n in plan if n.get("Relation Name") == "directives_task"]
        assert scans, sql
        for scan in scans:
            assert scan["Node Type"] != "Seq Scan", sql
