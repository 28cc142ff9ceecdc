"""Lịch ngày làm việc: fixed cases from the 2026 calendar, and adjustments made by an admin.

2026 in short: Tết is Mon 16/02 to Fri 20/02 (so Sat 14/02 to Sun 22/02 is off); 30/04 and 01/05
are a Thursday and a Friday; 01/09 and 02/09 are a Tuesday and a Wednesday, with Monday 31/08 made
a day off in exchange for working Saturday 22/08.
"""

# The explanations print an en dash between the ends of a span; the tests spell it out.
# ruff: noqa: RUF001

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import override

from chidao.workdays.calendar import (
    DeadlineRule,
    WorkCalendar,
    explain,
    resolve_date,
    resolve_working_days,
)
from chidao.workdays.models import AdjustmentKind, CalendarAdjustment

PLAIN = WorkCalendar([])


def _explain_in(language, rule):
    with override(language):
        return rule.explain()


def test_ten_working_days_skip_tet_2026():
    assert PLAIN.add_working_days(date(2026, 2, 10), 10) == date(2026, 3, 3)


def test_the_tet_deadline_is_explained_in_english_and_vietnamese():
    rule = resolve_working_days(date(2026, 2, 10), 10, calendar=PLAIN)

    assert rule.due == date(2026, 3, 3)
    assert rule.basis == {
        "kind": "working_days",
        "days": 10,
        "start": "2026-02-10",
        "due": "2026-03-03",
        "breaks": [
            {
                "from": "2026-02-14",
                "to": "2026-02-22",
                "name": {"vi": "Tết", "en": "Lunar New Year"},
            }
        ],
        "workdays": [],
    }
    assert _explain_in("en", rule) == (
        "10 working days from 10/02/2026 (holiday Lunar New Year 14/02–22/02/2026) → 03/03/2026"
    )
    # Until the Vietnamese catalogue has these strings, only the names and dates are Vietnamese.
    vietnamese = _explain_in("vi", rule)
    assert "Tết" in vietnamese and "Lunar New Year" not in vietnamese
    assert "10/02/2026" in vietnamese and "14/02–22/02/2026" in vietnamese
    assert vietnamese.endswith("→ 03/03/2026")


def test_one_working_day_is_singular():
    rule = resolve_working_days(date(2026, 3, 2), 1, calendar=PLAIN)

    assert _explain_in("en", rule) == "1 working day from 02/03/2026 → 03/03/2026"


def test_a_deadline_on_victory_day_rolls_to_the_next_monday():
    rule = resolve_date(date(2026, 4, 30), calendar=PLAIN)

    assert rule.due == date(2026, 5, 4)
    assert _explain_in("en", rule) == (
        "Deadline 30/04/2026 is a day off "
        "(Liberation Day/Reunification Day, International Labor Day) → 04/05/2026"
    )
    with override("vi"):
        assert PLAIN.day_off_name(date(2026, 4, 30)) == "Ngày Chiến thắng"
        assert "(Ngày Chiến thắng, Ngày Quốc tế Lao động) → 04/05/2026" in rule.explain()


def test_a_deadline_on_a_working_day_stays_and_reads_as_the_date_alone():
    rule = resolve_date(date(2026, 5, 4), calendar=PLAIN)

    assert rule.due == date(2026, 5, 4)
    assert rule.basis["breaks"] == []
    assert _explain_in("en", rule) == "04/05/2026"


def test_a_deadline_on_a_plain_weekend_says_so():
    rule = resolve_date(date(2026, 3, 7), calendar=PLAIN)

    assert rule.due == date(2026, 3, 9)
    assert _explain_in("en", rule) == "Deadline 07/03/2026 falls on a weekend → 09/03/2026"


def test_one_working_day_after_the_eve_of_victory_day_is_the_next_monday():
    assert PLAIN.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_the_make_up_saturday_works_and_its_monday_is_off():
    assert PLAIN.is_working_day(date(2026, 8, 22))
    assert not PLAIN.is_working_day(date(2026, 8, 31))
    assert PLAIN.day_off_name(date(2026, 8, 31), "en") == "Day off (substituted from 08/22/2026)"
    assert PLAIN.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert PLAIN.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_the_make_up_saturday_is_shown_in_the_explanation():
    rule = resolve_working_days(date(2026, 8, 21), 1, calendar=PLAIN)

    assert rule.basis["workdays"] == ["2026-08-22"]
    assert _explain_in("en", rule) == (
        "1 working day from 21/08/2026 (make-up working day 22/08/2026) → 22/08/2026"
    )


def test_the_national_day_break_is_named_after_the_holiday_not_the_substituted_day():
    rule = resolve_working_days(date(2026, 8, 28), 1, calendar=PLAIN)

    assert rule.basis["breaks"] == [
        {
            "from": "2026-08-29",
            "to": "2026-09-02",
            "name": {"vi": "Quốc khánh", "en": "National Day"},
        }
    ]


def test_several_breaks_are_joined_in_date_order():
    rule = resolve_working_days(date(2026, 4, 24), 3, calendar=PLAIN)

    assert rule.due == date(2026, 5, 4)
    assert _explain_in("en", rule) == (
        "3 working days from 24/04/2026 (holiday Hung Kings' Commemoration Day 25/04–27/04/2026; "
        "holiday Liberation Day/Reunification Day, International Labor Day 30/04–03/05/2026)"
        " → 04/05/2026"
    )


def test_a_break_across_new_year_shows_both_years():
    new_years_eve = CalendarAdjustment(
        date=date(2025, 12, 31), kind=AdjustmentKind.DAY_OFF, name="Nghỉ cuối năm"
    )
    rule = resolve_working_days(date(2025, 12, 30), 1, calendar=WorkCalendar([new_years_eve]))

    assert rule.due == date(2026, 1, 2)
    assert _explain_in("en", rule) == (
        "1 working day from 30/12/2025 "
        "(holiday Nghỉ cuối năm, New Year's Day 31/12/2025–01/01/2026) → 02/01/2026"
    )


def test_the_start_day_is_never_counted():
    friday = date(2026, 3, 6)
    assert PLAIN.add_working_days(friday, 1) == date(2026, 3, 9)
    assert PLAIN.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)


def test_a_plain_weekend_has_no_name_and_a_working_day_neither():
    assert PLAIN.day_off_name(date(2026, 3, 7), "vi") is None
    assert PLAIN.day_off_name(date(2026, 3, 9), "vi") is None
    assert PLAIN.day_off_name(date(2026, 2, 17), "vi") == "Tết Nguyên Đán"


def test_adding_no_working_days_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        PLAIN.add_working_days(date(2026, 3, 9), 0)


def test_working_days_between_is_half_open():
    assert PLAIN.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert PLAIN.working_days_between(date(2026, 2, 10), date(2026, 3, 3)) == 10
    assert PLAIN.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert PLAIN.working_days_between(date(2026, 3, 10), date(2026, 3, 9)) == 0


def test_a_day_off_added_later_moves_new_deadlines_but_not_issued_ones(
    db, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the version of the calendar, then its adjustments
        issued = resolve_working_days(date(2026, 3, 2), 3)
    with django_assert_num_queries(1):  # kept under the version: the version alone
        assert resolve_working_days(date(2026, 3, 2), 3) == issued
    stored = json.loads(json.dumps(issued.basis))
    english_before = _explain_in("en", issued)
    assert issued.due == date(2026, 3, 5)

    CalendarAdjustment.objects.create(
        date=date(2026, 3, 4), kind=AdjustmentKind.DAY_OFF, name="Nghỉ bầu cử"
    )

    fresh = resolve_working_days(date(2026, 3, 2), 3)
    assert fresh.due == date(2026, 3, 6)
    assert _explain_in("en", fresh) == (
        "3 working days from 02/03/2026 (holiday Nghỉ bầu cử 04/03/2026) → 06/03/2026"
    )
    assert WorkCalendar.current().day_off_name(date(2026, 3, 4), "en") == "Nghỉ bầu cử"
    kept = DeadlineRule.from_basis(stored)
    assert kept.due == date(2026, 3, 5)
    with override("en"):
        assert kept.explain() == explain(stored) == english_before
    assert english_before == "3 working days from 02/03/2026 → 05/03/2026"


def test_a_working_day_adjustment_on_a_sunday_counts(db):
    CalendarAdjustment.objects.create(
        date=date(2026, 3, 8), kind=AdjustmentKind.WORKING_DAY, name="Làm bù"
    )
    calendar = WorkCalendar.current()

    assert calendar.is_working_day(date(2026, 3, 8))
    assert calendar.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 8)
    assert resolve_working_days(date(2026, 3, 6), 1).basis["workdays"] == ["2026-03-08"]


def test_a_working_day_adjustment_cancels_a_holiday():
    adjustment = CalendarAdjustment(
        date=date(2026, 11, 24), kind=AdjustmentKind.WORKING_DAY, name="Làm việc"
    )
    calendar = WorkCalendar([adjustment])

    assert not PLAIN.is_working_day(date(2026, 11, 24))
    assert calendar.is_working_day(date(2026, 11, 24))
    assert calendar.day_off_name(date(2026, 11, 24), "vi") is None


def test_the_date_must_be_unique(db):
    CalendarAdjustment.objects.create(date=date(2026, 3, 4), kind="day_off", name="A")
    duplicate = CalendarAdjustment(date=date(2026, 3, 4), kind="working_day", name="B")

    with translation.override("en"), pytest.raises(ValidationError, match="already has an"):
        duplicate.full_clean()
