"""Parallel page rendering inside MkDocs' own build (``govsite build`` on a multi-core machine).

MkDocs converts and renders pages on one core. After the navigation is built (``on_nav``), the hooks
fork the build into ``n`` processes; every process continues the *same* MkDocs build, but each page is
built by exactly one of them: in every process the pages (and static files) another process owns are
marked excluded (``InclusionLevel.EXCLUDED``), which MkDocs' populate, copy and write loops skip, while
links to them still resolve as usual. Ownership is decided before the fork from the catalogue (whole
search shards, so each process indexes its own shards) and does not change the output: every page is
rendered from the same state whichever process renders it, so a build with one process and a build with
several are byte-identical (tested).

Worker processes report back to the first process (the one ``govsite build`` runs in) through a pipe: a
``("pages", data)`` message when their pages are written, ``("done", None)`` when their search shards are
indexed, ``("error", text)`` on failure; then they leave with ``os._exit`` (never returning into MkDocs
or the caller). The first process does everything that needs the whole site (feeds, sitemap, manifest,
dashboard, removing the scratch index folder) after the workers' ``pages`` messages.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe
from typing import Any

MAX_WORKERS = 4


def default_workers() -> int:
    """Processes for page rendering: one per CPU this process may use, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus))


_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    import ctypes  # noqa: PLC0415

    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not Linux
        return None


def die_with_parent(parent: int) -> Callable[[], None]:
    """What a child of ``parent`` runs first (after fork, before exec): the kernel sends it SIGTERM when
    ``parent`` dies, so a killed build leaves no render worker or Pagefind behind. Safe to run between fork
    and exec (``preexec_fn``): libc is looked up here, in the parent."""
    prctl = _prctl()

    def arm() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return arm


class WorkerFailed(Exception):
    """A worker process failed; the message is in Chinese and says which and why."""


@dataclass
class Child:
    index: int
    pid: int
    conn: Connection
    pages: Any = None       # payload of the "pages" message
    done: bool = False
    reaped: bool = False


@dataclass
class Team:
    """The processes of one build, as seen from one of them."""

    index: int = 0                                      # 0: the first process
    children: list[Child] = field(default_factory=list)  # first process only
    parent: Connection | None = None                     # workers only

    @property
    def is_worker(self) -> bool:
        return self.index > 0

    # ---------------------------------------------------------------- worker side

    def send(self, kind: str, payload: Any = None) -> None:
        assert self.parent is not None
        self.parent.send((kind, payload))

    def exit(self, code: int = 0) -> None:
        """Leave the worker process at once (no return into MkDocs, no atexit handlers of the parent)."""
        try:
            if self.parent is not None:
                self.parent.close()
        finally:
            os._exit(code)

    def fail(self, exc: BaseException) -> None:
        """Report ``exc`` to the first process and leave."""
        try:
            text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.send("error", text)
        except OSError:
            pass
        self.exit(1)

    # ---------------------------------------------------------------- first-process side

    def _recv(self, child: Child) -> tuple[str, Any]:
        try:
            return child.conn.recv()
        except (EOFError, OSError):
            return ("error", "进程意外退出")

    def _wait_for(self, child: Child, kind: str) -> Any:
        while True:
            got, payload = self._recv(child)
            if got == "error":
                raise WorkerFailed(f"并行渲染的第 {child.index + 1} 个进程失败：{payload}")
            if got == "pages":
                child.pages = payload
            elif got == "done":
                child.done = True
            if got == kind:
                return payload

    def gather_pages(self) -> list[Any]:
        """Wait until every worker has written its pages; their ``pages`` payloads in worker order."""
        out = []
        for c in self.children:
            out.append(c.pages if c.pages is not None else self._wait_for(c, "pages"))
        return out

    def join(self) -> None:
        """Wait for every worker to finish (its search shards included) and reap it."""
        for c in self.children:
            if not c.done:
                self._wait_for(c, "done")
            self._reap(c)

    def _reap(self, c: Child) -> None:
        if not c.reaped:
            _, status = os.waitpid(c.pid, 0)
            c.reaped = True
            c.conn.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise WorkerFailed(f"并行渲染的第 {c.index + 1} 个进程异常退出（状态 {os.waitstatus_to_exitcode(status)}）")

    def abort(self) -> None:
        """Stop every worker (the build failed elsewhere)."""
        for c in self.children:
            if not c.reaped:
                try:
                    os.kill(c.pid, signal.SIGTERM)
                    os.waitpid(c.pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
                c.reaped = True
                c.conn.close()


def fork_team(n: int, on_term: Callable[[], None]) -> Team:
    """Fork ``n - 1`` workers; returns this process's view of the team. ``on_term`` runs in a worker that is
    told to stop (SIGTERM) before it leaves."""
    team = Team()
    arm = die_with_parent(os.getpid())
    for k in range(1, n):
        read, write = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the worker
            arm()
            read.close()
            for c in team.children:
                c.conn.close()
            worker = Team(index=k, parent=write)

            def stop(signum: int, frame: Any) -> None:  # noqa: ARG001
                try:
                    on_term()
                finally:
                    os._exit(1)

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            return worker
        write.close()
        team.children.append(Child(k, pid, read))
    return team


@dataclass
class Forked:
    """A function run in a forked process (the publish gate while MkDocs reads the site; the dashboard of a
    build without the runner's staged process)."""

    pid: int
    conn: Connection
    what: str
    joined: bool = False

    def join(self) -> Any:
        """Wait; the function's return value, or WorkerFailed (naming ``what`` in Chinese) if it failed."""
        self.joined = True
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            kind, payload = "error", "进程意外退出"
        _, status = os.waitpid(self.pid, 0)
        self.conn.close()
        if kind == "error" or os.waitstatus_to_exitcode(status) != 0:
            raise WorkerFailed(f"{self.what}失败：{payload}")
        return payload


def run_forked(what: str, fn: Callable[..., Any], *args: Any) -> Forked:
    """Run ``fn(*args)`` in a forked process; ``join()`` waits and returns its (picklable) result."""
    read, write = Pipe(duplex=False)
    arm = die_with_parent(os.getpid())
    pid = os.fork()
    if pid == 0:
        arm()
        read.close()
        _answer_and_leave(write, lambda: fn(*args))
    write.close()
    return Forked(pid, read, what)


def _answer_and_leave(write: Connection, body: Callable[[], Any]) -> None:
    """In a forked child: send ``("ok", body())`` or ``("error", text)`` to the parent, then leave."""
    code = 0
    try:
        write.send(("ok", body()))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        code = 1
        try:
            write.send(("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()))
        except OSError:
            pass
    finally:
        os._exit(code)


@dataclass
class Staged(Forked):
    """A forked process in two stages: it prepares at once and finishes when :meth:`go` hands it the rest
    (the dashboard: the repository audit while MkDocs starts, the link check once the site is written)."""

    go_conn: Connection | None = None

    def go(self, *args: Any) -> None:
        """Start the second stage with ``args`` (pickled through a pipe)."""
        assert self.go_conn is not None
        try:
            self.go_conn.send(args)
        finally:
            self.go_conn.close()
            self.go_conn = None

    def abort(self) -> None:
        """Stop the process (the build failed before the second stage) and reap it."""
        if self.joined:
            return
        self.joined = True
        if self.go_conn is not None:
            self.go_conn.close()
            self.go_conn = None
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.conn.close()


def run_staged(what: str, prepare: Callable[..., Any], finish: Callable[..., Any], *args: Any) -> Staged:
    """Fork a process that runs ``state = prepare(*args)`` now and ``finish(state, *more)`` once the parent
    calls ``go(*more)``; ``join()`` returns what ``finish`` returned. Without a ``go`` it leaves quietly."""
    read, write = Pipe(duplex=False)
    go_read, go_write = Pipe(duplex=False)
    arm = die_with_parent(os.getpid())
    pid = os.fork()
    if pid == 0:
        arm()
        read.close()
        go_write.close()

        def stages() -> Any:
            state = prepare(*args)
            try:
                more = go_read.recv()
            except (EOFError, OSError):  # the build stopped before its site was written
                os._exit(0)
            return finish(state, *more)

        _answer_and_leave(write, stages)
    write.close()
    go_read.close()
    return Staged(pid, read, what, go_conn=go_write)
