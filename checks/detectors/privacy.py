"""Personal data (个人隐私, Art. 16(1), 39): resident ID, mobile, bank card and passport numbers, wherever the
published page carries them: body text, code, link targets (``tel:``), attributes, comments and the printed
front-matter fields (title, summary, source, 文号, 主题分类, repost source), and attachments' text
(:mod:`checks.attachments`).

Numbers are validated (region, birth date and GB 11643 checksum; Luhn for cards), so ordinary figures do not
fire; masked forms such as 5002371985****1234 never match, and the units' own published office numbers are fine.
An ID number with a valid region and birth date but a wrong check character is a mistyped ID, still someone's:
a warning of its own. Also here: home addresses finer than 乡镇/街道 (门牌、楼栋单元室), a table row that puts a
person's full name next to an ID or phone number (Markdown tables and spreadsheet rows alike), and what an
attachment says of itself (an image's GPS position; a file that could not be read).
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


def plausible_id_number(number: str) -> bool:
    """An 18-character number with a province code and a real birth date, whatever its check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def valid_id_number(number: str) -> bool:
    return plausible_id_number(number) and id_checksum_ok(number)


def mistyped_id_number(number: str) -> bool:
    """A valid region (province, prefecture and county codes) and birth date, but a wrong check character."""
    return (plausible_id_number(number) and number[2:4] != "00" and number[4:6] != "00"
            and number[17] in "0123456789Xx" and not id_checksum_ok(number))


def _mask_id(number: str) -> str:
    return number[:6] + "********" + number[14:]


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


def _id_matches(view: PageView) -> list[re.Match[str]]:
    """The ID-shaped numbers of the page, found once for both ID rules."""
    found = view.memo.get("privacy.ids")
    if found is None:
        found = view.memo["privacy.ids"] = list(_ID.finditer(view.visible or view.masked))
    return found


def id_number(view: PageView) -> Iterator[Hit]:
    for m in _id_matches(view):
        if valid_id_number(m.group(0)):
            yield Hit(m.start(), m.end(), _mask_id(m.group(0)))


def id_number_checksum(view: PageView) -> Iterator[Hit]:
    for m in _id_matches(view):
        if mistyped_id_number(m.group(0)):
            yield Hit(m.start(), m.end(), _mask_id(m.group(0)))


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


# -- home addresses finer than 乡镇/街道 ----------------------------------------------------------------------
_NUM = r"(?:[0-9０-９]+|[一二三四五六七八九十百]+)"
# anywhere: a flat (楼栋+单元/室), a building of a 小区, a house of a 村民小组; each pattern starts at a digit or
# a fixed word (fast on any page), the place's name before it is added to the span for the message
_FLAT = rf"{_NUM}(?:栋|幢|号楼|座)(?:{_NUM}单元)?(?:{_NUM}楼)?[0-9０-９]+(?:室|号|户)"
_HOME = re.compile(
    rf"(?:小区|花园|家园|公寓|新村|苑)(?:{_FLAT}|{_NUM}(?:栋|幢|号楼|单元)(?:[0-9０-９]+(?:室|号))?)"
    rf"|{_FLAT}"
    rf"|[0-9０-９]+单元[0-9０-９]+(?:室|号)"
    rf"|村{_NUM}(?:组|社){_NUM}号")
# in a table row next to a full name only: a house on a street, a 村民小组
_ROW_ADDRESS = re.compile(rf"[\u4e00-\u9fff]{{1,12}}(?:路|街|巷|大道){_NUM}号|[\u4e00-\u9fff]{{1,8}}村{_NUM}(?:组|社)")
# a flat in an office building, hotel or hall is a place of business, not a home
_PUBLIC_PLACE = re.compile(r"大厦|大楼|中心|政府|办公|会议|酒店|宾馆|广场|写字楼|商务|服务|局|委员会|医院|学校|银行")


def _name_before(text: str, start: int, most: int = 12) -> int:
    """Where the name of the place before ``start`` begins (Chinese characters, ``most`` at most)."""
    stop = max(0, start - most)
    while start > stop and "\u4e00" <= text[start - 1] <= "\u9fff" and text[start - 1] not in "住在于址到为是的和及":
        start -= 1
    return start


_DIGITS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百")


def _may_hold_home(text: str) -> bool:
    """Whether ``text`` holds what every :data:`_HOME` pattern needs: a number before 栋/幢/号楼/座/单元, or one
    after 村 (most pages have neither; ``str.find`` is far quicker than any pattern here)."""
    for word in ("栋", "幢", "号楼", "座", "单元"):
        i = text.find(word, 1)
        while i != -1:
            if text[i - 1] in _DIGITS:
                return True
            i = text.find(word, i + 1)
    i = text.find("村")
    while i != -1:
        if text[i + 1:i + 2] in _DIGITS:
            return True
        i = text.find("村", i + 1)
    return False


def home_address(view: PageView) -> Iterator[Hit]:
    text = view.visible or view.masked
    for m in (_HOME.finditer(text) if _may_hold_home(text) else ()):
        start = _name_before(text, m.start())
        if _PUBLIC_PLACE.search(text, max(0, m.start() - 12), m.end()):
            continue
        yield Hit(start, m.end(), detail={"kind": "门牌号或楼栋房号"})
    for row in _table_rows(view):
        if row.name is None:
            continue
        for start, _, cell in row.cells:
            if _HOME.search(cell):
                continue  # reported above
            m = _ROW_ADDRESS.search(cell)
            if m and not _PUBLIC_PLACE.search(cell):
                yield Hit(start + m.start(), start + m.end(), detail={"kind": "门牌号或村民小组"})


# -- a person's full name next to an ID or phone number in a table row -------------------------------------
_ROW = re.compile(r"^[ \t]*\|.*$", re.M)
_HAN_NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}[·•][\u4e00-\u9fff]{1,10})$")
_NOT_A_NAME = re.compile(r"某|[村组镇乡县区市局委办所站队社街路院校厂司会部科室处庭团场馆园]$")
_ID_SHAPED = re.compile(r"(?<![0-9])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


class _Row:
    __slots__ = ("cells", "name", "start")

    def __init__(self, start: int, cells: list[tuple[int, int, str]]) -> None:
        self.start = start
        self.cells = cells
        self.name: tuple[int, int, str] | None = None


def _list(view: PageView, key: str) -> frozenset[str]:
    cache = view.shared.setdefault("privacy.lists", {})
    if key not in cache:
        cache[key] = frozenset(str(s).strip() for s in view.context.lists.get(key, []) if s)
    return cache[key]


def _surnames(view: PageView) -> frozenset[str]:
    """``common_surnames`` (one string of single surnames, quick to read) and the ``surnames`` list."""
    cache = view.shared.setdefault("privacy.lists", {})
    if "surnames+" not in cache:
        chars = "".join(str(s) for s in _as_list(view.context.lists.get("common_surnames")))
        cache["surnames+"] = frozenset(chars.replace(" ", "")) | _list(view, "surnames")
    return cache["surnames+"]


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    out = []
    pos = line.index("|") + 1
    while pos <= len(line):
        nxt = line.find("|", pos)
        while nxt > 0 and line[nxt - 1] == "\\":
            nxt = line.find("|", nxt + 1)
        end = len(line) if nxt == -1 else nxt
        raw = line[pos:end]
        text = raw.strip()
        if text or nxt != -1:
            lead = len(raw) - len(raw.lstrip())
            out.append((offset + pos + lead, offset + pos + lead + len(text), text))
        if nxt == -1:
            break
        pos = nxt + 1
    if out and not out[-1][2]:
        out.pop()
    return out


def _is_name(cell: str, surnames: frozenset[str], by_header: bool) -> bool:
    cell = cell.replace(" ", "")
    if not _HAN_NAME.match(cell) or _NOT_A_NAME.search(cell):
        return False
    return by_header or cell[0] in surnames or cell[:2] in surnames


def _table_rows(view: PageView) -> list[_Row]:
    """The rows of every table of the page (Markdown tables; spreadsheet rows of an attachment), each with the
    cell holding a person's full name if there is one: in a column headed 姓名 (or the like), else a cell that
    is a name of a common surname."""
    if "memo_rows" in view.memo:
        return view.memo["memo_rows"]
    text = view.visible or view.masked
    rows: list[_Row] = []
    if "|" in text:
        headers = _list(view, "name_headers")
        surnames = _surnames(view)
        block: list[_Row] = []
        last_end = -2
        for m in _ROW.finditer(text):
            if m.start() != last_end + 1 and block:
                rows += _name_cells(block, headers, surnames)
                block = []
            last_end = m.end()
            cells = _cells(m.group(0), m.start())
            if cells and not all(set(c[2]) <= set(":- ") for c in cells):
                block.append(_Row(m.start(), cells))
        if block:
            rows += _name_cells(block, headers, surnames)
    view.memo["memo_rows"] = rows
    return rows


def _name_cells(block: list[_Row], headers: frozenset[str], surnames: frozenset[str]) -> list[_Row]:
    name_col = None
    body = block
    for i, row in enumerate(block[:5]):
        cols = [j for j, c in enumerate(row.cells) if c[2].replace(" ", "") in headers]
        if cols:
            name_col, body = cols[0], block[i + 1:]
            break
    for row in body:
        if name_col is not None:
            if name_col < len(row.cells) and _is_name(row.cells[name_col][2], surnames, True):
                row.name = row.cells[name_col]
            continue
        row.name = next((c for c in row.cells if _is_name(c[2], surnames, False)), None)
    return body


def _number_in(cell: str, published: frozenset[str]) -> tuple[str, str] | None:
    """(kind, masked number) of an unmasked ID or phone number that ``cell`` holds."""
    m = _ID_SHAPED.search(cell)
    if m and (len(m.group(1)) == 15 or plausible_id_number(m.group(1))):
        n = m.group(1)
        return "身份证号", n[:6] + "*" * (len(n) - 10) + n[-4:]
    m = _MOBILE.search(cell)
    if m and m.group(1) + m.group(2) + m.group(3) not in published:
        return "手机号码", m.group(1) + "****" + m.group(3)
    return None  # a fixed line next to a name is mostly an office's (值班表): not reported


def name_with_number(view: PageView) -> Iterator[Hit]:
    published = view.context.published_numbers
    for row in _table_rows(view):
        if row.name is None:
            continue
        for start, _, cell in row.cells:
            if start == row.name[0]:
                continue
            found = _number_in(cell, published)
            if found is not None:
                start, end, name = row.name
                yield Hit(start, end, detail={"kind": found[0], "number": found[1], "name": name[0] + "*" * (len(name) - 1)})
                break


# -- what an attachment says of itself (checks.attachments) ------------------------------------------------
def attachment_gps(view: PageView) -> Iterator[Hit]:
    """An image whose EXIF data holds where it was taken."""
    found = getattr(view.page, "attachment", None)
    if found is None or found.gps is None:
        return
    lat, lon = found.gps
    where = f"{'北纬' if lat >= 0 else '南纬'} {abs(lat):.5f}°，{'东经' if lon >= 0 else '西经'} {abs(lon):.5f}°"
    yield Hit(0, 0, detail={"position": where})


def attachment_unchecked(view: PageView) -> Iterator[Hit]:
    """An attachment that could not be read, or not wholly (encrypted, broken, too large, an old format)."""
    found = getattr(view.page, "attachment", None)
    for note in getattr(found, "notes", ()):
        yield Hit(0, 0, detail={"reason": note.reason})
