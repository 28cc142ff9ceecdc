"""The list's filter options are kept per process under the organisation's version: every change
to the units, roles, accounts and sector blocks they are made of shows at the next request, and
what one person's scope offers never leaks into another's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chidao.conftest import make_person, make_unit
from chidao.directives import filter_choices
from chidao.org import actions, names
from chidao.org.models import Membership, Role, SectorBlock, UnitKind
from chidao.org.version import token

LIST = "/tasks/"


def options(client, person, field: str) -> list[str]:
    client.force_login(person)
    html = client.get(LIST).content.decode()
    select = re.search(rf'<select [^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {field}"
    return re.findall(r">([^<]*)</option>", select.group(1))


@pytest.fixture
def office_leader(people):
    return people.office_leader


def test_a_new_unit_shows_at_once(client, org, office_leader):
    assert "Sở Xây dựng" not in options(client, office_leader, "unit")
    make_unit(org.province, UnitKind.DEPARTMENT, "Sở Xây dựng", "SXD")
    assert "Sở Xây dựng" in options(client, office_leader, "unit")


def test_a_renamed_unit(client, org, office_leader):
    assert "Sở Y tế" in options(client, office_leader, "unit")
    org.health.name = "Sở Y tế và Dân số"
    org.health.save()
    shown = options(client, office_leader, "unit")
    assert "Sở Y tế và Dân số" in shown and "Sở Y tế" not in shown


def test_a_new_specialist_and_an_ended_role(client, org, people, office_leader):
    newcomer = make_person("newcomer", org.div_kt, Role.SPECIALIST)
    newcomer.full_name = "Chuyên viên Mới"
    newcomer.save()
    assert "Chuyên viên Mới" in options(client, office_leader, "specialist")
    actions.end_role(None, Membership.objects.get(person=newcomer))
    assert "Chuyên viên Mới" not in options(client, office_leader, "specialist")


def test_a_deactivated_account_goes(client, people, office_leader):
    name = str(people.leader)
    assert name in options(client, office_leader, "leader")
    people.leader.is_active = False
    people.leader.save()
    assert name not in options(client, office_leader, "leader")


def test_a_new_sector_block(client, org, office_leader):
    SectorBlock.objects.create(committee=org.province, name="Khối Văn xã", code="VX")
    assert "Khối Văn xã" in options(client, office_leader, "sector_block")


def test_a_renamed_person_and_sector_block_show_at_once(client, org, people, office_leader):
    """A rename moves the version (a trigger): what was kept is built again."""
    block = SectorBlock.objects.create(committee=org.province, name="Khối Văn xã", code="VX")
    before = options(client, office_leader, "leader")
    assert "Khối Văn xã" in options(client, office_leader, "sector_block")
    people.leader.full_name = "Tên Mới Của Lãnh Đạo"
    people.leader.save()
    SectorBlock.objects.filter(pk=block.pk).update(name="Khối Văn hóa - Xã hội")
    after = options(client, office_leader, "leader")
    assert "Tên Mới Của Lãnh Đạo" in after and "Tên Mới Của Lãnh Đạo" not in before
    blocks = options(client, office_leader, "sector_block")
    assert "Khối Văn hóa - Xã hội" in blocks and "Khối Văn xã" not in blocks


def test_each_scope_its_own_options(client, org, people):
    province_wide = options(client, people.office_leader, "unit")
    unit_only = options(client, people.unit_staff, "unit")
    assert "Sở Y tế" in province_wide
    assert "Sở Y tế" not in unit_only and "Sở Tài chính" in unit_only
    # And again, from what is kept: still apart.
    assert options(client, people.unit_staff, "unit") == unit_only
    assert options(client, people.office_leader, "unit") == province_wide


def test_the_version_moves_with_each_change_and_not_with_a_sign_in(org, people):
    seen = {token()}
    make_unit(org.province, UnitKind.DEPARTMENT, "Sở Công Thương", "SCT")
    seen.add(token())
    grant = actions.grant_role(None, people.nobody, org.finance, Role.UNIT_STAFF)
    seen.add(token())
    actions.end_role(None, grant)
    seen.add(token())
    people.viewer.is_active = False
    people.viewer.save()
    seen.add(token())
    people.leader.full_name = "Lãnh Đạo Đổi Tên"
    people.leader.save(update_fields=["full_name"])
    seen.add(token())
    SectorBlock.objects.create(committee=org.province, name="Khối Nội chính", code="NC")
    seen.add(token())
    assert len(seen) == 7
    # A sign-in writes the person's last login, which nothing kept reads: the version stays.
    people.viewer.last_login = timezone.now()
    people.viewer.save(update_fields=["last_login"])
    assert token() in seen


def test_the_statistics_names_follow_the_version(org, people):
    assert names.units([org.health.pk]) == {org.health.pk: "Sở Y tế"}
    assert names.people([people.leader.pk, None]) == {people.leader.pk: people.leader.full_name}
    # Kept: asked again, only the version is read.
    with CaptureQueriesContext(connection) as read:
        assert names.units([org.health.pk]) == {org.health.pk: "Sở Y tế"}
    assert [q["sql"] for q in read.captured_queries] == ["SELECT token FROM chidao_org_version"]
    # Any write moves the version, even one that bypasses the models.
    org.health.__class__.objects.filter(pk=org.health.pk).update(name="Sở Y tế và Dân số")
    assert names.units([org.health.pk]) == {org.health.pk: "Sở Y tế và Dân số"}
    people.leader.__class__.objects.filter(pk=people.leader.pk).update(full_name="Tên Khác")
    assert names.people([people.leader.pk]) == {people.leader.pk: "Tên Khác"}
    assert names.units([999_999]) == {}


def test_kept_scopes_are_bounded(org, people, monkeypatch):
    monkeypatch.setattr(filter_choices, "MAX_KEPT", 2)
    for person in (people.office_leader, people.unit_staff, people.other_staff):
        filter_choices.offered(person)
    assert len(filter_choices._kept) == 2
