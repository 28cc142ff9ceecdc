"""manage.py change_unit: prints the preview, saves only with --commit, refuses with the reasons."""

import io

import pytest
from django.core.management import CommandError, call_command

from chidao.org.models import Membership, Unit, UnitChange
from chidao.org.tests.test_unit_changes import snapshot


def run(*args) -> str:
    out = io.StringIO()
    call_command("change_unit", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_merge_prints_its_preview_and_saves_nothing_without_commit(org, people):
    before = snapshot()
    out = run("merge", org.health.pk, "--into", org.finance.pk, "--on", "01/07/2026",
              "--decision", "QĐ 3")  # fmt: skip
    assert "Sở Y tế → Sở Tài chính" in out
    assert "1 vai trò kết thúc tại đây và tiếp tục tại đơn vị kế thừa" in out
    assert "  - Other_Staff — Cán bộ đơn vị" in out or "  - Other_Staff" in out
    assert "Chưa lưu gì" in out
    assert snapshot() == before


def test_with_commit_the_merge_is_made_and_recorded_by_the_given_person(org, people):
    out = run("merge", org.health.pk, "--into", org.finance.pk, "--on", "01/07/2026",
              "--decision", "QĐ 3", "--by", "admin", "--commit")  # fmt: skip
    assert "Đã lưu thay đổi." in out
    assert not Unit.objects.get(pk=org.health.pk).is_active
    assert Membership.objects.get(person=people.other_staff, is_active=True).unit == org.finance
    assert UnitChange.objects.get().recorded_by == people.admin


def test_rename_move_and_dissolve_by_command(org, people):
    run("rename", org.health.pk, "--name", "Sở Y tế mới", "--on", "01/07/2026",
        "--decision", "QĐ 4", "--commit")  # fmt: skip
    run("move", org.finance_sub.pk, "--to", org.health.pk, "--on", "01/07/2026", "--commit")
    run("dissolve", org.commune_b.pk, "--on", "01/07/2026", "--decision", "NQ 5", "--commit")
    assert Unit.objects.get(pk=org.health.pk).name == "Sở Y tế mới"
    assert Unit.objects.get(pk=org.finance_sub.pk).parent == org.health
    assert not Unit.objects.get(pk=org.commune_b.pk).is_active
    assert UnitChange.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["merge", "{finance}", "--into", "{finance_sub}", "--on", "01/07/2026",
          "--decision", "x", "--commit"], "Không thể sáp nhập đơn vị vào đơn vị trực thuộc"),
        (["dissolve", "{health}", "--on", "01/07/2026", "--decision", "x", "--commit"],
         "Cần kết thúc vai trò"),
        (["move", "{finance}", "--to", "999999", "--on", "01/07/2026"], "Không có đơn vị 999999"),
        (["dissolve", "{commune_b}", "--on", "31/02/2026", "--decision", "x"],
         "dd/mm/yyyy"),
        (["rename", "{health}", "--name", "Tên mới", "--on", "01/07/2026", "--decision", "x",
          "--by", "unit_head", "--commit"], "Unit_Head không được thực hiện thay đổi này."),
    ],
)  # fmt: skip
def test_refusals_change_nothing(org, people, args, message):
    args = [a.format(**{k: getattr(org, k).pk for k in vars(org) if hasattr(getattr(org, k), "pk")})
            for a in args]  # fmt: skip
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)
    assert snapshot() == before
