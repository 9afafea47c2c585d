"""Synthetic county corpus for benchmarks and tests.

``generate(root, pages, seed, history_years)`` writes a complete govsite repository at ``root``:
``units/`` and ``site_config/`` copied from this repository (or synthetic units when absent),
the units' opening/closing announcement pages, and ``pages`` realistic Chinese pages with valid
front matter spread over the units' columns (300–3,000 characters of official-style prose built
from varied fragments, written so that ``govsite check`` finds nothing).

With ``history_years > 0`` the result is a git repository whose few hundred commits (one per
batch of pages, dated with GIT_AUTHOR_DATE/GIT_COMMITTER_DATE semantics) span that many years,
written with ``git fast-import`` for speed.

CLI: ``python benchmarks/corpus.py OUT --pages N [--seed S] [--history-years Y]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
END_DATE = dt.date(2026, 11, 20)  # fixed so that corpora are reproducible
TZ = "+0800"

# ---------------------------------------------------------------- prose fragments (official style)
SUBJECTS = ["{unit}", "{unit}党组", "{unit}主要负责同志", "{unit}分管负责同志", "{unit}相关科室", "{unit}工作专班",
            "县委、县政府", "{unit}领导班子"]
TIMES = ["近日", "日前", "{month}月{day}日", "{month}月{day}日上午", "{month}月{day}日下午", "本月以来", "今年以来",
         "{year}年以来", "连日来"]
ACTIONS = ["召开专题会议", "组织开展专项检查", "深入基层开展调研", "召开工作推进会", "开展集中宣传活动",
           "举办业务培训班", "组织召开座谈会", "开展督查指导", "部署安排相关工作", "开展实地走访"]
TOPICS = ["安全生产", "森林防火", "防汛抗旱", "乡村振兴", "营商环境", "政务公开", "耕地保护", "民生实事", "项目建设",
          "农村人居环境整治", "基层治理", "食品安全", "城乡医疗保障", "就业创业服务", "义务教育", "生态环境保护",
          "社会救助", "农业产业发展", "交通运输安全", "消防安全", "地质灾害防治", "物价稳定", "文明城市创建",
          "数字政府建设", "信访工作", "统计调查", "财政预算执行", "重大项目推进", "特色产业培育", "水利设施维护"]
PURPOSES = ["进一步压实工作责任", "切实提升工作质效", "推动各项措施落地落实", "保障人民群众生命财产安全",
            "持续优化服务水平", "不断增强群众获得感", "夯实基层工作基础", "推动工作提质增效",
            "确保年度目标任务如期完成", "规范工作流程和标准"]
DETAILS = [
    "会议传达学习了上级有关文件精神，通报了前一阶段工作进展情况，分析了存在的问题和不足。",
    "各责任单位要对照任务清单，逐项细化工作措施，明确时间节点和责任人员。",
    "检查组采取查阅资料、实地查看、座谈交流等方式，对相关工作落实情况进行了全面检查。",
    "针对检查中发现的问题，现场反馈整改意见，建立问题台账，实行销号管理。",
    "要坚持问题导向和目标导向，统筹推进各项工作，形成工作合力。",
    "要加强部门协作，强化信息共享，建立健全常态化工作机制。",
    "要加大宣传力度，通过多种渠道向群众宣传相关政策和知识，提高群众知晓率。",
    "要严格落实值班值守制度，做好应急处置各项准备，遇有情况及时报告。",
    "下一步，将持续跟踪督办，定期通报工作进展，推动各项任务按期完成。",
    "此次活动共发放宣传资料{n1}余份，解答群众咨询{n2}余人次。",
    "截至目前，已完成年度计划的{pct}%，各项指标总体运行平稳。",
    "培训围绕政策解读、业务流程和典型案例等内容展开，参训人员{n3}余人。",
    "调研组一行先后走访了{n4}个村（社区），听取了基层干部和群众的意见建议。",
    "与会人员结合各自工作实际作了交流发言，并就下一步工作提出了意见建议。",
    "各村（社区）要落实属地责任，加强日常巡查，做到早发现、早报告、早处置。",
    "相关单位要按照职责分工，主动担当作为，确保各项工作有序推进。",
    "工作中要严格执行有关法律法规和政策规定，做到程序规范、依据充分、结果公开。",
    "有关情况将按照政府信息公开的有关规定，及时向社会公开。",
    "会议要求，要把各项工作摆在突出位置，加强组织领导，细化工作方案。",
    "本次检查覆盖辖区内重点场所{n4}处，督促整改一般问题{n5}个。",
]
CLOSINGS = ["特此通知。", "特此公告。", "现予公布。", "请各单位认真贯彻执行。", "以上事项，请遵照执行。"]
CATEGORIES = ["综合政务", "农业农村", "城乡建设", "应急管理", "教育", "卫生健康", "财政", "民政", "交通", "政务公开"]


@dataclass(frozen=True)
class UnitInfo:
    id: str
    short: str
    name: str
    columns: list[tuple[str, str]]  # (column id, title)
    announcements: list[str]        # content-relative paths the unit file references


def _load_units(root: Path) -> list[UnitInfo]:
    import yaml  # PyYAML is a dependency of MkDocs

    out = []
    for f in sorted((root / "units").glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        cols = [(str(c["id"]), str(c.get("title") or c["id"])) for c in data.get("columns") or [] if "id" in c]
        ann = [str(data[k]["announcement"]) for k in ("opened", "closing")
               if isinstance(data.get(k), dict) and data[k].get("announcement")]
        out.append(UnitInfo(str(data.get("id") or f.stem), str(data.get("short_name") or data.get("name") or f.stem),
                            str(data.get("name") or f.stem), cols, ann))
    return out


SYNTHETIC_SITE = """name: 示例县人民政府
short_name: 示例县政府
county: 示例县
region_code: "500000"
sponsor: 示例县人民政府办公室
operator: 示例县大数据管理中心
site_code: "5000000001"
icp: 渝ICP备00000000号
police_record: 渝公网安备 50000002000001号
contact:
  address: 重庆市示例县行政中心
  phone: 023-50000000
  email: xzfb@example.gov.cn
interaction_url: https://www.example.gov.cn/hdjl/
office_unit: office
operator_unit: bigdata
base_url: https://www.example.gov.cn/
"""


def _synthetic_units(root: Path) -> None:
    (root / "units").mkdir(parents=True, exist_ok=True)
    (root / "site_config").mkdir(parents=True, exist_ok=True)
    (root / "site_config" / "site.yml").write_text(SYNTHETIC_SITE, encoding="utf-8")
    specs = [("office", "示例县人民政府办公室", "县政府办", "agency"),
             ("bigdata", "示例县大数据管理中心", "县大数据中心", "agency"),
             ("nongye", "示例县农业农村委员会", "县农业农村委", "department"),
             ("dazhen", "示例县大镇人民政府", "大镇", "township")]
    cols = [("gzdt", "工作动态", "news", "weekly"), ("tzgg", "通知公告", "notices", "realtime"),
            ("zcwj", "政策文件", "policy", "semiannual")]
    for uid, name, short, kind in specs:
        text = (f"id: {uid}\nname: {name}\nshort_name: {short}\nkind: {kind}\ncontact:\n"
                f"  address: 重庆市示例县行政中心\n  hours: 工作日上午9:00—12:00，下午14:00—18:00\n"
                f"  phone: 023-50000001\n  head: 王某某\nopened:\n  approval: 示例府办函〔2024〕1号\n"
                f"  approved_on: 2024-01-02\n  announcement: office/tzgg/{uid}-kaitong.md\n  date: 2024-01-05\n"
                "columns:\n" + "".join(f"  - id: {c}\n    title: {t}\n    category: {k}\n    update: {u}\n"
                                        for c, t, k, u in cols))
        (root / "units" / f"{uid}.yml").write_text(text, encoding="utf-8")


CLONE_PLACES = "东西南北上下前后新老红青白金石龙凤桃柳松竹梅兰双平安和福寿永兴长乐太阳"


def _clone_units(root: Path, total: int) -> None:
    """Add units cloned from the existing unit files until there are ``total`` (ids ``<sample><k>``)."""
    samples = sorted((root / "units").glob("*.yml"))
    for k in range(len(samples), total):
        src = samples[k % len(samples)]
        uid = f"{src.stem}{k}"
        place = CLONE_PLACES[k % len(CLONE_PLACES)] + CLONE_PLACES[(k // len(CLONE_PLACES) + 7) % len(CLONE_PLACES)]
        lines = []
        for line in src.read_text(encoding="utf-8").splitlines():
            if line.startswith("id: "):
                line = f"id: {uid}"
            elif line.startswith(("name: ", "short_name: ")):
                line = line.rstrip() + place  # 巫山县大昌镇人民政府东南: distinct, still a name
            elif line.strip().startswith("announcement: "):
                line = line.replace(f"announcement: {src.stem}/", f"announcement: {uid}/")
            lines.append(line)
        (root / "units" / f"{uid}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


class Writer:
    """Builds one page's prose from fragments."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, s: str, unit: UnitInfo, day: dt.date) -> str:
        r = self.rng
        return s.format(unit=unit.short, month=day.month, day=day.day, year=day.year, n1=r.randint(2, 90) * 10,
                        n2=r.randint(3, 80) * 10, pct=r.randint(60, 98), n3=r.randint(3, 30) * 10,
                        n4=r.randint(3, 40), n5=r.randint(2, 30))

    def sentence(self, unit: UnitInfo, day: dt.date, topic: str) -> str:
        r = self.rng
        if r.random() < 0.45:
            return self.fill(
                f"{r.choice(TIMES)}，{r.choice(SUBJECTS)}围绕{topic}{r.choice(ACTIONS)}，{r.choice(PURPOSES)}。",
                unit, day)
        return self.fill(r.choice(DETAILS), unit, day)

    def body(self, unit: UnitInfo, day: dt.date, topic: str, length: int) -> str:
        r = self.rng
        paras: list[str] = []
        size = 0
        while size < length:
            para = "".join(self.sentence(unit, day, topic) for _ in range(r.randint(2, 5)))
            paras.append(para)
            size += len(para)
            if r.random() < 0.12 and size < length:
                heading = f"## {r.choice(['一', '二', '三', '四'])}、{r.choice(['工作要求', '主要内容', '进展情况', '下一步安排'])}"
                paras.append(heading)
        paras.append(r.choice(CLOSINGS))
        return "\n\n".join(paras) + "\n"


def _page_text(w: Writer, unit: UnitInfo, col: tuple[str, str], formed: dt.date, serial: int) -> tuple[str, str]:
    r = w.rng
    topic = r.choice(TOPICS)
    action = r.choice(ACTIONS)
    title = f"{unit.short}{action}推进{topic}工作"
    if col[1] in ("通知公告",):
        title = f"关于做好{formed.year}年{topic}工作的通知"
    elif "政策" in col[1] or "文件" in col[1]:
        title = f"{unit.short}关于进一步加强{topic}工作的实施意见"
    front = [f"title: {title}", f"formed: {formed.isoformat()}", f"category: {r.choice(CATEGORIES)}",
             "disclosure: 主动公开"]
    if "政策" in col[1] or "文件" in col[1] or r.random() < 0.1:
        front.append(f"doc_number: 巫山{unit.short[:2]}发〔{formed.year}〕{r.randint(1, 120)}号")
    if r.random() < 0.3:
        front.append(f"summary: {unit.short}围绕{topic}部署推进相关工作。")
    length = int(300 + (r.random() ** 2) * 2700)
    body = w.body(unit, formed, topic, length)
    return title, "---\n" + "\n".join(front) + "\n---\n" + body


def _announcement(unit: UnitInfo, formed: dt.date) -> str:
    return (f"---\ntitle: 关于{unit.name}网页开通的公告\nformed: {formed.isoformat()}\ncategory: 政务公开\n"
            f"disclosure: 主动公开\n---\n经县政府办公室审核同意，{unit.name}单位网页在县政府门户网站正式开通。"
            f"该网页集中发布本单位政务信息，由本单位负责内容保障和更新维护。\n\n特此公告。\n")


def generate(root: Path, pages: int, seed: int = 0, history_years: float = 0.0, units: int = 0) -> None:
    """Write a synthetic govsite repository with ``pages`` pages at ``root`` (see module docstring); with
    ``units`` above the sample's count, further units are cloned from the sample's (a real county portal
    has 50–80 units, each with its columns in the navigation)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if (REPO / "units").is_dir() and any((REPO / "units").glob("*.yml")):
        shutil.copytree(REPO / "units", root / "units", dirs_exist_ok=True)
        if (REPO / "site_config").is_dir():
            shutil.copytree(REPO / "site_config", root / "site_config", dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("theme", "__pycache__"))
    else:
        _synthetic_units(root)
    _clone_units(root, units)
    units = [u for u in _load_units(root) if u.columns]
    if not units:
        raise SystemExit("corpus: no unit with columns found")
    rng = random.Random(seed)
    w = Writer(rng)
    span_days = max(30, int(365 * (history_years or 2.0)))
    start = END_DATE - dt.timedelta(days=span_days)
    files: list[tuple[dt.date, str, str]] = []  # (date, rel path under root, text)
    # announcements referenced by unit files: the repository's own text when it exists
    for u in units:
        for ann in u.announcements:
            src = REPO / "content" / ann
            text = src.read_text(encoding="utf-8") if src.is_file() else _announcement(u, start)
            files.append((start, f"content/{ann}", text))
    slots = [(u, c) for u in units for c in u.columns]
    weights = [6 if c[1] in ("工作动态", "要闻") else 2 for _, c in slots]
    for i in range(pages):
        unit, col = rng.choices(slots, weights)[0]
        formed = start + dt.timedelta(days=int(span_days * (i + rng.random()) / max(pages, 1)))
        formed = min(formed, END_DATE)
        _, text = _page_text(w, unit, col, formed, i + 1)
        files.append((formed, f"content/{unit.id}/{col[0]}/{formed.isoformat()}-{i + 1:06d}.md", text))
    seen: set[str] = set()
    unique = []
    for f in files:
        if f[1] not in seen:
            seen.add(f[1])
            unique.append(f)
    for _, rel, text in unique:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    if history_years > 0:
        _write_history(root, unique, rng)


def _write_history(root: Path, files: list[tuple[dt.date, str, str]], rng: random.Random) -> None:
    """One git repository whose commits add the pages in date order (git fast-import)."""
    files = sorted(files, key=lambda f: (f[0], f[1]))
    n_commits = max(1, min(300, len(files)))
    batches: list[list[tuple[dt.date, str, str]]] = [[] for _ in range(n_commits)]
    for i, f in enumerate(files):
        batches[i * n_commits // len(files)].append(f)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = bytearray()

    def data(b: bytes) -> None:
        stream.extend(b"data %d\n" % len(b))
        stream.extend(b)
        stream.extend(b"\n")

    base_files = sorted(p for d in ("units", "site_config") for p in (root / d).rglob("*") if p.is_file())
    mark = 0
    for k, batch in enumerate(batches):
        if not batch:
            continue
        day = max(f[0] for f in batch) + dt.timedelta(days=rng.randint(1, 5))
        ts = int(dt.datetime(day.year, day.month, day.day, 9 + rng.randint(0, 8), rng.randint(0, 59),
                             tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())
        mark += 1
        stream.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
        stream.extend(b"author Wushan Editor <editor@wushan.example.gov.cn> %d +0800\n" % ts)
        stream.extend(b"committer Wushan Editor <editor@wushan.example.gov.cn> %d +0800\n" % ts)
        data(f"发布 {len(batch)} 篇稿件（{day.isoformat()}）".encode())
        if k == 0:
            for p in base_files:
                stream.extend(b"M 100644 inline " + p.relative_to(root).as_posix().encode() + b"\n")
                data(p.read_bytes())
        for _, rel, text in batch:
            stream.extend(b"M 100644 inline " + rel.encode() + b"\n")
            data(text.encode("utf-8"))
    stream.extend(b"done\n")
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet", "--done"], input=bytes(stream), check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成用于基准测试的合成县级门户仓库")
    ap.add_argument("out", type=Path, help="输出目录（将创建）")
    ap.add_argument("--pages", type=int, required=True, help="稿件数量")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--history-years", type=float, default=0.0, help="> 0 时生成跨越若干年的 git 历史")
    ap.add_argument("--units", type=int, default=0, help="单位数（超出样例县的单位由样例克隆）")
    a = ap.parse_args(argv)
    if a.out.exists() and any(a.out.iterdir()):
        print(f"corpus: 输出目录 {a.out} 不为空，请指定一个新目录。", file=sys.stderr)
        return 2
    generate(a.out, a.pages, a.seed, a.history_years, a.units)
    print(f"corpus: 已在 {a.out} 生成 {a.pages} 篇稿件")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
