"""Measure the periodic reports of a province with 100,000 tasks: content, files, memory.

    .venv/bin/python bench/reports.py \
        --database-url postgres://postgres@127.0.0.1:5432/chidao_reports_100k --tasks 100000 \
        [--reuse] [--runs 3] [--check] [--profile] [--base-url URL]
    .venv/bin/python bench/reports.py --database-url sqlite:////tmp/chidao_reports_100k.sqlite3

1. The database named is EMPTIED (PostgreSQL: dropped and created again; SQLite: the file
   deleted) and filled by ``bench/scale.py``'s generator (imported, not copied): the real unit
   tree of Đồng Tháp (province 82) and ``--tasks`` tasks over the two years up to today. With
   ``--reuse`` a database that already holds exactly ``--tasks`` tasks is only migrated.
2. For the province's committee (admin_code 82) and two periods, the latest closed reporting
   month that holds tasks (``periods.previous(periods.holding("month", today))``, further back
   if empty) and, as the larger case, the latest closed year (``periods.year``), each report
   kind (``review``, ``monthly``, and ``unit`` for the department leading the most tasks, as
   ``scale.subjects`` picks it) is built in this process as ``manage.py make_report`` builds it
   (the server's operator, who sees every task, in Vietnamese): the content
   (``content.build``, its queries captured by ``CaptureQueriesContext``), then each file
   (``files.write`` into memory, each figure linked to its task list under ``--base-url``, by
   default ``SITE_URL`` as make_report gives it) as .docx, PDF and .xlsx. Each is run
   ``--runs`` times (3) and the median printed, with the CPU time of this process for the file
   (the machine may be busy with other work; the content's time is wall time, SQL included).
   Before the timed runs, each report is made once in each format by a forked child of this
   process, untimed, whose ``ru_maxrss`` is the peak resident memory of a worker that made
   that report and nothing else.
3. ``--check`` writes the monthly .docx of the month and converts it to PDF with LibreOffice
   (``soffice --headless --convert-to pdf``, its own profile in the temporary folder), twice (the
   first run also creates the profile), and prints whether it opened, its pages (``pdfinfo``)
   and the seconds. Not part of the timings.
4. ``--profile`` prints cProfile's 25 functions with the most cumulative time for the monthly
   report of the month: its content, its .docx and its PDF.

It prints a Markdown table: per period, report and format, the medians of the content's and the
file's seconds, the file's CPU seconds, the sum of the medians, the file's size, the rows of the
overdue table, the content's SQL queries and its slowest query's ms, and the peak memory; then
whether the monthly report of the month is made within 10 s in each format. Nothing here is a
pass/fail test.
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import scale  # noqa: E402

KINDS = ("review", "monthly", "unit")
FORMATS = ("docx", "pdf", "xlsx")
TARGET_SECONDS = 10
LANGUAGE = "vi"  # as make_report and the report page make them


@dataclass
class Case:
    period: object
    kind: str
    unit: object
    build_s: list = field(default_factory=list)
    queries: int = 0
    slowest_ms: list = field(default_factory=list)
    overdue_rows: int = 0
    write_s: dict = field(default_factory=dict)  # format -> [seconds]
    write_cpu: dict = field(default_factory=dict)  # format -> [CPU seconds of this process]
    size: dict = field(default_factory=dict)  # format -> bytes
    peak_mb: dict = field(default_factory=dict)  # format -> ru_maxrss of a child making it


def request(case: Case):
    from chidao.org.models import Unit
    from chidao.reports import content

    # The unit read again and a fresh ``today``, as each make_report or request has them.
    return content.Request(case.kind, Unit.objects.get(pk=case.unit.pk), case.period)


def build(case: Case):
    from django.utils import translation

    from chidao.reports import content

    with translation.override(LANGUAGE):
        return content.build(request(case))


BASE_URL = ""  # set by main: --base-url, else the SITE_URL make_report gives the writers


def write(document, fmt: str) -> bytes:
    from django.utils import translation

    from chidao.reports import files

    stream = io.BytesIO()
    with translation.override(LANGUAGE):
        files.write(document, fmt, stream, base_url=BASE_URL)
    return stream.getvalue()


def overdue_rows(document) -> int:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(LANGUAGE):
        title = _("Overdue tasks")
    tables = [t for t in document.tables() if t.title == title]
    assert len(tables) == 1, [t.title for t in document.tables()]
    return len(tables[0].rows)


# --- what is measured ---------------------------------------------------------------------------
def has_tasks(period) -> bool:
    from chidao.directives.models import Task

    return Task.objects.filter(assigned_on__gte=period.start, assigned_on__lte=period.end).exists()


def chosen_periods(today) -> list:
    """The latest closed reporting month holding tasks; the latest closed year."""
    from chidao.reports import periods

    month = periods.previous(periods.holding("month", today))
    for _tries in range(36):
        if has_tasks(month):
            break
        month = periods.previous(month)
    else:
        raise SystemExit("no closed reporting month holds a task")
    year = periods.holding("year", today)
    if not year.is_over(today):
        year = periods.previous(year)
    return [month, year]


def measure(case: Case, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = None
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            document = build(case)
            case.build_s.append(time.perf_counter() - started)
        case.queries = len(captured.captured_queries)
        case.slowest_ms.append(
            max((float(q["time"]) * 1000 for q in captured.captured_queries), default=0.0)
        )
    case.overdue_rows = overdue_rows(document)
    for fmt in FORMATS:
        times = case.write_s.setdefault(fmt, [])
        cpu = case.write_cpu.setdefault(fmt, [])
        for _run in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            data = write(document, fmt)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        case.size[fmt] = len(data)
        print(
            f"  {case.period.key} {case.kind} {fmt}: content {statistics.median(case.build_s):.2f}"
            f" s, file {statistics.median(times):.2f} s",
            flush=True,
        )


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_memory(case: Case) -> None:
    """For each format, a forked child builds the report and writes the file; its ru_maxrss
    is the peak resident memory of a process that made that report alone."""
    from django.db import connections

    for fmt in FORMATS:
        connections.close_all()  # the child opens its own connection
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                write(build(case), fmt)
                connections.close_all()
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        _pid, status, usage = os.wait4(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the child making {case.kind} {case.period.key} .{fmt} failed")
        case.peak_mb[fmt] = usage.ru_maxrss / 1024  # KiB on Linux


def table(cases: list) -> str:
    header = (
        "| period | report | format | content s | file s | file CPU s | total s | file KB "
        "| overdue rows | queries | slowest SQL ms | peak RSS MB |"
    )
    lines = [header, "|" + "|".join("---" for _cell in header.split("|")[1:-1]) + "|"]
    for case in cases:
        build_s = statistics.median(case.build_s)
        for fmt in FORMATS:
            write_s = statistics.median(case.write_s[fmt])
            lines.append(
                f"| {case.period.name} | {case.kind} | {fmt} | {build_s:.2f} | {write_s:.2f} | "
                f"{statistics.median(case.write_cpu[fmt]):.2f} | {build_s + write_s:.2f} | "
                f"{case.size[fmt] / 1024:,.0f} | "
                f"{case.overdue_rows:,} | {case.queries} | "
                f"{statistics.median(case.slowest_ms):.0f} | "
                f"{case.peak_mb[fmt]:.0f} |"
            )
    return "\n".join(lines)


# --- LibreOffice and the profile ----------------------------------------------------------------
def check(case: Case, workdir: Path) -> None:
    """Convert the monthly .docx with LibreOffice: did it open, how long did it take."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("--check: soffice not found (apt-get install libreoffice-writer)")
        return
    source = workdir / "bao-cao-thang.docx"
    source.write_bytes(write(build(case), "docx"))
    profile = workdir / "lo-profile"
    for attempt in ("first (creates the profile)", "second"):
        out = workdir / "converted"
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        done = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(source)],
            capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        pdf = out / (source.stem + ".pdf")
        opened = done.returncode == 0 and pdf.exists() and pdf.stat().st_size > 0
        pages = ""
        pdfinfo = shutil.which("pdfinfo")
        if opened and pdfinfo:
            info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True,
                                  check=False).stdout  # fmt: skip
            pages = next((f", {line.split()[-1]} pages" for line in info.splitlines()
                          if line.startswith("Pages:")), "")  # fmt: skip
        verdict = f"opened, PDF {pdf.stat().st_size / 1024:,.0f} KB{pages}" if opened else (
            f"FAILED (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}"
        )  # fmt: skip
        print(
            f"LibreOffice, monthly .docx of {case.period.name} ({source.stat().st_size / 1024:,.0f}"
            f" KB, {case.overdue_rows:,} overdue rows), {attempt} run: {verdict}; {seconds:.1f} s"
        )


def profile(case: Case) -> None:
    """cProfile's top 25 by cumulative time: the monthly content, its .docx and its PDF."""
    profiler = cProfile.Profile()
    document = profiler.runcall(build, case)
    steps = [("content", profiler)]
    for fmt in ("docx", "pdf"):
        profiler = cProfile.Profile()
        profiler.runcall(write, document, fmt)
        steps.append((fmt, profiler))
    for label, profiler in steps:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        print(f"\n--- profile: monthly report of {case.period.name}, {label} " + "-" * 40)
        print(f"{stats.total_tt:.2f} s under the profiler")
        stats.sort_stats("cumulative").print_stats(25)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


# --- main ---------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="PostgreSQL or SQLite; EMPTIED")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database that already holds exactly --tasks tasks",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="each measurement, median printed")
    parser.add_argument("--check", action="store_true", help="convert the .docx with LibreOffice")
    parser.add_argument("--profile", action="store_true", help="cProfile the monthly report")
    parser.add_argument(
        "--base-url",
        help="the site's address for the figures' links (default: SITE_URL, as make_report; "
        "'' for no links)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="chidao-reports-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> None:
    global BASE_URL
    scale.configure(args.database_url, workdir)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from chidao.core import clock
    from chidao.org.models import Unit, UnitKind

    if args.reuse and scale.holds(args.tasks):
        call_command("migrate", verbosity=0)
        print(f"reusing {args.database_url} ({args.tasks:,} tasks)")
    else:
        scale.empty_database(args.database_url)
        scale.generate(args.tasks, args.seed)
    engine = f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            engine = cursor.fetchone()[0].split(" on ")[0]
    print(scale.shape())

    BASE_URL = settings.SITE_URL if args.base_url is None else args.base_url
    today = clock.today()
    province = Unit.objects.get(kind=UnitKind.COMMITTEE, admin_code="82")
    department = scale.subjects()["unit"]
    cases = [
        Case(period, kind, department if kind == "unit" else province)
        for period in chosen_periods(today)
        for kind in KINDS
    ]
    print(
        f"{engine}, {args.tasks:,} tasks, today {today:%d/%m/%Y}; {province.name}; unit report: "
        f"{department.name}; links in the files to {BASE_URL or '(none)'}; periods: "
        + ", ".join(sorted({c.period.label for c in cases}, key=len))
    )
    baseline = current_rss_mb()
    for case in cases:
        measure_memory(case)
    busy = scale.cpu_busy()
    if busy > 0.2:
        print(f"warning: the CPUs are {busy:.0%} busy before measuring: the machine is not idle")
    for case in cases:
        measure(case, args.runs)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())

    print(
        f"\n{engine}, {args.tasks:,} tasks; median of {args.runs} runs; content = "
        "content.build (SQL included); file = files.write into memory; total = content + file; "
        "peak RSS = ru_maxrss of a forked child that made only that report in that format (an "
        f"untimed run; {baseline:.0f} MB resident at the fork); file CPU s = this "
        f"process's CPU time for the file (other work on the machine does not count in it); "
        f"load average after the timed runs {load} on {os.cpu_count()} CPUs\n"
    )
    print(table(cases))
    print()
    for case in cases:
        if case.kind != "monthly":
            continue
        for fmt in FORMATS:
            total = statistics.median(case.build_s) + statistics.median(case.write_s[fmt])
            verdict = "within" if total <= TARGET_SECONDS else "OVER"
            print(
                f"monthly report, {case.period.name}, .{fmt}: {total:.2f} s, {verdict} "
                f"{TARGET_SECONDS} s"
            )
    monthly = next(c for c in cases if c.kind == "monthly")
    if args.check:
        print()
        check(monthly, workdir)
    if args.profile:
        profile(monthly)


if __name__ == "__main__":
    main()
