"""The product speaks Vietnamese unless the person chooses English, whatever the browser says."""

from django.conf import settings


def test_an_english_browser_still_gets_vietnamese(client, people):
    client.force_login(people.unit_staff)
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "Vai trò của bạn" in html and "Your roles" not in html


def test_english_once_chosen_is_kept(client, people):
    client.force_login(people.unit_staff)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/", headers={"Accept-Language": "vi"}).content.decode()
    assert "Your roles" in html


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, people):
    client.force_login(people.unit_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Vai trò của bạn" in client.get("/").content.decode()
