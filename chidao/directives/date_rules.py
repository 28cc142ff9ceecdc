"""Dates that make sense: the one place that says which issue dates and deadlines are accepted.

The directive form, the issuing action (and so the demo and any import, which go through it), the
deadline preview, sub-assignment and the dashboard's period all ask here, so they refuse the same
dates with the same messages. Each refusal is a ``ValidationError`` naming its field (``issued_on``,
``deadline_date``, ``working_days``), as the actions' other refusals do.

- A directive is dated from 01/01/2000 to one year after today (a typo such as 2062 for 2026, or a
  document of another century, is refused rather than tracked for decades).
- A task's deadline is at most five years after its directive's date.
- A deadline in working days counts from 1 to 250 working days (about one working year).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.workdays.calendar import DeadlineRule, resolve_date, resolve_working_days

EARLIEST_DATE = datetime.date(2000, 1, 1)
ISSUE_YEARS_AHEAD = 1
DEADLINE_YEARS_AFTER_ISSUE = 5
MAX_WORKING_DAYS = 250


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_date(today: datetime.date | None = None) -> datetime.date:
    """The latest date a directive may carry (and a task be assigned on): a year after today."""
    return add_years(today or clock.today(), ISSUE_YEARS_AHEAD)


def _dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def check_issue_date(issued_on: datetime.date, field: str = "issued_on") -> None:
    if issued_on < EARLIEST_DATE:
        raise ValidationError(
            {field: _("A directive cannot be dated before 01/01/2000.")}, code="too_early"
        )
    latest = latest_date()
    if issued_on > latest:
        raise ValidationError(
            {field: _("A directive cannot be dated more than one year after today (%(date)s at "
                      "the latest).") % {"date": _dmy(latest)}},
            code="too_late",
        )  # fmt: skip


def check_in_range(day: datetime.date, field: str) -> None:
    """A date of a period asked for (the dashboard's): within the dates a task can have."""
    latest = latest_date()
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            {field: _("Give a date from 01/01/2000 to %(date)s.") % {"date": _dmy(latest)}},
            code="out_of_range",
        )


def _check_not_too_far(due: datetime.date, issued_on: datetime.date, field: str) -> None:
    latest = add_years(issued_on, DEADLINE_YEARS_AFTER_ISSUE)
    if due > latest:
        raise ValidationError(
            {field: _("A deadline cannot be more than five years after the directive's date "
                      "(%(date)s at the latest).") % {"date": _dmy(latest)}},
            code="too_late",
        )  # fmt: skip


def check_extended_deadline(due: datetime.date, issued_on: datetime.date, field: str) -> None:
    """An extension is held to the same bound as the deadline it moves."""
    _check_not_too_far(due, issued_on, field)


def check_working_days(working_days: int | None) -> None:
    if working_days is None or not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {"working_days": _("Give a number of working days from 1 to 250.")}, code="range"
        )


def deadline_on(
    day: datetime.date | None, *, assigned_on: datetime.date, issued_on: datetime.date
) -> DeadlineRule:
    """A deadline given as a date, checked, then moved off a day off (art. 148)."""
    if day is None:
        raise ValidationError({"deadline_date": _("Give the deadline.")}, code="required")
    if day < assigned_on:
        raise ValidationError(
            {"deadline_date": _("The deadline cannot be before the day of assignment.")},
            code="before_assignment",
        )
    _check_not_too_far(day, issued_on, "deadline_date")
    return resolve_date(day)


def deadline_in_working_days(
    working_days: int | None, *, assigned_on: datetime.date, issued_on: datetime.date
) -> DeadlineRule:
    """A deadline of n working days from the day of assignment, checked."""
    check_working_days(working_days)
    rule = resolve_working_days(assigned_on, working_days)
    _check_not_too_far(rule.due, issued_on, "working_days")
    return rule
