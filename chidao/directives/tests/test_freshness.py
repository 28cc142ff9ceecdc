"""Home figures are kept once per change of the data, and never outlive it.

The clock is frozen in these tests, so two states of the data share every time: only the
stamp's newest event tells them apart, as it does between app servers whose clocks differ.
"""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from chidao.conftest import PASSWORD, make_person
from chidao.directives import actions, freshness
from chidao.directives.actions import TaskSpec
from chidao.directives.home import panels
from chidao.directives.models import State, Task
from chidao.directives.tests.conftest import issue
from chidao.notifications.models import Notification
from chidao.org.models import Person, Role

NOW = datetime.datetime(2026, 4, 20, 3, tzinfo=datetime.UTC)
DUE = datetime.date(2026, 6, 30)


def _shelf(person, panel_key: str, shelf_key: str):
    person = Person.objects.get(pk=person.pk)  # no cached jurisdictions
    (panel,) = [p for p in panels(person) if p.key == panel_key]
    (shelf,) = [s for s in panel.shelves if s.key == shelf_key]
    assert shelf.count >= len(shelf.rows)
    return shelf


def _count(person, panel_key: str, shelf_key: str) -> int:
    return _shelf(person, panel_key, shelf_key).count


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_step_changes_the_figures_at_once_even_within_the_same_instant(org, people, frozen):
    specs = [
        TaskSpec(content=f"Việc {i}", lead_unit=org.finance, cooperating_units=[org.health],
                 deadline_date=DUE) for i in range(3)
    ]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    panel = f"unit-{org.finance.pk}"
    assert _count(people.unit_staff, panel, "unreceived") == 3
    before = freshness.stamp()
    actions.receive(people.unit_staff, tasks[0])
    assert freshness.stamp() != before
    assert _count(people.unit_staff, panel, "unreceived") == 2

    # A step that leaves the task's own fields alone: a cooperating unit's share done.
    health = f"unit-{org.health.pk}"
    assert _count(people.other_staff, health, "cooperating") == 3
    share = tasks[1].cooperations.get()
    actions.update_cooperation(people.other_staff, share, "done")
    assert _count(people.other_staff, health, "cooperating") == 2


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_shelfs_rows_are_kept_with_its_count_and_change_with_them(org, people, frozen):
    """A shelf's first rows are kept under the same stamp as its count: a step, or a unit's
    new name, shows on the next home page, in the rows as in the count."""
    specs = [TaskSpec(content=f"Việc {i}", lead_unit=org.finance, deadline_date=DUE)
             for i in range(3)]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    panel = f"unit-{org.finance.pk}"

    def shelf():
        return _shelf(people.unit_staff, panel, "unreceived")

    assert [r.task.content for r in shelf().rows] == ["Việc 0", "Việc 1", "Việc 2"]
    assert [r.task.content for r in shelf().rows] == ["Việc 0", "Việc 1", "Việc 2"]  # kept
    actions.receive(people.unit_staff, tasks[1])
    after = shelf()
    assert (after.count, [r.task.content for r in after.rows]) == (2, ["Việc 0", "Việc 2"])
    # A rename records no step: the unit's own time of change tells (later than the units'
    # creation, which ran on the real clock; on PostgreSQL the change counter too, once the
    # rename commits).
    with time_machine.travel(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC), tick=False):
        org.finance.name = "Sở Tài chính (tên mới)"
        org.finance.save()
    assert {r.task.lead_unit.name for r in shelf().rows} == {"Sở Tài chính (tên mới)"}


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_lists_total_and_page_are_kept_and_change_with_the_data(client, org, people, frozen):
    """Opened again before any change, the list reads neither its total nor its page from the
    tasks again; after a step, both are the new ones."""
    specs = [TaskSpec(content=f"Việc {i}", lead_unit=org.finance, deadline_date=DUE)
             for i in range(3)]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    client.force_login(people.unit_staff)

    def listed():
        page = client.get("/tasks/?state=assigned").context["page"]
        return page.paginator.count, [task.content for task in page.object_list]

    assert listed() == (3, ["Việc 0", "Việc 1", "Việc 2"])
    with CaptureQueriesContext(connection) as again:
        assert listed() == (3, ["Việc 0", "Việc 1", "Việc 2"])
    assert not [q for q in again.captured_queries if 'FROM "directives_task"' in q["sql"]]
    actions.receive(people.unit_staff, tasks[1])
    assert listed() == (2, ["Việc 0", "Việc 2"])


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_the_same_data_is_counted_once_for_everyone(org, people, frozen, monkeypatch):
    issue(people.specialist, org, people,
          TaskSpec(content="Việc", lead_unit=org.finance, deadline_date=DUE))  # fmt: skip
    panel = f"unit-{org.finance.pk}"
    first = freshness.stamp()
    calls = []

    def compute():
        calls.append(1)
        return 41

    assert freshness.remember(first, "answer", compute) == 41
    assert freshness.remember(first, "answer", compute) == 41
    assert len(calls) == 1
    # A second member of the unit reads the same counts from the cache: fewer queries. The
    # stamp is held: on PostgreSQL any commit on the server (another test's) would move it.
    monkeypatch.setattr(freshness, "stamp", lambda: first)
    with CaptureQueriesContext(connection) as cold:
        _count(people.unit_head, panel, "unreceived")
    with CaptureQueriesContext(connection) as warm:
        _count(people.unit_staff, panel, "unreceived")
    assert len(warm) < len(cold)


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=0)
def test_with_no_keeping_every_request_counts(org, people, frozen):
    calls = []
    fresh = freshness.stamp()
    for _ in range(2):
        freshness.remember(fresh, "answer", lambda: calls.append(1) or 1)
    assert len(calls) == 2


POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's concurrent writers"
)


def _in_another_request(write, written: threading.Event, release: threading.Event):
    """``write()`` in a transaction of another thread (its own connection, as another request
    or app server has), kept open until ``release``."""

    def run():
        try:
            with transaction.atomic():
                write()
                written.set()
                release.wait(10)
        finally:
            written.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_still_changes_the_stamp(org, people, task):
    """Ids and times are given when rows are written: a step that began first and commits last
    moves no maximum. The stamp changes all the same when it commits."""
    written, release = threading.Event(), threading.Event()
    thread = _in_another_request(
        lambda: Task.objects.filter(pk=task.pk).update(state=State.RECEIVED), written, release
    )
    try:
        assert written.wait(10)
        while_open = freshness.stamp()
    finally:
        release.set()
        thread.join(10)
    assert Task.objects.get(pk=task.pk).state == State.RECEIVED  # committed
    assert freshness.stamp() != while_open


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_work_elsewhere_on_the_server_keeps_the_stamp(org, people, task):
    """A transaction that writes nothing figures are counted from (a session, a notification,
    another database on the same server) begins and ends without a new stamp: the caches stay
    warm on a busy server."""
    before = freshness.stamp()
    written, release = threading.Event(), threading.Event()

    def elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")  # a transaction id, as any write takes
        Notification.objects.filter(pk=-1).update(read_at=None)

    thread = _in_another_request(elsewhere, written, release)
    try:
        assert written.wait(10)
        assert freshness.stamp() == before
    finally:
        release.set()
        thread.join(10)
    assert freshness.stamp() == before


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_counter_moves_after_the_commit_not_before(org, people, task):
    """Whoever reads the new stamp sees the data it stands for; a rolled-back change moves
    nothing."""
    written, release = threading.Event(), threading.Event()
    thread = _in_another_request(
        lambda: Task.objects.filter(pk=task.pk).update(progress_percent=42), written, release
    )
    try:
        assert written.wait(10)
        counter = _counter()
        assert Task.objects.get(pk=task.pk).progress_percent != 42
    finally:
        release.set()
        thread.join(10)
    assert _counter() != counter
    moved = _counter()

    def rolled_back():
        with transaction.atomic():
            Task.objects.filter(pk=task.pk).update(progress_percent=7)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    assert _counter() == moved
    assert Task.objects.get(pk=task.pk).progress_percent == 42


def _counter() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {freshness.CHANGES}")  # noqa: S608
        return cursor.fetchone()


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('UPDATE "directives_task" SET "state" = %s WHERE "directives_task"."id" = %s', True),
        ('INSERT INTO "directives_taskevent" ("task_id") VALUES (%s)', True),
        ('DELETE FROM "directives_cooperation" WHERE "id" IN (%s)', True),
        ('UPDATE "org_membership" SET "is_active" = false', True),
        ('INSERT INTO "workdays_calendaradjustment" ("date") VALUES (%s)', True),
        ("update directives_task set progress_percent = 5 where id = 1", True),
        ('WITH x AS (SELECT 1) UPDATE public."directives_task" SET "state" = %s', True),
        ("TRUNCATE directives_task", True),
        ('SELECT "directives_task"."id" FROM "directives_task" FOR UPDATE', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('UPDATE "notifications_notification" SET "read_at" = %s', False),
        ('UPDATE "org_person" SET "last_login" = %s WHERE "org_person"."id" = %s', False),
        ('UPDATE "org_unit" SET "last_sign_in_at" = %s WHERE "org_unit"."id" IN (%s)', False),
        ('UPDATE "org_unit" SET "last_step_at" = %s WHERE "org_unit"."id" IN (%s)', True),
        ('UPDATE "org_person" SET "full_name" = %s WHERE "org_person"."id" = %s', True),
    ],
)
def test_which_statements_move_the_counter(sql, writes):
    assert freshness.writes_figures(sql) is writes


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_writes_outside_a_transaction_and_raw_sql_move_the_counter_and_signing_in_does_not(
    client, org, people, task
):
    before = _counter()
    Task.objects.filter(pk=task.pk).update(progress_percent=11)  # autocommit
    after_orm = _counter()
    assert after_orm != before
    with connection.cursor() as cursor:
        cursor.execute("update directives_task set progress_percent = 12 where id = %s", [task.pk])
    after_raw = _counter()
    assert after_raw != after_orm
    assert client.login(
        request=HttpRequest(), username=people.unit_staff.username, password=PASSWORD
    )
    assert _counter() == after_raw


def _drawn(response) -> set[str]:
    return {template.name for template in response.templates}


def _card(html: str, element_id: str) -> str:
    """The markup of one shelf's card (up to the next shelf)."""
    return html.split(f'id="{element_id}"', 1)[1].split('id="shelf-', 1)[0]


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_shelfs_lines_are_drawn_once_per_change_and_language(client, org, people, frozen):
    """Seen again before any change, a home draws none of its shelves' lines; a step shows at
    once in them, and an English page gets English lines, not the kept Vietnamese ones."""
    specs = [TaskSpec(content=f"Việc {i}", lead_unit=org.finance, deadline_date=DUE)
             for i in range(3)]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    client.force_login(people.unit_staff)
    card = f"shelf-unit-{org.finance.pk}-unreceived"

    first = client.get("/")
    assert "directives/_shelf_lines.html" in _drawn(first)
    lines = _card(first.content.decode(), card)
    assert [f"Việc {i}" in lines for i in range(3)] == [True, True, True]
    assert lines.count('<span class="cd-badge cd-green">Trong hạn</span>') == 3
    again = client.get("/")
    assert "directives/_shelf_lines.html" not in _drawn(again)
    assert _card(again.content.decode(), card) == lines

    actions.receive(people.unit_staff, tasks[1])
    after = client.get("/")
    assert "directives/_shelf_lines.html" in _drawn(after)
    lines = _card(after.content.decode(), card)
    assert ("Việc 0" in lines, "Việc 1" in lines, "Việc 2" in lines) == (True, False, True)

    client.cookies["django_language"] = "en"
    english = _card(client.get("/").content.decode(), card)
    assert "Việc 0" in english and "Trong hạn" not in english
    assert english.count('<span class="cd-badge cd-green">') == 2


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_lists_lines_are_drawn_once_per_change_and_language(client, org, people, frozen):
    specs = [TaskSpec(content=f"Việc {i}", lead_unit=org.finance, deadline_date=DUE)
             for i in range(3)]  # fmt: skip
    tasks = issue(people.specialist, org, people, *specs)
    client.force_login(people.unit_staff)

    first = client.get("/tasks/?state=assigned")
    assert "directives/_task_lines.html" in _drawn(first)
    again = client.get("/tasks/?state=assigned")
    assert "directives/_task_lines.html" not in _drawn(again)
    assert again.content.decode().count('<tr class="') == 3

    actions.receive(people.unit_staff, tasks[1])
    html = client.get("/tasks/?state=assigned").content.decode()
    assert html.count('<tr class="') == 2 and "Việc 1" not in html
    assert 'data-label="Đơn vị chủ trì"' in html

    client.cookies["django_language"] = "en"
    english = client.get("/tasks/?state=assigned").content.decode()
    assert english.count('<tr class="') == 2 and 'data-label="Lead unit"' in english


def _part_of(parent, org, people, content: str) -> Task:
    return actions.subassign(
        people.unit_head, parent,
        TaskSpec(content=content, lead_unit=org.finance_sub, deadline_date=DUE),
    )  # fmt: skip


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_task_pages_timeline_and_roll_up_are_drawn_once_per_change_and_language(
    client, org, people, frozen
):
    """The task, its timeline, files, extensions, difficulties and the parts' roll-up are the
    same for whoever may see the task: seen again, the page reads and draws none of them; a
    step by anyone shows at once, and an English page gets them in English."""
    spec = TaskSpec(content="Việc có phần giao", lead_unit=org.finance, deadline_date=DUE)
    (task,) = issue(people.specialist, org, people, spec)
    task = actions.receive(people.unit_head, task)
    part = _part_of(task, org, people, "Phần của Chi cục")
    client.force_login(people.unit_staff)
    url = f"/tasks/{task.pk}/"

    first = client.get(url)
    assert "directives/_task_side.html" in _drawn(first)
    html = first.content.decode()
    timeline = html.split('id="timeline"', 1)[1]
    assert timeline.count("<li") == Task.objects.get(pk=task.pk).events.count()
    assert "Đã hoàn thành 0/1, 0 quá hạn" in html.split('id="rollup"', 1)[1].split("</p>", 1)[0]
    with CaptureQueriesContext(connection) as seen_again:
        again = client.get(url)
    assert "directives/_task_side.html" not in _drawn(again)
    read = " ".join(q["sql"] for q in seen_again.captured_queries)
    assert 'SELECT "directives_extension"."id"' not in read  # the task's own, kept
    assert 'SELECT "directives_taskevent"."id"' not in read
    assert again.content.decode() == html.replace(_token(html), _token(again.content.decode()))

    # Another unit's person acts on the part, then someone writes on the task itself.
    actions.receive(people.sub_staff, part)
    actions.report_done(people.sub_staff, Task.objects.get(pk=part.pk), result="Xong phần việc")
    actions.propose_closing(people.unit_staff, Task.objects.get(pk=part.pk))
    actions.confirm(people.unit_head, Task.objects.get(pk=part.pk))
    staff, later = people.unit_staff, DUE + datetime.timedelta(days=30)
    actions.post_progress(staff, Task.objects.get(pk=task.pk), "Đã họp tổ công tác", 30)
    actions.raise_difficulty(staff, Task.objects.get(pk=task.pk), "Thiếu số liệu của huyện")
    actions.request_extension(
        staff, Task.objects.get(pk=task.pk), proposed_date=later, reason="Chờ ý kiến Bộ"
    )
    after = client.get(url).content.decode()
    before_timeline = after.split('id="timeline"', 1)[0]
    assert "Đã họp tổ công tác" in after.split('id="timeline"', 1)[1]
    assert "30%" in after.split("<header", 1)[1].split("</header>", 1)[0]
    assert "Thiếu số liệu của huyện" in before_timeline and "Chờ ý kiến Bộ" in before_timeline
    assert "Đã hoàn thành 1/1, 0 quá hạn" in after.split('id="rollup"', 1)[1].split("</p>", 1)[0]

    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Đã họp tổ công tác" in english
    assert "Timeline" in english and "Diễn biến" not in english
    assert "1 of 1 done, 0 overdue" in english


def _token(html: str) -> str:
    """The page's form token (each response may carry another)."""
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_the_shelf_of_shares_is_kept_and_each_browser_gets_its_own_form_token(
    client, org, people, frozen
):
    """The lines of the shares are kept like any shelf's, with a stand-in for their forms'
    token: each browser's page holds its own token, and the update posted from it works."""
    spec = TaskSpec(content="Việc Sở Y tế phối hợp", lead_unit=org.finance,
                    cooperating_units=[org.health], deadline_date=DUE)  # fmt: skip
    issue(people.specialist, org, people, spec)
    head = make_person("ld.syt", org.health, Role.UNIT_HEAD)
    card = f"shelf-unit-{org.health.pk}-cooperating"
    pages = {}
    for who in (people.other_staff, people.other_staff, head):
        browser = Client()
        browser.force_login(who)
        response = browser.get("/")
        pages.setdefault(who.pk, []).append((browser, response))
    first, again = pages[people.other_staff.pk]
    assert "directives/_share_lines.html" in _drawn(first[1])
    assert "directives/_share_lines.html" not in _drawn(again[1])
    head = pages[head.pk][0]
    stand_in = freshness.token_stand_in()
    tokens = []
    for _browser, response in (first, again, head):
        html = _card(response.content.decode(), card)
        assert "Việc Sở Y tế phối hợp" in html and stand_in not in response.content.decode()
        token = _token(html)
        assert token == _token(response.content.decode())  # the page's own, in every form
        tokens.append(token)
    assert tokens[0] != tokens[2]

    # The kept form posts with its browser's token (the client enforces the check).
    browser, response = head
    html = _card(response.content.decode(), card)
    action = html.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    prefix = action.rstrip("/").rsplit("/", 1)[1]
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = browser.cookies
    posted = checked.post(action, {
        "csrfmiddlewaretoken": _token(html), f"cooperation-{prefix}-status": "done",
        f"cooperation-{prefix}-note": "", "next": "/",
    })  # fmt: skip
    assert posted.status_code == 302
    after = _card(browser.get("/").content.decode(), card)
    assert "Việc Sở Y tế phối hợp" not in after and 'data-count="0"' in after


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_the_directives_i_entered_are_kept_and_a_new_one_shows_at_once(org, people, frozen):
    def entered():
        person = Person.objects.get(pk=people.specialist.pk)
        (panel,) = [p for p in panels(person) if p.key == "specialist"]
        (shelf,) = panel.directive_shelves
        return shelf.count, [d.summary for d in shelf.rows]

    issue(people.specialist, org, people,
          TaskSpec(content="Việc một", lead_unit=org.finance, deadline_date=DUE))  # fmt: skip
    count, rows = entered()
    assert entered() == (count, rows) and count == 1
    with CaptureQueriesContext(connection) as again:
        entered()
    assert not [q for q in again.captured_queries if 'FROM "directives_directive"' in q["sql"]]
    issue(people.specialist, org, people,
          TaskSpec(content="Việc hai", lead_unit=org.health, deadline_date=DUE))  # fmt: skip
    assert entered()[0] == 2


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_nothing_kept_holds_a_password_hash(client, org, people, frozen):
    """What is kept may sit in a shared cache (Redis): the people in it carry their names, not
    their password hashes, whatever page kept them."""
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile

    spec = TaskSpec(content="Việc có tệp", lead_unit=org.finance, cooperating_units=[org.health],
                    directing_leader=people.leader, deadline_date=DUE)  # fmt: skip
    (task,) = issue(people.specialist, org, people, spec)
    pdf = SimpleUploadedFile("Văn bản.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    actions.correct_directive(people.office_leader, task.directive, "Thêm văn bản", files=[pdf])
    task = actions.receive(people.unit_staff, Task.objects.get(pk=task.pk))
    actions.raise_difficulty(people.unit_staff, task, "Thiếu số liệu")
    later = DUE + datetime.timedelta(days=9)
    actions.request_extension(
        people.unit_staff, Task.objects.get(pk=task.pk), proposed_date=later, reason="Chờ Bộ"
    )
    cache.clear()
    for person in (people.unit_staff, people.other_staff, people.specialist, people.office_leader,
                   people.leader, people.viewer):  # fmt: skip
        client.force_login(person)
        for url in ("/", f"/tasks/{task.pk}/", "/tasks/?state=received", "/dashboard/"):
            assert client.get(url).status_code == 200, (person, url)
    kept = list(cache._cache.values())
    assert len(kept) > 20
    assert any("Văn bản.pdf".encode() in value for value in kept)  # the kept files are there
    assert not [value for value in kept if b"md5$" in value]


@override_settings(CHIDAO_BOARD_CACHE_SECONDS=300)
def test_a_kept_task_page_is_still_refused_to_whoever_may_not_see_it(client, org, people, frozen):
    """The task page kept by someone who may see it answers nobody else: the check runs on
    every view with the person's own roles; a task that does not exist stays a 404."""
    spec = TaskSpec(content="Việc riêng của Sở Tài chính", lead_unit=org.finance, deadline_date=DUE)
    (task,) = issue(people.specialist, org, people, spec)
    client.force_login(people.unit_staff)
    assert client.get(f"/tasks/{task.pk}/").status_code == 200  # now kept
    for stranger in (people.outsider, people.other_staff):
        client.force_login(stranger)
        refused = client.get(f"/tasks/{task.pk}/")
        assert refused.status_code in (403, 404), stranger
        assert "Việc riêng của Sở Tài chính" not in refused.content.decode()
    for _ in range(2):  # a missing task's answer is kept too, and stays a 404
        assert client.get(f"/tasks/{task.pk + 1000}/").status_code == 404
