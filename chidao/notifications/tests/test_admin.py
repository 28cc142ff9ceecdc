"""The outbox, the daily jobs and the reminder rhythm on the admin site and the administrator's
home: each administrator sees the messages of their own people; what the installation shares is
for those who run it."""

import pytest
from django.urls import reverse

from chidao.conftest import make_person
from chidao.core import clock
from chidao.notifications.models import DailyRun, Notification, Rhythm
from chidao.org.models import Role


@pytest.fixture
def stuck(people, task):
    """A mail to the head of Sở Tài chính (the province) that failed."""
    return Notification.objects.create(
        recipient=people.unit_head, task=task, kind="returned", channel="email",
        key="test:stuck", state="failed", last_error="550 no such mailbox head@stc.example.vn",
    )  # fmt: skip


@pytest.fixture
def other_admin(org):
    return make_person("other_admin", org.other_office, Role.ADMIN)


def test_an_administrator_sees_the_undelivered_messages_of_their_own_people_only(
    client, people, stuck, other_admin
):
    outbox = reverse("admin:notifications_notification_changelist") + "?state__exact=failed"
    client.force_login(people.admin)
    assert "head@stc.example.vn" in client.get(reverse("home")).content.decode()
    assert client.get(outbox).context["cl"].result_count == 1

    client.force_login(other_admin)
    home = client.get(reverse("home")).content.decode()
    assert "head@stc.example.vn" not in home
    assert 'id="chore-undelivered"' in home  # the chore is there, with nothing of province A
    assert client.get(outbox).context["cl"].result_count == 0
    change = reverse("admin:notifications_notification_change", args=[stuck.pk])
    assert client.get(change).status_code in (302, 404)
    answer = client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [stuck.pk]},
    )
    assert answer.status_code in (200, 302)
    stuck.refresh_from_db()
    assert stuck.state == "failed"  # the other province's administrator could not touch it


def test_the_rhythm_is_for_whoever_runs_the_installation(client, org, people, admin_user):
    add = reverse("admin:notifications_rhythm_add")
    fields = {
        "remind_before": "5, 2", "remind_on_the_day": "on", "remind_day_after": "on",
        "remind_overdue_every": "3", "escalate_to_unit_head_after": "8",
        "escalate_to_office_after": "16", "morning_time": "07:00",
    }  # fmt: skip
    # Two provinces share this installation: a province's administrator may not set it.
    client.force_login(people.admin)
    assert client.post(add, fields).status_code == 403
    assert not Rhythm.objects.exists()

    org.other_province.is_active = False
    org.other_province.save()
    client.force_login(people.admin)
    refused = client.post(add, {**fields, "escalate_to_office_after": "8"})
    assert refused.status_code == 200 and not Rhythm.objects.exists()  # rung 2 before rung 1
    assert client.post(add, fields).status_code == 302
    rhythm = Rhythm.current()
    assert (rhythm.before_days, rhythm.remind_overdue_every) == ([5, 2], 3)
    assert str(rhythm.morning_time) == "07:00:00"


def test_daily_jobs_are_shown_to_those_who_run_the_installation(client, org, people):
    DailyRun.objects.create(job="reminders", day=clock.today(), outcome="Failed, to be retried")
    runs = reverse("admin:notifications_dailyrun_changelist")
    client.force_login(people.admin)  # two provinces here: not theirs to run
    assert client.get(runs).status_code == 403
    assert 'id="chore-daily_jobs"' not in client.get(reverse("home")).content.decode()
    org.other_province.is_active = False
    org.other_province.save()
    assert client.get(runs).status_code == 200
