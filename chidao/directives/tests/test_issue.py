"""Entering a directive with its tasks: official numbering, who may, all or nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import (
    Attachment,
    CooperationStatus,
    DeadlineKind,
    Directive,
    DirectiveKind,
    EventKind,
    Task,
    TaskEvent,
)
from chidao.directives.tests.conftest import issue

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _spec(org, **fields):
    fields.setdefault("deadline_date", datetime.date(2026, 4, 15))
    fields.setdefault("lead_unit", org.finance)
    return TaskSpec(content="Báo cáo tình hình giải ngân", **fields)


def _counts():
    return Directive.objects.count(), Task.objects.count(), TaskEvent.objects.count()


def test_a_directive_is_entered_with_several_tasks_and_its_reference(org, people):
    tasks = issue(
        people.specialist, org, people, _spec(org), _spec(org, lead_unit=org.health),
        number=1234, symbol="ubnd-kt",
    )  # fmt: skip
    directive = tasks[0].directive
    assert directive.reference == "1234/UBND-KT"
    assert [t.lead_unit for t in tasks] == [org.finance, org.health]
    assert all(t.events.get().kind == EventKind.CREATED for t in tasks)
    assert all(t.assigner_unit == org.province for t in tasks)


def test_the_specialist_following_the_lead_unit_tracks_the_task_by_default(org, people):
    (finance,) = issue(people.specialist, org, people, _spec(org))
    (commune,) = issue(people.specialist, org, people, _spec(org, lead_unit=org.commune_a))
    assert finance.specialist == people.specialist
    assert commune.specialist == people.specialist_th


def test_the_same_number_and_symbol_is_refused_in_the_same_year_but_not_the_next(org, people):
    issue(people.specialist, org, people, _spec(org), number=77)
    before = _counts()
    with pytest.raises(ValidationError):
        issue(people.specialist, org, people, _spec(org), number=77)
    assert _counts() == before
    next_year = datetime.date(2027, 1, 5)
    later = _spec(org, deadline_date=datetime.date(2027, 2, 26))
    issue(people.specialist, org, people, later, number=77, issued_on=next_year)
    issue(people.specialist, org, people, _spec(org), number=77, symbol="UBND-VX")


def test_a_meeting_conclusion_needs_the_meeting_and_its_chair(org, people):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        issue(people.specialist, org, people, _spec(org), kind=DirectiveKind.MEETING, number=None,
              symbol="", signer=None)  # fmt: skip
    assert {"meeting_name", "meeting_chair"} <= set(error.value.message_dict)
    assert _counts() == before
    (task,) = issue(
        people.specialist, org, people, _spec(org), kind=DirectiveKind.MEETING, number=None,
        symbol="", signer=None, meeting_name="Phiên họp thường kỳ tháng 3",
        meeting_chair=people.leader,
    )  # fmt: skip
    assert task.directive.reference == ""
    assert str(task.directive) == "Phiên họp thường kỳ tháng 3"


def test_the_signer_must_be_a_leader_of_the_issuing_committee(org, people):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        issue(people.specialist, org, people, _spec(org), signer=people.office_leader)
    assert "signer" in error.value.message_dict
    assert _counts() == before


def test_one_invalid_task_saves_nothing_at_all(org, people):
    before = _counts()
    bad = TaskSpec(content="", lead_unit=org.health, deadline_date=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError):
        issue(people.specialist, org, people, _spec(org), bad)
    assert _counts() == before


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"deadline_date": None}, "deadline_date"),
        ({"deadline_date": datetime.date(2026, 2, 1)}, "deadline_date"),  # before assignment
        ({"deadline_kind": DeadlineKind.WORKING_DAYS, "working_days": 0}, "working_days"),
        ({"deadline_kind": DeadlineKind.RECURRING, "recurrence": ""}, "recurrence"),
        ({"cooperating_units": "lead"}, "cooperating_units"),
        ({"lead_unit": "commune_econ"}, "lead_unit"),  # a commune's own department
        ({"directing_leader": "office_leader"}, "directing_leader"),
        ({"specialist": "commune_specialist"}, "specialist"),
    ],
)
def test_bad_task_input_is_refused_with_the_field_named(org, people, fields, error_field):
    if fields.get("cooperating_units") == "lead":
        fields["cooperating_units"] = [org.finance]
    if fields.get("lead_unit") == "commune_econ":
        fields["lead_unit"] = org.commune_a_econ
    for role in ("directing_leader", "specialist"):
        if isinstance(fields.get(role), str):
            fields[role] = getattr(people, fields[role])
    before = _counts()
    with pytest.raises(ValidationError) as error:
        issue(people.specialist, org, people, _spec(org, **fields))
    assert error_field in str(error.value)
    assert _counts() == before


@pytest.mark.parametrize("who", ["unit_staff", "unit_head", "viewer", "commune_specialist"])
def test_only_the_committees_office_enters_its_directives(org, people, who):
    before = _counts()
    with pytest.raises((PermissionDenied, Http404)):
        issue(getattr(people, who), org, people, _spec(org))
    assert _counts() == before


def test_a_commune_enters_its_own_directives_for_its_own_departments(org, people):
    directive = actions.issue_directive(
        people.commune_specialist,
        issuer=org.commune_a,
        tasks=[
            TaskSpec(
                content="Ra quân dọn vệ sinh",
                lead_unit=org.commune_a_econ,
                deadline_date=datetime.date(2026, 4, 10),
            )
        ],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=12,
        symbol="UBND-VP",
        issued_on=datetime.date(2026, 3, 2),
        signer=people.commune_leader,
        summary="Về việc ra quân vệ sinh môi trường",
    )
    task = directive.tasks.get()
    assert task.specialist == people.commune_specialist  # follows Phòng Kinh tế xã A
    with pytest.raises((PermissionDenied, Http404)):
        actions.confirm(people.office_leader, task)  # the province's Office does not confirm it


def test_the_directives_document_is_attached_and_downloaded_by_those_who_see_its_tasks(
    org, people, client
):
    upload = SimpleUploadedFile("Công văn 1234.pdf", PDF)
    (task,) = issue(people.specialist, org, people, _spec(org), files=[upload])
    attachment = Attachment.objects.get(directive=task.directive)
    assert attachment.task is None and attachment.name == "Công văn 1234.pdf"
    client.force_login(people.unit_staff)
    response = client.get(f"/tasks/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(people.commune_staff)
    assert client.get(f"/tasks/files/{attachment.pk}/").status_code == 404


def test_a_cooperating_unit_reports_its_own_share(task, people):
    cooperation = task.cooperations.get()
    actions.update_cooperation(people.other_staff, cooperation, CooperationStatus.DONE, "Xong")
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.DONE
    event = task.events.order_by("-seq").first()
    assert event.kind == EventKind.COOPERATION and event.data["to"] == "done"
    with pytest.raises(PermissionDenied):
        actions.update_cooperation(people.unit_staff, cooperation, CooperationStatus.ASSIGNED)
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.DONE


def test_the_deadline_explains_itself_and_its_extension(org, people):
    spec = _spec(org, deadline_kind=DeadlineKind.WORKING_DAYS, working_days=10, deadline_date=None)
    (task,) = issue(people.specialist, org, people, spec, issued_on=datetime.date(2026, 2, 10))
    assert task.deadline == datetime.date(2026, 3, 3)
    assert "10/02/2026" in task.explain_deadline() and "03/03/2026" in task.explain_deadline()
    task.deadline = datetime.date(2026, 3, 20)
    assert "20/03/2026" in task.explain_deadline()
