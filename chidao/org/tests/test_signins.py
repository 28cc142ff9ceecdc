"""Password guessing is stopped by account and by address; every sign-in and failure is kept with
its address and time; a person sees their own; an administrator unlocks an account."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chidao.conftest import PASSWORD

OFFICE = "10.20.30.40"
HOME = "10.99.0.7"


def sign_in(username, password, address=OFFICE, **extra):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT="Chromium thử", **extra).post(
        reverse("login"), {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.CHIDAO_SIGN_IN_FAILURES_PER_ADDRESS = 12


def guess(username, times, address=OFFICE):
    return [sign_in(username, f"doan-sai-{n}", address) for n in range(times)]


def test_four_wrong_passwords_leave_the_account_open(people):
    answers = guess("unit_staff", 4)
    assert [a.status_code for a in answers] == [200] * 4
    assert signed_in(sign_in("unit_staff", PASSWORD))


def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_refused(people):
    answers = guess("unit_staff", 5)
    assert [a.status_code for a in answers] == [200] * 4 + [429]
    right = sign_in("unit_staff", PASSWORD)
    assert right.status_code == 429
    text = right.content.decode()
    assert "Tài khoản đã bị khóa sau 5 lần nhập sai mật khẩu liên tiếp" in text
    assert "Hãy thử lại sau 30 phút" in text
    # Locked for this account from anywhere, and only for it.
    assert sign_in("unit_staff", PASSWORD, HOME).status_code == 429
    assert signed_in(sign_in("unit_head", PASSWORD))


def test_the_lock_lifts_30_minutes_after_the_last_attempt(people):
    guess("unit_staff", 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert signed_in(sign_in("unit_staff", PASSWORD))


def test_trying_while_locked_keeps_the_lock_from_then_on(people):
    start = timezone.now()
    guess("unit_staff", 5)
    with time_machine.travel(start + datetime.timedelta(minutes=29)):
        assert sign_in("unit_staff", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=31)):
        assert sign_in("unit_staff", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=62)):
        assert signed_in(sign_in("unit_staff", PASSWORD))


def test_with_no_lock_minutes_only_an_administrator_lifts_the_lock(people, settings):
    settings.AXES_COOLOFF_TIME = None
    guess("unit_staff", 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        refused = sign_in("unit_staff", PASSWORD)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Tài khoản đã bị khóa sau 5 lần" in text
    assert "Hãy thử lại sau" not in text
    assert "quản trị hệ thống mở khóa" in text


def test_a_right_password_resets_the_count(people):
    guess("unit_staff", 4)
    assert signed_in(sign_in("unit_staff", PASSWORD))
    assert [a.status_code for a in guess("unit_staff", 4)] == [200] * 4


def test_an_administrator_unlocks_the_account_at_once(people, client):
    guess("unit_staff", 5)
    client.force_login(people.admin)
    response = client.post(
        reverse("admin:org_person_changelist"),
        {"action": "unlock_sign_in", ACTION_CHECKBOX_NAME: [people.unit_staff.pk]},
        follow=True,
    )
    assert "Đã mở khóa đăng nhập cho 1 người." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="unit_staff").exists()
    assert signed_in(sign_in("unit_staff", PASSWORD))
    # The failures stay in the log: unlocking forgives, it does not erase.
    assert AccessFailureLog.objects.filter(username="unit_staff").count() == 5


def test_an_administrator_outside_the_scope_unlocks_no_one(people, client):
    guess("unit_staff", 5)
    client.force_login(people.outsider)
    client.post(
        reverse("admin:org_person_changelist"),
        {"action": "unlock_sign_in", ACTION_CHECKBOX_NAME: [people.unit_staff.pk]},
    )
    assert sign_in("unit_staff", PASSWORD).status_code == 429


def test_one_password_tried_on_many_accounts_closes_the_address(people):
    """Twelve failures from one address over three accounts (four each: none locked) close the
    address for every account; another address signs in."""
    for username in ("unit_staff", "unit_head", "specialist"):
        guess(username, 4)
    refused = sign_in("viewer", PASSWORD)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "địa chỉ mạng của máy này" in text
    assert "có thể ai đó trong mạng này đang dò mật khẩu" in text
    assert "mở khóa" not in text  # an administrator unlocks accounts, not addresses
    assert signed_in(sign_in("viewer", PASSWORD, HOME))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert signed_in(sign_in("viewer", PASSWORD))


def test_the_admin_sites_sign_in_is_throttled_too(people):
    client = Client(REMOTE_ADDR=OFFICE)
    for n in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": f"sai-{n}"})
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429


def test_every_attempt_is_kept_with_its_address_browser_and_time(people):
    before = timezone.now()
    guess("unit_staff", 2)
    sign_in("unit_staff", PASSWORD, HOME)
    failures = AccessFailureLog.objects.filter(username="unit_staff")
    assert sorted(f.ip_address for f in failures) == [OFFICE, OFFICE]
    assert {f.user_agent for f in failures} == {"Chromium thử"}
    success = AccessLog.objects.get(username="unit_staff")
    assert (success.ip_address, success.user_agent) == (HOME, "Chromium thử")
    assert all(row.attempt_time >= before for row in [*failures, success])


def test_a_person_sees_their_own_recent_sign_ins_and_no_one_elses(people):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 1, 5, tzinfo=datetime.UTC)):
        guess("unit_staff", 1)
        guess("unit_head", 1, HOME)
    with time_machine.travel(datetime.datetime(2026, 11, 21, 2, 30, tzinfo=datetime.UTC)):
        client = Client(REMOTE_ADDR=HOME, HTTP_USER_AGENT="Chromium thử")
        client.post(reverse("login"), {"username": "unit_staff", "password": PASSWORD})
        page = client.get(reverse("org:sign_ins")).content.decode()
    assert page.index("21/11/2026 09:30:00") < page.index("20/11/2026 08:05:00")
    assert "Đăng nhập thành công" in page and "Sai mật khẩu" in page
    assert OFFICE in page and HOME in page  # the failure from the office, the success from home
    assert page.count("Chromium thử") == 2  # two rows: unit_head's failure is not shown


def test_a_person_with_no_recorded_sign_in_is_told_so(client, people):
    client.force_login(people.viewer)  # a forced session, not a sign-in through the form
    AccessLog.objects.all().delete()
    page = client.get(reverse("org:sign_ins")).content.decode()
    assert "Chưa có lần đăng nhập nào được ghi lại." in page
    assert "<table" not in page


def test_the_sign_ins_page_needs_a_sign_in(client, db):
    response = client.get(reverse("org:sign_ins"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "127.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote first is not taken
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "", "127.0.0.1"),
    ],
)
def test_the_address_is_the_one_the_outermost_proxy_saw(
    people, settings, proxies, forwarded, expected
):
    settings.CHIDAO_PROXY_COUNT = proxies
    sign_in("unit_staff", "sai", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert AccessFailureLog.objects.get().ip_address == expected
