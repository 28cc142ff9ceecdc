"""Điểm thi đua: the score beside each unit of the ranking is the formula written above it, with the
weights of the scope's committee (else the default rule, else the built-in ones); the weights are
set in the admin site by the committee's administrators, and a unit with nothing counted has no
score."""

# ruff: noqa: RUF001, RUF003 - the formula is written with the signs people print
import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.urls import reverse

from chidao.board import stats
from chidao.board.models import ScoreRule
from chidao.board.tests.worlds import WHY, at, spec
from chidao.conftest import make_person
from chidao.directives import actions
from chidao.directives.models import EventKind, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import Counts
from chidao.org.models import Role

D = datetime.date
SCOPE_ARGS = {"start": D(2025, 1, 1), "end": D(2026, 12, 31)}
DASHBOARD = "/dashboard/?start=01/01/2025&end=31/12/2026&unit={}"
ADD = "/admin/board/scorerule/add/"
LIST = "/admin/board/scorerule/"
DEFAULT_FORMULA = (
    "Điểm = 100 × (1 × đúng hạn + 0,5 × trễ hạn + 1 × trong hạn + 0 × quá hạn − 0,5 × chưa cập "
    "nhật − 0,1 × lần đôn đốc) ÷ tổng số nhiệm vụ"
)
ROW = re.compile(
    r'<th scope="row" class="text-start fw-normal">([^<]+)</th>.*?<td class="cd-score">(.*?)</td>',
    re.S,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _board(person, unit) -> stats.Dashboard:
    with at(D(2026, 3, 20)):
        return stats.build(person, stats.Scope(unit=unit, **SCOPE_ARGS))


def _page(client, person, unit) -> str:
    client.force_login(person)
    with at(D(2026, 3, 20)):
        response = client.get(DASHBOARD.format(unit.pk))
    assert response.status_code == 200
    return response.content.decode()


def _scores(page: str) -> dict[str, str]:
    """The score cell of each unit in the ranking table, as shown."""
    ranking = page[page.index('id="ranking-title"') : page.index('id="leaders-title"')]
    return dict(ROW.findall(ranking))


def _form(committee, **weights) -> dict:
    values = {"done_on_time": "1", "done_late": "0.5", "open_within": "1", "open_overdue": "0",
              "stale": "-0.5", "urged": "-0.1", "scale": "100"}  # fmt: skip
    values.update({name: str(value) for name, value in weights.items()})
    return {"committee": committee.pk if committee else "", **values}


def test_the_score_is_the_formula_for_each_unit(client, org, people, world):
    with at(D(2026, 3, 19)):
        actions.urge(people.specialist, world["Quá hạn, không ai cập nhật"], "Lần một")
    board = _board(people.office_leader, org.province)
    rows = {row.label: row for row in board.ranking}

    finance = rows["Sở Tài chính"]
    c = finance.counts
    weighted = (
        1 * c.done_on_time
        + Decimal("0.5") * c.done_late
        + 1 * c.open_within
        + 0 * c.open_overdue
        - Decimal("0.5") * finance.stale
        - Decimal("0.1") * finance.urged
    )
    assert finance.score.value == 100 * weighted / c.total
    # One on time, one late, six within, four overdue, seven not updated, of twelve: 100 × 4 ÷ 12.
    assert (c.done_on_time, c.done_late, c.open_within, c.open_overdue) == (1, 1, 6, 4)
    assert (finance.stale, finance.urged, c.total) == (7, 0, 12)
    assert finance.score.value == Decimal(100) / 3
    # The parts are the row's figures, and add up to the score.
    parts = {part.name: part for part in finance.score.parts}
    assert {name: part.count for name, part in parts.items()} == {
        "done_on_time": 1, "done_late": 1, "open_within": 6, "open_overdue": 4, "stale": 7,
        "urged": 0,
    }  # fmt: skip
    assert parts["stale"].contribution == 100 * Decimal("-0.5") * 7 / 12
    assert sum(part.contribution for part in parts.values()) == finance.score.value

    # Nothing done, two overdue and not updated, urged once: below zero, kept at zero.
    health = rows["Sở Y tế"]
    assert (health.counts.total, health.stale, health.urged) == (3, 2, 1)
    assert sum(part.contribution for part in health.score.parts) < 0
    assert health.score.value == 0
    assert rows["Ủy ban nhân dân xã A"].score.value == 50  # one task within, not updated

    # The ranking is still by the on-time rate; the score only stands beside it.
    rates = [row.counts.ranking_rate for row in board.ranking]
    judged = [rate for rate in rates if rate is not None]
    assert judged == sorted(judged, reverse=True)
    assert board.score_formula == DEFAULT_FORMULA

    page = _page(client, people.office_leader, org.province)
    assert _scores(page) == {
        "Sở Tài chính": "33,3",
        "Phòng Kinh tế xã A": "0,0",  # a commune's own task, overdue and not updated
        "Sở Y tế": "0,0",
        "Ủy ban nhân dân xã A": "50,0",
    }
    rule = page[page.index('id="ranking-rule"') :].split("</p>", 1)[0]
    assert DEFAULT_FORMULA in rule
    assert "Điểm thi đua" in page


def test_every_task_on_time_scores_the_scale_and_nothing_counted_has_no_score():
    rule = ScoreRule()  # the built-in weights, never saved
    on_time = Counts(total=3, done_on_time=2, done_on_time_after_extension=0, done_late=0,
                     open_within=1, open_overdue=0, suspended=0)  # fmt: skip
    assert rule.score(on_time).value == 100
    nothing = Counts(total=0, done_on_time=0, done_on_time_after_extension=0, done_late=0,
                     open_within=0, open_overdue=0, suspended=2)  # fmt: skip
    assert rule.score(nothing).value is None
    assert rule.pk is None


def test_a_provinces_own_rule_overrides_the_default_on_the_dashboard(client, org, people, world):
    ScoreRule.objects.create(scale=10)  # the default: for committees without their own
    before = _page(client, people.office_leader, org.province)
    assert _scores(before)["Sở Tài chính"] == "3,3"
    assert "Điểm = 10 × (1 × đúng hạn" in before

    # The province's administrator sets the province's rule in the admin site.
    client.force_login(people.admin)
    response = client.post(ADD, _form(org.province, done_on_time=2, stale=0, urged=0))
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ScoreRule.objects.get(committee=org.province)
    assert rule.updated_by == people.admin
    assert LogEntry.objects.filter(object_id=str(rule.pk)).exists()

    after = _page(client, people.office_leader, org.province)  # not the cached page from before
    # 100 × (2 × 1 + 0,5 × 1 + 1 × 6 + 0 × 4 + 0 × 7 + 0 × 0) ÷ 12 = 70,8
    assert _scores(after)["Sở Tài chính"] == "70,8"
    assert (
        "Điểm = 100 × (2 × đúng hạn + 0,5 × trễ hạn + 1 × trong hạn + 0 × quá hạn + 0 × chưa cập "
        "nhật + 0 × lần đôn đốc) ÷ tổng số nhiệm vụ"
    ) in after
    # A department is scored by its committee's rule; a commune without its own takes the default.
    assert _board(people.office_leader, org.finance).ranking[0].score.value == Decimal(850) / 12
    assert _board(people.office_leader, org.commune_a).score_formula.startswith("Điểm = 10 ×")


def test_the_admin_refuses_a_weight_of_eleven_and_changes_nothing(client, org, people):
    rule = ScoreRule.objects.create(committee=org.province, done_on_time=Decimal("1.5"))
    client.force_login(people.admin)
    change = reverse("admin:board_scorerule_change", args=[rule.pk])
    response = client.post(change, _form(org.province, done_on_time=11))
    assert response.status_code == 200
    assert "Hệ số phải là một số từ -10 đến 10." in response.content.decode()
    response = client.post(ADD, _form(org.commune_a, stale=-11, scale=0))
    page = response.content.decode()
    assert "Hệ số phải là một số từ -10 đến 10." in page
    assert "Thang điểm phải là số nguyên từ 1 đến 1000." in page
    rule.refresh_from_db()
    assert rule.done_on_time == Decimal("1.5")
    assert ScoreRule.objects.count() == 1
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("who", ["office_leader", "leader", "specialist", "unit_head"])
def test_only_administrators_open_the_rules(client, org, people, who):
    rule = ScoreRule.objects.create(committee=org.province)
    client.force_login(getattr(people, who))
    change = reverse("admin:board_scorerule_change", args=[rule.pk])
    for url in (LIST, ADD, change):
        response = client.get(url)
        assert response.status_code == 403 or (
            response.status_code == 302 and response["Location"].startswith("/admin/login/")
        ), (url, response.status_code)
    client.post(change, _form(org.province, done_on_time=5))
    rule.refresh_from_db()
    assert rule.done_on_time == 1


def test_an_administrator_keeps_only_his_committees_rules(client, org, people):
    province = ScoreRule.objects.create(committee=org.province)
    default = ScoreRule.objects.create()
    commune_admin = make_person("xa_admin", org.commune_a_office, Role.ADMIN)
    client.force_login(commune_admin)
    listed = client.get(LIST).content.decode()
    assert org.province.name not in listed
    province_change = reverse("admin:board_scorerule_change", args=[province.pk])
    assert client.get(province_change).status_code in (302, 404)
    # The default is seen, not changed: it is for those who run the installation.
    default_change = reverse("admin:board_scorerule_change", args=[default.pk])
    assert client.get(default_change).status_code == 200
    assert client.post(default_change, _form(None, done_on_time=3)).status_code == 403
    # Nor may he make a rule for the province, or a second default.
    client.post(ADD, _form(org.province, done_on_time=3))
    client.post(ADD, _form(None, done_on_time=3))
    assert ScoreRule.objects.count() == 2
    response = client.post(ADD, _form(org.commune_a, done_on_time=3))
    assert response.status_code == 302
    assert ScoreRule.objects.get(committee=org.commune_a).done_on_time == 3
    default.refresh_from_db()
    assert default.done_on_time == 1


def test_a_unit_with_no_counted_task_shows_no_score(client, org, people, world):
    with at(D(2026, 3, 2)):
        (task,) = issue(people.specialist, org, people,
                        spec("Việc của xã B, tạm dừng", org.commune_b, D(2026, 3, 31)))  # fmt: skip
    with at(D(2026, 3, 9)):
        actions.suspend(people.office_leader, task, WHY)
    board = _board(people.office_leader, org.province)
    row = next(row for row in board.ranking if row.label == org.commune_b.name)
    assert (row.counts.total, row.counts.suspended) == (0, 1)
    assert row.score.value is None
    scores = _scores(_page(client, people.office_leader, org.province))
    assert scores[org.commune_b.name] == "—"
    assert all("<a" not in cell and "data-count" not in cell for cell in scores.values())


def test_one_default_rule_and_one_rule_per_committee(client, org, people):
    root = make_person("root")
    root.is_superuser = True
    root.save()
    client.force_login(root)
    assert client.post(ADD, _form(None, scale=50)).status_code == 302
    response = client.post(ADD, _form(None, scale=60))
    assert response.status_code == 200
    assert "Đã có cách tính điểm cho UBND này (hoặc đã có cách tính mặc định)." in (
        response.content.decode()
    )
    assert list(ScoreRule.objects.values_list("committee", "scale")) == [(None, 50)]
    assert ScoreRule.for_committee(org.province).scale == 50  # the default, for lack of its own


def test_urgings_count_only_the_periods_on_the_scopes_tasks(org, people, world):
    """Đôn đốc beside the score: the urgings made within the period on the tasks the scope
    covers, twice when a task is urged twice, on a task cancelled since too (the unit was urged);
    not those after the period, nor on a task outside the scope."""
    overdue = world["Quá hạn, không ai cập nhật"]  # Sở Y tế's
    with at(D(2026, 3, 10)):
        actions.urge(people.specialist, overdue, "Lần một")
        actions.urge(people.specialist, overdue, "Lần hai")
        actions.urge(people.specialist, world["Bị trả lại"], "Sở Tài chính")
    with at(D(2026, 3, 20)):  # after the period
        actions.urge(people.specialist, overdue, "Lần ba")
    # An urging on a task cancelled since (a step, as the timeline would hold it).
    TaskEvent.objects.create(
        task=world["Hủy"], seq=99, kind=EventKind.URGED, actor=people.specialist,
        at=datetime.datetime(2026, 3, 5, 3, tzinfo=datetime.UTC), hash="u" * 64,
    )  # fmt: skip

    def urged(unit):
        scope = stats.Scope(unit=unit, start=D(2026, 3, 1), end=D(2026, 3, 19))
        with at(D(2026, 3, 20)):
            return stats.urgings_by_unit(stats.tasks_in(people.office_leader, scope), scope)

    assert urged(org.province) == {org.health.pk: 3, org.finance.pk: 1}
    assert urged(org.health) == {org.health.pk: 3}
    assert urged(org.commune_a) == {}
