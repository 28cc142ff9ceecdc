"""Review: does the newest code (board, dashboard, home panels, task pages) show anyone more than
``visible_tasks`` lets them see? Each test asserts the safe behaviour."""

import datetime
from urllib.parse import parse_qs

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from chidao.board import snapshot, stats
from chidao.board.forms import ScopeForm
from chidao.board.models import Screen
from chidao.conftest import make_person, make_unit
from chidao.directives import actions, home
from chidao.directives.actions import TaskSpec
from chidao.directives.models import DirectiveKind
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import countable, scope_q
from chidao.org.models import Membership, Person, Role, UnitKind
from chidao.org.permissions import visible_tasks, visible_units

D = datetime.date
MORNING = datetime.datetime(2026, 3, 5, 2, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 4, 10, 2, tzinfo=datetime.UTC)  # everything below is overdue
URL = "/dashboard/?start=01/01/2026&end=31/12/2026"

FINANCE = "Tham mưu phân bổ vốn đầu tư công (Sở Tài chính chủ trì)"
HEALTH = "Kiểm tra an toàn thực phẩm bếp ăn tập thể (Sở Y tế)"
TO_COMMUNE = "Giải phóng mặt bằng đường tỉnh 291 (xã A)"
PART = "Phần việc riêng: rà soát hồ sơ giải ngân của Chi cục"
COMMUNE = "Việc của xã A: chỉnh trang chợ trung tâm"
ELSEWHERE = "Việc của tỉnh Khác: nâng cấp đê biển"

PERSONAS = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "sub_staff", "other_staff", "commune_leader",
    "commune_staff", "commune_specialist", "outsider", "nobody",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(org, people):
    """Province tasks, a part handed down to a branch, a commune's own task, another province's."""
    w = {}
    with time_machine.travel(MORNING, tick=False):
        finance, health, to_commune = issue(
            people.specialist, org, people,
            TaskSpec(content=FINANCE, lead_unit=org.finance, cooperating_units=[org.health],
                     directing_leader=people.leader, deadline_date=D(2026, 3, 31)),
            TaskSpec(content=HEALTH, lead_unit=org.health, deadline_date=D(2026, 3, 31)),
            TaskSpec(content=TO_COMMUNE, lead_unit=org.commune_a, deadline_date=D(2026, 3, 31)),
        )  # fmt: skip
        finance = actions.receive(people.unit_head, finance)
        part = actions.subassign(
            people.unit_head,
            finance,
            TaskSpec(content=PART, lead_unit=org.finance_sub, deadline_date=D(2026, 3, 25)),
        )
        commune = actions.issue_directive(
            people.commune_specialist,
            issuer=org.commune_a,
            tasks=[TaskSpec(content=COMMUNE, lead_unit=org.commune_a_econ,
                            deadline_date=D(2026, 3, 31))],
            kind=DirectiveKind.OFFICIAL_LETTER, number=7, symbol="UBND",
            issued_on=D(2026, 3, 3), signer=people.commune_leader, summary="Về chợ xã A",
        ).tasks.get()  # fmt: skip
        other_dept = make_unit(org.other_province, UnitKind.DEPARTMENT, "Sở Xây dựng Khác", "SXD")
        other_leader = make_person("other_leader", org.other_province, Role.COMMITTEE_LEADER)
        other_specialist = make_person("other_specialist", org.other_office, Role.SPECIALIST)
        elsewhere = actions.issue_directive(
            other_specialist,
            issuer=org.other_province,
            tasks=[TaskSpec(content=ELSEWHERE, lead_unit=other_dept, deadline_date=D(2026, 3, 31))],
            kind=DirectiveKind.OFFICIAL_LETTER, number=8, symbol="UBND",
            issued_on=D(2026, 3, 3), signer=other_leader, summary="Về đê biển",
        ).tasks.get()  # fmt: skip
    w.update(finance=finance, health=health, to_commune=to_commune, part=part,
             commune=commune, elsewhere=elsewhere)  # fmt: skip
    return w


def _pks(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


# --- Findings: these fail while the leak exists ---------------------------------------------------
def test_a_cooperating_unit_does_not_see_the_parts_the_lead_unit_handed_down(client, world, people):
    """The task page lists every child task, whether or not the viewer may see it."""
    assert not visible_tasks(people.other_staff).filter(pk=world["part"].pk).exists()
    client.force_login(people.other_staff)  # Sở Y tế cooperates on Sở Tài chính's task
    with time_machine.travel(MORNING, tick=False):
        response = client.get(reverse("directives:task_detail", args=[world["finance"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert PART[:40] not in html
    assert reverse("directives:task_detail", args=[world["part"].pk]) not in html


def test_a_branch_does_not_see_the_content_of_the_task_its_part_came_from(client, world, people):
    """The breadcrumb of a part shows its parent's content to those who may not see the parent."""
    assert not visible_tasks(people.sub_staff).filter(pk=world["finance"].pk).exists()
    client.force_login(people.sub_staff)
    with time_machine.travel(MORNING, tick=False):
        response = client.get(reverse("directives:task_detail", args=[world["part"].pk]))
    assert response.status_code == 200
    assert FINANCE[:30] not in response.content.decode()


def test_a_person_whose_role_ended_no_longer_gets_the_cached_dashboard(client, world, people):
    """The dashboard's cache key has who asks but not what they may see now."""
    client.force_login(people.office_leader)
    with time_machine.travel(LATER, tick=False):
        before = client.get(URL).context["d"]
        assert before.totals.total == 4  # the province's three tasks and the commune's
        Membership.objects.filter(person=people.office_leader).update(is_active=False)
        now = Person.objects.get(pk=people.office_leader.pk)
        assert stats.build(now, before.scope).totals.total == 0  # what a fresh build shows
        after = client.get(URL).context["d"]
    assert after.totals.total == 0
    assert after.ranking == []


# --- Checked and found safe -----------------------------------------------------------------------
@pytest.mark.parametrize("who", PERSONAS)
def test_the_dashboards_cheap_filter_counts_only_what_the_person_may_see(world, people, who):
    """Every unit and sector block the form offers: the fast path equals visible_tasks."""
    person = getattr(people, who)
    form = ScopeForm(person)
    visible = countable(visible_tasks(person))
    for unit in [None, *form.fields["unit"].queryset]:
        for block in [None, *form.fields["sector_block"].queryset]:
            scope = stats.Scope(D(2026, 1, 1), D(2026, 12, 31), unit, block)
            expected = visible.filter(scope_q(unit))
            if block is not None:
                expected = expected.filter(sector_block=block)
            assert _pks(stats.tasks_in(person, scope)) == _pks(expected), (unit, block)


def test_the_dashboards_unit_choice_never_leaves_the_persons_units(world, people):
    for who in PERSONAS:
        person = getattr(people, who)
        offered = _pks(ScopeForm(person).fields["unit"].queryset)
        assert offered <= _pks(visible_units(person)), who


def test_a_unit_outside_the_scope_falls_back_to_the_persons_own(client, org, world, people):
    client.force_login(people.unit_staff)  # Sở Tài chính
    with time_machine.travel(LATER, tick=False):
        response = client.get(f"{URL}&unit={org.health.pk}")
    assert "unit" in response.context["form"].errors
    d = response.context["d"]
    assert d.scope.unit == org.finance
    assert {row.label for row in d.ranking} == {"Sở Tài chính"}


def test_another_committees_sector_block_is_not_a_valid_choice(client, org, world, people):
    client.force_login(people.commune_staff)
    with time_machine.travel(LATER, tick=False):
        response = client.get(f"{URL}&sector_block={org.block_kt.pk}")
    assert "sector_block" in response.context["form"].errors
    d = response.context["d"]
    assert d.scope.sector_block is None
    expected = countable(visible_tasks(people.commune_staff)).filter(scope_q(org.commune_a))
    assert d.totals.total == expected.count()


def test_the_provinces_board_shows_its_scope_no_part_twice_no_other_province(client, org, world):
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    with time_machine.travel(LATER, tick=False):
        html = client.get(reverse("board:board", args=[token])).content.decode()
        html += client.get(reverse("board:data", args=[token]), {"page": 1}).content.decode()
        snap = snapshot.compute(org.province)
    # The commune's own directive is work led inside the province: counted once, like the rest.
    assert {item.content for item in snap.overdue} == {FINANCE, HEALTH, TO_COMMUNE, COMMUNE}
    for content in (PART, ELSEWHERE):
        assert content[:40] not in html


def test_a_communes_board_shows_the_communes_own_work_and_nothing_else(client, org, world):
    screen = Screen(name="Xã A", committee=org.commune_a)
    token = screen.new_token()
    screen.save()
    with time_machine.travel(LATER, tick=False):
        html = client.get(reverse("board:board", args=[token])).content.decode()
    assert COMMUNE[:40] in html
    assert TO_COMMUNE[:40] in html  # the part handed down to the commune is its own work
    for content in (FINANCE, HEALTH, PART, ELSEWHERE):
        assert content[:40] not in html


@pytest.mark.parametrize("who", PERSONAS)
def test_the_home_panels_list_only_tasks_the_person_may_see(world, people, who):
    person = getattr(people, who)
    visible = visible_tasks(person)
    with time_machine.travel(LATER, tick=False):
        panels = home.panels(person)
    for panel in panels:
        for shelf in panel.shelves:
            assert {row.task.pk for row in shelf.rows} <= _pks(visible), (panel.key, shelf.key)
            assert shelf.count <= visible.count(), (panel.key, shelf.key)
        if panel.table is not None:
            seen_units = set(visible.values_list("lead_unit", flat=True))
            for label, link, _cells in panel.table.rows:
                unit = parse_qs(link).get("unit")
                if unit is not None:
                    assert int(unit[0]) in seen_units, (panel.key, label)


def test_the_task_list_and_its_export_stay_inside_the_scope_whatever_the_filter(
    client, org, world, people
):
    client.force_login(people.other_staff)  # Sở Y tế
    allowed = _pks(visible_tasks(people.other_staff))
    for query in (
        f"unit={org.finance_sub.pk}",
        f"unit={org.commune_a.pk}&subunits=on",
        f"leader={people.leader.pk}",
        f"specialist={people.specialist.pk}",
        f"sector_block={org.block_kt.pk}",
        "confidential=no&level=",
    ):
        with time_machine.travel(LATER, tick=False):
            response = client.get(f"/tasks/?{query}")
        assert {t.pk for t in response.context["page"].object_list} <= allowed, query
        with time_machine.travel(LATER, tick=False):
            export = client.get(f"/tasks/?{query}&format=xlsx")
        body = b"".join(export.streaming_content)
        assert PART.encode() not in body and TO_COMMUNE.encode() not in body, query


def test_a_directive_page_lists_only_the_tasks_the_person_may_see(client, world, people):
    directive = world["finance"].directive_id
    url = reverse("directives:directive_detail", args=[directive])
    client.force_login(people.other_staff)
    html = client.get(url).content.decode()
    assert FINANCE[:40] in html and HEALTH[:40] in html
    assert TO_COMMUNE[:40] not in html
    for who in ("sub_staff", "commune_specialist", "outsider", "nobody"):
        client.force_login(getattr(people, who))
        response = client.get(url)
        html = response.content.decode()
        if who == "sub_staff":  # the part handed down to his branch opens the directive
            assert response.status_code == 200
            assert PART[:40] in html
            assert FINANCE[:40] not in html and HEALTH[:40] not in html
            assert TO_COMMUNE[:40] not in html
        elif who == "commune_specialist":
            assert TO_COMMUNE[:40] in html
            assert FINANCE[:40] not in html and PART[:40] not in html
        else:
            assert response.status_code == 404, who


def test_the_board_needs_its_exact_secret(client, org, world):
    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    assert client.get(f"/board/{token}/").status_code == 200
    for wrong in (token[:-1], token + "x", screen.token_hash, "a" * 200):
        assert client.get(f"/board/{wrong}/").status_code == 404
        assert client.get(f"/board/{wrong}/data/").status_code == 404
