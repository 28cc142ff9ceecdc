"""Lịch ngày làm việc: which days count when a deadline is "n working days" (Civil Code 2015,
articles 147 and 148), and a snapshot of how each deadline was computed.

A day is a working day when, in this order:
1. an administrator's ``CalendarAdjustment`` for that date decides (DAY_OFF or WORKING_DAY);
2. otherwise a public holiday or substituted day off from the ``holidays`` package is a day off;
3. otherwise a make-up working Saturday from the package (``weekend_workdays``) is a working day;
4. otherwise Monday to Friday are working days, Saturday and Sunday are not.

A deadline is returned as a ``DeadlineRule``: the due date and a JSON basis that names the breaks
and make-up days it was computed with. The caller stores the basis next to the due date, so a
later edit of the calendar never moves or re-explains a deadline already issued.
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import holidays

from chidao.org import version
from chidao.workdays.explain import adds_to_the_date, explain, names_language
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

__all__ = ["DeadlineRule", "WorkCalendar", "explain", "resolve_date", "resolve_working_days"]

ONE_DAY = datetime.timedelta(days=1)

# Names as the holidays package spells them in English (``language="en_US"``). Observed days and
# substituted days off repeat or point at another holiday, so a break is named after the others.
_LUNAR_NEW_YEAR = "Lunar New Year"
_OBSERVED_SUFFIX = " (observed)"
_SUBSTITUTED_PREFIX = "Day off ("
TET = {"vi": "Tết", "en": "Lunar New Year"}

Names = dict[str, str]  # {"vi": ..., "en": ...}


@functools.cache
def _public_holidays(year: int) -> tuple[dict[datetime.date, Names], frozenset[datetime.date]]:
    """The holidays and make-up Saturdays of one year: a pure function of the installed package."""
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    names = {day: {"vi": vi[day], "en": en[day]} for day in vi}
    # The set also holds other years' dates once those are loaded: keep only this year's.
    makeup = frozenset(day for day in vi.weekend_workdays if day.year == year)
    return names, makeup


def _break_name(day_names: list[Names]) -> Names:
    """Name a run of days off after its holidays: "Tết" for a Tết run, else the distinct names."""
    if any(_LUNAR_NEW_YEAR in names["en"] for names in day_names):
        return dict(TET)
    own = []
    for names in day_names:
        if names["en"].startswith(_SUBSTITUTED_PREFIX):
            continue
        if names["en"].endswith(_OBSERVED_SUFFIX):
            names = {
                "vi": names["vi"].rsplit(" (", 1)[0],
                "en": names["en"][: -len(_OBSERVED_SUFFIX)],
            }
        own.append(names)
    chosen = own or day_names  # a lone substituted day off keeps its own name
    return {
        lang: ", ".join(dict.fromkeys(names[lang] for names in chosen)) for lang in ("vi", "en")
    }


KEEP_ENTRIES = 16
_KEPT: dict[str, "WorkCalendar"] = {}


def forget() -> None:
    """Keep no calendar from before (a test that empties the tables without the triggers)."""
    _KEPT.clear()


class WorkCalendar:
    """The working-day calendar: the package's holidays with the administrators' adjustments."""

    def __init__(self, adjustments: Iterable[CalendarAdjustment] = ()):
        self._adjustments = {adjustment.date: adjustment for adjustment in adjustments}

    @classmethod
    def current(cls) -> "WorkCalendar":
        """The calendar as it stands now: read once per process and version of the roles and
        the calendar (``org.version``, which every change of an adjustment moves in its own
        transaction), in one query (the table holds a few rows a year)."""
        token = version.token()
        calendar = _KEPT.get(token)
        if calendar is None:
            calendar = cls(CalendarAdjustment.objects.only("date", "kind", "name"))
            if len(_KEPT) >= KEEP_ENTRIES:
                _KEPT.clear()
            _KEPT[token] = calendar
        return calendar

    def _names(self, day: datetime.date) -> Names | None:
        """The names of a holiday or DAY_OFF adjustment on ``day``, whether or not it is worked."""
        adjustment = self._adjustments.get(day)
        if adjustment is not None and adjustment.kind == AdjustmentKind.DAY_OFF:
            return {"vi": adjustment.name, "en": adjustment.name}
        return _public_holidays(day.year)[0].get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        adjustment = self._adjustments.get(day)
        if adjustment is not None:
            return adjustment.kind == AdjustmentKind.WORKING_DAY
        holiday_names, makeup = _public_holidays(day.year)
        if day in holiday_names:
            return False
        return day in makeup or day.weekday() < 5

    def is_makeup_day(self, day: datetime.date) -> bool:
        """A working day that would otherwise be off: a weekend or a holiday made working."""
        return self.is_working_day(day) and (
            day.weekday() >= 5 or day in _public_holidays(day.year)[0]
        )

    def day_off_name(self, day: datetime.date, language: str | None = None) -> str | None:
        """The holiday or adjustment that makes ``day`` a day off, in ``language`` (default: the
        active one); None for a working day or a plain weekend."""
        if self.is_working_day(day):
            return None
        names = self._names(day)
        return names[names_language(language)] if names else None

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start``; ``start`` itself is never counted (art. 147)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def subtract_working_days(self, end: datetime.date, n: int) -> datetime.date:
        """The n-th working day before ``end`` (``end`` itself not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = end
        while n:
            day -= ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def roll_forward(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the next working day (art. 148)."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """How many working days lie in (a, b]; 0 when b <= a."""
        return sum(self.is_working_day(a + k * ONE_DAY) for k in range(1, (b - a).days + 1))

    def breaks(self, first: datetime.date, last: datetime.date) -> list[dict]:
        """The runs of days off in [first, last] that hold a holiday or DAY_OFF adjustment."""
        runs: list[list[datetime.date]] = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                pass
            elif runs and runs[-1][-1] == day - ONE_DAY:
                runs[-1].append(day)
            else:
                runs.append([day])
            day += ONE_DAY
        result = []
        for run in runs:
            day_names = [names for names in map(self._names, run) if names]
            if day_names:
                result.append(
                    {
                        "from": run[0].isoformat(),
                        "to": run[-1].isoformat(),
                        "name": _break_name(day_names),
                    }
                )
        return result

    def makeup_days(self, first: datetime.date, last: datetime.date) -> list[str]:
        """The make-up working days in [first, last], as ISO dates."""
        days = (first + k * ONE_DAY for k in range((last - first).days + 1))
        return [day.isoformat() for day in days if self.is_makeup_day(day)]


@dataclass(frozen=True)
class DeadlineRule:
    """Cách tính hạn: a due date with the basis it was computed on (JSON, stored by the caller)."""

    due: datetime.date
    basis: dict = field(hash=False)

    def explain(self) -> str:
        return explain(self.basis)

    def adds_to_the_date(self) -> bool:
        """Whether ``explain`` says more than the due date (see ``explain.adds_to_the_date``)."""
        return adds_to_the_date(self.basis)

    @classmethod
    def from_basis(cls, basis: dict) -> "DeadlineRule":
        return cls(due=datetime.date.fromisoformat(basis["due"]), basis=basis)


def resolve_working_days(
    start: datetime.date, n: int, calendar: WorkCalendar | None = None
) -> DeadlineRule:
    """Hạn "n ngày làm việc kể từ ``start``": counting starts the day after ``start``."""
    calendar = WorkCalendar.current() if calendar is None else calendar
    due = calendar.add_working_days(start, n)
    basis = {
        "kind": "working_days",
        "days": n,
        "start": start.isoformat(),
        "due": due.isoformat(),
        "breaks": calendar.breaks(start + ONE_DAY, due),
        "workdays": calendar.makeup_days(start + ONE_DAY, due),
    }
    return DeadlineRule(due=due, basis=basis)


def resolve_date(day: datetime.date, calendar: WorkCalendar | None = None) -> DeadlineRule:
    """Hạn là một ngày cụ thể: a day off moves to the next working day (art. 148)."""
    calendar = WorkCalendar.current() if calendar is None else calendar
    due = calendar.roll_forward(day)
    basis = {
        "kind": "date",
        "requested": day.isoformat(),
        "due": due.isoformat(),
        "breaks": calendar.breaks(day, due - ONE_DAY),
    }
    return DeadlineRule(due=due, basis=basis)
