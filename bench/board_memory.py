"""Does a screen's memory stay flat? Run the board in Debian's chromium for a while and sample.

    .venv/bin/python bench/board_memory.py [--minutes 5] [--poll 1]

Loads the demo into a temporary SQLite database, serves it with gunicorn with the screens asking
for news every ``--poll`` seconds (a TV asks every 10), changes a task now and then so the board
really re-renders, and after each minute forces a garbage collection and prints the JavaScript
heap and the number of DOM nodes. Flat figures over many cycles mean days of running are safe.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PASSWORD, ROOT, manage, serve
from playwright.sync_api import sync_playwright

PYTHON = sys.executable
TOUCH = (
    "from chidao.directives.models import Task; from django.utils import timezone; "
    "Task.objects.filter(pk=Task.objects.order_by('?').first().pk).update(updated=timezone.now())"
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--poll", type=int, default=1)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="chidao-bench-"))
    env = dict(os.environ)
    env.update(DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3", SECRET_KEY="bench-" + "x" * 50,
               CHIDAO_TIMELINE_KEYS="bench:" + "t" * 40,
               HTTPS="false", DEBUG="false", STATIC_ROOT=str(workdir / "static"),
               CHIDAO_BOARD_POLL_SECONDS=str(args.poll), LOG_LEVEL="WARNING")  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo", "--password", PASSWORD, "--tasks", "300")
    token = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         "from chidao.board.models import Screen; from chidao.org.models import Unit; "
         "s = Screen(name='Bench', committee=Unit.objects.get(admin_code='82')); "
         "t = s.new_token(); s.save(); print(t)"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with serve(env, 2) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{base}/board/{token}/")
        cdp = page.context.new_cdp_session(page)
        print(f"polling every {args.poll} s; minute, JS heap used (KB), DOM nodes")
        for minute in range(int(args.minutes) + 1):
            if minute:
                for _ in range(6):
                    time.sleep(10)
                    subprocess.run([PYTHON, "manage.py", "shell", "-c", TOUCH], cwd=ROOT,
                                   env=env, check=True, capture_output=True)  # fmt: skip
            cdp.send("HeapProfiler.collectGarbage")
            heap = cdp.send("Runtime.getHeapUsage")["usedSize"] // 1024
            nodes = page.evaluate("document.getElementsByTagName('*').length")
            print(f"{minute:6d} {heap:10d} {nodes:8d}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
