"""Neo diễn biến: the daily anchor of every task's timeline, kept outside the database.

The keyed chain (``signing``) stops anyone without the key from rewriting an event; it cannot
stop someone with database access from deleting a task's history, or its last events, and
resetting the task's head to an earlier, genuine event. The anchor log can: an append-only file
(``CHIDAO_ANCHOR_LOG``, opened ``O_APPEND``, mode 0600) of one JSON line per entry:

    {"at": "…Z", "key": "2026a", "kind": "daily", "n": 12, "prev": "<mac of entry 11>",
     "tasks": [[task id, event count, head hash], …], "mac": "<HMAC of all the rest>"}

1. An entry lists the tasks changed since the previous entry (``Task.updated``, with a margin
   for transactions still open then), the first entry every task: a day's entry is as large as
   the day's work, not as the database.
2. Each entry names the previous entry's MAC and is signed with the current timeline key, so an
   edited, removed or inserted entry is found; the MAC is the entry's digest, e-mailed to
   ``CHIDAO_ANCHOR_EMAIL``, and ``verify_timelines --expect-anchor DIGEST`` proves the log still
   holds it (a log cut at its end is otherwise found through the events it no longer covers).
3. ``verify_timelines`` checks every task against the latest entry naming it: the anchored
   event must still be there with the anchored hash.
4. A "restore" entry (``manage.py restore``, ``rebaseline``) holds every head as restored, the
   backup's identity and the tasks rolled back: from it on, it is the baseline. The entries
   before it are still checked as a chain of signed entries.
"""

import datetime
import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives import signing
from chidao.directives.models import Task
from chidao.directives.timeline import Anchored

# A task changed by a transaction still open when the previous entry was written is stamped
# before that entry but committed after it: the next entry looks back this far.
LOOK_BACK = datetime.timedelta(hours=1)
KINDS = ("daily", "manual", "sign", "restore")


@dataclass(frozen=True)
class LogBreak:
    """A line of the anchor log that cannot be trusted (``line`` 0: the log as a whole)."""

    line: int
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Restore:
    """A "restore" entry (``manage.py restore``): the heads as restored become the baseline;
    ``rolled_back`` lists [task id, anchored count, restored count or None] before it."""

    line: int
    at: str
    backup: dict
    rolled_back: list


@dataclass
class Log:
    """What the anchor log, read and checked, says: each task's latest anchored state."""

    path: Path
    entries: int = 0
    heads: dict[int, Anchored] = field(default_factory=dict)
    digests: set[str] = field(default_factory=set)
    breaks: list[LogBreak] = field(default_factory=list)
    signed_at_line: int = 0  # the line of a "sign" entry (sign_timelines), if any
    restores: list[Restore] = field(default_factory=list)
    # Key id → the end of the second in which an entry signed with a newer key was first
    # written: from then on that key may sign nothing (a leaked old key forges nothing new).
    retired: dict[str, datetime.datetime] = field(default_factory=dict)


def _canonical(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _path() -> Path:
    return Path(settings.CHIDAO_ANCHOR_LOG)


def read(path: Path | None = None) -> Log:
    """Read and check every entry. An entry whose MAC holds is used even when its link to the
    one before is broken (its own content is authentic); the break is reported all the same."""
    log = Log(path or _path())
    try:
        lines = open(log.path, "rb")  # noqa: SIM115 (closed below; read line by line)
    except FileNotFoundError:
        return log
    previous = ""
    newest = None  # the age of the newest key that signed an entry so far
    with lines:
        for number, raw in enumerate(lines, 1):
            try:
                entry = json.loads(raw)
                digest = entry.pop("mac")
                n, prev, key, tasks = entry["n"], entry["prev"], entry["key"], entry["tasks"]
                if not isinstance(n, int) or not isinstance(tasks, list):
                    raise TypeError(number)
            except (ValueError, KeyError, TypeError, AttributeError):
                log.breaks.append(LogBreak(number, "unreadable"))
                continue
            try:
                genuine = signing.same(signing.mac(str(key), _canonical(entry)), str(digest))
            except signing.UnknownKeyError:
                genuine = None
            reason = {None: "unknown_key", False: "signature"}.get(genuine)
            age = signing.age(str(key))
            if genuine and newest is not None and age > newest:
                reason = "retired_key"  # an older key after a newer one: a leaked key's forgery
            if reason:
                # Not to be trusted, but the next entry is still judged by its link to this one.
                log.breaks.append(LogBreak(number, reason, str(key)))
                previous, log.entries = digest, n
                continue
            newest = age if newest is None else min(newest, age)
            if prev != previous or n != log.entries + 1:
                log.breaks.append(LogBreak(number, "link"))
            log.entries = n
            previous = digest
            log.digests.add(digest)
            _retire(log, str(key), entry.get("at"))
            if entry.get("kind") == "sign":
                log.signed_at_line = number
            elif entry.get("kind") == "restore":
                # Signed, so only the key's holder wrote it: the heads as restored replace
                # what was anchored before (rolled back on the record, not tampered with).
                log.heads.clear()
                log.restores.append(_restore(number, entry))
            # A later entry supersedes an earlier one for the same task.
            for task_id, count, head in tasks:
                log.heads[task_id] = Anchored(count, head)
    return log


def _retire(log: Log, key: str, at) -> None:
    """Every configured key older than ``key`` is retired by this (genuine) entry's time."""
    newer = signing.age(key)
    try:
        moment = datetime.datetime.fromisoformat(at) + datetime.timedelta(seconds=1)
    except (TypeError, ValueError):
        return
    if newer is None or moment.tzinfo is None:
        return
    for older in list(settings.CHIDAO_TIMELINE_KEYS)[newer + 1 :]:
        if older not in log.retired or moment < log.retired[older]:
            log.retired[older] = moment


def _restore(line: int, entry: dict) -> Restore:
    backup = entry.get("backup")
    rolled_back = entry.get("rolled_back")
    return Restore(
        line,
        str(entry.get("at")),
        backup if isinstance(backup, dict) else {},
        rolled_back if isinstance(rolled_back, list) else [],
    )


def _last_entry(path: Path) -> dict | None:
    """The last complete line, read backwards from the end: the log is never read whole to
    append to it."""
    try:
        f = open(path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        return None
    with f:
        end = f.seek(0, os.SEEK_END)
        scan = max(end - 1, 0)  # the last line's own newline is not where it starts
        start = 0
        while scan > 0:
            step = min(1 << 16, scan)
            scan -= step
            f.seek(scan)
            newline = f.read(step).rfind(b"\n")
            if newline >= 0:
                start = scan + newline + 1
                break
        f.seek(start)
        try:
            return json.loads(f.read(end - start))
        except ValueError:
            return None  # a torn last line: the next entry's link shows it


@dataclass(frozen=True)
class Entry:
    n: int
    digest: str
    tasks: int
    at: str


def write(
    kind: str = "manual",
    full: bool = False,
    heads: list[list] | None = None,
    extra: dict | None = None,
) -> Entry:
    """Append one entry (see the module's docstring), under an exclusive lock on the log so
    that two writers on this machine never both take the same number. ``heads`` (given by a
    restore) replace those read from the tasks; ``extra`` fields are signed with the rest."""
    assert kind in KINDS
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_entry(path)
        now = clock.now()
        if heads is None:
            heads = _changed_heads(last, full)
        entry = {
            "n": (last or {}).get("n", 0) + 1,
            "at": now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            "prev": (last or {}).get("mac", ""),
            "key": signing.current_key_id(),
            "kind": kind,
            "tasks": heads,
            **(extra or {}),
        }
        entry["mac"] = signing.mac(entry["key"], _canonical(entry))
        line = _canonical(entry) + b"\n"
        while line:
            line = line[os.write(fd, line) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return Entry(entry["n"], entry["mac"], len(heads), entry["at"])


def _changed_heads(last: dict | None, full: bool) -> list[list]:
    tasks = Task.objects.filter(event_count__gt=0)
    if last is not None and not full:
        since = datetime.datetime.fromisoformat(last["at"]) - LOOK_BACK
        tasks = tasks.filter(updated__gte=since)
    return [
        list(row)
        for row in tasks.order_by("pk")
        .values_list("pk", "event_count", "event_head")
        .iterator(chunk_size=5000)
    ]


def mail(entry: Entry, recipients: Iterable[str] | None = None) -> bool:
    """Send the entry's digest to ``CHIDAO_ANCHOR_EMAIL`` (a mailbox outside this server's
    reach): the copy that shows later whether the log was cut. False when no address is set."""
    if recipients is None:
        recipients = [settings.CHIDAO_ANCHOR_EMAIL] if settings.CHIDAO_ANCHOR_EMAIL else []
    if not recipients:
        return False
    values = {"n": entry.n, "at": entry.at, "tasks": entry.tasks, "digest": entry.digest}
    send_mail(
        _("Chỉ đạo: timeline anchor #%(n)s") % values,
        _(
            "Entry #%(n)s of the timeline anchor log was written at %(at)s (UTC), covering "
            "%(tasks)s tasks.\n\nDigest: %(digest)s\n\nKeep this e-mail. To check that the log "
            "on the server still holds this entry:\n"
            "  manage.py verify_timelines --expect-anchor %(digest)s\n"
        )
        % values,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return True
