"""Tamper evidence against someone with database access (and without the timeline key): each
kind of tampering below is done the way such a person would, in SQL around the application,
and ``verify_timelines`` must name exactly the tasks, events and reasons."""

import datetime
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from chidao.directives import actions, anchors
from chidao.directives.models import Attachment, Task, TaskEvent
from chidao.directives.tests.conftest import issue
from chidao.directives.timeline import Break, verify
from chidao.env import env_keys
from chidao.notifications import daily
from chidao.notifications.models import Notification
from chidao.notifications.tests.test_worker import smtp  # noqa: F401 (the real SMTP fixture)

UTC = datetime.UTC
ISSUED = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
RECEIVED = datetime.datetime(2026, 3, 3, 3, 15, tzinfo=UTC)
PROGRESS = datetime.datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
COMMENTED = datetime.datetime(2026, 3, 11, 9, 45, tzinfo=UTC)
ANCHORED = datetime.datetime(2026, 3, 12, 0, 0, tzinfo=UTC)
# Verification runs days after every event (the fixture's task is issued at the real time).
LATER = datetime.datetime.now(UTC) + datetime.timedelta(days=3)
KEY = "test-suite-timeline-key-not-secret-0123"  # test_settings' key "test"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def at(moment):
    return time_machine.travel(moment, tick=False)


def act(task, people):
    """#1 assigned, #2 received, #3 progress with a file, #4 comment."""
    with at(RECEIVED):
        actions.receive(people.unit_staff, task)
    with at(PROGRESS):
        upload = SimpleUploadedFile("Phương án.pdf", PDF, content_type="application/pdf")
        actions.post_progress(people.unit_staff, task, "Đã có dự thảo", 40, files=[upload])
    with at(COMMENTED):
        actions.comment(people.specialist, task, "Đề nghị bổ sung số liệu")
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def task(org, people):
    """The shared fixture's task, issued in March like its events: a key rotation judges each
    event by its time."""
    with at(ISSUED):
        return another(org, people, "Tham mưu phương án phân bổ vốn đầu tư công năm 2026")


@pytest.fixture
def acted(task, people):
    return act(task, people)


def another(org, people, content="Báo cáo tình hình giải ngân quý I"):
    (task,) = issue(
        people.specialist,
        org,
        people,
        actions.TaskSpec(
            content=content, lead_unit=org.finance, deadline_date=datetime.date(2026, 4, 10)
        ),
    )
    return task


def anchor():
    with at(ANCHORED):
        call_command("anchor_timelines", stdout=io.StringIO())


def sql(query, *params):
    """SQL around the application; ``{events}``, ``{tasks}``, ``{notes}``, ``{files}`` are the
    tables' quoted names."""
    names = {
        "events": TaskEvent._meta.db_table,
        "tasks": Task._meta.db_table,
        "notes": Notification._meta.db_table,
        "files": Attachment._meta.db_table,
    }
    quoted = {key: connection.ops.quote_name(value) for key, value in names.items()}
    with connection.cursor() as cursor:
        cursor.execute(query.format(**quoted), params)
        return cursor.rowcount


def plain_sha256(event):
    canonical = json.dumps(
        {"content": event.content(), "prev": event.prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def rewrite(task, changes, hasher):
    """Change event #3's data, then recompute the chain from there with ``hasher`` and point
    the task's head at the new end: what a forger with the tables, but not the key, can do."""
    events = list(TaskEvent.objects.filter(task=task).order_by("seq"))
    previous = events[1].hash
    for event in events[2:]:
        if event.seq == 3:
            event.data = {**event.data, **changes}
        event.prev_hash = previous
        event.hash, event.key_id = hasher(event)
        sql(
            "UPDATE {events} SET data = %s, prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            json.dumps(event.data),
            event.prev_hash,
            event.hash,
            event.key_id,
            event.pk,
        )
        previous = event.hash
    sql("UPDATE {tasks} SET event_head = %s WHERE id = %s", previous, task.pk)


def verify_command(*args):
    """The command's report lines and its final message (None when all is intact), in English."""
    out = io.StringIO()
    with translation.override("en"), at(LATER):
        try:
            call_command("verify_timelines", *args, stdout=out)
        except CommandError as error:
            return out.getvalue().splitlines(), str(error)
    return out.getvalue().splitlines(), None


def test_an_intact_anchored_history_with_its_file_verifies(acted):
    anchor()

    lines, failure = verify_command()

    assert failure is None
    assert lines[-1] == "1 timelines verified, all intact."
    assert acted.events.filter(key_id="test").count() == 4


def test_an_event_rewritten_with_the_chain_recomputed_under_a_guessed_key_is_found(acted, settings):
    anchor()
    guessed = {"test": "a-guess-at-the-timeline-key-0123456789"}

    def forge(event):
        with translation.override(None):
            settings.CHIDAO_TIMELINE_KEYS = guessed
            try:
                return event.compute_hash(), "test"
            finally:
                settings.CHIDAO_TIMELINE_KEYS = {"test": KEY}

    rewrite(acted, {"percent": 90}, forge)

    assert verify(Task.objects.get(pk=acted.pk)) == Break(acted.pk, 3, "content")
    lines, failure = verify_command()
    assert lines == [f"Task {acted.pk}, event #3: the event's content was changed."]
    assert failure == "1 problem found, in 1 timelines or documents."


def test_an_event_rewritten_with_the_chain_recomputed_in_plain_sha256_is_found(acted):
    anchor()

    rewrite(acted, {"percent": 90}, lambda event: (plain_sha256(event), ""))

    lines, _failure = verify_command()
    assert lines == [f"Task {acted.pk}, event #3: the event is not signed with a timeline key."]


def test_plain_sha256_claiming_the_key_is_found_as_changed_content(acted):
    rewrite(acted, {"percent": 90}, lambda event: (plain_sha256(event), "test"))

    assert verify(Task.objects.get(pk=acted.pk)) == Break(acted.pk, 3, "content")


def test_a_whole_history_deleted_with_the_head_reset_is_found_by_the_anchor(acted):
    anchor()
    sql("DELETE FROM {notes} WHERE task_id = %s", acted.pk)
    sql("UPDATE {files} SET event_id = NULL, task_id = NULL WHERE task_id = %s", acted.pk)
    assert sql("DELETE FROM {events} WHERE task_id = %s", acted.pk) == 4
    sql("UPDATE {tasks} SET event_count = 0, event_head = '' WHERE id = %s", acted.pk)

    # The chain alone has nothing left to contradict it.
    assert verify(Task.objects.get(pk=acted.pk)) is None
    lines, failure = verify_command("--skip-files")
    assert lines == [
        f"Task {acted.pk}, event #4: the anchor log recorded the timeline up to this event, "
        "which is gone."
    ]
    assert failure == "1 problem found, in 1 timelines or documents."


def test_a_tail_cut_with_the_head_reset_to_a_genuine_event_is_found_by_the_anchor(acted):
    anchor()
    head = acted.events.get(seq=3).hash
    sql("DELETE FROM {notes} WHERE event_id IN (SELECT id FROM {events} WHERE task_id = %s "
        "AND seq = 4)", acted.pk)  # fmt: skip
    assert sql("DELETE FROM {events} WHERE task_id = %s AND seq = 4", acted.pk) == 1
    sql("UPDATE {tasks} SET event_count = 3, event_head = %s WHERE id = %s", head, acted.pk)

    assert verify(Task.objects.get(pk=acted.pk)) is None
    lines, _failure = verify_command()
    assert lines == [
        f"Task {acted.pk}, event #4: the anchor log recorded the timeline up to this event, "
        "which is gone."
    ]


def test_a_tail_cut_before_any_anchor_is_found_once_it_is_two_days_old(acted):
    """No anchor ever covered the events: then any event older than the grace period shows."""
    lines, failure = verify_command()

    assert lines == [
        f"Task {acted.pk}, event #1: no anchor covers this event, written more than 48 hours "
        "ago (is the daily anchor running? was the anchor log cut?)"
        "."
    ]
    assert failure == "1 problem found, in 1 timelines or documents."


def test_an_event_deleted_is_found_missing(acted):
    anchor()
    sql("DELETE FROM {notes} WHERE event_id IN (SELECT id FROM {events} WHERE task_id = %s "
        "AND seq = 2)", acted.pk)  # fmt: skip
    assert sql("DELETE FROM {events} WHERE task_id = %s AND seq = 2", acted.pk) == 1

    lines, _failure = verify_command()
    assert lines == [f"Task {acted.pk}, event #2: an event is missing."]


def test_an_edited_anchor_log_line_is_found(acted, settings):
    anchor()
    path = settings.CHIDAO_ANCHOR_LOG
    entry = json.loads(path.read_text())
    entry["tasks"] = [[acted.pk, 2, acted.events.get(seq=2).hash]]  # as if only #1-#2 existed
    path.write_text(json.dumps(entry) + "\n")

    lines, _failure = verify_command()
    assert lines == [
        "Anchor log, line 1: the entry was changed (its signature does not match).",
        # With the only entry discarded, the events have no anchor.
        f"Task {acted.pk}, event #1: no anchor covers this event, written more than 48 hours "
        "ago (is the daily anchor running? was the anchor log cut?).",
    ]


def test_a_removed_anchor_log_line_in_the_middle_is_found(acted, people, settings):
    anchor()
    with at(ANCHORED + datetime.timedelta(days=1)):
        actions.comment(people.specialist, acted, "Thêm ý kiến")
        call_command("anchor_timelines", stdout=io.StringIO())
        call_command("anchor_timelines", stdout=io.StringIO())
    path = settings.CHIDAO_ANCHOR_LOG
    first, _second, third = path.read_text().splitlines()
    path.write_text(f"{first}\n{third}\n")

    lines, _failure = verify_command()
    assert lines == [
        "Anchor log, line 2: the entry does not follow the one before it (an entry was removed)."
    ]


def test_a_cut_anchor_log_is_found_by_the_mailed_digest_and_by_the_events_it_no_longer_covers(
    acted, people, settings
):
    anchor()
    with at(ANCHORED + datetime.timedelta(days=1)):
        actions.comment(people.specialist, acted, "Thêm ý kiến")
        call_command("anchor_timelines", stdout=io.StringIO())
    path = settings.CHIDAO_ANCHOR_LOG
    first, last = path.read_text().splitlines()
    mailed = json.loads(last)["mac"]
    assert verify_command("--expect-anchor", mailed)[1] is None
    path.write_text(f"{first}\n")

    lines, _failure = verify_command("--expect-anchor", mailed)
    assert lines == [
        f"Anchor log: no entry has the digest {mailed}: the log was cut or replaced.",
        f"Task {acted.pk}, event #5: no anchor covers this event, written more than 48 hours "
        "ago (is the daily anchor running? was the anchor log cut?).",
    ]


def test_a_changed_attached_file_is_found_even_with_its_recorded_hash_changed_too(acted):
    anchor()
    attachment = Attachment.objects.get(task=acted)
    with attachment.file.storage.open(attachment.file.name, "wb") as f:
        f.write(PDF.replace(b"Catalog", b"Katalog"))
    forged = hashlib.sha256(PDF.replace(b"Catalog", b"Katalog")).hexdigest()
    sql("UPDATE {files} SET sha256 = %s WHERE id = %s", forged, attachment.pk)

    lines, _failure = verify_command()
    assert lines == [f"Task {acted.pk}, event #3: the attached file “Phương án.pdf” was changed."]


def test_a_removed_attached_file_is_found(acted):
    anchor()
    attachment = Attachment.objects.get(task=acted)
    attachment.file.storage.delete(attachment.file.name)

    lines, _failure = verify_command()
    assert lines == [f"Task {acted.pk}, event #3: the attached file “Phương án.pdf” is missing."]
    assert verify_command("--skip-files")[1] is None


def test_every_broken_task_is_reported_not_only_the_first(acted, org, people):
    second = another(org, people)
    third = another(org, people, "Rà soát danh mục dự án")
    fourth = another(org, people, "Tổng hợp kiến nghị cử tri")
    anchor()
    sql("""UPDATE {events} SET data = '{{"text": "forged"}}' WHERE task_id = %s AND seq = 1""",
        second.pk)  # fmt: skip
    sql("UPDATE {events} SET prev_hash = %s WHERE task_id = %s AND seq = 3", "0" * 64, acted.pk)
    sql("UPDATE {events} SET key_id = 'gone' WHERE task_id = %s AND seq = 1", fourth.pk)

    lines, failure = verify_command("--skip-files")

    assert lines == [
        f"Task {acted.pk}, event #3: the link to the previous event is broken.",
        f"Task {second.pk}, event #1: the event's content was changed.",
        f"Task {fourth.pk}, event #1: the event is signed with the key “gone”, which is not "
        "configured.",
    ]
    assert failure == "3 problems found, in 3 timelines or documents."
    assert verify_command("--skip-files", "--task", str(third.pk))[1] is None


def test_a_task_named_by_the_anchors_that_no_longer_exists_is_reported(acted, org, people):
    # The task vanishes from the database once anchored; the anchor log keeps it.
    sid = transaction.savepoint()
    gone = another(org, people)
    anchor()
    transaction.savepoint_rollback(sid)
    assert not Task.objects.filter(pk=gone.pk).exists()

    lines, _failure = verify_command()
    assert lines == [
        f"Task {gone.pk}, event #1: the task is in the anchor log but no longer exists."
    ]


def test_a_rotated_key_signs_new_events_while_the_old_key_still_verifies_the_old(
    acted, people, settings
):
    anchor()  # under the old key
    settings.CHIDAO_TIMELINE_KEYS = {"2027": "the-next-timeline-key-0123456789abcdef", "test": KEY}
    with at(ANCHORED + datetime.timedelta(days=1)):
        actions.comment(people.specialist, acted, "Sau khi đổi khóa")
        call_command("anchor_timelines", stdout=io.StringIO())

    assert list(acted.events.order_by("seq").values_list("key_id", flat=True)) == [
        "test", "test", "test", "test", "2027",
    ]  # fmt: skip
    assert [json.loads(line)["key"] for line in settings.CHIDAO_ANCHOR_LOG.open()] == [
        "test", "2027",
    ]  # fmt: skip
    assert verify_command()[1] is None

    # An old key removed too early: what it signed can no longer be vouched for, and says so.
    settings.CHIDAO_TIMELINE_KEYS = {"2027": "the-next-timeline-key-0123456789abcdef"}
    lines, failure = verify_command()
    assert lines == [
        "Anchor log, line 1: the entry is signed with the key “test”, which is not configured.",
        f"Task {acted.pk}, event #1: the event is signed with the key “test”, which is not "
        "configured.",
    ]
    assert failure == "2 problems found, in 1 timelines or documents."


def unkey(task):
    """Turn a task's chain into one written before the keys: plain SHA-256, no key id."""
    previous = ""
    for event in TaskEvent.objects.filter(task=task).order_by("seq"):
        event.prev_hash, event.key_id = previous, ""
        event.hash = plain_sha256(event)
        sql(
            "UPDATE {events} SET prev_hash = %s, hash = %s, key_id = '' WHERE id = %s",
            event.prev_hash,
            event.hash,
            event.pk,
        )
        previous = event.hash
    sql("UPDATE {tasks} SET event_head = %s WHERE id = %s", previous, task.pk)


def test_an_unkeyed_chain_from_before_the_upgrade_is_verified_then_signed_once(
    acted, org, people, settings
):
    second = another(org, people)
    unkey(acted)
    unkey(second)
    assert verify(Task.objects.get(pk=acted.pk)) == Break(acted.pk, 1, "unkeyed")
    assert verify(Task.objects.get(pk=acted.pk), legacy=True) is None

    out = io.StringIO()
    with translation.override("en"), at(ANCHORED):
        call_command("sign_timelines", stdout=out)

    assert out.getvalue().startswith("5 events of 2 tasks signed with the key “test”; anchor #1")
    assert not TaskEvent.objects.filter(key_id="").exists()
    assert verify_command()[1] is None
    entry = json.loads(settings.CHIDAO_ANCHOR_LOG.read_text())
    assert entry["kind"] == "sign"
    assert sorted(task for task, _count, _head in entry["tasks"]) == [acted.pk, second.pk]

    # Once signed, an unkeyed event is tampering: it is neither accepted nor signed.
    unkey(second)
    with translation.override("en"), pytest.raises(CommandError, match="already signed"):
        call_command("sign_timelines", stdout=io.StringIO())
    lines, _failure = verify_command()
    assert lines == [f"Task {second.pk}, event #1: the event is not signed with a timeline key."]


def test_a_broken_unkeyed_chain_is_not_signed(acted):
    unkey(acted)
    sql("""UPDATE {events} SET data = '{{"text": "forged"}}' WHERE task_id = %s AND seq = 2""",
        acted.pk)  # fmt: skip
    before = list(TaskEvent.objects.filter(task=acted).order_by("seq").values())

    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="Nothing was signed"):
        call_command("sign_timelines", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Task {acted.pk}, event #2: the event's content was changed."
    ]
    assert list(TaskEvent.objects.filter(task=acted).order_by("seq").values()) == before


def test_the_anchor_digest_is_mailed_to_the_configured_address(acted, settings, smtp):  # noqa: F811
    settings.CHIDAO_ANCHOR_EMAIL = "luu-tru@stc.example.vn"

    with translation.override("en"):
        out = io.StringIO()
        call_command("anchor_timelines", stdout=out)

    digest = json.loads(settings.CHIDAO_ANCHOR_LOG.read_text())["mac"]
    (message,) = smtp.messages
    assert message["To"] == "luu-tru@stc.example.vn"
    assert message["Subject"] == "Chỉ đạo: timeline anchor #1"
    assert f"verify_timelines --expect-anchor {digest}" in message.get_content()
    assert out.getvalue().splitlines()[-1] == "Digest e-mailed."


def test_the_daily_job_appends_only_the_tasks_changed_since_the_last_entry(
    acted, org, people, settings
):
    other = another(org, people)
    daily.anchor_timelines(datetime.date(2026, 3, 12))
    with at(datetime.datetime.now(UTC) + datetime.timedelta(hours=2)):
        actions.comment(people.specialist, other, "Đã xem")
        daily.anchor_timelines(datetime.date(2026, 3, 13))

    log = anchors.read()
    assert (log.entries, log.breaks) == (2, [])
    first, second = (
        json.loads(line) for line in settings.CHIDAO_ANCHOR_LOG.read_text().splitlines()
    )
    assert (first["kind"], second["kind"]) == ("daily", "daily")
    assert [task for task, _c, _h in first["tasks"]] == [acted.pk, other.pk]
    assert second["tasks"] == [[other.pk, 2, Task.objects.get(pk=other.pk).event_head]]
    assert oct(settings.CHIDAO_ANCHOR_LOG.stat().st_mode & 0o777) == "0o600"


def test_the_keys_are_read_in_order_and_a_malformed_one_is_refused_without_echoing_it(
    monkeypatch,
):
    monkeypatch.setenv("CHIDAO_TIMELINE_KEYS", "# rotated 2027\n2027:" + "n" * 40 + "\ntest:" + KEY)
    assert list(env_keys("CHIDAO_TIMELINE_KEYS")) == ["2027", "test"]

    for malformed, secret in [
        ("no-colon-" + "s" * 40, "s" * 40),
        ("bad id:" + "s" * 40, "s" * 40),
        ("short:tiny-Secret-9", "tiny-Secret-9"),
    ]:
        monkeypatch.setenv("CHIDAO_TIMELINE_KEYS", malformed)
        with pytest.raises(ImproperlyConfigured) as error:
            env_keys("CHIDAO_TIMELINE_KEYS")
        assert str(error.value).startswith("CHIDAO_TIMELINE_KEYS: ")
        assert secret not in str(error.value)


def test_production_refuses_to_start_without_a_timeline_key():
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHIDAO_")}
    environment.update(SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="chidao.settings")
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0
    assert "CHIDAO_TIMELINE_KEYS (or CHIDAO_TIMELINE_KEYS_FILE) must be set" in started.stderr


def test_verifying_without_any_key_says_so(acted, settings):
    settings.CHIDAO_TIMELINE_KEYS = {}

    with pytest.raises(ImproperlyConfigured, match="CHIDAO_TIMELINE_KEYS"):
        call_command("verify_timelines", stdout=io.StringIO())


# --- A restore on the record (``rebaseline``): a rollback the key's holder vouches for -------

BACKUP = {"created_at": "2026-03-12T06:00:00+00:00", "sha256": "ab" * 32, "manifest_sha256": "cd"}


def roll_back_to(task, seq):
    """What restoring a backup taken at event ``seq`` leaves: the later events gone."""
    head = task.events.get(seq=seq).hash
    sql("DELETE FROM {notes} WHERE event_id IN (SELECT id FROM {events} WHERE task_id = %s "
        "AND seq > %s)", task.pk, seq)  # fmt: skip
    sql("UPDATE {files} SET event_id = NULL, task_id = NULL WHERE event_id IN (SELECT id FROM "
        "{events} WHERE task_id = %s AND seq > %s)", task.pk, seq)  # fmt: skip
    sql("DELETE FROM {events} WHERE task_id = %s AND seq > %s", task.pk, seq)
    sql("UPDATE {tasks} SET event_count = %s, event_head = %s WHERE id = %s", seq, head, task.pk)


def work_then_anchor(task, people, day, text="Thêm ý kiến"):
    with at(ANCHORED + datetime.timedelta(days=day)):
        actions.comment(people.specialist, task, text)
        call_command("anchor_timelines", stdout=io.StringIO())


def test_a_restore_entry_makes_a_rollback_information_not_a_break(acted, org, people, settings):
    from chidao.directives import rebaseline

    anchor()
    sid = transaction.savepoint()
    gone = another(org, people)  # created after the backup, so not in it
    work_then_anchor(acted, people, 1)
    transaction.savepoint_rollback(sid)
    work_then_anchor(acted, people, 1)  # #5, anchored, then lost with the restore
    roll_back_to(acted, 4)
    assert len(verify_command("--skip-files")[0]) == 2  # without a restore entry: two breaks

    with at(ANCHORED + datetime.timedelta(days=2)):
        done = rebaseline.after_restore(BACKUP)

    assert done.rolled_back == [
        rebaseline.RolledBack(acted.pk, 5, 4),
        rebaseline.RolledBack(gone.pk, 1, None),
    ]
    entry = json.loads(settings.CHIDAO_ANCHOR_LOG.read_text().splitlines()[-1])
    assert (entry["kind"], entry["backup"]) == ("restore", BACKUP)
    assert entry["rolled_back"] == [[acted.pk, 5, 4], [gone.pk, 1, None]]
    assert entry["tasks"] == [[acted.pk, 4, Task.objects.get(pk=acted.pk).event_head]]
    lines, failure = verify_command("--skip-files")
    assert failure is None
    assert lines[0].startswith(f"Anchor log, line {entry['n']}: restored on 14/03/2026 ")
    assert lines[0].endswith(
        f"(SHA-256 {'ab' * 32}); 2 tasks lost 2 events recorded after the backup."
    )

    # Work goes on from the restored state, and verifies.
    work_then_anchor(acted, people, 3, "Nhập lại sau khôi phục")
    assert verify_command("--skip-files")[1] is None

    # A rollback without a restore entry, after it, is still tampering.
    roll_back_to(acted, 4)
    lines, failure = verify_command("--skip-files")
    assert lines[1:] == [
        f"Task {acted.pk}, event #5: the anchor log recorded the timeline up to this event, "
        "which is gone."
    ]


def test_a_forged_restore_entry_is_refused_and_the_rollback_still_reported(acted, people, settings):
    anchor()
    work_then_anchor(acted, people, 1)
    roll_back_to(acted, 4)
    path = settings.CHIDAO_ANCHOR_LOG
    last = json.loads(path.read_text().splitlines()[-1])
    forged = {
        "n": last["n"] + 1,
        "at": "2026-03-14T00:00:00+00:00",
        "prev": last["mac"],
        "key": "test",
        "kind": "restore",
        "tasks": [[acted.pk, 4, Task.objects.get(pk=acted.pk).event_head]],
        "backup": BACKUP,
        "rolled_back": [],
    }
    guessed = "a-guess-at-the-timeline-key-0123456789"
    forged["mac"] = hmac.new(guessed.encode(), anchors._canonical(forged), "sha256").hexdigest()
    with path.open("a") as log:
        log.write(json.dumps(forged) + "\n")

    lines, failure = verify_command("--skip-files")
    assert lines == [
        "Anchor log, line 3: the entry was changed (its signature does not match).",
        f"Task {acted.pk}, event #5: the anchor log recorded the timeline up to this event, "
        "which is gone.",
    ]
    assert failure == "2 problems found, in 1 timelines or documents."


def test_an_entry_edited_before_a_restore_entry_is_still_found(acted, people, settings):
    from chidao.directives import rebaseline

    anchor()
    with at(ANCHORED + datetime.timedelta(days=1)):
        rebaseline.after_restore(BACKUP)
    path = settings.CHIDAO_ANCHOR_LOG
    first, second = path.read_text().splitlines()
    entry = json.loads(first)
    entry["tasks"] = []
    path.write_text(json.dumps(entry) + "\n" + second + "\n")

    lines, failure = verify_command("--skip-files")
    assert lines[1:] == [
        "Anchor log, line 1: the entry was changed (its signature does not match).",
    ]
    assert failure == "1 problem found, in 0 timelines or documents."


# --- A retired key signs nothing new --------------------------------------------------------

NEW_KEYS = {"2027": "the-next-timeline-key-0123456789abcdef", "test": KEY}


def forge_with_old_key(settings, task, people, moment, text="Ý kiến giả mạo"):
    """Someone holding only the leaked old key appends an event through the application."""
    settings.CHIDAO_TIMELINE_KEYS = {"test": KEY}
    try:
        with at(moment):
            actions.comment(people.specialist, task, text)
    finally:
        settings.CHIDAO_TIMELINE_KEYS = NEW_KEYS


def test_a_retired_key_cannot_sign_new_events(acted, org, people, settings):
    with at(ISSUED):
        quiet = another(org, people)  # signed with the old key, untouched after the rotation
    anchor()  # under the old key
    settings.CHIDAO_TIMELINE_KEYS = NEW_KEYS  # rotated; the first anchor retires the old key
    work_then_anchor(acted, people, 1, "Sau khi đổi khóa")
    assert verify_command("--skip-files")[1] is None  # the old key's earlier events are fine

    after = ANCHORED + datetime.timedelta(days=2)
    forge_with_old_key(settings, acted, people, after)  # after an event of the new key
    forge_with_old_key(settings, quiet, people, after)  # after the retiring anchor
    lines, failure = verify_command("--skip-files")
    retired = "the event is signed with the key “test”, already replaced by a newer key " \
        "(a retired key signs nothing new)."  # fmt: skip
    assert lines == [
        f"Task {acted.pk}, event #6: {retired}",
        f"Task {quiet.pk}, event #2: {retired}",
    ]
    assert failure == "2 problems found, in 2 timelines or documents."


def test_an_event_of_a_retired_key_dated_before_the_one_before_it_is_found(acted, people, settings):
    anchor()
    settings.CHIDAO_TIMELINE_KEYS = NEW_KEYS
    with at(ANCHORED + datetime.timedelta(days=1)):
        call_command("anchor_timelines", stdout=io.StringIO())

    # Backdated below the rotation, to pass for an event written before it: its time goes back.
    forge_with_old_key(settings, acted, people, PROGRESS)
    lines, _failure = verify_command("--skip-files")
    assert lines == [
        f"Task {acted.pk}, event #5: the event, signed with the replaced key “test”, is dated "
        "before the event before it."
    ]


def test_an_anchor_entry_signed_with_a_retired_key_is_refused(acted, people, settings):
    anchor()
    settings.CHIDAO_TIMELINE_KEYS = NEW_KEYS
    work_then_anchor(acted, people, 1)
    settings.CHIDAO_TIMELINE_KEYS = {"test": KEY}  # the leaked key writes an entry
    with at(ANCHORED + datetime.timedelta(days=2)):
        call_command("anchor_timelines", stdout=io.StringIO())
    settings.CHIDAO_TIMELINE_KEYS = NEW_KEYS

    lines, _failure = verify_command("--skip-files")
    assert lines == [
        "Anchor log, line 3: the entry is signed with the key “test”, already replaced by a "
        "newer key."
    ]
