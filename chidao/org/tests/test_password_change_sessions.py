"""A changed password ends every other session of its person (Django's session auth hash,
checked by AuthenticationMiddleware on each request); the person who changes their own password
stays signed in where they did it."""

import pytest
from django.test import Client

from chidao.conftest import PASSWORD

NEW_PASSWORD = "Mat-khau-moi-2026-kho-doan"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The second factor is its own subject (test_twofactor.py); here only the password counts.
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = []
    settings.CHIDAO_TWO_FACTOR_ADMIN_SITE = False


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    assert client.get("/").status_code == 200
    return client


def is_signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_set_password_and_save_signs_out_every_session(people):
    office, phone = signed_in(people.unit_staff), signed_in(people.unit_staff)

    people.unit_staff.set_password(NEW_PASSWORD)
    people.unit_staff.save()

    assert is_signed_out(office)
    assert is_signed_out(phone)


def test_a_password_changed_on_the_admin_site_signs_the_person_out(people):
    staff = signed_in(people.unit_staff)
    admin = signed_in(people.admin)

    response = admin.post(
        f"/admin/org/person/{people.unit_staff.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_signed_out(staff)
    assert not is_signed_out(admin)  # the administrator's own session is not touched
    people.unit_staff.refresh_from_db()
    assert people.unit_staff.check_password(NEW_PASSWORD)


def test_an_administrator_changing_their_own_password_on_the_admin_site_stays_signed_in(people):
    here, elsewhere = signed_in(people.admin), signed_in(people.admin)

    response = here.post(
        f"/admin/org/person/{people.admin.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert not is_signed_out(here)
    assert is_signed_out(elsewhere)


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(people):
    here, elsewhere = signed_in(people.specialist), signed_in(people.specialist)

    response = here.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/password/change/done/"
    assert not is_signed_out(here)
    assert is_signed_out(elsewhere)


def test_a_session_signed_out_by_a_password_change_cannot_act(people, client):
    """Not only the home page: a POST of the old session is refused as well."""
    old = signed_in(people.unit_staff)
    people.unit_staff.set_password(NEW_PASSWORD)
    people.unit_staff.save()

    response = old.post("/notifications/read/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
