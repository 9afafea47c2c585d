"""Inspection periods (检查期): a quarter ``2026Q4``, a half year ``2026H2``, a month ``2026-11`` or a year ``2026``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govsite.core.errors import GovsiteError

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Period:
    key: str          # as written: 2026Q4
    start: dt.date
    end: dt.date      # last day, inclusive
    name: str         # 2026年第四季度

    def previous(self) -> Period:
        return parse_period(_shift(self.key, -1))

    def audit_day(self, today: dt.date) -> dt.date:
        """The day the period's audit looks at: its last day, or today while it is still running."""
        return min(self.end, today)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def _shift(key: str, by: int) -> str:
    p = parse_period(key)
    y = p.start.year
    if m := re.fullmatch(r"(\d{4})Q([1-4])", key):
        n = (y * 4 + int(m.group(2)) - 1) + by
        return f"{n // 4}Q{n % 4 + 1}"
    if m := re.fullmatch(r"(\d{4})H([12])", key):
        n = (y * 2 + int(m.group(2)) - 1) + by
        return f"{n // 2}H{n % 2 + 1}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        n = y * 12 + p.start.month - 1 + by
        return f"{n // 12}-{n % 12 + 1:02d}"
    return str(y + by)


def parse_period(text: str) -> Period:
    key = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})Q([1-4])", key):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(key, dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"{y}年{QUARTER_NAMES[q]}")
    if m := re.fullmatch(r"(\d{4})H([12])", key):
        y, h = int(m.group(1)), int(m.group(2))
        return Period(key, dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), f"{y}年{'上' if h == 1 else '下'}半年")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", key):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return Period(f"{y}-{mo:02d}", dt.date(y, mo, 1), _month_end(y, mo), f"{y}年{mo}月")
    if re.fullmatch(r"\d{4}", key):
        y = int(key)
        return Period(key, dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年")
    raise GovsiteError(f"检查期“{text}”无法识别。请写成季度 2026Q4、半年 2026H2、月份 2026-11 或年份 2026。")
