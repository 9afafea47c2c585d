"""Units (单位): one ``units/<id>.yml`` per township, subdistrict, department or agency.

A unit file holds the contact block (Art. 12(2)), the opening approval (Art. 8), the optional
closing record (Art. 10), the column catalogue (栏目, Art. 22–23), the new-media registry
(政务新媒体, Art. 9) and the roster (人员名单) whose signing keys the review tiers verify.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from checks.findings import Finding, whole_line
from govsite.core.fields import FieldReader
from checks.textio import UnreadableFile, read_text
from checks.yamlio import YamlSyntaxError, load_yaml

UNIT_KINDS = ("township", "subdistrict", "department", "agency")
UNIT_KIND_NAMES = {"township": "乡镇", "subdistrict": "街道", "department": "县政府部门", "agency": "其他单位"}
ROLES = ("editor", "section_head", "leader", "principal")
ROLE_NAMES = {"editor": "信息员", "section_head": "科室负责人", "leader": "分管负责人", "principal": "主要负责人"}
UPDATE_CLASSES = ("weekly", "monthly", "quarterly", "semiannual", "yearly", "realtime")
UPDATE_NAMES = {
    "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "semiannual": "每半年", "yearly": "每年", "realtime": "实时",
}
MAX_KEY_WINDOW_DAYS = 92  # Art. 38: credentials change every 3 months
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# a roster e-mail is plain ASCII: a look-alike letter (Cyrillic а for Latin a) would make a second person
ROSTER_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def identity(email: str) -> str:
    """Who an e-mail address names (身份), in the one form every comparison uses: Unicode-normalised,
    trimmed, case-folded. Rosters admit ASCII addresses only (:data:`ROSTER_EMAIL`)."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


@dataclass(frozen=True)
class SigningKey:
    """An SSH public key a person signs approvals with, valid only inside its window."""

    key: str
    valid_from: dt.date
    valid_until: dt.date
    line: int = 0

    @property
    def key_type_and_body(self) -> str:
        """``ssh-ed25519 AAAA…`` without the comment: what git's allowed-signers file matches."""
        return " ".join(self.key.split()[:2])


@dataclass
class Person:
    """A roster entry (人员): who may sign what, with which keys."""

    name: str
    email: str
    roles: tuple[str, ...]
    keys: list[SigningKey] = field(default_factory=list)
    left: dt.date | None = None
    line: int = 0

    def active_on(self, day: dt.date) -> bool:
        return self.left is None or day <= self.left


@dataclass
class Column:
    """A column (栏目) in a unit's catalogue."""

    id: str
    title: str
    category: str
    update: str
    owner: str = ""
    line: int = 0


@dataclass
class Contact:
    address: str = ""
    hours: str = ""
    phone: str = ""
    head: str = ""
    email: str = ""
    postcode: str = ""


@dataclass
class Opened:
    """The office's approval to open the unit's pages and the opening announcement (Art. 8)."""

    approval: str
    approved_on: dt.date | None
    announcement: str
    date: dt.date | None


@dataclass
class Closing:
    """Approval and public notice of closing (Art. 10): at least 15 working days."""

    approval: str
    approved_on: dt.date | None
    announcement: str
    announced_on: dt.date | None
    close_on: dt.date | None
    reason: str = ""


@dataclass
class NewMediaAccount:
    """A registered government new-media account (政务新媒体, Art. 9)."""

    platform: str
    name: str
    account: str = ""
    approval: str = ""
    opened: dt.date | None = None
    followers: int | None = None
    followers_on: dt.date | None = None
    last_post: dt.date | None = None
    line: int = 0


@dataclass
class Unit:
    """A unit (单位) with its catalogue and roster."""

    id: str
    name: str
    kind: str
    path: str
    short_name: str = ""
    contact: Contact = field(default_factory=Contact)
    functions: str = ""
    opened: Opened | None = None
    closing: Closing | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    new_media: list[NewMediaAccount] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def people_with_role(self, role: str) -> list[Person]:
        return [p for p in self.people if role in p.roles]


_TOP_KEYS = ("id", "name", "short_name", "kind", "contact", "functions", "opened", "closing", "columns",
             "new_media", "people")
_CONTACT_KEYS = ("address", "hours", "phone", "head", "email", "postcode")
_OPENED_KEYS = ("approval", "approved_on", "announcement", "date")
_CLOSING_KEYS = ("approval", "approved_on", "announcement", "announced_on", "close_on", "reason")
_COLUMN_KEYS = ("id", "title", "category", "update", "owner")
_MEDIA_KEYS = ("platform", "name", "account", "approval", "opened", "followers", "followers_on", "last_post")
_PERSON_KEYS = ("name", "email", "roles", "keys", "left")
_KEY_KEYS = ("key", "valid_from", "valid_until")


def parse_unit(text: str, path: str, file_id: str | None = None,
               categories: set[str] | None = None) -> tuple[Unit | None, list[Finding]]:
    """Parse one unit file's text. Returns the unit (``None`` if unusable) and schema findings.

    ``file_id`` is the id the file name implies; ``categories`` the known disclosure category ids.
    Usable on any git revision's blob, which the review gate needs for rosters as they stood.
    """
    try:
        doc = load_yaml(text)
    except YamlSyntaxError as exc:
        return None, [whole_line(path, exc.line, "schema", "schema.yaml-syntax", "error", exc.message)]
    r = FieldReader(doc, path, "单位文件")
    r.duplicate_keys()
    top = r.mapping(doc.data, ())
    if not top:
        r.problem((), "schema.missing", "单位文件为空或不是键值表。请参照 docs/design.md 填写 id、name、kind 等字段。")
        return None, r.problems
    r.unknown_keys(top, _TOP_KEYS, ())
    uid = r.get(top, "id", (), str, required=True)
    name = r.get(top, "name", (), str, required=True)
    kind = r.get(top, "kind", (), str, required=True, choices=UNIT_KINDS)
    if uid and not SLUG.match(uid):
        r.problem(("id",), "schema.unit-id", f"单位标识“{uid}”只能由小写字母、数字、连字符组成。")
    if uid and file_id and uid != file_id:
        r.problem(("id",), "schema.unit-id", f"单位标识“{uid}”与文件名“{file_id}.yml”不一致，请改为一致。")
    unit = Unit(id=uid or file_id or "", name=name or "", kind=kind or "agency", path=path,
                short_name=r.get(top, "short_name", (), str) or "",
                functions=r.get(top, "functions", (), str) or "")

    contact = r.mapping(top.get("contact"), ("contact",))
    if "contact" not in top:
        r.problem((), "schema.missing", "单位文件缺少“contact”联系信息（地址、办公时间、电话、负责人，第十二条第（二）项）。")
    r.unknown_keys(contact, _CONTACT_KEYS, ("contact",))
    unit.contact = Contact(**{k: r.get(contact, k, ("contact",), str, required=k in ("address", "hours", "phone", "head")) or ""
                              for k in _CONTACT_KEYS} if contact else {})

    if "opened" not in top:
        r.problem((), "schema.missing",
                  "单位文件缺少“opened”开通记录（县政府办公室批准文号、批准日期、开通公告稿件、开通日期）。"
                  "依据《管理办法》第八条，网页须经批准并发布开通公告后方可开设。")
    else:
        o = r.mapping(top["opened"], ("opened",))
        r.unknown_keys(o, _OPENED_KEYS, ("opened",))
        unit.opened = Opened(
            approval=r.get(o, "approval", ("opened",), str, required=True) or "",
            approved_on=r.get(o, "approved_on", ("opened",), dt.date, required=True),
            announcement=r.get(o, "announcement", ("opened",), str, required=True) or "",
            date=r.get(o, "date", ("opened",), dt.date, required=True),
        )
    if top.get("closing") is not None:
        c = r.mapping(top["closing"], ("closing",))
        r.unknown_keys(c, _CLOSING_KEYS, ("closing",))
        unit.closing = Closing(
            approval=r.get(c, "approval", ("closing",), str, required=True) or "",
            approved_on=r.get(c, "approved_on", ("closing",), dt.date, required=True),
            announcement=r.get(c, "announcement", ("closing",), str, required=True) or "",
            announced_on=r.get(c, "announced_on", ("closing",), dt.date, required=True),
            close_on=r.get(c, "close_on", ("closing",), dt.date, required=True),
            reason=r.get(c, "reason", ("closing",), str) or "",
        )

    for kp, col in r.items(top, "columns", ()):
        r.unknown_keys(col, _COLUMN_KEYS, kp)
        cid = r.get(col, "id", kp, str, required=True)
        if not cid:
            continue
        if not SLUG.match(cid):
            r.problem(kp + ("id",), "schema.column-id", f"栏目标识“{cid}”只能由小写字母、数字、连字符组成（它也是 content/ 下的目录名）。")
        if cid in unit.columns:
            r.problem(kp + ("id",), "schema.duplicate", f"栏目标识“{cid}”重复，请改名或合并。")
        category = r.get(col, "category", kp, str, required=True) or "other"
        if categories and category not in categories:
            r.problem(kp + ("category",), "schema.choice",
                      f"栏目“{cid}”的公开类别“{category}”未定义，可选：{'、'.join(sorted(categories))}。")
        unit.columns[cid] = Column(
            id=cid, title=r.get(col, "title", kp, str, required=True) or cid, category=category,
            update=r.get(col, "update", kp, str, required=True, choices=UPDATE_CLASSES) or "yearly",
            owner=r.get(col, "owner", kp, str) or "", line=doc.line(*kp),
        )

    for kp, m in r.items(top, "new_media", ()):
        r.unknown_keys(m, _MEDIA_KEYS, kp)
        unit.new_media.append(NewMediaAccount(
            platform=r.get(m, "platform", kp, str, required=True) or "",
            name=r.get(m, "name", kp, str, required=True) or "",
            account=r.get(m, "account", kp, str) or "",
            approval=r.get(m, "approval", kp, str) or "",
            opened=r.get(m, "opened", kp, dt.date),
            followers=r.get(m, "followers", kp, int),
            followers_on=r.get(m, "followers_on", kp, dt.date),
            last_post=r.get(m, "last_post", kp, dt.date),
            line=doc.line(*kp),
        ))

    for kp, p in r.items(top, "people", ()):
        r.unknown_keys(p, _PERSON_KEYS, kp)
        roles = p.get("roles") or []
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list):
            r.problem(kp + ("roles",), "schema.type", "“roles”应为列表，例如 [editor]。")
            roles = []
        good_roles = []
        for i, role in enumerate(roles):
            if role in ROLES:
                good_roles.append(role)
            else:
                r.problem(kp + ("roles", i), "schema.choice",
                          f"角色“{role}”无效，只能是：{'、'.join(f'{k}（{v}）' for k, v in ROLE_NAMES.items())}。")
        person = Person(
            name=r.get(p, "name", kp, str, required=True) or "",
            email=r.get(p, "email", kp, str, required=True) or "",
            roles=tuple(good_roles), left=r.get(p, "left", kp, dt.date), line=doc.line(*kp),
        )
        if person.email and not ROSTER_EMAIL.fullmatch(person.email.strip()):
            r.problem(kp + ("email",), "schema.email",
                      f"邮箱“{person.email}”不是规范的英文邮箱地址（含有中文、全角或形近字符）。人员名单中的邮箱只能由英文字母、"
                      "数字和 . _ - @ 组成；在改正并经批准之前，此人不能签署审核意见。")
            unit.people.append(person)
            continue
        seen = [q for q in unit.people if identity(q.email) == identity(person.email)]
        if person.email and seen:
            r.problem(kp + ("email",), "schema.duplicate-person",
                      f"邮箱“{person.email}”在人员名单中出现了两次。一个人只登记一次，把全部角色写在同一条的 roles 里。")
            continue
        for kkp, k in r.items(p, "keys", kp):
            r.unknown_keys(k, _KEY_KEYS, kkp)
            key = r.get(k, "key", kkp, str, required=True)
            start = r.get(k, "valid_from", kkp, dt.date, required=True)
            end = r.get(k, "valid_until", kkp, dt.date, required=True)
            if key and not re.match(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) \S+", key) \
                    and not re.match(r"^webauthn [A-Za-z0-9_-]{16,}:[A-Za-z0-9_-]{40,}(?:\s|$)", key):
                r.problem(kkp + ("key",), "schema.key",
                          "签名公钥格式不正确，应为 SSH 公钥一整行（如 ssh-ed25519 AAAA… 备注，可用 ssh-keygen -t ed25519 生成），"
                          "或审签工作台登记通行密钥时给出的一行（webauthn 开头）。")
                continue
            usable = True
            if start and end:
                if end < start:
                    usable = False
                    r.problem(kkp + ("valid_until",), "schema.key-window", "密钥有效期结束日期早于开始日期。")
                elif (end - start).days > MAX_KEY_WINDOW_DAYS:
                    usable = False  # an over-long window never verifies: the roster must be fixed
                    r.problem(kkp + ("valid_until",), "schema.key-window",
                              f"{person.name} 的签名密钥有效期为 {start} 至 {end}（{(end - start).days} 天），"
                              f"超过 3 个月（{MAX_KEY_WINDOW_DAYS} 天），这把密钥不能用于签署。"
                              "依据《管理办法》第三十八条，口令每 3 个月更换一次：请缩短有效期，到期后登记新密钥。")
                if person.left and end > person.left:
                    end = person.left  # Art. 37: nothing signs after the person left
            owner = next((q for q in unit.people for qk in q.keys if key and qk.key_type_and_body == " ".join(key.split()[:2])),
                         None)
            if owner is not None:
                usable = False
                r.problem(kkp + ("key",), "schema.key-shared",
                          f"这把签名公钥已登记给 {owner.name}。一把密钥只能属于一个人（《管理办法》第十九条：审核须可追责到人）；"
                          "请每人用自己的密钥（ssh-keygen -t ed25519 生成）。")
            if usable and key and start and end:
                person.keys.append(SigningKey(key=key, valid_from=start, valid_until=end, line=doc.line(*kkp)))
        unit.people.append(person)
    return unit, r.problems


@dataclass
class UnitSet:
    """All units of a repository plus the problems found loading them."""

    units: dict[str, Unit]
    problems: list[Finding]


def load_units(root: Path, categories: set[str] | None = None) -> UnitSet:
    """Load every ``units/*.yml`` under ``root``."""
    units: dict[str, Unit] = {}
    problems: list[Finding] = []
    folder = root / "units"
    for file in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
        rel = file.relative_to(root).as_posix()
        try:
            text = read_text(file).text
        except UnreadableFile as exc:
            problems.append(whole_line(rel, exc.line, "schema", exc.rule, "error", exc.message))
            continue
        unit, found = parse_unit(text, rel, file.stem, categories)
        problems.extend(found)
        if unit is None:
            continue
        if unit.id in units:
            problems.append(whole_line(rel, 1, "schema", "schema.duplicate",
                                       "error", f"单位标识“{unit.id}”已在 {units[unit.id].path} 中使用。"))
            continue
        units[unit.id] = unit
    return UnitSet(units, problems)
