"""The outbox is written with the event, on the channels each person chose."""

import pytest
from django.db import transaction

from chidao.notifications.models import Notification, Preference
from chidao.notifications.tests.conftest import record


def _channels(event, person):
    return set(
        Notification.objects.filter(event=event, recipient=person).values_list("channel", flat=True)
    )


def test_rows_commit_with_the_event(people, task):
    event = record(task, "returned", people.specialist)
    assert Notification.objects.filter(event=event).count() == 2


def test_no_row_survives_an_event_that_rolled_back(people, task):
    before = Notification.objects.count()

    def failing_action():
        with transaction.atomic():
            record(task, "returned", people.specialist)
            raise RuntimeError("the action failed after recording")

    with pytest.raises(RuntimeError):
        failing_action()
    assert Notification.objects.count() == before


def test_by_default_only_the_in_app_row_is_written(people, task):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    event = record(task, "edited", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app"}


def test_an_urgent_event_goes_by_email_at_once_to_a_digest_reader(people, task):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    for kind in ("returned", "urged"):
        event = record(task, kind, people.specialist)
        assert _channels(event, people.unit_head) == {"in_app", "email"}, kind


def test_nobody_gets_email_without_an_address_or_with_email_off(people, task):
    Preference.objects.create(person=people.unit_head, channel="email", enabled=False)
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    event = record(task, "returned", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app"}
    assert _channels(event, people.unit_staff) == {"in_app"}  # no address


def test_email_at_once_adds_an_email_row_pending(people, task):
    people.unit_head.email = "head@stc.example.vn"
    people.unit_head.save()
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    event = record(task, "returned", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app", "email"}
    row = Notification.objects.get(event=event, recipient=people.unit_head, channel="email")
    assert row.state == "pending"
    assert row.key == f"event:{event.pk}:{people.unit_head.pk}:email"


def test_no_email_row_for_a_person_without_an_address(people, task):
    Preference.objects.create(person=people.unit_head, channel="email", email_mode="at_once")
    event = record(task, "returned", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app"}


def test_webhook_rows_only_when_a_webhook_is_configured(people, task, settings):
    Preference.objects.create(person=people.unit_head, channel="webhook", enabled=True)
    settings.CHIDAO_WEBHOOK_URL = ""
    event = record(task, "returned", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app"}
    settings.CHIDAO_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    event = record(task, "returned", people.specialist)
    assert _channels(event, people.unit_head) == {"in_app", "webhook"}


def test_writing_the_same_event_twice_adds_nothing(people, task):
    from chidao.notifications import outbox

    event = record(task, "returned", people.specialist)
    count = Notification.objects.count()
    outbox.write_for_event(event)
    assert Notification.objects.count() == count
