"""Phân công theo dõi: choosing the specialist who follows a unit, from the unit's page."""

from django.urls import reverse

from chidao.conftest import make_person
from chidao.org import permissions
from chidao.org.models import FollowAssignment, Role


def _post(client, unit, specialist):
    return client.post(
        reverse("org:assign_follow", args=[unit.pk]), {"specialist": specialist.pk}, follow=True
    )


def _follower(unit):
    return FollowAssignment.objects.get(unit=unit, is_active=True).specialist


def test_candidates_are_the_specialists_of_the_supervising_office(org, people):
    assert set(org.finance.follower_candidates()) == {people.specialist, people.specialist_th}
    # A commune committee is followed by the province's Office, its departments by its own.
    assert set(org.commune_a.follower_candidates()) == {people.specialist, people.specialist_th}
    assert list(org.commune_a_econ.follower_candidates()) == [people.commune_specialist]
    assert list(org.province.follower_candidates()) == []


def test_an_office_leader_reassigns_a_unit_and_the_old_assignment_is_kept(client, org, people):
    client.force_login(people.office_leader)
    response = _post(client, org.finance, people.specialist_th)
    assert response.status_code == 200
    assert _follower(org.finance) == people.specialist_th
    old = FollowAssignment.objects.get(unit=org.finance, specialist=people.specialist)
    assert not old.is_active and old.ended_on is not None


def test_a_division_head_may_only_choose_specialists_of_their_division(client, org, people):
    assert list(permissions.assignable_specialists(people.division_head, org.health)) == [
        people.specialist
    ]
    client.force_login(people.division_head)
    _post(client, org.health, people.specialist_th)
    assert not FollowAssignment.objects.filter(unit=org.health).exists()
    _post(client, org.health, people.specialist)
    assert _follower(org.health) == people.specialist


def test_a_specialist_of_another_level_is_refused_with_a_message(client, org, people):
    client.force_login(people.office_leader)
    response = _post(client, org.finance, people.commune_specialist)
    assert _follower(org.finance) == people.specialist
    assert list(response.context["messages"])


def test_unit_staff_see_no_form_and_cannot_post(client, org, people):
    client.force_login(people.unit_staff)
    page = client.get(reverse("org:unit_detail", args=[org.finance.pk]))
    assert page.context["follow_form"] is None
    assert _post(client, org.finance, people.specialist_th).status_code == 403
    assert _follower(org.finance) == people.specialist


def test_another_provinces_leader_gets_404(client, org, people):
    client.force_login(people.outsider)
    assert _post(client, org.finance, people.specialist_th).status_code == 404
    assert _follower(org.finance) == people.specialist


def test_an_ended_specialist_is_no_longer_a_candidate(org, people):
    people.specialist_th.memberships.filter(role=Role.SPECIALIST).update(is_active=False)
    assert list(org.finance.follower_candidates()) == [people.specialist]
    newcomer = make_person("newcomer", org.div_th, Role.SPECIALIST)
    assert newcomer in org.finance.follower_candidates()
