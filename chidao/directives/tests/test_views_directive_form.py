"""Entering a directive with its tasks over HTTP: who may, what is saved (all or nothing), and the
helpers the form calls as one types (unit search, deadline preview, one more row)."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from chidao.conftest import make_person, make_unit
from chidao.directives.actions import TaskSpec
from chidao.directives.issue_forms import directed_units
from chidao.directives.models import (
    Attachment,
    Cooperation,
    DeadlineKind,
    Directive,
    EventKind,
    Priority,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue
from chidao.org.models import FollowAssignment, Role, UnitKind

MORNING = datetime.datetime(2026, 3, 20, 3, tzinfo=datetime.UTC)  # 10:00 on 20/03/2026, Hà Nội
NEW = "/tasks/directives/new/"
ROW = "/tasks/directives/new/row/"
UNITS = "/tasks/directives/units/"
DEADLINE = "/tasks/directives/deadline/"

ENTER = ("specialist", "specialist_th", "division_head", "office_leader")
MAY_NOT_ENTER = ("unit_staff", "unit_head", "viewer", "leader", "admin", "other_staff", "nobody")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(MORNING, tick=False):
        yield


def vi(message: str) -> str:
    """A message as the Vietnamese page shows it (HTML-escaped)."""
    with translation.override("vi"):
        return str(escape(gettext(message)))


def counts():
    return (
        Directive.objects.count(),
        Task.objects.count(),
        TaskEvent.objects.count(),
        Cooperation.objects.count(),
        Attachment.objects.count(),
    )


def option_values(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'<option value="(\d+)"', html)]


@pytest.fixture
def elsewhere(org):
    """A unit of another province with a name like one of ours."""
    return make_unit(org.other_province, UnitKind.DEPARTMENT, "Sở Tài chính tỉnh Khác", "STC")


def valid(org, people, **changes):
    """A letter of the province with two tasks: a dated one and one of 10 working days."""
    data = {
        "committee": org.province.pk,
        "kind": "letter",
        "number": "1234",
        "symbol": "UBND-KT",
        "issued_on": "10/02/2026",
        "signer": people.leader.pk,
        "summary": "Về việc đẩy nhanh tiến độ giải ngân vốn đầu tư công",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "30",
        "tasks-0-content": "Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
        "tasks-0-lead_unit": org.finance.pk,
        "tasks-0-cooperating_units": [org.health.pk, org.finance_sub.pk],
        "tasks-0-directing_leader": people.leader.pk,
        "tasks-0-deadline_kind": "date",
        "tasks-0-deadline_date": "31/03/2026",
        "tasks-0-working_days": "",
        "tasks-0-priority": "important",
        "tasks-0-product": "Tờ trình UBND tỉnh",
        "tasks-1-content": "Báo cáo tình hình giải ngân trên địa bàn xã",
        "tasks-1-lead_unit": org.commune_a.pk,
        "tasks-1-deadline_kind": "working_days",
        "tasks-1-deadline_date": "",
        "tasks-1-working_days": "10",
        "tasks-1-priority": "normal",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may open the form ------------------------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_log_in(client, org, people):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    before = counts()
    assert client.post(NEW, valid(org, people)).status_code == 302
    assert counts() == before


@pytest.mark.parametrize("persona", ENTER)
def test_the_offices_people_open_the_form_for_their_committee(client, org, people, persona):
    client.force_login(getattr(people, persona))

    response = client.get(NEW)

    assert response.status_code == 200
    assert response.context["committee"] == org.province
    html = response.content.decode()
    assert f'<input type="hidden" name="committee" value="{org.province.pk}">' in html
    assert 'name="tasks-0-content"' in html
    assert 'name="tasks-TOTAL_FORMS"' in html


@pytest.mark.parametrize("persona", MAY_NOT_ENTER)
def test_others_may_not_open_the_form(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(NEW).status_code == 403


def test_a_commune_specialist_enters_for_the_commune_only(client, org, people):
    client.force_login(people.commune_specialist)
    response = client.get(NEW)
    assert response.status_code == 200
    assert response.context["committee"] == org.commune_a
    assert client.get(NEW, {"committee": org.province.pk}).status_code == 403


def test_a_person_of_another_province_enters_only_for_their_own_province(
    client, org, people, elsewhere
):
    """The outsider is an Office leader of the other province: they enter its directives, never
    this province's."""
    client.force_login(people.outsider)

    response = client.get(NEW)

    assert response.status_code == 200
    assert response.context["committee"] == org.other_province
    assert "Sở Tài chính</option>" not in response.content.decode()
    assert client.get(NEW, {"committee": org.province.pk}).status_code == 403
    before = counts()
    assert client.post(NEW, valid(org, people)).status_code == 403
    assert counts() == before


def test_the_form_answers_only_get_and_post(client, people):
    client.force_login(people.specialist)
    assert client.put(NEW).status_code == 405
    assert client.delete(NEW).status_code == 405


# --- A valid directive ----------------------------------------------------------------------------
def test_a_valid_directive_is_saved_with_both_tasks_and_shown(client, org, people):
    client.force_login(people.specialist)

    response = client.post(NEW, valid(org, people))

    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:directive_detail", args=[directive.pk])
    assert (directive.issuer, directive.reference, directive.issued_on) == (
        org.province,
        "1234/UBND-KT",
        datetime.date(2026, 2, 10),
    )
    assert (directive.signer, directive.created_by, directive.kind) == (
        people.leader,
        people.specialist,
        "letter",
    )
    first, second = directive.tasks.order_by("pk")
    assert first.content == "Tham mưu phương án phân bổ vốn đầu tư công năm 2026"
    assert (first.lead_unit, first.assigner_unit) == (org.finance, org.province)
    assert set(first.cooperations.values_list("unit", flat=True)) == {
        org.health.pk,
        org.finance_sub.pk,
    }
    assert (first.deadline, first.original_deadline) == (datetime.date(2026, 3, 31),) * 2
    assert (first.directing_leader, first.specialist) == (people.leader, people.specialist)
    assert (first.priority, first.product, first.assigned_on) == (
        Priority.IMPORTANT,
        "Tờ trình UBND tỉnh",
        datetime.date(2026, 2, 10),
    )
    # 10 working days from 10/02/2026 across the Tết break: 03/03/2026.
    assert second.lead_unit == org.commune_a
    assert (second.deadline_kind, second.deadline) == (
        DeadlineKind.WORKING_DAYS,
        datetime.date(2026, 3, 3),
    )
    assert second.deadline_basis["days"] == 10
    assert second.specialist == people.specialist_th  # who follows UBND xã A
    for task in (first, second):
        assert list(task.events.values_list("kind", "actor")) == [
            (EventKind.CREATED, people.specialist.pk)
        ]

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "1234/UBND-KT" in html
    assert f'href="/tasks/{first.pk}/"' in html and f'href="/tasks/{second.pk}/"' in html


def test_a_directive_with_one_task_and_no_deadline_is_saved(client, org, people):
    client.force_login(people.office_leader)
    data = valid(
        org,
        people,
        **{
            "tasks-TOTAL_FORMS": "1",
            "tasks-0-deadline_kind": "none",
            "tasks-0-deadline_date": "",
            "tasks-0-cooperating_units": None,
        },
    )

    response = client.post(NEW, data)

    assert response.status_code == 302
    (task,) = Directive.objects.get().tasks.all()
    assert (task.deadline_kind, task.deadline) == (DeadlineKind.NONE, None)
    assert not task.cooperations.exists()


def test_a_meeting_opinion_needs_the_meeting_not_a_number(client, org, people):
    client.force_login(people.division_head)
    data = valid(
        org,
        people,
        kind="meeting",
        number="",
        symbol="",
        signer="",
        meeting_name="Họp giao ban kinh tế tháng 2",
        meeting_chair=people.leader.pk,
    )

    response = client.post(NEW, data)

    assert response.status_code == 302
    directive = Directive.objects.get()
    assert (directive.reference, directive.meeting_chair) == ("", people.leader)
    assert directive.tasks.count() == 2


# --- Invalid input: 422 and nothing saved ---------------------------------------------------------
INVALID = {
    "missing-summary": (lambda o, p: {"summary": "  "}, "This field is required."),
    "row-without-unit": (lambda o, p: {"tasks-1-lead_unit": ""}, "This field is required."),
    "row-without-content": (lambda o, p: {"tasks-0-content": ""}, "This field is required."),
    "working-days-without-days": (
        lambda o, p: {"tasks-1-working_days": ""},
        "Give a number of working days from 1 to 250.",
    ),
    "date-row-without-date": (lambda o, p: {"tasks-0-deadline_date": ""}, "Give the deadline."),
    "unit-of-a-commune": (
        lambda o, p: {"tasks-1-lead_unit": o.commune_a_econ.pk},
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    "unit-of-the-office": (
        lambda o, p: {"tasks-0-lead_unit": o.div_kt.pk},
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    "cooperating-unit-of-a-commune": (
        lambda o, p: {"tasks-0-cooperating_units": [o.health.pk, o.commune_a_office.pk]},
        "",
    ),
    "signer-not-a-leader": (
        lambda o, p: {"signer": p.office_leader.pk},
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    "missing-number": (lambda o, p: {"number": ""}, "Give the document's number."),
    "bad-symbol": (
        lambda o, p: {"symbol": "UBND KT"},
        "A symbol is made of letters and digits joined by hyphens.",
    ),
    "bad-date": (lambda o, p: {"issued_on": "2026-13-45"}, "Enter a valid date."),
    "no-rows": (lambda o, p: {"tasks-TOTAL_FORMS": "0"}, ""),
    # Only the action finds these: the directive and the first task are written, then undone.
    "lead-unit-also-cooperates": (
        lambda o, p: {"tasks-0-cooperating_units": [o.finance.pk]},
        "The lead unit cannot also cooperate.",
    ),
    "second-row-due-before-the-directive": (
        lambda o, p: {"tasks-1-deadline_kind": "date", "tasks-1-deadline_date": "01/02/2026"},
        "The deadline cannot be before the day of assignment.",
    ),
    "leader-of-another-committee": (
        lambda o, p: {"tasks-0-directing_leader": p.commune_leader.pk},
        "Select a valid choice. That choice is not one of the available choices.",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_input_is_422_with_its_message_and_nothing_saved(client, org, people, case):
    change, message = INVALID[case]
    client.force_login(people.specialist)
    before = counts()

    response = client.post(NEW, valid(org, people, **change(org, people)))

    assert response.status_code == 422
    assert counts() == before
    html = response.content.decode()
    assert 'id="form-errors"' in html
    if message:
        assert vi(message) in html
    # What was typed is kept for correcting.
    assert "Báo cáo tình hình giải ngân trên địa bàn xã" in html or case == "no-rows"


def test_a_number_and_symbol_already_used_this_year_is_422_and_nothing_saved(client, org, people):
    issue(
        people.specialist, org, people,
        TaskSpec(content="Việc cũ", lead_unit=org.health, deadline_date=datetime.date(2026, 2, 28)),
        number=1234, symbol="UBND-KT", issued_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    client.force_login(people.specialist)
    before = counts()

    response = client.post(NEW, valid(org, people))

    assert response.status_code == 422
    assert counts() == before
    assert vi("This issuer already has a document with this number and symbol this year.") in (
        response.content.decode()
    )


def test_the_same_number_in_another_year_is_accepted(client, org, people):
    issue(
        people.specialist, org, people,
        TaskSpec(
            content="Việc cũ", lead_unit=org.health, deadline_date=datetime.date(2025, 12, 30)
        ),
        number=1234, symbol="UBND-KT", issued_on=datetime.date(2025, 12, 5),
    )  # fmt: skip
    client.force_login(people.specialist)
    assert client.post(NEW, valid(org, people)).status_code == 302
    assert Directive.objects.filter(number=1234).count() == 2


def test_a_committee_the_person_may_not_enter_for_is_not_used(client, org, people):
    client.force_login(people.specialist)
    before = counts()
    data = valid(
        org,
        people,
        committee=org.commune_a.pk,
        signer=people.commune_leader.pk,
        **{"tasks-TOTAL_FORMS": "1", "tasks-0-lead_unit": org.commune_a_econ.pk,
           "tasks-0-cooperating_units": None, "tasks-0-directing_leader": ""},
    )  # fmt: skip

    response = client.post(NEW, data)

    assert response.status_code == 403
    assert counts() == before
    assert client.get(NEW, {"committee": org.commune_a.pk}).status_code == 403
    assert not Directive.objects.filter(issuer=org.commune_a).exists()


@pytest.mark.parametrize("persona", MAY_NOT_ENTER)
def test_a_post_by_someone_who_may_not_enter_directives_is_403(client, org, people, persona):
    client.force_login(getattr(people, persona))
    before = counts()
    assert client.post(NEW, valid(org, people)).status_code == 403
    assert counts() == before


# --- Unit options ---------------------------------------------------------------------------------
def test_the_unit_search_ignores_diacritics(client, org, people, elsewhere):
    client.force_login(people.specialist)

    response = client.get(UNITS, {"committee": org.province.pk, "q": "so tai chinh"})

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<option value="{org.finance.pk}"( selected)?>Sở Tài chính</option>', html)
    assert option_values(html) == [org.finance.pk]  # not the other province's Sở Tài chính


@pytest.mark.parametrize("term", ["", "kinh te", "tai chinh", "xa a", "uy ban", "van phong"])
def test_the_unit_options_never_leave_the_units_the_committee_directs(
    client, org, people, elsewhere, term
):
    client.force_login(people.specialist)
    directed = set(directed_units(org.province).values_list("pk", flat=True))
    assert org.commune_a_econ.pk not in directed and org.div_kt.pk not in directed

    response = client.get(
        UNITS,
        {
            "committee": org.province.pk,
            "q": term,
            # Values a picker sends for what is already chosen: never a way to show other units.
            "tasks-0-lead_unit": org.commune_a_econ.pk,
            "tasks-0-cooperating_units": [elsewhere.pk, org.div_kt.pk],
        },
    )

    assert response.status_code == 200
    shown = set(option_values(response.content.decode()))
    assert shown <= directed
    if not term:
        assert shown == directed


def test_the_unit_options_keep_the_chosen_units_selected(client, org, people):
    client.force_login(people.specialist)
    response = client.get(
        UNITS,
        {
            "committee": org.province.pk,
            "multi": "1",
            "q": "y te",
            "tasks-0-cooperating_units": [org.finance.pk],
        },
    )
    html = response.content.decode()
    assert f'<option value="{org.finance.pk}" selected>' in html
    assert f'<option value="{org.health.pk}">' in html
    assert '<option value="">' not in html  # a multiple choice has no empty option


def test_the_multi_flag_is_not_taken_for_a_chosen_unit(client, db):
    """The cooperating units' picker asks ``?committee=…&multi=1``. The "1" of ``multi`` must
    not pre-select (and add) the unit whose id is 1."""
    province = make_unit(None, UnitKind.COMMITTEE, "Ủy ban nhân dân tỉnh Một", "UBND", pk=900_001)
    office = make_unit(province, UnitKind.OFFICE, "Văn phòng UBND tỉnh Một", "VP", pk=900_002)
    unit_one = make_unit(province, UnitKind.DEPARTMENT, "Sở Xây dựng", "SXD", pk=1)
    make_unit(province, UnitKind.DEPARTMENT, "Sở Nội vụ", "SNV", pk=900_003)
    specialist = make_person("chuyen_vien", office, Role.SPECIALIST)
    client.force_login(specialist)

    response = client.get(UNITS, {"committee": province.pk, "multi": "1", "q": "so noi vu"})

    html = response.content.decode()
    assert response.status_code == 200
    assert option_values(html) == [900_003]
    assert f'<option value="{unit_one.pk}"' not in html
    assert " selected" not in html


def test_a_commune_specialist_searches_the_communes_units(client, org, people):
    client.force_login(people.commune_specialist)
    response = client.get(UNITS, {"committee": org.commune_a.pk, "q": "kinh te"})
    assert option_values(response.content.decode()) == [org.commune_a_econ.pk]


def test_the_unit_options_of_a_committee_the_person_may_not_enter_for_are_403(client, org, people):
    client.force_login(people.specialist)
    response = client.get(UNITS, {"committee": org.commune_a.pk, "q": "kinh te"})
    assert response.status_code == 403
    assert "Kinh tế" not in response.content.decode()


# --- Deadline preview -----------------------------------------------------------------------------
def test_the_preview_shows_the_deadline_of_working_days_across_tet(client, people):
    client.force_login(people.specialist)

    response = client.get(
        f"{DEADLINE}?issued_on=10/02/2026&tasks-0-deadline_kind=working_days"
        "&tasks-0-working_days=10"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>03/03/2026</strong>" in html
    assert "Tết" in unescape(html)


def test_the_preview_of_a_date_on_a_day_off_moves_it_to_the_next_working_day(client, people):
    client.force_login(people.office_leader)
    response = client.get(
        DEADLINE,
        {
            "issued_on": "10/03/2026",
            "tasks-1-deadline_kind": "date",
            "tasks-1-deadline_date": "28/03/2026",  # a Saturday
        },
    )
    assert "<strong>30/03/2026</strong>" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "issued_on=10/02/2026&tasks-0-deadline_kind=working_days&tasks-0-working_days=abc",
        "issued_on=hom+nay&tasks-0-deadline_kind=working_days&tasks-0-working_days=10",
        "issued_on=10/02/2026&tasks-0-deadline_kind=date&tasks-0-deadline_date=31/02/2026",
        "issued_on=10/02/2026&tasks-0-deadline_kind=none",
        "",
    ],
)
def test_an_incomplete_or_invalid_row_previews_nothing(client, people, query):
    client.force_login(people.specialist)
    response = client.get(f"{DEADLINE}?{query}")
    assert response.status_code == 200
    assert response.content == b""


# --- One more row ---------------------------------------------------------------------------------
def test_one_more_row_is_numbered_after_the_rows_on_the_page(client, org, people):
    client.force_login(people.specialist)

    response = client.get(ROW, {"committee": org.province.pk, "index": 1})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="tasks-1-content"' in html
    assert 'name="tasks-0-content"' not in html
    assert 'id="task-row-1"' in html
    assert re.search(r'name="tasks-TOTAL_FORMS" value="2"[^>]*hx-swap-oob="true"', html)
    units = option_values(html.split('name="tasks-1-lead_unit"', 1)[1].split("</select>", 1)[0])
    assert set(units) == set(directed_units(org.province).values_list("pk", flat=True))


@pytest.mark.parametrize("index", ["30", "-1", "abc", ""])
def test_a_row_out_of_range_is_404(client, org, people, index):
    client.force_login(people.specialist)
    assert client.get(ROW, {"committee": org.province.pk, "index": index}).status_code == 404


# --- The helpers are closed to those who may not enter directives ---------------------------------
@pytest.mark.parametrize("persona", MAY_NOT_ENTER)
def test_the_forms_helpers_are_403_to_those_who_may_not_enter_directives(
    client, org, people, persona
):
    client.force_login(getattr(people, persona))
    province = org.province.pk
    for url, params in (
        (ROW, {"committee": province, "index": 1}),
        (UNITS, {"committee": province, "q": "so tai chinh"}),
        (UNITS, {"q": "so tai chinh"}),
        (DEADLINE, {"issued_on": "10/02/2026", "tasks-0-deadline_kind": "working_days",
                    "tasks-0-working_days": "10"}),
    ):  # fmt: skip
        response = client.get(url, params)
        assert response.status_code == 403, url
        assert "Sở Tài chính" not in response.content.decode()


def test_the_forms_helpers_send_an_anonymous_visitor_to_log_in(client, org):
    for url in (ROW, UNITS, DEADLINE):
        response = client.get(url, {"committee": org.province.pk, "index": 1})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_forms_helpers_answer_only_get(client, org, people):
    client.force_login(people.specialist)
    for url in (ROW, UNITS, DEADLINE):
        assert client.post(url, {"committee": org.province.pk}).status_code == 405


def test_a_specialist_who_no_longer_follows_still_enters_for_the_committee(client, org, people):
    # Entering directives belongs to the Office's people, not to following a unit.
    FollowAssignment.objects.filter(specialist=people.specialist).delete()
    client.force_login(people.specialist)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, valid(org, people))
    assert response.status_code == 302
    first = Directive.objects.get().tasks.order_by("pk").first()
    assert first.specialist is None  # nobody follows Sở Tài chính now


# --- One round: every message at once (issue 10, item 7) ------------------------------------------
def empty_post(org, **changes):
    """What the form sends when nothing is typed: the kind, the first row's default deadline kind
    and priority, everything else blank."""
    data = {
        "committee": org.province.pk,
        "kind": "letter",
        "number": "",
        "symbol": "",
        "issued_on": "",
        "signer": "",
        "summary": "",
        "meeting_name": "",
        "meeting_chair": "",
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "30",
        "tasks-0-content": "",
        "tasks-0-lead_unit": "",
        "tasks-0-deadline_kind": "date",
        "tasks-0-deadline_date": "",
        "tasks-0-working_days": "",
        "tasks-0-priority": "normal",
    }
    data.update(changes)
    return data


def summary_of(html: str) -> str:
    start = html.rindex("<div", 0, html.index('id="form-errors"'))
    return html[start : html.index("</div>", start)]


def test_an_empty_submit_reports_every_missing_field_at_once(client, org, people):
    client.force_login(people.specialist)
    before = counts()

    response = client.post(NEW, empty_post(org))

    assert response.status_code == 422
    assert counts() == before
    form, (row,) = response.context["form"], response.context["rows"].forms
    required = "This field is required."
    assert {name: [str(m) for m in messages] for name, messages in form.errors.items()} == {
        "number": [vi("Give the document's number.")],
        "symbol": [vi("Give the document's symbol, for example UBND-KT.")],
        "signer": [vi("Give the leader who signed the document.")],
        "issued_on": [vi(required)],
        "summary": [vi(required)],
    }
    assert set(row.errors) == {"content", "lead_unit", "deadline_date"}
    # All in the summary at the top (role="alert", focused), each linking to its field, and
    # each next to its field.
    html = response.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary and "autofocus" in summary
    for field_id in (
        "id_number", "id_symbol", "id_signer", "id_issued_on", "id_summary",
        "id_tasks-0-content", "id_tasks-0-lead_unit", "id_tasks-0-deadline_date",
    ):  # fmt: skip
        assert f'href="#{field_id}"' in summary, field_id
        assert f'id="{field_id}_error"' in html, field_id
        assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html) or re.search(
            rf'aria-invalid="true"[^>]*id="{field_id}"', html
        ), field_id
    assert vi("Give the document's number.") in summary
    task_1 = vi("Task %(n)s") % {"n": 1}
    assert f"{task_1} \u2013 {vi('Lead unit')}: {vi(required)}" in unescape(summary)


def test_a_meeting_submitted_empty_asks_for_the_meeting_and_its_chair_not_a_number(
    client, org, people
):
    client.force_login(people.specialist)

    response = client.post(NEW, empty_post(org, kind="meeting"))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"meeting_name", "meeting_chair", "issued_on", "summary"}
    assert errors["meeting_name"] == [vi("Give the meeting's name.")]
    assert errors["meeting_chair"] == [vi("Give who chaired the meeting.")]


def test_a_duplicate_number_is_said_in_the_same_round_as_the_missing_fields(client, org, people):
    issue(
        people.specialist, org, people,
        TaskSpec(content="Việc cũ", lead_unit=org.health, deadline_date=datetime.date(2026, 2, 28)),
        number=1234, symbol="UBND-KT", issued_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    client.force_login(people.specialist)
    before = counts()

    # The same number and symbol (in lower case) this year, and nothing else typed.
    response = client.post(
        NEW, empty_post(org, number="1234", symbol="ubnd-kt", issued_on="10/02/2026")
    )

    assert response.status_code == 422
    assert counts() == before
    form, (row,) = response.context["form"], response.context["rows"].forms
    duplicate = vi("This issuer already has a document with this number and symbol this year.")
    assert form.errors["number"] == [duplicate]
    assert set(form.errors) == {"number", "signer", "summary"}
    assert set(row.errors) == {"content", "lead_unit", "deadline_date"}
    html = response.content.decode()
    assert duplicate in summary_of(html)
    assert f'id="id_number_error"><div>{duplicate}</div>' in html


def test_a_duplicate_number_of_another_year_or_symbol_is_not_reported(client, org, people):
    issue(
        people.specialist, org, people,
        TaskSpec(content="Việc cũ", lead_unit=org.health, deadline_date=datetime.date(2026, 2, 28)),
        number=1234, symbol="UBND-VX", issued_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    client.force_login(people.specialist)
    response = client.post(NEW, empty_post(org, number="1234", symbol="UBND-KT"))
    assert "number" not in response.context["form"].errors


def test_rows_deadlines_and_the_files_are_judged_with_the_rest(client, org, people):
    """A row due before the directive's date, a lead unit also cooperating and a file that is not
    a document: said together with a missing summary, not one submit after another."""
    client.force_login(people.specialist)
    before = counts()
    data = valid(
        org,
        people,
        summary="",
        **{
            "tasks-0-cooperating_units": [org.finance.pk, org.health.pk],
            "tasks-1-deadline_kind": "date",
            "tasks-1-deadline_date": "01/02/2026",
        },
    )
    data["files"] = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")

    response = client.post(NEW, data)

    assert response.status_code == 422
    assert counts() == before
    form, rows = response.context["form"], response.context["rows"].forms
    assert set(form.errors) == {"summary", "files"}
    assert "virus.pdf" in form.errors["files"][0]
    assert rows[0].errors["cooperating_units"] == [vi("The lead unit cannot also cooperate.")]
    assert rows[1].errors["deadline_date"] == [
        vi("The deadline cannot be before the day of assignment.")
    ]
    html = response.content.decode()
    # The files chosen must be chosen again: the page says so.
    again = "The files chosen before are not kept when the form is refused: choose them again."
    assert vi(again) in unescape(html)


def test_the_required_marks_follow_the_kind_on_the_server_too(client, org, people):
    client.force_login(people.specialist)

    def marked(html: str, field_id: str) -> bool:
        label = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S).group(1)
        return 'class="cd-required"' in label

    html = client.get(NEW).content.decode()
    assert all(marked(html, f"id_{name}") for name in ("number", "symbol", "signer", "summary"))
    assert not any(marked(html, f"id_{name}") for name in ("meeting_name", "meeting_chair"))
    number = re.search(r'<input[^>]*name="number"[^>]*>', html).group(0)
    assert 'aria-required="true"' in number

    html = client.post(NEW, empty_post(org, kind="meeting")).content.decode()
    assert all(marked(html, f"id_{name}") for name in ("meeting_name", "meeting_chair"))
    assert not any(marked(html, f"id_{name}") for name in ("number", "symbol", "signer"))
    assert vi("required") in html


def test_the_action_refuses_a_duplicate_typed_in_lower_case_with_its_message(org, people):
    """Not an IntegrityError (a 500) from the database: the symbol is compared as it is stored."""
    spec = TaskSpec(content="Việc", lead_unit=org.health, deadline_date=datetime.date(2026, 3, 31))
    issue(people.specialist, org, people, spec, number=77, symbol="UBND-KT")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        issue(people.specialist, org, people, spec, number=77, symbol=" ubnd-kt ")
    assert counts() == before
    assert refused.value.messages == [
        gettext("This issuer already has a document with this number and symbol this year.")
    ]
