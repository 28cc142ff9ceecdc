"""Single sign-on in a real browser against a real OpenID Connect provider: django-oidc-provider
running as the province's identity provider in its own process, database and cookies."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chidao.testing import free_port

ROOT = Path(__file__).resolve().parents[3]
PROVIDER_NAME = "Cổng xác thực của tỉnh"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The identity provider on 127.0.0.1 (the product is on localhost: separate cookies),
    with the accounts "leader" and "stranger" and the product registered as a client."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chidao.org.tests.identity_provider.settings",
        "PROVIDER_DATABASE": str(tmp_path_factory.mktemp("provider") / "provider.sqlite3"),
    }

    def run(*args):
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)

    run("-m", "django", "migrate", "-v0")
    run("-m", "django", "creatersakey")
    run("-m", "chidao.org.tests.identity_provider.populate", f"{live_server.url}/sso/callback/")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/openid/.well-known/openid-configuration").close()  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the identity provider did not start") from None
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(20)


@pytest.fixture
def sso_on(settings, provider):
    settings.OIDC_RP_CLIENT_ID = "chidao"
    settings.OIDC_RP_CLIENT_SECRET = "bi-mat-cua-chidao"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/openid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/openid/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/openid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/openid/jwks"
    settings.CHIDAO_OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "chidao.org.sso.ProvinceSignOn",
    ]


def through_the_provider(page, username, next_path=""):
    page.context.clear_cookies()
    page.goto(f"/login/{next_path}")
    page.get_by_role("link", name=f"Đăng nhập qua {PROVIDER_NAME}").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/login/"))
    expect(page.get_by_role("heading", name=PROVIDER_NAME)).to_be_visible()
    page.get_by_label("Tài khoản công vụ").fill(username)
    page.get_by_label("Mật khẩu công vụ").fill("mat-khau-cong-vu")
    page.get_by_role("button", name="Đăng nhập cổng tỉnh").click()


def test_a_leader_signs_in_through_the_provinces_provider(page, people, sso_on):
    through_the_provider(page, "leader", "?next=/tasks/")
    page.wait_for_url(re.compile(r"localhost:\d+/tasks/"))
    expect(page.get_by_role("button", name="Leader")).to_be_visible()


def test_an_account_unknown_here_is_refused_with_a_vietnamese_reason(page, people, sso_on):
    through_the_provider(page, "stranger")
    page.wait_for_url(re.compile(r"localhost:\d+/login/"))
    expect(page.get_by_text("Đăng nhập một lần không thành công")).to_be_visible()
    page.goto("/")
    assert "/login/" in page.url


def test_an_inactive_account_is_refused(page, people, sso_on):
    people.leader.is_active = False
    people.leader.save()
    through_the_provider(page, "leader")
    page.wait_for_url(re.compile(r"localhost:\d+/login/"))
    expect(page.get_by_text("Đăng nhập một lần không thành công")).to_be_visible()


def test_two_factor_sign_in_still_applies_after_single_sign_on(page, people, sso_on, settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = ["committee_leader"]
    through_the_provider(page, "leader")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    expect(page.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()


def test_without_settings_there_is_no_button_and_no_endpoint(page, people, client):
    page.goto("/login/")
    expect(page.get_by_role("link", name=re.compile("Đăng nhập qua"))).to_have_count(0)
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404
