"""Two app servers, one database, one Redis: a change through one is on the other's board and
dashboard at once, and the board's snapshot is computed once for both (the shared cache)."""

import copy
import os
import re
import urllib.error
import urllib.request
import uuid

import pytest
import redis

from chidao.board.models import Screen
from chidao.org.models import Membership, Role
from chidao.testing import Browser, SharedDatabase, app_server

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def _total_on_dashboard(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))


def _state_on(html: str) -> str:
    return re.search(r'id="task-state">([^<]+)<', html).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_server_is_on_the_others_board_and_dashboard_at_once(
    tmp_path, org, people, task
):
    cache = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    database = SharedDatabase(tmp_path)
    database.share()
    try:
        shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
        with app_server(database.url, shared) as one, app_server(database.url, shared) as other:
            board = f"/board/{token}/data/"
            leader_there = Browser(other, "office_leader")
            assert task.content in urllib.request.urlopen(other + board).read().decode()  # noqa: S310
            assert _total_on_dashboard(leader_there.get("/dashboard/")) == 1
            # Both servers' caches are the one Redis: the snapshot computed there is here.
            assert cache.keys(f"{prefix}:*board:*")
            # The task page kept there (the task, its timeline drawn) is read back from Redis.
            page = f"/tasks/{task.pk}/"
            assert _state_on(leader_there.get(page)) == _state_on(leader_there.get(page))
            assert cache.keys(f"{prefix}:*task-page:{task.pk}:*")

            leader_here = Browser(one, "leader")
            leader_here.post(f"/tasks/{task.pk}/cancel/", {"cancel-reason": "Không còn phù hợp"})

            shown = urllib.request.urlopen(other + board).read().decode()  # noqa: S310
            assert task.content not in shown
            assert _total_on_dashboard(leader_there.get("/dashboard/")) == 0
            after = leader_there.get(page)
            assert _state_on(after) == "Đã hủy"
            assert "Không còn phù hợp" in after.split('id="timeline"', 1)[1]
    finally:
        for key in cache.scan_iter(f"{prefix}:*"):
            cache.delete(key)
        database.take_back()
    task.refresh_from_db()
    assert task.state == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_a_session_is_shared_through_redis_and_a_sign_out_ends_it_on_every_server(tmp_path, people):
    """With Redis the sessions are read from it: signed in through one server, a person is
    signed in on the other; signed out through one, on neither."""
    cache = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    database = SharedDatabase(tmp_path)
    database.share()
    try:
        shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
        with app_server(database.url, shared) as one, app_server(database.url, shared) as other:
            here = Browser(one, "unit_staff")
            there = copy.copy(here)
            there.base = other
            assert 'id="user-menu"' in there.get("/")
            assert cache.keys(f"{prefix}:*sessions*")  # read from Redis, not only the database
            here.post("/logout/", {})
            assert 'id="user-menu"' not in there.get("/")
            assert 'name="password"' in there.get("/")
    finally:
        for key in cache.scan_iter(f"{prefix}:*"):
            cache.delete(key)
        database.take_back()


@pytest.mark.django_db(transaction=True)
def test_a_role_ended_through_one_server_ends_on_the_other_at_once(tmp_path, org, people, task):
    """Each server keeps a person's roles in its own memory, under the version of the roles
    the database holds (``org.version``): a role ended through one server ends on the other at
    its next request."""
    Membership.objects.create(person=people.unit_staff, unit=org.commune_a, role=Role.VIEWER)
    finance_role = Membership.objects.get(person=people.unit_staff, unit=org.finance)
    database = SharedDatabase(tmp_path)
    database.share()
    try:
        with app_server(database.url) as one, app_server(database.url) as other:
            staff_there = Browser(other, "unit_staff")
            page = f"/tasks/{task.pk}/"
            for _ in range(2):  # the second time from what the server keeps
                assert task.content in staff_there.get(page)
            said = Browser(one, "admin").post(f"/org/roles/{finance_role.pk}/end/", {})
            assert "không còn giữ vai trò" in said
            with pytest.raises(urllib.error.HTTPError) as refused:
                staff_there.get(page)
            assert refused.value.code == 404
            assert "xã A" in staff_there.get("/")  # still signed in, with the other role
    finally:
        database.take_back()
    finance_role.refresh_from_db()
    assert not finance_role.is_active
