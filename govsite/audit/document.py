"""The pieces the office's documents are made of (通报, 年度报告): blocks of body text and tables in reading
order, rendered alike to Word, print HTML and Markdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五: the numbers of 一、 and （一） headings."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    return DIGITS[n // 100] + "百" + ("" if not rest else ("零" + DIGITS[rest] if rest < 10 else
                                                         (("一" if rest < 20 else "") + chinese_number(rest))))


def chinese_date(day: dt.date) -> str:
    """2026年12月7日 (GB/T 9704 writes the date in Arabic numerals, without leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Block:
    """One piece of the body, in reading order: h1 一、 heading, h2 （一） heading, p paragraph, item (a numbered
    problem: set flush left, since it holds long page paths that justification would stretch), table."""

    kind: str
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # relative column widths for tables
