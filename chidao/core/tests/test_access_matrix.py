"""The access matrix: every role in every seat, every action, every kind of object.

What each role may see and do is written out below by hand, from the mission (MISSION.md: who
uses the system and what each must be able to do) and the README's description of the roles and
of scope, never by asking ``chidao.org.permissions``. Each cell then checks two things:

(a) the product over HTTP: the page or the step succeeds (200, or a redirect after the step is
    taken and recorded) where the table allows it; where it does not, the answer is 404 for what
    the person may not even see and 403 for what they see but may not do, and nothing in the
    database has changed;
(b) the permission module agrees with the table (``can``, ``visible_tasks``, ``visible_units``).

The world is built once for the module (in a transaction rolled back at the end; each cell runs
in a savepoint of its own): the test province of ``chidao/conftest.py`` with two sibling
departments (Sở Tài chính, Sở Y tế), Sở Tài chính's branch, a commune with its own apparatus and
another province, and in it one task of each kind, each received, worked on, with a file, a
pending extension request and an open difficulty. A step's starting state (reported, proposed,
done…) is set on the row inside the cell, so every step is tried from the state it starts from.
"""

import datetime
import io
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from chidao.conftest import build_org, build_people, make_person, make_unit, table_rows
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.actions.issue import subassign_targets
from chidao.directives.models import (
    Attachment,
    Cooperation,
    Decision,
    Difficulty,
    DirectiveKind,
    Extension,
    State,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.org import permissions
from chidao.org.models import Person, Role, Unit, UnitKind
from chidao.org.permissions import Action

MORNING = datetime.datetime(2026, 3, 20, 2, tzinfo=datetime.UTC)  # 09:00 on 20/03/2026, Hà Nội
DUE = datetime.date(2026, 4, 30)
SEARCH_WORD = "matranquyen"  # in every task's content: a search that finds them all

# --- The expectations, written by hand ----------------------------------------------------------
# Objects: one task of each kind, as seen from Sở Tài chính (finance) and its neighbours.
OBJECTS = {
    "finance": "led by Sở Tài chính, assigned by the province, tracked by `specialist`, "
    "directed by `leader`, in his sector block",
    "confidential": "the same, in a confidential directive (tracked as usual, README)",
    "sibling": "led by Sở Y tế, the sibling department, tracked by `specialist_th`",
    "cooperating": "led by Sở Y tế with Sở Tài chính cooperating",
    "part": "the part Sở Tài chính handed down to its branch (Chi cục)",
    "commune": "led by the commune A committee, assigned by the province",
    "commune_own": "of commune A's own directive, led by its Phòng Kinh tế",
    "other_province": "of another province",
}
PROVINCE_TASKS = frozenset(OBJECTS) - {"other_province"}
# Assigned by the province committee itself (its Office checks, confirms, urges).
COMMITTEE_TASKS = frozenset({"finance", "confidential", "sibling", "cooperating", "commune"})
FINANCE_LED = frozenset({"finance", "confidential"})
NOTHING = frozenset()

# The personas (chidao/conftest.py) and the seat each holds, plus a viewer of Sở Tài chính.
PERSONAS = {
    "leader": "Phó Chủ tịch of the province, Khối Kinh tế",
    "viewer": "viewer of the province committee",
    "office_leader": "Chánh Văn phòng of the province",
    "admin": "administrator in the province's Office",
    "division_head": "head of the Office's Phòng Kinh tế",
    "specialist": "specialist of Phòng Kinh tế, follows Sở Tài chính",
    "specialist_th": "specialist of Phòng Tổng hợp, follows commune A",
    "unit_head": "head of Sở Tài chính",
    "unit_staff": "staff of Sở Tài chính",
    "unit_viewer": "viewer of Sở Tài chính",
    "sub_staff": "staff of Chi cục Tài chính (under Sở Tài chính)",
    "other_staff": "staff of Sở Y tế",
    "commune_leader": "chairman of commune A",
    "commune_staff": "staff of the commune A committee",
    "commune_specialist": "specialist of commune A's Office, follows its Phòng Kinh tế",
    "outsider": "Office leader of another province",
    "nobody": "an account with no role",
}
PROVINCE_APPARATUS = ("leader", "viewer", "office_leader", "admin", "division_head",
                      "specialist", "specialist_th")  # fmt: skip
THE_OFFICE = ("office_leader", "division_head", "specialist", "specialist_th")

# Who sees a task (README, Permissions): the committee's apparatus its whole subtree; a unit's
# people their unit and the units under it, and the tasks their unit cooperates on.
SEES = {
    **dict.fromkeys(PROVINCE_APPARATUS, PROVINCE_TASKS),
    **dict.fromkeys(
        ("unit_head", "unit_staff", "unit_viewer"), FINANCE_LED | {"cooperating", "part"}
    ),
    "sub_staff": frozenset({"part"}),
    "other_staff": frozenset({"sibling", "cooperating"}),
    **dict.fromkeys(
        ("commune_leader", "commune_staff", "commune_specialist"),
        frozenset({"commune", "commune_own"}),
    ),
    "outsider": frozenset({"other_province"}),
    "nobody": NOTHING,
}
# The lead unit's side (MISSION: units receive, update progress, report, ask for more time):
# the heads and staff seated in the lead unit, or, when a committee leads, its apparatus. Not a
# viewer, not the unit above.
LEADS = {
    "unit_head": FINANCE_LED,
    "unit_staff": FINANCE_LED,
    "sub_staff": frozenset({"part"}),
    "other_staff": frozenset({"sibling", "cooperating"}),
    "commune_leader": frozenset({"commune"}),
    "commune_staff": frozenset({"commune"}),
    "commune_specialist": frozenset({"commune"}),
}
# The first check (MISSION: the specialist checks a report and proposes closing, or returns it):
# the Office of the committee that assigned the task (specialists, division heads, its leaders),
# the task's own specialist; for a part, the unit that handed it down.
CHECKS = {
    **dict.fromkeys(THE_OFFICE, COMMITTEE_TASKS),
    "unit_head": frozenset({"part"}),
    "unit_staff": frozenset({"part"}),
    "commune_specialist": frozenset({"commune_own"}),
    "outsider": frozenset({"other_province"}),
}
# Confirmation, return of a proposal, reopening (MISSION: Office leaders confirm and close): the
# assigning committee's Office leaders; for a part, the head of the unit that handed it down.
CONFIRMS = {
    "office_leader": COMMITTEE_TASKS,
    "unit_head": frozenset({"part"}),
    "outsider": frozenset({"other_province"}),
}
# Suspend or cancel by a leader's decision: the assigning committee's leaders and Office leaders.
SUSPENDS = {
    "leader": COMMITTEE_TASKS,
    "office_leader": COMMITTEE_TASKS,
    "unit_head": frozenset({"part"}),
    "commune_leader": frozenset({"commune_own"}),
    "outsider": frozenset({"other_province"}),
}
# The exchange between the unit and the Office: the lead side, the checkers and the staff of a
# cooperating unit.
COMMENTS = {
    **dict.fromkeys(THE_OFFICE, COMMITTEE_TASKS),
    "unit_head": FINANCE_LED | {"cooperating", "part"},
    "unit_staff": FINANCE_LED | {"cooperating", "part"},
    "sub_staff": frozenset({"part"}),
    "other_staff": frozenset({"sibling", "cooperating"}),
    "commune_leader": frozenset({"commune"}),
    "commune_staff": frozenset({"commune"}),
    "commune_specialist": frozenset({"commune", "commune_own"}),
    "outsider": frozenset({"other_province"}),
}
# MISSION: units report difficulties early; the specialist reports difficulties to the leaders.
RAISES_DIFFICULTY = {
    **LEADS,
    "specialist": FINANCE_LED,
    "specialist_th": frozenset({"sibling", "cooperating", "commune"}),
    "commune_specialist": frozenset({"commune", "commune_own"}),
}
# The extension decision: the directing leader, or whoever confirms.
DECIDES_EXTENSION = {
    **CONFIRMS,
    "leader": FINANCE_LED,
    "commune_leader": frozenset({"commune_own"}),
}
# Handing part of a task down to a lower unit: the lead unit's head (for a committee that leads,
# its leaders and Office leaders), never its staff.
SUBASSIGNS = {"unit_head": FINANCE_LED, "commune_leader": frozenset({"commune"})}
# The directing opinion (ý kiến chỉ đạo): a committee leader on what he directs or on his block.
GIVES_OPINION = {"leader": FINANCE_LED, "commune_leader": frozenset({"commune_own"})}
# Urging the lead unit (đôn đốc): the assigning committee's Office and the task's specialist.
URGES = {
    **dict.fromkeys(THE_OFFICE, COMMITTEE_TASKS),
    "commune_specialist": frozenset({"commune_own"}),
    "outsider": frozenset({"other_province"}),
}
# A difficulty goes first to the division heads of the assigning committee's Office (to the
# Office leaders where it has none; to the head of the unit that handed a part down).
ANSWERS_DIFFICULTY = {
    "division_head": COMMITTEE_TASKS,
    "unit_head": frozenset({"part"}),
    "outsider": frozenset({"other_province"}),
}
# A cooperating unit updates its own share: its heads and staff.
COOPERATES = {"unit_head": frozenset({"cooperating"}), "unit_staff": frozenset({"cooperating"})}
# The admin site: administrators only, on what they see.
ADMIN_SITE = {"admin": PROVINCE_TASKS}

# Units and people, by relation to Sở Tài chính's people.
UNITS = ("finance", "finance_sub", "health", "province", "commune_a", "other_province")
SEES_UNITS = {
    **dict.fromkeys(PROVINCE_APPARATUS, frozenset(UNITS) - {"other_province"}),
    **dict.fromkeys(
        ("unit_head", "unit_staff", "unit_viewer"), frozenset({"finance", "finance_sub"})
    ),
    "sub_staff": frozenset({"finance_sub"}),
    "other_staff": frozenset({"health"}),
    **dict.fromkeys(
        ("commune_leader", "commune_staff", "commune_specialist"), frozenset({"commune_a"})
    ),
    "outsider": frozenset({"other_province"}),
    "nobody": NOTHING,
}
PEOPLE = ("unit_staff", "sub_staff", "other_staff", "leader", "commune_staff", "outsider")
SEES_PEOPLE = {
    **dict.fromkeys(PROVINCE_APPARATUS, frozenset(PEOPLE) - {"outsider"}),
    **dict.fromkeys(
        ("unit_head", "unit_staff", "unit_viewer"), frozenset({"unit_staff", "sub_staff"})
    ),
    "sub_staff": frozenset({"sub_staff"}),
    "other_staff": frozenset({"other_staff"}),
    **dict.fromkeys(
        ("commune_leader", "commune_staff", "commune_specialist"), frozenset({"commune_staff"})
    ),
    "outsider": frozenset({"outsider"}),
    "nobody": NOTHING,
}


def allowed(table: dict, persona: str, obj: str) -> bool:
    return obj in table.get(persona, NOTHING)


# --- The world ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back afterwards; the clock stays at MORNING."""
    with (
        time_machine.travel(MORNING, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _in_world(world, db):
    """Each cell runs in its own savepoint inside the module's transaction."""


def _build():
    org = build_org()
    people = build_people(org)
    people.unit_viewer = make_person("unit_viewer", org.finance, Role.VIEWER)
    org.other_department = make_unit(
        org.other_province, UnitKind.DEPARTMENT, "Sở Tài chính tỉnh Khác", "STC"
    )
    # Lead-side staff of the units no persona sits in, to work their tasks.
    econ_staff = make_person("econ_staff", org.commune_a_econ, Role.UNIT_STAFF)
    far_staff = make_person("far_staff", org.other_department, Role.UNIT_STAFF)
    far_leader = make_person("far_leader", org.other_province, Role.COMMITTEE_LEADER)

    def one(content, lead_unit, **spec):
        spec.setdefault("deadline_date", DUE)
        return TaskSpec(content=f"{content} {SEARCH_WORD}", lead_unit=lead_unit, **spec)

    (finance,) = issue(
        people.specialist,
        org,
        people,
        one("Sở Tài chính chủ trì", org.finance, directing_leader=people.leader),
    )
    (confidential,) = issue(
        people.specialist,
        org,
        people,
        one("Việc mật của Sở Tài chính", org.finance, directing_leader=people.leader),
        is_confidential=True,
    )
    (sibling,) = issue(
        people.specialist,
        org,
        people,
        one("Sở Y tế chủ trì", org.health, specialist=people.specialist_th),
    )
    (cooperating,) = issue(
        people.specialist,
        org,
        people,
        one(
            "Sở Y tế chủ trì, Sở Tài chính phối hợp",
            org.health,
            cooperating_units=[org.finance],
            specialist=people.specialist_th,
        ),
    )
    (commune,) = issue(people.specialist, org, people, one("Xã A chủ trì", org.commune_a))
    commune_own = actions.issue_directive(
        people.commune_specialist,
        issuer=org.commune_a,
        tasks=[one("Việc của xã A", org.commune_a_econ, directing_leader=people.commune_leader)],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=7,
        symbol="UBND-VP",
        issued_on=datetime.date(2026, 3, 2),
        signer=people.commune_leader,
        summary="Chỉ đạo của xã A",
    ).tasks.get()
    other_province = actions.issue_directive(
        people.outsider, issuer=org.other_province,
        tasks=[one("Việc của tỉnh khác", org.other_department)],
        kind=DirectiveKind.OFFICIAL_LETTER, number=9, symbol="UBND-TH",
        issued_on=datetime.date(2026, 3, 2), signer=far_leader, summary="Chỉ đạo của tỉnh khác",
    ).tasks.get()  # fmt: skip
    actions.receive(people.unit_staff, finance)
    part = actions.subassign(
        people.unit_head, finance,
        TaskSpec(content=f"Phần của Chi cục {SEARCH_WORD}", lead_unit=org.finance_sub,
                 deadline_date=datetime.date(2026, 4, 24)),
    )  # fmt: skip
    tasks = {
        "finance": (finance, people.unit_staff),
        "confidential": (confidential, people.unit_staff),
        "sibling": (sibling, people.other_staff),
        "cooperating": (cooperating, people.other_staff),
        "part": (part, people.sub_staff),
        "commune": (commune, people.commune_staff),
        "commune_own": (commune_own, econ_staff),
        "other_province": (other_province, far_staff),
    }
    for key, (task, staff) in tasks.items():
        task.refresh_from_db()
        if task.state == State.ASSIGNED:
            actions.receive(staff, task)
        pdf = SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        actions.post_progress(staff, task, "Đang thực hiện", 30, [pdf])
        actions.request_extension(
            staff, task, proposed_date=datetime.date(2026, 5, 29), reason="Chờ số liệu"
        )
        actions.raise_difficulty(staff, task, "Thiếu số liệu")
    # Signed in once, in the module's transaction: each cell reuses the session.
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        clients[persona].force_login(getattr(people, persona))
    return SimpleNamespace(
        org=org,
        people=people,
        clients=clients,
        listed={},
        tasks={key: task.pk for key, (task, _staff) in tasks.items()},
    )


def person(world, persona: str) -> Person:
    """A fresh instance: the permission module caches jurisdictions on the object."""
    return Person.objects.get(pk=getattr(world.people, persona).pk)


def task_of(world, obj: str) -> Task:
    return Task.objects.select_related("lead_unit", "assigner_unit").get(pk=world.tasks[obj])


def client_for(world, persona: str) -> Client:
    return world.clients[persona]


def snapshot(task_pk: int):
    """Everything a step may write about a task, as plain values: its row, its events, its
    extensions, difficulties and shares, its parts and its files."""
    mine = ("task_id = %s", [task_pk])
    return (
        table_rows(Task, "id = %s", [task_pk]),
        table_rows(TaskEvent, *mine, columns="id"),
        table_rows(Extension, *mine),
        table_rows(Difficulty, *mine),
        table_rows(Cooperation, *mine),
        table_rows(Task, "parent_id = %s", [task_pk], columns="id"),
        table_rows(Attachment, *mine, columns="id"),
    )


CELLS = [(persona, obj) for persona in PERSONAS for obj in OBJECTS]
CELL_IDS = [f"{persona}-{obj}" for persona, obj in CELLS]
# The steps leave the confidential task out: its rules are the finance task's (confidentiality
# hides content from the boards only), and the steps are most of the run time.
STEP_CELLS = [(persona, obj) for persona, obj in CELLS if obj != "confidential"]
STEP_IDS = [f"{persona}-{obj}" for persona, obj in STEP_CELLS]


def test_the_tables_name_only_known_personas_and_objects():
    tables = (SEES, LEADS, CHECKS, CONFIRMS, SUSPENDS, COMMENTS, RAISES_DIFFICULTY,
              DECIDES_EXTENSION, SUBASSIGNS, GIVES_OPINION, URGES, ANSWERS_DIFFICULTY,
              COOPERATES, ADMIN_SITE)  # fmt: skip
    for table in tables:
        assert set(table) <= set(PERSONAS)
        for objects in table.values():
            assert objects <= set(OBJECTS)
    assert set(SEES) == set(PERSONAS)
    # Whoever may act on a task sees it.
    for table in tables:
        for persona, objects in table.items():
            assert objects <= SEES[persona], (persona, objects - SEES[persona])


# --- Seeing a task: its page, the lists, the search, the export, its file, its directive ------
@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_task_page(world, persona, obj):
    expected = allowed(SEES, persona, obj)
    task = task_of(world, obj)
    assert permissions.can(person(world, persona), Action.VIEW, task) is expected
    response = client_for(world, persona).get(f"/tasks/{task.pk}/")
    assert response.status_code == (200 if expected else 404)
    assert (task.content in response.content.decode()) is expected


def listed(world, persona: str, how: str) -> set[int]:
    """The tasks a list shows, read once per persona and world (nothing changes under a GET;
    kept on the world, which a worker may build again for another run of the module)."""
    _listed = world.listed
    key = (persona, how)
    if key not in _listed:
        client = client_for(world, persona)
        if how == "export":
            response = client.get("/tasks/", {"format": "xlsx"})
            assert response.status_code == 200
            book = openpyxl.load_workbook(
                io.BytesIO(
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
            )
            text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row)
            _listed[key] = {pk for pk in world.tasks.values()
                            if Task.objects.get(pk=pk).content in text}  # fmt: skip
        else:
            params = {"q": SEARCH_WORD} if how == "search" else {}
            if how.startswith("unit:"):
                params = {"unit": how.removeprefix("unit:")}
            response = client.get("/tasks/", params)
            assert response.status_code == 200
            _listed[key] = {task.pk for task in response.context["page"].object_list}
    return _listed[key]


@pytest.mark.parametrize("how", ["list", "search", "export"])
@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_task_in_list_search_and_export(world, persona, obj, how):
    expected = allowed(SEES, persona, obj)
    pk = world.tasks[obj]
    in_scope = permissions.visible_tasks(person(world, persona)).filter(pk=pk).exists()
    assert in_scope is expected
    assert (pk in listed(world, persona, how)) is expected


@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_a_figures_link_to_the_lead_units_tasks(world, persona, obj):
    """Every figure of the home pages and the dashboard links to the list filtered by unit."""
    task = task_of(world, obj)
    shown = listed(world, persona, f"unit:{task.lead_unit_id}")
    assert (task.pk in shown) is allowed(SEES, persona, obj)


@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_download_a_tasks_file(world, persona, obj):
    expected = allowed(SEES, persona, obj)
    attachment = Attachment.objects.get(task_id=world.tasks[obj])
    response = client_for(world, persona).get(f"/tasks/files/{attachment.pk}/")
    assert response.status_code == (200 if expected else 404)
    if expected:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_directive_page(world, persona, obj):
    """A directive opens to whoever sees one of its tasks (a part handed down is enough: the
    part's directive is the one of the task it came from)."""
    directive = task_of(world, obj).directive
    expected = any(
        allowed(SEES, persona, other)
        for other in OBJECTS
        if task_of(world, other).directive_id == directive.pk
    )
    assert permissions.can(person(world, persona), Action.VIEW, directive) is expected
    response = client_for(world, persona).get(f"/tasks/directives/{directive.pk}/")
    assert response.status_code == (200 if expected else 404)


@pytest.mark.parametrize(("persona", "obj"), CELLS, ids=CELL_IDS)
def test_admin_change_page_of_a_task(world, persona, obj):
    expected = allowed(ADMIN_SITE, persona, obj)
    actor, task = person(world, persona), task_of(world, obj)
    agrees = permissions.may_use_admin_site(actor) and permissions.can(actor, Action.VIEW, task)
    assert agrees is expected
    response = client_for(world, persona).get(f"/admin/directives/task/{task.pk}/change/")
    assert response.status_code == (200 if expected else 302)
    assert (task.content in response.content.decode()) is expected


# --- Taking a step --------------------------------------------------------------------------------
def _in_state(task_pk: int, state: State) -> None:
    """The state the step starts from, set on the row (inside the cell's savepoint)."""
    fields = {"state": state}
    if state in (State.REPORTED, State.PROPOSED, State.DONE):
        fields["completed_on"] = MORNING.date()
    Task.objects.filter(pk=task_pk).update(**fields)


def _subassign_data(task):
    # A unit with nothing under it names itself: refused all the same, before the choice counts.
    target = subassign_targets(task).order_by("pk").first() or task.lead_unit
    return {"subassign-lead_unit": target.pk, "subassign-content": "Một phần",
            "subassign-deadline_date": "24/04/2026"}  # fmt: skip


# step -> (table, permission asked, starting state, form data)
STEP_CASES = {
    "receive": (LEADS, Action.RECEIVE, State.ASSIGNED, {}),
    "update": (LEADS, Action.UPDATE, State.IN_PROGRESS,
               {"update-text": "Đã xong 50%", "update-percent": "50"}),
    "report": (LEADS, Action.REPORT, State.IN_PROGRESS, {"report-result": "Đã hoàn thành"}),
    "request_extension": (LEADS, Action.REQUEST_EXTENSION, State.IN_PROGRESS,
                          {"request_extension-proposed_date": "29/05/2026",
                           "request_extension-reason": "Chờ ý kiến các bộ"}),
    "raise_difficulty": (RAISES_DIFFICULTY, Action.RAISE_DIFFICULTY, State.IN_PROGRESS,
                         {"raise_difficulty-text": "Vướng mắc về vốn"}),
    "comment": (COMMENTS, Action.COMMENT, State.IN_PROGRESS, {"comment-text": "Trao đổi"}),
    "opinion": (GIVES_OPINION, Action.GIVE_OPINION, State.IN_PROGRESS,
                {"opinion-text": "Khẩn trương hoàn thành"}),
    "subassign": (SUBASSIGNS, Action.SUBASSIGN, State.IN_PROGRESS, _subassign_data),
    "urge": (URGES, Action.URGE, State.IN_PROGRESS, {"urge-message": "Đề nghị khẩn trương"}),
    "propose": (CHECKS, Action.CHECK, State.REPORTED, {"propose-note": "Đạt yêu cầu"}),
    "return_report": (CHECKS, Action.CHECK, State.REPORTED,
                      {"return_report-reason": "Thiếu hồ sơ"}),
    "confirm": (CONFIRMS, Action.CONFIRM, State.PROPOSED, {"confirm-note": "Đồng ý"}),
    "return_proposal": (CONFIRMS, Action.CONFIRM, State.PROPOSED,
                        {"return_proposal-reason": "Chưa đạt"}),
    "reopen": (CONFIRMS, Action.CONFIRM, State.DONE, {"reopen-reason": "Mở lại theo chỉ đạo"}),
    "suspend": (SUSPENDS, Action.SUSPEND, State.IN_PROGRESS, {"suspend-reason": "Tạm dừng"}),
    "cancel": (SUSPENDS, Action.SUSPEND, State.IN_PROGRESS, {"cancel-reason": "Hủy bỏ"}),
}  # fmt: skip


def _expect_step(response, before, after, expected: bool, sees: bool, where: str):
    if expected:
        assert response.status_code == 302, f"{where}: refused ({response.status_code})"
        assert after != before, f"{where}: answered as done, but nothing was recorded"
    else:
        assert response.status_code == (403 if sees else 404), where
        assert after == before, f"{where}: refused, but the data changed"


@pytest.mark.parametrize("step", STEP_CASES)
@pytest.mark.parametrize(("persona", "obj"), STEP_CELLS, ids=STEP_IDS)
def test_step_on_a_task(world, persona, obj, step):
    table, action, state, data = STEP_CASES[step]
    pk = world.tasks[obj]
    _in_state(pk, state)
    if step == "request_extension":  # the world's request, set aside: one may be pending
        Extension.objects.filter(task_id=pk).update(decision=Decision.WITHDRAWN)
    expected, sees = allowed(table, persona, obj), allowed(SEES, persona, obj)
    task = task_of(world, obj)
    assert permissions.can(person(world, persona), action, task) is expected
    data = data(task) if callable(data) else data
    before = snapshot(pk)
    response = client_for(world, persona).post(f"/tasks/{pk}/{step}/", data)
    _expect_step(response, before, snapshot(pk), expected, sees, f"{persona} {step} {obj}")


@pytest.mark.parametrize(("persona", "obj"), STEP_CELLS, ids=STEP_IDS)
def test_decide_an_extension(world, persona, obj):
    expected, sees = allowed(DECIDES_EXTENSION, persona, obj), allowed(SEES, persona, obj)
    pk = world.tasks[obj]
    extension = Extension.objects.get(task_id=pk, decision=Decision.PENDING)
    assert permissions.can(person(world, persona), Action.DECIDE_EXTENSION, task_of(world, obj)) \
        is expected  # fmt: skip
    key = f"extension-{extension.pk}"
    data = {f"{key}-approve": "yes", f"{key}-note": "Đồng ý"}
    before = snapshot(pk)
    response = client_for(world, persona).post(f"/tasks/extensions/{extension.pk}/decide/", data)
    _expect_step(response, before, snapshot(pk), expected, sees, f"{persona} decide {obj}")


@pytest.mark.parametrize("how", ["answer", "pass_up"])
@pytest.mark.parametrize(("persona", "obj"), STEP_CELLS, ids=STEP_IDS)
def test_answer_a_difficulty(world, persona, obj, how):
    expected, sees = allowed(ANSWERS_DIFFICULTY, persona, obj), allowed(SEES, persona, obj)
    pk = world.tasks[obj]
    difficulty = Difficulty.objects.select_related("task").get(task_id=pk)
    assert permissions.can(person(world, persona), Action.ANSWER, difficulty) is expected
    key = f"difficulty-{difficulty.pk}"
    data = {f"{key}-guidance": "Hướng dẫn"}
    if how == "pass_up":
        data = {"escalate": "1", f"{key}-note": "Xin ý kiến cấp trên"}
    before = snapshot(pk)
    response = client_for(world, persona).post(f"/tasks/difficulties/{difficulty.pk}/answer/", data)
    _expect_step(response, before, snapshot(pk), expected, sees, f"{persona} {how} {obj}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_update_a_cooperating_units_share(world, persona):
    obj = "cooperating"
    expected, sees = allowed(COOPERATES, persona, obj), allowed(SEES, persona, obj)
    pk = world.tasks[obj]
    cooperation = Cooperation.objects.select_related("task").get(task_id=pk)
    assert permissions.can(person(world, persona), Action.COOPERATE, cooperation) is expected
    key = f"cooperation-{cooperation.pk}"
    data = {f"{key}-status": "in_progress", f"{key}-note": "Đã gửi số liệu"}
    before = snapshot(pk)
    response = client_for(world, persona).post(f"/tasks/cooperations/{cooperation.pk}/", data)
    _expect_step(response, before, snapshot(pk), expected, sees, f"{persona} cooperate")


# --- Units and people ----------------------------------------------------------------------------
UNIT_CELLS = [(persona, unit) for persona in PERSONAS for unit in UNITS]


@pytest.mark.parametrize(("persona", "unit"), UNIT_CELLS, ids=[f"{p}-{u}" for p, u in UNIT_CELLS])
def test_unit_page(world, persona, unit):
    expected = allowed(SEES_UNITS, persona, unit)
    target = Unit.objects.get(pk=getattr(world.org, unit).pk)
    assert permissions.can(person(world, persona), Action.VIEW, target) is expected
    response = client_for(world, persona).get(f"/org/units/{target.pk}/")
    assert response.status_code == (200 if expected else 404)


@pytest.mark.parametrize(("persona", "unit"), UNIT_CELLS, ids=[f"{p}-{u}" for p, u in UNIT_CELLS])
def test_dashboard_scope(world, persona, unit):
    """The dashboard counts a unit's scope only for those who see the unit; any other unit
    asked for is ignored (the person's own scope is shown)."""
    expected = allowed(SEES_UNITS, persona, unit)
    target = getattr(world.org, unit)
    response = client_for(world, persona).get(
        "/dashboard/", {"unit": target.pk, "start": "01/01/2026", "end": "20/03/2026"}
    )
    assert response.status_code == 200
    assert (response.context["form"].values()["unit"] == target) is expected


PERSON_CELLS = [(persona, shown) for persona in PERSONAS for shown in PEOPLE]


@pytest.mark.parametrize(
    ("persona", "shown"), PERSON_CELLS, ids=[f"{p}-{s}" for p, s in PERSON_CELLS]
)
def test_person_page(world, persona, shown):
    expected = allowed(SEES_PEOPLE, persona, shown) or persona == shown
    target = person(world, shown)
    assert permissions.can(person(world, persona), Action.VIEW, target) is expected
    response = client_for(world, persona).get(f"/org/people/{target.pk}/")
    assert response.status_code == (200 if expected else 404)
