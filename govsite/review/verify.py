"""The gate's logic: approvals judged against the roster as it stood before the change under review.

Terms: a *change* (变更) is what one merge brought to the first-parent history (or one direct commit);
its *base* is the merge base, whose roster (人员名单) judges every approval in the change, so a roster
edit in the same merge request cannot grant a role. The roster files of the first commit are the root
of trust; every later version of ``units/*.yml`` needs the office unit's leader approval.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from checks.textio import UnreadableFile, decode_text
from govsite.core.pages import parse_page
from govsite.core.units import ROLE_NAMES, Person
from govsite.review import sshsig
from govsite.review.changes import assign_bases
from govsite.review.gate import Failure, PathResult, RenderDigests, TierResult, VerifyReport
from govsite.git.history import load_history, path_changes
from govsite.git.objects import NULL_BLOB, Commit, cat_batch, tree_blobs
from govsite.git.refs import merge_base, require_commit
from govsite.git.repo import open_repo
from govsite.review.trust import office_unit, require_proofs, root_site_config
from govsite.review.roster import Roster, load_rosters
from govsite.review.trailers import REQUIRED_CHECKLIST, TIER_NAMES, TIER_ROLES, Approval, parse_message

REG = "《巫山县政府网站和政务新媒体管理办法（试行）》"
ART = {
    "17": f"违反{REG}第十七条（三审三校：一审信息员、二审科室负责人、三审分管负责人签发，重大信息报主要负责人签发）",
    "18": f"违反{REG}第十八条（多个单位共同形成的信息须征得相关单位书面同意）",
    "19": f"违反{REG}第十九条（审核记录须可追责：谁审核、审的哪一版内容、何时、用哪把密钥）",
    "37": f"违反{REG}第三十七条（离职人员交还账号，离职后签署无效）",
    "38": f"违反{REG}第三十八条（口令每 3 个月更换：密钥只在登记的有效期内有效）",
    "17p": f"违反{REG}第十七条（三审三校：稿件排版后须经一校信息员（排版人员）、二校科室负责人、三校分管负责人校对，"
           f"校对针对的是将要发布的排版页面，页面改动后须重新校对）",
}
PROOF_TIERS = ("proof-1", "proof-2", "proof-3")
FIX = {
    "sign": "请配置 SSH 签名密钥（git config gpg.format ssh; git config user.signingkey ~/.ssh/id_ed25519）后用 govsite approve 重新签署。",
    "roster": "请先把人员及其公钥登记到 units/<单位>.yml，经县政府办公室分管负责人批准并合并后，再另开合并请求签署。",
    "approve": "请由具有相应角色的人员运行 govsite approve --tier {tier} 签署。",
}


@dataclass
class Verdict:
    """Whether one approval counts for one slot, who signed it, and if not, why (with article)."""

    ok: bool
    person: Person | None = None
    reason: str = ""
    article: str = ""


@dataclass
class Slot:
    """One required tier for one path."""

    tier: str            # "1", "2", "3", "principal", "consent", "remove"
    unit: str            # unit whose roster decides (co-unit for consent, office for units/)
    role: str
    label: str           # Chinese label, e.g. "二审" or "会签同意（fgw）"
    key: str             # report key: "2", "consent:fgw", …


class Gate:
    """All state of one verification run; methods are small and named after the rule they apply."""

    THREADED_FROM = 64  # approvals; below this, signatures are checked lazily in the main thread

    def __init__(self, root: Path, rev: str, base: str | None, only: set[str] | None = None,
                 git_signatures: bool = False, proofs: bool | None = None,
                 render_digests: RenderDigests | None = None) -> None:
        self.git_signatures = git_signatures
        self.render_digests = render_digests
        open_repo(root)
        self.root = root
        self.head = require_commit(root, rev)
        self.history = load_history(root, self.head)
        self.mb: str | None = None
        if base is not None:
            base_sha = require_commit(root, base)
            self.mb = merge_base(root, base_sha, self.head)
        tip = self.mb if self.mb else self.head
        self.change_of: dict[str, str] = {}  # commit → id of the change (变更) it belongs to
        self.bases = assign_bases(self.history, tip, self.change_of)
        if self.mb:
            for sha in self.history.commits:
                if sha not in self.bases:
                    self.bases[sha] = self.mb
                    self.change_of[sha] = "merge-request"
        self.approvals: dict[str, Approval] = {}
        self.by_path: dict[str, list[tuple[str, str]]] = {}  # path → [(commit, blob)]
        for sha in self.history.order:
            a = parse_message(self.history.commits[sha].message)
            if a is None:
                continue
            self.approvals[sha] = a
            for path, blob in a.blobs:
                self.by_path.setdefault(path, []).append((sha, blob))
        self._sig: dict[str, sshsig.SignatureCheck | None] = {}
        self._pending: list = []
        if not git_signatures:
            self._start_signatures(only)   # runs in threads while git lists the changes below
        self.changes = path_changes(root, self.head, ("content/", "units/"))
        self.authors = self._content_authors()
        roots = [s for s, c in self.history.commits.items() if not c.parents]
        needed = {self.bases.get(s, self.head) for s in self.approvals} | {self.head, *roots}
        self.rosters = load_rosters(self.root, sorted(needed))
        self.trusted_files = {f for r in roots for f in self.rosters[r].files.values()}
        self.latest = self.rosters[self.head]
        if git_signatures:
            from govsite.review.gitverify import git_signature_checks  # noqa: PLC0415

            units = {id(u): u for r in self.rosters.values() for u in r.units.values()}.values()
            self._sig.update(git_signature_checks(root, list(self.approvals), units))
        self._trust: dict[tuple[str, str], bool] = {}
        self._office: str | None = None
        self._config: dict | None = None
        self.proofs = self.require_proofs() if proofs is None else proofs
        self._digests: dict[str, str] | None = None
        self._digest_error = ""

    def _content_authors(self) -> dict[tuple[str, str], set[str]]:
        """(path, blob) → everyone who changed the path within the change that produced that blob.

        Also fills ``content_time``: the latest commit time among the commits producing the blob.
        """
        self.content_time: dict[tuple[str, str], dt.datetime] = {}
        by_path: dict[str, list[tuple[str, str]]] = {}  # path → [(commit, author)]
        producers: dict[tuple[str, str], list[str]] = {}
        for ch in self.changes:
            c = self.history.commits.get(ch.commit)
            if c is None:
                continue
            key = (ch.path, NULL_BLOB if ch.status == "D" else ch.new)
            by_path.setdefault(ch.path, []).append((ch.commit, c.author_email))
            producers.setdefault(key, []).append(ch.commit)
            if key not in self.content_time or c.committer_time > self.content_time[key]:
                self.content_time[key] = c.committer_time
        authors: dict[tuple[str, str], set[str]] = {}
        for key, commits in producers.items():
            changes = {self.change_of.get(c) for c in commits}
            authors[key] = {email for c, email in by_path[key[0]] if self.change_of.get(c) in changes}
        return authors

    def _start_signatures(self, paths: set[str] | None) -> None:
        """Verify, in background threads, the signatures of every approval naming ``paths`` (all if None)
        or a units/ file (the Ed25519 libraries release the GIL, so this uses every core)."""
        import os  # noqa: PLC0415
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

        shas = [s for s, a in self.approvals.items()
                if paths is None or any(p in paths or p.startswith("units/") for p, _ in a.blobs)]
        signed = [self.history.commits[s] for s in shas if self.history.commits[s].signature]
        if len(signed) < self.THREADED_FROM:
            return  # checked lazily
        workers = max(2, os.cpu_count() or 2)

        def run(chunk: list[Commit]) -> list[tuple[str, sshsig.SignatureCheck]]:
            return [(c.id, sshsig.check(c.signature, c.payload)) for c in chunk]  # type: ignore[arg-type]

        pool = ThreadPoolExecutor(max_workers=workers)
        self._pending = [pool.submit(run, signed[i::workers]) for i in range(workers)]
        pool.shutdown(wait=False)

    def _collect_signatures(self) -> None:
        for future in self._pending:
            self._sig.update(future.result())
        self._pending = []

    def roster_for(self, commit: str) -> Roster:
        return self.rosters[self.bases.get(commit, self.head)]

    def signature(self, commit: Commit) -> sshsig.SignatureCheck | None:
        if commit.id not in self._sig and self._pending:
            self._collect_signatures()
        if commit.id not in self._sig:
            self._sig[commit.id] = sshsig.check(commit.signature, commit.payload) if commit.signature else None
        return self._sig[commit.id]

    # ---- judging one approval -------------------------------------------------------------------------
    def judge(self, sha: str, approval: Approval, slot: Slot, path: str, blob: str) -> Verdict:
        commit = self.history.commits[sha]
        short = sha[:10]
        if approval.problems:
            return Verdict(False, reason=f"审核意见 {short} 格式错误：{'；'.join(approval.problems)}", article="17")
        parent = self.history.commits.get(commit.parents[0]) if commit.parents else None
        if len(commit.parents) != 1 or parent is None or parent.tree != commit.tree:
            return Verdict(False, reason=f"审核意见 {short} 不是空提交（它同时修改了文件或是合并提交）。审核意见须单独签署，"
                                         f"不能夹带改动；请用 govsite approve 重新签署", article="19")
        if approval.unit != slot.unit:
            return Verdict(False, reason=f"审核意见 {short} 声明的单位“{approval.unit}”与应审核的单位“{slot.unit}”不符，"
                                         f"不能跨单位审核", article="17")
        need = REQUIRED_CHECKLIST.get(slot.tier if slot.tier != "remove" else "3", ())
        missing = [x for x in need if x not in approval.checklist]
        if missing:
            return Verdict(False, reason=f"审核意见 {short} 的审核清单（Review-Checklist）缺少：{', '.join(missing)}",
                           article="17")
        written = self.content_time.get((path, blob))
        if written is not None and commit.committer_time < written:
            return Verdict(False, reason=(f"审核意见 {short} 的签署时间（{commit.committer_time:%Y-%m-%d %H:%M}）早于被审核内容的提交时间"
                                          f"（{written:%Y-%m-%d %H:%M}），签署日期不可信。请在内容提交之后重新签署"),
                           article="19")
        sig = self.signature(commit)
        if sig is None:
            return Verdict(False, reason=f"审核意见 {short} 没有签名，不能作为审核证据。{FIX['sign']}", article="19")
        if not sig.good:
            return Verdict(False, reason=f"审核意见 {short} 的签名无效（与提交内容不符或已被篡改）。{FIX['sign']}",
                           article="19")
        roster = self.roster_for(sha)
        day = commit.signing_day
        unit = roster.units.get(slot.unit)
        holders = roster.find_key(sig.key)
        mine = [p for u, p in holders if u.id == slot.unit]
        if not mine:
            if holders:
                u, p = holders[0]
                return Verdict(False, reason=f"签名者 {p.name}（{p.email}）属于单位“{u.id}”，不在单位“{slot.unit}”的人员名单中，"
                                             f"不能签署该单位的{slot.label}", article="17")
            later = self.latest.find_key(sig.key)
            if later:
                u, p = later[0]
                return Verdict(False, reason=(
                    f"签名者 {p.name}（{p.email}）在本次变更之前的人员名单中没有登记这把密钥或这个人——"
                    f"审核按变更前的人员名单判断，同一合并请求中修改的人员名单不能授予角色。{FIX['roster']}"), article="17")
            listed = roster.mentions(sig.key)
            if listed:
                return Verdict(False, reason=(f"审核意见 {short} 的签名密钥在 {listed} 中登记有误（有效期超过 3 个月、"
                                              f"结束早于开始或缺少日期），不被承认。请修正人员名单并经批准后重新签署"),
                               article="38")
            return Verdict(False, reason=(f"审核意见 {short} 的签名密钥（{sig.key_fingerprint}）不在人员名单中。"
                                          f"{FIX['roster']}"), article="19")
        person = mine[0]
        left = person.left or next((p.left for u, p in self.latest.find_key(sig.key) if p.email == person.email), None)
        if left is not None and day > left:
            return Verdict(False, person, f"{person.name} 已于 {left} 离职，{day} 签署的审核意见 {short} 无效", "37")
        keys = [k for k in person.keys if k.key_type_and_body == sig.key]
        if not any(k.valid_from <= day <= k.valid_until for k in keys):
            windows = "、".join(f"{k.valid_from} 至 {k.valid_until}" for k in keys)
            return Verdict(False, person, f"{person.name} 的密钥有效期为 {windows}，不含签署日期 {day}"
                                          f"（审核意见 {short}）。请登记新密钥后重新签署", "38")
        if slot.role not in person.roles:
            have = "、".join(ROLE_NAMES.get(r, r) for r in person.roles) or "无"
            return Verdict(False, person, (f"{person.name} 在单位“{slot.unit}”的角色为{have}，不是"
                                           f"{ROLE_NAMES[slot.role]}，不能签署{slot.label}（审核意见 {short}）"),
                           "18" if slot.tier == "consent" else "17")
        if slot.tier not in ("1", "proof-1") and person.email in self.authors.get((path, blob), set()):
            return Verdict(False, person, (f"{person.name} 是这一版内容的作者，不能签署{slot.label}"
                                           f"（作者只能签一审；审核意见 {short}）"), "17")
        file = roster.files.get(slot.unit)
        if unit is not None and file is not None and not self.trusted(*file):
            return Verdict(False, person, (f"审核所依据的人员名单 {file[0]}（版本 {file[1][:10]}）未经县政府办公室分管负责人批准，"
                                           f"其中的角色不能作为依据"), "17")
        return Verdict(True, person)

    # ---- roster trust ---------------------------------------------------------------------------------
    def site_config(self) -> dict:
        if self._config is None:
            self._config = root_site_config(self.root, self.head)
        return self._config

    def office_unit(self) -> str:
        if self._office is None:
            self._office = office_unit(self.root, self.head, self.site_config())
        return self._office

    def require_proofs(self) -> bool:
        return require_proofs(self.root, self.head, self.site_config())

    # ---- 三校: render digests of the preview build ----------------------------------------------------
    def render_digest(self, path: str) -> tuple[str | None, str]:
        """(current render digest of ``path`` at the revision, why not). Builds the preview once per run."""
        if self._digests is None:
            try:
                if self.render_digests is None:
                    raise LookupError("本次核验没有提供排版预览")
                self._digests = self.render_digests(self.root, self.head)
            except Exception as exc:  # noqa: BLE001 - any build failure makes every proof unverifiable
                self._digests = {}
                self._digest_error = f"无法构建预览以计算渲染摘要（{str(exc).strip() or type(exc).__name__}）"
        digest = self._digests.get(path)
        if digest is not None:
            return digest, ""
        return None, (self._digest_error or "预览构建没有生成该稿件的页面（单位或栏目未登记、单位已关停等），"
                      "无法核对校对所针对的排版页面")

    def trusted(self, path: str, blob: str) -> bool:
        """A units/ file version counts when it is in the first commit or approved by the office's leader."""
        key = (path, blob)
        if key in self.trusted_files:
            return True
        if key in self._trust:
            return self._trust[key]
        self._trust[key] = False  # cycle guard
        slot = Slot("3", self.office_unit(), "leader", "人员名单变更审批", "3")
        ok = any(self.judge(sha, self.approvals[sha], slot, path, blob).ok
                 for sha, b in self.by_path.get(path, []) if b == blob and self.approvals[sha].tier == "3")
        self._trust[key] = ok
        return ok

    # ---- slots for one path -------------------------------------------------------------------------
    def evaluate(self, path: str, blob: str, slots: list[Slot]) -> dict[str, tuple[list[tuple[str, Person]], list[Verdict]]]:
        """Slot key → (valid (commit, person) list, verdicts of invalid approvals)."""
        out: dict[str, tuple[list[tuple[str, Person]], list[Verdict]]] = {}
        entries = self.by_path.get(path, [])
        for slot in slots:
            valid: list[tuple[str, Person]] = []
            bad: list[Verdict] = []
            want_tier = "3" if slot.tier == "remove" else slot.tier
            for sha, b in entries:
                a = self.approvals[sha]
                if b != blob or a.tier != want_tier:
                    continue
                if slot.tier == "consent" and a.unit != slot.unit:
                    continue
                v = self.judge(sha, a, slot, path, blob)
                if v.ok and v.person is not None:
                    valid.append((sha, v.person))
                else:
                    bad.append(v)
            out[slot.key] = (valid, bad)
        return out

    def stale_note(self, path: str, blob: str, tier: str) -> str:
        old = [sha for sha, b in self.by_path.get(path, []) if b != blob and self.approvals[sha].tier == tier]
        if not old:
            return ""
        return (f"现有审核意见 {old[-1][:10]} 针对的是该稿件的另一版本内容（审核与内容绑定，内容改动后原审核失效），"
                f"须对当前版本重新审核")


def _tier_result(slot: Slot, valid: list[tuple[str, Person]], bad: list[Verdict], stale: str,
                 path: str, failures: list[Failure]) -> TierResult:
    if valid:
        sha, p = valid[0]
        return TierResult(slot.key, "valid", f"{p.name} <{p.email}>", sha)
    reasons = [v.reason for v in bad]
    state = "invalid" if bad else ("stale" if stale else "missing")
    if stale:
        reasons.append(stale)
    if not reasons:
        reasons.append(f"缺少{slot.label}。" + FIX["approve"].format(tier=slot.tier if slot.tier != "remove" else 3))
    articles = [v.article for v in bad] or ["18" if slot.tier == "consent" else "17"]
    for reason, article in itertools.zip_longest(reasons, articles, fillvalue=articles[-1]):
        failures.append(Failure(path, slot.key, f"{slot.label}：{reason.rstrip('。')}。{ART[article]}", article))
    return TierResult(slot.key, state, reasons=reasons)


def _choose_three(gate: Gate, cands: list[list[tuple[str, Person]]],
                  labels: tuple[str, str, str] = ("一审", "二审", "三审")) -> tuple[tuple | None, str]:
    """Pick tier-1..3 approvals (or proof-1..3 with ``labels`` 一校/二校/三校) by three different people, in order
    (一审 → 二审 → 三审). Returns (choice, why not)."""
    distinct_found = False
    limit = 0
    for combo in itertools.product(*cands):
        limit += 1
        if limit > 5000:
            break
        emails = {p.email for _, p in combo}
        if len(emails) < 3:
            continue
        distinct_found = True
        (s1, _), (s2, _), (s3, _) = combo
        if gate.history.is_ancestor(s1, s2) and gate.history.is_ancestor(s2, s3):
            return combo, ""
    if not distinct_found:
        names = {}
        for tier, cl in zip(labels, cands):
            for _, p in cl:
                names.setdefault(p.name, []).append(tier)
        dup = "；".join(f"{n} 同时签署了{'和'.join(t)}" for n, t in names.items() if len(t) > 1)
        what = "三审" if labels[0] == "一审" else "三校"
        return None, f"{what}须由三名不同人员分别签署（{dup or '签署人有重复'}）"
    if labels[0] != "一审":
        return None, "校对顺序不对：二校须在一校之后、三校须在二校之后签署"
    return None, "审核顺序不对：二审须在一审之后、三审（签发）须在二审之后签署（三审不能先于二审）"


def verify(root: Path, rev: str = "HEAD", base: str | None = None, only: set[str] | None = None,
           git_signatures: bool = False, proofs: bool | None = None,
           render_digests: RenderDigests | None = None) -> VerifyReport:
    """See :func:`govsite.review.gate.verify_repository`."""
    root = root.resolve()
    gate = Gate(root, rev, base, only, git_signatures, proofs, render_digests)
    pages = _files_at(gate, "content/")
    unit_files = _files_at(gate, "units/")
    report = VerifyReport(ok=True, rev=gate.head, base=gate.mb, approvals=len(gate.approvals), proofs=gate.proofs)
    wanted = sorted(p for p in pages if p.endswith(".md") and (only is None or p in only))
    texts = cat_batch(root, [pages[p] for p in wanted])
    for path in wanted:
        blob = pages[path]
        obj = texts.get(blob)
        major, co_units = page_flags(path, obj[1] if obj else b"")
        unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
        slots = [Slot(t, unit_id, TIER_ROLES[t], TIER_NAMES[t], t) for t in ("1", "2", "3")]
        if major:
            slots.append(Slot("principal", unit_id, "principal", "主要负责人签发（重大信息）", "principal"))
        for cu in co_units:
            slots.append(Slot("consent", cu, "leader", f"会签单位“{cu}”分管负责人的会签同意", f"consent:{cu}"))
        _judge_page(gate, report, path, blob, slots)
    removed = sorted({ch.path for ch in gate.changes if ch.status == "D" and ch.path.startswith("content/")
                      and ch.path.endswith(".md") and ch.path not in pages and (only is None or ch.path in only)})
    for path in removed:
        unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
        slot = Slot("remove", unit_id, "leader", "删除稿件须经分管负责人批准", "remove")
        valid, bad = gate.evaluate(path, NULL_BLOB, [slot])[slot.key]
        result = PathResult(path, NULL_BLOB, "removed",
                            [_tier_result(slot, valid, bad, "", path, report.failures)])
        report.results[path] = result
        if result.ok:
            report.verified.add(path)
    for path, blob in sorted(unit_files.items()):
        if only is not None and path not in only:
            continue
        ok = gate.trusted(path, blob)
        slot = Slot("3", gate.office_unit(), "leader", "人员名单/栏目目录变更须经县政府办公室分管负责人批准", "3")
        if ok:
            tr = TierResult("3", "valid")
        else:
            valid, bad = gate.evaluate(path, blob, [slot])[slot.key]
            tr = _tier_result(slot, valid, bad, gate.stale_note(path, blob, "3"), path, report.failures)
        report.results[path] = PathResult(path, blob, "units", [tr])
        if tr.state == "valid":
            report.verified.add(path)
    report.ok = not report.failures
    return report


def _judge_page(gate: Gate, report: VerifyReport, path: str, blob: str, slots: list[Slot]) -> None:
    found = gate.evaluate(path, blob, slots)
    results: list[TierResult] = []
    three = [found[k][0] for k in ("1", "2", "3")]
    chosen, why = (_choose_three(gate, three) if all(three) else (None, ""))
    for slot in slots:
        valid, bad = found[slot.key]
        if slot.key in ("1", "2", "3") and all(three) and chosen is None:
            results.append(TierResult(slot.key, "invalid", reasons=[why]))
            continue
        if slot.key == "3" and valid and not three[1]:
            bad = bad + [Verdict(False, reason="三审（签发）之前没有有效的二审，签发无效", article="17")]
            valid = []
        if slot.key == "principal" and valid and chosen:
            valid = [(s, p) for s, p in valid if gate.history.is_ancestor(chosen[2][0], s)] or []
            if not valid:
                bad = bad + [Verdict(False, reason="主要负责人须在三审签发之后签署", article="17")]
        if chosen and slot.key in ("1", "2", "3"):
            valid = [chosen[("1", "2", "3").index(slot.key)]]
        results.append(_tier_result(slot, valid, bad, gate.stale_note(path, blob, slot.tier), path, report.failures))
    if all(three) and chosen is None:
        report.failures.append(Failure(path, "1-3", f"三审：{why}。请由三名不同人员按一审、二审、三审的顺序重新签署。{ART['17']}", "17"))
    result = PathResult(path, blob, "page", results, _proofs(gate, path, blob, report.failures), gate.proofs)
    report.results[path] = result
    if result.ok:
        report.verified.add(path)


def _proofs(gate: Gate, path: str, blob: str, failures: list[Failure]) -> list[TierResult]:
    """Proofreads (一校/二校/三校, Art. 17) of this page: each bound to the current blob (``Review-Blob``) and to
    the current render digest of the preview build (``Review-Render``). Required when ``gate.proofs``;
    otherwise shown for information only (no failures, no build)."""
    required = gate.proofs
    if not required and not any(gate.approvals[s].tier.startswith("proof-") for s, _ in gate.by_path.get(path, [])):
        return []
    unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
    slots = [Slot(t, unit_id, TIER_ROLES[t], TIER_NAMES[t], t) for t in PROOF_TIERS]
    found = gate.evaluate(path, blob, slots)
    out: list[TierResult] = []
    chosen_by_tier: dict[str, list[tuple[str, Person, str]]] = {}
    for slot in slots:
        valid, bad = found[slot.key]
        bad = list(bad)
        if not required:
            if valid:
                sha, p = valid[0]
                renders = [d for pth, d in gate.approvals[sha].renders if pth == path]
                out.append(TierResult(slot.key, "valid", f"{p.name} <{p.email}>", sha,
                                      [f"渲染摘要 {renders[0][:12]}"] if renders else []))
            else:
                out.append(TierResult(slot.key, "invalid" if bad else "missing", reasons=[v.reason for v in bad]))
            continue
        bound: list[tuple[str, Person, str]] = []
        moved: list[tuple[str, Person, str, str]] = []  # (commit, person, signed digest, current digest)
        for sha, p in valid:
            renders = [d for pth, d in gate.approvals[sha].renders if pth == path]
            if not renders:
                bad.append(Verdict(False, p, (f"校对意见 {sha[:10]} 没有 Review-Render（渲染摘要），不能证明校对的是排版后的页面。"
                                              f"请先运行 govsite build --preview 查看页面，再用 govsite approve --tier {slot.tier} 签署"),
                                   "17p"))
                continue
            current, why = gate.render_digest(path)
            if current is None:
                bad.append(Verdict(False, p, f"{why}（校对意见 {sha[:10]}）", "17p"))
            elif current in renders:
                bound.append((sha, p, current))
            else:
                moved.append((sha, p, renders[0], current))
        if bound:
            chosen_by_tier[slot.key] = bound
            out.append(_bound_result(slot.key, bound[0]))
            continue
        reasons: list[str] = []
        if moved:
            sha, p, old, current = moved[-1]
            state = "stale"
            reasons.append(f"{p.name} 的{slot.label}（校对意见 {sha[:10]}）针对的排版页面渲染摘要为 {old[:12]}，"
                           f"当前预览构建的页面为 {current[:12]}：稿件或页面模板在校对之后有改动，须对当前排版页面重新校对"
                           f"（govsite build --preview 查看后 govsite approve --tier {slot.tier}）")
        reasons += [v.reason for v in bad]
        if not moved:
            stale = gate.stale_note(path, blob, slot.tier)
            state = "invalid" if bad else ("stale" if stale else "missing")
            if stale:
                reasons.append(stale)
        if not reasons:
            reasons.append(f"缺少{slot.label}（排版后的页面须经{ROLE_NAMES[slot.role]}校对）。请先运行 govsite build --preview "
                           f"查看页面，再由{ROLE_NAMES[slot.role]}运行 govsite approve --tier {slot.tier} 签署")
        for reason in reasons:
            art = next((v.article for v in bad if v.reason == reason), "17p")
            text = ART["17p"] if art in ("17", "17p") else ART.get(art, ART["17p"])
            failures.append(Failure(path, slot.key, f"{slot.label}：{reason.rstrip('。')}。{text}", art.rstrip("p")))
        out.append(TierResult(slot.key, state, reasons=reasons))
    if required and len(chosen_by_tier) == 3:
        cands = [[(sha, p) for sha, p, _d in chosen_by_tier[t]] for t in PROOF_TIERS]
        combo, why = _choose_three(gate, cands, ("一校", "二校", "三校"))
        if combo is None:
            out = [TierResult(t, "invalid", reasons=[why]) for t in PROOF_TIERS]
            failures.append(Failure(path, "proof-1-3", f"三校：{why}。请由三名不同人员按一校、二校、三校的顺序重新校对。"
                                                       f"{ART['17p']}", "17"))
        else:
            digest = {sha: d for t in PROOF_TIERS for sha, _p, d in chosen_by_tier[t]}
            out = [_bound_result(t, (sha, p, digest[sha])) for t, (sha, p) in zip(PROOF_TIERS, combo)]
    return out


def _bound_result(tier: str, bound: tuple[str, Person, str]) -> TierResult:
    sha, p, digest = bound
    return TierResult(tier, "valid", f"{p.name} <{p.email}>", sha, [f"渲染摘要 {digest[:12]}"])


def _files_at(gate: Gate, prefix: str) -> dict[str, str]:
    return tree_blobs(gate.root, gate.head, prefix)


def page_flags(path: str, raw: bytes) -> tuple[bool, tuple[str, ...]]:
    """``major`` and ``co_units`` of a page version, as the content model reads them (the same fields the
    check and the portal see). A page whose front matter cannot be read counts as major: the principal signs."""
    try:
        text = decode_text(raw).text
    except UnreadableFile:
        return True, ()
    page, _problems = parse_page(path, text, None, lines=False)
    return page.major or page.front_unreadable, page.co_units
