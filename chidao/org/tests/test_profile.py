"""Hồ sơ của tôi: each person sees their own profile (name, roles and units, e-mail, phone), edits
their e-mail and phone, and finds their password, two-factor, notification and sign-in pages."""

from django.urls import reverse

from chidao.conftest import PASSWORD
from chidao.org.models import Person


def test_the_profile_shows_the_persons_own_roles_and_links(client, org, people):
    Person.objects.filter(pk=people.specialist.pk).update(email="sv@vp.example.gov.vn")
    client.force_login(people.specialist)
    response = client.get(reverse("org:profile"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hồ sơ của tôi" in page and "Specialist" in page
    assert "Phòng Kinh tế" in page and "Sở Tài chính" in page  # seat, and the unit followed
    assert 'value="sv@vp.example.gov.vn"' in page
    for name in ("password_change", "twofactor:manage", "notifications:preferences"):
        assert reverse(name) in page
    assert reverse("org:sign_ins") in page


def test_the_menu_offers_my_profile(client, people):
    client.force_login(people.unit_staff)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("org:profile")}">Hồ sơ của tôi<' in page


def test_the_profile_lists_recent_sign_ins(client, people):
    client.post(reverse("login"), {"username": "unit_staff", "password": PASSWORD})
    page = client.get(reverse("org:profile")).content.decode()
    assert "Đăng nhập thành công" in page


def test_a_person_edits_their_email_and_phone(client, people):
    client.force_login(people.unit_staff)
    response = client.post(
        reverse("org:profile"), {"email": "lan.tt@stc.example.gov.vn", "phone": "+84 277 385 1234"}
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=people.unit_staff.pk)
    assert (person.email, person.phone) == ("lan.tt@stc.example.gov.vn", "+84 277 385 1234")
    assert person.full_name == "Unit_Staff" and person.is_active  # nothing else moved


def test_bad_contact_details_are_refused_in_vietnamese_and_nothing_changes(client, people):
    Person.objects.filter(pk=people.unit_staff.pk).update(email="cu@example.gov.vn", phone="")
    client.force_login(people.unit_staff)
    for data in ({"email": "không phải thư", "phone": ""}, {"email": "", "phone": "gọi 123"}):
        response = client.post(reverse("org:profile"), data)
        assert response.status_code == 200
        assert "Chưa lưu được" in response.content.decode()
    person = Person.objects.get(pk=people.unit_staff.pk)
    assert (person.email, person.phone) == ("cu@example.gov.vn", "")


def test_the_profile_is_always_ones_own(client, people):
    """No id in the address: nobody reaches or edits someone else's through it."""
    client.force_login(people.unit_head)
    client.post(reverse("org:profile"), {"email": "head@example.gov.vn", "phone": ""})
    assert Person.objects.get(pk=people.unit_staff.pk).email == ""
    assert Person.objects.get(pk=people.unit_head.pk).email == "head@example.gov.vn"


def test_the_profile_needs_a_sign_in(client):
    response = client.get(reverse("org:profile"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_password_change_page_is_in_the_products_layout(client, people):
    client.force_login(people.unit_staff)
    page = client.get(reverse("password_change")).content.decode()
    assert 'class="navbar navbar-expand-md' in page and "Hồ sơ của tôi" in page
    assert "Đổi mật khẩu" in page and 'autocomplete="current-password"' in page


def test_an_account_without_a_password_is_told_how_it_signs_in(client, people):
    person = Person.objects.get(pk=people.unit_staff.pk)
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    page = client.get(reverse("org:profile")).content.decode()
    assert "chưa có mật khẩu" in page
