"""Refusals are answered in Vietnamese, inside the layout, never with a bare English page."""


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
