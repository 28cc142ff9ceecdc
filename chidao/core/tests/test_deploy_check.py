"""`manage.py check --deploy` refuses a missing or placeholder SECRET_KEY (chidao.E001/E002)
instead of passing on a key manage.py invented for the one run."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from chidao.core.tests.test_settings import _run

REAL_KEY = "prod-" + "x7Gq2LmP9vRt4Zs8Wn1Yb6Kd3Hf5Jc0Ae" * 2


def test_check_deploy_without_a_secret_key_fails_with_e001():
    done = _run(["manage.py", "check", "--deploy"], {})
    assert done.returncode != 0
    assert "chidao.E001" in done.stderr + done.stdout
    assert "SECRET_KEY is not set" in done.stderr + done.stdout


def test_check_deploy_with_the_test_suites_key_fails_with_e002():
    done = _run(["manage.py", "check", "--deploy"], {"SECRET_KEY": "test-suite-key-not-secret"})
    assert done.returncode != 0
    assert "chidao.E002" in done.stderr + done.stdout


def test_check_deploy_with_a_real_key_passes():
    done = _run(["manage.py", "check", "--deploy"], {"SECRET_KEY": REAL_KEY})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chidao.E00" not in done.stdout + done.stderr


def test_commands_other_than_the_deploy_check_still_run_on_an_invented_key():
    """Migrations and imports sign nothing that outlives them (the Makefile's flows)."""
    done = _run(["manage.py", "check"], {})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("key", "invented", "error"),
    [
        (REAL_KEY, True, "chidao.E001"),
        ("django-insecure-" + "a1b2c3d4e5" * 5, False, "chidao.E002"),
        ("short-but-random-9f8e7d", False, "chidao.E002"),
        ("a" * 60, False, "chidao.E002"),
        ("changeme", False, "chidao.E002"),
    ],
)
def test_the_check_refuses_each_kind_of_key_that_is_not_real(settings, key, invented, error):
    settings.SECRET_KEY = key
    settings.CHIDAO_SECRET_KEY_INVENTED = invented
    with pytest.raises(SystemCheckError, match=error):
        call_command("check", deploy=True, tags=["security"])


def test_the_check_passes_a_real_key(settings):
    from chidao.core.checks import secret_key_is_real

    settings.SECRET_KEY = REAL_KEY
    settings.CHIDAO_SECRET_KEY_INVENTED = False
    assert secret_key_is_real(None) == []
