"""Disclosure coverage (Art. 12–13): each required category for the unit's kind has a column with content."""

from __future__ import annotations

from typing import Any

from govsite.audit.model import AuditFinding
from govsite.audit.snapshot import Snapshot, page_counts_by_column
from govsite.core.units import UNIT_KIND_NAMES


def audit_coverage(snap: Snapshot, categories: dict[str, dict[str, Any]]) -> list[AuditFinding]:
    by_col = page_counts_by_column(snap)
    findings: list[AuditFinding] = []
    for unit in snap.units.values():
        if unit.closing and unit.closing.close_on and unit.closing.close_on <= snap.as_of:
            continue
        for cat_id, cat in categories.items():
            if unit.kind not in (cat.get("required_for") or []):
                continue
            name = str(cat.get("name") or cat_id)
            article = f"《管理办法》{cat.get('article') or '第十二条至第十四条'}"
            cols = [c for c in unit.columns.values() if c.category == cat_id]
            kind = UNIT_KIND_NAMES.get(unit.kind, unit.kind)
            if not cols:
                findings.append(AuditFinding(
                    "coverage", "audit.coverage.no-column", "error", unit.id,
                    f"{unit.display_name}（{kind}）的栏目目录中没有“{name}”类栏目，而{kind}必须主动公开该类信息。",
                    article,
                    f"请在 units/{unit.id}.yml 的 columns 中增设 category: {cat_id} 的栏目（报县政府办公室同意），并发布内容。",
                    path=f"units/{unit.id}.yml", evidence={"category": cat_id, "kind": unit.kind}))
                continue
            if all(not by_col.get((unit.id, c.id)) for c in cols):
                titles = "、".join(f"“{c.title}”" for c in cols)
                findings.append(AuditFinding(
                    "coverage", "audit.coverage.empty", "error", unit.id,
                    f"{unit.display_name}的“{name}”类栏目{titles}没有任何已发布内容。", article,
                    f"请在 content/{unit.id}/{cols[0].id}/ 下发布该类信息。", path=f"units/{unit.id}.yml",
                    column=cols[0].id, evidence={"category": cat_id, "columns": [c.id for c in cols]}))
    return findings
