"""A screen that stops asking for its board shows on the administrator's home after a day."""

import datetime

import time_machine
from django.urls import reverse

from chidao.board.models import Screen
from chidao.conftest import make_person
from chidao.directives import home
from chidao.org.models import Role

NOON = datetime.datetime(2026, 3, 20, 5, tzinfo=datetime.UTC)


def _screen(org, name):
    screen = Screen(name=name, committee=org.province)
    token = screen.new_token()
    screen.save()
    return screen, token


def _silent(person) -> list[str]:
    panel = next(p for p in home.panels(person) if p.key == "admin")
    chore = next(c for c in panel.chores if c.key == "screens")
    assert chore.count == len(chore.rows)
    return [label for label, _link in chore.rows]


def test_a_screen_is_seen_when_it_asks_at_most_once_a_minute(client, org):
    screen, token = _screen(org, "Sảnh tầng 1")
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("board:board", args=[token]))
    assert Screen.objects.get(pk=screen.pk).last_seen_at == NOON
    with time_machine.travel(NOON + datetime.timedelta(seconds=30), tick=False):
        client.get(reverse("board:data", args=[token]))
    assert Screen.objects.get(pk=screen.pk).last_seen_at == NOON
    later = NOON + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        client.get(reverse("board:data", args=[token]))
    assert Screen.objects.get(pk=screen.pk).last_seen_at == later


def test_the_administrator_sees_the_screens_silent_for_a_day(client, org, people):
    on, on_token = _screen(org, "Sảnh tầng 1")
    _off, _off_token = _screen(org, "Phòng họp số 2")  # never asked
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("board:board", args=[on_token]))
        assert _silent(people.admin) == ["Phòng họp số 2"]
    with time_machine.travel(NOON + datetime.timedelta(hours=25), tick=False):
        assert _silent(people.admin) == ["Phòng họp số 2", "Sảnh tầng 1"]
        elsewhere = make_person("other_admin", org.other_office, Role.ADMIN)
        assert _silent(elsewhere) == []  # another province's administrator
    on.is_active = False
    on.save()
    with time_machine.travel(NOON + datetime.timedelta(hours=25), tick=False):
        assert _silent(people.admin) == ["Phòng họp số 2"]  # a revoked screen is no chore
