"""Roster hygiene (Art. 37–38): keys about to expire, keys older than 3 months, departed people with roles."""

from __future__ import annotations


from govsite.audit.freshness import add_months
from govsite.audit.model import AuditFinding
from govsite.audit.snapshot import Snapshot
from govsite.core.units import ROLE_NAMES

EXPIRY_DAYS = 14
ART38 = "《管理办法》第三十八条（密码定期更改，更换周期一般为3个月）"
ART37 = "《管理办法》第三十七条（离职人员离职前应交还账号、更换口令）"


def audit_roster(snap: Snapshot) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    today = snap.as_of
    for unit in snap.units.values():
        path = f"units/{unit.id}.yml"
        for person in unit.people:
            who = f"{unit.display_name}的{person.name}（{person.email}）"
            if person.left and person.left < today:
                if person.roles:
                    roles = "、".join(ROLE_NAMES.get(r, r) for r in person.roles)
                    findings.append(AuditFinding(
                        "roster", "audit.roster.departed-with-roles", "error", unit.id,
                        f"{who}已于 {person.left} 离职，名单中仍保留角色：{roles}。", ART37,
                        f"请在 units/{unit.id}.yml 中删除其 roles 或整条记录，并把职责移交给在岗人员。",
                        path=path, evidence={"person": person.name, "left": person.left.isoformat(),
                                             "roles": list(person.roles)}))
                continue
            current = [k for k in person.keys if k.valid_from <= today <= k.valid_until]
            later = [k for k in person.keys if k.valid_from > today]
            newest = max(person.keys, key=lambda k: k.valid_from, default=None)
            roles = "、".join(ROLE_NAMES.get(r, r) for r in person.roles)
            if newest is not None and person.roles and add_months(newest.valid_from, 3) < today:
                findings.append(AuditFinding(
                    "roster", "audit.roster.key-old", "warning", unit.id,
                    f"{who}（{roles}）最近一次登记签名密钥是 {newest.valid_from}，已超过3个月未更换。", ART38,
                    "请生成新密钥并登记新的有效期（不超过92天），旧密钥到期作废。", path=path,
                    evidence={"person": person.name, "valid_from": newest.valid_from.isoformat(),
                              "valid_until": newest.valid_until.isoformat()}))
                continue
            for k in current:
                # a successor is any other key that is valid after this one ends, whether it began already or not
                successor = any(o is not k and o.valid_until > k.valid_until for o in person.keys)
                if (k.valid_until - today).days <= EXPIRY_DAYS and not successor:
                    findings.append(AuditFinding(
                        "roster", "audit.roster.key-expiring", "warning", unit.id,
                        f"{who}的签名密钥将于 {k.valid_until} 到期（还剩 {(k.valid_until - today).days} 天），"
                        "尚未登记下一把密钥。", ART38,
                        "请尽快生成新密钥，经审核后登记到名单中，以免到期后无法签发审核意见。", path=path,
                        evidence={"person": person.name, "valid_from": k.valid_from.isoformat(),
                                  "valid_until": k.valid_until.isoformat()}))
            if person.roles and person.keys and not current and not later:
                findings.append(AuditFinding(
                    "roster", "audit.roster.no-valid-key", "warning", unit.id,
                    f"{who}担任{roles}，但在 {today} 没有有效的签名密钥。",
                    ART38, "请登记新的签名密钥（有效期不超过92天）。", path=path,
                    evidence={"person": person.name}))
    for path, line, message in snap.key_windows:
        # the content model drops such a key (it never verifies): say so with the person's name, not in a footnote
        unit_id = path.rsplit("/", 1)[-1].removesuffix(".yml")
        findings.append(AuditFinding(
            "roster", "audit.roster.key-window-long", "warning", unit_id, f"{path} 第 {line} 行：{message}", ART38,
            "请本单位把这把密钥的有效期（valid_until）改为不超过 3 个月，到期前换用新密钥；人员名单的修改须经县政府办公室批准。",
            path=path, evidence={"line": line}))
    return findings
