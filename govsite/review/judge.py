"""The judge (审核判定) of one verification run: every approval ever made, the rosters it is judged by, and
whether one approval counts for one required tier of one path.

Terms: a *change* (变更) is what one merge brought to the first-parent history (or one direct commit); its
*base* is the merge base, whose roster (人员名单) judges every approval in the change, so a roster edit in the
same merge request cannot grant a role. The roster files of the first commit are the root of trust; every
later version of ``units/*.yml`` needs the office unit's leader approval. Who may sign what is
:mod:`govsite.review.policy`.
"""

from __future__ import annotations

import datetime as dt
import functools
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govsite.core.units import Person, identity
from govsite.git.history import load_history, path_changes
from govsite.git.objects import NULL_BLOB, Commit, tree_blobs
from govsite.git.refs import REVIEWED, merge_base, require_commit
from govsite.git.repo import open_repo
from govsite.review import passkey, sshsig
from govsite.review.changes import assign_bases
from govsite.review.policy import (REQUIRED_CHECKLIST, RETURN_ROLES, REVOCATIONS, Refusal, author_refusal,
                                   signer_refusal)
from govsite.review.report import RenderDigests
from govsite.review.roster import Roster, load_rosters
from govsite.review.trailers import Approval, parse_message
from govsite.review.trust import office_unit, require_proofs, root_site_config

FIX = {
    "sign": "请配置 SSH 签名密钥（git config gpg.format ssh; git config user.signingkey ~/.ssh/id_ed25519）后用 govsite approve 重新签署。",
    "roster": "请先把人员及其公钥登记到 units/<单位>.yml，经县政府办公室分管负责人批准并合并后，再另开合并请求签署。",
    "approve": "请由具有相应角色的人员运行 govsite approve --tier {tier} 签署。",
}


@dataclass(frozen=True)
class _Minute:
    """A time shown to the minute, formatted only when a message needs it."""

    at: dt.datetime

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"

    def __format__(self, spec: str) -> str:
        return str(self)


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
    CLOCK_SKEW = dt.timedelta(minutes=15)  # a signer's clock may run this far ahead of the server's

    def __init__(self, root: Path, rev: str, base: str | None, only: set[str] | None = None,
                 git_signatures: bool = False, proofs: bool | None = None,
                 render_digests: RenderDigests | None = None, now: dt.datetime | None = None) -> None:
        self.now = now or dt.datetime.now(dt.UTC)
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
        self._pending: list[Future[list[tuple[str, sshsig.SignatureCheck]]]] = []
        if not git_signatures:
            self._start_signatures(only)   # runs in threads while git lists the changes below
        self.changes = path_changes(root, self.head, REVIEWED)
        self.authors = self._content_authors()
        # one root of trust: the first commit of the target branch's first-parent history; a parentless
        # history merged in brings rosters, settings and approvals that count for nothing
        self.trust_root = self.history.first_parent_chain(tip)[-1]
        self.native, self.made_on = self._lineage(tip)
        roots = [self.trust_root]
        self.target_tip = require_commit(root, base) if base is not None else None
        needed = ({self.bases.get(s, self.head) for s in self.approvals} | {self.head, *roots}
                  | {t for t in (self.target_of(s) for s in self.approvals) if t is not None}
                  | {self.bases.get(c, self.head) for cs in self.writing.values() for c in cs})
        self.rosters = load_rosters(self.root, sorted(needed))
        self.trusted_files = {f for r in roots for f in self.rosters[r].files.values()}
        self.trusted_files |= set(tree_blobs(root, self.trust_root, "site_config/").items())  # settings, theme
        self.latest = self.rosters[self.head]
        if git_signatures:
            from govsite.review.gitverify import git_signature_checks  # noqa: PLC0415

            units = {id(u): u for r in self.rosters.values() for u in r.units.values()}.values()
            self._sig.update(git_signature_checks(root, list(self.approvals), units))
        self._trust: dict[tuple[str, str], bool] = {}
        self._unit_versions: dict[str, Any] = {}  # units/ blob → its Unit (for self-grants)
        self._office: str | None = None
        self._config: dict[str, Any] | None = None
        self.proofs = self.require_proofs() if proofs is None else proofs
        self._digests: dict[str, str] | None = None
        self._digest_error = ""
        self._returns: dict[tuple[str, str], list[tuple[str, Person, str]]] | None = None
        self._withdrawn: dict[str, str] = {}
        self._revisers: dict[tuple[str, str], set[str]] = {}
        self._writers: dict[str, str | None] = {}

    def _lineage(self, tip: str) -> tuple[set[str], dict[str, str]]:
        """(the commits that grew from the root of trust, commit → the newest commit of the target branch's
        first-parent history it grew from: the point it was made on, whose time it cannot predate)."""
        mainline = {sha: i for i, sha in enumerate(reversed(self.history.first_parent_chain(tip)))}
        native: set[str] = set()
        made_on: dict[str, str] = {}
        for sha in self.history.order:  # parents before children
            c = self.history.commits[sha]
            if sha == self.trust_root or any(p in native for p in c.parents):
                native.add(sha)
            if sha in mainline:
                made_on[sha] = sha
                continue
            on = [made_on[p] for p in c.parents if p in made_on]
            if on:
                made_on[sha] = max(on, key=lambda m: mainline[m])
        return native, made_on

    def _content_authors(self) -> dict[tuple[str, str], set[str]]:
        """(path, blob) → everyone who changed the path within the change that produced that blob (their
        e-mails in the form :func:`~govsite.core.units.identity` gives).

        Also fills ``content_time``: the latest commit time among the commits producing the blob.
        """
        self.content_time: dict[tuple[str, str], dt.datetime] = {}
        self.writing: dict[tuple[str, str], set[str]] = {}  # (path, blob) → the commits that wrote it, in its change
        self.producers: dict[tuple[str, str], list[str]] = {}  # (path, blob) → the commits that wrote it
        by_path: dict[str, list[tuple[str, str]]] = {}  # path → [(commit, author)]
        producers = self.producers
        self.steps: dict[tuple[str, str], list[tuple[str, str, str]]] = {}  # (path, blob) → (commit, from, author)
        for ch in self.changes:
            c = self.history.commits.get(ch.commit)
            if c is None:
                continue
            key = (ch.path, NULL_BLOB if ch.status == "D" else ch.new)
            self.steps.setdefault(key, []).append((ch.commit, ch.old, identity(c.author_email)))
            by_path.setdefault(ch.path, []).append((ch.commit, identity(c.author_email)))
            producers.setdefault(key, []).append(ch.commit)
            if key not in self.content_time or c.committer_time > self.content_time[key]:
                self.content_time[key] = c.committer_time
        authors: dict[tuple[str, str], set[str]] = {}
        for key, commits in producers.items():
            changes = {self.change_of.get(c) for c in commits}
            authors[key] = {email for c, email in by_path[key[0]] if self.change_of.get(c) in changes}
            self.writing[key] = {c for c, _email in by_path[key[0]] if self.change_of.get(c) in changes}
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

    def untrusted_time(self, sha: str, commit: Commit, path: str, blob: str) -> Refusal | None:
        """Why the approval's place in history or its date cannot be trusted, or None (Art. 19: when, and of
        which version). The signer chooses the date, so it is bounded by commits the signer does not make:
        not before the point of the target branch it was made on, nor the content; not after the merge
        that brought it (or, under review, now). It must also come after the version it names was last
        written: an approval of an earlier incarnation (content changed, then changed back) is spent."""
        short = sha[:10]
        when = _Minute(commit.committer_time)  # formatted only for a refusal
        if sha not in self.native:
            return Refusal(f"审核意见 {short} 来自与本仓库无关的历史（不源自本仓库的首个提交，是合并进来的另一段独立历史），"
                           f"不能作为审核证据。请在本仓库的分支上重新签署", "19")
        on = self.made_on.get(sha)
        if on is not None and on != sha and commit.committer_time < self.history.commits[on].committer_time:
            base = self.history.commits[on].committer_time
            return Refusal(f"审核意见 {short} 的签署时间（{when}）早于它所在分支的起点（目标分支上的提交 {on[:10]}，"
                           f"{base:%Y-%m-%d %H:%M}），签署时间被倒填。请按实际时间重新签署", "19")
        written = self.content_time.get((path, blob))
        if written is not None and commit.committer_time < written:
            return Refusal(f"审核意见 {short} 的签署时间（{when}）早于被审核内容的提交时间"
                           f"（{written:%Y-%m-%d %H:%M}），签署日期不可信。请在内容提交之后重新签署", "19")
        limit, by = self.latest_time(sha)
        if commit.committer_time > limit + self.CLOCK_SKEW:
            return Refusal(f"审核意见 {short} 的签署时间（{when}）晚于{by}（{limit:%Y-%m-%d %H:%M}），"
                           f"签署时间被预填。请按实际时间重新签署", "19")
        producers = self.producers.get((path, blob), [])
        for producer in producers if len(producers) > 1 else []:  # one writing: nothing to revive
            if not self.history.is_ancestor(producer, sha):
                return Refusal(f"审核意见 {short} 签署在这一版内容最近一次写入（提交 {producer[:10]}）之前：内容在审核后被改动又改回"
                               f"（如撤销、还原），原来的审核不再适用。请对现在的内容重新审核", "19")
        return None

    def latest_time(self, sha: str) -> tuple[dt.datetime, str]:
        """The latest date an approval in ``sha``'s change may carry, and what sets it (Chinese)."""
        change = self.change_of.get(sha)
        merge = self.history.commits.get(change) if change and change != sha else None
        if merge is not None:
            return merge.committer_time, f"把它合并进主分支的提交 {merge.id[:10]} 的时间"
        return self.now, "核验的当前时间"

    def target_of(self, commit: str) -> str | None:
        """The target branch as it stood when the change holding ``commit`` was merged (the merge's first
        parent), or as it is now for a merge request under review: roles and keys must hold there too, so a
        withdrawal takes effect at once for every branch not yet merged."""
        change = self.change_of.get(commit)
        if change == "merge-request":
            return self.target_tip
        c = self.history.commits.get(change) if change else None
        return c.parents[0] if c is not None and c.parents else None

    def roster_for(self, commit: str) -> Roster:
        return self.rosters[self.bases.get(commit, self.head)]

    def signature(self, commit: Commit) -> sshsig.SignatureCheck | None:
        if commit.id not in self._sig and self._pending:
            self._collect_signatures()
        if commit.id not in self._sig:
            if commit.signature is None and passkey.has_assertion(commit.message):
                # signed in the desk's browser: the assertion covers the record, not the commit object
                found = passkey.check(commit.message, commit.committer_time, self.desk_settings)
                parent = self.history.commits.get(commit.parents[0]) if commit.parents else None
                unbound = passkey.binding_problem(commit.message, commit.tree, commit.parents,
                                                  parent.tree if parent is not None else None)
                if found.good and unbound:
                    found = sshsig.SignatureCheck(False, key=found.key, problem=unbound, fingerprint=found.fingerprint)
                self._sig[commit.id] = found
            else:
                self._sig[commit.id] = sshsig.check(commit.signature, commit.payload) if commit.signature else None
        return self._sig[commit.id]

    @functools.cached_property
    def desk_settings(self) -> passkey.DeskSettings:
        """RP id and origins of the desk, from the root of trust (a branch cannot name its own desk)."""
        return passkey.DeskSettings.from_config(self.site_config())

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
        refused = self.untrusted_time(sha, commit, path, blob)
        if refused is not None:
            return Verdict(False, reason=refused.reason, article=refused.article)
        sig = self.signature(commit)
        if sig is None:
            return Verdict(False, reason=f"审核意见 {short} 没有签名，不能作为审核证据。{FIX['sign']}", article="19")
        if not sig.good:
            if passkey.is_passkey(sig.key) or passkey.has_assertion(commit.message):
                return Verdict(False, reason=f"审核意见 {short} 的通行密钥签名无效：{sig.problem}。请在审签工作台重新签署",
                               article="19")
            return Verdict(False, reason=f"审核意见 {short} 的签名无效（与提交内容不符或已被篡改）。{FIX['sign']}",
                           article="19")
        roster = self.roster_for(sha)
        day = commit.signing_day
        unit = roster.units.get(slot.unit)
        holders = roster.find_key(sig.key)
        owners = {identity(p.email) for _, p in holders}
        if len(owners) > 1:
            names = "、".join(f"{p.name}（{u.id}）" for u, p in holders)
            return Verdict(False, reason=(f"审核意见 {short} 的签名密钥同时登记给了 {names}：一把密钥只能属于一个人，"
                                          f"无法确定是谁签署的。请改正人员名单并经批准后重新签署"), article="19")
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
                why, article = self.roster_refusal(roster, listed)
                return Verdict(False, reason=(f"审核意见 {short} 的签名密钥在 {listed} 中的登记不被承认：{why}"
                                              f"请修正人员名单并经批准后重新签署"), article=article)
            return Verdict(False, reason=(f"审核意见 {short} 的签名密钥（{sig.key_fingerprint}）不在人员名单中。"
                                          f"{FIX['roster']}"), article="19")
        person = mine[0]
        left = next((p.left for u, p in self.latest.find_key(sig.key) if identity(p.email) == identity(person.email)),
                    None)
        refused = signer_refusal(person, slot.unit, slot.tier, slot.label, day, sig.key, left, f"审核意见 {short}")
        if refused is None:
            refused = self.withdrawn(sha, person, slot, day, sig.key, short)
        if refused is None:
            refused = self.unknown_writer(path, blob, slot, short)
        if refused is None:
            signed_by = {w for c in self.writing.get((path, blob), ()) if (w := self.writer(c))}
            refused = author_refusal(person, slot.tier, slot.label,
                                     (self.authors.get((path, blob), set()) | signed_by) - self.revisers(path, blob),
                                     f"审核意见 {short}")
        if refused is not None:
            return Verdict(False, person, refused.reason, refused.article)
        if path.startswith("units/"):
            granted = self.self_grant(person, roster, path, blob)
            if granted:
                return Verdict(False, person, (f"审核意见 {short}：{person.name} 批准的人员名单变更给了自己新的角色（{granted}）。"
                                               "任何人都不能批准给自己授权的变更，须由县政府办公室另一名分管负责人批准"), "17")
        file = roster.files.get(slot.unit)
        if unit is not None and file is not None and not self.trusted(*file):
            return Verdict(False, person, (f"审核所依据的人员名单 {file[0]}（版本 {file[1][:10]}）未经县政府办公室分管负责人批准，"
                                           f"其中的角色不能作为依据"), "17")
        return Verdict(True, person)

    @staticmethod
    def roster_refusal(roster: Roster, path: str) -> tuple[str, str]:
        """Why a unit file that lists a key gives it no usable entry: its first roster problem, and the article."""
        from govsite.core.units import parse_unit  # noqa: PLC0415

        text = roster.texts.get(path, "")
        problems = [p for p in parse_unit(text, path, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])[1]
                    if p.rule in ("schema.key-window", "schema.email", "schema.key-shared", "schema.duplicate-person")]
        if not problems:
            return "有效期缺失或格式不正确。", "38"
        first = problems[0]
        return f"第 {first.line} 行：{first.message}", "38" if first.rule == "schema.key-window" else "19"

    def self_grant(self, person: Person, roster: Roster, path: str, blob: str) -> str:
        """The roles the version ``blob`` of the unit file ``path`` gives ``person`` that the roster the approval
        is judged by did not (Chinese, '' when none): nobody approves a change that grants themselves a role."""
        from govsite.core.units import ROLE_NAMES, parse_unit  # noqa: PLC0415
        from govsite.git.objects import cat_batch  # noqa: PLC0415

        if blob not in self._unit_versions:
            obj = cat_batch(self.root, [blob]).get(blob)
            unit = None
            if obj is not None and obj[0] == "blob":
                try:
                    unit = parse_unit(obj[1].decode("utf-8-sig"), path, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])[0]
                except (UnicodeDecodeError, ValueError):
                    unit = None
            self._unit_versions[blob] = unit
        new = self._unit_versions[blob]
        if new is None:
            return ""
        me = identity(person.email)
        keys = {k.key_type_and_body for k in person.keys}
        # the roster before the version was written, and the one the approval is judged by: a role the
        # version gives that either lacked is a grant (a fast-forwarded change has its own commit as base)
        before = [self.history.commits[c].parents[0] for c in self.producers.get((path, blob), [])
                  if c in self.history.commits and self.history.commits[c].parents]
        olds = [roster] + [r for r in load_rosters(self.root, sorted(set(before))).values()] if before else [roster]

        def roles(unit: Any) -> set[str]:
            return {r for p in (unit.people if unit else []) if identity(p.email) == me
                    or keys & {k.key_type_and_body for k in p.keys} for r in p.roles}

        had = [roles(self._unit_file(r, path)) for r in olds]
        gained = roles(new) - set[str].intersection(*had)
        return "、".join(ROLE_NAMES.get(r, r) for r in sorted(gained))

    @staticmethod
    def _unit_file(roster: Roster, path: str) -> Any:
        return next((u for uid, u in roster.units.items() if roster.files.get(uid, ("", ""))[0] == path), None)

    def withdrawn(self, sha: str, person: Person, slot: Slot, day: dt.date, key: str, short: str) -> Refusal | None:
        """Why the signer no longer holds the key or the role on the target branch (withdrawn, demoted, gone),
        or None. The target's roster only takes away here, so it needs no approval of its own to count."""
        target = self.target_of(sha)
        if target is None or target == self.bases.get(sha):
            return None
        now = self.rosters[target]
        entry = next((p for u, p in now.find_key(key) if u.id == slot.unit and identity(p.email) == identity(person.email)),
                     None)
        if entry is None:
            return Refusal(f"{person.name} 的这把签名密钥已从单位“{slot.unit}”的人员名单中撤销（目标分支上的现行名单不再登记它），"
                           f"撤销立即生效，撤销前建立的分支也不能再用它签署（审核意见 {short}）。请用现行名单中登记的密钥重新签署",
                           "19")
        refused = signer_refusal(entry, slot.unit, slot.tier, slot.label, day, key, None,
                                 f"审核意见 {short}，按目标分支上的现行人员名单")
        return refused

    # ---- who wrote a version: from signatures, not from the author field -------------------------------
    def writer(self, commit: str) -> str | None:
        """The identity of whoever signed the content commit ``commit`` (by the roster it is judged by), or None
        when it is unsigned, badly signed or signed with a key nobody holds there. The root of trust counts as
        written by nobody (it is the office's record, not a page's author)."""
        if commit not in self._writers:
            c = self.history.commits.get(commit)
            found: str | None = None
            if c is not None and commit != self.trust_root and (c.signature or passkey.has_assertion(c.message)):
                sig = self.signature(c)
                if sig is not None and sig.good:
                    owners = {identity(p.email) for _u, p in self.roster_for(commit).find_key(sig.key)}
                    if not owners and passkey.is_passkey(sig.key):
                        owners = self.enrolled_by(commit, sig.key)
                    found = owners.pop() if len(owners) == 1 else None
            self._writers[commit] = found
        return self._writers[commit]

    def enrolled_by(self, commit: str, key: str) -> set[str]:
        """A passkey enrolment (登记通行密钥) is signed by the new passkey itself: when ``commit`` changes
        nothing but one unit file, and the version it writes lists ``key`` for a person already in that unit's
        roster (the one the commit is judged by), that person wrote it. Nothing else is credited to a key the
        roster does not list yet, and the change still needs the office leader's approval to count."""
        from govsite.core.units import parse_unit  # noqa: PLC0415
        from govsite.git.objects import cat_batch  # noqa: PLC0415

        wrote = [(path, blob) for (path, blob), commits in self.producers.items() if commit in commits]
        if len(wrote) != 1 or not wrote[0][0].startswith("units/") or wrote[0][1] == NULL_BLOB:
            return set()
        path, blob = wrote[0]
        unit_id = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        obj = cat_batch(self.root, [blob]).get(blob)
        try:
            unit = parse_unit(obj[1].decode("utf-8-sig"), path, unit_id)[0] if obj is not None else None
        except (UnicodeDecodeError, ValueError):
            unit = None
        before = self.roster_for(commit).units.get(unit_id)
        if unit is None or before is None:
            return set()
        known = {identity(p.email) for p in before.people}
        return {identity(p.email) for p in unit.people
                if identity(p.email) in known and any(k.key_type_and_body == key for k in p.keys)}

    def unknown_writer(self, path: str, blob: str, slot: Slot, short: str) -> Refusal | None:
        """Art. 17, 19: the reviewers above 一审 must not be the version's authors, and the author field of a
        commit is whatever its maker typed: every commit that wrote the version must be signed by someone
        in the roster, or no reviewer can be told apart from its author."""
        if slot.tier in ("1", "proof-1"):
            return None
        unknown = sorted(c for c in self.writing.get((path, blob), ()) if c != self.trust_root and not self.writer(c))
        if not unknown:
            return None
        return Refusal(f"这一版内容的提交 {'、'.join(c[:10] for c in unknown[:3])} 没有有效签名（或签名密钥不在人员名单中），"
                       f"无法确认是谁写的，{slot.label}不能排除签署人就是作者（审核意见 {short}）。"
                       "合并请求中改动这篇稿件的每个提交都须签名：请作者配置签名（git config commit.gpgsign true，"
                       "密钥同审核签名），从目标分支新建分支，用签名提交重新提交这篇稿件", "19")

    # ---- 二审 may revise (Art. 17 全面审核、修改) ------------------------------------------------------------
    def revision_chain(self, path: str, blob: str, limit: int = 20) -> list[tuple[str, set[str]]]:
        """The versions ``blob`` was revised from, newest first: (earlier blob, everyone who changed the page
        since that version). Follows the newest commit that wrote each version."""
        out: list[tuple[str, set[str]]] = []
        since: set[str] = set()
        seen = {blob}
        current = blob
        for _ in range(limit):
            steps = self.steps.get((path, current))
            if not steps:
                break
            commit, older, who = steps[0]  # git log lists the newest first
            if older in seen or set(older) == {"0"}:
                break
            since.add(self.writer(commit) or who)
            seen.add(older)
            out.append((older, set(since)))
            current = older
        return out

    def revisers(self, path: str, blob: str) -> set[str]:
        """Who revised the page after its 一审 (the newest earlier version with a tier-1 approval) without having
        written that version: reviewers who corrected it, who may still sign their own tier (Art. 17)."""
        key = (path, blob)
        if key not in self._revisers:
            self._revisers[key] = set()
            for older, since in self.revision_chain(path, blob):
                if any(self.approvals[s].tier == "1" for s, b in self.by_path.get(path, []) if b == older):
                    self._revisers[key] = since - self.written_by(path, older)
                    break
        return self._revisers[key]

    def written_by(self, path: str, blob: str, limit: int = 50) -> set[str]:
        """Everyone who wrote a step of the versions leading up to ``blob`` (the newest writer of each)."""
        who: set[str] = set()
        current, seen = blob, set[str]()
        while current not in seen and len(seen) < limit:
            seen.add(current)
            steps = self.steps.get((path, current))
            if not steps:
                break
            _commit, older, author = steps[0]
            who.add(author)
            current = older
        return who

    # ---- 退回 and 撤回: records that take approvals back -----------------------------------------------
    def voided(self, sha: str, path: str, blob: str) -> str:
        """Why an approval that would count no longer does (Chinese), or '': its signer withdrew it (撤回), or
        a reviewer returned the version it approves (退回) after it was made."""
        if self._returns is None:
            self._judge_revocations()
        assert self._returns is not None
        if sha in self._withdrawn:
            return self._withdrawn[sha]
        for ret, person, note in self._returns.get((path, blob), []):
            if not self.history.is_ancestor(ret, sha):
                return (f"这一版内容已被 {person.name} 退回（退回意见 {ret[:10]}：{note or '未写意见'}），退回前的审核意见作废。"
                        "请信息员按退回意见修改后重新提交审核")
        return ""

    def returns_of(self, path: str, blob: str) -> list[tuple[str, Person, str]]:
        """The valid returns (退回) of one version: (commit, who, opinion), oldest first."""
        if self._returns is None:
            self._judge_revocations()
        assert self._returns is not None
        return self._returns.get((path, blob), [])

    def _judge_revocations(self) -> None:
        self._returns = {}
        self._withdrawn = {}
        for sha, a in self.approvals.items():
            if a.tier not in REVOCATIONS:
                continue
            signers = self.revoker(sha)
            if not signers:
                continue  # unsigned, or not by anyone in the roster: takes nothing back
            if a.tier == "return":
                for path, blob in a.blobs:
                    unit = path.split("/")[1] if path.startswith("content/") and path.count("/") >= 3 else ""
                    who = next((p for u, p in signers if u.id == unit and set(p.roles) & set(RETURN_ROLES)), None)
                    if who is not None:
                        self._returns.setdefault((path, blob), []).append((sha, who, a.note))
                continue
            me = identity(signers[0][1].email)
            for target in a.withdraws:
                if target in self.approvals and me in self.signer_identities(target):
                    self._withdrawn[target] = (f"签署人 {signers[0][1].name} 已撤回这条审核意见（撤回记录 {sha[:10]}"
                                               + (f"：{a.note}" if a.note else "") + "）")

    def revoker(self, sha: str) -> list[tuple[Any, Person]]:
        """The roster entries that signed the revocation ``sha`` (one person; key in its window, not departed),
        or [] when it is malformed, unsigned, foreign or not by a registered person."""
        commit = self.history.commits[sha]
        a = self.approvals[sha]
        parent = self.history.commits.get(commit.parents[0]) if len(commit.parents) == 1 else None
        if a.problems or sha not in self.native or parent is None or parent.tree != commit.tree:
            return []
        sig = self.signature(commit)
        if sig is None or not sig.good:
            return []
        holders = self.roster_for(sha).find_key(sig.key)
        if len({identity(p.email) for _u, p in holders}) != 1:
            return []
        day = commit.signing_day
        return [(u, p) for u, p in holders if self._may_sign(p, day, sig.key)]

    @staticmethod
    def _may_sign(person: Person, day: dt.date, key: str) -> bool:
        """Not departed on ``day`` and ``key`` in its window (Art. 37–38); the role is the caller's business."""
        gone = person.left is not None and day > person.left
        return not gone and any(k.key_type_and_body == key and k.valid_from <= day <= k.valid_until
                                for k in person.keys)

    def signer_identities(self, sha: str) -> set[str]:
        """Who signed the approval ``sha``, by the roster it is judged by (identities; empty when unsigned)."""
        sig = self.signature(self.history.commits[sha])
        if sig is None or not sig.good:
            return set()
        return {identity(p.email) for _u, p in self.roster_for(sha).find_key(sig.key)}

    # ---- roster trust ---------------------------------------------------------------------------------
    def site_config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = root_site_config(self.root, self.head, self.trust_root)
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

    def named_attachments(self, path: str, blob: str, linked: list[str]) -> dict[str, str]:
        """For an earlier version of a page: the version of each attachment it links that the newest approval
        of that version named (attachments no approval named are left out: that version cannot be shown)."""
        out: dict[str, str] = {}
        for sha, b in reversed(self.by_path.get(path, [])):
            if b != blob:
                continue
            for a, v in self.approvals[sha].blobs:
                if a in linked and a not in out:
                    out[a] = v
        missing = [a for a in linked if a not in out]
        return out if not missing else {**out, **{a: NULL_BLOB for a in missing}}

    def held_digests(self, versions: dict[str, bytes]) -> tuple[dict[str, str], str]:
        """Render digests of the revision with some pages replaced by earlier versions (path → bytes), as the
        published build would show them; (digests, why none)."""
        try:
            if self.render_digests is None:
                raise LookupError("本次核验没有提供排版预览")
            return self.render_digests(self.root, self.head, versions), ""
        except Exception as exc:  # noqa: BLE001 - without the build no earlier version can be shown
            return {}, f"无法构建预览以计算早先版本的渲染摘要（{str(exc).strip() or type(exc).__name__}）"

    def trusted(self, path: str, blob: str) -> bool:
        """A units/ or site_config/ file version counts when it is in the first commit or approved by the
        office's leader."""
        key = (path, blob)
        if key in self.trusted_files:
            return True
        if key in self._trust:
            return self._trust[key]
        self._trust[key] = False  # cycle guard
        slot = Slot("3", self.office_unit(), "leader", "人员名单变更审批", "3")
        ok = any(self.judge(sha, self.approvals[sha], slot, path, blob).ok and not self.voided(sha, path, blob)
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
                why = self.voided(sha, path, blob) if v.ok else ""
                if why:
                    v = Verdict(False, v.person, why, "17")
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
