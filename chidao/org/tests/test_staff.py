"""People and roles without the admin site: a unit head adds, deactivates and reactivates his
own unit's staff and viewers, an Office leader its specialists; anywhere else the answer is 404
(a unit they do not see) or 403 (one they see), and nothing changes."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from chidao.conftest import PASSWORD, make_person
from chidao.org import staff
from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit


def _state():
    """Every row staff management may write, as plain values."""
    return (
        list(Person.objects.order_by("pk").values_list("pk", "username", "is_active", "email")),
        list(
            Membership.objects.order_by("pk").values_list(
                "pk", "person_id", "unit_id", "role", "is_active"
            )
        ),
        list(FollowAssignment.objects.order_by("pk").values_list("pk", "unit_id", "is_active")),
    )


def _new(username="nguyen.van.an", role=Role.UNIT_STAFF, **extra):
    return {
        "full_name": "Nguyễn Văn An",
        "username": username,
        "email": "an.nv@stc.example.gov.vn",
        "phone": "0277 3851 234",
        "role": role,
        "position": "Chuyên viên",
        **extra,
    }


def _add(client, unit, **data):
    return client.post(reverse("org:staff_add", args=[unit.pk]), {"seat": unit.pk, **data})


def _signs_in(username: str, password: str = PASSWORD) -> bool:
    """Through the sign-in page, as a person does (the lock on guessing needs the request)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _link(text: str) -> str:
    return re.search(r"http://testserver(/org/set-password/[^\s\"<]+)", text).group(1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --- The unit head's own unit ------------------------------------------------------------------
def test_the_head_sees_his_units_staff_with_contact_and_last_sign_in(client, org, people):
    Person.objects.filter(pk=people.unit_staff.pk).update(
        email="lan@stc.example.gov.vn", phone="0277 111 222"
    )
    client.force_login(people.unit_staff)  # a sign-in: last_login set
    client.force_login(people.unit_head)
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk])).content.decode()
    section = page[page.index('id="staff"') :]
    assert "Cán bộ của đơn vị" in section
    assert "lan@stc.example.gov.vn" in section and "0277 111 222" in section
    assert "Unit_Staff" in section and "Đang hoạt động" in section
    assert reverse("org:staff_add", args=[org.finance.pk]) in section
    assert "Unit_Head" not in section  # only the roles he manages


@pytest.mark.parametrize("persona", ["unit_staff", "specialist", "leader", "viewer"])
def test_who_does_not_manage_the_staff_sees_no_staff_section(client, org, people, persona):
    client.force_login(getattr(people, persona))
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk])).content.decode()
    assert 'id="staff"' not in page
    assert client.get(reverse("org:staff_add", args=[org.finance.pk])).status_code == 403


def test_the_head_adds_a_staff_member_who_gets_a_link_by_email(client, org, people):
    client.force_login(people.unit_head)
    response = _add(client, org.finance, **_new())
    assert response.status_code == 302
    person = Person.objects.get(username="nguyen.van.an")
    assert person.full_name == "Nguyễn Văn An" and person.phone == "0277 3851 234"
    assert person.is_active and not person.has_usable_password()
    (m,) = person.memberships.all()
    assert (m.unit, m.role, m.position, m.is_active) == (
        org.finance,
        Role.UNIT_STAFF,
        "Chuyên viên",
        True,
    )
    (message,) = mail.outbox
    assert message.to == ["an.nv@stc.example.gov.vn"]
    assert "nguyen.van.an" in message.body and "Sở Tài chính" in message.body
    assert "Đặt mật khẩu" in message.subject

    # The person, and only they, chooses the password through the link; it then works no more.
    client.logout()
    link = _link(message.body)
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Bong-sen-hong-2026", "new_password2": "Bong-sen-hong-2026"},
    )
    assert response.status_code == 302
    assert _signs_in("nguyen.van.an", "Bong-sen-hong-2026")
    again = client.get(link, follow=True).content.decode()
    assert "không còn dùng được" in again


def test_without_an_address_the_link_is_shown_once_to_hand_over(client, org, people):
    client.force_login(people.unit_head)
    response = _add(client, org.finance, **_new(email="", role=Role.VIEWER))
    assert response.status_code == 200
    page = response.content.decode()
    assert "trao liên kết này tận tay" in page
    assert "/org/set-password/" in page
    assert "no-store" in response["Cache-Control"]
    assert mail.outbox == []
    assert Membership.objects.get(person__username="nguyen.van.an").role == Role.VIEWER


def test_without_a_mail_server_the_link_is_shown(client, org, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    client.force_login(people.unit_head)
    page = _add(client, org.finance, **_new()).content.decode()
    assert "chưa cấu hình máy chủ thư" in page and "/org/set-password/" in page


def test_a_taken_username_or_bad_input_is_refused_in_vietnamese_and_nothing_is_made(
    client, org, people
):
    client.force_login(people.unit_head)
    before = _state()
    page = _add(client, org.finance, **_new(username="UNIT_STAFF")).content.decode()
    assert "Tên đăng nhập này đã có người dùng" in page
    page = _add(client, org.finance, **_new(phone="gọi tôi", email="không-phải-thư")).content
    assert "Nhập số điện thoại" in page.decode()
    page = _add(client, org.finance, **_new(username="có dấu cách")).content.decode()
    assert "Chưa lưu được" in page and "tên đăng nhập hợp lệ" in page
    assert _state() == before


@pytest.mark.parametrize(
    ("target", "role", "status"),
    [
        ("finance", Role.UNIT_HEAD, 403),  # a role other than staff or viewer
        ("finance", Role.SPECIALIST, 403),
        ("finance", Role.ADMIN, 403),
        ("finance_sub", Role.UNIT_STAFF, 403),  # a subunit he sees but does not head
        ("health", Role.UNIT_STAFF, 404),  # another department: not even seen
        ("commune_a", Role.UNIT_STAFF, 404),
    ],
)
def test_the_head_is_refused_elsewhere_and_nothing_changes(
    client, org, people, target, role, status
):
    client.force_login(people.unit_head)
    before = _state()
    unit = getattr(org, target)
    assert _add(client, unit, **_new(role=role)).status_code == status
    assert _state() == before
    assert mail.outbox == []


def test_a_unit_seat_forged_into_the_form_is_refused(client, org, people):
    client.force_login(people.unit_head)
    before = _state()
    response = client.post(
        reverse("org:staff_add", args=[org.finance.pk]), {"seat": org.finance_sub.pk, **_new()}
    )
    assert response.status_code == 403
    assert _state() == before


def test_a_head_of_a_committees_apparatus_manages_no_one_there(client, org, people):
    """A unit head seated in a commune's committee: a viewer there would see the whole commune,
    and its staff belong to the commune's apparatus, which its administrators manage."""
    head = make_person("commune_head", org.commune_a, Role.UNIT_HEAD)
    client.force_login(head)
    before = _state()
    assert _add(client, org.commune_a, **_new()).status_code == 403
    assert _add(client, org.commune_a, **_new(role=Role.VIEWER)).status_code == 403
    staff_role = Membership.objects.get(person=people.commune_staff)
    assert client.post(reverse("org:staff_end", args=[staff_role.pk])).status_code == 403
    assert _state() == before
    with pytest.raises(PermissionDenied):
        staff.add_person(head, org.commune_a, role=Role.UNIT_STAFF, username="x", full_name="X")
    assert _state() == before


# --- Deactivating and reactivating -------------------------------------------------------------
def test_deactivating_ends_the_role_and_closes_an_account_left_without_one(client, org, people):
    role = Membership.objects.get(person=people.unit_staff)
    staff_client = client.__class__()
    staff_client.force_login(people.unit_staff)
    client.force_login(people.unit_head)
    response = client.post(reverse("org:staff_end", args=[role.pk]))
    assert response.status_code == 302
    role.refresh_from_db()
    assert not role.is_active and role.ended_on is not None
    person = Person.objects.get(pk=people.unit_staff.pk)
    assert not person.is_active
    assert not _signs_in("unit_staff")
    # An open session ends at its next request.
    assert staff_client.get(reverse("home")).status_code == 302
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk])).content.decode()
    assert "Tài khoản đã khóa" in page and "Kích hoạt lại" in page


def test_an_account_with_a_role_elsewhere_stays_open(client, org, people):
    Membership.objects.create(person=people.unit_staff, unit=org.health, role=Role.VIEWER)
    role = Membership.objects.get(person=people.unit_staff, unit=org.finance)
    client.force_login(people.unit_head)
    client.post(reverse("org:staff_end", args=[role.pk]))
    role.refresh_from_db()
    assert not role.is_active
    assert Person.objects.get(pk=people.unit_staff.pk).is_active


def test_reactivating_gives_the_role_again_and_opens_the_account(client, org, people):
    role = Membership.objects.get(person=people.unit_staff)
    client.force_login(people.unit_head)
    client.post(reverse("org:staff_end", args=[role.pk]))
    response = client.post(reverse("org:staff_reactivate", args=[role.pk]))
    assert response.status_code == 302
    person = Person.objects.get(pk=people.unit_staff.pk)
    assert person.is_active
    active = person.memberships.get(is_active=True)
    assert (active.unit, active.role) == (org.finance, Role.UNIT_STAFF) and active.pk != role.pk
    role.refresh_from_db()
    assert not role.is_active  # the ended row stays as history
    assert _signs_in("unit_staff")


def test_an_account_closed_with_a_role_he_does_not_manage_stays_closed(client, org, people):
    """The account also holds a role the head does not manage: reopening it is refused whole."""
    role = Membership.objects.get(person=people.unit_staff)
    Membership.objects.filter(pk=role.pk).update(is_active=False)
    Membership.objects.create(person=people.unit_staff, unit=org.health, role=Role.VIEWER)
    Person.objects.filter(pk=people.unit_staff.pk).update(is_active=False)
    client.force_login(people.unit_head)
    before = _state()
    assert client.post(reverse("org:staff_reactivate", args=[role.pk])).status_code == 403
    assert _state() == before


@pytest.mark.parametrize(
    ("actor", "whose", "status"),
    [
        ("unit_head", "sub_staff", 403),  # the Chi cục's staff: seen, not his
        ("unit_head", "unit_head", 403),  # himself
        ("unit_head", "other_staff", 404),  # another department's
        ("unit_staff", "unit_staff", 403),
        ("office_leader", "unit_staff", 403),
        ("outsider", "unit_staff", 404),
    ],
)
def test_deactivating_someone_else_s_role_is_refused_and_nothing_changes(
    client, people, actor, whose, status
):
    role = Membership.objects.get(person=getattr(people, whose))
    client.force_login(getattr(people, actor))
    before = _state()
    assert client.post(reverse("org:staff_end", args=[role.pk])).status_code == status
    assert client.post(reverse("org:staff_reactivate", args=[role.pk])).status_code in (
        status,
        302,  # an active role: nothing to reactivate, said on the page
    )
    assert _state() == before


def test_the_pages_actions_answer_only_post(client, people):
    role = Membership.objects.get(person=people.unit_staff)
    client.force_login(people.unit_head)
    assert client.get(reverse("org:staff_end", args=[role.pk])).status_code == 405


def test_a_new_link_for_an_account_whose_password_was_never_set(client, org, people):
    client.force_login(people.unit_head)
    _add(client, org.finance, **_new())
    person = Person.objects.get(username="nguyen.van.an")
    mail.outbox.clear()
    response = client.post(reverse("org:staff_invite", args=[person.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["an.nv@stc.example.gov.vn"]
    # Not for an account that has its own password, nor for someone else's staff.
    response = client.post(reverse("org:staff_invite", args=[people.unit_staff.pk]), follow=True)
    assert "đã đặt mật khẩu" in response.content.decode()
    assert client.post(reverse("org:staff_invite", args=[people.sub_staff.pk])).status_code == 403
    assert len(mail.outbox) == 1


# --- The Office leader and the specialists ------------------------------------------------------
def test_the_office_leader_sees_and_adds_the_offices_specialists(client, org, people):
    client.force_login(people.office_leader)
    page = client.get(reverse("org:unit_detail", args=[org.office.pk])).content.decode()
    section = page[page.index('id="staff"') :]
    assert "Chuyên viên theo dõi của Văn phòng" in section
    assert "Specialist_Th" in section and "Phòng Tổng hợp" in section
    assert reverse("org:follows", args=[org.province.pk]) in section
    response = _add(
        client,
        org.office,
        **_new(username="tran.thi.binh", role=Role.SPECIALIST, seat=org.div_th.pk),
    )
    assert response.status_code == 302
    (m,) = Membership.objects.filter(person__username="tran.thi.binh")
    assert (m.unit, m.role) == (org.div_th, Role.SPECIALIST)


@pytest.mark.parametrize(
    ("page", "seat", "role", "status"),
    [
        ("office", "office", Role.VIEWER, 403),  # only specialists
        ("office", "finance", Role.SPECIALIST, 403),  # a unit that is not the Office's
        ("finance", "finance", Role.UNIT_STAFF, 403),  # a department's staff
        ("commune_a_office", "commune_a_office", Role.SPECIALIST, 403),  # a commune's Office
    ],
)
def test_the_office_leader_is_refused_outside_the_offices_specialists(
    client, org, people, page, seat, role, status
):
    client.force_login(people.office_leader)
    before = _state()
    response = _add(client, getattr(org, page), **_new(role=role, seat=getattr(org, seat).pk))
    assert response.status_code == status
    assert _state() == before


def test_a_specialist_who_still_follows_units_is_not_deactivated(client, org, people):
    role = Membership.objects.get(person=people.specialist_th)
    client.force_login(people.office_leader)
    before = _state()
    page = client.post(reverse("org:staff_end", args=[role.pk]), follow=True).content.decode()
    assert "đang theo dõi 1 đơn vị" in page
    assert _state() == before
    # Once another specialist follows the commune, the role ends and the account closes.
    follows = reverse("org:follows", args=[org.province.pk])
    client.post(follows, {"unit": org.commune_a.pk, "specialist": people.specialist.pk})
    client.post(reverse("org:staff_end", args=[role.pk]))
    assert not Person.objects.get(pk=people.specialist_th.pk).is_active
    assert FollowAssignment.objects.get(unit=org.commune_a, is_active=True).specialist == (
        people.specialist
    )


# --- Follow assignments --------------------------------------------------------------------------
def test_the_office_leader_assigns_who_follows_each_unit(client, org, people):
    client.force_login(people.office_leader)
    follows = reverse("org:follows", args=[org.province.pk])
    page = client.get(follows).content.decode()
    for unit in (org.finance, org.health, org.commune_a, org.finance_sub):
        assert f'id="unit-{unit.pk}"' in page
    assert f'id="unit-{org.commune_a_econ.pk}"' not in page  # the commune's Office follows it
    assert "Chưa có" in page  # Sở Y tế: nobody
    response = client.post(follows, {"unit": org.health.pk, "specialist": people.specialist_th.pk})
    assert response.status_code == 302
    assert FollowAssignment.objects.get(unit=org.health, is_active=True).specialist == (
        people.specialist_th
    )
    filtered = client.get(follows, {"unfollowed": "on", "q": "chi cuc"}).content.decode()
    assert f'id="unit-{org.finance_sub.pk}"' in filtered
    assert f'id="unit-{org.health.pk}"' not in filtered


def test_a_division_head_assigns_only_his_divisions_specialists(client, org, people):
    client.force_login(people.division_head)
    follows = reverse("org:follows", args=[org.province.pk])
    page = client.get(follows).content.decode()
    assert f'<option value="{people.specialist.pk}"' in page
    assert f'<option value="{people.specialist_th.pk}"' not in page  # of another division
    before = _state()
    client.post(follows, {"unit": org.health.pk, "specialist": people.specialist_th.pk})
    assert _state() == before


@pytest.mark.parametrize(
    ("persona", "committee", "status"),
    [
        ("unit_head", "province", 404),  # beyond his unit: not seen
        ("specialist", "province", 403),
        ("viewer", "province", 403),
        ("outsider", "province", 404),
        ("office_leader", "commune_a", 403),  # a commune's own Office assigns there
        ("office_leader", "finance", 404),  # not a committee
    ],
)
def test_follow_assignments_are_refused_to_others(client, org, people, persona, committee, status):
    client.force_login(getattr(people, persona))
    url = reverse("org:follows", args=[getattr(org, committee).pk])
    before = _state()
    assert client.get(url).status_code == status
    post = client.post(url, {"unit": org.health.pk, "specialist": people.specialist.pk})
    assert post.status_code == status
    assert _state() == before


def test_a_unit_outside_the_committee_is_not_assigned_from_its_page(client, org, people):
    client.force_login(people.office_leader)
    before = _state()
    url = reverse("org:follows", args=[org.province.pk])
    response = client.post(url, {"unit": org.commune_a_econ.pk, "specialist": people.specialist.pk})
    assert response.status_code == 404
    response = client.post(url, {"unit": "abc", "specialist": people.specialist.pk})
    assert response.status_code == 404
    assert _state() == before


def test_a_dissolved_unit_offers_no_staff_management(client, org, people):
    Unit.objects.filter(pk=org.finance.pk).update(is_active=False)
    client.force_login(people.unit_head)
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk])).content.decode()
    assert 'id="staff"' not in page
    assert _add(client, org.finance, **_new()).status_code == 403
