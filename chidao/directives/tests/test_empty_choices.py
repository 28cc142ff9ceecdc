"""A select's empty choice is written in words: "Tất cả" in a filter (any value), "— Chọn —" in a
form that records something. Django's "---------" appears on no page of the product (the
administration site keeps Django's own)."""

import re

import pytest
from django.urls import reverse

DASHES = "---------"
ALL = "Tất cả"
CHOOSE = "— Chọn —"


def first_options(html: str) -> dict[str, str]:
    """Each select's name (without the form's prefix) with the label of its first option."""
    found = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        first = re.search(r"<option[^>]*>(.*?)</option>", body, re.S)
        found[name.rsplit("-", 1)[-1]] = first.group(1).strip() if first else ""
    return found


def page(client, person, url: str) -> dict[str, str]:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert DASHES not in html, url
    return first_options(html)


@pytest.mark.parametrize("name", ["unit", "cooperating", "scope", "assigner", "division",
                                  "leader", "specialist", "sector_block", "kind"])  # fmt: skip
def test_the_task_lists_filters_say_all(client, people, task, name):
    assert page(client, people.office_leader, reverse("directives:task_list"))[name] == ALL


def test_the_dashboards_sector_block_says_all(client, people):
    assert page(client, people.office_leader, reverse("dashboard"))["sector_block"] == ALL


def test_the_directive_form_asks_to_choose(client, people):
    options = page(client, people.specialist, reverse("directives:directive_create"))
    for name in ("signer", "meeting_chair", "lead_unit", "directing_leader", "sector_block"):
        assert options[name] == CHOOSE, name


def test_the_correction_asks_to_choose(client, people, task):
    url = reverse("directives:step", args=[task.pk, "edit"])
    options = page(client, people.specialist, url)
    assert options["directing_leader"] == CHOOSE
    assert options["sector_block"] == CHOOSE


def test_the_follow_assignment_asks_to_choose(client, org, people):
    options = page(client, people.division_head, reverse("org:follows", args=[org.province.pk]))
    assert options["specialist"] == CHOOSE


def test_a_unit_change_asks_to_choose(client, org, people):
    url = reverse("org:change_unit", args=[org.finance_sub.pk, "move"])
    assert CHOOSE in page(client, people.admin, url).values()


def test_in_english_the_words_are_english(client, people, task):
    client.cookies["django_language"] = "en"
    client.force_login(people.office_leader)
    html = client.get(reverse("directives:task_list")).content.decode()
    assert first_options(html)["unit"] == "All"
    client.force_login(people.specialist)
    html = client.get(reverse("directives:directive_create")).content.decode()
    assert "— Choose —" in first_options(html).values()
    assert DASHES not in html
