"""What the desk keeps between requests (工作台状态): sessions, enrolment invitations, pending signatures,
sign-in attempts, and the action log. One SQLite file in the desk's state folder; nothing here is evidence
(approvals live in git only), so losing it signs people out and loses no approval."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SESSION_TTL = dt.timedelta(hours=8)  # a working day; then sign in again
CHALLENGE_TTL = dt.timedelta(minutes=5)  # a pending signature must be touched within this
INVITE_TTL = dt.timedelta(days=3)
ATTEMPT_WINDOW = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10  # failed sign-ins per address and window

_SCHEMA = """
create table if not exists sessions (id text primary key, email text not null, csrf text not null,
    created text not null, seen text not null);
create table if not exists invites (token text primary key, unit text not null, email text not null,
    created text not null, expires text not null, used text);
create table if not exists pending (id text primary key, email text not null, kind text not null,
    data text not null, created text not null);
create table if not exists attempts (client text not null, at text not null);
create table if not exists drafts (id text primary key, email text not null, data text not null,
    updated text not null);
create table if not exists draft_files (draft text not null, path text not null, data blob not null,
    primary key (draft, path));
create table if not exists submissions (email text not null, path text not null, branch text not null,
  at text not null);
create table if not exists counters (credential text primary key, count integer not null);
"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Session:
    id: str
    email: str
    csrf: str


@dataclass(frozen=True)
class Invite:
    token: str
    unit: str
    email: str
    expires: dt.datetime
    used: bool


class Store:
    """The desk's state in ``folder`` (created when missing)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.log_path = folder / "actions.jsonl"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(folder / "desk.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.executescript(_SCHEMA)

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # ---- sessions ----------------------------------------------------------------------------------------
    def open_session(self, email: str) -> Session:
        s = Session(secrets.token_urlsafe(32), email, secrets.token_urlsafe(32))
        now = _now().isoformat()
        self._run("insert into sessions values (?, ?, ?, ?, ?)", s.id, email, s.csrf, now, now)
        return s

    def session(self, sid: str) -> Session | None:
        rows = self._run("select id, email, csrf, created from sessions where id = ?", sid)
        if not rows:
            return None
        created = dt.datetime.fromisoformat(rows[0][3])
        if _now() - created > SESSION_TTL:
            self.close_session(sid)
            return None
        return Session(rows[0][0], rows[0][1], rows[0][2])

    def close_session(self, sid: str) -> None:
        self._run("delete from sessions where id = ?", sid)

    # ---- invitations to enrol a passkey -----------------------------------------------------------------
    def invite(self, unit: str, email: str) -> Invite:
        token = secrets.token_urlsafe(24)
        now = _now()
        self._run("insert into invites values (?, ?, ?, ?, ?, null)", token, unit, email, now.isoformat(),
                  (now + INVITE_TTL).isoformat())
        return Invite(token, unit, email, now + INVITE_TTL, False)

    def invitation(self, token: str) -> Invite | None:
        rows = self._run("select token, unit, email, expires, used from invites where token = ?", token)
        if not rows:
            return None
        t, unit, email, expires, used = rows[0]
        return Invite(t, unit, email, dt.datetime.fromisoformat(expires), used is not None)

    def use_invitation(self, token: str) -> None:
        self._run("update invites set used = ? where token = ?", _now().isoformat(), token)

    # ---- pending signatures and ceremonies (what the browser is asked to sign) ---------------------------
    def put_pending(self, email: str, kind: str, data: dict[str, Any]) -> str:
        pid = secrets.token_urlsafe(16)
        self._run("insert into pending values (?, ?, ?, ?, ?)", pid, email, kind, json.dumps(data, ensure_ascii=False),
                  _now().isoformat())
        return pid

    def take_pending(self, pid: str, email: str, kind: str) -> dict[str, Any] | None:
        """The pending item once (it is removed), if it is this person's, of this kind and not expired."""
        rows = self._run("select email, kind, data, created from pending where id = ?", pid)
        self._run("delete from pending where id = ?", pid)
        if not rows or rows[0][0] != email or rows[0][1] != kind:
            return None
        if _now() - dt.datetime.fromisoformat(rows[0][3]) > CHALLENGE_TTL:
            return None
        data: dict[str, Any] = json.loads(rows[0][2])
        return data

    # ---- drafts (稿件草稿): kept as the editor types, so a closed browser loses nothing ----------------------
    def save_draft(self, email: str, data: dict[str, Any], draft_id: str = "") -> str:
        """Save ``data`` as the draft ``draft_id`` of ``email`` (a new one when empty or not theirs)."""
        mine = draft_id and self._run("select 1 from drafts where id = ? and email = ?", draft_id, email)
        did = draft_id if mine else secrets.token_urlsafe(12)
        self._run("insert into drafts values (?, ?, ?, ?) on conflict(id) do update set data = excluded.data, "
                  "updated = excluded.updated", did, email, json.dumps(data, ensure_ascii=False), _now().isoformat())
        return did

    def draft(self, email: str, draft_id: str) -> dict[str, Any] | None:
        rows = self._run("select data from drafts where id = ? and email = ?", draft_id, email)
        return json.loads(rows[0][0]) if rows else None

    def drafts(self, email: str) -> list[tuple[str, dict[str, Any], str]]:
        """(id, data, updated) of every draft of ``email``, newest first."""
        rows = self._run("select id, data, updated from drafts where email = ? order by updated desc", email)
        return [(r[0], json.loads(r[1]), r[2]) for r in rows]

    def drop_draft(self, email: str, draft_id: str) -> None:
        if self._run("select 1 from drafts where id = ? and email = ?", draft_id, email):
            self._run("delete from draft_files where draft = ?", draft_id)
        self._run("delete from drafts where id = ? and email = ?", draft_id, email)

    def add_file(self, email: str, draft_id: str, path: str, data: bytes) -> None:
        """Keep an uploaded file (a resized photo, an attachment) with the draft until it is submitted."""
        if not self._run("select 1 from drafts where id = ? and email = ?", draft_id, email):
            from govsite.core.errors import GovsiteError  # noqa: PLC0415

            raise GovsiteError("请先保存草稿，再上传文件。")
        self._run("insert into draft_files values (?, ?, ?) on conflict(draft, path) do update set data = excluded.data",
                  draft_id, path, data)

    def files(self, email: str, draft_id: str) -> dict[str, bytes]:
        rows = self._run("select f.path, f.data from draft_files f join drafts d on d.id = f.draft "
                         "where f.draft = ? and d.email = ?", draft_id, email)
        return {r[0]: bytes(r[1]) for r in rows}

    # ---- signature counters: a copied passkey shows a counter that does not go up --------------------------
    # ---- pages submitted in the desk (我提交的稿件), to say when each was published ----------------------------
    def add_submission(self, email: str, path: str, branch: str) -> None:
        self._run("insert into submissions values (?, ?, ?, ?)", email.lower(), path, branch, _now().isoformat())

    def submissions(self, email: str, limit: int = 50) -> list[tuple[str, str, str]]:
        """(path, branch, when) of the person's submissions, newest first."""
        return [(p, b, a) for p, b, a in self._run(
            "select path, branch, at from submissions where email = ? order by at desc limit ?", email.lower(), limit)]

    def advance_counter(self, credential: str, count: int) -> bool:
        """Record the signature counter ``count`` of ``credential``; False when it does not go up from the last
        one seen (WebAuthn §6.1.1: a sign of a cloned authenticator). Authenticators that always report 0 (many
        synced passkeys do) are not counted."""
        with self._lock:
            rows = self._db.execute("select count from counters where credential = ?", (credential,)).fetchall()
            last = int(rows[0][0]) if rows else 0
            if count == 0 and last == 0:
                return True
            if count <= last:
                return False
            self._db.execute("insert into counters values (?, ?) on conflict(credential) do update set count = ?",
                             (credential, count, count))
            return True

    # ---- rate limit -------------------------------------------------------------------------------------
    def too_many_attempts(self, client: str) -> bool:
        since = (_now() - ATTEMPT_WINDOW).isoformat()
        self._run("delete from attempts where at < ?", since)
        count = int(self._run("select count(*) from attempts where client = ?", client)[0][0])
        return count >= MAX_ATTEMPTS

    def failed_attempt(self, client: str) -> None:
        self._run("insert into attempts values (?, ?)", client, _now().isoformat())

    # ---- the action log (操作日志) -------------------------------------------------------------------------
    def log(self, who: str, action: str, **details: Any) -> None:
        entry = {"at": _now().isoformat(timespec="seconds"), "who": who, "action": action, **details}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock, self.log_path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())  # the log is the desk's record of who did what: on disk before the answer

    def close(self) -> None:
        with self._lock:
            self._db.close()
