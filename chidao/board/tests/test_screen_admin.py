"""Administrators make, rotate and revoke screen links in their own scope; the link shows once."""

import re

from django.urls import reverse

from chidao.board.models import Screen
from chidao.conftest import make_person
from chidao.org.models import Role

ADD = "/admin/board/screen/add/"
LIST = "/admin/board/screen/"


def _link(response) -> str:
    html = response.content.decode()
    return re.search(r"<code>https?://[^/]+(/board/[^<]+/)</code>", html).group(1)


def test_an_administrator_creates_a_screen_and_sees_its_link_once(client, org, people):
    client.force_login(people.admin)
    response = client.post(
        ADD,
        {"name": "Phòng họp số 1", "committee": org.province.pk, "language": "vi"},
        follow=True,
    )
    link = _link(response)
    screen = Screen.objects.get(name="Phòng họp số 1")
    assert link.split("/")[2] not in screen.token_hash  # only the hash is kept
    assert client.get(link).status_code == 200
    assert "<code>" not in client.get(LIST).content.decode()  # not shown again


def test_rotating_kills_the_old_link_and_revoking_kills_it_for_good(client, org, people):
    client.force_login(people.admin)
    old = _link(client.post(ADD, {"name": "Sảnh", "committee": org.province.pk, "language": "vi"},
                            follow=True))  # fmt: skip
    screen = Screen.objects.get(name="Sảnh")
    response = client.post(LIST, {"action": "rotate", "_selected_action": [screen.pk]}, follow=True)
    new = _link(response)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    client.post(LIST, {"action": "revoke", "_selected_action": [screen.pk]})
    screen.refresh_from_db()
    assert not screen.is_active and screen.revoked_at is not None
    assert client.get(new).status_code == 404


def test_a_screen_is_in_vietnamese_unless_set_to_english_in_its_settings(client, org, people):
    client.force_login(people.admin)
    link = _link(client.post(ADD, {"name": "Phòng khách quốc tế", "committee": org.province.pk,
                                   "language": "en"}, follow=True))  # fmt: skip
    screen = Screen.objects.get(name="Phòng khách quốc tế")
    assert screen.language == "en"
    client.logout()
    assert "Implementation of directives" in client.get(link).content.decode()
    client.force_login(people.admin)
    change = reverse("admin:board_screen_change", args=[screen.pk])
    client.post(change, {"name": screen.name, "committee": org.province.pk, "language": "vi"})
    screen.refresh_from_db()
    assert screen.language == "vi"
    html = client.get(link, headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "Tình hình thực hiện nhiệm vụ được giao" in html
    assert Screen._meta.get_field("language").default == "vi"


def test_a_communes_administrator_neither_sees_nor_makes_the_provinces_screens(client, org, people):
    province_screen = Screen(name="Sảnh tỉnh", committee=org.province)
    province_screen.new_token()
    province_screen.save()
    commune_admin = make_person("xa_admin", org.commune_a_office, Role.ADMIN)
    client.force_login(commune_admin)
    assert "Sảnh tỉnh" not in client.get(LIST).content.decode()
    response = client.post(ADD, {"name": "Lén", "committee": org.province.pk, "language": "vi"})
    assert response.status_code == 200  # the form refuses a committee outside the scope
    assert not Screen.objects.filter(name="Lén").exists()
    change = reverse("admin:board_screen_change", args=[province_screen.pk])
    assert client.get(change).status_code in (302, 404)


def test_people_without_the_admin_role_cannot_open_the_screens(client, people):
    client.force_login(people.office_leader)
    assert client.get(LIST).status_code in (302, 403)
