import io

import pytest
from django.core.management import CommandError, call_command
from vietnam_provinces import Province, ProvinceCode, Ward

from chidao.org import standard
from chidao.org.importer import import_units
from chidao.org.models import Level, SectorBlock, Unit, UnitKind

DONG_THAP = 82


@pytest.fixture(scope="module")
def package_counts():
    return len(list(Province.iter_all())), len(list(Ward.iter_all()))


def test_the_package_holds_the_2025_map(package_counts):
    assert package_counts == (34, 3321)


@pytest.mark.django_db(transaction=True)
def test_importing_everything_gives_the_packages_counts(package_counts):
    provinces, wards = package_counts
    import_units(None, with_apparatus=False)
    committees = Unit.objects.filter(kind=UnitKind.COMMITTEE)
    assert committees.filter(level=Level.PROVINCE, parent=None).count() == provinces
    assert committees.filter(level=Level.COMMUNE).count() == wards
    # Every commune hangs under its own province.
    for province in Province.iter_all():
        root = Unit.objects.get(admin_code=f"{int(province.code):02d}")
        expected = len(list(Ward.iter_by_province(province.code)))
        assert root.children.filter(level=Level.COMMUNE).count() == expected, province.name


def test_one_province_gets_its_communes_office_divisions_blocks_and_departments(db):
    report = import_units([DONG_THAP])
    province = Unit.objects.get(admin_code="82")
    assert province.name == "Ủy ban nhân dân tỉnh Đồng Tháp"
    wards = list(Ward.iter_by_province(ProvinceCode.P_82))
    assert province.children.filter(level=Level.COMMUNE).count() == len(wards) == 102
    office = province.children.get(kind=UnitKind.OFFICE)
    assert office.children.filter(kind=UnitKind.OFFICE_DIVISION).count() == len(
        standard.OFFICE_DIVISIONS
    )
    assert province.children.filter(kind=UnitKind.DEPARTMENT).count() == len(standard.DEPARTMENTS)
    assert SectorBlock.objects.filter(committee=province).count() == len(standard.SECTOR_BLOCKS)
    assert report.created == Unit.objects.count()
    my_tho = Unit.objects.get(admin_code="28261")
    assert my_tho.short_name == "UBND phường Mỹ Tho"
    assert my_tho.parent == province


def test_importing_twice_changes_nothing(db):
    import_units([DONG_THAP])
    before = list(Unit.objects.order_by("pk").values_list("pk", "name", "path"))
    report = import_units([DONG_THAP])
    assert report.created == 0 and report.updated == 0
    assert list(Unit.objects.order_by("pk").values_list("pk", "name", "path")) == before


def test_a_renamed_unit_is_corrected_not_duplicated(db):
    import_units([DONG_THAP])
    Unit.objects.filter(admin_code="28261").update(name="Tên sai")
    report = import_units([DONG_THAP])
    assert report.updated == 1
    assert Unit.objects.get(admin_code="28261").name == "Ủy ban nhân dân phường Mỹ Tho"


def test_the_command_reports_and_refuses_unknown_codes(db):
    out = io.StringIO()
    call_command("import_units", "--province", "82", stdout=out)
    created = 1 + 1 + len(standard.OFFICE_DIVISIONS) + len(standard.DEPARTMENTS) + 102
    assert f": {created}," in out.getvalue()
    assert Unit.objects.filter(level=Level.COMMUNE).count() == 102
    with pytest.raises(CommandError):
        call_command("import_units", "--province", "99")
