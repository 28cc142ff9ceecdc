"""Working-day arithmetic holds on any date from 2020 to 2030 (no database needed)."""

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chidao.workdays.calendar import DeadlineRule, WorkCalendar, resolve_working_days

CALENDAR = WorkCalendar([])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=1, max_value=60)

# No deadline: the first call in a year loads that year's holidays from the package, which is
# slower than the rest of the run.
PROPERTY = settings(deadline=None)


def _count_working(start, end):
    """Count by brute force, independently of working_days_between."""
    span = (end - start).days
    return sum(CALENDAR.is_working_day(start + timedelta(k)) for k in range(1, span + 1))


@PROPERTY
@given(days, counts)
def test_the_result_is_a_working_day_strictly_after_the_start(start, n):
    due = CALENDAR.add_working_days(start, n)
    assert due > start
    assert CALENDAR.is_working_day(due)


@PROPERTY
@given(days, counts)
def test_exactly_n_working_days_lie_between_start_and_result(start, n):
    due = CALENDAR.add_working_days(start, n)
    assert _count_working(start, due) == n
    assert CALENDAR.working_days_between(start, due) == n


@PROPERTY
@given(days, counts, counts)
def test_more_days_never_give_an_earlier_deadline(start, a, b):
    low, high = sorted((a, b))
    assert CALENDAR.add_working_days(start, low) <= CALENDAR.add_working_days(start, high)
    if low < high:
        assert CALENDAR.add_working_days(start, low) < CALENDAR.add_working_days(start, high)


@PROPERTY
@given(days, days, counts)
def test_a_later_start_never_gives_an_earlier_deadline(a, b, n):
    early, late = sorted((a, b))
    assert CALENDAR.add_working_days(early, n) <= CALENDAR.add_working_days(late, n)


@PROPERTY
@given(days, counts, counts)
def test_adding_in_two_steps_is_adding_at_once(start, a, b):
    in_two_steps = CALENDAR.add_working_days(CALENDAR.add_working_days(start, a), b)
    assert in_two_steps == CALENDAR.add_working_days(start, a + b)


@PROPERTY
@given(days)
def test_roll_forward_gives_the_first_working_day_not_before_the_date(day):
    rolled = CALENDAR.roll_forward(day)
    assert rolled >= day
    assert CALENDAR.is_working_day(rolled)
    assert CALENDAR.roll_forward(rolled) == rolled
    assert _count_working(day - timedelta(1), rolled - timedelta(1)) == 0


@PROPERTY
@given(days, counts)
def test_the_basis_survives_json_and_explains_the_same(start, n):
    rule = resolve_working_days(start, n, calendar=CALENDAR)
    stored = json.loads(json.dumps(rule.basis))
    restored = DeadlineRule.from_basis(stored)
    assert restored == rule
    assert restored.explain() == rule.explain()


@PROPERTY
@given(days, counts)
def test_the_basis_lists_only_days_off_and_worked_weekends_inside_the_count(start, n):
    rule = resolve_working_days(start, n, calendar=CALENDAR)
    for item in rule.basis["breaks"]:
        first, last = date.fromisoformat(item["from"]), date.fromisoformat(item["to"])
        assert start < first <= last < rule.due
        assert _count_working(first - timedelta(1), last) == 0
    for iso in rule.basis["workdays"]:
        day = date.fromisoformat(iso)
        assert start < day <= rule.due and CALENDAR.is_working_day(day)
