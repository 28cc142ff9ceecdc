"""Reporting periods as Decree 09/2019 and the provinces' rules define them."""

import datetime

import pytest
from django.utils import translation

from chidao.reports import periods

D = datetime.date


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (periods.month(2026, 11), D(2026, 10, 15), D(2026, 11, 14)),
        (periods.month(2026, 1), D(2025, 12, 15), D(2026, 1, 14)),
        (periods.quarter(2026, 1), D(2025, 12, 15), D(2026, 3, 14)),
        (periods.quarter(2026, 4), D(2026, 9, 15), D(2026, 12, 14)),
        (periods.half(2026, 1), D(2025, 12, 15), D(2026, 6, 14)),
        (periods.half(2026, 2), D(2026, 6, 15), D(2026, 12, 14)),
        (periods.nine_months(2026), D(2025, 12, 15), D(2026, 9, 14)),
        (periods.year(2026), D(2025, 12, 15), D(2026, 12, 14)),
    ],
)
def test_each_period_runs_from_the_15th_to_the_14th(period, start, end):
    assert (period.start, period.end) == (start, end)
    assert periods.parse(period.key) == period


def test_the_day_after_the_cut_off_belongs_to_the_next_month_and_year():
    assert periods.holding("month", D(2026, 11, 14)) == periods.month(2026, 11)
    assert periods.holding("month", D(2026, 11, 15)) == periods.month(2026, 12)
    assert periods.holding("month", D(2026, 12, 15)) == periods.month(2027, 1)
    assert periods.holding("year", D(2026, 12, 15)) == periods.year(2027)
    assert periods.holding("quarter", D(2026, 12, 14)) == periods.quarter(2026, 4)
    assert periods.holding("half", D(2026, 6, 15)) == periods.half(2026, 2)


def test_months_follow_each_other_without_gap_or_overlap():
    day = D(2025, 1, 1)
    current = periods.holding("month", day)
    for _ in range(30):
        following = periods.holding("month", current.end + datetime.timedelta(days=1))
        assert following.start == current.end + datetime.timedelta(days=1)
        current = following


def test_a_review_is_two_weeks_from_a_monday_and_never_shifts():
    first = periods.review(D(2026, 11, 30))
    assert first.start.weekday() == 0 and (first.end - first.start).days == 13
    assert periods.review(first.end) == first
    assert periods.review(first.end + datetime.timedelta(days=1)).start == first.end + (
        datetime.timedelta(days=1)
    )
    assert periods.previous(first).end == first.start - datetime.timedelta(days=1)
    with pytest.raises(periods.PeriodKeyError):
        periods.parse(f"review-{first.start + datetime.timedelta(days=7)}")  # not its Monday


@pytest.mark.parametrize(
    "key", ["", "month-2026-13", "month-2026-0", "quarter-2026-5", "half-2026-3", "year-26",
            "range-2026-12-01-2026-11-01", "week-2026-1", "month-2026-11; drop"],
)  # fmt: skip
def test_keys_that_name_no_period_are_refused(key):
    with pytest.raises(periods.PeriodKeyError):
        periods.parse(key)


def test_presets_offer_each_kind_under_way_and_before():
    offered = periods.presets(D(2026, 11, 30))
    keys = [p.key for p in offered]
    assert keys[:4] == ["review-2026-11-30", "review-2026-11-16", "month-2026-12", "month-2026-11"]
    assert {"quarter-2026-4", "quarter-2026-3", "half-2026-2", "half-2026-1", "nine-2026",
            "nine-2025", "year-2026", "year-2025"} <= set(keys)  # fmt: skip
    # The nine months of 2026 ended on 14/09: the latest is offered, with the year before's.
    assert all(p.contains(D(2026, 11, 30)) for p in offered[::2] if p.kind != "nine")


def test_names_are_vietnamese():
    with translation.override("vi"):
        assert periods.month(2026, 11).label == "Tháng 11/2026 (15/10/2026 \u2013 14/11/2026)"
        assert periods.quarter(2026, 4).name == "Quý IV/2026"
        assert periods.half(2026, 1).name == "6 tháng đầu năm 2026"
        assert periods.nine_months(2026).name == "9 tháng năm 2026"
        assert periods.year(2026).name == "Năm 2026"
        assert periods.review(D(2026, 11, 30)).name == "Kỳ rà soát 30/11\u201313/12/2026"
