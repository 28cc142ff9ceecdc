import pytest
from django.urls import reverse

from chidao.conftest import PASSWORD


def test_the_login_page_is_in_vietnamese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_a_person_logs_in_and_reaches_their_home(client, people):
    response = client.post(
        reverse("login"), {"username": "unit_staff", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == people.unit_staff
    assert "Sở Tài chính" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, people):
    response = client.post(reverse("login"), {"username": "unit_staff", "password": "sai"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].non_field_errors()


def test_an_inactive_person_cannot_log_in(client, people):
    people.unit_staff.is_active = False
    people.unit_staff.save()
    client.post(reverse("login"), {"username": "unit_staff", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_home_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_ends_the_session(client, people):
    client.force_login(people.unit_staff)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_changing_the_password_needs_the_old_one(client, people):
    client.force_login(people.unit_staff)
    url = reverse("password_change")
    bad = client.post(
        url,
        {
            "old_password": "sai",
            "new_password1": "Moi-mat-khau-2026",
            "new_password2": "Moi-mat-khau-2026",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    people.unit_staff.refresh_from_db()
    assert people.unit_staff.check_password(PASSWORD)
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Moi-mat-khau-2026",
            "new_password2": "Moi-mat-khau-2026",
        },
    )
    assert good.status_code == 302
    people.unit_staff.refresh_from_db()
    assert people.unit_staff.check_password("Moi-mat-khau-2026")


def test_a_weak_new_password_is_refused(client, people):
    client.force_login(people.unit_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.context["form"].errors["new_password2"]


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("specialist", "Sở Tài chính", "/admin/"),
        ("admin", "/admin/", None),
        ("unit_staff", "Sở Tài chính", "/admin/"),
    ],
)
def test_the_menu_follows_the_role(client, people, username, visible, hidden):
    client.force_login(getattr(people, username))
    page = client.get(reverse("home")).content.decode()
    assert visible in page
    assert hidden is None or hidden not in page
