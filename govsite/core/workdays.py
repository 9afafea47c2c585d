"""Working days (工作日) on the official Chinese calendar: holidays and make-up workdays (调休).

One convention for every period the regulation counts in working days, taken from how Chinese law counts
periods (《民法典》第二百零一条: the day an event happens is not counted, counting starts the next day) and
ending on the last day of the period, inclusive:

* Art. 21, publication within 20 working days of being formed: the working days after ``formed`` up to
  and including the publication day (:func:`working_days_after`);
* Art. 10, a public notice of at least 15 working days before pages close: the working days after the day
  the notice went up, up to and including ``close_on``, the last day the unit's pages are online (the
  portal closes a unit the day after ``close_on``) (:func:`notice_working_days`).

Uses the ``chinese-calendar`` package; years it does not cover fall back to Monday–Friday and are
reported so the reader knows the count may be off by the holidays of that year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

try:  # the package is a declared dependency; guard anyway so the audit still runs
    import chinese_calendar as _cc
    from chinese_calendar.constants import holidays as _HOLIDAYS, workdays as _WORKDAYS
    FIRST_YEAR = min(_HOLIDAYS).year
    LAST_YEAR = max(max(_HOLIDAYS), max(_WORKDAYS)).year
except Exception:  # pragma: no cover
    _cc = None
    _HOLIDAYS, _WORKDAYS = {}, {}
    FIRST_YEAR, LAST_YEAR = 1, 0


_OFF = sorted(d for d in _HOLIDAYS if d.weekday() < 5)   # holidays that fall on weekdays
_ON = sorted(d for d in _WORKDAYS if d.weekday() >= 5)    # make-up workdays on weekends


def covered(day: dt.date) -> bool:
    """True when the official calendar data covers ``day``'s year."""
    return bool(FIRST_YEAR <= day.year <= LAST_YEAR)


@functools.cache
def is_workday(day: dt.date) -> bool:
    if day in _WORKDAYS:
        return True
    if day in _HOLIDAYS:
        return False
    return day.weekday() < 5


def working_days_after(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (0 when end <= start): the 21st such day is a lapse of Art. 21."""
    if end <= start:
        return 0
    return _count(start + dt.timedelta(days=1), end)


CLOSING_NOTICE_DAYS = 15  # Art. 10: 公告时间不少于15个工作日


def notice_working_days(announced_on: dt.date, close_on: dt.date) -> int:
    """Working days a closing notice ran (Art. 10): after ``announced_on``, up to and including ``close_on``."""
    return working_days_after(announced_on, close_on)


def earliest_close(announced_on: dt.date, n: int = CLOSING_NOTICE_DAYS) -> dt.date:
    """The first ``close_on`` that gives a notice posted on ``announced_on`` its ``n`` working days."""
    return add_working_days(announced_on, n)


@functools.lru_cache(maxsize=65536)
def _count(first: dt.date, last: dt.date) -> int:
    """Working days in [first, last], both inclusive."""
    one = dt.timedelta(days=1)
    # whole weeks fast, then the exceptions inside them
    span = (last - first).days + 1
    weeks, rest = divmod(span, 7)
    n = weeks * 5
    day = first + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        if day.weekday() < 5:
            n += 1
        day += one
    n -= bisect.bisect_right(_OFF, last) - bisect.bisect_left(_OFF, first)
    n += bisect.bisect_right(_ON, last) - bisect.bisect_left(_ON, first)
    return n


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start``."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def uncovered_years(*days: dt.date | None) -> list[int]:
    return sorted({d.year for d in days if d is not None and not covered(d)})
