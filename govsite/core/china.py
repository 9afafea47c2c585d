"""China time (北京时间): the day a commit, a signature or an audit falls on is a day in UTC+8."""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8))


def china_date(when: dt.datetime) -> dt.date:
    """The China calendar day of ``when`` (a naive datetime is taken as it is)."""
    return when.astimezone(CHINA).date() if when.tzinfo else when.date()


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA).date()
