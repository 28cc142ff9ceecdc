"""A person's roles and the calendar are kept per process under the version of the roles and the
calendar (``org.version``): every way of changing a unit, a membership or a calendar adjustment
moves it at once, so a role ended ends at once and a day off counts at once. A request reads the
version once, in the freshness stamp's query, and again after it writes."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chidao.conftest import make_unit
from chidao.core import per_request, replica
from chidao.directives import freshness
from chidao.directives.actions import TaskSpec
from chidao.directives.tests.conftest import issue
from chidao.org import activity, permissions, version
from chidao.org.models import Membership, Person, Role, Unit, UnitKind
from chidao.workdays.calendar import WorkCalendar
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    permissions.forget()
    yield
    permissions.forget()


def roles(person: Person) -> set[tuple[str, int]]:
    """The roles as a new request reads them: the person read again, as each request does."""
    fresh = Person.objects.get(pk=person.pk)
    return {(j.role, j.root.pk) for j in permissions.jurisdictions(fresh)}


def test_the_roles_are_read_once_per_version(org, people):
    assert roles(people.unit_staff) == {(Role.UNIT_STAFF, org.finance.pk)}
    again = Person.objects.get(pk=people.unit_staff.pk)
    with CaptureQueriesContext(connection) as read:
        assert [j.root for j in permissions.jurisdictions(again)] == [org.finance]
    assert len(read.captured_queries) == 1  # the version alone
    assert "chidao_org_version" in read.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "end",
    [
        lambda m: (setattr(m, "is_active", False), m.save()),  # the product's way
        lambda m: Membership.objects.filter(pk=m.pk).update(is_active=False),  # no save()
        lambda m: Membership.objects.filter(pk=m.pk).delete(),
        lambda m: Membership.objects.filter(pk=m.pk).update(role=Role.VIEWER, is_active=False),
        lambda m: _raw(f"DELETE FROM org_membership WHERE id = {int(m.pk)}"),  # noqa: S608
    ],
    ids=["saved", "update", "delete", "update-role", "raw-sql"],
)
def test_a_role_ended_any_way_ends_at_once(org, people, end):
    staff = people.unit_staff
    assert roles(staff) == {(Role.UNIT_STAFF, org.finance.pk)}  # kept now
    end(Membership.objects.get(person=staff, role=Role.UNIT_STAFF))
    assert roles(staff) == set()


def test_a_new_role_and_a_moved_unit_show_at_once(org, people):
    staff = people.unit_staff
    assert roles(staff) == {(Role.UNIT_STAFF, org.finance.pk)}
    Membership.objects.create(person=staff, unit=org.health, role=Role.VIEWER)
    assert roles(staff) == {(Role.UNIT_STAFF, org.finance.pk), (Role.VIEWER, org.health.pk)}
    # A sub-unit moved under another unit by a bulk write: its path changes.
    sub = org.finance_sub
    head = Person.objects.create_user("sub_head", "x")
    Membership.objects.create(person=head, unit=sub, role=Role.UNIT_HEAD)
    assert [j.root.path for j in permissions.jurisdictions(Person.objects.get(pk=head.pk))] == [
        sub.path
    ]
    new_path = f"{org.health.path}{sub.pk}/"
    Unit.objects.filter(pk=sub.pk).update(parent=org.health, path=new_path)
    fresh = Person.objects.get(pk=head.pk)
    assert [j.root.path for j in permissions.jurisdictions(fresh)] == [new_path]


def test_signing_in_and_steps_leave_the_version_alone(org, people):
    before = version.token()
    assert activity.note_sign_in(people.unit_staff) == 1
    moment = datetime.datetime(2026, 3, 5, 2, tzinfo=datetime.UTC)
    assert activity.note_step(people.unit_staff.pk, moment) == 1
    assert version.token() == before
    Unit.objects.filter(pk=org.finance.pk).update(name="Sở Tài chính tỉnh Thử")  # a rename
    assert version.token() != before


def test_what_a_rolled_back_change_read_is_never_taken_for_a_later_version(org, people):
    staff = people.unit_staff
    membership = Membership.objects.get(person=staff, role=Role.UNIT_STAFF)
    read_inside = set()

    def change_and_undo():
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(role=Role.UNIT_HEAD)
            read_inside.update(roles(staff))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_and_undo()
    assert read_inside == {(Role.UNIT_HEAD, org.finance.pk)}
    assert roles(staff) == {(Role.UNIT_STAFF, org.finance.pk)}
    Membership.objects.filter(pk=membership.pk).update(is_active=False)  # a later change
    assert roles(staff) == set()


def test_each_request_gets_its_own_units(org, people):
    first = Person.objects.get(pk=people.unit_staff.pk)
    (kept,) = permissions.jurisdictions(first)
    kept.root.name = "changed by a page"
    second = Person.objects.get(pk=people.unit_staff.pk)
    assert permissions.jurisdictions(second)[0].root.name == "Sở Tài chính"


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_a_new_unit_under_ones_own_is_reached_at_once(org, people):
    def reached() -> list[int]:
        return permissions.subtree_unit_ids(Person.objects.get(pk=people.unit_head.pk))

    before = reached()
    assert org.finance_sub.pk in before
    again = Person.objects.get(pk=people.unit_head.pk)
    with CaptureQueriesContext(connection) as read:
        assert permissions.subtree_unit_ids(again) == before
    assert len(read.captured_queries) == 1  # the version alone
    new = make_unit(org.finance, UnitKind.OTHER, "Phòng Quản lý giá")
    assert set(reached()) == {*before, new.pk}


def test_a_leader_whose_role_ended_no_longer_gives_opinions(org, people):
    """Giving a directing opinion reads the leader's roles themselves (kept like the rest)."""
    (task,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát dự án", lead_unit=org.finance, directing_leader=people.leader,
                 deadline_date=datetime.date(2026, 3, 31)),
    )  # fmt: skip

    def may_give_opinion() -> bool:
        leader = Person.objects.get(pk=people.leader.pk)
        return permissions.can(leader, permissions.Action.GIVE_OPINION, task)

    assert may_give_opinion() and may_give_opinion()  # the second from what is kept
    Membership.objects.filter(person=people.leader).update(is_active=False)
    assert not may_give_opinion()


def test_the_roles_are_read_from_the_primary_among_the_replicas_reads(org, people, settings):
    """What is kept under the version read on the primary is read there too: a replica that lags
    would otherwise keep a role just ended under the new version."""
    settings.DATABASE_ROUTERS = ["chidao.core.replica.ReplicaRouter"]
    staff = Person.objects.get(pk=people.unit_staff.pk)
    with replica.reading_from_replica():  # no replica here: a read routed to it would fail
        assert [j.root for j in permissions.jurisdictions(staff)] == [org.finance]
        assert org.finance_sub.pk in permissions.subtree_unit_ids(staff)


# --- The calendar, kept under the same version --------------------------------------------------
def _day_off(day: datetime.date) -> CalendarAdjustment:
    return CalendarAdjustment.objects.create(date=day, kind=AdjustmentKind.DAY_OFF, name="Nghỉ")


FRIDAY = datetime.date(2026, 3, 6)


@pytest.mark.parametrize(
    "change",
    [
        lambda: _day_off(FRIDAY),  # the product's (and the administration's) way
        lambda: CalendarAdjustment.objects.filter(date=MONDAY).update(date=FRIDAY),  # no save()
        lambda: (CalendarAdjustment.objects.filter(date=MONDAY).delete(), _day_off(FRIDAY)),
        lambda: _raw(  # MONDAY to FRIDAY
            "UPDATE workdays_calendaradjustment SET date = '2026-03-06' WHERE date = '2026-03-09'"
        ),
    ],
    ids=["saved", "update", "delete", "raw-sql"],
)
def test_a_day_off_added_any_way_counts_at_once(db, change):
    _day_off(MONDAY)
    assert WorkCalendar.current().is_working_day(FRIDAY)  # kept now
    before = version.token()
    change()
    assert version.token() != before
    assert not WorkCalendar.current().is_working_day(FRIDAY)


MONDAY = datetime.date(2026, 3, 9)


def test_the_figures_stamp_changes_with_the_calendar(db):
    """What is due soon and what is not updated are counted in working days."""
    before = freshness.stamp()
    _day_off(FRIDAY)
    assert freshness.stamp() != before


# --- Read once per request ------------------------------------------------------------------------
@pytest.fixture
def one_request():
    """The request's start and end, as the handler signals them (without closing the test's
    connection, as Django's own handler would)."""
    per_request._begin()
    yield
    per_request._end()


def test_a_request_reads_the_version_once_with_the_stamp(org, people, one_request):
    with CaptureQueriesContext(connection) as read:
        fresh = freshness.stamp()
        token = version.token()
        calendar = WorkCalendar.current()
        assert (freshness.stamp(), version.token(), WorkCalendar.current()) == (
            fresh,
            token,
            calendar,
        )
    assert len(read.captured_queries) == 2  # the stamp with the version; the calendar once
    with CaptureQueriesContext(connection) as read:
        WorkCalendar.current()
    assert read.captured_queries == []


def test_a_request_that_changes_a_role_or_the_calendar_reads_them_again(org, people, one_request):
    staff = Person.objects.get(pk=people.unit_staff.pk)
    fresh, token = freshness.stamp(), version.token()
    assert [j.root for j in permissions.jurisdictions(staff)] == [org.finance]
    Membership.objects.filter(person=staff).update(is_active=False)
    assert version.token() != token
    assert permissions.jurisdictions(Person.objects.get(pk=staff.pk)) == []
    token = version.token()
    assert WorkCalendar.current().is_working_day(FRIDAY)
    _day_off(FRIDAY)
    assert version.token() != token
    assert not WorkCalendar.current().is_working_day(FRIDAY)
    assert freshness.stamp() != fresh


def test_outside_a_request_every_read_asks_the_database(org, people):
    token = version.token()
    with CaptureQueriesContext(connection) as read:
        assert version.token() == token
    assert len(read.captured_queries) == 1


def test_a_page_reads_the_version_once_and_the_calendar_not_at_all(client, org, people):
    (task,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Rà soát dự án", lead_unit=org.finance,
                 deadline_date=datetime.date(2026, 3, 31)),
    )  # fmt: skip
    client.force_login(people.unit_staff)
    assert client.get(f"/tasks/{task.pk}/").status_code == 200  # the calendar kept
    with CaptureQueriesContext(connection) as read:
        assert client.get(f"/tasks/{task.pk}/").status_code == 200
    sql = [q["sql"] for q in read.captured_queries]
    assert sum(version.TABLE in s for s in sql) == 1
    assert not any("workdays_calendaradjustment" in s for s in sql)
