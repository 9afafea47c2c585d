"""Review status (审核状态) of a merge-request branch: per changed page, which tiers are there and why not."""

from __future__ import annotations

from pathlib import Path

from govsite.review.gate import verify_repository
from govsite.review.report import RenderDigests, VerifyReport

STATE_NAMES = {"valid": "已通过", "missing": "缺少", "invalid": "无效", "stale": "已过期（内容已改动）"}
PROOF_STATE_NAMES = {**STATE_NAMES, "stale": "已过期（稿件或排版页面已改动）"}
TIER_LABELS = {"1": "一审", "2": "二审", "3": "三审", "principal": "主要负责人", "remove": "删除审批",
               "proof-1": "一校", "proof-2": "二校", "proof-3": "三校"}
EXEMPTION_TIERS = {"2": "二审", "3": "三审"}


def branch_status(root: Path, base: str, head: str = "HEAD", proofs: bool | None = None,
                  render_digests: RenderDigests | None = None) -> VerifyReport:
    from govsite.git.refs import changed_paths  # noqa: PLC0415

    changed = set(changed_paths(root, base, head))
    return verify_repository(root, head, base, paths=changed, proofs=proofs, render_digests=render_digests)


def render(report: VerifyReport) -> str:
    if not report.results:
        return "本分支没有改动 content/ 或 units/ 下的文件。\n"
    lines = []
    for path, result in sorted(report.results.items()):
        mark = "✓" if result.ok else "✗"
        kind = {"removed": "（删除）", "units": "（人员名单/栏目目录）",
                "site_config": "（网站设置/页面模板/本县规则）"}.get(result.kind, "")
        lines.append(f"{mark} {path}{kind}")
        for back in result.returns:
            lines.append(f"    退回：{back['by']}（退回意见 {back['commit'][:10]}）：{back['note'] or '未写意见'}")
            lines.append("        请信息员按退回意见修改稿件，提交后重新从一审开始审核")
        for t in result.tiers + result.proofs:
            label = TIER_LABELS.get(t.tier) or (f"会签（{t.tier.split(':', 1)[1]}）" if t.tier.startswith("consent:") else t.tier)
            who = f" {t.signer} {t.commit[:10]}" if t.state == "valid" and t.signer else ""
            note = ("（本仓库未要求三校，仅供参考）" if t.tier.startswith("proof-") and not result.proofs_required
                    else "")
            names = PROOF_STATE_NAMES if t.tier.startswith("proof-") else STATE_NAMES
            lines.append(f"    {label}：{names.get(t.state, t.state)}{who}{note}")
            for r in t.reasons:
                lines.append(f"        {r}")
        for rev in result.revisions:
            earlier = TIER_LABELS.get(rev["tier"], rev["tier"])
            lines.append(f"    修改：{'、'.join(rev['by'])} 在{earlier}之后修改了稿件；{earlier}针对修改前的版本 {rev['from'][:10]}，"
                         f"之后各级针对修改后的版本：")
            lines += [f"        {line}" for line in rev["diff"]]
        for e in result.exemptions:
            need = "、".join(EXEMPTION_TIERS[t] for t in e["tiers"]) or "无须审核人认可"
            by = "、".join(EXEMPTION_TIERS[t] for t in e["accepted_by"]) or "尚无"
            lines.append(f"    豁免：第 {e['line']} 行 {e['rule']}（理由：{e['reason'] or '未写理由'}）——须经{need}认可；"
                         f"已认可：{by}")
    done = sum(1 for r in report.results.values() if r.ok)
    what = "审核和三校" if report.proofs else "审核"
    lines.append(f"共 {len(report.results)} 项，已完成{what} {done} 项，未完成 {len(report.results) - done} 项。")
    return "\n".join(lines) + "\n"
