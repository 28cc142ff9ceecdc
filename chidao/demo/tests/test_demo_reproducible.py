"""The demo is the same on every machine: two loads give the same people and tasks."""

import pytest
from django.core.management import call_command
from django.db import connection

from chidao.demo.tests.test_load_demo import _load
from chidao.directives.models import Task
from chidao.org.models import Person

# What the demo holds comes from its generator whatever the engine: its content is checked in the
# SQLite run; on PostgreSQL the demo is loaded by the backup's round trip (README, Tests).
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the demo's content: runs in the SQLite run"
)


def _fingerprint():
    people = list(Person.objects.order_by("username").values_list("username", "full_name"))
    tasks = list(
        Task.objects.order_by("directive__issued_on", "pk").values_list(
            "directive__number", "directive__symbol", "content", "lead_unit__name", "state",
            "deadline", "completed_on", "event_count",
        )
    )  # fmt: skip
    return people, tasks


@pytest.mark.django_db(transaction=True)  # flushes between the two loads: no outer transaction
def test_the_demo_is_reproducible():
    _load("--password", "Demo-2026-mat-khau", "--tasks", "80")
    first = _fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    _load("--password", "Demo-2026-mat-khau", "--tasks", "80")
    assert _fingerprint() == first
    assert len({name for _, name in first[0]}) > 40  # realistic variety of names
    assert len(first[1]) >= 80
