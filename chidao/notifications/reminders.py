"""Nhắc hạn: the morning reminders of deadlines to the lead unit, on working days only.

Everything is counted in working days (``WorkCalendar``). For today T, a working day, and a
deadline D:

- ``left`` = the working days in (T, D] when D >= T; ``overdue`` = the working days in (D, T]
  when D < T;
- rung "before" when ``left`` is one of the rhythm's ``before_days`` (3 and 1 by default);
- rung "on_the_day" when D >= T and ``left`` == 0: the deadline itself, or a deadline on a day
  off whose last working day is today (a Sunday deadline is reminded on the Friday before);
- rung "day_after" when ``overdue`` == 1;
- rung "overdue" when ``overdue`` > 1 and (``overdue`` - 1) is a multiple of the rhythm's
  ``remind_overdue_every`` (every 5 working days after the day after, by default).

Each rung covers a contiguous range of deadlines (``rungs``, a pure function of the calendar),
so one tick reads only the open tasks whose deadline falls in those ranges, through the
(state, deadline) index, and writes one ``Notification`` of kind "reminder" per task, person of
the lead unit (its heads and staff, not the units under it) and channel. The key holds the day,
so running the tick twice the same day writes nothing new.

The rows are written by the database itself, one INSERT … SELECT per rung (``insert_statement``):
over a million open tasks a tick takes seconds and the process's memory does not grow
(``bench/reminders.py``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext, ngettext

from chidao.core import clock
from chidao.directives.models import DeadlineKind, Task
from chidao.directives.timeliness import WORKING_STATES
from chidao.notifications import daily, outbox
from chidao.notifications.models import Channel, Notification, Rhythm, State
from chidao.org.models import Membership, Person, Role
from chidao.workdays.calendar import WorkCalendar

KIND = "reminder"
BEFORE = "before"
ON_THE_DAY = "on_the_day"
DAY_AFTER = "day_after"
OVERDUE = "overdue"

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rung:
    """One rung of today's reminders and the deadlines it covers, ``first`` to ``last``
    inclusive. ``days``: working days left ("before"), 0 ("on_the_day"), or working days
    overdue ("day_after", "overdue")."""

    name: str
    days: int
    first: datetime.date
    last: datetime.date

    def dates(self) -> Iterable[datetime.date]:
        day = self.first
        while day <= self.last:
            yield day
            day += ONE_DAY


def rungs(
    today: datetime.date,
    calendar: WorkCalendar,
    rhythm: Rhythm,
    oldest_deadline: datetime.date | None,
) -> list[Rung]:
    """Today's rungs with their ranges of deadlines; none on a day off. Overdue rungs go back
    only as far as ``oldest_deadline`` (the oldest open deadline; None: nothing is overdue)."""
    if not calendar.is_working_day(today):
        return []
    found = []
    before = [n for n in rhythm.before_days if n >= 1]
    # ahead[k - 1] is the k-th working day after today: ``left`` == k from it up to the day
    # before the next one.
    ahead = []
    day = today
    while len(ahead) < max(before, default=0) + 1:
        day += ONE_DAY
        if calendar.is_working_day(day):
            ahead.append(day)
    for n in before:
        found.append(Rung(BEFORE, n, ahead[n - 1], ahead[n] - ONE_DAY))
    if rhythm.remind_on_the_day:
        found.append(Rung(ON_THE_DAY, 0, today, ahead[0] - ONE_DAY))

    every = rhythm.remind_overdue_every
    if oldest_deadline is None or (not rhythm.remind_day_after and not every):
        return found
    # Walking back: the m-th working day before today, back to the day before the (m - 1)-th,
    # are the deadlines overdue by m working days.
    last = today - ONE_DAY
    overdue = 0
    while last >= oldest_deadline:
        first = last
        while not calendar.is_working_day(first):
            first -= ONE_DAY
        overdue += 1
        if overdue == 1:
            if rhythm.remind_day_after:
                found.append(Rung(DAY_AFTER, 1, first, last))
        elif not every:
            break
        elif (overdue - 1) % every == 0:
            found.append(Rung(OVERDUE, overdue, first, last))
        last = first - ONE_DAY
    return found


def open_tasks() -> QuerySet:
    """Tasks the lead unit still has to act on, each recurring period on its own (the series
    itself has no deadline to remind)."""
    return Task.objects.filter(state__in=WORKING_STATES).exclude(
        deadline_kind=DeadlineKind.RECURRING, series__isnull=True
    )


def oldest_open_deadline() -> datetime.date | None:
    """One query: the first deadline of each working state, read at the start of the (state,
    deadline) index (a MIN over ``state IN (…)`` would read every open task instead)."""
    firsts = {
        f"first_{n}": Subquery(
            open_tasks()
            .filter(state=state, deadline__isnull=False)
            .order_by("deadline")
            .values("deadline")[:1]
        )
        for n, state in enumerate(WORKING_STATES)
    }
    row = Task.objects.order_by().annotate(**firsts).values(*firsts).first()
    found = [day for day in (row or {}).values() if day is not None]
    return min(found, default=None)


def due_tasks(rung: Rung) -> QuerySet:
    """(id, lead unit, deadline) of the open tasks whose deadline falls in ``rung``:
    ``state IN (…) AND deadline BETWEEN first AND last``, read through the (state, deadline)
    index."""
    return (
        open_tasks()
        .filter(deadline__range=(rung.first, rung.last))
        .order_by()
        .values_list("id", "lead_unit_id", "deadline")
    )


def lead_unit_recipients() -> list[tuple[int, int, str]]:
    """(unit id, person id, channel) for every active head and staff member of every unit, on
    each channel a reminder goes to for them: two queries for the whole tick."""
    members = Membership.objects.filter(
        role__in=[Role.UNIT_HEAD, Role.UNIT_STAFF], is_active=True, person__is_active=True
    )
    prefs = outbox.preferences(members.values("person_id"))
    channels_of: dict[int, list[str]] = {}
    found = {}
    rows = members.order_by("unit_id", "person_id").values_list(
        "unit_id", "person_id", "person__email"
    )
    for unit_id, person_id, email in rows:
        if person_id not in channels_of:
            person = Person(pk=person_id, email=email)
            channels_of[person_id] = outbox.channels(person, prefs, KIND)
        for channel in channels_of[person_id]:
            # A person who is both head and staff of a unit is reminded once.
            found[(unit_id, person_id, channel)] = None
    return list(found)


def write_reminders(today: datetime.date | None = None) -> int:
    """One tick (nhắc hạn hằng ngày): write today's reminders; nothing on a day off. Returns the
    number of rows written: rows already written today (same key) are skipped by the database,
    so a second run the same day writes none.

    One INSERT … SELECT per rung: the task rows never leave the database, so memory stays flat
    whatever the number of tasks, and each rung commits on its own (a tick that stops halfway is
    completed by the next run)."""
    today = today or clock.today()
    calendar = WorkCalendar.current()
    if not calendar.is_working_day(today):
        return 0
    oldest = oldest_open_deadline()
    if oldest is None:
        return 0
    found = rungs(today, calendar, Rhythm.current(), oldest)
    recipients = lead_unit_recipients()
    if not found or not recipients:
        return 0
    now = clock.now()
    written = 0
    with connection.cursor() as cursor:
        for rung in found:
            cursor.execute(*insert_statement(rung, recipients, today, now))
            written += max(cursor.rowcount, 0)
            daily.still_running()
    return written


def insert_statement(rung: Rung, recipients, today: datetime.date, now: datetime.datetime):
    """The INSERT … SELECT of one rung's rows: each open task of the rung, joined with its lead
    unit's people and channels, keyed as ``reminder:<task>:<day>:<person>:<channel>``;
    ``ON CONFLICT DO NOTHING`` skips the keys already written (PostgreSQL and SQLite alike)."""
    ops = connection.ops
    tasks_sql, tasks_params = due_tasks(rung).query.sql_with_params()
    # Ids from the database and channel names from ``Channel`` are written into the statement:
    # a list of parameters this long would pass SQLite's limit.
    if any(channel not in Channel.values for _unit, _person, channel in recipients):
        raise ValueError("unknown channel")
    values = ", ".join(
        f"({int(unit)}, {int(person)}, '{channel}')" for unit, person, channel in recipients
    )
    json_object = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    table = ops.quote_name(Notification._meta.db_table)
    stamp = ops.adapt_datetimefield_value(now)
    in_app = Channel.IN_APP.value
    sql = f"""
        INSERT INTO {table} (
            recipient_id, task_id, event_id, kind, data, channel, key, state, attempts,
            next_attempt_at, last_error, claim_token, claimed_at, message_id, created, sent_at,
            read_at
        )
        WITH recipient (unit_id, person_id, channel) AS (VALUES {values})
        SELECT recipient.person_id, task.id, NULL, CAST(%s AS text),
            {json_object}(
                'rung', CAST(%s AS text), 'days', CAST(%s AS integer), 'deadline', task.deadline,
                'day', CAST(%s AS text)
            ),
            recipient.channel,
            CAST(%s AS text) || task.id || CAST(%s AS text) || recipient.person_id || ':'
                || recipient.channel,
            CASE WHEN recipient.channel = '{in_app}' THEN CAST(%s AS text)
                ELSE CAST(%s AS text) END,
            0, %s, '', '', NULL, '', %s,
            CASE WHEN recipient.channel = '{in_app}' THEN %s END,
            NULL
        FROM ({tasks_sql}) AS task
        JOIN recipient ON recipient.unit_id = task.lead_unit_id
        WHERE 1 = 1  -- SQLite reads ON CONFLICT as a join condition without a WHERE
        ON CONFLICT DO NOTHING
    """  # noqa: S608 (only ids and channel names, checked above, are not parameters)
    params = [
        KIND,
        rung.name,
        rung.days,
        today.isoformat(),
        f"{KIND}:",
        f":{today.isoformat()}:",
        # In-app needs no delivery: the row in the inbox is the message.
        State.SENT,
        State.PENDING,
        stamp,  # next attempt
        stamp,  # created
        stamp,  # sent (in-app)
        *tasks_params,
    ]
    return sql, params


def describe(data: dict) -> str:
    """What a reminder says, in the active language: "3 working days left until the deadline
    31/03/2026", "Due today (31/03/2026)", "Overdue by 6 working days (deadline 31/03/2026)"."""
    try:
        date = datetime.date.fromisoformat(data["deadline"]).strftime("%d/%m/%Y")
    except (KeyError, TypeError, ValueError):
        return gettext("Reminder of a deadline")
    rung = data.get("rung")
    try:
        days = int(data.get("days") or 0)
    except (TypeError, ValueError):
        days = 0
    values = {"days": days, "date": date}
    if rung == BEFORE and days > 0:
        return (
            ngettext(
                "%(days)s working day left until the deadline %(date)s",
                "%(days)s working days left until the deadline %(date)s",
                days,
            )
            % values
        )
    if rung == ON_THE_DAY:
        if data.get("day") not in (None, data["deadline"]):
            return (
                gettext(
                    "The deadline %(date)s falls on a day off: "
                    "today is the last working day before it"
                )
                % values
            )
        return gettext("Due today (%(date)s)") % values
    if rung in (DAY_AFTER, OVERDUE) and days > 0:
        return (
            ngettext(
                "Overdue by %(days)s working day (deadline %(date)s)",
                "Overdue by %(days)s working days (deadline %(date)s)",
                days,
            )
            % values
        )
    return gettext("Deadline %(date)s") % values
