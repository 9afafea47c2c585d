"""Government new-media accounts (Art. 9, 23(6))."""

from __future__ import annotations

import re

from govsite.audit.freshness import add_months
from govsite.audit.model import AuditFinding
from govsite.audit.snapshot import Snapshot
from govsite.core.units import Unit

MIN_FOLLOWERS = 5000
POST_DAYS = 7
ART9_ONE = "《管理办法》第九条第三款（一个单位在同一新媒体平台原则上只开办一个账号）"
ART9_LOW = "《管理办法》第九条第三款（开设1年后关注量低于5000的应清理优化或关停）"
ART9_NAME = "《管理办法》第九条第二款（名称应与本单位名称和工作职责明确关联）"
ART9_APPROVAL = "《管理办法》第九条第一款（开设政务新媒体须报县政府办公室审核同意后方可开设）"
ART23_6 = "《管理办法》第二十三条第（六）项（政务新媒体更新间隔不超过1周）"
_PREFIX = re.compile(r"^(重庆市)?(巫山县|巫山|县)")
_SUFFIX = re.compile(r"(人民政府|办事处|街道|镇|乡|委员会|委|局|中心|办公室|办)$")


def name_cores(unit: Unit, county: str = "") -> list[str]:
    """Distinctive parts of a unit's names: 大昌 for 巫山县大昌镇人民政府, 教委 for 县教委, 大数据 for 县大数据中心."""
    cores: list[str] = []
    for n in (unit.short_name, unit.name):
        if not n:
            continue
        core = n
        if county:
            core = core.removeprefix(county).removeprefix(county.removesuffix("县"))
        core = _PREFIX.sub("", core)
        forms = [core]
        for _ in range(3):
            core = _SUFFIX.sub("", core)
            forms.append(core)
        cores.extend(f for f in forms if len(f) >= 2 and f not in cores)
    return cores


def audit_new_media(snap: Snapshot, county: str = "") -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    for unit in snap.units.values():
        path = f"units/{unit.id}.yml"
        by_platform: dict[str, list] = {}
        for acc in unit.new_media:
            by_platform.setdefault(acc.platform, []).append(acc)
        for platform, accs in by_platform.items():
            if len(accs) > 1:
                names = "、".join(f"“{a.name}”" for a in accs)
                findings.append(AuditFinding(
                    "new_media", "audit.new-media.duplicate", "error", unit.id,
                    f"{unit.display_name}在{platform}上开办了 {len(accs)} 个账号（{names}）。", ART9_ONE,
                    "请清理整合为一个账号，关停其余账号须经县政府办公室批准并公告15个工作日（第十条）。",
                    path=path, evidence={"platform": platform, "accounts": [a.name for a in accs]}))
        cores = name_cores(unit, county)
        for acc in unit.new_media:
            label = f"{unit.display_name}的{acc.platform}账号“{acc.name}”"
            ev = {"platform": acc.platform, "name": acc.name, "followers": acc.followers,
                  "followers_on": acc.followers_on.isoformat() if acc.followers_on else None,
                  "opened": acc.opened.isoformat() if acc.opened else None,
                  "last_post": acc.last_post.isoformat() if acc.last_post else None}
            if not acc.approval.strip():
                findings.append(AuditFinding(
                    "new_media", "audit.new-media.no-approval", "error", unit.id,
                    f"{label}登记时没有县政府办公室的审核同意文号（approval），不能确认是先批准后开设的。", ART9_APPROVAL,
                    f"请本单位把县政府办公室同意开设的文件文号填入 units/{unit.id}.yml 中该账号的 approval；"
                    "没有经过审核同意的，请补报县政府办公室审核，未获同意的应关停。",
                    path=path, evidence=ev))
            if acc.opened and acc.followers is not None and add_months(acc.opened, 12) <= snap.as_of \
                    and acc.followers < MIN_FOLLOWERS:
                findings.append(AuditFinding(
                    "new_media", "audit.new-media.low-followers", "warning", unit.id,
                    f"{label}开设于 {acc.opened}，已满1年，关注量只有 {acc.followers}（{acc.followers_on or '日期未填'}），"
                    f"低于5000。", ART9_LOW,
                    "请清理优化：与本单位其他账号整合，或经县政府办公室批准后关停（公告不少于15个工作日）。",
                    path=path, evidence=ev))
            if acc.last_post is None or (snap.as_of - acc.last_post).days > POST_DAYS:
                when = f"最近一次发布是 {acc.last_post}，已 {(snap.as_of - acc.last_post).days} 天" if acc.last_post \
                    else "没有登记最近发布日期"
                if acc.last_post is None or acc.last_post <= snap.as_of:
                    findings.append(AuditFinding(
                        "new_media", "audit.new-media.stale", "error", unit.id,
                        f"{label}{when}，超过1周未更新。", ART23_6,
                        "请本单位负责该账号的同志立即发布信息；发布后请信息员在本单位的登记表"
                        f"（units/{unit.id}.yml，该账号的“最近发布日期” last_post）中填写发布日期，以便读网核对。",
                        path=path, evidence=ev))
            if cores and not any(c in acc.name for c in cores) and unit.name not in acc.name:
                findings.append(AuditFinding(
                    "new_media", "audit.new-media.name", "warning", unit.id,
                    f"{label}的名称看不出与{unit.name}的关联（应含“{cores[0]}”等本单位名称）。", ART9_NAME,
                    "请按规范更名并在认证信息中注明主办单位名称（更名须经县政府办公室批准）。",
                    path=path, evidence=ev))
    return findings
