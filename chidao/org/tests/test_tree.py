import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chidao.conftest import make_unit
from chidao.org import actions
from chidao.org.models import FollowAssignment, Membership, Role, Unit, UnitKind, UnitSuccession


def _names(qs):
    return [u.name for u in qs]


def test_ancestors_run_from_the_root_down(org):
    assert _names(org.finance_sub.ancestors()) == ["Ủy ban nhân dân tỉnh Thử", "Sở Tài chính"]
    assert list(org.province.ancestors()) == []


def test_descendants_cover_every_depth_but_not_siblings(org):
    names = set(_names(org.province.descendants()))
    assert {"Chi cục Tài chính", "Phòng Kinh tế xã A", "Phòng Tổng hợp"} <= names
    assert "Ủy ban nhân dân tỉnh Thử" not in names
    assert "Ủy ban nhân dân tỉnh Khác" not in names
    assert set(_names(org.finance.descendants(include_self=True))) == {
        "Sở Tài chính",
        "Chi cục Tài chính",
    }


def test_a_deep_tree_keeps_paths_and_depths(db):
    unit = make_unit(None, UnitKind.COMMITTEE, "Gốc")
    root = unit
    for depth in range(1, 30):
        unit = make_unit(unit, UnitKind.OTHER, f"Cấp {depth}")
    assert unit.depth == 29
    assert len(unit.ancestor_ids()) == 29
    assert root.descendants().count() == 29


def test_committee_is_the_nearest_committee_above(org):
    assert org.commune_a_econ.committee == org.commune_a
    assert org.finance_sub.committee == org.province
    assert org.province.committee == org.province


def test_moving_a_unit_moves_its_whole_subtree(org):
    actions.move_unit(None, org.finance, org.commune_a)
    org.finance_sub.refresh_from_db()
    org.finance.refresh_from_db()
    assert org.finance.depth == 2
    assert org.finance_sub.depth == 3
    assert (
        org.finance_sub.path
        == f"{org.province.path}{org.commune_a.pk}/{org.finance.pk}/{org.finance_sub.pk}/"
    )
    assert set(_names(org.commune_a.descendants())) >= {"Sở Tài chính", "Chi cục Tài chính"}
    assert org.finance_sub.committee == org.commune_a


def test_a_unit_cannot_move_under_its_own_subunit(org):
    with pytest.raises(ValidationError):
        actions.move_unit(None, org.finance, org.finance_sub)
    org.finance.refresh_from_db()
    assert org.finance.parent == org.province


def test_saving_a_cycle_directly_is_refused_too(org):
    org.finance.parent = org.finance_sub
    with pytest.raises(ValidationError):
        org.finance.save()
    assert Unit.objects.get(pk=org.finance.pk).parent_id == org.province.pk


def test_search_ignores_diacritics_and_case(org):
    assert list(Unit.objects.search("so tai chinh")) == [org.finance]
    assert list(Unit.objects.search("SỞ TÀI")) == [org.finance]
    assert list(Unit.objects.search("tai chinh chi cuc")) == [org.finance_sub]


def test_official_codes_are_unique(org):
    make_unit(None, UnitKind.COMMITTEE, "Tỉnh A", admin_code="82")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(None, UnitKind.COMMITTEE, "Tỉnh B", admin_code="82")


def test_symbol_codes_are_unique_among_siblings_except_committees(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(org.province, UnitKind.DEPARTMENT, "Sở khác", code="STC")
    # Every commune committee signs as "UBND".
    make_unit(org.province, UnitKind.COMMITTEE, "Ủy ban nhân dân xã C", code="UBND")


def test_only_committees_have_a_level(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(org.province, UnitKind.DEPARTMENT, "Sở lạ", level="province")


@pytest.fixture
def merger(org, people):
    """Sở Y tế merges into Sở Tài chính on 01/07/2025."""
    health_sub = make_unit(org.health, UnitKind.OTHER, "Chi cục Dân số", "CCDS")
    FollowAssignment.objects.create(specialist=people.specialist_th, unit=org.health)
    trail = actions.merge_units(
        None,
        [org.health],
        org.finance,
        effective_on=datetime.date(2025, 7, 1),
        decision="Nghị quyết 01/NQ-HĐND",
    )
    org.health.refresh_from_db()
    health_sub.refresh_from_db()
    return trail, health_sub


def test_a_merger_dissolves_the_source_and_keeps_it(org, merger):
    assert Unit.objects.filter(pk=org.health.pk).exists()
    assert not org.health.is_active
    assert org.health.dissolved_on == datetime.date(2025, 7, 1)


def test_a_merger_records_the_trail(org, merger):
    trail, _ = merger
    succession = UnitSuccession.objects.get()
    assert trail == [succession]
    assert succession.predecessor == org.health
    assert succession.successor == org.finance
    assert succession.kind == UnitSuccession.Kind.MERGER
    assert succession.decision == "Nghị quyết 01/NQ-HĐND"
    assert org.health.has_history()


def test_a_merger_moves_subunits_and_people_to_the_successor(org, people, merger):
    _, health_sub = merger
    assert health_sub.parent == org.finance
    assert health_sub.path.startswith(org.finance.path)
    old = Membership.objects.get(person=people.other_staff, unit=org.health)
    assert not old.is_active and old.ended_on == datetime.date(2025, 7, 1)
    assert Membership.objects.filter(
        person=people.other_staff, unit=org.finance, role=Role.UNIT_STAFF, is_active=True
    ).exists()


def test_a_merger_keeps_the_successors_own_specialist(org, people, merger):
    follows = FollowAssignment.objects.filter(unit=org.finance, is_active=True)
    assert [f.specialist for f in follows] == [people.specialist]
    assert not FollowAssignment.objects.filter(unit=org.health, is_active=True).exists()


def test_a_dissolved_unit_cannot_be_merged_again(org, merger):
    with pytest.raises(ValidationError):
        actions.merge_units(
            None, [org.health], org.province, effective_on=datetime.date(2025, 8, 1)
        )
    assert UnitSuccession.objects.count() == 1


def test_a_unit_cannot_merge_into_its_own_subunit(org):
    with pytest.raises(ValidationError):
        actions.merge_units(
            None, [org.finance], org.finance_sub, effective_on=datetime.date(2025, 7, 1)
        )
    org.finance.refresh_from_db()
    assert org.finance.is_active


def test_a_failed_merger_changes_nothing(org, people):
    """The second source is the successor itself: the first must not stay half-merged."""
    with pytest.raises(ValidationError):
        actions.merge_units(
            None,
            [org.health, org.finance_sub],
            org.finance_sub,
            effective_on=datetime.date(2025, 7, 1),
        )
    org.health.refresh_from_db()
    assert org.health.is_active
    assert Membership.objects.get(person=people.other_staff).is_active
    assert UnitSuccession.objects.count() == 0


def test_a_unit_with_history_is_never_deleted(org, people):
    with pytest.raises(ValidationError):
        actions.delete_unit(None, org.finance)
    assert Unit.objects.filter(pk=org.finance.pk).exists()


def test_a_unit_entered_by_mistake_can_be_deleted(org):
    mistake = make_unit(org.province, UnitKind.OTHER, "Nhập nhầm", "NN")
    actions.delete_unit(None, mistake)
    assert not Unit.objects.filter(pk=mistake.pk).exists()


def test_dissolving_needs_the_unit_to_be_empty(org, people):
    with pytest.raises(ValidationError):
        actions.dissolve_unit(None, org.health, effective_on=datetime.date(2025, 7, 1))
    org.health.refresh_from_db()
    assert org.health.is_active
