"""Two-factor sign-in: who must set it up, the code after the password, recovery codes, the
throttle on wrong codes, turning it off, and the admin site behind it."""

import datetime
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chidao.conftest import PASSWORD
from chidao.org.twofactor import devices

SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = ["committee_leader", "office_leader", "admin"]
    settings.CHIDAO_TWO_FACTOR_ADMIN_SITE = True


def sign_in(username) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def code_for(device: TOTPDevice) -> str:
    """What the phone's app shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def next_code(device: TOTPDevice) -> str:
    """The code of the first time step after the one last used (the server takes no step twice).
    Asked for as "one step ahead of now", it was refused when the set-up's code had been checked
    across a step's boundary: the server then counts one step behind the clock (its drift), and
    two steps ahead is beyond its one step of tolerance."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = device.t0 + (device.last_t + 1) * device.step + 1
    return f"{totp.token():06d}"


def set_up(client) -> tuple[TOTPDevice, list[str]]:
    """Scan (read the pending device) and confirm with the first code; returns the recovery codes
    as the page shows them."""
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(pk=client.session["chidao_two_factor_pending"])
    done = client.post(SETUP, {"code": code_for(device)})
    assert done.status_code == 302
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    device.refresh_from_db()
    return device, codes


def enrolled(username, people) -> TOTPDevice:
    """Two-factor sign-in already on for ``username``, set up in a session now closed."""
    device, _ = set_up(sign_in(username))
    return device


# --- Who must ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["leader", "office_leader", "admin"])
def test_a_required_role_is_sent_to_set_it_up_before_any_page(people, username):
    client = sign_in(username)
    for path in ("/", reverse("directives:task_list"), reverse("dashboard")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next={path.replace('/', '%2F')}"


def test_a_system_administrator_must_too(people, django_user_model):
    django_user_model.objects.create_superuser("root", PASSWORD, full_name="Quản trị hệ thống")
    assert sign_in("root").get("/")["Location"].startswith(SETUP)


@pytest.mark.parametrize("username", ["specialist", "unit_head", "unit_staff", "viewer"])
def test_other_roles_sign_in_with_the_password_alone(people, username):
    assert sign_in(username).get("/").status_code == 200


def test_no_role_must_when_the_setting_is_empty(people, settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = []
    assert sign_in("leader").get("/").status_code == 200


def test_the_setup_page_shows_a_qr_code_and_the_key_to_type(people):
    client = sign_in("leader")
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=people.leader)
    assert not device.confirmed
    assert "<svg" in page and "QR" in page
    assert devices.secret_for_typing(device) in page
    assert "Vai trò của bạn bắt buộc" in page
    # The same secret across reloads: a person who scanned it is not left with a stale one.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=people.leader).pk == device.pk


def test_a_wrong_first_code_leaves_it_off_with_a_vietnamese_reason(people):
    client = sign_in("leader")
    client.get(SETUP)
    answer = client.post(SETUP, {"code": "000000"})
    assert answer.status_code == 200
    assert "Mã này không đúng" in answer.content.decode()
    assert not devices.is_enabled(people.leader)
    assert client.get("/").status_code == 302


def test_the_first_right_code_turns_it_on_and_shows_ten_recovery_codes_once(people):
    client = sign_in("leader")
    device, codes = set_up(client)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert devices.recovery_codes_left(people.leader) == 10
    assert client.get("/").status_code == 200  # this session gave the code
    # Shown once: the page does not show them again.
    again = client.get(reverse("twofactor:recovery_codes"))
    assert (
        again.status_code == 302 and codes[0] not in client.get(again["Location"]).content.decode()
    )


# --- Signing in with it ------------------------------------------------------------------------


def test_after_the_password_every_page_waits_for_the_code(people):
    device = enrolled("unit_staff", people)  # optional for this role, on all the same
    client = sign_in("unit_staff")
    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"
    wrong = client.post(VERIFY, {"code": "123456", "next": "/"})
    assert "Mã không đúng" in wrong.content.decode()
    assert client.get("/").status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        right = client.post(VERIFY, {"code": next_code(device), "next": "/tasks/"})
    assert right["Location"] == "/tasks/"
    assert client.get("/").status_code == 200


def test_a_code_works_once(people):
    device = enrolled("leader", people)
    code = next_code(device)
    first = sign_in("leader")
    assert first.post(VERIFY, {"code": code})["Location"] == reverse("home")
    second = sign_in("leader")
    replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert second.get("/").status_code == 302


def test_wrong_codes_in_a_row_are_paused(people):
    device = enrolled("leader", people)
    client = sign_in("leader")
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})
    # Within the pause even the right code is refused, with the reason.
    paused = client.post(VERIFY, {"code": next_code(device)})
    assert "Bạn đã nhập sai nhiều lần liên tiếp" in paused.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        assert client.post(VERIFY, {"code": next_code(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(people):
    client = sign_in("leader")
    _, codes = set_up(client)
    other = sign_in("leader")
    answer = other.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert answer.status_code == 200
    assert "còn 9 mã" in answer.content.decode()
    assert devices.recovery_codes_left(people.leader) == 9
    again = sign_in("leader")
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert again.get("/").status_code == 302


def test_a_password_alone_cannot_replace_the_phone(people):
    device = enrolled("leader", people)
    client = sign_in("leader")
    assert client.get(SETUP)["Location"] == VERIFY
    client.post(SETUP, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=people.leader)) == [device]


def test_an_htmx_request_before_the_code_is_told_where_to_go(people):
    enrolled("leader", people)
    response = sign_in("leader").get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == VERIFY


def test_next_never_leaves_the_site(people):
    device = enrolled("leader", people)
    client = sign_in("leader")
    answer = client.post(VERIFY, {"code": next_code(device), "next": "https://evil.example/"})
    assert answer["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["-999999999999999999999999999999", "home", "evil.example"])
def test_a_next_that_is_not_a_path_goes_home(people, target):
    """``redirect`` takes a word for a URL name: it would answer 500, not go anywhere."""
    device = enrolled("leader", people)
    client = sign_in("leader")
    assert client.get(f"{VERIFY}?next={target}").status_code == 200
    answer = client.post(VERIFY, {"code": next_code(device), "next": target})
    assert answer["Location"] == reverse("home")


def test_the_code_is_asked_again_at_the_next_sign_in(people):
    enrolled("leader", people)
    client = sign_in("leader")
    assert client.get("/").status_code == 302


# --- Managing it -------------------------------------------------------------------------------


def test_an_optional_user_turns_it_on_and_off_with_a_code(people):
    client = sign_in("specialist")
    assert "Đang tắt" in client.get(reverse("twofactor:manage")).content.decode()
    device, _ = set_up(client)
    page = client.get(reverse("twofactor:manage")).content.decode()
    assert "Đang bật" in page and "Còn 10 mã khôi phục" in page
    refused = client.post(reverse("twofactor:manage"), {"action": "off", "code": "000000"})
    assert refused.status_code == 200 and devices.is_enabled(people.specialist)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        client.post(reverse("twofactor:manage"), {"action": "off", "code": next_code(device)})
    assert not devices.is_enabled(people.specialist)
    assert devices.recovery_codes_left(people.specialist) == 0
    assert sign_in("specialist").get("/").status_code == 200


def test_a_required_role_cannot_turn_it_off(people):
    client = sign_in("leader")
    device, _ = set_up(client)
    answer = client.post(
        reverse("twofactor:manage"), {"action": "off", "code": next_code(device)}, follow=True
    )
    assert "không thể tắt" in answer.content.decode()
    assert devices.is_enabled(people.leader)


def test_new_recovery_codes_replace_the_old(people):
    client = sign_in("leader")
    device, old = set_up(client)
    answer = client.post(
        reverse("twofactor:manage"), {"action": "new_codes", "code": next_code(device)}
    )
    assert answer["Location"] == reverse("twofactor:recovery_codes")
    new = re.findall(
        r"<code>([a-z2-7-]{14})</code>", client.get(answer["Location"]).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()


# --- The admin site ----------------------------------------------------------------------------


def test_the_admin_site_asks_for_the_second_factor_of_everyone(people, settings):
    settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = []
    client = sign_in("admin")
    assert client.get("/").status_code == 200  # the product's pages: the password is enough
    answer = client.get("/admin/")
    assert answer["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    set_up(client)
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_refuses_a_session_without_the_code(people, rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = people.admin
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_devices_secrets_are_not_on_the_admin_site(people):
    client = sign_in("admin")
    set_up(client)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_an_administrator_resets_a_lost_phone_within_their_scope(people):
    enrolled("leader", people)
    enrolled("outsider", people)
    client = sign_in("admin")
    set_up(client)
    client.post(
        reverse("admin:org_person_changelist"),
        {
            "action": "reset_two_factor",
            ACTION_CHECKBOX_NAME: [people.leader.pk, people.outsider.pk],
        },
    )
    assert not devices.is_enabled(people.leader)
    assert devices.is_enabled(people.outsider)  # another province's: not theirs to reset
    # The leader's next sign-in asks them to set it up again.
    assert sign_in("leader").get("/")["Location"].startswith(SETUP)


# --- Settings ----------------------------------------------------------------------------------


def _settings_in_a_fresh_process(extra_env: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chidao.test_settings", **extra_env}
    code = "import django; django.setup(); from django.conf import settings as s; " + (
        "print(s.CHIDAO_TWO_FACTOR_REQUIRED_ROLES, s.AUTHENTICATION_BACKENDS[-1])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_single_sign_on_refuses_to_start_half_configured():
    done = _settings_in_a_fresh_process({"OIDC_RP_CLIENT_ID": "chidao"})
    assert done.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT" in done.stderr


def test_single_sign_on_is_a_backend_only_when_configured():
    endpoints = {
        name: "https://sso.tinh.gov.vn/x"
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
    }
    on = _settings_in_a_fresh_process({"OIDC_RP_CLIENT_ID": "chidao", **endpoints})
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[-1] == "chidao.org.sso.ProvinceSignOn"
    off = _settings_in_a_fresh_process({"OIDC_RP_CLIENT_ID": ""})
    assert off.stdout.split()[-1] == "django.contrib.auth.backends.ModelBackend"


def test_after_new_recovery_codes_the_way_on_leads_home(people):
    client = sign_in("leader")
    device, _ = set_up(client)
    client.post(reverse("twofactor:manage"), {"action": "new_codes", "code": next_code(device)})
    page = client.get(reverse("twofactor:recovery_codes")).content.decode()
    assert f'href="{reverse("home")}"' in page


@pytest.mark.parametrize(("required", "lands_on"), [(True, SETUP), (False, reverse("home"))])
def test_a_phone_reset_while_the_code_is_asked_leads_on(people, settings, required, lands_on):
    """The administrator reset the phone between the password and the code: a required role
    sets it up again, another goes on with the password alone."""
    if not required:
        settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES = []
    enrolled("leader", people)
    client = sign_in("leader")
    assert client.get("/")["Location"].startswith(VERIFY)
    devices.turn_off(people.leader)
    assert client.get(VERIFY)["Location"] == lands_on
    assert client.get("/").status_code == (302 if required else 200)
