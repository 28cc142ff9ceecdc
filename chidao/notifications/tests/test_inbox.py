"""The bell, the inbox and the settings page: a person sees only their own notifications."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chidao.notifications.models import Notification, Preference
from chidao.notifications.tests.conftest import record


def test_the_bell_shows_the_unread_count_with_at_most_one_query(client, people, task):
    record(task, "returned", people.specialist)
    client.force_login(people.unit_head)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home"))
    ours = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(ours) <= 1
    assert 'id="bell"' in page.content.decode()
    assert ">2</span>" in page.content.decode()  # assigned, then returned


def test_the_inbox_lists_only_my_notifications_newest_first(client, people, task):
    record(task, "returned", people.specialist)
    client.force_login(people.unit_head)
    page = client.get(reverse("notifications:inbox"))
    rows = list(page.context["page"].object_list)
    assert [n.kind for n in rows] == ["returned", "created"]
    assert {n.recipient_id for n in rows} == {people.unit_head.pk}


def test_each_line_of_the_inbox_names_the_tasks_lead_unit_in_a_fixed_number_of_queries(
    client, people, task
):
    """A leader's inbox holds many units' tasks: each line says whose task it is."""
    record(task, "returned", people.specialist)
    client.force_login(people.unit_head)
    client.get(reverse("notifications:inbox"))
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse("notifications:inbox")).content.decode()
    assert html.count(f'<span class="cd-inbox-unit">{task.lead_unit}</span>') == 2
    for _ in range(5):
        record(task, "urged", people.specialist)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("notifications:inbox"))
    assert len(more.captured_queries) == len(few.captured_queries)


def test_opening_marks_read_and_goes_to_the_task(client, people, task):
    event = record(task, "returned", people.specialist)
    mine = Notification.objects.get(event=event, recipient=people.unit_head)
    client.force_login(people.unit_head)
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:task_detail", args=[task.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_notification_is_not_found(client, people, task):
    event = record(task, "returned", people.specialist)
    theirs = Notification.objects.get(event=event, recipient=people.unit_head)
    client.force_login(people.unit_staff)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, people, task):
    record(task, "returned", people.specialist)
    client.force_login(people.unit_head)
    client.post(reverse("notifications:mark_all_read"))
    unread = Notification.objects.filter(recipient=people.unit_head, read_at=None)
    assert not unread.exists()
    assert Notification.objects.filter(recipient=people.unit_staff, read_at=None).exists()


def test_the_settings_page_saves_my_choices(client, people):
    client.force_login(people.unit_head)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    client.post(reverse("notifications:preferences"), {"email": "on", "email_mode": "at_once"})
    email = Preference.objects.get(person=people.unit_head, channel="email")
    assert email.enabled and email.email_mode == "at_once"
    assert not Preference.objects.get(person=people.unit_head, channel="webhook").enabled


def test_the_pages_need_a_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_inbox_and_the_mail_carry_the_words_written_with_the_act(client, people, task):
    from chidao.notifications.transports import content

    record(task, "urged", people.specialist, message="Đề nghị báo cáo trước 10/4")
    record(task, "returned", people.specialist, reason="Thiếu số liệu quý I")
    client.force_login(people.unit_head)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Đề nghị báo cáo trước 10/4" in page
    assert "Thiếu số liệu quý I" in page
    returned = Notification.objects.get(recipient=people.unit_head, kind="returned")
    assert "Thiếu số liệu quý I" in content.render(returned)
    assert "Thiếu số liệu quý I" in content.render(returned, html=True)
    created = Notification.objects.get(recipient=people.unit_head, kind="created")
    assert content.summary(created) == ""
