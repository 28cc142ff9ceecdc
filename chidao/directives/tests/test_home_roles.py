"""Every role has a useful home (issue 10, items 5 and 6).

- A cooperating unit sees the tasks it cooperates on, its share's state, and updates the share
  from the home page; the count opens exactly those tasks (list filter ``cooperating``/``share``).
- A viewer sees the official figures of his scope, each a link to exactly its tasks, and what
  is overdue there.
- An administrator sees what needs administration, each item linking to the admin page that
  fixes it: people without an active role, units nobody follows, next year's calendar.
- A committee leader gives his directing opinion on the tasks he directs or of his sector block;
  it stays on the timeline; anyone else is refused.
- A division head: every shelf opens exactly its tasks ("see all").
- A specialist: the units with something open first, the others folded; she may choose the
  tracking specialist when entering a directive, and sees the directives she entered.
"""

import datetime
import html as html_lib
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from chidao.conftest import make_person
from chidao.directives import actions, home
from chidao.directives.actions import TaskSpec
from chidao.directives.models import (
    Cooperation,
    CooperationStatus,
    Directive,
    DirectiveKind,
    EventKind,
    Task,
)
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import counting_groups, scope_q
from chidao.org.models import FollowAssignment, Membership, Person, Role
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

D = datetime.date
UTC = datetime.UTC
TODAY = datetime.datetime(2026, 3, 20, 3, tzinfo=UTC)  # Friday 20/03/2026, 10:00 in Hà Nội
FIGURE = re.compile(r'<a [^>]*data-count="(\d+)" href="([^"]+)"')


def at(day: D):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
                               tick=False)  # fmt: skip


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def spec(content, unit, deadline, **fields):
    return TaskSpec(content=content, lead_unit=unit, deadline_date=deadline, **fields)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def homes(org, people):
    """Tasks for every home: shares owed, done and on closed tasks, overdue and due-soon work, a
    report to check, done work, a suspended task, a task directed by another leader of the
    economic block, and a second unit the specialist follows where nothing is open."""
    p, w = people, {}
    p.other_leader = make_person("other_leader", org.province, Role.COMMITTEE_LEADER)
    FollowAssignment.objects.create(specialist=p.specialist, unit=org.commune_b)
    with at(D(2026, 3, 2)):
        tasks = issue(p.specialist, org, p,
            spec("Phối hợp: chưa làm", org.finance, D(2026, 3, 31), cooperating_units=[org.health],
                 directing_leader=p.leader),
            spec("Phối hợp: đang làm", org.commune_a, D(2026, 3, 25),
                 cooperating_units=[org.health, org.finance]),
            spec("Phối hợp: đã xong phần", org.finance, D(2026, 4, 10),
                 cooperating_units=[org.health]),
            spec("Phối hợp: nhiệm vụ đã hủy", org.finance, D(2026, 4, 10),
                 cooperating_units=[org.health]),
            spec("Quá hạn của Sở Y tế", org.health, D(2026, 3, 10)),
            spec("Sắp đến hạn", org.finance, D(2026, 3, 24), directing_leader=p.leader),
            spec("Báo cáo chờ kiểm tra", org.finance, D(2026, 3, 31)),
            spec("Xong đúng hạn", org.finance, D(2026, 3, 16)),
            spec("Tạm dừng", org.finance, D(2026, 3, 31)),
            spec("Khối kinh tế, lãnh đạo khác chỉ đạo", org.finance, D(2026, 4, 30),
                 directing_leader=p.other_leader),
            spec("Không thuộc khối", org.health, D(2026, 4, 30), directing_leader=p.other_leader),
        )  # fmt: skip
        w.update({t.content: t for t in tasks})
        for content in ("Báo cáo chờ kiểm tra", "Xong đúng hạn", "Sắp đến hạn"):
            w[content] = actions.receive(p.unit_staff, w[content])
    with at(D(2026, 3, 5)):
        share = Cooperation.objects.get(task=w["Phối hợp: đang làm"], unit=org.health)
        actions.update_cooperation(
            p.other_staff, share, CooperationStatus.IN_PROGRESS, "Đang tổng hợp"
        )
        share = Cooperation.objects.get(task=w["Phối hợp: đã xong phần"], unit=org.health)
        actions.update_cooperation(p.other_staff, share, CooperationStatus.DONE)
        actions.cancel(p.office_leader, w["Phối hợp: nhiệm vụ đã hủy"], "Không còn phù hợp")
        actions.suspend(p.office_leader, w["Tạm dừng"], "Chờ chủ trương")
        task = actions.report_done(p.unit_staff, w["Xong đúng hạn"], result="Xong")
        actions.propose_closing(p.specialist, task)
        actions.confirm(p.office_leader, task)
    with at(D(2026, 3, 18)):
        actions.report_done(p.unit_staff, w["Báo cáo chờ kiểm tra"], result="Đã trình")
    return w


def panel(client, person, key: str):
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    found = [p for p in response.context["panels"] if p.key == key]
    assert found, [p.key for p in response.context["panels"]]
    return found[0]


def shelf_of(found, key: str):
    return next(s for s in found.shelves if s.key == key)


def listed(client, query: str) -> list[str]:
    response = client.get(f"/tasks/?{query}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert not response.context["form"].errors, response.context["form"].errors
    return [task.content for task in response.context["page"].paginator.object_list]


def walk(client, person, section_id: str | None = None) -> int:
    """Every linked number on the person's home (or in one of its sections) opens exactly as
    many tasks as it says; returns how many numbers were followed."""
    client.force_login(person)
    page = client.get("/").content.decode()
    if section_id is not None:
        start = page.index(f'id="{section_id}"')
        page = page[start : page.index("</section>", start)]
    figures = [(int(n), html_lib.unescape(href)) for n, href in FIGURE.findall(page)]
    for number, href in figures:
        assert href.startswith("/tasks/?"), href
        assert len(listed(client, href.split("?", 1)[1])) == number, (person.username, href)
    return len(figures)


# --- 5. Cooperating units see their work ------------------------------------------------------
def test_a_cooperating_unit_sees_the_shares_it_still_owes_with_their_state(
    client, org, people, homes
):
    shelf = shelf_of(panel(client, people.other_staff, f"unit-{org.health.pk}"), "cooperating")
    shares = {row.task.content: row.task.share.status for row in shelf.rows}
    # Shares done and shares of closed tasks are no longer owed.
    assert shares == {
        "Phối hợp: chưa làm": CooperationStatus.ASSIGNED,
        "Phối hợp: đang làm": CooperationStatus.IN_PROGRESS,
    }
    assert shelf.count == 2
    assert sorted(listed(client, shelf.more)) == sorted(shares)
    page = client.get("/").content.decode()
    assert vi("We cooperate") == "Chúng tôi phối hợp" and "Chúng tôi phối hợp" in page
    for task in (row.task for row in shelf.rows):
        action = reverse("directives:update_cooperation", args=[task.share.pk])
        assert f'action="{action}"' in page


def test_the_lead_unit_does_not_see_its_own_task_among_the_shares(client, org, people, homes):
    shelf = shelf_of(panel(client, people.unit_staff, f"unit-{org.finance.pk}"), "cooperating")
    # Sở Tài chính cooperates on the commune's task only; it leads the others.
    assert [row.task.content for row in shelf.rows] == ["Phối hợp: đang làm"]


def test_every_number_on_a_cooperating_units_home_opens_exactly_its_tasks(
    client, org, people, homes
):
    assert walk(client, people.other_staff, f"home-unit-{org.health.pk}") >= 6


def test_the_share_is_marked_done_from_the_home_page_and_the_page_comes_back(
    client, org, people, homes
):
    share = Cooperation.objects.get(task=homes["Phối hợp: chưa làm"], unit=org.health)
    client.force_login(people.other_staff)
    response = client.post(
        reverse("directives:update_cooperation", args=[share.pk]),
        {f"cooperation-{share.pk}-status": "done", f"cooperation-{share.pk}-note": "",
         "next": f"/#shelf-unit-{org.health.pk}-cooperating"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/#shelf-unit-{org.health.pk}-cooperating"
    share.refresh_from_db()
    assert share.status == CooperationStatus.DONE
    event = share.task.events.order_by("-seq").first()
    assert (event.kind, event.actor, event.data["to"]) == (
        EventKind.COOPERATION, people.other_staff, "done"
    )  # fmt: skip
    shelf = shelf_of(panel(client, people.other_staff, f"unit-{org.health.pk}"), "cooperating")
    assert [row.task.content for row in shelf.rows] == ["Phối hợp: đang làm"]


def test_the_home_form_keeps_the_note_of_the_share(client, org, people, homes):
    share = Cooperation.objects.get(task=homes["Phối hợp: đang làm"], unit=org.health)
    client.force_login(people.other_staff)
    page = client.get("/").content.decode()
    assert f'name="cooperation-{share.pk}-note" value="Đang tổng hợp"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "tasks"])
def test_the_share_step_never_sends_the_person_to_another_site(client, org, people, homes, target):
    share = Cooperation.objects.get(task=homes["Phối hợp: chưa làm"], unit=org.health)
    client.force_login(people.other_staff)
    response = client.post(
        reverse("directives:update_cooperation", args=[share.pk]),
        {f"cooperation-{share.pk}-status": "in_progress", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[share.task_id])


@pytest.mark.parametrize(("who", "status"), [("unit_staff", 403), ("commune_staff", 404)])
def test_only_the_cooperating_unit_updates_its_share(client, org, people, homes, who, status):
    share = Cooperation.objects.get(task=homes["Phối hợp: chưa làm"], unit=org.health)
    client.force_login(getattr(people, who))
    response = client.post(
        reverse("directives:update_cooperation", args=[share.pk]),
        {f"cooperation-{share.pk}-status": "done", "next": "/"},
    )
    assert response.status_code == status
    share.refresh_from_db()
    assert share.status == CooperationStatus.ASSIGNED


def test_the_list_filters_by_cooperating_unit_and_share(client, org, people, homes):
    client.force_login(people.office_leader)
    health = org.health.pk
    assert sorted(listed(client, f"cooperating={health}")) == sorted([
        "Phối hợp: chưa làm", "Phối hợp: đang làm", "Phối hợp: đã xong phần",
        "Phối hợp: nhiệm vụ đã hủy",
    ])  # fmt: skip
    assert listed(client, f"cooperating={health}&share=done") == ["Phối hợp: đã xong phần"]
    assert listed(client, f"cooperating={health}&share=in_progress") == ["Phối hợp: đang làm"]
    # "pending": not yet done, on a task still open (the cancelled task's share is final).
    assert sorted(listed(client, f"cooperating={health}&share=pending")) == sorted(
        ["Phối hợp: chưa làm", "Phối hợp: đang làm"]
    )
    assert listed(client, f"cooperating={org.finance.pk}") == ["Phối hợp: đang làm"]


# --- 6. The viewer ----------------------------------------------------------------------------
def test_the_viewer_sees_the_official_figures_of_his_scope(client, org, people, homes):
    found = panel(client, people.viewer, f"viewer-{org.province.pk}")
    expected = counting_groups(Task.objects.filter(scope_q(org.province)), TODAY.date())
    assert found.statistics.counts == expected
    assert expected.total == 9 and expected.suspended == 1  # the cancelled task is not counted
    overdue = shelf_of(found, "overdue")
    assert [row.task.content for row in overdue.rows] == ["Quá hạn của Sở Y tế"]
    page = client.get("/").content.decode()
    assert f'id="statistics-viewer-{org.province.pk}"' in page


def test_every_figure_on_the_viewers_home_opens_exactly_its_tasks(client, org, people, homes):
    # Total, the four groups, after an extension, not updated, suspended, the overdue shelf.
    assert walk(client, people.viewer) >= 10


def test_a_viewer_of_a_unit_sees_the_figures_of_his_unit(client, org, people, homes):
    viewer = make_person("health_viewer", org.health, Role.VIEWER)
    found = panel(client, viewer, f"viewer-{org.health.pk}")
    assert found.statistics.counts.open_overdue == 1
    assert found.statistics.counts.total == 2
    assert walk(client, viewer) >= 8


# --- 6. The administrator -----------------------------------------------------------------------
@pytest.fixture
def roleless(org, people):
    """Accounts without an active role: one that left Sở Y tế, one that left the other province,
    one never given a role, and one closed account."""
    r = {}
    r["left_here"] = make_person("left_here", org.health, Role.UNIT_STAFF, is_active=False)
    r["left_there"] = make_person("left_there", org.other_office, Role.SPECIALIST,
                                  is_active=False)  # fmt: skip
    r["never"] = make_person("never")
    closed = make_person("closed", org.health, Role.UNIT_STAFF, is_active=False)
    closed.is_active = False
    closed.save()
    return r


def chore(found, key):
    return next(c for c in found.chores if c.key == key)


def test_the_administrator_sees_the_people_left_without_a_role_in_his_scope(
    client, org, people, roleless
):
    found = chore(panel(client, people.admin, "admin"), "roleless")
    assert [label for label, _link in found.rows] == ["Left_Here"]
    assert found.count == 1
    add = reverse("admin:org_membership_add")
    assert found.rows[0][1] == f"{add}?person={roleless['left_here'].pk}"


def test_a_system_administrator_sees_every_account_without_a_role(client, org, people, roleless):
    root = Person.objects.create_superuser("root", "x", full_name="Root")
    found = chore(panel(client, root, "admin"), "roleless")
    # "nobody" of the shared personas has no role either.
    assert {label for label, _link in found.rows} == {"Left_Here", "Left_There", "Never", "Nobody"}


def test_the_link_gives_the_person_a_role_and_the_item_goes(client, org, people, roleless):
    person = roleless["left_here"]
    found = chore(panel(client, people.admin, "admin"), "roleless")
    form = client.get(found.rows[0][1])
    assert form.status_code == 200
    assert "Left_Here" in form.content.decode()
    response = client.post(reverse("admin:org_membership_add"), {
        "person": person.pk, "unit": org.health.pk, "role": Role.UNIT_STAFF, "position": "",
        "sector_block": "", "is_active": "on", "started_on": "20/03/2026", "ended_on": "",
    })  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].errors
    assert Membership.objects.filter(person=person, is_active=True).exists()
    assert chore(panel(client, people.admin, "admin"), "roleless").count == 0


def test_the_administrator_sees_the_units_nobody_follows(client, org, people):
    found = chore(panel(client, people.admin, "admin"), "unfollowed")
    # Office units aside; Sở Tài chính, xã A and xã A's department are followed.
    assert {label for label, _link in found.rows} == {
        "Chi cục Tài chính", "Sở Y tế", "Ủy ban nhân dân xã B"
    }  # fmt: skip
    add = reverse("admin:org_followassignment_add")
    assert (f"{add}?unit={org.health.pk}") in {link for _label, link in found.rows}
    page = client.get(f"{add}?unit={org.health.pk}")
    assert page.status_code == 200 and "Sở Y tế" in page.content.decode()
    FollowAssignment.objects.create(specialist=people.specialist_th, unit=org.health)
    found = chore(panel(client, people.admin, "admin"), "unfollowed")
    assert found.count == 2


def test_a_commune_administrator_sees_only_his_commune(client, org, people, roleless):
    commune_admin = make_person("commune_admin", org.commune_a_office, Role.ADMIN)
    found = panel(client, commune_admin, "admin")
    assert chore(found, "unfollowed").count == 0  # its one department is followed
    assert chore(found, "roleless").count == 0
    # The calendar is the province's: a commune's administrator does not keep it.
    assert "calendar" not in {c.key for c in found.chores}


def test_next_years_calendar_waits_for_its_review(client, org, people):
    found = chore(panel(client, people.admin, "admin"), "calendar")
    assert "2027" in str(found.title)
    assert found.link == reverse("admin:workdays_calendaradjustment_add")
    CalendarAdjustment.objects.create(
        date=D(2027, 2, 15),
        kind=AdjustmentKind.DAY_OFF,
        name="Nghỉ bù Tết",
        created_by=people.admin,
    )
    found = panel(client, people.admin, "admin")
    assert "calendar" not in {c.key for c in found.chores}


def test_the_administrators_home_links_to_no_task_list(client, org, people, roleless):
    client.force_login(people.admin)
    page = client.get("/").content.decode()
    start = page.index('id="home-admin"')
    section = page[start : page.index("</section>", start)]
    assert "/tasks/" not in section
    assert vi("People without an active role") in section


# --- 6. The committee leader's opinion -----------------------------------------------------------
def opinion_url(task):
    return reverse("directives:step", args=[task.pk, "opinion"])


def test_the_directing_leader_gives_his_opinion_on_the_task_page(client, org, people, homes):
    task = homes["Phối hợp: chưa làm"]
    client.force_login(people.leader)
    page = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert 'id="step-opinion"' in page and f'action="{opinion_url(task)}"' in page
    response = client.post(opinion_url(task), {"opinion-text": "Khẩn trương hoàn thành trước 31/3"})
    assert response.status_code == 302
    event = task.events.order_by("-seq").first()
    assert (event.kind, event.actor, event.data) == (
        EventKind.OPINION, people.leader, {"text": "Khẩn trương hoàn thành trước 31/3"}
    )  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Khẩn trương hoàn thành trước 31/3" in timeline
    assert vi("Leader's directing opinion") == "Ý kiến chỉ đạo" and "Ý kiến chỉ đạo" in timeline


def test_an_opinion_is_not_the_units_update_and_changes_no_state(org, people, homes):
    task = homes["Sắp đến hạn"]
    before = Task.objects.values("state", "last_update_at").get(pk=task.pk)
    actions.give_opinion(people.leader, task, "Chú ý tiến độ")
    assert Task.objects.values("state", "last_update_at").get(pk=task.pk) == before


def test_the_leader_of_the_block_gives_his_opinion_on_a_task_another_leader_directs(
    client, org, people, homes
):
    task = homes["Khối kinh tế, lãnh đạo khác chỉ đạo"]
    assert task.sector_block == org.block_kt
    client.force_login(people.leader)
    response = client.post(opinion_url(task), {"opinion-text": "Ưu tiên bố trí vốn"})
    assert response.status_code == 302
    assert task.events.filter(kind=EventKind.OPINION, actor=people.leader).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("specialist", 403), ("office_leader", 403), ("unit_staff", 403), ("viewer", 403),
        ("admin", 403), ("commune_leader", 404), ("commune_staff", 404),
    ],
)  # fmt: skip
def test_nobody_else_gives_an_opinion(client, org, people, homes, who, status):
    task = homes["Phối hợp: chưa làm"]
    client.force_login(getattr(people, who))
    response = client.post(opinion_url(task), {"opinion-text": "Ý kiến"})
    assert response.status_code == status
    assert not task.events.filter(kind=EventKind.OPINION).exists()


def test_a_leader_outside_the_block_may_not_give_an_opinion_on_what_he_does_not_direct(
    client, org, people, homes
):
    task = homes["Không thuộc khối"]  # Sở Y tế has no block; another leader directs it
    client.force_login(people.leader)
    page = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert 'id="step-opinion"' not in page
    assert client.post(opinion_url(task), {"opinion-text": "Ý kiến"}).status_code == 403
    # The leader who directs it may.
    client.force_login(people.other_leader)
    assert client.post(opinion_url(task), {"opinion-text": "Ý kiến"}).status_code == 302


def test_a_leader_whose_role_ended_gives_no_more_opinions(org, people, homes):
    Membership.objects.filter(person=people.leader).update(is_active=False)
    leader = Person.objects.get(pk=people.leader.pk)
    with pytest.raises(PermissionDenied):
        actions.give_opinion(leader, homes["Phối hợp: chưa làm"], "Ý kiến")


def test_an_empty_opinion_is_refused_and_said_so(client, org, people, homes):
    task = homes["Phối hợp: chưa làm"]
    client.force_login(people.leader)
    response = client.post(opinion_url(task), {"opinion-text": "  "})
    assert response.status_code == 422
    assert not task.events.filter(kind=EventKind.OPINION).exists()
    with pytest.raises(ValidationError):
        actions.give_opinion(people.leader, task, " ")


# --- 6. The division head: every shelf opens exactly its tasks ----------------------------------
def test_every_shelf_of_the_division_head_has_see_all_opening_exactly_its_tasks(
    client, org, people, homes
):
    found = panel(client, people.division_head, f"division-{org.div_kt.pk}")
    assert [s.key for s in found.shelves] == ["difficulties", "to_check", "overdue", "stale"]
    client.force_login(people.division_head)
    page = client.get("/").content.decode()
    for shelf in found.shelves:
        assert shelf.more.startswith(f"division={org.div_kt.pk}&")
        assert len(listed(client, shelf.more)) == shelf.count
        card = page[page.index(f'id="shelf-{found.key}-{shelf.key}"') :]
        card = card[: card.index("</div>\n    </div>")]
        if shelf.count:
            assert vi("See all %(n)s") % {"n": shelf.count} in card
    assert shelf_of(found, "to_check").count == 1
    assert walk(client, people.division_head, f"home-{found.key}") >= 8


# --- 6. The specialist ---------------------------------------------------------------------------
def test_the_units_with_nothing_open_are_folded_away(client, org, people, homes):
    found = panel(client, people.specialist, "specialist")
    assert [label for label, _l, _c in found.table.rows] == ["Sở Tài chính"]
    assert [label for label, _l, _c in found.table.folded] == ["Ủy ban nhân dân xã B"]
    page = client.get("/").content.decode()
    details = page[page.index('id="folded-specialist"') :]
    details = details[: details.index("</details>")]
    assert vi("Units with no open task (%(n)s)") % {"n": 1} in details
    assert "Ủy ban nhân dân xã B" in details
    assert vi("Units with no open task (%(n)s)") == "Các đơn vị không có việc đang mở (%(n)s)"


def test_the_specialist_sees_the_directives_she_entered(client, org, people, homes):
    (found,) = panel(client, people.specialist, "specialist").directive_shelves
    entered = Directive.objects.filter(created_by=people.specialist)
    assert found.count == entered.count() == 1
    assert found.more == ""
    page = client.get("/").content.decode()
    card = page[page.index('id="shelf-specialist-entered"') :]
    card = card[: card.index("</ul>")]
    link = reverse("directives:directive_detail", args=[entered.get().pk])
    assert f'href="{link}"' in card
    assert "data-count" not in card
    assert client.get(link).status_code == 200
    # Somebody else's entries are not hers.
    (theirs,) = panel(client, people.specialist_th, "specialist").directive_shelves
    assert theirs.count == 0


def _row(**fields):
    row = {
        "content": "Rà soát hồ sơ", "lead_unit": "",
        "directing_leader": "", "specialist": "", "deadline_kind": "date",
        "deadline_date": "31/03/2026", "working_days": "", "priority": "normal", "product": "",
        "sector_block": "",
    }  # fmt: skip
    row.update(fields)
    return {f"tasks-0-{key}": value for key, value in row.items()}


def _directive(signer, **extra):
    data = {
        "kind": DirectiveKind.OFFICIAL_LETTER, "number": "55", "symbol": "UBND-KT",
        "issued_on": "20/03/2026", "signer": signer.pk, "summary": "Về việc rà soát",
        "meeting_name": "", "meeting_chair": "",
        "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "0", "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "30",
    }  # fmt: skip
    data.update(extra)
    return data


def test_the_person_entering_a_directive_may_choose_the_tracking_specialist(client, org, people):
    client.force_login(people.specialist)
    url = reverse("directives:directive_create")
    form = client.get(url).content.decode()
    select = form[form.index('name="tasks-0-specialist"') :]
    select = select[: select.index("</select>")]
    assert vi("The specialist who follows the lead unit") in select
    for person in (people.specialist, people.specialist_th):
        assert f'value="{person.pk}"' in select
    assert f'value="{people.commune_specialist.pk}"' not in select  # another committee's
    response = client.post(
        url,
        _directive(
            people.leader, **_row(lead_unit=org.finance.pk, specialist=people.specialist_th.pk)
        ),
    )
    assert response.status_code == 302
    assert Task.objects.get(content="Rà soát hồ sơ").specialist == people.specialist_th


def test_by_default_the_specialist_who_follows_the_lead_unit_tracks_it(client, org, people):
    client.force_login(people.specialist_th)
    response = client.post(
        reverse("directives:directive_create"),
        _directive(people.leader, **_row(lead_unit=org.finance.pk)),
    )
    assert response.status_code == 302
    assert Task.objects.get(content="Rà soát hồ sơ").specialist == people.specialist


def test_another_committees_specialist_cannot_be_chosen(client, org, people):
    client.force_login(people.specialist)
    response = client.post(
        reverse("directives:directive_create"),
        _directive(
            people.leader, **_row(lead_unit=org.finance.pk, specialist=people.commune_specialist.pk)
        ),
    )
    assert response.status_code == 422
    assert not Task.objects.filter(content="Rà soát hồ sơ").exists()


# --- Every role's home: each linked number exact, the page the same cost -------------------------
@pytest.mark.parametrize(
    "who",
    ["leader", "viewer", "office_leader", "admin", "division_head", "specialist", "unit_staff",
     "other_staff", "commune_staff"],
)  # fmt: skip
def test_every_number_on_every_home_opens_exactly_its_tasks(client, org, people, homes, who):
    walk(client, getattr(people, who))


def test_home_panels_are_built_for_each_role(org, people, homes):
    keys = {p.key for p in home.panels(people.admin)}
    assert keys == {"admin"}
    keys = {p.key for p in home.panels(people.viewer)}
    assert keys == {f"viewer-{org.province.pk}"}


def test_with_nothing_open_anywhere_the_units_are_not_folded(client, org, people):
    found = panel(client, people.specialist, "specialist")
    assert [label for label, _l, _c in found.table.rows] == ["Sở Tài chính"]
    assert found.table.folded == []
    assert 'id="folded-specialist"' not in client.get("/").content.decode()


def _sector_rows(client, person) -> dict[str, list[int]]:
    found = panel(client, person, "leader")
    return {label: [cell.value for cell in cells] for label, _link, cells in found.table.rows}


def test_the_kept_sector_table_follows_each_change_and_the_units_name(client, org, people, homes):
    """The units of a sector are kept under the stamp and shared by the block's leaders: a new
    task, a step and a unit renamed each show at once, and every figure still opens its tasks."""
    second = make_person("second_leader", org.province, Role.COMMITTEE_LEADER)
    Membership.objects.filter(person=second).update(sector_block=org.block_kt)
    before = _sector_rows(client, people.leader)
    assert _sector_rows(client, second) == before  # the same table, from the same kept rows
    open_before = before["Sở Tài chính"][0]

    (added,) = issue(people.specialist, org, people, spec("Mới giao", org.finance, D(2026, 3, 19)))
    assert _sector_rows(client, people.leader)["Sở Tài chính"][0] == open_before + 1
    actions.cancel(people.office_leader, added, "Giao nhầm")
    assert _sector_rows(client, second)["Sở Tài chính"][0] == open_before

    org.finance.name = "Sở Tài chính tỉnh"
    org.finance.save()
    assert "Sở Tài chính tỉnh" in _sector_rows(client, people.leader)
    assert walk(client, people.leader) > 0
