"""Measure the daily pages under a production server: latency and requests per second.

    .venv/bin/python bench/pages.py [--tasks 600] [--seconds 10] [--workers 2] [--clients 4]

Builds a fresh demo database (SQLite in a temporary folder, or the database named by
BENCH_DATABASE_URL, which it EMPTIES first: never point it at real data), starts gunicorn on a
free port, logs in as a specialist, a unit staff member and an Office leader, then requests each
page from several clients at once and prints the median and 95th-percentile latency and the
throughput. Nothing here is a pass/fail test.
"""

import argparse
import contextlib
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PASSWORD = "bench-password-2026"
PAGES = [
    ("home (specialist)", "cv.kt1", "/"),
    ("home (unit staff)", "snv.cb", "/"),
    ("home (Office leader)", "cvp", "/"),
    ("task list", "cvp", "/tasks/"),
    ("task list, overdue, search", "cvp", "/tasks/?timeliness=overdue&q=von+dau+tu"),
    ("task page", "cvp", "/tasks/{task}/"),
    ("export .xlsx (all)", "cvp", "/tasks/?format=xlsx"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


@contextlib.contextmanager
def serve(env, workers: int):
    """gunicorn on a free port, ready (its health check answers) when the block starts."""
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "chidao.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz").read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def opener_for(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
    opener.open(request).read()
    return opener


def signed_in(base: str, username: str, env: dict):
    """``opener_for`` with the second factor given where the person's role requires it, as in
    production (``scale.give_second_factor``, run here on the served database): without it a
    leader's requests would all land on the two-factor set-up page."""
    import django
    from django.apps import apps

    if not apps.ready:  # this process reads the served database, as the servers do
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chidao.settings")
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        django.setup()
    from scale import signed_in as second_factor_given

    opener = second_factor_given(base, username)
    with opener.open(f"{base}/") as home:  # the home itself, not a sign-in or set-up page
        assert not re.search(r"/login/|/two-factor/", home.geturl()), (username, home.geturl())
    return opener


def hammer(opener, url: str, seconds: float, clients: int, statuses=(200,)):
    timings: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                with opener.open(url) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:  # 304 arrives as an "error"
                status = error.code
            assert status in statuses, status
            with lock:
                timings.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
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
    started = time.perf_counter()
    manage(env, "load_demo", "--password", PASSWORD, "--tasks", str(args.tasks))
    print(f"demo loaded in {time.perf_counter() - started:.1f} s ({env['DATABASE_URL'][:10]}…)")

    with serve(env, args.workers) as base:
        task = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c",
             "from chidao.directives.models import Task; "
             "print(Task.objects.filter(state='in_progress').order_by('pk').first().pk)"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        openers = {}
        print(f"{args.workers} gunicorn workers, {args.clients} clients, {args.seconds:.0f} s each")
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'req/s':>8}")
        for label, username, path in PAGES:
            if username not in openers:
                openers[username] = signed_in(base, username, env)
            opener = openers[username]
            timings = hammer(opener, base + path.format(task=task), args.seconds, args.clients)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{label:32} {statistics.median(timings) * 1000:10.1f} {p95 * 1000:8.1f} "
                  f"{len(timings) / args.seconds:8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
