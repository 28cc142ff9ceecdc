"""Directives and tasks in the admin site: looked up within one's scope, a task corrected only
through ``edit_task`` (so the change lands on its timeline), events never changed or deleted."""

import datetime

import pytest
from django.forms import BooleanField
from django.urls import reverse
from django.utils import translation

from chidao.conftest import PASSWORD, make_person, make_unit
from chidao.directives import actions
from chidao.directives.models import Cooperation, DirectiveKind, EventKind, Task, TaskEvent
from chidao.directives.timeline import verify
from chidao.org.models import Membership, Person, Role, UnitKind

TASKS = reverse("admin:directives_task_changelist")
DIRECTIVES = reverse("admin:directives_directive_changelist")
EVENTS = reverse("admin:directives_taskevent_changelist")
NEW_CONTENT = "Tham mưu phương án phân bổ vốn đầu tư công năm 2026 (đã sửa số liệu)"


@pytest.fixture
def superuser(db):
    return Person.objects.create_superuser("root", PASSWORD, full_name="Quản trị hệ thống")


@pytest.fixture
def commune_admin(org):
    """The administrator of UBND xã A, seated in its Office: the commune is their scope."""
    return make_person("commune_admin", org.commune_a_office, Role.ADMIN)


@pytest.fixture
def foreign_task(org, people):
    """A task of another province, entered by that province's Office leader.

    Not by the system (actor None): ``issue_directive(None, ...)`` is refused for now, because
    ``Directive.created_by`` is not blank=True (see test_workflow's system-entered task test)."""
    department = make_unit(org.other_province, UnitKind.DEPARTMENT, "Sở Tài chính tỉnh Khác")
    signer = make_person("other_leader", org.other_province, Role.COMMITTEE_LEADER)
    directive = actions.issue_directive(
        people.outsider,
        issuer=org.other_province,
        tasks=[
            actions.TaskSpec(
                content="Rà soát danh mục dự án của tỉnh Khác",
                lead_unit=department,
                deadline_date=datetime.date(2026, 4, 30),
            )
        ],
        kind=DirectiveKind.OFFICIAL_LETTER,
        number=7,
        symbol="UBND-TH",
        issued_on=datetime.date(2026, 3, 2),
        signer=signer,
        summary="Về việc rà soát danh mục dự án",
    )
    return directive.tasks.get()


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["cl"].result_list)


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


def form_data(response) -> dict:
    """What a browser would send back from an admin change page, unchanged: the main form's
    fields and every inline's management form and forms."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field, BooleanField):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else value
    return data


def events(task):
    return list(TaskEvent.objects.filter(task=task).order_by("seq").values())


# --- Who opens what ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_administrators_open_the_lists_of_tasks_directives_and_events(
    client, people, superuser, task, who
):
    client.force_login(superuser if who == "superuser" else people.admin)

    assert task in listed(client, TASKS)
    assert task.directive in listed(client, DIRECTIVES)
    assert set(task.events.all()) <= listed(client, EVENTS)
    assert client.get(change_url(task)).status_code == 200
    assert client.get(change_url(task.events.get(seq=1))).status_code == 200


def test_the_province_administrator_does_not_see_another_provinces_task(
    client, people, superuser, task, foreign_task
):
    client.force_login(people.admin)

    assert listed(client, TASKS) == {task}
    assert listed(client, DIRECTIVES) == {task.directive}
    assert listed(client, EVENTS) == set(task.events.all())
    assert client.get(change_url(foreign_task)).url == reverse("admin:index")

    client.force_login(superuser)
    assert listed(client, TASKS) == {task, foreign_task}


def test_a_commune_administrator_does_not_see_the_provinces_task(client, commune_admin, task):
    client.force_login(commune_admin)

    assert listed(client, TASKS) == set()
    assert listed(client, DIRECTIVES) == set()
    assert listed(client, EVENTS) == set()
    for obj in (task, task.directive, task.events.get(seq=1)):
        response = client.get(change_url(obj))
        assert (response.status_code, response.url) == (302, reverse("admin:index"))


@pytest.mark.parametrize("persona", ["unit_staff", "specialist", "office_leader"])
def test_people_without_the_administrator_role_cannot_open_the_admin_site(
    client, people, task, persona
):
    client.force_login(getattr(people, persona))

    for url in (reverse("admin:index"), TASKS, change_url(task), EVENTS):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


# --- Events can never be added, changed or deleted ---------------------------------------------
@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_an_events_page_is_read_only_and_a_post_changes_nothing(
    client, people, superuser, task, who
):
    client.force_login(superuser if who == "superuser" else people.admin)
    event = task.events.get(seq=1)
    before = events(task)

    page = client.get(change_url(event))
    response = client.post(change_url(event), {"kind": EventKind.CONFIRMED, "data": "{}"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    assert events(task) == before


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_events_cannot_be_added_or_deleted_in_the_admin(client, people, superuser, task, who):
    client.force_login(superuser if who == "superuser" else people.admin)
    event = task.events.get(seq=1)
    before = events(task)

    assert client.get(delete_url(event)).status_code == 403
    assert client.post(delete_url(event), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:directives_taskevent_add")).status_code == 403
    client.post(EVENTS, {"action": "delete_selected", "_selected_action": [event.pk]})

    assert events(task) == before
    assert verify(Task.objects.get(pk=task.pk)) is None


def test_the_event_list_offers_no_way_to_delete(client, superuser, task):
    client.force_login(superuser)

    response = client.get(EVENTS)

    assert "delete_selected" not in response.content.decode()
    assert reverse("admin:directives_taskevent_add") not in response.content.decode()


# --- A task is corrected only through edit_task ------------------------------------------------
def test_a_superuser_corrects_a_tasks_content_and_it_lands_on_the_timeline(client, superuser, task):
    client.force_login(superuser)
    page = client.get(change_url(task))
    data = form_data(page)
    assert data["content"] == task.content
    data["content"] = NEW_CONTENT

    response = client.post(change_url(task), data)

    assert response.status_code == 302, response.content.decode()
    task = Task.objects.get(pk=task.pk)
    assert task.content == NEW_CONTENT
    event = task.events.order_by("seq").last()
    assert (event.seq, event.kind, event.actor) == (2, EventKind.EDITED, superuser)
    assert event.data["changes"] == {
        "content": {
            "before": "Tham mưu phương án phân bổ vốn đầu tư công năm 2026",
            "after": NEW_CONTENT,
        }
    }
    with translation.override("vi"):
        assert event.data["reason"] == translation.gettext("Corrected in the admin site")
    assert verify(task) is None


def test_a_post_that_changes_nothing_records_nothing(client, superuser, task):
    client.force_login(superuser)
    data = form_data(client.get(change_url(task)))

    response = client.post(change_url(task), data)

    assert response.status_code == 302, response.content.decode()
    assert Task.objects.get(pk=task.pk).event_count == 1


def test_fields_outside_the_editable_ones_cannot_be_changed_in_the_admin(client, superuser, task):
    client.force_login(superuser)
    data = form_data(client.get(change_url(task)))
    data.update(state="done", deadline="2026-12-31", progress_percent="100")

    client.post(change_url(task), data)

    task = Task.objects.get(pk=task.pk)
    assert (task.state, task.deadline, task.progress_percent) == (
        "assigned",
        datetime.date(2026, 3, 31),
        None,
    )
    assert task.event_count == 1


def test_an_administrator_who_is_also_a_tracking_specialist_corrects_a_task(client, org, task):
    both = make_person("admin_specialist", org.div_kt, Role.SPECIALIST)
    Membership.objects.create(person=both, unit=org.office, role=Role.ADMIN)
    client.force_login(both)
    data = form_data(client.get(change_url(task)))
    data["content"] = NEW_CONTENT

    response = client.post(change_url(task), data)

    assert response.status_code == 302, response.content.decode()
    task = Task.objects.get(pk=task.pk)
    assert task.content == NEW_CONTENT
    event = task.events.order_by("seq").last()
    assert (event.kind, event.actor) == (EventKind.EDITED, both)
    assert event.data["changes"]["content"]["after"] == NEW_CONTENT


def test_the_administrator_sees_the_tasks_cooperating_units_and_timeline(client, people, task):
    client.force_login(people.admin)

    response = client.get(change_url(task))

    inlines = {inline.opts.model for inline in response.context["inline_admin_formsets"]}
    assert inlines == {Cooperation, TaskEvent}


def test_the_administrator_without_the_edit_right_sees_the_task_read_only(client, people, task):
    client.force_login(people.admin)
    page = client.get(change_url(task))
    data = {"content": NEW_CONTENT, "priority": "urgent"}

    response = client.post(change_url(task), data)

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    task = Task.objects.get(pk=task.pk)
    assert task.content != NEW_CONTENT
    assert (task.priority, task.event_count) == ("normal", 1)
