"""The county repository as the desk sees it (工作区): the target branch and its roster, the branches under
review and the gate's verdict on each, previews, and one lock per branch for the git work.

Everything is read from git objects (no checkout): the desk may run over the big-data centre's working clone
while others use it. Results are cached by branch tip, so an inbox is cheap until someone pushes.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from pathlib import Path

from govsite.core.china import CHINA
from govsite.core.errors import GovsiteError
from govsite.core.units import Person, Unit, identity
from govsite.desk.config import DeskConfig
from govsite.git import plumbing
from govsite.review import passkey
from govsite.review.report import VerifyReport
from govsite.review.roster import Roster

T = TypeVar("T")


@dataclass(frozen=True)
class Holder:
    """A passkey in the roster at the target branch, and whose it is."""

    key: str
    unit: Unit
    person: Person


class Workspace:
    def __init__(self, config: DeskConfig) -> None:
        self.config = config
        self.root = config.root
        self._fetched = 0.0
        self._lock = threading.Lock()
        self._branch_locks: dict[str, threading.Lock] = {}
        self._rosters: dict[str, Roster] = {}
        self._status: dict[tuple[str, str, bool, str], VerifyReport] = {}
        self._verdicts = Verdicts(config.state / "verdicts")
        self._judging: dict[tuple[str, str, bool, str], threading.Event] = {}
        self._previews: dict[str, threading.Event] = {}
        self._building = threading.Lock()  # one preview build at a time: MkDocs builds must not overlap
        self.preview_dir = config.state / "previews"
        self._settings: passkey.DeskSettings | None = None
        self._cached: dict[tuple[str, str], object] = {}
        self._trees: dict[str, str] = {}
        self._base_seen: tuple[float, str] = (0.0, "")
        self._by_commit: dict[tuple[str, str], object] = {}

    def remember(self, key: tuple[str, str], make: Callable[[], T]) -> T:
        """``make()`` once per ``key`` that names a commit (what is read at a commit never changes)."""
        if key not in self._by_commit:
            if len(self._by_commit) > 5000:
                self._by_commit.clear()
            self._by_commit[key] = make()
        return self._by_commit[key]  # type: ignore[return-value]

    def remember_all(self, kind: str, wanted: dict[str, str], make: Callable[[dict[str, str]], dict[str, T]]
                     ) -> dict[str, T | None]:
        """Like :meth:`remember` for many object ids at once: ``make`` gets the ones not yet known (id → a
        hint such as its path) in one call, and returns id → value; ids it leaves out are None."""
        missing = {k: v for k, v in wanted.items() if (kind, k) not in self._by_commit}
        if missing:
            made = make(missing)
            if len(self._by_commit) + len(missing) > 5000:
                self._by_commit.clear()
            for k in missing:
                self._by_commit[(kind, k)] = made.get(k)
        return {k: self._by_commit.get((kind, k)) for k in wanted}  # type: ignore[misc]

    def cached(self, name: str, make: Callable[[], T]) -> T:
        """``make()`` once per target-branch tip (the checks read the target's lists and rules)."""
        key = (name, self.base_tip())
        if key not in self._cached:
            self._cached = {k: v for k, v in self._cached.items() if k[0] != name}
            self._cached[key] = make()
        return self._cached[key]  # type: ignore[return-value]

    def checker(self) -> Any:
        """The county's compliance checker (the same engine and rules as ``govsite check``), once per target tip."""
        from govsite.compliance.context import checker_for  # noqa: PLC0415
        from govsite.core.county import County  # noqa: PLC0415

        return self.cached("checker", lambda: checker_for(County(self.root)))

    # ---- the forge --------------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Fetch from the forge when the last fetch is older than ``fetch_every`` seconds; whether it did."""
        if not self.config.remote:
            return False
        with self._lock:
            if not force and time.monotonic() - self._fetched < self.config.fetch_every:
                return False
            self._fetched = time.monotonic()
        plumbing.fetch_all(self.root, self.config.remote)
        self._base_seen = (0.0, "")  # the target may have moved: read it again
        return True

    def base_tip(self) -> str:
        """The target branch's tip; as listed by :meth:`branches` within the last second (one inbox reads it
        for every branch), else read again."""
        from govsite.git.refs import resolve  # noqa: PLC0415

        seen, listed = self._base_seen
        if listed and time.monotonic() - seen < 1.0:
            return listed
        tip = resolve(self.root, self.config.base_ref)
        if tip is None:
            raise GovsiteError(f"工作台所在的仓库中找不到主分支“{self.config.base}”（{self.config.base_ref}）。"
                               "请确认 --base 和 --remote 设置正确，并已从代码托管平台取回。")
        return tip

    def branches(self) -> list[plumbing.Branch]:
        """Branches under review: every branch but the target."""
        listed = plumbing.branches(self.root, self.config.remote)
        for b in listed:
            if b.tree:
                self._trees[b.tip] = b.tree
            if b.name == self.config.base:
                self._base_seen = (time.monotonic(), b.tip)
        return [b for b in listed if b.name != self.config.base]

    def branch(self, name: str) -> plumbing.Branch:
        found = next((b for b in self.branches() if b.name == name), None)
        if found is None:
            raise GovsiteError(f"找不到待审分支“{name}”，它可能已合并或被删除。请回到待办列表刷新。")
        return found

    def branch_lock(self, name: str) -> threading.Lock:
        with self._lock:
            return self._branch_locks.setdefault(name, threading.Lock())

    # ---- people -----------------------------------------------------------------------------------------
    def roster(self) -> Roster:
        """The roster at the target branch as it is now: who may sign in, with which roles."""
        from govsite.review.roster import load_rosters  # noqa: PLC0415

        tip = self.base_tip()
        if tip not in self._rosters:
            self._rosters = {tip: load_rosters(self.root, [tip])[tip]}
        return self._rosters[tip]

    def positions(self, email: str) -> list[tuple[Unit, Person]]:
        me = identity(email)
        return [(u, p) for u in self.roster().units.values() for p in u.people if identity(p.email) == me]

    def holder(self, credential_id: str, today: dt.date | None = None) -> Holder | None:
        """The roster entry that lists the passkey ``credential_id`` (base64url), valid today."""
        today = today or dt.datetime.now(CHINA).date()
        for u in self.roster().units.values():
            for p in u.people:
                if p.left is not None and p.left <= today:
                    continue
                for k in p.keys:
                    key = k.key_type_and_body
                    if (passkey.is_passkey(key) and key.split()[1].split(":", 1)[0] == credential_id
                            and k.valid_from <= today <= k.valid_until):
                        return Holder(key, u, p)
        return None

    def passkeys(self, email: str, today: dt.date | None = None) -> list[str]:
        today = today or dt.datetime.now(CHINA).date()
        return sorted({k.key_type_and_body for _u, p in self.positions(email) for k in p.keys
                       if passkey.is_passkey(k.key_type_and_body) and k.valid_from <= today <= k.valid_until})

    def settings(self) -> passkey.DeskSettings:
        """RP id and origins as the gate will judge them (the first commit's ``review.desk``)."""
        if self._settings is None:
            from govsite.review.trust import root_site_config  # noqa: PLC0415

            self._settings = passkey.DeskSettings.from_config(root_site_config(self.root, self.base_tip()))
        return self._settings

    # ---- the gate on a branch ---------------------------------------------------------------------------
    def status(self, branch: plumbing.Branch) -> VerifyReport:
        """The gate's verdict on the pages ``branch`` changes, cached by branch and target tips (in memory,
        and on disk so that a restarted desk does not judge every branch again)."""
        from govsite.review.status import branch_status  # noqa: PLC0415

        key, digests = self._key(branch)
        with self._lock:
            if key in self._status:
                return self._status[key]
            judging = self._judging.get(key)
            if judging is None:
                self._judging[key] = threading.Event()
        if judging is not None:  # another thread (the background run) is judging this branch: wait for it
            judging.wait(600)
            with self._lock:
                if key in self._status:
                    return self._status[key]
        try:
            report = self._verdicts.get(key)
            if report is None:
                report = branch_status(self.root, self.config.base_ref, branch.tip,
                                       render_digests=(lambda *_a: digests) if digests is not None else None)
                self._verdicts.put(key, report)
            with self._lock:
                if len(self._status) > 2000:
                    self._status.clear()
                self._status[key] = report
            return report
        finally:
            if judging is None:
                with self._lock:
                    self._judging.pop(key).set()

    def _key(self, branch: plumbing.Branch) -> tuple[tuple[str, str, bool, str], dict[str, str] | None]:
        digests = self.digests(branch.tip, wait=False)
        # proofs are judged once the preview is there; the day, since key windows and departures are days
        return (branch.tip, self.base_tip(), digests is not None, now().date().isoformat()), digests

    def known(self, branch: plumbing.Branch) -> VerifyReport | None:
        """The verdict on ``branch`` if it has been judged (in memory or on disk), without judging it."""
        key, _digests = self._key(branch)
        with self._lock:
            if key in self._status:
                return self._status[key]
        report = self._verdicts.get(key)
        if report is not None:
            with self._lock:
                self._status[key] = report
        return report

    def judge_all(self) -> int:
        """Judge every branch under review now (the desk does this in the background after each fetch, so
        that an inbox finds the verdicts ready); the number of branches judged."""
        done = 0
        for b in self.branches():
            self.status(b)
            done += 1
        return done

    # ---- previews: the render the proofs bind -----------------------------------------------------------
    def preview_site(self, tip: str) -> Path:
        """Where the preview of ``tip`` is kept: by tree, since approvals (empty commits) change no page."""
        return self.preview_dir / self.tree(tip) / "site"

    def tree(self, tip: str) -> str:
        if tip not in self._trees:
            self._trees[tip] = plumbing.tree_of(self.root, tip)
        return self._trees[tip]

    def digests(self, tip: str, wait: bool = True, timeout: float = 600.0) -> dict[str, str] | None:
        """Render digests of the preview of ``tip`` (building it once, in the background); None when it is
        not ready and ``wait`` is false."""
        from govsite.portal.digests import read_manifest  # noqa: PLC0415

        site = self.preview_site(tip)
        if (site / "render-digests.json").is_file():
            return read_manifest(site)
        event = self._start_preview(tip)
        if not wait:
            return None
        event.wait(timeout)
        if not (site / "render-digests.json").is_file():
            raise GovsiteError("无法生成这个分支的排版预览（可能是页面模板或单位设置有误）。请联系大数据中心运行 "
                               "govsite build --preview 排查。")
        return read_manifest(site)

    def _start_preview(self, tip: str) -> threading.Event:
        tree = self.tree(tip)
        with self._lock:
            event = self._previews.get(tree)
            if event is not None:
                return event
            event = self._previews[tree] = threading.Event()
        threading.Thread(target=self._build_preview, args=(tip, event), daemon=True, name=f"preview-{tip[:8]}").start()
        return event

    def _build_preview(self, tip: str, event: threading.Event) -> None:
        import logging  # noqa: PLC0415

        from govsite.portal.digests import preview_build  # noqa: PLC0415

        folder = self.preview_site(tip).parent
        scratch = self.preview_dir / f".{folder.name}-{threading.get_ident()}"
        try:
            with self._building:
                if not folder.exists():
                    shutil.rmtree(scratch, ignore_errors=True)
                    scratch.mkdir(parents=True)
                    preview_build(self.root, tip, scratch / "site")
                    scratch.rename(folder)  # whole or not at all: a half-built preview is never shown
        except Exception:  # noqa: BLE001 - a broken branch must not take the desk down; the view says so
            logging.getLogger("govsite.desk").exception("preview of %s failed", tip)
            with self._lock:
                self._previews.pop(folder.name, None)  # the next request tries again
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            event.set()

    def page_html(self, tip: str, path: str) -> str | None:
        """The preview's HTML of the page ``path`` (content/<unit>/<column>/<name>.md), if built."""
        parts = path.split("/")[1:]
        if not parts or not parts[-1].endswith(".md"):
            return None
        stem = "/".join(parts)[:-3]
        site = self.preview_site(tip)
        for candidate in (site / stem / "index.html", site / f"{stem}.html"):
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8", errors="replace")
        return None

    def read(self, rev: str, path: str) -> bytes | None:
        from govsite.git.objects import cat_batch  # noqa: PLC0415

        obj = cat_batch(self.root, [f"{rev}:{path}"]).get(f"{rev}:{path}")
        return obj[1] if obj is not None and obj[0] == "blob" else None

    def forget(self, tip: str) -> None:
        """Drop what is cached of a tip nobody will see again."""
        with self._lock:
            self._status = {k: v for k, v in self._status.items() if k[0] != tip}


class Verdicts:
    """The gate's verdicts kept on disk (核验结果缓存), one JSON file per (branch tip, target tip, proofs
    judged, day), under a folder named after the code that judged them: a new govsite judges afresh.

    Nothing here is evidence: a lost or damaged file is judged again. The folder is the operator's (the
    desk's state), never the branch's."""

    MAX_FILES = 20000

    def __init__(self, folder: Path) -> None:
        self.folder = folder / code_fingerprint()
        self._pruned = ""

    def _file(self, key: tuple[str, str, bool, str]) -> Path:
        tip, base, proofs, day = key
        return self.folder / day / f"{tip}-{base}-{'p' if proofs else 'n'}.json"

    def get(self, key: tuple[str, str, bool, str]) -> VerifyReport | None:
        try:
            return VerifyReport.from_json(self._file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: tuple[str, str, bool, str], report: VerifyReport) -> None:
        path = self._file(key)
        try:
            if self._pruned != key[3]:
                self._prune(key[3])
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_name(f".{path.name}.{threading.get_ident()}")
            scratch.write_text(report.to_json(details=True), encoding="utf-8")
            scratch.replace(path)  # whole or not at all
        except OSError:
            return  # a full disk costs speed, not a verdict

    def _prune(self, today: str) -> None:
        """Drop other days' verdicts and other versions' folders: they are never read again."""
        self._pruned = today
        for old in (p for p in self.folder.glob("*") if p.name != today):
            shutil.rmtree(old, ignore_errors=True)
        for other in (p for p in self.folder.parent.glob("*") if p != self.folder):
            shutil.rmtree(other, ignore_errors=True)
        day = self.folder / today
        if day.is_dir() and sum(1 for _ in day.iterdir()) > self.MAX_FILES:
            shutil.rmtree(day, ignore_errors=True)


def code_fingerprint() -> str:
    """A digest of the code and shipped rules that judge a branch (govsite and checks)."""
    import hashlib  # noqa: PLC0415

    import checks  # noqa: PLC0415
    import govsite  # noqa: PLC0415

    digest = hashlib.sha256()
    for package in (govsite, checks):
        base = Path(str(package.__file__)).parent
        for f in sorted(p for p in base.rglob("*") if p.suffix in (".py", ".yml", ".yaml") and p.is_file()):
            digest.update(f.relative_to(base).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


def now() -> dt.datetime:
    return dt.datetime.now(CHINA).replace(microsecond=0)

