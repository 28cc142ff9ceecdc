"""A read replica for statistics and exports, with read-your-writes.

The replica here is a copy of the database frozen before a change: a replica lagging behind.
Whoever made the change sees it at once on the dashboard (read from the primary); someone else
still sees the replica's figures there and in the export, and the change everywhere else.
"""

import io
import re
import time
import zipfile

import pytest

from chidao.testing import Browser, SharedDatabase, app_server

ASSIGNED, CANCELLED = "Đã giao", "Đã hủy"
LAG = 4  # seconds whoever acted reads from the primary


def _total_on_dashboard(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))


def _export_text(browser: Browser) -> str:
    with browser.opener.open(browser.base + "/tasks/?format=xlsx", timeout=30) as response:
        book = zipfile.ZipFile(io.BytesIO(response.read()))
    return "".join(
        book.read(name).decode()
        for name in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
        if name in book.namelist()
    )


@pytest.mark.django_db(transaction=True)
def test_statistics_and_exports_read_the_replica_except_for_who_just_acted(
    tmp_path, org, people, task
):
    database = SharedDatabase(tmp_path)
    database.share()
    try:
        with database.frozen_copy() as replica_url:
            replica = {"DATABASE_REPLICA_URL": replica_url, "CHIDAO_REPLICA_LAG_SECONDS": str(LAG)}
            with app_server(database.url, replica) as server:
                office = Browser(server, "office_leader")
                time.sleep(LAG + 0.5)  # signing in was a change too: let its mark expire
                assert _total_on_dashboard(office.get("/dashboard/")) == 1
                assert ASSIGNED in _export_text(office)

                leader = Browser(server, "leader")
                leader.post(f"/tasks/{task.pk}/cancel/", {"cancel-reason": "Không còn phù hợp"})

                # Who acted reads the primary: the task is gone from the figures.
                assert _total_on_dashboard(leader.get("/dashboard/")) == 0
                assert CANCELLED in _export_text(leader)
                # Someone else: the replica has not caught up on the dashboard and the export...
                assert _total_on_dashboard(office.get("/dashboard/")) == 1
                assert CANCELLED not in _export_text(office)
                # ...while every other page reads the primary.
                assert CANCELLED in office.get(f"/tasks/{task.pk}/")
    finally:
        database.take_back()
    task.refresh_from_db()
    assert task.state == "cancelled"
