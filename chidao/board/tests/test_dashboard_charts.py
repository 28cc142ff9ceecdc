"""The dashboard's charts: drawn on the server, readable without script, the same figures as
the tables beside them."""

import datetime
import re

from django.core.cache import cache

from chidao.board.tests.worlds import at
from chidao.reports.charts import whole_percent

D = datetime.date


def test_the_charts_show_the_rates_and_counts_of_the_tables(client, org, people, world):
    cache.clear()
    with at(D(2026, 3, 20)):
        client.force_login(people.office_leader)
        response = client.get(f"/dashboard/?start=01/01/2025&end=31/12/2026&unit={org.province.pk}")
    page = response.content.decode()
    board = response.context["d"]
    svgs = re.findall(r"<svg\b[^>]*role=\"img\"[^>]*>.*?</svg>", page, re.S)
    assert len(svgs) == 2
    assert all('role="img"' in svg and "style=" not in svg for svg in svgs)
    on_time, overdue = svgs
    for label, done_on_time, late, over, _links in board.trend:
        judged = done_on_time + late + over
        if judged:
            rate = whole_percent(done_on_time, judged)
            assert f">{rate}%<" in on_time, label
            assert f"<td>{rate}%</td>" in page, label
    for row in board.ranking:
        if row.counts.open_overdue:
            assert row.label in overdue
            assert f">{row.counts.open_overdue}<" in overdue
