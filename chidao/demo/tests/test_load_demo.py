import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest

from chidao.org import permissions
from chidao.org.models import FollowAssignment, Level, Membership, Person, Role, Unit, UnitKind


def _load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's organisation, loaded once for the module (in a transaction rolled back at its
    end); each test runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load("--password", "Demo-2026-mat-khau", "--tasks", "0")
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Each test in its own savepoint inside the module's transaction."""


def test_the_demo_is_dong_thap_with_its_real_communes(demo):
    province = Unit.objects.get(admin_code="82")
    assert province.name == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert province.children.filter(level=Level.COMMUNE).count() == 102
    assert province.children.filter(kind=UnitKind.DEPARTMENT).count() == 20


def test_every_role_has_someone_who_can_log_in(demo, client):
    for role in Role.values:
        membership = Membership.objects.filter(role=role, is_active=True).first()
        assert membership is not None, role
        assert client.login(
            request=HttpRequest(),
            username=membership.person.username,
            password="Demo-2026-mat-khau",
        )
        client.logout()


def test_leaders_direct_three_sector_blocks(demo):
    leaders = Membership.objects.filter(role=Role.COMMITTEE_LEADER, unit__admin_code="82")
    assert leaders.filter(sector_block__isnull=True).count() == 1  # the Chairman
    assert leaders.exclude(sector_block=None).values("sector_block").distinct().count() == 3


def test_every_department_and_commune_is_followed_and_every_department_has_staff(demo):
    province = Unit.objects.get(admin_code="82")
    for unit in province.children.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMITTEE]):
        assert FollowAssignment.objects.filter(unit=unit, is_active=True).exists(), unit
    for dept in province.children.filter(kind=UnitKind.DEPARTMENT):
        assert dept.memberships.filter(role=Role.UNIT_STAFF, is_active=True).exists(), dept


def test_a_commune_runs_its_own_tracking(demo):
    commune_leader = Person.objects.get(username="mytho.ct")
    visible = permissions.visible_units(commune_leader)
    assert visible.filter(name__startswith="Phòng Kinh tế, Hạ tầng và Đô thị").exists()
    assert not visible.filter(admin_code="82").exists()


def test_the_logins_are_printed_for_each_role(demo):
    assert "Demo-2026-mat-khau" in demo
    for username in ("chutich", "cvp", "tp.th", "cv.th1", "quantri", "snv.ld", "snv.cb", "xem"):
        assert username in demo


def test_a_second_run_keeps_the_first_runs_data(demo):
    before = list(Person.objects.order_by("pk").values_list("pk", "username", "password"))
    units = Unit.objects.count()
    output = _load("--if-empty", "--password", "Another-password-1")
    assert list(Person.objects.order_by("pk").values_list("pk", "username", "password")) == before
    assert Unit.objects.count() == units
    assert "chutich" in output
