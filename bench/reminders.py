"""Measure the daily reminder tick and the escalation pass over many open tasks.

    .venv/bin/python bench/reminders.py --database-url postgres://…/chidao_bench_rem \
        [--tasks 1000000] [--units 400]

The database given (PostgreSQL only) is EMPTIED first: never point it at real data. The bench
migrates it, writes an organisation (a province with its Office, one division, ``--units``
departments with a head and one or two staff each) and ``--tasks`` open tasks in one INSERT …
SELECT over generate_series: deadlines spread over the past two years and the next year (moved
off weekends), states assigned / received / in progress / reported done, no timelines. Then, in
a fresh process so that its peak memory is the tick's own, it prints:

- one ``write_reminders`` tick: seconds, rows written, peak memory (ru_maxrss), then the same
  tick again (it writes nothing new);
- one ``escalate`` pass in the steady state: the tasks that had already passed a rung by the
  previous working day are generated as escalated (``escalated_rung``/``escalated_for``), as
  they would be after the daily passes before; the pass escalates those crossing a rung today.
  (A first pass over a backlog that was never escalated records an event per task instead.)
- ``EXPLAIN ANALYZE`` of one rung's INSERT … SELECT (the tick runs one per rung) and of the
  query for the oldest open deadline.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TASKS_SQL = """
CREATE TEMP TABLE bench_units AS
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM org_unit WHERE kind = 'department';
CREATE TEMP TABLE bench_directives AS
    SELECT id, kind, row_number() OVER (ORDER BY id) - 1 AS k FROM directives_directive;
WITH spread AS (
    SELECT g,
           %(first)s::date + ((hashint4(g)::bigint & 2147483647) %% %(span)s)::int AS day,
           (ARRAY['assigned', 'received', 'in_progress', 'in_progress', 'in_progress',
                  'in_progress', 'in_progress', 'in_progress', 'in_progress', 'reported'])
               [1 + (hashint4(g + 7)::bigint & 2147483647) %% 10] AS state,
           (hashint4(g + 13)::bigint & 2147483647) %% %(units)s AS unit_k
    FROM generate_series(1, %(tasks)s) AS g
), dated AS (
    SELECT g, state, unit_k, state <> 'reported' AS working,
           day + CASE extract(isodow FROM day) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END AS deadline
    FROM spread
)
INSERT INTO directives_task (
    directive_id, directive_kind, content, lead_unit_id, assigner_unit_id, directing_leader_id,
    specialist_id, priority, product, product_is_committee_document, assigned_on, deadline_kind,
    original_deadline, deadline, deadline_basis, recurrence, state, return_reason, completed_on,
    result, product_number, extension_count, extended_after_deadline, last_update_at,
    urged_count, escalated_rung, escalated_for, event_count, event_head, search_text, created,
    updated
)
SELECT d.id, d.kind, 'Nhiệm vụ số ' || g, u.id, %(province)s, %(leader)s, %(specialist)s,
       'normal', '', false, deadline - 30, 'date',
       deadline, deadline, '{}'::jsonb, '', state, '',
       CASE WHEN state = 'reported' THEN deadline - 2 END,
       '', '', 0, false, now(),
       0,
       CASE WHEN working AND deadline <= %(rung_2_before)s THEN 2
            WHEN working AND deadline <= %(rung_1_before)s THEN 1 ELSE 0 END,
       CASE WHEN working AND deadline <= %(rung_1_before)s THEN deadline END,
       0, '', 'nhiem vu so ' || g, now(), now()
FROM dated
JOIN bench_units u ON u.k = dated.unit_k
JOIN bench_directives d ON d.k = dated.g %% %(directives)s;
"""


def configure(database_url: str) -> None:
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must name a PostgreSQL database")
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="chidao.settings",
        SECRET_KEY="bench-" + "x" * 50,
        CHIDAO_TIMELINE_KEYS="bench:" + "t" * 40,
        HTTPS="false",
        DEBUG="false",  # DEBUG keeps every query in memory
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def bench_today():
    from chidao.core import clock
    from chidao.workdays.calendar import WorkCalendar

    return WorkCalendar.current().roll_forward(clock.today())


def generate(tasks: int, units: int):
    """Write the organisation and the tasks; returns the day the bench measures (today, or the
    next working day)."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from chidao.directives.models import Directive
    from chidao.notifications.escalation import cutoff
    from chidao.notifications.models import Rhythm
    from chidao.org.models import Level, Membership, Person, Role, Unit, UnitKind
    from chidao.workdays.calendar import WorkCalendar

    def make_unit(parent, kind, name, code):
        level = Level.PROVINCE if kind == UnitKind.COMMITTEE else ""
        unit = Unit(parent=parent, kind=kind, name=name, code=code, level=level)
        unit.save()
        return unit

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    today = bench_today()
    province = make_unit(None, UnitKind.COMMITTEE, "Ủy ban nhân dân tỉnh Thử", "UBND")
    office = make_unit(province, UnitKind.OFFICE, "Văn phòng UBND tỉnh", "VP")
    division = make_unit(office, UnitKind.OFFICE_DIVISION, "Phòng Kinh tế", "KT")
    departments = [
        make_unit(province, UnitKind.DEPARTMENT, f"Sở số {n}", f"S{n}") for n in range(units)
    ]

    unusable = make_password(None)  # nobody logs in to the bench

    def person(username):
        return Person(username=username, password=unusable, full_name=username, email="")

    apparatus = Person.objects.bulk_create(
        [person(name) for name in ("leader", "office_leader", "division_head", "specialist")]
    )
    leader, office_leader, division_head, specialist = apparatus
    staff = []
    memberships = [
        Membership(person=leader, unit=province, role=Role.COMMITTEE_LEADER),
        Membership(person=office_leader, unit=office, role=Role.OFFICE_LEADER),
        Membership(person=division_head, unit=division, role=Role.DIVISION_HEAD),
        Membership(person=specialist, unit=division, role=Role.SPECIALIST),
    ]
    for n in range(len(departments)):
        for k in range(2 + n % 2):  # a head and one or two staff
            staff.append(person(f"u{n}.{k}"))
    Person.objects.bulk_create(staff, batch_size=1000)
    for p in staff:
        n, k = map(int, p.username[1:].split("."))
        role = Role.UNIT_HEAD if k == 0 else Role.UNIT_STAFF
        memberships.append(Membership(person=p, unit=departments[n], role=role))
    Membership.objects.bulk_create(memberships, batch_size=1000)

    first = today - datetime.timedelta(days=730)
    span = 365 * 3
    directives = max(1, tasks // 1000)
    Directive.objects.bulk_create(
        [
            Directive(
                issuer=province,
                kind="official_letter",
                number=n + 1,
                symbol="UBND-TH",
                issued_on=first,
                year=first.year,
                signer=leader,
                summary=f"Văn bản số {n + 1}",
                search_text=f"van ban so {n + 1}",
            )
            for n in range(directives)
        ],
        batch_size=1000,
    )
    # The steady state: the passes of the working days before today have escalated every task
    # already past a rung then.
    calendar = WorkCalendar.current()
    rhythm = Rhythm.current()
    yesterday = calendar.subtract_working_days(today, 1)
    never = datetime.date(1900, 1, 1)
    after_1, after_2 = rhythm.escalate_to_unit_head_after, rhythm.escalate_to_office_after
    params = {
        "first": first,
        "span": span,
        "tasks": tasks,
        "units": units,
        "directives": directives,
        "province": province.pk,
        "leader": leader.pk,
        "specialist": specialist.pk,
        "rung_1_before": cutoff(yesterday, calendar, after_1) if after_1 else never,
        "rung_2_before": cutoff(yesterday, calendar, after_2) if after_2 else never,
    }
    with connection.cursor() as cursor:
        cursor.execute(TASKS_SQL, params)
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    return today


def measure(today) -> None:
    """Runs in its own process: ru_maxrss is then the peak of the tick and the pass alone."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from chidao.core import clock
    from chidao.directives.models import Task, TaskEvent
    from chidao.notifications import escalation, reminders
    from chidao.notifications.models import Notification, Rhythm
    from chidao.workdays.calendar import WorkCalendar

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    connection.ensure_connection()
    print(f"today: {today:%d/%m/%Y} ({today:%A})")
    print(f"peak memory after start-up: {peak_mb():.0f} MB")
    open_tasks = reminders.open_tasks().count()
    print(f"open tasks the unit still works on: {open_tasks:,}")

    started = time.perf_counter()
    written = reminders.write_reminders(today)
    seconds = time.perf_counter() - started
    reminded = Notification.objects.filter(kind="reminder").values("task_id").distinct().count()
    print(
        f"reminder tick: {seconds:.1f} s, {written:,} rows written for {reminded:,} tasks, "
        f"peak memory {peak_mb():.0f} MB"
    )
    started = time.perf_counter()
    again = reminders.write_reminders(today)
    print(
        f"the same tick again: {time.perf_counter() - started:.1f} s, {again} new rows, "
        f"peak memory {peak_mb():.0f} MB"
    )

    events_before = TaskEvent.objects.count()
    started = time.perf_counter()
    escalated = escalation.escalate(today)
    seconds = time.perf_counter() - started
    rung_2 = Task.objects.filter(escalated_rung=2, escalated_for__isnull=False).count()
    print(
        f"escalation pass (steady state: tasks past a rung by the previous working day were "
        f"generated as escalated): {seconds:.1f} s, {escalated:,} tasks escalated "
        f"({TaskEvent.objects.count() - events_before:,} events), peak memory {peak_mb():.0f} MB"
    )
    print(f"tasks at rung 2 now: {rung_2:,}")
    started = time.perf_counter()
    again = escalation.escalate(today)
    print(f"the same pass again: {time.perf_counter() - started:.1f} s, {again} tasks escalated")

    found = reminders.rungs(
        today, WorkCalendar.current(), Rhythm.current(), reminders.oldest_open_deadline()
    )
    widest = max(found, key=lambda rung: rung.last - rung.first)
    print(f"rungs today: {len(found)}, one INSERT … SELECT each")
    print(
        f"\nEXPLAIN ANALYZE, the INSERT … SELECT of the rung {widest.name} {widest.days} "
        f"(deadlines {widest.first:%d/%m/%Y} to {widest.last:%d/%m/%Y}; its rows are already "
        f"written, hence the conflicts; rolled back):"
    )
    recipients = reminders.lead_unit_recipients()
    sql, params = reminders.insert_statement(widest, recipients, today, clock.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print(shorten("\n".join(row[0] for row in cursor.fetchall())))
        transaction.set_rollback(True)
    print("\nEXPLAIN ANALYZE, the oldest open deadline:")
    with CaptureQueriesContext(connection) as queries:
        reminders.oldest_open_deadline()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
        print(shorten("\n".join(row[0] for row in cursor.fetchall())))


def shorten(plan: str, width: int = 200) -> str:
    """The plan with its long conditions cut (one BETWEEN per rung makes them very long)."""
    return "\n".join(
        line if len(line) <= width else line[: width - 1] + "…" for line in plan.splitlines()
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="PostgreSQL; it is emptied")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--measure", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure(args.database_url)
    if args.measure:
        import datetime

        measure(datetime.date.fromisoformat(args.measure))
        return
    started = time.perf_counter()
    today = generate(args.tasks, args.units)
    print(
        f"{args.tasks:,} open tasks over {args.units} units written in "
        f"{time.perf_counter() - started:.0f} s (PostgreSQL)"
    )
    subprocess.run(
        [sys.executable, __file__, "--database-url", args.database_url,
         "--measure", today.isoformat()],
        cwd=ROOT, check=True,
    )  # fmt: skip


if __name__ == "__main__":
    main()
