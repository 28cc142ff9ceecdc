"""Measure the pages at a real province's size and at a nation's: 100,000 and 1,000,000 tasks.

    .venv/bin/python bench/scale.py \
        --database-url postgres://postgres@127.0.0.1:5432/chidao_scale_1m --tasks 1000000 \
        [--reuse] [--seconds 10] [--explain-dir DIR] [--workers 2] [--sequential 20]
    .venv/bin/python bench/scale.py --database-url sqlite:////tmp/chidao_scale_100k.sqlite3 \
        --tasks 100000

1. The database named is EMPTIED (PostgreSQL: dropped and created again; SQLite: the file
   deleted), migrated and filled: the demo's organisation (``chidao.demo.org.build``: the real
   unit tree of Đồng Tháp, its leaders, Office, divisions, specialists and the people of its
   units; every commune also gets a head and a staff account, as a real province gives them),
   then ``--tasks`` tasks over two years: directives of 1 to 10 tasks (a few of the commune that
   runs its own apparatus), every state, on time, overdue, due soon and done late, extensions
   granted and pending, difficulties, cooperating units on about 30% of the tasks, parts handed
   down to communes (about 10%), recurring reports with their periods (a few %), and each task's
   timeline (created, received, progress…, reported, proposed, confirmed) with its hash chain as
   ``TaskEvent.compute_hash`` makes it (checked against it), so ``verify_timelines`` finds every
   timeline intact. One seeded generator makes the rows (nearly the same rows on both databases
   for the same day: no step is dated after the moment of generation, so the hour moves a few
   of that day's steps, and the draws after them; at 100,000, Sở Tài chính's tasks differed by 4
   in 5,500 between two runs 20 minutes apart); a second process writes them while the next are
   generated: COPY on PostgreSQL
   (foreign-key triggers off and the big tables' secondary indexes and unique constraints built
   once after the load, then ``VACUUM ANALYZE``), executemany in batches on SQLite (no
   ``ANALYZE``: a SQLite deployment does not run one). With ``--reuse`` a database that already
   holds exactly ``--tasks`` tasks is only migrated (timeliness is derived from today: on a
   later day a few more tasks are overdue).
2. In this process, each page is requested once by Django's test client with its queries
   captured; every query is run again under ``EXPLAIN (ANALYZE, BUFFERS)`` (SQLite: ``EXPLAIN
   QUERY PLAN``) and written, slowest first, to ``--explain-dir``, one file per page (and one for
   the bare endpoint's query).
3. gunicorn serves the product and a bare Django project (``bench/bare/``: one view, the 50
   overdue tasks first by deadline as a small table, same database, same gunicorn settings). The
   bench logs in as each role; each page is requested 20 times one after the other, then loaded
   with ``wrk -t2 -c8`` (installed with apt when missing) for ``--seconds``, or longer for a slow
   page so that each connection gets about three answers; the requests wrk leaves queued are
   served before the next page. The pages named "uncached" are served by a second server with
   ``CHIDAO_BOARD_CACHE_SECONDS=0`` (every figure counted on every request); the others keep
   their summaries as the product does, once per change of the data (``freshness``), and the
   in-process pass of step 2 shows what counting them costs.

It prints, per page: requests per second, median and 95th-percentile latency under load (wrk's
own percentiles), how many times the bare endpoint's requests per second, the median of the 20
sequential requests, and the query count and SQL time of one request. Nothing here is a pass/fail
test.
"""

import argparse
import bisect
import datetime
import http.cookiejar
import json
import math
import multiprocessing
import os
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from pages import PASSWORD, free_port, opener_for  # noqa: E402

PYTHON = sys.executable
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY_DAYS = 730
CHUNK_TASKS = 20_000  # rows are written every this many tasks
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


# --- set-up -------------------------------------------------------------------------------------
def configure(database_url: str, workdir: Path) -> dict:
    """The environment of this process and of the servers; Django set up on it."""
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "chidao.settings",
        "SECRET_KEY": "bench-" + "x" * 50,
        "CHIDAO_TIMELINE_KEYS": "bench:" + "t" * 40,
        "HTTPS": "false",
        "DEBUG": "false",  # DEBUG keeps every query in memory
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        # Every summary computed on every request here (the EXPLAIN pass shows its cost);
        # the servers keep them as the product does, except the one for "uncached" pages.
        "CHIDAO_BOARD_CACHE_SECONDS": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    return dict(os.environ)


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://"))


def holds(tasks: int) -> bool:
    """The database exists, is migrated and holds exactly ``tasks`` tasks."""
    from django.db import DatabaseError, connection

    try:
        if "directives_task" not in connection.introspection.table_names():
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM directives_task")
            return cursor.fetchone()[0] == tasks
    except DatabaseError:
        return False
    finally:
        connection.close()


def empty_database(database_url: str) -> None:
    """Drop and create the PostgreSQL database, or delete the SQLite file."""
    import dj_database_url
    from django.db import connection

    connection.close()
    config = dj_database_url.parse(database_url)
    if not is_postgres(database_url):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(config["NAME"] + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        name = sql.Identifier(config["NAME"])
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- the organisation ---------------------------------------------------------------------------
@dataclass
class Committee:
    """One committee issuing directives: who signs, enters, confirms; which units carry them out."""

    unit: object
    leaders: dict  # block code -> person id ("" the chairman)
    office_leaders: list
    clerk: int  # the specialist who enters its directives
    pools: dict  # block code -> (units, cumulative weights)
    block_weights: list  # (block code, weight)
    first_level: str  # whom a difficulty goes to first
    numbers: dict = field(default_factory=dict)


@dataclass
class World:
    province: object
    committees: list  # (Committee, weight)
    communes: list
    staff: dict  # unit id -> person id
    heads: dict
    follower: dict  # unit id -> specialist id
    division_head: dict  # specialist id -> division head id


def build_org():
    """The demo's organisation, with a head and a staff account in every commune."""
    from django.db import transaction

    from chidao.demo import org
    from chidao.org.models import Level, Membership, Role, Unit, UnitKind

    with transaction.atomic():
        demo = org.build(PASSWORD)
        staffed = set(
            Membership.objects.filter(role=Role.UNIT_STAFF).values_list("unit_id", flat=True)
        )
        communes = Unit.objects.filter(
            parent=demo.province, kind=UnitKind.COMMITTEE, level=Level.COMMUNE
        ).order_by("admin_code")
        for commune in communes:
            if commune.pk not in staffed:
                demo.person(f"x{commune.admin_code}.ld", commune, Role.UNIT_HEAD, "Chủ tịch UBND")
                demo.person(f"x{commune.admin_code}.cb", commune, Role.UNIT_STAFF, "Công chức")
    return demo.province


def load_world(province, rng: random.Random) -> World:
    from chidao.org.models import FollowAssignment, Membership, Role, Unit, UnitKind

    def pool(units):
        weights = [math.exp(rng.gauss(0, 0.6)) for _ in units]  # some units carry much more
        cumulative, total = [], 0.0
        for weight in weights:
            total += weight
            cumulative.append(total)
        return units, cumulative

    members = {}
    for m in Membership.objects.filter(is_active=True).order_by("pk"):
        members.setdefault((m.role, m.unit_id), []).append(m)

    def people(role, unit):
        return [m.person_id for m in members.get((role, unit.pk), [])]

    office = province.children.get(kind=UnitKind.OFFICE)
    departments = list(
        province.children.filter(kind=UnitKind.DEPARTMENT).select_related("sector_block")
    )
    communes = list(province.children.filter(kind=UnitKind.COMMITTEE).order_by("admin_code"))
    leaders = {"": None}
    for m in members[(Role.COMMITTEE_LEADER, province.pk)]:
        block = m.sector_block.code if m.sector_block_id else ""
        leaders[block] = leaders.get(block) or m.person_id
    leaders["TH"] = leaders[""]  # the communes' letters: signed by the chairman
    blocks = {
        code: [d for d in departments if d.sector_block.code == code] for code in ("KT", "VX", "NC")
    }
    pools = {code: pool(units) for code, units in blocks.items()}
    pools["TH"] = pool(communes)
    follower = dict(
        FollowAssignment.objects.filter(is_active=True).values_list("unit_id", "specialist_id")
    )
    committees = [
        (
            Committee(
                unit=province,
                leaders=leaders,
                office_leaders=people(Role.OFFICE_LEADER, office),
                clerk=follower[departments[0].pk],
                pools=pools,
                block_weights=[("KT", 32), ("VX", 22), ("NC", 20), ("TH", 26)],
                first_level="division_head",
            ),
            97,
        )
    ]
    # The commune that tracks its own leaders' directives (the demo gives one its apparatus).
    for commune in communes:
        own_office = commune.children.filter(kind=UnitKind.OFFICE).first()
        if own_office is None:
            continue
        own = list(commune.children.filter(kind=UnitKind.DEPARTMENT).order_by("pk"))
        leader = people(Role.COMMITTEE_LEADER, commune)[0]
        committees.append(
            (
                Committee(
                    unit=commune,
                    leaders={"": leader},
                    office_leaders=people(Role.OFFICE_LEADER, own_office),
                    clerk=people(Role.SPECIALIST, own_office)[0],
                    pools={"": pool(own)},
                    block_weights=[("", 1)],
                    first_level="office_leader",
                ),
                3,
            )
        )
    division_head = {}
    for m in Membership.objects.filter(role=Role.SPECIALIST, is_active=True):
        heads = people(Role.DIVISION_HEAD, Unit(pk=m.unit_id))
        if heads:
            division_head[m.person_id] = heads[0]
    staff = {unit: ids[-1] for (role, unit), ids in _ids(members, Role.UNIT_STAFF).items()}
    heads = {unit: ids[-1] for (role, unit), ids in _ids(members, Role.UNIT_HEAD).items()}
    return World(province, committees, communes, staff, heads, follower, division_head)


def _ids(members, role):
    return {key: [m.person_id for m in ms] for key, ms in members.items() if key[0] == role}


# --- rows, written in bulk ----------------------------------------------------------------------
class Rows:
    """Rows of each model as dicts of attribute names. Each flush hands them to a writer process
    (so that generating and writing use both CPUs), which writes each batch in one transaction:
    COPY on PostgreSQL, executemany on SQLite. Columns not given take the field's default."""

    def __init__(self):
        from django.db import connection

        from chidao.directives.models import (
            Cooperation,
            Difficulty,
            Directive,
            Extension,
            Task,
            TaskEvent,
        )

        self.connection = connection
        self.order = (Directive, Task, Cooperation, Extension, Difficulty, TaskEvent)
        self.pending = {model: [] for model in self.order}
        self.written = dict.fromkeys(self.order, 0)
        self.postgres = connection.vendor == "postgresql"
        self.layout = {model: self._layout(model) for model in self.order}

    def _layout(self, model):
        from django.db import models

        ops = self.connection.ops
        columns = []
        for f in model._meta.concrete_fields:
            if f.generated:  # the database computes it
                continue
            default = f.get_default()  # "" for text, None where NULL is allowed
            if isinstance(f, models.JSONField):
                default = json.dumps(default)
            adapt = None
            if not self.postgres:
                if isinstance(f, models.DateTimeField):
                    adapt = ops.adapt_datetimefield_value
                elif isinstance(f, models.DateField):
                    adapt = ops.adapt_datefield_value
                elif isinstance(f, models.BooleanField):
                    adapt = int
            columns.append((f.attname, f.column, default, adapt))
        return columns

    def add(self, model, row: dict) -> dict:
        self.pending[model].append(row)
        return row

    def defer_indexes(self):
        """PostgreSQL: drop the secondary indexes and unique constraints of the big tables
        (their definitions kept), to build them once after the load instead of row by row."""
        from django.db import connection

        tables = [
            m._meta.db_table for m in self.order if m._meta.db_table != "directives_directive"
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
                       pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
                FROM pg_index i
                LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'u'
                    AND c.conrelid = i.indrelid
                WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                """,
                [tables],
            )
            self.deferred = cursor.fetchall()
            for table, index, _definition, constraint, _c in self.deferred:
                if constraint:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
                else:
                    cursor.execute(f"DROP INDEX {index}")

    def restore_indexes(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for table, _index, definition, constraint, constraint_definition in self.deferred:
                if constraint:
                    cursor.execute(
                        f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {constraint_definition}"
                    )
                else:
                    cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")

    def start(self):
        from django.db import connection

        connection.close()  # the writer opens its own
        context = multiprocessing.get_context("fork")
        self.queue = context.Queue(maxsize=2)
        self.process = context.Process(target=self._writer, daemon=True)
        self.process.start()

    def flush(self):
        batch = {model: rows for model, rows in self.pending.items() if rows}
        for model, rows in batch.items():
            self.written[model] += len(rows)
        self.pending = {model: [] for model in self.order}
        self._put(batch)

    def close(self):
        self.flush()
        self._put(None)
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError("the writer failed")

    def _put(self, batch):
        while True:
            try:
                self.queue.put(batch, timeout=5)
                return
            except queue.Full:
                if not self.process.is_alive():
                    raise RuntimeError("the writer stopped") from None

    def _writer(self):
        from django.db import connection, transaction

        if self.postgres:
            with connection.cursor() as cursor:
                # Foreign keys are not checked row by row while loading (the generator writes
                # whole consistent rows); the constraints stay in place for everything after.
                cursor.execute("SET session_replication_role = replica")
        while (batch := self.queue.get()) is not None:
            with transaction.atomic():
                for model in self.order:
                    if model in batch:
                        self._write(model, batch[model])
        connection.close()

    def _write(self, model, rows):
        layout = self.layout[model]
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(column) for _name, column, _d, _a in layout)
        table = quote(model._meta.db_table)
        if self.postgres:
            raw = self.connection.connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(name, default) for name, _c, default, _a in layout])
            return
        values = []
        for row in rows:
            out = []
            for name, _column, default, adapt in layout:
                value = row.get(name, default)
                out.append(adapt(value) if adapt is not None and value is not None else value)
            values.append(out)
        marks = ", ".join(["%s"] * len(layout))
        with self.connection.cursor() as cursor:
            # Table and column names come from the models, never from input.
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, values)


class _Event:
    """What ``TaskEvent.compute_hash`` reads, without a model instance per event."""

    __slots__ = ("actor_id", "at", "data", "key_id", "kind", "prev_hash", "seq", "task_id")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Hasher:
    """The event hash of ``TaskEvent.compute_hash`` written out for speed (the canonical JSON
    built around the event data's own, which is also what is stored). The first events of a
    run are hashed both ways; should the product's hash ever differ, its own method is used."""

    CHECKED = 2000

    def __init__(self):
        from chidao.directives import signing
        from chidao.directives.models import TaskEvent

        _Event.content = TaskEvent.content
        _Event.compute_hash = TaskEvent.compute_hash
        self.key_id = signing.current_key_id()
        self.mac = signing.mac
        self.checked = 0
        self.fast = True

    def __call__(self, task_id, seq, kind, actor, at, data, prev) -> tuple[str, str]:
        """(hash, data as JSON)."""
        data_json = CANONICAL.encode(data)
        if not self.fast:
            event = _Event(task_id=task_id, seq=seq, kind=kind, actor_id=actor, at=at,
                           data=data, prev_hash=prev, key_id=self.key_id)  # fmt: skip
            return event.compute_hash(), data_json
        moment = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        canonical = (
            f'{{"content":{{"actor":{"null" if actor is None else actor},"at":"{moment}",'
            f'"data":{data_json},"kind":"{kind}","seq":{seq},"task":{task_id}}},'
            f'"key":"{self.key_id}","prev":"{prev}"}}'
        )
        digest = self.mac(self.key_id, canonical.encode())
        if self.checked < self.CHECKED:
            self.checked += 1
            event = _Event(task_id=task_id, seq=seq, kind=kind, actor_id=actor, at=at,
                           data=data, prev_hash=prev, key_id=self.key_id)  # fmt: skip
            if event.compute_hash() != digest:
                print("TaskEvent.compute_hash has changed: hashing with it (slower)")
                self.fast = False
                return event.compute_hash(), data_json
        return digest, data_json


# --- the tasks ----------------------------------------------------------------------------------
ASSIGNED, RECEIVED, IN_PROGRESS = "assigned", "received", "in_progress"
REPORTED, PROPOSED, DONE = "reported", "proposed", "done"
SUSPENDED, CANCELLED = "suspended", "cancelled"
# The state a task is in today, by how long ago its deadline passed (no deadline: 60 days after
# the assignment stands for one).
LONG_PAST = [
    (DONE, 920),
    (IN_PROGRESS, 40),
    (RECEIVED, 12),
    (ASSIGNED, 8),
    (REPORTED, 12),
    (PROPOSED, 8),
]
RECENTLY_PAST = [
    (DONE, 58),
    (IN_PROGRESS, 20),
    (RECEIVED, 4),
    (ASSIGNED, 2),
    (REPORTED, 9),
    (PROPOSED, 7),
]
NOT_YET_DUE = [
    (DONE, 20),
    (REPORTED, 6),
    (PROPOSED, 4),
    (IN_PROGRESS, 44),
    (RECEIVED, 16),
    (ASSIGNED, 10),
]
TASKS_PER_DIRECTIVE = [
    (1, 30),
    (2, 20),
    (3, 15),
    (4, 10),
    (5, 8),
    (6, 5),
    (7, 4),
    (8, 3),
    (9, 3),
    (10, 2),
]
DEADLINE_KINDS = [("date", 62), ("working_days", 27), ("none", 8)]
RECURRING_SHARE = 0.003  # series; with their monthly or quarterly periods, a few % of the tasks
COOPERATION_SHARE = 0.33  # of the directives' own tasks: about 30% of all tasks
SUBASSIGN_SHARE = 0.16  # of the departments' dated tasks under way: about 10% of all are parts
LEAD_KINDS = {"received", "progress", "reported", "extension_requested", "difficulty_raised"}
# The order of steps taken on the same day.
STEP_ORDER = {
    kind: n
    for n, kind in enumerate(
        (
            "created",
            "received",
            "progress",
            "difficulty_raised",
            "difficulty_answered",
            "extension_requested",
            "extension_approved",
            "subassigned",
            "reported",
            "returned",
            "proposed",
            "confirmed",
            "suspended",
            "cancelled",
        )
    )
}


def _cumulative(weighted):
    items, weights, total = [], [], 0
    for item, weight in weighted:
        total += weight
        items.append(item)
        weights.append(total)
    return items, weights


class Generator:
    def __init__(self, world: World, rows: Rows, total: int, seed: int):
        from chidao.core import clock
        from chidao.demo import contents
        from chidao.workdays.calendar import WorkCalendar

        self.world, self.rows, self.total = world, rows, total
        self.rng = random.Random(seed)
        self.contents = contents
        self.now = clock.now()
        self.today = clock.today()
        self.calendar = WorkCalendar.current()
        self.made = 0
        self.ids = {model: 0 for model in rows.order}
        self._rules, self._rolled, self._folded = {}, {}, {}
        self.committees = _cumulative(world.committees)
        self.sizes = _cumulative(TASKS_PER_DIRECTIVE)
        self.deadline_kinds = _cumulative(DEADLINE_KINDS)
        self.kinds = _cumulative([(kind.value, weight) for kind, weight in _directive_kinds()])
        self.all_templates = [t for templates in contents.TASKS.values() for t in templates]
        self.blocks = {id(c): _cumulative(c.block_weights) for c in self.committees[0]}
        self.fates = {
            name: _cumulative(table)
            for name, table in (
                ("long", LONG_PAST),
                ("recent", RECENTLY_PAST),
                ("future", NOT_YET_DUE),
            )
        }
        self.hash = Hasher()

    # --- helpers --------------------------------------------------------------------------------
    def pick(self, cumulative):
        items, weights = cumulative
        return items[bisect.bisect_right(weights, self.rng.random() * weights[-1])]

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def roll(self, day: datetime.date) -> datetime.date:
        rolled = self._rolled.get(day)
        if rolled is None:
            rolled = self._rolled[day] = self.calendar.roll_forward(day)
        return rolled

    def rule(self, kind: str, assigned_on: datetime.date, value):
        """(due date, basis, basis as JSON) of a date or a number of working days, as the
        issuing action resolves it."""
        from chidao.workdays.calendar import resolve_date, resolve_working_days

        key = (kind, assigned_on if kind == "working_days" else None, value)
        rule = self._rules.get(key)
        if rule is None:
            if kind == "working_days":
                resolved = resolve_working_days(assigned_on, value, self.calendar)
            else:
                resolved = resolve_date(value, self.calendar)
            rule = self._rules[key] = (resolved.due, resolved.basis, json.dumps(resolved.basis))
        return rule

    def fold(self, text: str) -> str:
        from chidao.core.text import fold

        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        return folded

    def moment(self, day: datetime.date) -> datetime.datetime:
        """A moment of the working hours (7:00 to 16:59) of ``day``."""
        minute = int(self.rng.random() * 600)
        moment = datetime.datetime.combine(
            day, datetime.time(7 + minute // 60, minute % 60), tzinfo=ZONE
        )
        return min(moment, self.now)

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=int(self.rng.random() * ((last - first).days + 1)))

    def fate(self, assigned_on: datetime.date, deadline) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.02:
            return CANCELLED
        if r < 0.045:
            return SUSPENDED
        reference = deadline or assigned_on + datetime.timedelta(days=60)
        age = (self.today - reference).days
        table = "long" if age > 45 else "recent" if age > 0 else "future"
        state = self.pick(self.fates[table])
        if (self.today - assigned_on).days < 2 and state not in (ASSIGNED, RECEIVED):
            state = self.pick(([ASSIGNED, RECEIVED], [6, 10]))
        return state

    # --- directives -----------------------------------------------------------------------------
    def run(self, progress=None):
        start = self.today - datetime.timedelta(days=HISTORY_DAYS)
        flushed = 0
        while self.made < self.total:
            offset = int(HISTORY_DAYS * self.made / self.total)
            issued_on = min(self.roll(start + datetime.timedelta(days=offset)), self.today)
            self.directive(issued_on)
            if self.made - flushed >= CHUNK_TASKS:
                self.rows.flush()
                flushed = self.made
                if progress:
                    progress(self.made)

    def directive(self, issued_on: datetime.date):
        from chidao.directives.models import Directive

        rng, contents = self.rng, self.contents
        committee = self.pick(self.committees)
        block = self.pick(self.blocks[id(committee)])
        signer = committee.leaders.get(block) or committee.leaders[""]
        if rng.random() < 0.15:
            signer = committee.leaders[""]
        kind = self.pick(self.kinds)
        created = self.moment(issued_on)
        row = {
            "id": self.next_id(Directive),
            "issuer_id": committee.unit.pk,
            "kind": kind,
            "issued_on": issued_on,
            "year": issued_on.year,
            "created_by_id": committee.clerk,
            "is_confidential": rng.random() < 0.04,
            "created": created,
            "updated": created,
        }
        if kind == "meeting":
            name = rng.choice(contents.MEETINGS).format(month=issued_on.month)
            row.update(
                number=None,
                symbol="",
                summary=name,
                meeting_name=name,
                meeting_chair_id=signer,
                signer_id=None,
            )
            reference = ""
        else:
            symbol = f"{committee.unit.code or 'UBND'}-{block}" if block else "UBND-VP"
            key = (issued_on.year, symbol)
            number = committee.numbers[key] = committee.numbers.get(key, 0) + rng.randint(1, 3)
            reference = f"{number}/{symbol}"
            row.update(
                number=number,
                symbol=symbol,
                summary=contents.SUMMARIES[kind],
                meeting_name="",
                signer_id=signer,
            )
        row["search_text"] = self.fold(
            f"{reference} {row['number'] or ''} {row['symbol']} {row['summary']} "
            f"{row['meeting_name']}"
        )
        self.rows.add(Directive, row)
        units, weights = committee.pools[block]
        templates = contents.TASKS.get(block) or self.all_templates
        for _ in range(self.pick(self.sizes)):
            if self.made >= self.total:
                break
            lead = self.pick((units, weights))
            cooperating = []
            if rng.random() < COOPERATION_SHARE and len(units) > 1:
                others = [u for u in rng.sample(units, min(len(units), 3)) if u is not lead]
                cooperating = others[: rng.choice((1, 1, 2))]
            product, is_document = rng.choice(contents.PRODUCTS)
            common = {
                "directive": row["id"],
                "directive_kind": kind,
                "lead": lead,
                "assigner": committee.unit.pk,
                "leader": signer,
                "specialist": self.world.follower.get(lead.pk),
                "sector_block": lead.sector_block_id,
                "created_by": committee.clerk,
                "assigned_on": issued_on,
                "created_at": created,
                "committee": committee,
                "priority": self.pick((["normal", "important", "urgent"], [80, 95, 100])),
                "cooperating": cooperating,
            }
            if rng.random() < RECURRING_SHARE:
                months = rng.choice((1, 1, 3))
                periods = list(_periods(issued_on, months, 15, self.today))
                if self.made + 1 + len(periods) <= self.total:
                    self.series(common, months, periods)
                    continue
            deadline_kind = self.pick(self.deadline_kinds)
            rule = None
            if deadline_kind == "date":
                rule = self.rule(
                    "date", issued_on, issued_on + datetime.timedelta(days=rng.randint(10, 90))
                )
            elif deadline_kind == "working_days":
                rule = self.rule("working_days", issued_on, rng.choice((5, 7, 10, 15, 20, 30)))
            content = rng.choice(templates).format(year=issued_on.year)
            self.task(
                common,
                content=content,
                product=product,
                is_document=is_document,
                deadline_kind=deadline_kind,
                rule=rule,
            )

    def series(self, common: dict, months: int, periods: list):
        """A recurring report: the series itself (never worked on) and one task per period."""
        content = "Báo cáo định kỳ tình hình thực hiện nhiệm vụ được giao"
        series = self.task(
            common,
            content=content,
            product="Báo cáo",
            is_document=False,
            deadline_kind="recurring",
            rule=None,
            state=ASSIGNED,
            recurrence="monthly" if months == 1 else "quarterly",
            recurrence_day=15,
        )
        for first, last, due in periods:
            opened = max(
                common["created_at"],
                datetime.datetime.combine(first, datetime.time(0, 5), tzinfo=ZONE),
            )
            period = dict(
                common,
                assigned_on=max(first, common["assigned_on"]),
                created_at=opened,
                created_by=None,
            )
            self.task(
                period,
                content=content,
                product="Báo cáo",
                is_document=False,
                deadline_kind="date",
                rule=self.rule("date", None, due),
                series=series,
                period=(first, last),
            )

    # --- one task, its plan and its timeline ----------------------------------------------------
    def task(
        self,
        common: dict,
        *,
        content,
        product,
        is_document,
        deadline_kind,
        rule,
        state=None,
        series=None,
        period=None,
        parent=None,
        recurrence="",
        recurrence_day=None,
    ) -> int:
        from chidao.directives.models import Cooperation, Difficulty, Extension, Task, TaskEvent

        rng, today, world = self.rng, self.today, self.world
        one = datetime.timedelta(days=1)
        task_id = self.next_id(Task)
        self.made += 1
        row = self.rows.add(Task, {"id": task_id})  # filled below, written before its parts
        lead = common["lead"]
        committee = common["committee"]
        assigned_on = common["assigned_on"]
        deadline = basis = basis_json = None
        if rule is not None:
            deadline, basis, basis_json = rule
        original_deadline, original_basis = deadline, basis
        if state is None:
            state = self.fate(assigned_on, deadline)
        staff = world.staff.get(lead.pk)
        specialist = common["specialist"]
        if parent is not None:  # the department that handed the part down checks and closes it
            checker = closer = world.heads.get(common["assigner"])
        else:
            checker = specialist or committee.office_leaders[0]
            closer = rng.choice(committee.office_leaders)
        steps = []  # (day, kind, actor, data, note)

        def step(day, kind, actor, data=None, note=None):
            steps.append((day, kind, actor, data or {}, note))

        # When the work stopped, and how far it had come.
        stopped_on = reached = None
        if state in (SUSPENDED, CANCELLED):
            stopped_on = min(assigned_on + datetime.timedelta(days=rng.randint(0, 60)), today)
            reached = rng.choice((ASSIGNED, RECEIVED, IN_PROGRESS, IN_PROGRESS))
        elif state in (RECEIVED, IN_PROGRESS):
            reached = state
        elif state != ASSIGNED:
            reached = IN_PROGRESS if rng.random() < 0.85 else RECEIVED
        received_on = None
        if reached in (RECEIVED, IN_PROGRESS):
            received_on = min(assigned_on + datetime.timedelta(days=rng.randint(0, 3)), today)
            if stopped_on is not None:
                received_on = min(received_on, stopped_on)
            step(received_on, "received", staff)

        # The report: on time (within the last days before the deadline) or late.
        completed_on, late = None, False
        if state in (REPORTED, PROPOSED, DONE):
            if deadline is None:
                completed_on = received_on + datetime.timedelta(days=rng.randint(5, 60))
            else:
                share_late = 0.22 if state == DONE else 0.45
                late = deadline < today - one and rng.random() < share_late
                if late:
                    completed_on = deadline + datetime.timedelta(days=rng.randint(1, 30))
                else:
                    low = max(received_on, deadline - datetime.timedelta(days=12))
                    completed_on = self.day_between(low, deadline)
            completed_on = max(min(completed_on, today), received_on)
            late = deadline is not None and completed_on > deadline

        # An extension granted before the report (done on time only thanks to it).
        extension = None
        if (
            state == DONE
            and deadline is not None
            and not late
            and deadline < today
            and rng.random() < 0.10
        ):
            asked = self.roll(deadline - datetime.timedelta(days=rng.randint(15, 40)))
            if received_on + datetime.timedelta(days=3) < asked < completed_on:
                original_deadline, original_basis, _json = self.rule("date", None, asked)
                asked_on = self.day_between(max(received_on, asked - 7 * one), asked)
                decided_on = min(asked_on + datetime.timedelta(days=rng.randint(1, 3)), today)
                completed_on = max(completed_on, decided_on)  # reported once extended
                extension = {
                    "id": self.next_id(Extension),
                    "proposed": deadline,
                    "before": original_deadline,
                    "asked_on": asked_on,
                    "decided_on": decided_on,
                    "decision": "approved",
                }
        # An extension still awaiting its decision, asked by the deadline.
        if (
            state in (RECEIVED, IN_PROGRESS)
            and deadline is not None
            and today - 10 * one <= deadline <= today + 20 * one
            and rng.random() < 0.08
        ):
            asked_on = self.day_between(max(received_on, deadline - 7 * one), min(deadline, today))
            extension = {
                "id": self.next_id(Extension),
                "proposed": deadline + datetime.timedelta(days=rng.randint(15, 40)),
                "before": deadline,
                "asked_on": asked_on,
                "decided_on": None,
                "decision": "pending",
            }
        if extension is not None:
            step(
                extension["asked_on"],
                "extension_requested",
                staff,
                {
                    "extension": extension["id"],
                    "proposed_date": extension["proposed"].isoformat(),
                    "reason": "Cần thêm thời gian lấy ý kiến các đơn vị liên quan.",
                },
                ("extension", extension),
            )
            if extension["decided_on"] is not None:
                extension["decided_by"] = common["leader"] or closer
                step(
                    extension["decided_on"],
                    "extension_approved",
                    extension["decided_by"],
                    {
                        "extension": extension["id"],
                        "note": "",
                        "deadline_before": original_deadline.isoformat(),
                        "deadline_after": deadline.isoformat(),
                    },
                    ("decided", extension),
                )

        # Progress between the receipt and the report (or today, or the stop).
        end = completed_on or stopped_on or today
        returned = state == IN_PROGRESS and received_on is not None and rng.random() < 0.05
        if reached == IN_PROGRESS:
            count = (
                rng.randint(1, 3)
                if state in (IN_PROGRESS, SUSPENDED, CANCELLED)
                else (rng.randint(1, 2))
            )
            days = sorted(self.day_between(received_on, end) for _ in range(count))
            percent = 0
            for day in days:
                percent = min(percent + rng.choice((10, 20, 20, 30)), 90)
                shown = percent if rng.random() < 0.6 else None
                step(
                    day,
                    "progress",
                    staff,
                    {"text": rng.choice(self.contents.PROGRESS), "percent": shown},
                )
            row["progress_percent"] = percent
        if returned:  # reported, then sent back by the specialist
            first_report = self.day_between(received_on, today)
            step(first_report, "reported", staff, self._report_data(False, ""))
            back_on = min(first_report + datetime.timedelta(days=rng.randint(0, 2)), today)
            step(
                back_on,
                "returned",
                checker,
                {"reason": "Báo cáo chưa đầy đủ số liệu, đề nghị bổ sung."},
            )

        # A difficulty: still open on work under way, or answered.
        if received_on is not None and state not in (ASSIGNED, CANCELLED, SUSPENDED):
            chance = 0.08 if state in (RECEIVED, IN_PROGRESS) else 0.03
            if rng.random() < chance:
                raised_on = self.day_between(received_on, end)
                first = "office_leader" if parent is not None else committee.first_level
                difficulty = {
                    "id": self.next_id(Difficulty),
                    "addressed_to": first,
                    "text": rng.choice(self.contents.DIFFICULTIES),
                    "open": state in (RECEIVED, IN_PROGRESS) and rng.random() < 0.6,
                }
                step(
                    raised_on,
                    "difficulty_raised",
                    staff,
                    {
                        "difficulty": difficulty["id"],
                        "text": difficulty["text"],
                        "addressed_to": first,
                    },
                    ("difficulty", difficulty),
                )
                if not difficulty["open"]:
                    difficulty["by"] = (
                        world.division_head.get(specialist) if first == "division_head" else None
                    ) or closer
                    difficulty["guidance"] = rng.choice(self.contents.GUIDANCE)
                    step(
                        min(raised_on + datetime.timedelta(days=rng.randint(1, 4)), end),
                        "difficulty_answered",
                        difficulty["by"],
                        {"difficulty": difficulty["id"], "guidance": difficulty["guidance"]},
                        ("answer", difficulty),
                    )

        # Parts handed down to communes.
        children = []
        if (
            parent is None
            and series is None
            and deadline is not None
            and lead.kind == "department"
            and committee.unit.pk == world.province.pk
            and received_on is not None
            and state not in (SUSPENDED, CANCELLED)
            and rng.random() < SUBASSIGN_SHARE
        ):
            for _ in range(rng.choice((1, 1, 2))):
                given_on = self.day_between(received_on, min(end, deadline))
                if self.made + len(children) >= self.total or given_on > today:
                    break
                children.append(given_on)

        result = ""
        if state in (REPORTED, PROPOSED, DONE):
            result = "Đã hoàn thành, gửi kèm báo cáo kết quả thực hiện."
            number = f"{rng.randint(100, 3999)}/QĐ-UBND" if is_document else ""
            step(
                completed_on,
                "reported",
                staff,
                self._report_data(late, number, completed_on),
                ("report", None),
            )
            row.update(
                result=result,
                product_number=number,
                product_date=completed_on if is_document else None,
            )
            if state in (PROPOSED, DONE):
                proposed_on = min(completed_on + datetime.timedelta(days=rng.randint(0, 2)), today)
                step(proposed_on, "proposed", checker, {"note": ""})
                if state == DONE:
                    confirmed_on = min(
                        proposed_on + datetime.timedelta(days=rng.randint(0, 2)), today
                    )
                    step(confirmed_on, "confirmed", closer, {"note": ""}, ("closed", None))
        if state in (SUSPENDED, CANCELLED):
            step(stopped_on, state, closer, {"reason": "Theo ý kiến của lãnh đạo UBND."})

        for given_on in children:
            child_deadline = self.rule(
                "date", None, max(given_on, deadline - datetime.timedelta(days=rng.randint(0, 5)))
            )
            child_state = None
            if state == DONE and rng.random() < 0.9:
                child_state = DONE
            part = dict(
                common,
                lead=rng.choice(world.communes),
                assigner=lead.pk,
                leader=None,
                specialist=None,
                sector_block=None,
                assigned_on=given_on,
                created_at=self.moment(given_on),
                created_by=world.heads.get(lead.pk),
                cooperating=[],
            )
            part_content = "Triển khai trên địa bàn xã: " + content[:1].lower() + content[1:]
            child = self.task(
                part,
                content=part_content,
                product="",
                is_document=False,
                deadline_kind="date",
                rule=child_deadline,
                state=child_state,
                parent=task_id,
            )
            step(
                given_on,
                "subassigned",
                world.heads.get(lead.pk),
                {
                    "child": child,
                    "lead_unit": part["lead"].pk,
                    "deadline": child_deadline[0].isoformat(),
                },
            )

        # The timeline, in order, each step after the one before; the hash chain.
        created_at = common["created_at"]
        if series is not None:
            created_data = {
                "series": series,
                "period": [period[0].isoformat(), period[1].isoformat()],
                "deadline": deadline.isoformat(),
                "deadline_basis": basis,
            }
        else:
            created_data = {
                "lead_unit": lead.pk,
                "cooperating_units": [u.pk for u in common["cooperating"]],
                "deadline": original_deadline.isoformat() if original_deadline else None,
                "deadline_basis": original_basis or {},
                "content": content,
            }
        steps.sort(key=lambda s: (s[0], STEP_ORDER[s[1]]))
        current, last, lead_update = ASSIGNED, created_at, created_at
        chain = [(created_at, "created", common["created_by"], created_data)]
        for day, kind, actor, data, note in steps:
            at = self.moment(day)
            if at <= last:
                at = last + datetime.timedelta(minutes=rng.randint(5, 90))
            if at > self.now:
                at = max(self.now, last + datetime.timedelta(seconds=1))
            last = at
            to = {
                "received": RECEIVED,
                "reported": REPORTED,
                "returned": IN_PROGRESS,
                "proposed": PROPOSED,
                "confirmed": DONE,
                "suspended": SUSPENDED,
                "cancelled": CANCELLED,
            }.get(kind)
            if kind == "progress" and current == RECEIVED:
                to = IN_PROGRESS
            if to is not None:
                data = dict(data, **{"from": current, "to": to})
                current = to
            if kind in LEAD_KINDS:
                lead_update = at
            if note is not None:
                what, obj = note
                if what == "extension":
                    obj["requested_at"] = at
                elif what == "difficulty":
                    obj["raised_at"] = at
                elif what == "decided":
                    obj["decided_at"] = at
                elif what == "answer":
                    obj["answered_at"] = at
                elif what == "closed":
                    row["closed_at"] = at
            if kind == "returned":
                row.update(returned_at=at, return_reason=data["reason"])
            chain.append((at, kind, actor, data))
        prev = ""
        for seq, (at, kind, actor, data) in enumerate(chain, start=1):
            digest, data_json = self.hash(task_id, seq, kind, actor, at, data, prev)
            self.rows.add(
                TaskEvent,
                {
                    "id": self.next_id(TaskEvent),
                    "task_id": task_id,
                    "seq": seq,
                    "kind": kind,
                    "actor_id": actor,
                    "at": at,
                    "data": data_json,
                    "prev_hash": prev,
                    "hash": digest,
                    "key_id": self.hash.key_id,
                },
            )
            prev = digest

        if extension is not None:
            self.rows.add(
                Extension,
                {
                    "id": extension["id"],
                    "task_id": task_id,
                    "requested_by_id": staff,
                    "requested_at": extension["requested_at"],
                    "reason": "Cần thêm thời gian lấy ý kiến các đơn vị liên quan.",
                    "proposed_date": extension["proposed"],
                    "deadline_before": extension["before"],
                    "after_deadline": False,
                    "decision": extension["decision"],
                    "decided_by_id": extension.get("decided_by"),
                    "decided_at": extension.get("decided_at"),
                    "approved_date": deadline if extension["decided_on"] else None,
                    "decision_note": "",
                },
            )
            if extension["decided_on"]:
                row["extension_count"] = 1
        for step_ in steps:
            note = step_[4]
            if note is not None and note[0] == "difficulty":
                d = note[1]
                self.rows.add(
                    Difficulty,
                    {
                        "id": d["id"],
                        "task_id": task_id,
                        "raised_by_id": staff,
                        "raised_at": d["raised_at"],
                        "text": d["text"],
                        "addressed_to": d["addressed_to"],
                        "is_open": d["open"],
                        "guidance": d.get("guidance", ""),
                        "answered_by_id": d.get("by"),
                        "answered_at": d.get("answered_at"),
                        "closed_because": "",
                        "closed_at": None,
                    },
                )
        for unit in common["cooperating"]:
            if state == DONE:
                status = "done"
            else:
                status = self.pick((["assigned", "in_progress", "done"], [40, 80, 100]))
            self.rows.add(
                Cooperation,
                {
                    "task_id": task_id,
                    "unit_id": unit.pk,
                    "status": status,
                    "note": "",
                    "updated": created_at,
                    "id": self.next_id(Cooperation),
                },
            )

        row.update(
            {
                "directive_id": common["directive"],
                "directive_kind": common["directive_kind"],
                "parent_id": parent,
                "series_id": series,
                "period_start": period[0] if period else None,
                "period_end": period[1] if period else None,
                "content": content,
                "lead_unit_id": lead.pk,
                "assigner_unit_id": common["assigner"],
                "directing_leader_id": common["leader"],
                "specialist_id": common["specialist"],
                "sector_block_id": common["sector_block"],
                "priority": common["priority"],
                "product": product,
                "product_is_committee_document": is_document,
                "assigned_on": assigned_on,
                "deadline_kind": deadline_kind,
                "original_deadline": original_deadline,
                "deadline": deadline,
                "deadline_basis": basis_json or json.dumps(basis or {}),
                "recurrence": recurrence,
                "recurrence_day": recurrence_day,
                "state": state,
                "completed_on": completed_on,
                "last_update_at": lead_update,
                "event_count": len(chain),
                "event_head": prev,
                "search_text": self.fold(f"{content} {product} {result}"),
                "created_by_id": common["created_by"],
                "created": created_at,
                "updated": last,
            }
        )
        if original_deadline != deadline and basis is not None:
            row["deadline_basis"] = json.dumps(original_basis)
        if state in (REPORTED, PROPOSED, DONE):
            row["progress_percent"] = 100
        return task_id

    def _report_data(self, late: bool, number: str, day=None) -> dict:
        data = {
            "result": "Đã hoàn thành, gửi kèm báo cáo kết quả thực hiện.",
            "product_number": number,
            "late": late,
            "product_date": day.isoformat() if number and day else None,
        }
        if late:
            cause, explanation, remedy = self.rng.choice(self.contents.LATE_REASONS)
            data["late_explanation"] = {
                "cause": cause,
                "explanation": explanation,
                "remedy": remedy,
            }
        return data


def _directive_kinds():
    from chidao.demo.tasks import KINDS

    return KINDS


def _periods(assigned_on: datetime.date, months: int, day: int, until: datetime.date):
    """(first day, last day, due date) of each period of a recurring report up to the one that
    contains ``until``, due on ``day`` of the period's last month (as ``actions.periods``)."""
    start = assigned_on.replace(day=1)
    start = start.replace(month=(start.month - 1) // months * months + 1)
    while start <= until:
        index = start.month - 1 + months
        following = datetime.date(start.year + index // 12, index % 12 + 1, 1)
        last = following - datetime.timedelta(days=1)
        due = last.replace(day=min(day, last.day))
        if due >= assigned_on:
            yield start, last, due
        start = following


def generate(tasks: int, seed: int) -> None:
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    province = build_org()
    world = load_world(province, random.Random(seed))
    print(f"organisation: {time.perf_counter() - started:.0f} s", flush=True)
    rows = Rows()
    generator = Generator(world, rows, tasks, seed)
    if rows.postgres:
        rows.defer_indexes()
    rows.start()

    def progress(made):
        rate = made / (time.perf_counter() - started)
        print(f"  {made:>9,} tasks written ({rate:,.0f}/s)", end="\r", flush=True)

    generator.run(progress)
    rows.close()
    written = ", ".join(
        f"{count:,} {model._meta.verbose_name_plural}" for model, count in rows.written.items()
    )
    print(f"\nwritten in {time.perf_counter() - started:.0f} s: {written}", flush=True)
    if rows.postgres:
        indexed = time.perf_counter()
        rows.restore_indexes()
        print(f"indexes built: {time.perf_counter() - indexed:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(rows.order)):
            cursor.execute(statement)
    if rows.postgres:
        analysed = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
        print(f"VACUUM ANALYZE: {time.perf_counter() - analysed:.0f} s", flush=True)
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    connection.close()


# --- what is measured ---------------------------------------------------------------------------
def shape() -> str:
    """The data in a few shares, by the product's own rules."""
    from django.db.models import Count, Q

    from chidao.directives.models import Cooperation, Task, TaskEvent
    from chidao.directives.timeliness import Timeliness, Today, done_late_q, timeliness_q

    today = Today.now()
    tasks = Task.objects.all()
    total = tasks.count()
    figures = tasks.aggregate(
        overdue=Count("pk", filter=timeliness_q(Timeliness.OVERDUE, today)),
        due_soon=Count("pk", filter=timeliness_q(Timeliness.DUE_SOON, today)),
        done_late=Count("pk", filter=done_late_q()),
        extended=Count("pk", filter=Q(extension_count__gt=0)),
        parts=Count("pk", filter=Q(parent__isnull=False)),
        recurring=Count("pk", filter=Q(series__isnull=False) | Q(deadline_kind="recurring")),
    )
    states = dict(tasks.values_list("state").annotate(n=Count("pk")).order_by())
    cooperating = Cooperation.objects.values("task_id").distinct().count()

    def share(n):
        return f"{n:,} ({n / total:.1%})"

    lines = [f"{total:,} tasks, {TaskEvent.objects.count():,} events"]
    lines.append("states: " + ", ".join(f"{k} {share(v)}" for k, v in sorted(states.items())))
    lines.append(
        f"overdue {share(figures['overdue'])}, due soon {share(figures['due_soon'])}, done late "
        f"{share(figures['done_late'])}, extended {share(figures['extended'])}; parts "
        f"{share(figures['parts'])}, recurring series and periods {share(figures['recurring'])}"
        f", with cooperating units {share(cooperating)}"
    )
    return "\n".join(lines)


def subjects() -> dict:
    """The people, unit and task measured: the department leading the most tasks, its head, its
    staff, the specialist following it and his division head; its open task with the longest
    timeline."""
    from django.db.models import Count

    from chidao.directives.models import Task
    from chidao.org.models import FollowAssignment, Membership, Role, Unit

    province = Unit.objects.get(admin_code="82")
    busiest = (
        Task.objects.filter(lead_unit__parent=province, lead_unit__kind="department")
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_unit")
        .first()
    )
    unit = Unit.objects.get(pk=busiest["lead_unit"])

    def member(role, unit_id):
        m = Membership.objects.filter(unit_id=unit_id, role=role, is_active=True).order_by("pk")
        return m.select_related("person").first().person

    specialist = FollowAssignment.objects.get(unit=unit, is_active=True).specialist
    seat = Membership.objects.get(person=specialist, role=Role.SPECIALIST, is_active=True).unit_id
    task = (
        Task.objects.filter(lead_unit=unit, state="in_progress")
        .order_by("-event_count", "pk")
        .values_list("pk", "event_count")
        .first()
    )
    return {
        "province": province,
        "unit": unit,
        "unit_tasks": busiest["n"],
        "head": member(Role.UNIT_HEAD, unit.pk).username,
        "staff": member(Role.UNIT_STAFF, unit.pk).username,
        "specialist": specialist.username,
        "division_head": member(Role.DIVISION_HEAD, seat).username,
        "task": task[0],
        "task_events": task[1],
    }


def pages(s: dict) -> list[tuple[str, str, str]]:
    from chidao.core import clock

    today = clock.today()
    period = f"start={today - datetime.timedelta(days=HISTORY_DAYS):%d/%m/%Y}&end={today:%d/%m/%Y}"
    unit, province = s["unit"].pk, s["province"].pk
    return [
        ("overdue list, all units", "cvp", "/tasks/?timeliness=overdue"),
        ("overdue list, one unit", "cvp", f"/tasks/?unit={unit}&timeliness=overdue"),
        (f"task page ({s['task_events']} events)", "cvp", f"/tasks/{s['task']}/"),
        ("home: Office leader", "cvp", "/"),
        ("home: committee chairman", "chutich", "/"),
        ("home: vice-chairman (sector)", "pct.kt", "/"),
        ("home: specialist", s["specialist"], "/"),
        ("home: division head", s["division_head"], "/"),
        ("home: unit head", s["head"], "/"),
        ("home: unit staff", s["staff"], "/"),
        ("home: viewer", "xem", "/"),
        ("statistics, one unit, uncached", "chutich", f"/dashboard/?{period}&unit={unit}"),
        ("statistics, province, uncached", "chutich", f"/dashboard/?{period}&unit={province}"),
    ]


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


BARE = "bare Django: 50 overdue tasks"
HELLO = "bare Django: a fixed page, no query"


def bare_query(today: datetime.date):
    """The query of ``bench/bare/views.py``, through the product's model (same SQL)."""
    from django.db.models import F, Q

    from chidao.directives.models import Task
    from chidao.directives.timeliness import AWAITING_CHECK_STATES, WORKING_STATES

    late = Q(state__in=WORKING_STATES, deadline__lt=today) | Q(
        state__in=AWAITING_CHECK_STATES, completed_on__gt=F("deadline")
    )
    return (
        Task.objects.filter(late)
        .order_by("deadline", "id")
        .values("id", "content", "deadline", "lead_unit__name")[:50]
    )


def explain(cases, explain_dir: Path) -> dict:
    """Each page once through the test client with its queries captured (and the bare endpoint's
    one query); every query EXPLAINed into one file per page, slowest first. Returns label ->
    (queries, SQL ms, slowest ms)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chidao.core import clock
    from chidao.org.models import Person

    explain_dir.mkdir(parents=True, exist_ok=True)
    found = {}
    for label, username, path in cases:
        client = Client()
        client.force_login(Person.objects.get(username=username))
        give_second_factor(client.session.session_key)
        assert client.get(path).status_code == 200, (label, path)  # warm: calendar, templates
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (label, path, response.status_code)
        found[label] = write_plans(
            explain_dir / f"{slug(label)}.txt",
            f"{label}: GET {path} as {username}",
            captured.captured_queries,
            f"in a {elapsed * 1000:.0f} ms request (test client, in process)",
        )
    list(bare_query(clock.today()))
    with CaptureQueriesContext(connection) as captured:
        list(bare_query(clock.today()))
    found[BARE] = write_plans(
        explain_dir / f"{slug(BARE)}.txt", BARE, captured.captured_queries, "(bench/bare/views.py)"
    )
    connection.close()
    return found


def write_plans(path: Path, title: str, queries: list, context: str) -> tuple:
    """The queries, slowest first, each with its plan: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
    EXPLAIN QUERY PLAN on SQLite. Returns (queries, SQL ms, slowest ms)."""
    from django.db import connection

    queries = sorted(queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in queries) * 1000
    lines = [title, f"{len(queries)} queries, {total:.0f} ms of SQL {context}; slowest first", ""]
    for n, query in enumerate(queries, start=1):
        lines += [f"--- query {n}: {float(query['time']) * 1000:.0f} ms", query["sql"], ""]
        if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
            continue  # never run a write again
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                lines += [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                lines += [f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in cursor.fetchall()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(queries), total, float(queries[0]["time"]) * 1000


# --- load ---------------------------------------------------------------------------------------
def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL
    )


def cpu_busy(seconds: float = 2) -> float:
    """The share of CPU time not idle over a few seconds (Linux; 0 elsewhere)."""

    def times():
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # idle and iowait

    try:
        total, idle = times()
        time.sleep(seconds)
        total_after, idle_after = times()
    except OSError:
        return 0.0
    return 1 - (idle_after - idle) / max(total_after - total, 1)


class Server:
    """gunicorn on a free port, ready when its first page answers."""

    def __init__(self, env, app: str, workers: int, probe: str, pythonpath: Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.probe, self.workers = probe, workers
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        if pythonpath is not None:
            command += ["--pythonpath", str(pythonpath)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + probe, timeout=120).read()
                return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.1)
        raise RuntimeError(f"{app} did not start")

    def drain(self):
        """Wait until the workers are free: when wrk stops, the requests its connections left
        queued are still served (a slow page leaves up to -c of them behind), and the next
        measurement must not pay for them. One health check per worker, sent together, returns
        once every worker has come through the queue."""
        threads = [
            threading.Thread(
                target=lambda: urllib.request.urlopen(self.base + self.probe, timeout=900).read()
            )
            for _ in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def give_second_factor(session_key: str) -> None:
    """Mark a signed-in session as having given the code, as the code page does, when the
    person's role requires two-factor sign-in: each request then pays what it pays in
    production (the device looked up by the OTP middleware)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chidao.org.models import Person
    from chidao.org.twofactor import devices

    # The product's own session engine: with REDIS_URL a session is read from the cache first.
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    person = Person.objects.get(pk=session[SESSION_KEY])
    if not devices.required_for(person):
        return
    device = devices.authenticator(person) or TOTPDevice.objects.create(
        user=person, name="bench", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in(base: str, username: str):
    """An opener signed in through the sign-in page, its second factor given where required."""
    opener = opener_for(base, username)
    give_second_factor(next(c.value for c in cookie_jar(opener) if c.name == "sessionid"))
    return opener


def cookie_jar(opener) -> http.cookiejar.CookieJar:
    return next(
        h.cookiejar for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)
    )


def session_cookie(opener) -> str:
    for handler in opener.handlers:
        if isinstance(handler, urllib.request.HTTPCookieProcessor):
            jar: http.cookiejar.CookieJar = handler.cookiejar
            return "; ".join(f"{c.name}={c.value}" for c in jar)
    return ""


def wrk(url: str, cookie: str, seconds: float, script: Path) -> dict:
    command = [
        "wrk",
        "-t2",
        "-c8",
        f"-d{seconds:g}s",
        "--timeout",
        "120s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, p99, errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "requests": requests,
        "errors": errors,
    }


def sequential(opener, url: str, count: int) -> float:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        with opener.open(url) as response:
            response.read()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="PostgreSQL or SQLite; EMPTIED")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database that already holds exactly --tasks tasks",
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sequential", type=int, default=20, help="requests timed one by one")
    parser.add_argument("--explain-dir", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="chidao-scale-"))
    explain_dir = args.explain_dir or workdir / "explain"
    env = configure(args.database_url, workdir)
    from django.core.management import call_command
    from django.db import connection

    engine = "PostgreSQL" if is_postgres(args.database_url) else "SQLite"
    if args.reuse and holds(args.tasks):
        call_command("migrate", verbosity=0)
        print(f"reusing {args.database_url} ({args.tasks:,} tasks)")
    else:
        empty_database(args.database_url)
        generate(args.tasks, args.seed)
    call_command("collectstatic", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            engine = cursor.fetchone()[0].split(" on ")[0]
    print(shape())
    s = subjects()
    cases = pages(s)
    print(
        f"{engine}, {args.tasks:,} tasks; the unit measured: {s['unit'].name} "
        f"({s['unit_tasks']:,} tasks, id {s['unit'].pk}); task {s['task']}"
    )
    captured = explain(cases, explain_dir)
    print(f"EXPLAIN of every query of each page: {explain_dir}/")

    ensure_wrk()
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    bare_env = dict(env, DJANGO_SETTINGS_MODULE="bare.settings")
    cached_env = {k: v for k, v in env.items() if k != "CHIDAO_BOARD_CACHE_SECONDS"}
    product = Server(cached_env, "chidao.wsgi", args.workers, "/healthz")
    uncached = Server(env, "chidao.wsgi", args.workers, "/healthz")
    bare = Server(bare_env, "bare.wsgi", args.workers, "/", pythonpath=BENCH)
    busy = cpu_busy()
    if busy > 0.2:
        print(f"warning: the CPUs are {busy:.0%} busy before measuring: the machine is not idle")

    def measure(server, opener, path):
        """20 requests one by one, then wrk for --seconds, or longer for a slow page (each
        connection should see about three answers), then the queue it left drained."""
        url = server.base + path
        single = sequential(opener, url, args.sequential)
        seconds = max(args.seconds, min(120, math.ceil(3 * single / 1000 * 8 / args.workers)))
        cookie = session_cookie(opener)
        loaded = wrk(url, cookie, seconds, script)
        server.drain()
        return loaded, single, seconds

    try:
        anonymous = urllib.request.build_opener()
        results = [
            (BARE, "-", *measure(bare, anonymous, "/"), captured[BARE]),
            (HELLO, "-", *measure(bare, anonymous, "/hello"), (0, 0, 0)),
        ]
        openers = {}
        for label, username, path in cases:
            server = uncached if "uncached" in label else product
            opener = openers.get((server, username)) or openers.setdefault(
                (server, username), signed_in(server.base, username)
            )
            results.append((label, username, *measure(server, opener, path), captured[label]))
    finally:
        for server in (product, uncached, bare):
            server.stop()

    print(
        f"\n{engine}, {args.tasks:,} tasks, gunicorn {args.workers} workers; load: wrk -t2 -c8 for "
        f"the seconds shown (at least {args.seconds:g}); single = median of {args.sequential} "
        "sequential requests; x bare = bare req/s / page req/s; queries and SQL ms: one request "
        "in process (test client)"
    )
    header = (
        f"| {'page':34} | {'user':10} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | "
        f"{'x bare':>6} | {'single ms':>9} | {'wrk s':>5} | {'queries':>7} | {'SQL ms':>6} | "
        f"{'slowest SQL ms':>14} |"
    )
    print(header)
    print("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
    floor = results[0][2]["rps"]
    for label, username, loaded, single, seconds, (queries, sql_ms, slowest) in results:
        ratio = f"{floor / loaded['rps']:6.1f}" if loaded["rps"] else f"{'-':>6}"
        errors = f" ({loaded['errors']} errors)" if loaded["errors"] else ""
        print(
            f"| {label + errors:34} | {username:10} | {loaded['rps']:7.2f} | "
            f"{loaded['p50']:7.0f} | {loaded['p95']:7.0f} | {ratio} | {single:9.0f} | "
            f"{seconds:5g} | {queries:7} | {sql_ms:6.0f} | {slowest:14.0f} |"
        )


if __name__ == "__main__":
    main()
