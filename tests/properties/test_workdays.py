"""Working days on the official calendar: the fast counts agree with counting ``chinese_calendar.is_workday``
day by day, and ``add_working_days`` / ``earliest_close`` agree with the counts. One convention for every
period (start day not counted, end day counted: 《民法典》第二百零一条), Art. 21 and Art. 10 alike."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.core.workdays import (
    FIRST_YEAR,
    LAST_YEAR,
    add_working_days,
    covered,
    CLOSING_NOTICE_DAYS,
    earliest_close,
    is_workday,
    notice_working_days,
    uncovered_years,
    working_days_after,
)

ONE = dt.timedelta(days=1)
FIRST, LAST = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
days = st.dates(FIRST, LAST)
# spans up to a little over a year, both ends inside the calendar's years
spans = st.tuples(days, st.integers(-10, 400)).map(lambda t: (t[0], t[0] + dt.timedelta(days=t[1]))).filter(
    lambda t: FIRST <= t[1] <= LAST)


def slow_count(first: dt.date, last: dt.date) -> int:
    """Working days in [first, last] by the package itself, one day at a time."""
    n, day = 0, first
    while day <= last:
        n += chinese_calendar.is_workday(day)
        day += ONE
    return n


def test_the_calendar_covers_the_years_govsite_audits():
    assert FIRST_YEAR == 2004 and LAST_YEAR >= 2026
    assert covered(dt.date(2026, 11, 28)) and not covered(dt.date(LAST_YEAR + 1, 1, 1))


@settings(max_examples=400)
@given(days)
def test_is_workday_agrees_with_the_package(day):
    assert is_workday(day) == chinese_calendar.is_workday(day)


@settings(max_examples=300)
@given(spans)
def test_working_days_after_counts_start_exclusive_end_inclusive(span):
    start, end = span
    assert working_days_after(start, end) == (slow_count(start + ONE, end) if end > start else 0)


@settings(max_examples=300)
@given(spans)
def test_a_closing_notice_counts_like_every_other_period(span):
    """Art. 10: the working days after the notice went up, up to and including close_on."""
    start, end = span
    assert notice_working_days(start, end) == working_days_after(start, end)


@settings(max_examples=300)
@given(st.dates(FIRST, dt.date(LAST_YEAR, 10, 31)), st.integers(0, 40))
def test_add_working_days_gives_the_nth_working_day_after_start(start, n):
    day = add_working_days(start, n)
    assert working_days_after(start, day) == n
    if n == 0:
        assert day == start
    else:
        assert chinese_calendar.is_workday(day)  # the n-th working day itself, not a later rest day
        assert working_days_after(start, day - ONE) == n - 1


@settings(max_examples=300)
@given(st.dates(FIRST + ONE, dt.date(LAST_YEAR, 10, 31)), st.integers(1, 40))
def test_earliest_close_is_the_first_close_that_reaches_n(start, n):
    end = earliest_close(start, n)
    assert notice_working_days(start, end) >= n
    assert notice_working_days(start, end - ONE) < n


@settings(max_examples=100)
@given(st.dates(dt.date(LAST_YEAR + 1, 1, 1), dt.date(LAST_YEAR + 5, 12, 31)), st.integers(0, 60))
def test_uncovered_years_fall_back_to_monday_to_friday(start, length):
    end = start + dt.timedelta(days=length)
    weekdays = sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(1, length + 1))
    assert working_days_after(start, end) == weekdays
    assert uncovered_years(start, None, end) == sorted({start.year, end.year})


def test_known_holiday_spans():
    # the 2026 calendar as chinese_calendar 1.11.0 has it: 1–7 October off (Mid-Autumn on Friday 25 September),
    # Sunday 20 September and Saturday 10 October make-up working days
    assert working_days_after(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3   # 30 Sep excluded; 8, 9, 10 Oct
    assert working_days_after(dt.date(2026, 9, 19), dt.date(2026, 9, 20)) == 1    # a working Sunday
    assert working_days_after(dt.date(2026, 9, 24), dt.date(2026, 9, 25)) == 0    # a Friday off
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)


def test_the_closing_notice_of_2026_11_03_to_2026_11_23_is_fourteen_working_days():
    """The case where the build once counted 15 and the audit 14 (Art. 10): one count, 14, one day short."""
    assert notice_working_days(dt.date(2026, 11, 3), dt.date(2026, 11, 23)) == 14 < CLOSING_NOTICE_DAYS
    assert earliest_close(dt.date(2026, 11, 3)) == dt.date(2026, 11, 24)
