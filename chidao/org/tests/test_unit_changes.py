"""Renaming, moving, merging and dissolving units: the preview lists exactly what moves, the
change writes exactly that (all or nothing), refusals change nothing, and the import of the
official units stays idempotent afterwards."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from chidao.conftest import make_unit
from chidao.directives import actions as task_actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Cooperation, EventKind, State, Task, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import scope_q
from chidao.org import actions, permissions, unit_changes
from chidao.org.importer import import_units
from chidao.org.models import (
    FollowAssignment,
    Membership,
    Role,
    Unit,
    UnitChange,
    UnitKind,
    UnitSuccession,
)

ON = datetime.date(2026, 7, 1)


def snapshot():
    """Everything a unit change may write, as plain values."""
    return {
        "units": {
            u.pk: (u.parent_id, u.path, u.is_active, u.name, u.code) for u in Unit.objects.all()
        },
        "tasks": {t.pk: (t.lead_unit_id, t.assigner_unit_id, t.state) for t in Task.objects.all()},
        "cooperations": {c.pk: (c.unit_id,) for c in Cooperation.objects.all()},
        "memberships": {
            m.pk: (m.person_id, m.unit_id, m.role, m.is_active) for m in Membership.objects.all()
        },
        "follows": {
            f.pk: (f.specialist_id, f.unit_id, f.is_active) for f in FollowAssignment.objects.all()
        },
        "events": TaskEvent.objects.count(),
        "changes": UnitChange.objects.count(),
        "successions": UnitSuccession.objects.count(),
    }


def _set_state(task, state):
    Task.objects.filter(pk=task.pk).update(state=state)
    task.refresh_from_db()
    return task


@pytest.fixture
def work(org, people):
    """Sở Y tế (health) merging into Sở Tài chính (finance), with work of every kind."""
    w = type("Work", (), {})()
    w.health_sub = make_unit(org.health, UnitKind.OTHER, "Chi cục Dân số", "CCDS")
    w.health_old = make_unit(org.health, UnitKind.OTHER, "Trung tâm cũ", "TTC")
    w.health_old.is_active, w.health_old.dissolved_on = False, datetime.date(2026, 1, 1)
    w.health_old.save()
    FollowAssignment.objects.create(specialist=people.specialist_th, unit=org.health)
    spec = lambda content, lead, coop=(): TaskSpec(  # noqa: E731
        content=content, lead_unit=lead, cooperating_units=list(coop),
        deadline_date=datetime.date(2027, 6, 30),
    )  # fmt: skip
    (
        w.led_open, w.led_done, w.led_suspended, w.led_cancelled, w.finance_leads,
        w.commune_leads, w.both_cooperate, w.led_with_part,
    ) = issue(
        people.specialist, org, people,
        spec("Y tế chủ trì, đang làm", org.health, [org.commune_b]),
        spec("Y tế chủ trì, đã xong", org.health),
        spec("Y tế chủ trì, tạm dừng", org.health),
        spec("Y tế chủ trì, đã hủy", org.health, [org.commune_a]),
        spec("Tài chính chủ trì, Y tế phối hợp", org.finance, [org.health]),
        spec("Xã A chủ trì, Y tế phối hợp", org.commune_a, [org.health]),
        spec("Xã A chủ trì, cả hai phối hợp", org.commune_a, [org.health, org.finance]),
        spec("Y tế chủ trì, giao một phần", org.health),
        issued_on=datetime.date(2026, 3, 2),
    )  # fmt: skip
    _set_state(w.led_done, State.DONE)
    _set_state(w.led_suspended, State.SUSPENDED)
    _set_state(w.led_cancelled, State.CANCELLED)
    _set_state(w.led_with_part, State.IN_PROGRESS)
    w.part = task_actions.subassign(
        None, w.led_with_part,
        TaskSpec(content="Phần giao Chi cục", lead_unit=w.health_sub,
                 deadline_date=datetime.date(2027, 6, 15)),
    )  # fmt: skip
    w.done_part = task_actions.subassign(
        None, w.led_with_part,
        TaskSpec(content="Phần đã xong", lead_unit=w.health_sub,
                 deadline_date=datetime.date(2027, 6, 15)),
    )  # fmt: skip
    _set_state(w.done_part, State.DONE)
    return w


# --- The preview is what moves ------------------------------------------------------------------
def test_a_merge_moves_exactly_what_its_preview_lists(org, people, work):
    plan = unit_changes.plan_merge([org.health], org.finance, effective_on=ON, decision="QĐ 9")
    assert plan.ok, plan.errors
    (part,) = plan.sources
    before = snapshot()

    actions.merge_units(
        people.admin, [org.health], org.finance, effective_on=ON, decision="QĐ 9",
        expected=plan.fingerprint(),
    )  # fmt: skip
    after = snapshot()

    def changed(table, index):
        return {
            pk for pk, row in after[table].items()
            if pk in before[table] and row[index] != before[table][pk][index]
        }  # fmt: skip

    # Tasks: the lead unit, the assigning unit, the cooperating shares, exactly as listed.
    assert changed("tasks", 0) == {m.task.pk for m in part.lead_tasks}
    assert changed("tasks", 1) == {m.task.pk for m in part.assigned_tasks}
    assert changed("cooperations", 0) == {m.cooperation.pk for m in part.cooperations}
    assert {after["tasks"][pk][0] for pk in changed("tasks", 0)} == {org.finance.pk}
    assert {after["cooperations"][pk][0] for pk in changed("cooperations", 0)} == {org.finance.pk}
    # Roles and follow assignments: those listed end; the new ones are those listed as new.
    assert changed("memberships", 3) == {r.membership.pk for r in part.roles}
    created = {
        pk: row for pk, row in after["memberships"].items() if pk not in before["memberships"]
    }
    assert sorted((p, u, r) for p, u, r, _active in created.values()) == sorted(
        (r.membership.person_id, org.finance.pk, r.membership.role) for r in part.new_roles
    )
    assert changed("follows", 2) == {f.follow.pk for f in part.follows}
    new_follows = [row for pk, row in after["follows"].items() if pk not in before["follows"]]
    assert new_follows == [
        (f.follow.specialist_id, org.finance.pk, True) for f in part.passing_follows
    ]
    # Units: the listed subunits and the source itself move under the successor; nothing else.
    assert changed("units", 0) == {u.pk for u in part.subunits} | {org.health.pk}
    # One "handed over" step on each listed task, naming its roles; no other task has one.
    steps = TaskEvent.objects.filter(kind=EventKind.HANDED_OVER)
    assert {e.task_id: e.data["roles"] for e in steps} == {m.task.pk: m.roles for m in part.tasks}

    # And the lists are what this scene expects.
    assert {m.task for m in part.lead_tasks} == {
        work.led_open,
        work.led_suspended,
        work.led_with_part,
    }
    assert {m.task for m in part.assigned_tasks} == {work.part}
    assert {m.task for m in part.cooperations} == {work.commune_leads}
    assert {c.task for c in part.kept_cooperations} == {work.finance_leads, work.both_cooperate}
    assert part.subunits == [work.health_sub]
    assert [r.membership.person for r in part.roles] == [people.other_staff]
    assert [(f.follow.specialist, f.passes) for f in part.follows] == [
        (people.specialist_th, False)
    ]
    assert part.finished_tasks == 3  # done, cancelled, and the done part it gave


def test_finished_tasks_keep_their_unit_and_the_successor_still_sees_them(org, people, work):
    actions.merge_units(people.admin, [org.health], org.finance, effective_on=ON, decision="QĐ 9")
    for task in (work.led_done, work.led_cancelled, work.done_part):
        task.refresh_from_db()
    assert work.led_done.lead_unit == org.health
    assert work.led_cancelled.lead_unit == org.health
    assert work.done_part.assigner_unit == org.health
    health = Unit.objects.get(pk=org.health.pk)
    assert not health.is_active and health.parent == org.finance
    assert work.health_old.pk in set(org.finance.descendants().values_list("pk", flat=True))
    # The successor's people see the source's history, and its statistics count it.
    assert permissions.visible_tasks(people.unit_staff).filter(pk=work.led_done.pk).exists()
    scoped = Task.objects.filter(scope_q(Unit.objects.get(pk=org.finance.pk)))
    assert scoped.filter(pk=work.led_done.pk).exists()
    # The committee's figures by lead unit are unchanged for finished work.
    assert Task.objects.filter(lead_unit=org.health, state=State.DONE).count() == 1


def test_the_hand_over_step_keeps_the_names_of_that_day(org, people, work, client):
    actions.merge_units(people.admin, [org.health], org.finance, effective_on=ON, decision="QĐ 9")
    actions.rename_unit(
        people.admin, org.finance, name="Sở Tài chính và Y tế", effective_on=ON, decision="QĐ 10"
    )
    step = work.led_open.events.get(kind=EventKind.HANDED_OVER)
    assert step.data["from_unit"]["name"] == "Sở Y tế"
    assert step.data["to_unit"]["name"] == "Sở Tài chính"
    assert step.data["decision"] == "QĐ 9" and step.data["effective_on"] == "2026-07-01"
    client.force_login(people.specialist)
    page = client.get(f"/tasks/{work.led_open.pk}/").content.decode()
    assert "Từ Sở Y tế sang Sở Tài chính (sáp nhập, quyết định QĐ 9, hiệu lực 01/07/2026)" in page


def test_a_merger_into_a_unit_followed_by_nobody_passes_the_specialist(org, people):
    FollowAssignment.objects.create(specialist=people.specialist_th, unit=org.health)
    FollowAssignment.objects.filter(unit=org.finance).update(is_active=False)
    plan = unit_changes.plan_merge([org.health], org.finance, effective_on=ON, decision="QĐ")
    assert [f.passes for f in plan.sources[0].follows] == [True]
    actions.merge_units(None, [org.health], org.finance, effective_on=ON, decision="QĐ")
    follow = FollowAssignment.objects.get(unit=org.finance, is_active=True)
    assert follow.specialist == people.specialist_th and follow.started_on == ON


def test_a_confirmed_preview_that_no_longer_holds_is_refused(org, people, work):
    plan = unit_changes.plan_merge([org.health], org.finance, effective_on=ON, decision="QĐ")
    task_actions.cancel(None, work.led_open, reason="Không còn cần thiết")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        actions.merge_units(
            people.admin, [org.health], org.finance, effective_on=ON, decision="QĐ",
            expected=plan.fingerprint(),
        )  # fmt: skip
    assert refused.value.code == "stale"
    assert snapshot() == before


# --- Refusals: each with its Vietnamese message, nothing written ------------------------------
REFUSALS = {
    "merge into a dissolved unit": (
        lambda o, p: (
            actions.dissolve_unit(p.admin, o.commune_b, effective_on=ON, decision="QĐ 1"),
            actions.merge_units(p.admin, [o.health], o.commune_b, effective_on=ON, decision="x"),
        ),
        "Không thể sáp nhập vào đơn vị đã giải thể.",
    ),
    "merge a department into a committee": (
        lambda o, p: actions.merge_units(p.admin, [o.health], o.commune_a, effective_on=ON),
        "Ủy ban nhân dân chỉ sáp nhập với Ủy ban nhân dân",
    ),
    "merge with a date after today": (
        lambda o, p: actions.merge_units(
            p.admin, [o.health], o.finance, effective_on=datetime.date(2099, 1, 1)
        ),
        "Ngày hiệu lực không được sau ngày hôm nay",
    ),
    "move under its own subunit": (
        lambda o, p: actions.move_unit(p.admin, o.finance, o.finance_sub, effective_on=ON),
        "Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị trực thuộc của nó.",
    ),
    "move to a parent with the same code": (
        lambda o, p: (
            make_unit(o.health, UnitKind.OTHER, "Chi cục khác", "CCTC"),
            actions.move_unit(p.admin, o.finance_sub, o.health, effective_on=ON),
        ),
        "đã dùng ký hiệu CCTC",
    ),
    "move a committee under a department": (
        lambda o, p: actions.move_unit(p.admin, o.commune_b, o.health, effective_on=ON),
        "Ủy ban nhân dân chỉ có thể đặt dưới một Ủy ban nhân dân khác",
    ),
    "rename to the same name": (
        lambda o, p: actions.rename_unit(p.admin, o.health, name="Sở Y tế", effective_on=ON),
        "Tên mới trùng với tên hiện tại.",
    ),
    "rename to a sibling's code": (
        lambda o, p: actions.rename_unit(
            p.admin, o.health, name="Sở Y tế mới", code="STC", effective_on=ON
        ),
        "đã dùng ký hiệu STC",
    ),
    "dissolve a unit with unfinished tasks": (
        lambda o, p: (
            issue(
                p.specialist,
                o,
                p,
                TaskSpec(
                    content="Việc của xã B",
                    lead_unit=o.commune_b,
                    deadline_date=datetime.date(2027, 6, 30),
                ),
            ),
            actions.dissolve_unit(p.admin, o.commune_b, effective_on=ON),
        ),
        "còn nhiệm vụ chưa kết thúc",
    ),
}


@pytest.mark.parametrize(("attempt", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_change_says_why_in_vietnamese_and_changes_nothing(org, people, attempt, message):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        attempt(org, people)
    assert message in " ".join(refused.value.messages)


def test_refused_changes_write_nothing(org, people, work):
    attempts = [
        lambda: actions.merge_units(people.admin, [org.finance], org.finance_sub, effective_on=ON),
        lambda: actions.merge_units(people.admin, [org.health], org.commune_a, effective_on=ON),
        lambda: actions.move_unit(people.admin, org.finance, org.finance_sub, effective_on=ON),
        lambda: actions.rename_unit(people.admin, org.health, name=" ", effective_on=ON),
        lambda: actions.dissolve_unit(people.admin, org.health, effective_on=ON),
        lambda: actions.merge_units(
            people.admin, [org.health], org.finance, effective_on=datetime.date(2099, 1, 1)
        ),
    ]
    before = snapshot()
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
        assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "error"),
    [("unit_head", PermissionDenied), ("leader", PermissionDenied), ("outsider", Http404)],
)
def test_only_the_administrators_covering_the_units_change_them(org, people, work, who, error):
    person = getattr(people, who)
    before = snapshot()
    for attempt in (
        lambda: actions.merge_units(person, [org.finance_sub], org.finance, effective_on=ON),
        lambda: actions.rename_unit(person, org.finance_sub, name="Tên mới", effective_on=ON),
        lambda: actions.move_unit(person, org.finance_sub, org.finance, effective_on=ON),
        lambda: actions.dissolve_unit(person, org.finance_sub, effective_on=ON),
    ):
        with pytest.raises(error):
            attempt()
    assert snapshot() == before


# --- Rename, move, dissolve ---------------------------------------------------------------------
def test_a_renaming_keeps_the_former_name_in_the_units_history(org, people):
    change = actions.rename_unit(
        people.admin, org.health, name="Sở Y tế và Dân số", short_name="SYT-DS", code="syt",
        effective_on=ON, decision="QĐ 5",
    )  # fmt: skip
    health = Unit.objects.get(pk=org.health.pk)
    assert (health.name, health.short_name, health.code) == ("Sở Y tế và Dân số", "SYT-DS", "SYT")
    assert (change.name_before, change.name_after, change.decision) == (
        "Sở Y tế", "Sở Y tế và Dân số", "QĐ 5"
    )  # fmt: skip
    assert change.recorded_by == people.admin and change.kind == UnitChange.Kind.RENAME


def test_a_move_ends_the_follow_of_a_specialist_of_another_office(org, people):
    plan = unit_changes.plan_move(org.finance, org.commune_a, effective_on=ON)
    assert [f.specialist for f in plan.follows_ended] == [people.specialist]
    assert plan.subunits == [org.finance_sub]
    actions.move_unit(people.admin, org.finance, org.commune_a, effective_on=ON, decision="QĐ 7")
    assert not FollowAssignment.objects.filter(unit=org.finance, is_active=True).exists()
    change = UnitChange.objects.get(kind=UnitChange.Kind.MOVE)
    assert (change.parent_before, change.parent_after) == (org.province, org.commune_a)


def test_a_move_within_the_same_committee_keeps_the_follow(org, people):
    plan = unit_changes.plan_move(org.finance, org.health, effective_on=ON)
    assert plan.ok and plan.follows_ended == []


def test_an_empty_unit_is_dissolved_with_its_decision(org, people):
    FollowAssignment.objects.create(specialist=people.specialist_th, unit=org.commune_b)
    actions.dissolve_unit(people.admin, org.commune_b, effective_on=ON, decision="NQ 3")
    commune_b = Unit.objects.get(pk=org.commune_b.pk)
    assert not commune_b.is_active and commune_b.dissolved_on == ON
    assert not FollowAssignment.objects.filter(unit=commune_b, is_active=True).exists()
    assert UnitChange.objects.get(unit=commune_b).decision == "NQ 3"


def test_a_renamed_unit_cannot_be_deleted(org, people):
    unit = make_unit(org.province, UnitKind.OTHER, "Nhập nhầm", "NN")
    actions.rename_unit(people.admin, unit, name="Tên đúng", effective_on=ON)
    with pytest.raises(ValidationError):
        actions.delete_unit(people.admin, unit)


# --- The import stays idempotent after the changes ---------------------------------------------
DONG_THAP = 82


@pytest.fixture
def imported(db):
    import_units([DONG_THAP])
    province = Unit.objects.get(admin_code="82")
    return province


def _units():
    return list(
        Unit.objects.order_by("pk").values_list("pk", "parent_id", "name", "code", "is_active")
    )


def test_importing_again_after_a_merger_recreates_nothing(imported):
    source, into = imported.children.filter(kind=UnitKind.DEPARTMENT).order_by("pk")[:2]
    actions.merge_units(None, [source], into, effective_on=ON, decision="NQ 1")
    before = _units()
    report = import_units([DONG_THAP])
    assert report.created == 0 and report.updated == 0
    assert _units() == before


def test_importing_again_keeps_a_decided_name_move_and_code(imported):
    commune = Unit.objects.get(admin_code="28261")
    actions.rename_unit(None, commune, name="Ủy ban nhân dân phường Mỹ Tho mới",
                        short_name="UBND phường Mỹ Tho mới", effective_on=ON)  # fmt: skip
    departments = list(imported.children.filter(kind=UnitKind.DEPARTMENT).order_by("pk")[:3])
    renamed, moved, host = departments
    actions.rename_unit(None, renamed, name="Sở đổi tên", code="SDT", effective_on=ON)
    actions.move_unit(None, moved, host, effective_on=ON)
    before = _units()
    report = import_units([DONG_THAP])
    assert report.created == 0 and report.updated == 0
    assert _units() == before
    assert Unit.objects.get(admin_code="28261").name == "Ủy ban nhân dân phường Mỹ Tho mới"


def test_a_commune_merger_then_import_leaves_the_dissolved_commune_alone(imported):
    a, b = imported.children.filter(kind=UnitKind.COMMITTEE).order_by("admin_code")[:2]
    actions.merge_units(None, [a], b, effective_on=ON, decision="NQ 1656/NQ-UBTVQH15")
    before = _units()
    report = import_units([DONG_THAP])
    assert report.created == 0 and report.updated == 0
    assert _units() == before
    a.refresh_from_db()
    assert not a.is_active and a.parent == b


def test_an_administrator_may_only_merge_in_scope(org, people):
    commune_admin = Membership.objects.create(
        person=people.nobody, unit=org.commune_a_office, role=Role.ADMIN
    ).person
    with pytest.raises(Http404):
        actions.merge_units(commune_admin, [org.commune_a_econ], org.health, effective_on=ON)
