"""The provincial run (省级集约化平台): the audit of many county repositories, in shards, merged into one scorecard.

A province file (``province.yml``) lists the counties. ``run_shard`` audits the counties of one shard
(``--shard i/N``: the i-th of every N in the file's order, so any runner computes the same split) and keeps, for
each, a summary of its report; ``merge`` checks that the shards come from the same file and audit day and cover
every county exactly once, then ranks the counties. The sequential run is the one-shard case, so the merged
result of N shards equals it by construction, and a test holds them to that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govsite.audit.model import AREA_NAMES, AuditReport
from govsite.audit.scheme import Scheme, load_scheme
from govsite.core.errors import GovsiteError

SHARD_FORMAT = "govsite-province-shard/1"
TOP_PROBLEMS = 10   # the county's first errors kept for the circular (the county's own report has them all)


@dataclass(frozen=True)
class CountyEntry:
    """One county of the province file: its id, its name, and where its repository is (a folder or a git URL)."""

    id: str
    name: str
    repo: str            # as written: a folder (relative to the province file) or a git URL
    site: str = ""       # the county's built site for the link check (optional, relative to the province file)


@dataclass(frozen=True)
class Province:
    """The province file: who issues the circular, the counties, the grades."""

    name: str
    issuer: str
    number_prefix: str
    counties: tuple[CountyEntry, ...]
    base: Path           # the province file's folder: relative repository paths start here
    scheme: Scheme

    @property
    def digest(self) -> str:
        """What every shard must share: the list of counties as written (id, name, repository)."""
        text = json.dumps([[c.id, c.name, c.repo, c.site] for c in self.counties], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class CountySummary:
    """What the province keeps of one county's audit: the figures of the scorecard and the first problems."""

    id: str
    name: str
    status: str                      # audited | failed
    message: str = ""                # why it could not be audited (Chinese)
    commit: str = ""
    pages: int = 0
    units: int = 0                   # ranked units
    units_passed: int = 0
    score: float = 0.0               # mean of the ranked units' scores
    lowest: str = ""                 # the ranked unit with the lowest score, and its score
    errors: int = 0
    warnings: int = 0
    site_veto: bool = False
    veto_failed: list[str] = field(default_factory=list)   # names of failed single-veto items
    areas: dict[str, int] = field(default_factory=dict)    # problems (errors and warnings) by area name
    problems: list[str] = field(default_factory=list)      # the first errors, each "单位：问题（依据）"
    grade: str = ""
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any, where: str, file: Path, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise GovsiteError(f"省级清单 {file} 缺少 {where}。请补上后重试（格式见 docs/design.md 的“省级清单”）。")
        return ""
    if not isinstance(value, str | int):
        raise GovsiteError(f"省级清单 {file} 中 {where} 应为一段文字，现为“{value}”。")
    return str(value).strip()


def load_province(path: Path) -> Province:
    """Read ``province.yml``; each mistake is one Chinese message naming the file and the place."""
    from checks.textio import UnreadableFile, read_text  # noqa: PLC0415
    from checks.yamlio import YamlSyntaxError, load_yaml  # noqa: PLC0415

    path = Path(path)
    if not path.is_file():
        raise GovsiteError(f"找不到省级清单 {path}。请给出列有各县仓库的 YAML 文件，例如 province.yml。")
    try:
        doc = load_yaml(read_text(path).text)
    except UnreadableFile as exc:
        raise GovsiteError(f"省级清单 {path} 无法读取：{exc.message}") from None
    except YamlSyntaxError as exc:
        raise GovsiteError(f"省级清单 {path} 第 {exc.line} 行：{exc.message}") from None
    data = doc.data
    if not isinstance(data, dict):
        raise GovsiteError(f"省级清单 {path} 应为键值表（name、issuer、counties）。")
    raw = data.get("counties")
    if not isinstance(raw, list) or not raw:
        raise GovsiteError(f"省级清单 {path} 第 {doc.line('counties')} 行：counties 应列出至少一个县（id、name、repo）。")
    counties: list[CountyEntry] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        where = f"第 {doc.line('counties', i)} 行的县"
        if not isinstance(item, dict):
            raise GovsiteError(f"省级清单 {path} {where}应写成 id、name、repo 三项。")
        entry = CountyEntry(id=_text(item.get("id"), f"{where}的 id", path), name=_text(item.get("name"), f"{where}的 name", path),
                            repo=_text(item.get("repo"), f"{where}的 repo（仓库目录或地址）", path),
                            site=_text(item.get("site"), f"{where}的 site", path, required=False))
        if entry.id in seen:
            raise GovsiteError(f"省级清单 {path} 中县 id “{entry.id}”出现了两次（第 {seen[entry.id]} 行和第 "
                               f"{doc.line('counties', i)} 行）。每个县只能列一次。")
        seen[entry.id] = doc.line("counties", i)
        counties.append(entry)
    name = _text(data.get("name"), "name（省、市名称）", path)
    scoring = data.get("scoring")
    scheme = load_scheme({"audit_scoring": scoring} if isinstance(scoring, dict) else {})
    return Province(name=name, issuer=_text(data.get("issuer"), "issuer（发文机关）", path, required=False)
                    or f"{name}人民政府办公厅", number_prefix=_text(data.get("number_prefix"), "number_prefix", path,
                                                                  required=False),
                    counties=tuple(counties), base=path.resolve().parent, scheme=scheme)


def parse_shard(text: str | None) -> tuple[int, int]:
    """``"2/4"`` → (2, 4); no shard is the whole file (1, 1)."""
    if not text:
        return 1, 1
    a, sep, b = text.partition("/")
    if not sep or not a.strip().isdigit() or not b.strip().isdigit() or not 1 <= int(a) <= int(b):
        raise GovsiteError(f"--shard 的“{text}”无法识别。请写成 序号/总数，例如 2/4（第 2 片，共 4 片；序号从 1 起）。")
    return int(a), int(b)


def shard_counties(province: Province, index: int, total: int) -> list[CountyEntry]:
    """The counties of shard ``index`` of ``total``: every ``total``-th in the file's order, from ``index``."""
    return [c for k, c in enumerate(province.counties) if k % total == index - 1]


def _is_url(repo: str) -> bool:
    return "://" in repo or (repo.count(":") == 1 and "@" in repo.split(":")[0])


def _local(province: Province, entry: CountyEntry, workdir: Path) -> Path:
    """The county's repository on this machine: its folder, or a full clone of its URL under ``workdir``."""
    if _is_url(entry.repo):
        from govsite.git.remote import clone  # noqa: PLC0415

        dest = workdir / entry.id
        clone(entry.repo, dest)
        return dest
    return (province.base / entry.repo).resolve()


def summarise(entry: CountyEntry, report: AuditReport) -> CountySummary:
    """The scorecard's figures of one county's audit report."""
    ranked = [u for u in report.units if not u.closed]
    problems = [f for f in report.findings if f.severity in ("error", "warning")]
    areas: dict[str, int] = {}
    for f in problems:
        name = AREA_NAMES.get(f.area, f.area)
        areas[name] = areas.get(name, 0) + 1
    names = {u.unit: u.name for u in report.units}
    errors = [f for f in problems if f.severity == "error"]
    low = min(ranked, key=lambda u: (u.score, u.unit), default=None)
    return CountySummary(
        id=entry.id, name=entry.name, status="audited", commit=report.commit, pages=report.pages, units=len(ranked),
        units_passed=sum(1 for u in ranked if u.grade != "不合格"),
        score=round(sum(u.score for u in ranked) / len(ranked), 1) if ranked else 0.0,
        lowest=f"{low.name} {low.score:.1f} 分" if low else "",
        errors=len(errors), warnings=len(problems) - len(errors), site_veto=report.site_veto,
        veto_failed=[v.name for v in report.veto if v.status == "fail"], areas=dict(sorted(areas.items())),
        problems=[f"{names.get(f.unit, f.unit or '全站')}：{f.message}（依据：{f.article}）" for f in errors[:TOP_PROBLEMS]])


def audit_county(province: Province, entry: CountyEntry, as_of: dt.date, workdir: Path, run_checks: bool = True,
                 progress: Callable[..., None] | None = None) -> CountySummary:
    """One county's audit; a county that cannot be audited (no repository, a broken unit file…) is recorded
    with the reason, so one county never stops the province's run."""
    from govsite.audit.run import run_audit  # noqa: PLC0415

    try:
        root = _local(province, entry, workdir)
        if not (root / "units").is_dir() or not (root / "content").is_dir():
            raise GovsiteError(f"{entry.repo} 不是县级网站仓库（没有 units/ 和 content/）。请核对省级清单中该县的 repo。")
        site = (province.base / entry.site).resolve() if entry.site else None
        if site is None and (root / "site" / "index.html").is_file():
            site = root / "site"
        report = run_audit(root, as_of, site, run_checks=run_checks, progress=progress)
    except GovsiteError as exc:  # a clone's temporary folder is named by the county's address instead
        message = exc.render().replace(str(workdir / entry.id), entry.repo)
        return CountySummary(id=entry.id, name=entry.name, status="failed", message=message)
    return summarise(entry, report)


def run_shard(province: Province, index: int, total: int, as_of: dt.date, run_checks: bool = True,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Audit the counties of one shard; the result is what ``merge`` reads (JSON)."""
    say = progress or (lambda _text: None)
    counties = shard_counties(province, index, total)
    out = []
    with tempfile.TemporaryDirectory(prefix="govsite-province-") as tmp:
        for k, entry in enumerate(counties, 1):
            say(f"[{k}/{len(counties)}] {entry.name}")
            out.append(audit_county(province, entry, as_of, Path(tmp), run_checks).to_dict())
    return {"format": SHARD_FORMAT, "province": province.name, "counties_digest": province.digest,
            "as_of": as_of.isoformat(), "checks": run_checks, "shard": [index, total], "counties": out}


@dataclass
class ProvinceReport:
    """The merged result: every county, ranked (a county that could not be audited is listed, not ranked)."""

    province: str
    as_of: dt.date
    counties: list[CountySummary]

    @property
    def failed(self) -> list[CountySummary]:
        return [c for c in self.counties if c.status != "audited"]

    def to_dict(self) -> dict[str, Any]:
        ranked = [c for c in self.counties if c.rank]
        return {"province": self.province, "as_of": self.as_of.isoformat(),
                "summary": {"counties": len(self.counties), "audited": len(ranked), "failed": len(self.failed),
                            "passed": sum(1 for c in ranked if c.grade != "不合格"),
                            "pages": sum(c.pages for c in self.counties)},
                "counties": [c.to_dict() for c in self.counties]}


def _shard_name(shard: dict[str, Any]) -> str:
    s = shard.get("shard") or ["?", "?"]
    return f"第 {s[0]}/{s[1]} 片"


def merge(province: Province, shards: Iterable[dict[str, Any]]) -> ProvinceReport:
    """The shards of one run merged: same province file and audit day, every county exactly once."""
    shards = list(shards)
    if not shards:
        raise GovsiteError("没有给出分片结果。请列出各分片的 JSON 文件（govsite province run --shard i/N 的输出）。")
    first = shards[0]
    for s in shards:
        if s.get("format") != SHARD_FORMAT:
            raise GovsiteError(f"{_shard_name(s)}不是 govsite province run 的分片结果（格式“{s.get('format')}”）。")
        if s.get("counties_digest") != province.digest:
            raise GovsiteError(f"{_shard_name(s)}是按另一份省级清单审计的（县的列表不同）。请用同一份 province.yml "
                               "重新运行全部分片。")
        if s.get("as_of") != first.get("as_of") or s.get("checks") != first.get("checks"):
            raise GovsiteError(f"各分片的审计日或检查设置不一致（{_shard_name(first)}：{first.get('as_of')}，"
                               f"{_shard_name(s)}：{s.get('as_of')}）。请用同一个 --as-of 重新运行全部分片。")
    got: dict[str, dict[str, Any]] = {}
    for s in shards:
        for c in s.get("counties") or []:
            if c.get("id") in got:
                raise GovsiteError(f"县“{c.get('name')}”出现在两个分片中。同一次合并的分片应来自同一个 N（--shard i/N），"
                                   "且每片只给一次。")
            got[str(c.get("id"))] = c
    missing = [c for c in province.counties if c.id not in got]
    if missing:
        totals = sorted({int((s.get("shard") or [0, 0])[1]) for s in shards})
        have = sorted(int((s.get("shard") or [0, 0])[0]) for s in shards)
        raise GovsiteError(f"缺少 {len(missing)} 个县的结果（{'、'.join(c.name for c in missing[:10])}）：共 "
                           f"{'/'.join(map(str, totals))} 片，收到第 {'、'.join(map(str, have))} 片。请补齐缺少的分片后再合并。")
    fields = set(CountySummary.__dataclass_fields__)
    counties = [CountySummary(**{k: v for k, v in got[c.id].items() if k in fields}) for c in province.counties]
    return rank(province, dt.date.fromisoformat(str(first["as_of"])), counties)


def rank(province: Province, as_of: dt.date, counties: list[CountySummary]) -> ProvinceReport:
    """Grades by the province's scheme; best first, a single-veto county after the others, the failed last."""
    for c in counties:
        c.grade = province.scheme.grade(c.score, c.site_veto) if c.status == "audited" else ""
    counties.sort(key=lambda c: (c.status != "audited", c.site_veto, -c.score, c.id))
    n = 0
    for c in counties:
        c.rank = 0
        if c.status == "audited":
            n += 1
            c.rank = n
    return ProvinceReport(province.name, as_of, counties)


def read_shard(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GovsiteError(f"找不到分片结果 {path}。请确认该分片的作业已完成并上传了它的结果。") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GovsiteError(f"分片结果 {path} 无法读取（{exc}）。请重新运行该分片。") from None
    if not isinstance(data, dict):
        raise GovsiteError(f"分片结果 {path} 不是 govsite province run 的输出。")
    return data
