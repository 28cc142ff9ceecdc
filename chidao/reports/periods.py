"""Kỳ báo cáo: the periods the rules define, and any range.

Decree 09/2019/NĐ-CP (art. 12) and the provinces' rules close the figures of a periodic report
on the 14th: the reporting month runs from the 15th of the month before to the 14th; a quarter,
six months, nine months and the year likewise start on the 15th of the month before their first
month (the year: 15/12 of the year before to 14/12). The Office's two-week review covers two
calendar weeks, Monday to Sunday, counted from a fixed Monday so that the fortnights never shift.

A period has a key (``month-2026-11``, ``review-2026-11-16``), so that it can be named in a URL,
on the command line and in the record of a closed period.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A Monday: fortnights are counted from it, so every review period starts on a Monday.
FORTNIGHT_EPOCH = datetime.date(2024, 1, 1)
CUT_OFF_DAY = 14  # the day the figures of a month are closed on


class PeriodKind(models.TextChoices):
    REVIEW = "review", gettext_lazy("Two-week review")
    MONTH = "month", gettext_lazy("Reporting month")
    QUARTER = "quarter", gettext_lazy("Quarter")
    HALF = "half", gettext_lazy("Six months")
    NINE = "nine", gettext_lazy("Nine months")
    YEAR = "year", gettext_lazy("Year")
    RANGE = "range", gettext_lazy("Any range")


class PeriodKeyError(ValueError):
    """A key that names no period."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date
    number: int = 0  # the month, quarter or half; 0 for the others
    year: int = 0

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.REVIEW:
            return f"review-{self.start.isoformat()}"
        if self.kind == PeriodKind.RANGE:
            return f"range-{self.start.isoformat()}-{self.end.isoformat()}"
        if self.kind in (PeriodKind.NINE, PeriodKind.YEAR):
            return f"{self.kind}-{self.year}"
        return f"{self.kind}-{self.year}-{self.number}"

    @property
    def slug(self) -> str:
        """The key in Vietnamese without accents, for file names: ``thang-2026-11``."""
        words = {"review": "ky-ra-soat", "month": "thang", "quarter": "quy", "half": "6-thang",
                 "nine": "9-thang", "year": "nam", "range": "tu"}  # fmt: skip
        kind, _sep, rest = self.key.partition("-")
        return f"{words[kind]}-{rest}"

    @property
    def name(self) -> str:
        """ "Tháng 11/2026", "Quý IV/2026", "Kỳ rà soát 16/11-29/11/2026"..."""
        names = {
            PeriodKind.REVIEW: lambda: _("Review %(start)s\u2013%(end)s")
            % {"start": f"{self.start:%d/%m}", "end": f"{self.end:%d/%m/%Y}"},
            PeriodKind.MONTH: lambda: _("Month %(month)s/%(year)s")
            % {"month": self.number, "year": self.year},
            PeriodKind.QUARTER: lambda: _("Quarter %(quarter)s/%(year)s")
            % {"quarter": ["I", "II", "III", "IV"][self.number - 1], "year": self.year},
            PeriodKind.HALF: lambda: (
                _("First six months of %(year)s") if self.number == 1
                else _("Year %(year)s, second six months")
            ) % {"year": self.year},
            PeriodKind.NINE: lambda: _("Nine months of %(year)s") % {"year": self.year},
            PeriodKind.YEAR: lambda: _("Year %(year)s") % {"year": self.year},
            PeriodKind.RANGE: lambda: _("%(start)s to %(end)s")
            % {"start": f"{self.start:%d/%m/%Y}", "end": f"{self.end:%d/%m/%Y}"},
        }  # fmt: skip
        return names[PeriodKind(self.kind)]()

    @property
    def label(self) -> str:
        """The name with its dates: "Tháng 11/2026 (15/10/2026 - 14/11/2026)"."""
        if self.kind in (PeriodKind.REVIEW, PeriodKind.RANGE):
            return self.name
        return f"{self.name} ({self.start:%d/%m/%Y} \u2013 {self.end:%d/%m/%Y})"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def is_over(self, today: datetime.date) -> bool:
        return self.end < today


def _cut(year: int, month: int) -> datetime.date:
    """The 14th of a month: the last day of the period closing in it."""
    return datetime.date(year, month, CUT_OFF_DAY)


def _opening(year: int, month: int) -> datetime.date:
    """The 15th of the month before ``month``: the first day of a period whose first month it is."""
    if month == 1:
        return datetime.date(year - 1, 12, CUT_OFF_DAY + 1)
    return datetime.date(year, month - 1, CUT_OFF_DAY + 1)


def month(year: int, number: int) -> Period:
    return Period(PeriodKind.MONTH, _opening(year, number), _cut(year, number), number, year)


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(PeriodKind.QUARTER, _opening(year, first), _cut(year, first + 2), number, year)


def half(year: int, number: int) -> Period:
    first = 6 * (number - 1) + 1
    return Period(PeriodKind.HALF, _opening(year, first), _cut(year, first + 5), number, year)


def nine_months(year: int) -> Period:
    return Period(PeriodKind.NINE, _opening(year, 1), _cut(year, 9), 0, year)


def year(number: int) -> Period:
    return Period(PeriodKind.YEAR, _opening(number, 1), _cut(number, 12), 0, number)


def review(day: datetime.date) -> Period:
    """The fortnight (Monday to the Sunday a week later) holding ``day``."""
    start = FORTNIGHT_EPOCH + datetime.timedelta(days=(day - FORTNIGHT_EPOCH).days // 14 * 14)
    return Period(PeriodKind.REVIEW, start, start + datetime.timedelta(days=13))


def between(start: datetime.date, end: datetime.date) -> Period:
    return Period(PeriodKind.RANGE, start, end)


def _reporting_month_of(day: datetime.date) -> tuple[int, int]:
    """(year, month) of the reporting month that holds ``day``: from the 15th on, the next."""
    if day.day <= CUT_OFF_DAY:
        return day.year, day.month
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def holding(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == PeriodKind.REVIEW:
        return review(day)
    y, m = _reporting_month_of(day)
    return {
        PeriodKind.MONTH: lambda: month(y, m),
        PeriodKind.QUARTER: lambda: quarter(y, (m - 1) // 3 + 1),
        PeriodKind.HALF: lambda: half(y, (m - 1) // 6 + 1),
        PeriodKind.NINE: lambda: nine_months(y),
        PeriodKind.YEAR: lambda: year(y),
    }[PeriodKind(kind)]()


def previous(period: Period) -> Period:
    """The period of the same kind just before (nine months: the year before's)."""
    if period.kind == PeriodKind.NINE:
        return nine_months(period.year - 1)
    return holding(period.kind, period.start - datetime.timedelta(days=1))


def presets(today: datetime.date) -> list[Period]:
    """What the forms offer: for each kind, the period under way and the one before it."""
    offered = []
    for kind in (PeriodKind.REVIEW, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF,
                 PeriodKind.NINE, PeriodKind.YEAR):  # fmt: skip
        current = holding(kind, today)
        offered += [current, previous(current)]
    return offered


_KEY = re.compile(
    r"^(?:(?P<kind>month|quarter|half)-(?P<year>\d{4})-(?P<number>\d{1,2})"
    r"|(?P<whole>nine|year)-(?P<wyear>\d{4})"
    r"|review-(?P<review>\d{4}-\d{2}-\d{2})"
    r"|range-(?P<rstart>\d{4}-\d{2}-\d{2})-(?P<rend>\d{4}-\d{2}-\d{2}))$"
)
_LIMITS = {"month": 12, "quarter": 4, "half": 2}


def parse(key: str) -> Period:
    """The period a key names; ``PeriodKeyError`` when it names none."""
    found = _KEY.match(key or "")
    if found is None:
        raise PeriodKeyError(key)
    if found["kind"]:
        number = int(found["number"])
        if not 1 <= number <= _LIMITS[found["kind"]]:
            raise PeriodKeyError(key)
        return {"month": month, "quarter": quarter, "half": half}[found["kind"]](
            int(found["year"]), number
        )
    if found["whole"]:
        y = int(found["wyear"])
        return nine_months(y) if found["whole"] == "nine" else year(y)
    if found["review"]:
        day = datetime.date.fromisoformat(found["review"])
        period = review(day)
        if period.start != day:
            raise PeriodKeyError(key)  # a fortnight starts on its own Monday
        return period
    start = datetime.date.fromisoformat(found["rstart"])
    end = datetime.date.fromisoformat(found["rend"])
    if start > end:
        raise PeriodKeyError(key)
    return between(start, end)
