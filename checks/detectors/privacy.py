"""Personal data (个人隐私, Art. 16(1), 39): resident ID, mobile, bank card and passport numbers, wherever the
published page carries them: body text, code, link targets (``tel:``), attributes, comments and the printed
front-matter fields (title, summary, source, 文号, 主题分类, repost source).

Numbers are validated (region, birth date and GB 11643 checksum; Luhn for cards), so ordinary figures do not
fire; masked forms such as 5002371985****1234 never match, and the units' own published office numbers are fine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from checks.detectors.view import PageView
from checks.kinds import Hit

# an ID number is checked by its date and checksum, so it is found even when letters touch it
# ("编号abc500237…"); Markdown emphasis (**…**) never hides a number
_ID = re.compile(r"(?<![0-9])(\d{6})(\d{4})(\d{2})(\d{2})\d{3}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z+-])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d[ -]?){15,18}\d(?![0-9A-Za-z])")
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])(?:[EGDSP]\d{8}|E[A-HJ-NP-Z]\d{7})(?![0-9A-Za-z])")
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
              54, 61, 62, 63, 64, 65, 71, 81, 82, 91}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_CARD_PREFIXES = ("62", "4", "51", "52", "53", "54", "55", "35", "37", "60", "9")


def id_checksum_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS))
    return _CHECK[total % 11] == number[17].upper()


def valid_id_number(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        return False
    return id_checksum_ok(number)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def id_number(view: PageView) -> Iterator[Hit]:
    for m in _ID.finditer(view.visible or view.masked):
        if valid_id_number(m.group(0)):
            masked = m.group(0)[:6] + "********" + m.group(0)[14:]
            yield Hit(m.start(), m.end(), masked)


def mobile(view: PageView) -> Iterator[Hit]:
    published = view.context.published_numbers
    for m in _MOBILE.finditer(view.visible or view.masked):
        digits = m.group(1) + m.group(2) + m.group(3)
        if digits in published:
            continue
        yield Hit(m.start(), m.end(), m.group(1) + "****" + m.group(3))


def bank_card(view: PageView) -> Iterator[Hit]:
    published = view.context.published_numbers
    for m in _CARD.finditer(view.visible or view.masked):
        digits = re.sub(r"\D", "", m.group(0))
        if not 16 <= len(digits) <= 19 or digits in published:
            continue
        if len(digits) == 18 and valid_id_number(digits):
            continue  # reported as an ID number
        if digits.startswith(_CARD_PREFIXES) and luhn_ok(digits):
            yield Hit(m.start(), m.end(), digits[:4] + " **** **** " + digits[-4:])


def passport(view: PageView) -> Iterator[Hit]:
    for m in _PASSPORT.finditer(view.visible or view.masked):
        yield Hit(m.start(), m.end(), m.group(0)[0] + "****" + m.group(0)[-4:])
