"""Refusals are answered in Vietnamese, inside the layout, never with a bare English page."""

from django.templatetags.static import static


def test_a_hidden_page_answers_404_in_vietnamese(client, people):
    client.force_login(people.unit_staff)
    response = client.get("/tasks/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_a_forbidden_page_answers_403_in_vietnamese(client, people):
    client.force_login(people.unit_staff)
    response = client.get("/tasks/directives/new/")
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_the_icon_browsers_ask_for_by_themselves_is_the_sites_own(client, db):
    """Pages that name no icon (the administration site) make the browser ask /favicon.ico: it
    is sent to the site's icon, which is served, instead of a 404 on every such page."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("core/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
