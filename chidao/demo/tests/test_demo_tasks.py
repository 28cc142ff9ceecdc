"""The demo's eighteen months of tasks: every state and timeliness, replayed through the actions."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from chidao.directives.models import (
    Decision,
    Difficulty,
    Directive,
    DirectiveKind,
    Extension,
    LateExplanation,
    State,
    Task,
)
from chidao.directives.timeliness import Timeliness, Today, counting_groups, timeliness_of
from chidao.org.models import UnitKind

# What the demo holds comes from its generator whatever the engine: its content is checked in the
# SQLite run; on PostgreSQL the demo is loaded by the backup's round trip (README, Tests).
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the demo's content: runs in the SQLite run"
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for this module (it takes a few seconds), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--password", "Demo-2026-mat-khau", stdout=io.StringIO())
        yield Today.now()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Each test still runs in its own savepoint inside the module's transaction."""


def test_there_are_about_six_hundred_tasks_in_every_state_and_timeliness(demo):
    tasks = list(Task.objects.all())
    assert len(tasks) >= 600
    assert {t.state for t in tasks} == set(State.values)
    seen = {timeliness_of(t, demo) for t in tasks}
    assert seen == set(Timeliness.values)


def test_the_counting_groups_add_up(demo):
    counts = counting_groups(Task.objects.all(), demo.date)
    assert counts.total == (
        counts.done_on_time + counts.done_late + counts.open_within + counts.open_overdue
    )
    assert counts.done_on_time_after_extension > 0
    assert 0 < counts.overdue_rate < 0.3


def test_every_late_completion_carries_its_explanation(demo):
    late = [
        t for t in Task.objects.filter(state=State.DONE) if timeliness_of(t, demo) == "done_late"
    ]
    assert late
    explained = set(LateExplanation.objects.values_list("task_id", flat=True))
    assert {t.pk for t in late} <= explained


def test_extensions_difficulties_and_commune_parts_are_there(demo):
    decisions = set(Extension.objects.values_list("decision", flat=True))
    assert {Decision.APPROVED, Decision.PENDING} <= decisions
    assert Difficulty.objects.filter(is_open=True).exists()
    assert Difficulty.objects.filter(is_open=False).exclude(guidance="").exists()
    assert Difficulty.objects.filter(addressed_to="office_leader").exists()
    commune_parts = Task.objects.filter(parent__isnull=False, lead_unit__kind=UnitKind.COMMITTEE)
    assert commune_parts.filter(state=State.DONE).exists()
    assert Task.objects.filter(series__isnull=False).exists()  # recurring reports


def test_directives_look_official(demo):
    directives = Directive.objects.all()
    assert directives.filter(is_confidential=True).exists()
    meetings = directives.filter(kind=DirectiveKind.MEETING)
    assert meetings.exists() and not meetings.filter(meeting_chair__isnull=True).exists()
    letter = directives.exclude(kind=DirectiveKind.MEETING).first()
    assert "/" in letter.reference and letter.signer is not None
    # A commune runs its own directives too.
    assert directives.filter(issuer__level="commune").exists()


# Words of English that crept into document symbols ("24/UBND-COMMUNES").
ENGLISH = {
    "COMMUNE", "COMMUNES", "PROVINCE", "OFFICE", "DEPARTMENT", "DIVISION", "UNIT", "UNITS",
    "BLOCK", "SECTOR", "LETTER", "PLAN", "MEETING", "OTHER", "NONE", "THE", "AND", "OF",
}  # fmt: skip


def test_document_symbols_are_vietnamese_codes(demo):
    """Decree 30/2020: the number, then the issuer's code and the drafting unit's (UBND-TH)."""
    letters = Directive.objects.exclude(number__isnull=True)
    assert letters.exists()
    for directive in letters:
        reference = directive.reference
        assert re.fullmatch(r"[0-9]+/[A-ZĐ]+(-[A-ZĐ]+)+", reference), reference
        assert not set(re.split(r"[/-]", reference)) & ENGLISH, reference
    # Letters to the communes are drafted by the Office's Phòng Tổng hợp.
    to_communes = letters.filter(tasks__lead_unit__kind=UnitKind.COMMITTEE, tasks__parent=None)
    assert to_communes.filter(symbol="UBND-TH").exists()


def test_every_timeline_verifies(demo):
    out = io.StringIO()
    # The demo's history spans months: the worker anchors it on its first pass, as here.
    call_command("anchor_timelines", stdout=io.StringIO())
    with translation.override("en"):
        call_command("verify_timelines", stdout=out)  # raises CommandError on a broken chain
    assert "all intact" in out.getvalue()
