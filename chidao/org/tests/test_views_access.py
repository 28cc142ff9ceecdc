"""HTTP access to the organisation pages and the admin site: login, scope (404) and rights (403)."""

import pytest
from django.urls import reverse

from chidao.conftest import PASSWORD, make_person
from chidao.org.models import FollowAssignment, Membership, Person, Role, SectorBlock, Unit


def _follows():
    return list(
        FollowAssignment.objects.order_by("pk").values_list(
            "pk", "specialist_id", "unit_id", "is_active", "ended_on"
        )
    )


def _page_names(response):
    return {str(obj.name) for obj in response.context["page"].object_list}


# --- Anonymous visitors ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        lambda o, p: reverse("home"),
        lambda o, p: reverse("org:unit_list"),
        lambda o, p: reverse("org:unit_detail", args=[o.finance.pk]),
        lambda o, p: reverse("org:person_list"),
        lambda o, p: reverse("org:person_detail", args=[p.unit_staff.pk]),
    ],
    ids=["home", "unit_list", "unit_detail", "person_list", "person_detail"],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, org, people, url):
    target = url(org, people)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert "Sở Tài chính" not in response.content.decode()


def test_an_anonymous_post_to_assign_a_follow_changes_nothing(client, org, people):
    before = _follows()
    response = client.post(
        reverse("org:assign_follow", args=[org.finance.pk]), {"specialist": people.specialist_th.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _follows() == before


# --- Unit and person pages: 200 inside the scope, 404 outside ---------------------------------
@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("unit_staff", "finance", 200),
        ("unit_staff", "finance_sub", 200),
        ("unit_staff", "health", 404),
        ("unit_staff", "province", 404),
        ("sub_staff", "finance", 404),
        ("other_staff", "health", 200),
        ("other_staff", "finance", 404),
        ("outsider", "finance", 404),
        ("outsider", "province", 404),
        ("outsider", "other_province", 200),
        ("commune_specialist", "commune_a_econ", 200),
        ("commune_specialist", "commune_b", 404),
        ("commune_specialist", "finance", 404),
        ("leader", "commune_a_econ", 200),
        ("leader", "other_office", 404),
        ("nobody", "province", 404),
    ],
)
def test_unit_page_access(client, org, people, persona, unit, status):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("org:unit_detail", args=[getattr(org, unit).pk]))
    assert response.status_code == status
    if status == 200:
        assert response.context["unit"] == getattr(org, unit)


def test_a_missing_unit_is_404(client, people):
    client.force_login(people.leader)
    missing = Unit.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("org:unit_detail", args=[missing])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "shown", "status"),
    [
        ("unit_staff", "unit_staff", 200),
        ("unit_staff", "unit_head", 200),
        ("unit_staff", "sub_staff", 200),
        ("unit_staff", "other_staff", 404),
        ("unit_staff", "leader", 404),
        ("other_staff", "unit_staff", 404),
        ("outsider", "unit_staff", 404),
        ("outsider", "leader", 404),
        ("commune_leader", "commune_specialist", 200),
        ("commune_leader", "leader", 404),
        ("leader", "other_staff", 200),
        ("leader", "outsider", 404),
        ("nobody", "nobody", 200),
        ("nobody", "leader", 404),
    ],
)
def test_person_page_access(client, people, persona, shown, status):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("org:person_detail", args=[getattr(people, shown).pk]))
    assert response.status_code == status


# --- Lists show only what the person sees --------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "query", "listed", "absent"),
    [
        (
            "unit_staff",
            "",
            {"Sở Tài chính"},
            ["Sở Y tế", "Ủy ban nhân dân tỉnh Thử", "Ủy ban nhân dân tỉnh Khác"],
        ),
        ("unit_staff", "tai chinh", {"Sở Tài chính", "Chi cục Tài chính"}, ["Sở Y tế"]),
        ("unit_staff", "so", {"Sở Tài chính"}, ["Sở Y tế"]),
        ("other_staff", "tai chinh", set(), ["Sở Tài chính", "Chi cục Tài chính"]),
        ("leader", "", {"Ủy ban nhân dân tỉnh Thử"}, ["Ủy ban nhân dân tỉnh Khác"]),
        ("leader", "so", {"Sở Tài chính", "Sở Y tế"}, ["Ủy ban nhân dân tỉnh Khác"]),
        ("outsider", "", {"Ủy ban nhân dân tỉnh Khác"}, ["Ủy ban nhân dân tỉnh Thử"]),
        ("outsider", "tai chinh", set(), ["Sở Tài chính"]),
        ("commune_staff", "kinh te", {"Phòng Kinh tế xã A"}, ["Phòng Kinh tế</a>"]),
        ("nobody", "", set(), ["Ủy ban nhân dân tỉnh Thử", "Sở Tài chính"]),
    ],
)
def test_the_unit_list_shows_only_visible_units(
    client, org, people, persona, query, listed, absent
):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("org:unit_list"), {"q": query} if query else {})
    assert response.status_code == 200
    assert _page_names(response) == listed
    content = response.content.decode()
    for name in listed:
        assert name in content
    for name in absent:
        assert name not in content


def test_the_person_list_shows_only_visible_people(client, people):
    client.force_login(people.unit_staff)
    response = client.get(reverse("org:person_list"))
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {
        people.unit_head,
        people.unit_staff,
        people.sub_staff,
    }
    content = response.content.decode()
    assert "Sub_Staff" in content
    assert "Other_Staff" not in content
    assert "Outsider" not in content


# --- Assigning a follow over HTTP ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("unit_staff", "finance", 403),
        ("unit_head", "finance", 403),
        ("leader", "finance", 403),
        ("viewer", "health", 403),
        ("specialist", "health", 403),
        ("commune_leader", "commune_a_econ", 403),
        ("unit_staff", "health", 404),
        ("other_staff", "finance", 404),
        ("outsider", "finance", 404),
        ("commune_specialist", "finance", 404),
        ("nobody", "finance", 404),
    ],
)
def test_assigning_a_follow_without_the_right_is_refused(
    client, org, people, persona, unit, status
):
    target = getattr(org, unit)
    specialist = people.commune_specialist if unit == "commune_a_econ" else people.specialist_th
    before = _follows()
    client.force_login(getattr(people, persona))
    response = client.post(
        reverse("org:assign_follow", args=[target.pk]), {"specialist": specialist.pk}
    )
    assert response.status_code == status
    assert _follows() == before


def test_a_division_head_posting_another_divisions_specialist_changes_nothing(client, org, people):
    before = _follows()
    client.force_login(people.division_head)
    response = client.post(
        reverse("org:assign_follow", args=[org.health.pk]), {"specialist": people.specialist_th.pk}
    )
    assert response.status_code == 302  # back to the unit page with an error message
    assert _follows() == before


def test_assigning_a_follow_by_get_is_not_allowed(client, org, people):
    client.force_login(people.office_leader)
    response = client.get(reverse("org:assign_follow", args=[org.finance.pk]))
    assert response.status_code == 405


def test_an_office_leader_assigns_a_follow(client, org, people):
    client.force_login(people.office_leader)
    response = client.post(
        reverse("org:assign_follow", args=[org.health.pk]), {"specialist": people.specialist_th.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("org:unit_detail", args=[org.health.pk])
    assert FollowAssignment.objects.get(unit=org.health, is_active=True).specialist == (
        people.specialist_th
    )


# --- The admin site -----------------------------------------------------------------------------
ADMIN_UNITS = reverse("admin:org_unit_changelist")


def test_the_admin_site_sends_anonymous_visitors_to_its_login(client, db):
    for url in (reverse("admin:index"), ADMIN_UNITS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "persona",
    [
        "leader",
        "viewer",
        "office_leader",
        "division_head",
        "specialist",
        "unit_head",
        "unit_staff",
        "commune_leader",
        "outsider",
        "nobody",
    ],
)
def test_the_admin_site_refuses_non_administrators(client, people, persona):
    person = getattr(people, persona)
    person.is_staff = True  # the flag alone must not open the site
    person.save()
    client.force_login(person)
    for url in (
        reverse("admin:index"),
        ADMIN_UNITS,
        reverse("admin:org_person_changelist"),
        reverse("admin:org_membership_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert "Sở Tài chính" not in client.get(ADMIN_UNITS, follow=True).content.decode()


def test_the_administrator_sees_only_the_units_of_their_province(client, org, people):
    client.force_login(people.admin)
    response = client.get(ADMIN_UNITS)
    assert response.status_code == 200
    listed = {unit.name for unit in response.context["cl"].result_list}
    province = {u.name for u in Unit.objects.within(org.province)}
    assert listed == province
    content = response.content.decode()
    assert "Sở Tài chính" in content
    assert "Ủy ban nhân dân tỉnh Khác" not in content
    assert "Văn phòng UBND tỉnh Khác" not in content


def test_the_administrator_cannot_open_a_unit_of_another_province(client, org, people):
    client.force_login(people.admin)
    response = client.get(reverse("admin:org_unit_change", args=[org.other_office.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    inside = client.get(reverse("admin:org_unit_change", args=[org.finance.pk]))
    assert inside.status_code == 200


def test_the_administrator_sees_only_people_and_roles_of_their_province(client, org, people):
    client.force_login(people.admin)
    persons = client.get(reverse("admin:org_person_changelist"))
    assert persons.status_code == 200
    assert people.outsider not in set(persons.context["cl"].result_list)
    assert people.unit_staff in set(persons.context["cl"].result_list)
    roles = client.get(reverse("admin:org_membership_changelist"))
    assert roles.status_code == 200
    units = {m.unit for m in roles.context["cl"].result_list}
    assert org.other_office not in units
    assert org.finance in units


def test_a_commune_administrator_sees_only_the_commune_in_the_admin(client, org):
    commune_admin = make_person("commune_admin", org.commune_a_office, Role.ADMIN)
    client.force_login(commune_admin)
    response = client.get(ADMIN_UNITS)
    assert response.status_code == 200
    assert {unit.name for unit in response.context["cl"].result_list} == {
        "Ủy ban nhân dân xã A",
        "Văn phòng UBND xã A",
        "Phòng Kinh tế xã A",
    }


def test_a_superuser_sees_every_unit_in_the_admin(client, org):
    root = Person.objects.create_superuser("root", PASSWORD, full_name="Root")
    client.force_login(root)
    response = client.get(ADMIN_UNITS)
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == set(Unit.objects.all())


def test_the_admin_pages_do_not_reveal_another_provinces_sector_blocks(client, org, people):
    SectorBlock.objects.create(
        committee=org.other_province, name="Khối Bí mật tỉnh Khác", code="BM"
    )
    client.force_login(people.admin)
    pages = {
        "unit list filter": ADMIN_UNITS,
        "unit form": reverse("admin:org_unit_change", args=[org.finance.pk]),
        "membership form": reverse("admin:org_membership_add"),
    }
    leaks = []
    for label, url in pages.items():
        content = client.get(url).content.decode()
        assert "Khối Kinh tế" in content, label  # the choice is shown, with the own block
        if "Khối Bí mật tỉnh Khác" in content:
            leaks.append(label)
    assert leaks == []


def test_the_admin_site_cannot_make_a_non_specialist_follow_a_unit(client, org, people):
    """The admin form must keep the rule of actions.assign_follow: only a tracking specialist of
    the supervising Office follows a unit (here: an office leader of another province)."""
    before = _follows()
    client.force_login(people.admin)
    client.post(
        reverse("admin:org_followassignment_add"),
        {
            "specialist": people.outsider.pk,
            "unit": org.health.pk,
            "is_active": "on",
            "started_on": "15/01/2026",
            "ended_on": "",
        },
    )
    assert _follows() == before


def test_the_admin_site_records_a_valid_follow(client, org, people):
    client.force_login(people.admin)
    response = client.post(
        reverse("admin:org_followassignment_add"),
        {
            "specialist": people.specialist_th.pk,
            "unit": org.health.pk,
            "is_active": "on",
            "started_on": "15/01/2026",
            "ended_on": "",
        },
    )
    assert response.status_code == 302
    assert FollowAssignment.objects.get(unit=org.health, is_active=True).specialist == (
        people.specialist_th
    )


def test_an_ended_administrator_is_refused_by_the_admin_site(client, people):
    Membership.objects.filter(person=people.admin).update(is_active=False)
    client.force_login(people.admin)
    response = client.get(ADMIN_UNITS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
