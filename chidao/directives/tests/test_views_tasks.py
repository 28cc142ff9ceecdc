"""The task pages over HTTP: the list (scope, filters, search, sorting, pages, .xlsx export), the
task page, the workflow steps posted from it, and the home page's panels for each role."""

import datetime
import io
import re
import zipfile
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chidao.conftest import make_person, make_unit, row_counts, table_rows
from chidao.directives import actions, forms
from chidao.directives.actions import TaskSpec, available_steps
from chidao.directives.models import (
    Attachment,
    Cooperation,
    CooperationStatus,
    DeadlineKind,
    Decision,
    Difficulty,
    DirectiveKind,
    EventKind,
    Extension,
    LateExplanation,
    Level,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.directives.timeliness import Timeliness
from chidao.org.models import Role, UnitKind
from chidao.org.permissions import visible_tasks

MORNING = datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC)  # 10:00 on 20/03/2026, Hà Nội
LATE = datetime.datetime(2026, 4, 2, 3, tzinfo=datetime.UTC)  # two days after the task's deadline
LIST = "/tasks/"

PERSONAS = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "sub_staff", "other_staff", "commune_leader",
    "commune_staff", "commune_specialist", "outsider", "nobody",
)  # fmt: skip
# Who sees the fixture task (lead: Sở Tài chính, cooperating: Sở Y tế, assigned by the province).
SEE = (
    "leader", "viewer", "office_leader", "admin", "division_head", "specialist",
    "specialist_th", "unit_head", "unit_staff", "other_staff",
)  # fmt: skip
NOT_SEE = tuple(p for p in PERSONAS if p not in SEE)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


def vi(text) -> str:
    """A message id (or a lazy label) as the Vietnamese interface shows it."""
    with translation.override("vi"):
        return gettext(text) if isinstance(text, str) else str(text)


def vi_escaped(text) -> str:
    return str(escape(vi(text)))


def refresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def bring_to(task, state, people) -> Task:
    """Take the task to ``state`` the way real people would."""
    if state == State.SUSPENDED:
        return actions.suspend(people.office_leader, task, "Chờ chủ trương mới")
    if state == State.CANCELLED:
        return actions.cancel(people.office_leader, task, "Không còn phù hợp")
    path = [
        (State.RECEIVED, lambda t: actions.receive(people.unit_staff, t)),
        (State.IN_PROGRESS, lambda t: actions.post_progress(people.unit_staff, t, "Đang làm", 30)),
        (State.REPORTED, lambda t: actions.report_done(people.unit_head, t, result="Đã xong")),
        (State.PROPOSED, lambda t: actions.propose_closing(people.specialist, t)),
        (State.DONE, lambda t: actions.confirm(people.office_leader, t)),
    ]
    for reached, step in path:
        if task.state == state:
            break
        task = step(task)
        assert task.state == reached
    assert task.state == state
    return refresh(task)


def snapshot(task):
    """Everything a refused or invalid request must leave as it was."""
    return (
        table_rows(Task, "id = %s", [task.pk], columns="state, progress_percent, deadline, "
                   "completed_on, returned_at, result, event_count, event_head"),
        row_counts(Task, TaskEvent, Attachment, LateExplanation),
        table_rows(Extension, columns="id, decision, approved_date"),
        table_rows(Difficulty, columns="id, is_open, addressed_to, guidance"),
        table_rows(Cooperation, columns="id, status, note"),
    )  # fmt: skip


def page_pks(response) -> list[int]:
    return [task.pk for task in response.context["page"].object_list]


def listed(client, person, query: str = "") -> list[int]:
    client.force_login(person)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return page_pks(response)


def step_ids(html: str) -> list[str]:
    return re.findall(r'id="step-([a-z_]+)"', html)


def timeline_kinds(html: str) -> list[str]:
    timeline = re.search(r'<ol class="cd-timeline" id="timeline">(.*?)</ol>', html, re.S).group(1)
    return [unescape(label) for label in re.findall(r"<strong>(.*?)</strong>", timeline)]


# --- A province with tasks across its units, another province, and a commune's own directive ----
@pytest.fixture
def board(org, people, task):
    """Tasks of several units, states, kinds and dates, as seen on 20/03/2026."""
    b = SimpleNamespace(task=task)  # Sở Tài chính, due 31/03: within the deadline
    (b.overdue,) = issue(
        people.specialist, org, people,
        TaskSpec(
            content="Rà soát hồ sơ quyết toán dự án hoàn thành",
            lead_unit=org.finance,
            deadline_date=datetime.date(2026, 3, 10),
        ),
        kind=DirectiveKind.PLAN, number=11,
    )  # fmt: skip
    b.overdue = actions.receive(people.unit_staff, b.overdue)
    (b.soon,) = issue(
        people.specialist, org, people,
        TaskSpec(
            content="Kiểm tra an toàn thực phẩm tại các chợ",
            lead_unit=org.health,
            deadline_date=datetime.date(2026, 3, 24),
        ),
        number=12, is_confidential=True, issued_on=datetime.date(2026, 3, 5),
    )  # fmt: skip
    (b.sub,) = issue(
        people.specialist, org, people,
        TaskSpec(
            content="Thu thập số liệu thu ngân sách quý I",
            lead_unit=org.finance_sub,  # a lower unit of a department: directed by the province
            deadline_date=datetime.date(2026, 4, 30),
        ),
        number=13, issued_on=datetime.date(2026, 3, 9),
    )  # fmt: skip
    actions.raise_difficulty(people.sub_staff, b.sub, "Chưa có biểu mẫu thống nhất")
    (b.commune,) = issue(
        people.specialist, org, people,
        TaskSpec(
            content="Cập nhật danh sách hộ nghèo",
            lead_unit=org.commune_a,
            directing_leader=people.leader,
            deadline_kind=DeadlineKind.NONE,
        ),
        number=14, issued_on=datetime.date(2026, 1, 15),
    )  # fmt: skip
    b.commune_own = actions.issue_directive(
        people.commune_specialist,
        issuer=org.commune_a,
        tasks=[
            TaskSpec(
                content="Tổ chức ra quân làm sạch kênh mương",
                lead_unit=org.commune_a_econ,
                deadline_date=datetime.date(2026, 4, 15),
            )
        ],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=15,
        symbol="UBND",
        issued_on=datetime.date(2026, 3, 12),
        signer=people.commune_leader,
        summary="Về việc vệ sinh môi trường",
    ).tasks.get()
    other_leader = make_person("other_leader", org.other_province, Role.COMMITTEE_LEADER)
    other_finance = make_unit(org.other_province, UnitKind.DEPARTMENT, "Sở Tài chính tỉnh Khác")
    b.other = actions.issue_directive(
        people.outsider,
        issuer=org.other_province,
        tasks=[
            TaskSpec(
                content="Phân bổ vốn đầu tư công của tỉnh Khác",
                lead_unit=other_finance,
                deadline_date=datetime.date(2026, 3, 31),
            )
        ],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=16,
        symbol="UBND-KT",
        issued_on=datetime.date(2026, 3, 2),
        signer=other_leader,
        summary="Về việc phân bổ vốn",
    ).tasks.get()
    return b


def named(board, *names) -> set[int]:
    return {getattr(board, name).pk for name in names}


PROVINCE_TASKS = ("task", "overdue", "soon", "sub", "commune", "commune_own")
APPARATUS_SEES = set(PROVINCE_TASKS)
SEES = {
    "leader": APPARATUS_SEES,
    "viewer": APPARATUS_SEES,
    "office_leader": APPARATUS_SEES,
    "admin": APPARATUS_SEES,
    "division_head": APPARATUS_SEES,
    "specialist": APPARATUS_SEES,
    "specialist_th": APPARATUS_SEES,
    "unit_head": {"task", "overdue", "sub"},
    "unit_staff": {"task", "overdue", "sub"},
    "sub_staff": {"sub"},
    "other_staff": {"task", "soon"},  # the fixture task only because Sở Y tế cooperates on it
    "commune_leader": {"commune", "commune_own"},
    "commune_staff": {"commune", "commune_own"},
    "commune_specialist": {"commune", "commune_own"},
    "outsider": {"other"},
    "nobody": set(),
}


# --- The list: who sees what ---------------------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_log_in_from_the_list_and_the_export(client, board):
    for url in (LIST, f"{LIST}?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_person_lists_exactly_the_tasks_they_may_see(client, people, board, persona):
    person = getattr(people, persona)

    shown = listed(client, person)

    assert set(shown) == named(board, *SEES[persona])
    assert set(shown) == set(visible_tasks(person).values_list("pk", flat=True))


def test_a_cooperating_unit_sees_the_task_but_not_its_lead_units_other_tasks(client, people, board):
    shown = listed(client, people.other_staff)
    assert board.task.pk in shown
    assert board.overdue.pk not in shown  # Sở Tài chính's, without Sở Y tế cooperating


def test_a_person_of_another_province_lists_none_of_this_provinces_tasks(client, people, board):
    assert set(listed(client, people.outsider)) == {board.other.pk}
    assert listed(client, people.nobody) == []


def test_an_htmx_request_gets_only_the_rows(client, people, board):
    client.force_login(people.office_leader)
    response = client.get(f"{LIST}?state=received", headers={"HX-Request": "true"})
    assert response.status_code == 200
    drawn = [template.name for template in response.templates]
    assert "directives/_task_rows.html" in drawn and "directives/task_list.html" not in drawn
    assert "<form" not in response.content.decode()
    assert page_pks(response) == [board.overdue.pk]


# --- Filters --------------------------------------------------------------------------------------
FILTERS = [
    ("state=received", {"overdue"}),
    ("state=assigned&state=received", set(PROVINCE_TASKS)),
    ("state=done", set()),
    ("timeliness=overdue", {"overdue"}),
    ("timeliness=due_soon", {"soon"}),
    ("timeliness=overdue&timeliness=due_soon", {"overdue", "soon"}),
    ("timeliness=no_deadline", {"commune"}),
    ("unit={finance}", {"task", "overdue"}),
    ("unit={finance}&subunits=on", {"task", "overdue", "sub"}),
    ("unit={finance_sub}", {"sub"}),
    ("unit={commune_a}&subunits=on", {"commune", "commune_own"}),
    ("leader={leader}", {"task", "commune"}),
    ("specialist={specialist}", {"task", "overdue"}),
    ("specialist={specialist_th}", {"commune"}),
    ("kind=plan", {"overdue"}),
    ("kind=letter", {"task", "soon", "sub", "commune", "commune_own"}),
    ("deadline_from=01/03/2026&deadline_to=25/03/2026", {"overdue", "soon"}),
    ("deadline_from=31/03/2026", {"task", "sub", "commune_own"}),
    ("deadline_to=31/03/2026", {"task", "overdue", "soon"}),
    ("assigned_to=31/01/2026", {"commune"}),
    ("assigned_from=05/03/2026", {"soon", "sub", "commune_own"}),
    ("assigned_from=05/03/2026&assigned_to=09/03/2026", {"soon", "sub"}),
    ("confidential=yes", {"soon"}),
    ("confidential=no", set(PROVINCE_TASKS) - {"soon"}),
    ("difficulties=on", {"sub"}),
    ("unit={finance}&subunits=on&difficulties=on", {"sub"}),
    ("unit={finance}&timeliness=overdue&kind=plan", {"overdue"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q for q, _ in FILTERS])
def test_the_list_filters(client, org, people, board, query, expected):
    query = query.format(
        finance=org.finance.pk,
        finance_sub=org.finance_sub.pk,
        commune_a=org.commune_a.pk,
        leader=people.leader.pk,
        specialist=people.specialist.pk,
        specialist_th=people.specialist_th.pk,
    )
    client.force_login(people.office_leader)

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert set(page_pks(response)) == named(board, *expected)


def test_timeliness_is_judged_on_the_day_the_list_is_opened(client, people, board):
    # 27/03/2026: due soon now reaches 01/04, and the health task due 24/03 has passed.
    with time_machine.travel(datetime.datetime(2026, 3, 27, 3, tzinfo=datetime.UTC), tick=False):
        assert set(listed(client, people.office_leader, "timeliness=due_soon")) == named(
            board, "task"
        )
        assert set(listed(client, people.office_leader, "timeliness=overdue")) == named(
            board, "overdue", "soon"
        )


def test_the_unit_filters_escape_unit_names_and_keep_the_choice(client, org, people, board):
    odd = make_unit(org.province, UnitKind.DEPARTMENT, 'Sở <script>alert("x")</script> & Co')
    client.force_login(people.office_leader)
    html = client.get(f"{LIST}?unit={odd.pk}").content.decode()
    assert "<script>alert" not in html
    escaped = escape(odd.name)
    # Offered in each of the four unit filters, and chosen in the one the query names.
    assert html.count(f">{escaped}</option>") == 4
    assert html.count(f'<option value="{odd.pk}" selected>{escaped}</option>') == 1
    assert f'<option value="{org.finance.pk}" selected>' not in html


def test_a_filter_never_reaches_beyond_what_the_person_sees(client, org, people, board):
    # Sở Tài chính's staff filtering by its own unit with subunits: its tasks, no more.
    query = f"unit={org.finance.pk}&subunits=on"
    assert set(listed(client, people.unit_staff, query)) == named(board, "task", "overdue", "sub")
    # The lower unit's staff see only their own task, whatever they ask for.
    assert set(listed(client, people.sub_staff, "state=assigned&state=received")) == named(
        board, "sub"
    )


def test_a_unit_outside_the_persons_scope_is_not_a_valid_filter(client, org, people, board):
    client.force_login(people.unit_staff)
    response = client.get(f"{LIST}?unit={org.health.pk}")
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert board.soon.pk not in page_pks(response)


# --- Search, ignoring diacritics ------------------------------------------------------------------
@pytest.fixture
def searchable(org, people, board):
    (board.numbered,) = issue(
        people.specialist, org, people,
        TaskSpec(
            content="Báo cáo kết quả thực hiện",
            lead_unit=org.health,
            deadline_date=datetime.date(2026, 1, 30),
        ),
        number=1234, symbol="UBND-KT", issued_on=datetime.date(2025, 12, 20),
        summary="Về việc đẩy nhanh tiến độ giải ngân",
    )  # fmt: skip
    return board


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("von dau tu", {"task"}),
        ("VỐN ĐẦU TƯ", {"task"}),
        ("vốn đầu tư công năm 2026", {"task"}),
        ("1234/UBND-KT", {"numbered"}),
        ("1234/ubnd-kt", {"numbered"}),
        ("giai ngan", {"numbered"}),
        ("day nhanh tien do", {"numbered"}),
        ("ho ngheo", {"commune"}),
        ("kenh muong", {"commune_own"}),
        ("von dau tu khong co", set()),
    ],
)
def test_search_ignores_diacritics_and_finds_content_number_and_summary(
    client, people, searchable, term, expected
):
    client.force_login(people.office_leader)
    response = client.get(LIST, {"q": term})
    assert response.status_code == 200
    assert set(page_pks(response)) == named(searchable, *expected)


def test_search_stays_inside_what_the_person_sees(client, people, searchable):
    # "von dau tu" is also in the other province's task: its people find theirs, not this one.
    assert set(listed(client, people.outsider, "q=von+dau+tu")) == {searchable.other.pk}
    assert listed(client, people.sub_staff, "q=von+dau+tu") == []


# --- Sorting --------------------------------------------------------------------------------------
def test_the_default_order_is_open_tasks_by_deadline_then_closed_ones(client, people, board):
    actions.cancel(people.office_leader, board.sub, "Không còn phù hợp")  # closed

    shown = listed(client, people.office_leader)

    # Dated open tasks by deadline, then the one without a deadline, then the closed one. The
    # task without a deadline must sit after the dated ones on every database (PostgreSQL sorts
    # NULL last in ascending order, SQLite first).
    assert shown == [
        board.overdue.pk,  # 10/03
        board.soon.pk,  # 24/03
        board.task.pk,  # 31/03
        board.commune_own.pk,  # 15/04
        board.commune.pk,  # no deadline
        board.sub.pk,  # cancelled
    ]


def test_sorting_by_latest_deadline_lists_the_dated_tasks_latest_first(client, people, board):
    shown = listed(client, people.office_leader, "sort=-deadline")
    dated = [pk for pk in shown if pk != board.commune.pk]
    assert dated == [
        board.sub.pk,  # 30/04
        board.commune_own.pk,  # 15/04
        board.task.pk,  # 31/03
        board.soon.pk,  # 24/03
        board.overdue.pk,  # 10/03
    ]
    assert set(shown) == named(board, *PROVINCE_TASKS)


def test_sorting_by_assignment_and_by_unit(client, people, board):
    newest = listed(client, people.office_leader, "sort=-assigned")
    assert newest[:3] == [board.commune_own.pk, board.sub.pk, board.soon.pk]
    assert newest[-1] == board.commune.pk  # assigned 15/01
    oldest = listed(client, people.office_leader, "sort=assigned")
    assert oldest[0] == board.commune.pk
    # Lead units in Vietnamese dictionary order: Chi cục, Phòng, Sở Tài chính, Sở Y tế, Ủy ban;
    # within a unit by deadline.
    assert listed(client, people.office_leader, "sort=unit") == [
        board.sub.pk,
        board.commune_own.pk,
        board.overdue.pk,
        board.task.pk,
        board.soon.pk,
        board.commune.pk,
    ]


def test_an_unknown_sort_is_an_error_not_a_crash(client, people, board):
    client.force_login(people.office_leader)
    response = client.get(f"{LIST}?sort=content;drop")
    assert response.status_code == 200
    assert "sort" in response.context["form"].errors


# --- Invalid filters ------------------------------------------------------------------------------
def test_an_end_before_the_start_of_a_date_range_is_shown_as_an_error(client, people, board):
    client.force_login(people.office_leader)

    response = client.get(f"{LIST}?deadline_from=31/03/2026&deadline_to=01/03/2026")

    assert response.status_code == 200
    html = response.content.decode()
    assert vi_escaped("The end of the range is before its start.") in html
    assert vi_escaped("Some filters are not valid:") in html
    assert set(page_pks(response)) <= named(board, *PROVINCE_TASKS)


@pytest.mark.parametrize(
    "query",
    ["deadline_from=32/13/2026", "assigned_to=hom+qua", "unit=abc", "timeliness=red", "page=9999"],
)
def test_malformed_filters_do_not_crash_the_list(client, people, board, query):
    client.force_login(people.office_leader)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert set(page_pks(response)) <= named(board, *PROVINCE_TASKS)


def test_an_empty_list_says_so_and_a_page_past_the_end_shows_the_last_one(client, people, board):
    client.force_login(people.office_leader)
    html = client.get(f"{LIST}?state=cancelled").content.decode()
    assert vi_escaped("No task matches these filters.") in html
    assert "<tbody>" not in html
    response = client.get(f"{LIST}?page=9999")
    html = response.content.decode()
    assert response.context["page"].number == 1
    assert html.count('<tr class="') == len(page_pks(response)) > 0


def test_an_invalid_date_range_keeps_the_other_filters(client, org, people, board):
    """TaskFilterForm.tasks promises "the visible tasks matching the valid filters": a mistyped
    range must not widen a list filtered by unit to every task of the province."""
    client.force_login(people.office_leader)
    response = client.get(
        f"{LIST}?unit={org.finance.pk}&deadline_from=31/03/2026&deadline_to=01/03/2026"
    )
    assert response.status_code == 200
    assert set(page_pks(response)) == named(board, "task", "overdue")


def test_a_filtered_list_names_its_filters_above_the_rows_and_keeps_them_folded(
    client, org, people, board
):
    """A link from a figure opens the rows at once: the filters in force are named above them,
    each a link to the list without it, and "more filters" stays folded, unless a filter was
    refused (then its error shows)."""
    client.force_login(people.office_leader)
    query = (f"timeliness=overdue&timeliness=due_soon&unit={org.finance.pk}&subunits=on"
             "&deadline_from=01/03/2026")  # fmt: skip
    html = client.get(f"{LIST}?{query}").content.decode()
    chosen = re.search(r'id="chosen-filters">(.*?)</p>', html, re.S).group(1)
    chips = {}
    for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', chosen, re.S):
        words = re.sub(r"<span[^>]*>.*?</span>", "", text)  # the mark and the hidden words
        chips[unescape(words).strip()] = parse_qs(urlsplit(unescape(href)).query)
    everything = parse_qs(query)
    with translation.override("vi"):
        expected = {
            gettext("Overdue"): {**everything, "timeliness": ["due_soon"]},
            gettext("Due soon"): {**everything, "timeliness": ["overdue"]},
            f"{gettext('Lead unit')}: Sở Tài chính": {
                k: v for k, v in everything.items() if k != "unit"
            },
            f"{gettext('Deadline from')}: 01/03/2026": {
                k: v for k, v in everything.items() if k != "deadline_from"
            },
            gettext("with its lower units"): {
                k: v for k, v in everything.items() if k != "subunits"
            },
        }
    assert chips == expected
    assert '<details class="mt-2">' in html

    html = client.get(f"{LIST}?q=phan+bo").content.decode()
    assert 'id="chosen-filters"' not in html  # the search box shows its own words

    html = client.get(f"{LIST}?deadline_from=31/03/2026&deadline_to=01/03/2026").content.decode()
    assert '<details class="mt-2" open>' in html


# --- Pages ----------------------------------------------------------------------------------------
@pytest.fixture
def sixty(org, people):
    """60 tasks of Sở Tài chính in one plan, and 5 of Sở Y tế that the filter leaves out."""
    specs = [
        TaskSpec(
            content=f"Giải ngân vốn đầu tư công đợt {i:02d}",
            lead_unit=org.finance,
            deadline_date=datetime.date(2026, 3, 21) + datetime.timedelta(days=i),
        )
        for i in range(60)
    ]
    finance = issue(people.specialist, org, people, *specs, number=21, kind=DirectiveKind.PLAN)
    others = [
        TaskSpec(
            content=f"Giải ngân vốn đầu tư công y tế {i}",
            lead_unit=org.health,
            deadline_date=datetime.date(2026, 4, 1),
        )
        for i in range(5)
    ]
    issue(people.specialist, org, people, *others, number=22, kind=DirectiveKind.PLAN)
    return finance


def test_sixty_tasks_fill_two_pages_and_the_page_links_keep_the_filters(client, org, people, sixty):
    client.force_login(people.office_leader)
    query = f"q=giai+ngan&unit={org.finance.pk}&kind=plan&sort=deadline"

    first = client.get(f"{LIST}?{query}")

    assert first.status_code == 200
    assert first.context["page"].paginator.count == 60
    assert page_pks(first) == [t.pk for t in sixty[:50]]
    links = [
        unescape(href)
        for href in re.findall(r'class="page-link" href="([^"]+)"', first.content.decode())
    ]
    assert len(links) == 1  # "next" only, on the first page
    params = parse_qs(urlsplit(links[0]).query)
    assert params == {
        "q": ["giai ngan"],
        "unit": [str(org.finance.pk)],
        "kind": ["plan"],
        "sort": ["deadline"],
        "page": ["2"],
    }

    second = client.get(f"{LIST}{links[0]}")

    assert second.status_code == 200
    assert page_pks(second) == [t.pk for t in sixty[50:]]
    html = second.content.decode()
    previous = [unescape(h) for h in re.findall(r'class="page-link" href="([^"]+)"', html)]
    assert [parse_qs(urlsplit(link).query)["page"] for link in previous] == [["1"]]
    assert parse_qs(urlsplit(previous[0]).query)["unit"] == [str(org.finance.pk)]
    # The export link carries the same filters, without the page.
    export = unescape(re.search(r'href="(\?[^"]*format=xlsx)"', html).group(1))
    export_params = parse_qs(urlsplit(export).query)
    assert "page" not in export_params
    assert export_params["unit"] == [str(org.finance.pk)]
    assert export_params["format"] == ["xlsx"]


# --- Export ---------------------------------------------------------------------------------------
def exported(client, person, query: str = ""):
    client.force_login(person)
    response = client.get(f"{LIST}?{query}{'&' if query else ''}format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "nhiem-vu-20260320.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.worksheets[0]


TASK_COLUMN, DEADLINE_COLUMN, ASSIGNED_COLUMN = 4, 8, 7


def test_the_export_holds_the_filtered_tasks_in_the_lists_order(client, org, people, board):
    query = f"unit={org.finance.pk}&subunits=on&sort=-deadline"
    order = listed(client, people.office_leader, query)

    sheet = exported(client, people.office_leader, query)

    header = [cell.value for cell in sheet[1]]
    assert header[TASK_COLUMN] == vi("Task")
    assert header[DEADLINE_COLUMN] == vi("Deadline")
    rows = list(sheet.iter_rows(min_row=2))
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=order)}
    assert [row[TASK_COLUMN].value for row in rows] == [tasks[pk].content for pk in order]
    assert [row[0].value for row in rows] == [1, 2, 3]
    for row, pk in zip(rows, order, strict=True):
        cell = row[DEADLINE_COLUMN]
        assert cell.is_date
        assert cell.number_format == "dd/mm/yyyy"
        assert cell.value == datetime.datetime.combine(tasks[pk].deadline, datetime.time())
        assert row[ASSIGNED_COLUMN].is_date and row[ASSIGNED_COLUMN].number_format == "dd/mm/yyyy"
    assert rows[-1][5].value == "Sở Tài chính"
    assert rows[-1][10].value == vi(State.RECEIVED.label)
    assert rows[-1][11].value == vi(Timeliness.OVERDUE.label)


def test_a_task_without_a_deadline_exports_an_empty_deadline_cell(client, people, board):
    sheet = exported(client, people.office_leader, "timeliness=no_deadline")
    (row,) = list(sheet.iter_rows(min_row=2))
    assert row[TASK_COLUMN].value == "Cập nhật danh sách hộ nghèo"
    assert row[DEADLINE_COLUMN].value is None


@pytest.mark.parametrize("persona", ["unit_staff", "sub_staff", "other_staff", "outsider"])
def test_a_person_exports_only_the_tasks_they_may_see(client, people, board, persona):
    person = getattr(people, persona)

    sheet = exported(client, person)

    contents = sorted(row[TASK_COLUMN].value for row in sheet.iter_rows(min_row=2))
    assert contents == sorted(visible_tasks(person).values_list("content", flat=True))
    assert contents == sorted(getattr(board, name).content for name in SEES[persona])


def test_a_text_that_looks_like_a_formula_or_a_link_is_exported_as_text(client, org, people):
    texts = ['=HYPERLINK("http://example.com","Bấm")', "+1+2", "-cmd", "@SUM(A1)",
             "https://example.com/x"]  # fmt: skip
    due = datetime.date(2026, 4, 30)
    for text in texts:
        issue(people.specialist, org, people,
              TaskSpec(content=text, lead_unit=org.finance, deadline_date=due))  # fmt: skip
    client.force_login(people.office_leader)
    response = client.get(f"{LIST}?format=xlsx")
    raw = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet_xml = raw.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert not [n for n in raw.namelist() if "externalLink" in n or "_rels/sheet1" in n]
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(f"{LIST}?format=xlsx").streaming_content))
    )
    cells = [row[TASK_COLUMN] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(texts)
    assert all(c.data_type == "s" for c in cells)


def test_an_export_of_nothing_is_a_workbook_with_only_the_header(client, people, board):
    sheet = exported(client, people.office_leader, "state=done")
    assert sheet.max_row == 1


# --- The task page --------------------------------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_log_in_from_the_task_page(client, task):
    response = client.get(f"/tasks/{task.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_task_page_is_shown_to_those_who_may_see_the_task_and_hidden_from_others(
    client, people, task, persona
):
    client.force_login(getattr(people, persona))
    response = client.get(f"/tasks/{task.pk}/")
    assert response.status_code == (200 if persona in SEE else 404)
    if response.status_code == 404:
        assert task.content not in response.content.decode()


def test_an_unknown_task_is_404(client, people, task):
    client.force_login(people.office_leader)
    assert client.get(f"/tasks/{task.pk + 1000}/").status_code == 404


def test_the_task_page_shows_the_deadline_its_explanation_the_badge_and_the_cooperating_units(
    client, people, task
):
    client.force_login(people.unit_staff)

    html = client.get(f"/tasks/{task.pk}/").content.decode()

    assert '<strong id="task-deadline">31/03/2026</strong>' in html
    # A date asked for that is a working day: its explanation would only repeat the date.
    assert task.explain_deadline() == ""
    assert 'id="deadline-explanation"' not in html
    badge = f'<span class="cd-badge cd-green">{vi_escaped(Timeliness.NOT_DUE.label)}</span>'
    assert badge in html
    assert f'id="task-state">{vi_escaped(State.ASSIGNED.label)}</span>' in html
    cooperating = html.split('id="coop-title"', 1)[1].split("</section>", 1)[0]
    assert "Sở Y tế" in cooperating
    assert vi_escaped(CooperationStatus.ASSIGNED.label) in cooperating


def test_the_badge_turns_red_once_the_deadline_has_passed(client, people, task):
    with time_machine.travel(LATE, tick=False):
        client.force_login(people.unit_staff)  # a session lasts one working day
        html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'<span class="cd-badge cd-red">{vi_escaped(Timeliness.OVERDUE.label)}</span>' in html


def test_the_timeline_lists_the_events_in_the_order_they_happened(client, people, task):
    actions.receive(people.unit_staff, task)
    actions.post_progress(people.unit_staff, task, "Đã có dự thảo phương án", 40)
    actions.comment(people.specialist, task, "Đề nghị bổ sung số liệu các xã")
    client.force_login(people.other_staff)

    html = client.get(f"/tasks/{task.pk}/").content.decode()

    kinds = [EventKind.CREATED, EventKind.RECEIVED, EventKind.PROGRESS, EventKind.COMMENT]
    assert timeline_kinds(html) == [vi(kind.label) for kind in kinds]
    timeline = html.split('id="timeline"', 1)[1]
    texts = ["Đã có dự thảo phương án", "Đề nghị bổ sung số liệu các xã"]
    assert timeline.index(texts[0]) < timeline.index(texts[1])


@pytest.mark.parametrize(
    "state",
    [
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.REPORTED,
        State.PROPOSED,
        State.DONE,
        State.SUSPENDED,
    ],
)
def test_the_page_offers_exactly_the_steps_the_person_may_take(client, people, task, state):
    task = bring_to(task, state, people)
    for persona in SEE:
        person = getattr(people, persona)
        client.force_login(person)

        html = client.get(f"/tasks/{task.pk}/").content.decode()

        # Corrections ("edit", đính chính) included: the Office's people correct on the page.
        expected = available_steps(person, task)
        assert step_ids(html) == expected, persona


def test_the_unit_is_offered_to_receive_and_the_viewer_nothing(client, people, task):
    client.force_login(people.unit_staff)
    assert "receive" in step_ids(client.get(f"/tasks/{task.pk}/").content.decode())
    client.force_login(people.viewer)
    assert step_ids(client.get(f"/tasks/{task.pk}/").content.decode()) == []


# --- Steps over HTTP ------------------------------------------------------------------------------
def step_url(task, step: str) -> str:
    return reverse("directives:step", args=[task.pk, step])


# step -> (state it starts from, who takes it, the form's input, the state it leaves, event kind)
STEP_CASES = {
    "receive": (State.ASSIGNED, "unit_staff", {}, State.RECEIVED, EventKind.RECEIVED),
    "update": (
        State.RECEIVED, "unit_staff",
        {"update-text": "Đã có dự thảo", "update-percent": "40"},
        State.IN_PROGRESS, EventKind.PROGRESS,
    ),
    "comment": (
        State.IN_PROGRESS, "specialist", {"comment-text": "Đề nghị bổ sung số liệu"},
        State.IN_PROGRESS, EventKind.COMMENT,
    ),
    "report": (
        State.IN_PROGRESS, "unit_head",
        {"report-result": "Đã trình phương án phân bổ", "report-product_number": "",
         "report-product_date": "", "report-cause": ""},
        State.REPORTED, EventKind.REPORTED,
    ),
    "request_extension": (
        State.IN_PROGRESS, "unit_staff",
        {"request_extension-proposed_date": "15/04/2026",
         "request_extension-reason": "Chờ số liệu của các xã"},
        State.IN_PROGRESS, EventKind.EXTENSION_REQUESTED,
    ),
    "raise_difficulty": (
        State.RECEIVED, "unit_staff", {"raise_difficulty-text": "Thiếu hướng dẫn của Bộ"},
        State.RECEIVED, EventKind.DIFFICULTY_RAISED,
    ),
    "subassign": (
        State.IN_PROGRESS, "unit_head",
        {"subassign-lead_unit": "finance_sub", "subassign-content": "Rà soát số liệu giải ngân",
         "subassign-deadline_date": "25/03/2026"},
        State.IN_PROGRESS, EventKind.SUBASSIGNED,
    ),
    "propose": (
        State.REPORTED, "specialist", {"propose-note": "Đạt yêu cầu"},
        State.PROPOSED, EventKind.PROPOSED,
    ),
    "return_report": (
        State.REPORTED, "specialist", {"return_report-reason": "Thiếu phụ lục"},
        State.IN_PROGRESS, EventKind.RETURNED,
    ),
    "confirm": (
        State.PROPOSED, "office_leader", {"confirm-note": "Đồng ý"},
        State.DONE, EventKind.CONFIRMED,
    ),
    "return_proposal": (
        State.PROPOSED, "office_leader", {"return_proposal-reason": "Chưa đủ căn cứ"},
        State.IN_PROGRESS, EventKind.RETURNED,
    ),
    "suspend": (
        State.IN_PROGRESS, "leader", {"suspend-reason": "Chờ chủ trương mới"},
        State.SUSPENDED, EventKind.SUSPENDED,
    ),
    "cancel": (
        State.SUSPENDED, "office_leader", {"cancel-reason": "Không còn phù hợp"},
        State.CANCELLED, EventKind.CANCELLED,
    ),
    "reopen": (
        State.DONE, "office_leader", {"reopen-reason": "Phát sinh yêu cầu mới"},
        State.IN_PROGRESS, EventKind.REOPENED,
    ),
}  # fmt: skip


@pytest.mark.parametrize("step", list(STEP_CASES))
def test_each_step_by_the_right_person_moves_the_task_and_returns_to_its_page(
    client, org, people, task, step
):
    start, persona, data, end, kind = STEP_CASES[step]
    data = {key: getattr(org, value).pk if value == "finance_sub" else value
            for key, value in data.items()}  # fmt: skip
    task = bring_to(task, start, people)
    events = refresh(task).event_count
    person = getattr(people, persona)
    client.force_login(person)
    assert step in step_ids(client.get(f"/tasks/{task.pk}/").content.decode())

    response = client.post(step_url(task, step), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[task.pk])
    task = refresh(task)
    assert task.state == end
    assert task.event_count == events + 1
    last = task.events.order_by("-seq").first()
    assert (last.kind, last.actor) == (kind, person)


def test_the_posted_step_keeps_what_was_typed(client, people, task):
    task = bring_to(task, State.RECEIVED, people)
    client.force_login(people.unit_staff)

    client.post(
        step_url(task, "update"), {"update-text": "  Đã có dự thảo  ", "update-percent": "40"}
    )
    client.post(
        step_url(task, "request_extension"),
        {
            "request_extension-proposed_date": "15/04/2026",
            "request_extension-reason": "Chờ số liệu",
        },
    )

    task = refresh(task)
    assert task.progress_percent == 40
    assert task.events.get(kind=EventKind.PROGRESS).data["text"] == "Đã có dự thảo"
    extension = Extension.objects.get(task=task)
    assert (extension.proposed_date, extension.reason, extension.decision) == (
        datetime.date(2026, 4, 15),
        "Chờ số liệu",
        Decision.PENDING,
    )
    assert task.deadline == datetime.date(2026, 3, 31)  # only a decision moves it


def test_a_progress_update_with_a_real_file_stores_it(client, people, task):
    task = bring_to(task, State.RECEIVED, people)
    client.force_login(people.unit_staff)
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

    response = client.post(
        step_url(task, "update"),
        {
            "update-text": "Gửi dự thảo",
            "update-files": SimpleUploadedFile("Dự thảo phương án.pdf", pdf, "application/pdf"),
        },
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.task_id, attachment.name, attachment.file_type) == (
        task.pk,
        "Dự thảo phương án.pdf",
        "pdf",
    )


# (step, state, who sees the task but may not take this step, valid input)
REFUSED = [
    ("receive", State.ASSIGNED, "viewer", {}),
    ("receive", State.ASSIGNED, "specialist", {}),
    ("receive", State.ASSIGNED, "other_staff", {}),
    ("update", State.RECEIVED, "other_staff", {"update-text": "Đã làm"}),
    ("report", State.IN_PROGRESS, "specialist", {"report-result": "Đã xong"}),
    ("request_extension", State.IN_PROGRESS, "admin",
     {"request_extension-proposed_date": "15/04/2026", "request_extension-reason": "Chờ"}),
    ("propose", State.REPORTED, "unit_head", {"propose-note": ""}),
    ("return_report", State.REPORTED, "unit_staff", {"return_report-reason": "Tự trả"}),
    ("confirm", State.PROPOSED, "specialist", {"confirm-note": ""}),
    ("confirm", State.PROPOSED, "leader", {"confirm-note": ""}),
    ("suspend", State.IN_PROGRESS, "unit_head", {"suspend-reason": "Tự dừng"}),
    ("cancel", State.IN_PROGRESS, "specialist", {"cancel-reason": "Không còn phù hợp"}),
    ("reopen", State.DONE, "leader", {"reopen-reason": "Làm lại"}),
    ("comment", State.IN_PROGRESS, "viewer", {"comment-text": "Ý kiến"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("step", "state", "persona", "data"), REFUSED, ids=[f"{s}-{p}" for s, _, p, _ in REFUSED]
)
def test_a_step_by_someone_who_sees_but_may_not_act_is_403_and_changes_nothing(
    client, people, task, step, state, persona, data
):
    task = bring_to(task, state, people)
    before = snapshot(task)
    client.force_login(getattr(people, persona))

    response = client.post(step_url(task, step), data)

    assert response.status_code == 403
    assert snapshot(task) == before


@pytest.mark.parametrize("persona", NOT_SEE)
def test_a_step_by_someone_who_may_not_see_the_task_is_404(client, people, task, persona):
    before = snapshot(task)
    client.force_login(getattr(people, persona))

    for step in ("receive", "comment", "fly"):
        response = client.post(step_url(task, step), {"comment-text": "Xin chào"})
        assert response.status_code == 404
        assert task.content not in response.content.decode()
    assert snapshot(task) == before


@pytest.mark.parametrize("step", ["fly", "delete"])
def test_an_unknown_step_is_404(client, people, task, step):
    before = snapshot(task)
    client.force_login(people.office_leader)
    assert client.post(step_url(task, step), {}).status_code == 404
    assert snapshot(task) == before


def test_a_step_url_takes_the_step_only_on_post_and_sends_a_get_to_the_task_page(
    client, people, task
):
    client.force_login(people.unit_staff)
    for method in (client.put, client.delete):
        assert method(step_url(task, "receive")).status_code == 405
    # The address a refused step was shown at, reloaded or shared: the task page.
    response = client.get(step_url(task, "receive"))
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[task.pk])
    assert refresh(task).state == State.ASSIGNED


def test_an_anonymous_step_is_sent_to_log_in_and_changes_nothing(client, task):
    before = snapshot(task)
    response = client.post(step_url(task, "receive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(task) == before


def _exe_as_pdf():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\0\0"
    return SimpleUploadedFile("Báo cáo tiến độ.pdf", exe, content_type="application/pdf")


def _form_errors(form_class, data, prefix):
    with translation.override("vi"):
        form = form_class(data, prefix=prefix)
        form.is_valid()
        return [str(escape(e)) for errors in form.errors.values() for e in errors]


INVALID_UPDATES = {
    "empty-text": {"update-text": "   ", "update-percent": "10"},
    "percent-150": {"update-text": "Đã làm", "update-percent": "150"},
    "percent-negative": {"update-text": "Đã làm", "update-percent": "-5"},
}


@pytest.mark.parametrize("case", list(INVALID_UPDATES))
def test_invalid_progress_is_422_with_the_message_and_nothing_changed(client, people, task, case):
    task = bring_to(task, State.RECEIVED, people)
    data = INVALID_UPDATES[case]
    messages = _form_errors(forms.ProgressForm, data, "update")
    assert messages
    before = snapshot(task)
    client.force_login(people.unit_staff)

    response = client.post(step_url(task, "update"), data)

    assert response.status_code == 422
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert 'open id="step-update"' in html  # the failed step's form is shown open
    assert snapshot(task) == before


def test_an_exe_renamed_pdf_is_refused_with_its_name_and_nothing_stored(client, people, task):
    task = bring_to(task, State.RECEIVED, people)
    before = snapshot(task)
    client.force_login(people.unit_staff)

    response = client.post(
        step_url(task, "update"),
        {"update-text": "Gửi báo cáo", "update-percent": "50", "update-files": _exe_as_pdf()},
    )

    assert response.status_code == 422
    with translation.override("vi"):
        message = gettext(
            "%(name)s is not an allowed file: PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPG/PNG or "
            "ZIP, recognised by content."
        ) % {"name": "Báo cáo tiến độ.pdf"}
    assert str(escape(message)) in response.content.decode()
    assert snapshot(task) == before
    assert refresh(task).state == State.RECEIVED


def test_a_late_report_without_its_explanation_is_422_and_changes_nothing(client, people, task):
    task = bring_to(task, State.IN_PROGRESS, people)
    with time_machine.travel(LATE, tick=False):
        client.force_login(people.unit_head)  # a session lasts one working day
        before = snapshot(task)

        response = client.post(step_url(task, "report"), {"report-result": "Đã trình phương án"})

        assert response.status_code == 422
        html = response.content.decode()
        for message in (
            "The task is late: choose the cause (objective or subjective).",
            "The task is late: explain why.",
            "The task is late: say how it will be remedied.",
        ):
            assert vi_escaped(message) in html
        assert snapshot(task) == before

        response = client.post(
            step_url(task, "report"),
            {
                "report-result": "Đã trình phương án",
                "report-cause": "objective",
                "report-explanation": "Chờ số liệu của Bộ",
                "report-remedy": "Đã bố trí thêm cán bộ",
            },
        )

    assert response.status_code == 302
    task = refresh(task)
    assert (task.state, task.completed_on) == (State.REPORTED, LATE.date())
    explanation = LateExplanation.objects.get(task=task)
    assert (explanation.cause, explanation.submitted_by) == ("objective", people.unit_head)


def test_a_return_without_a_reason_is_422(client, people, task):
    task = bring_to(task, State.REPORTED, people)
    before = snapshot(task)
    client.force_login(people.specialist)
    response = client.post(step_url(task, "return_report"), {"return_report-reason": "  "})
    assert response.status_code == 422
    assert vi_escaped("This field is required.") in response.content.decode()
    assert snapshot(task) == before


def test_an_extension_to_a_date_not_after_the_deadline_is_422(client, people, task):
    task = bring_to(task, State.IN_PROGRESS, people)
    before = snapshot(task)
    client.force_login(people.unit_staff)
    response = client.post(
        step_url(task, "request_extension"),
        {"request_extension-proposed_date": "30/03/2026", "request_extension-reason": "Chờ"},
    )
    assert response.status_code == 422
    with translation.override("vi"):
        message = gettext("Propose a date after the deadline in force (%(date)s).") % {
            "date": "31/03/2026"
        }
    assert str(escape(message)) in response.content.decode()
    assert snapshot(task) == before


def test_a_step_that_is_no_longer_possible_is_422_and_says_why(client, people, task):
    """Two people of the unit press "receive" at once: the second finds it already received.
    The page must tell them why nothing happened, not only answer 422."""
    client.force_login(people.unit_staff)
    assert client.post(step_url(task, "receive")).status_code == 302
    before = snapshot(task)
    client.force_login(people.unit_head)

    response = client.post(step_url(task, "receive"))

    assert response.status_code == 422
    assert snapshot(task) == before
    with translation.override("vi"):
        message = gettext("Cannot %(step)s: the task is %(state)s.") % {
            "step": gettext("receive"),
            "state": str(State.RECEIVED.label).lower(),
        }
    assert str(escape(message)) in response.content.decode()


# --- Extension decisions --------------------------------------------------------------------------
@pytest.fixture
def extension(people, task):
    task = bring_to(task, State.IN_PROGRESS, people)
    return actions.request_extension(
        people.unit_staff, task, proposed_date=datetime.date(2026, 4, 15), reason="Chờ số liệu"
    )


def decide_url(extension) -> str:
    return reverse("directives:decide_extension", args=[extension.pk])


def decision(extension, approve="yes", date="", note=""):
    prefix = f"extension-{extension.pk}"
    return {f"{prefix}-approve": approve, f"{prefix}-date": date, f"{prefix}-note": note}


@pytest.mark.parametrize("persona", ["leader", "office_leader"])
def test_the_directing_leader_or_an_office_leader_approves_an_extension(
    client, people, task, extension, persona
):
    client.force_login(getattr(people, persona))
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'name="extension-{extension.pk}-approve"' in html

    response = client.post(decide_url(extension), decision(extension))

    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[task.pk])
    task = refresh(task)
    assert (task.deadline, task.original_deadline) == (
        datetime.date(2026, 4, 15),
        datetime.date(2026, 3, 31),
    )
    extension.refresh_from_db()
    assert (extension.decision, extension.decided_by) == (
        Decision.APPROVED,
        getattr(people, persona),
    )
    assert task.events.order_by("-seq").first().kind == EventKind.EXTENSION_APPROVED


def test_an_extension_may_be_approved_to_another_date(client, people, task, extension):
    client.force_login(people.office_leader)
    response = client.post(decide_url(extension), decision(extension, date="10/04/2026"))
    assert response.status_code == 302
    assert refresh(task).deadline == datetime.date(2026, 4, 10)


def test_a_rejection_keeps_the_deadline_and_needs_a_reason(client, people, task, extension):
    client.force_login(people.leader)
    before = snapshot(task)

    response = client.post(decide_url(extension), decision(extension, approve="no"))

    assert response.status_code == 422
    assert vi_escaped("Give the reason for rejecting the request.") in response.content.decode()
    assert snapshot(task) == before

    response = client.post(
        decide_url(extension), decision(extension, approve="no", note="Không đủ căn cứ")
    )

    assert response.status_code == 302
    extension.refresh_from_db()
    assert (extension.decision, extension.decision_note) == (Decision.REJECTED, "Không đủ căn cứ")
    assert refresh(task).deadline == datetime.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("specialist", 403), ("unit_staff", 403), ("viewer", 403), ("other_staff", 403),
     ("outsider", 404), ("commune_staff", 404), ("sub_staff", 404)],
)  # fmt: skip
def test_others_may_not_decide_an_extension(client, people, task, extension, persona, status):
    before = snapshot(task)
    client.force_login(getattr(people, persona))
    response = client.post(decide_url(extension), decision(extension))
    assert response.status_code == status
    assert snapshot(task) == before


def test_deciding_an_extension_answers_only_post_and_a_get_goes_to_the_task_page(
    client, people, extension
):
    client.force_login(people.leader)
    assert client.put(decide_url(extension)).status_code == 405
    response = client.get(decide_url(extension))
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[extension.task_id])
    extension.refresh_from_db()
    assert extension.decision == Decision.PENDING


def test_an_unknown_extension_is_404(client, people, extension):
    client.force_login(people.leader)
    response = client.post(reverse("directives:decide_extension", args=[extension.pk + 1000]))
    assert response.status_code == 404


# --- Difficulties ---------------------------------------------------------------------------------
@pytest.fixture
def difficulty(people, task):
    task = bring_to(task, State.RECEIVED, people)
    return actions.raise_difficulty(people.unit_staff, task, "Thiếu hướng dẫn của Bộ")


def answer_url(difficulty) -> str:
    return reverse("directives:answer_difficulty", args=[difficulty.pk])


def test_the_division_head_answers_a_difficulty_with_guidance(client, people, task, difficulty):
    assert difficulty.addressed_to == Level.DIVISION_HEAD
    client.force_login(people.division_head)
    assert (
        f'name="difficulty-{difficulty.pk}-guidance"'
        in client.get(f"/tasks/{task.pk}/").content.decode()
    )

    response = client.post(
        answer_url(difficulty), {f"difficulty-{difficulty.pk}-guidance": "Áp dụng Thông tư 12"}
    )

    assert response.status_code == 302
    difficulty.refresh_from_db()
    assert (difficulty.is_open, difficulty.guidance, difficulty.answered_by) == (
        False,
        "Áp dụng Thông tư 12",
        people.division_head,
    )
    assert refresh(task).events.order_by("-seq").first().kind == EventKind.DIFFICULTY_ANSWERED


def test_the_division_head_passes_a_difficulty_up_to_the_office(client, people, task, difficulty):
    client.force_login(people.division_head)

    response = client.post(
        answer_url(difficulty),
        {"escalate": "1", f"difficulty-{difficulty.pk}-note": "Vượt thẩm quyền của phòng"},
    )

    assert response.status_code == 302
    difficulty.refresh_from_db()
    assert (difficulty.is_open, difficulty.addressed_to) == (True, Level.OFFICE_LEADER)
    event = refresh(task).events.order_by("-seq").first()
    assert (event.kind, event.data["note"]) == (
        EventKind.DIFFICULTY_ESCALATED,
        "Vượt thẩm quyền của phòng",
    )
    # Now the Office leader answers it, and the division head no longer may.
    client.force_login(people.division_head)
    guidance = {f"difficulty-{difficulty.pk}-guidance": "Đồng ý"}
    assert client.post(answer_url(difficulty), guidance).status_code == 403
    client.force_login(people.office_leader)
    assert client.post(answer_url(difficulty), guidance).status_code == 302
    difficulty.refresh_from_db()
    assert (difficulty.is_open, difficulty.answered_by) == (False, people.office_leader)


def test_guidance_may_not_be_empty(client, people, task, difficulty):
    before = snapshot(task)
    client.force_login(people.division_head)
    response = client.post(answer_url(difficulty), {f"difficulty-{difficulty.pk}-guidance": " "})
    assert response.status_code == 422
    assert vi_escaped("This field is required.") in response.content.decode()
    assert snapshot(task) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office_leader", 403), ("leader", 403), ("specialist", 403), ("unit_staff", 403),
     ("outsider", 404), ("commune_staff", 404)],
)  # fmt: skip
def test_others_may_not_answer_or_escalate_a_difficulty(
    client, people, task, difficulty, persona, status
):
    before = snapshot(task)
    client.force_login(getattr(people, persona))
    prefix = f"difficulty-{difficulty.pk}"
    assert client.post(answer_url(difficulty), {f"{prefix}-guidance": "Ý kiến"}).status_code == (
        status
    )
    response = client.post(answer_url(difficulty), {"escalate": "1", f"{prefix}-note": ""})
    assert response.status_code == status
    assert snapshot(task) == before


# --- Cooperating units' shares --------------------------------------------------------------------
def cooperation_url(cooperation) -> str:
    return reverse("directives:update_cooperation", args=[cooperation.pk])


def share(cooperation, status="in_progress", note="Đã gửi số liệu"):
    prefix = f"cooperation-{cooperation.pk}"
    return {f"{prefix}-status": status, f"{prefix}-note": note}


def test_the_cooperating_unit_updates_its_share(client, people, task):
    cooperation = task.cooperations.get()
    client.force_login(people.other_staff)
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'name="cooperation-{cooperation.pk}-status"' in html

    response = client.post(cooperation_url(cooperation), share(cooperation))

    assert response.status_code == 302
    cooperation.refresh_from_db()
    assert (cooperation.status, cooperation.note) == (
        CooperationStatus.IN_PROGRESS,
        "Đã gửi số liệu",
    )
    event = refresh(task).events.order_by("-seq").first()
    assert (event.kind, event.actor) == (EventKind.COOPERATION, people.other_staff)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("unit_staff", 403), ("unit_head", 403), ("viewer", 403), ("admin", 403),
     ("outsider", 404), ("commune_staff", 404), ("sub_staff", 404)],
)  # fmt: skip
def test_others_may_not_update_a_cooperating_units_share(client, people, task, persona, status):
    cooperation = task.cooperations.get()
    before = snapshot(task)
    client.force_login(getattr(people, persona))
    assert client.post(cooperation_url(cooperation), share(cooperation)).status_code == status
    assert snapshot(task) == before


def test_an_unknown_share_state_is_422(client, people, task):
    cooperation = task.cooperations.get()
    before = snapshot(task)
    client.force_login(people.other_staff)
    response = client.post(cooperation_url(cooperation), share(cooperation, status="flying"))
    assert response.status_code == 422
    assert snapshot(task) == before


def test_a_closed_tasks_shares_are_final(client, people, task):
    task = bring_to(task, State.CANCELLED, people)
    cooperation = task.cooperations.get()
    before = snapshot(task)
    client.force_login(people.other_staff)
    response = client.post(cooperation_url(cooperation), share(cooperation))
    assert response.status_code == 422
    assert snapshot(task) == before


# --- Home pages by role ---------------------------------------------------------------------------
PANELS = {
    "leader": {"leader"},
    "viewer": {"viewer"},
    "office_leader": {"office"},
    "admin": {"admin"},
    "division_head": {"division"},
    # Nobody of the units they follow has signed in or taken a step: those units are silent.
    "specialist": {"specialist", "silent"},
    "specialist_th": {"specialist", "silent"},
    "unit_head": {"unit"},
    "unit_staff": {"unit"},
    "sub_staff": {"unit"},
    "other_staff": {"unit"},
    "commune_leader": {"leader"},
    "commune_staff": {"unit"},
    "commune_specialist": {"specialist", "silent"},
    "outsider": {"office"},
    "nobody": set(),
}


def home(client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def shelf(html: str, panel: str, key: str) -> tuple[int, str]:
    """The count shown on a shelf and the shelf's own HTML."""
    start = re.search(rf'id="shelf-{panel}(-\d+)?-{key}"', html).start()
    end = html.find('id="shelf-', start + 1)
    chunk = html[start : end if end != -1 else len(html)]
    return int(re.search(r'class="cd-count">(\d+)<', chunk).group(1)), chunk


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_its_own_panel_only(client, people, task, persona):
    html = home(client, getattr(people, persona))
    shown = set(re.findall(r'id="home-([a-z]+)[-"]', html))
    assert shown == PANELS[persona]


def test_an_unreceived_task_waits_on_its_units_shelf(client, people, task):
    count, chunk = shelf(home(client, people.unit_staff), "unit", "unreceived")
    assert count == 1
    assert f'href="/tasks/{task.pk}/"' in chunk
    assert shelf(home(client, people.other_staff), "unit", "unreceived")[0] == 0  # cooperating
    assert shelf(home(client, people.sub_staff), "unit", "unreceived")[0] == 0

    bring_to(task, State.RECEIVED, people)

    html = home(client, people.unit_staff)
    assert shelf(html, "unit", "unreceived")[0] == 0
    assert shelf(html, "unit", "to_report")[0] == 1


def test_an_overdue_task_is_on_the_units_and_the_specialists_shelves(client, people, task):
    with time_machine.travel(LATE, tick=False):  # home() logs in on the day
        assert shelf(home(client, people.unit_head), "unit", "overdue")[0] == 1
        assert shelf(home(client, people.specialist), "specialist", "overdue")[0] == 1
        assert shelf(home(client, people.office_leader), "office", "extensions")[0] == 0


def test_a_reported_task_waits_on_its_specialists_shelf(client, people, task):
    assert shelf(home(client, people.specialist), "specialist", "to_check")[0] == 0
    bring_to(task, State.REPORTED, people)

    count, chunk = shelf(home(client, people.specialist), "specialist", "to_check")

    assert count == 1
    assert f'href="/tasks/{task.pk}/"' in chunk
    assert shelf(home(client, people.specialist_th), "specialist", "to_check")[0] == 0


def test_a_proposed_task_waits_on_the_office_leaders_shelf(client, people, task):
    bring_to(task, State.PROPOSED, people)

    count, chunk = shelf(home(client, people.office_leader), "office", "to_confirm")

    assert count == 1
    assert f'href="/tasks/{task.pk}/"' in chunk
    assert shelf(home(client, people.outsider), "office", "to_confirm")[0] == 0


def test_a_pending_extension_waits_on_the_office_and_the_directing_leaders_shelves(
    client, people, task, extension
):
    assert shelf(home(client, people.office_leader), "office", "extensions")[0] == 1
    assert shelf(home(client, people.leader), "leader", "extensions")[0] == 1
    actions.decide_extension(people.leader, extension, approve=True)
    assert shelf(home(client, people.office_leader), "office", "extensions")[0] == 0
    assert shelf(home(client, people.leader), "leader", "extensions")[0] == 0


def test_a_difficulty_waits_on_the_division_heads_shelf_then_the_offices(
    client, people, task, difficulty
):
    assert shelf(home(client, people.division_head), "division", "difficulties")[0] == 1
    assert shelf(home(client, people.specialist), "specialist", "difficulties")[0] == 1
    assert shelf(home(client, people.office_leader), "office", "escalated")[0] == 0
    actions.escalate_difficulty(people.division_head, difficulty)
    assert shelf(home(client, people.division_head), "division", "difficulties")[0] == 0
    assert shelf(home(client, people.office_leader), "office", "escalated")[0] == 1


def _report_form(html: str) -> str:
    return html.split('id="step-report"', 1)[1].split("</form>", 1)[0]


def _late_field_classes(html: str) -> list[str]:
    form = _report_form(html)
    return [
        re.search(r'<div class="([^"]*)">\s*<label[^>]*for="id_report-' + name, form).group(1)
        for name in ("cause", "explanation", "remedy")
    ]


def test_a_kept_step_form_follows_the_task_the_day_and_the_language(client, people, org, task):
    """The unbound step forms' markup is drawn once per process (``_fields_markup``), yet a late
    task's report still asks why and an early one does not, whichever was shown first, and each
    language gets its own words."""
    (early,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Nhiệm vụ còn hạn", lead_unit=org.finance,
                 deadline_date=datetime.date(2026, 12, 31)),
    )  # fmt: skip
    for one in (task, early):
        actions.receive(people.unit_staff, one)
    with time_machine.travel(LATE, tick=False):
        client.force_login(people.unit_staff)
        for first, second in ((task, early), (early, task)):
            pages = {t.pk: client.get(f"/tasks/{t.pk}/").content.decode() for t in (first, second)}
            assert _late_field_classes(pages[task.pk]) == ["mb-2 cd-field"] * 3
            assert _late_field_classes(pages[early.pk]) == ["mb-2 cd-field d-none"] * 3
            late_form = _report_form(pages[task.pk])
            assert late_form.count('class="text-danger">*') > _report_form(pages[early.pk]).count(
                'class="text-danger">*'
            )
        client.cookies["django_language"] = "en"
        english = client.get(f"/tasks/{task.pk}/").content.decode()
        assert "Cause of the delay" in _report_form(english)
        client.cookies["django_language"] = "vi"
        vietnamese = client.get(f"/tasks/{task.pk}/").content.decode()
        assert vi("Cause of the delay") in unescape(_report_form(vietnamese))
        assert vi("Cause of the delay") != "Cause of the delay"


def test_each_kept_decision_form_shows_its_own_proposed_date(client, people, org, task):
    """Decision forms are kept per prefix and initial values: two pending requests, each shown
    with the date it proposes, and a request rejected leaves no form behind."""
    (other,) = issue(
        people.specialist, org, people,
        TaskSpec(content="Nhiệm vụ thứ hai", lead_unit=org.finance,
                 deadline_date=datetime.date(2026, 3, 31)),
    )  # fmt: skip
    asked = {}
    for one, day in ((task, datetime.date(2026, 4, 15)), (other, datetime.date(2026, 5, 20))):
        one = bring_to(one, State.IN_PROGRESS, people)
        asked[one.pk] = actions.request_extension(
            people.unit_staff, one, proposed_date=day, reason="Chờ số liệu"
        )
    client.force_login(people.office_leader)
    for _ in range(2):  # drawn, then kept
        for pk, extension in asked.items():
            html = client.get(f"/tasks/{pk}/").content.decode()
            form = html.split(f'name="extension-{extension.pk}-date"', 1)[1].split(">", 1)[0]
            assert f'value="{extension.proposed_date:%d/%m/%Y}"' in form
            assert html.count('name="extension-') == 4  # approve (yes, no), date, note: its own
    actions.decide_extension(people.office_leader, asked[task.pk], approve=False, note="Không")
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'name="extension-{asked[task.pk].pk}-approve"' not in html


def test_a_kept_share_form_shows_the_share_as_it_stands_now(client, people, task):
    """A share form keeps its prefix while its initial values change: after each update the
    form is drawn with the status and note just recorded, never a kept older one."""
    cooperation = task.cooperations.get()
    client.force_login(people.other_staff)
    for status, note in (("in_progress", "Đang tổng hợp"), ("done", "Đã gửi số liệu")):
        client.get(f"/tasks/{task.pk}/")  # the form as it stood, kept
        response = client.post(cooperation_url(cooperation), share(cooperation, status, note))
        assert response.status_code == 302
        html = client.get(f"/tasks/{task.pk}/").content.decode()
        form = html.split(f'name="cooperation-{cooperation.pk}-status"', 1)[1].split("</select>")[0]
        assert re.findall(r'<option value="(\w+)" selected', form) == [status]
        note_box = html.split(f'name="cooperation-{cooperation.pk}-note"', 1)[1]
        assert note_box.split("</textarea>", 1)[0].endswith(note)


def test_every_step_has_its_name_in_both_languages():
    from chidao.directives.views.steps import STEP_LABELS, STEPS

    assert set(STEP_LABELS) == set(STEPS)
    with translation.override("vi"):
        vietnamese = {key: str(label) for key, label in STEP_LABELS.items()}
    with translation.override("en"):
        english = {key: str(label) for key, label in STEP_LABELS.items()}
    assert all(vietnamese[key] != english[key] for key in STEP_LABELS), "each one translated"


def test_a_refused_step_shows_what_was_sent_beside_kept_forms_and_then_is_kept_no_more(
    client, people, task
):
    """A refused step's form is the one bound to what was sent, with its message, though the
    same form was kept blank a moment before; seen again, the page shows the blank one."""
    task = bring_to(task, State.RECEIVED, people)
    client.force_login(people.unit_staff)
    client.get(f"/tasks/{task.pk}/")  # the blank forms drawn and kept
    sent = {"update-text": "Đang lấy ý kiến các sở", "update-percent": "150"}
    messages = _form_errors(forms.ProgressForm, sent, "update")

    response = client.post(step_url(task, "update"), sent)

    assert response.status_code == 422
    refused = response.content.decode()
    assert all(message in refused for message in messages)
    assert re.search(r'<input[^>]*name="update-percent"[^>]*value="150"', refused)
    assert "Đang lấy ý kiến các sở</textarea>" in refused
    assert 'id="step-comment"' in refused  # the other steps, from their kept forms
    again = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Đang lấy ý kiến các sở" not in again
    assert not any(message in again for message in messages)
