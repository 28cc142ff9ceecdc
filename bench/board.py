"""Measure the display board and the dashboard with many tasks (default 100,000).

    .venv/bin/python bench/board.py [--tasks 100000] [--seconds 10] [--workers 2] [--clients 8]

Builds a fresh database (SQLite in a temporary folder, or BENCH_DATABASE_URL, which it EMPTIES
first: never point it at real data) with the demo organisation and ``--tasks`` tasks written in
bulk (states, deadlines and completions spread over two years; no timelines, which neither page
reads), then serves it with gunicorn and prints:

- the time to compute one board snapshot from cold (what the first screen after a change pays);
- requests per second for the board page, its data request answered 304 (a screen polling with
  nothing new), its data request answered 200 (a new screen), and the dashboard of a province
  leader over the whole period.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PASSWORD, ROOT, hammer, manage, serve, signed_in

PYTHON = sys.executable

GENERATE = r"""
import datetime, random, time
from django.db import transaction
from chidao.directives.models import Directive, Task, DirectiveKind, State
from chidao.org.models import Unit, Membership, Role
from chidao.board.models import Screen
from chidao.board import snapshot

rng = random.Random(7)
province = Unit.objects.get(admin_code="82")
units = list(Unit.objects.directed_by(province).filter(is_active=True))
leader = Membership.objects.filter(unit=province, role=Role.COMMITTEE_LEADER).first().person
today = datetime.date.today()
start = today - datetime.timedelta(days=730)
kinds = [k for k, _ in DirectiveKind.choices if k != "meeting"]
total = {total}
with transaction.atomic():
    directives = Directive.objects.bulk_create(
        Directive(issuer=province, kind=rng.choice(kinds), number=i + 1, symbol="UBND-TH",
                  issued_on=start + datetime.timedelta(days=i * 730 // (total // 5 + 1)),
                  year=(start + datetime.timedelta(days=i * 730 // (total // 5 + 1))).year,
                  signer=leader, summary=f"Văn bản số {{i + 1}}", search_text=f"van ban {{i + 1}}")
        for i in range(total // 5 + 1)
    )
    batch = []
    for n in range(total):
        d = directives[n // 5]
        deadline = d.issued_on + datetime.timedelta(days=rng.randint(10, 90))
        state = rng.choices(
            [State.DONE, State.IN_PROGRESS, State.RECEIVED, State.REPORTED, State.ASSIGNED,
             State.SUSPENDED, State.CANCELLED], [60, 18, 6, 5, 5, 3, 3])[0]
        completed = None
        if state in (State.DONE, State.REPORTED):
            completed = min(today, deadline + datetime.timedelta(days=rng.randint(-20, 15)))
        unit = rng.choice(units)
        batch.append(Task(directive=d, directive_kind=d.kind, content=f"Nhiệm vụ số {{n}}",
                          lead_unit=unit, assigner_unit=province, directing_leader=leader,
                          sector_block_id=unit.sector_block_id, assigned_on=d.issued_on,
                          original_deadline=deadline, deadline=deadline, state=state,
                          completed_on=completed, search_text=f"nhiem vu so {{n}}"))
        if len(batch) == 5000:
            Task.objects.bulk_create(batch); batch = []
    Task.objects.bulk_create(batch)
from django.db import connection
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
screen = Screen(name="Bench", committee=province)
token = screen.new_token(); screen.save()
started = time.perf_counter(); snapshot.compute(province)
print("COMPUTE", time.perf_counter() - started)
print("TOKEN", token)
print("PROVINCE", province.pk)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="chidao-bench-"))
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    env.update(SECRET_KEY="bench-" + "x" * 50, CHIDAO_TIMELINE_KEYS="bench:" + "t" * 40,
               HTTPS="false", DEBUG="false",
               STATIC_ROOT=str(workdir / "static"), MEDIA_ROOT=str(workdir / "media"),
               LOG_LEVEL="WARNING")  # fmt: skip
    manage(env, "flush", "--noinput")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo", "--password", PASSWORD, "--tasks", "0")
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", GENERATE.format(total=args.tasks)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    values = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    print(f"{args.tasks} tasks written in {time.perf_counter() - started:.1f} s "
          f"({env['DATABASE_URL'].split(':')[0]})")  # fmt: skip
    print(f"one board snapshot from cold: {float(values['COMPUTE']) * 1000:.0f} ms")
    token = values["TOKEN"].strip()
    province = values["PROVINCE"].strip()

    with serve(env, args.workers) as base:
        anonymous = urllib.request.build_opener()
        data_url = f"{base}/board/{token}/data/?page=0"
        etag = anonymous.open(data_url).headers["ETag"]
        polling = urllib.request.build_opener()
        polling.addheaders = [("If-None-Match", etag)]
        leader = signed_in(base, "chutich", env)
        cases = [
            ("board page", anonymous, f"{base}/board/{token}/", (200,)),
            ("board data, unchanged (304)", polling, data_url, (304,)),
            ("board data, new screen (200)", anonymous, data_url, (200,)),
            ("dashboard, first view (computed)", leader, None, (200,)),
            ("dashboard, seen again (cached)", leader,
             f"{base}/dashboard/?start=01/01/2000&end=31/12/2100&unit={province}", (200,)),
        ]  # fmt: skip
        print(f"{args.workers} gunicorn workers, {args.clients} clients, {args.seconds:.0f} s each")
        print(f"{'request':32} {'median ms':>10} {'p95 ms':>8} {'req/s':>8}")
        for label, opener, url, statuses in cases:
            if url is None:  # one cold computation, timed on its own
                started = time.perf_counter()
                opener.open(f"{base}/dashboard/?start=01/01/2000&end=31/12/2100&unit={province}")
                print(f"{label:32} {(time.perf_counter() - started) * 1000:10.1f}")
                continue
            timings = hammer(opener, url, args.seconds, args.clients, statuses)
            timings.sort()
            median = timings[len(timings) // 2]
            p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
            print(f"{label:32} {median * 1000:10.1f} {p95 * 1000:8.1f} "
                  f"{len(timings) / args.seconds:8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
