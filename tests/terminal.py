"""Run a program on a pseudo-terminal of its own, the way an editor runs ``git commit`` in a terminal window."""

from __future__ import annotations

import os
import pty
import select
import signal
import time
from dataclasses import dataclass


@dataclass
class Screen:
    """What reached the terminal: the bytes, each read with the seconds since the start when it arrived."""

    returncode: int
    chunks: list[tuple[float, bytes]]

    @property
    def text(self) -> str:
        return b"".join(data for _t, data in self.chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")

    def when(self, needle: str) -> float | None:
        """The seconds after the start at which ``needle`` was first on the screen, or None if it never was."""
        wanted = needle.encode("utf-8")
        seen = b""
        for t, data in self.chunks:
            seen += data
            if wanted in seen.replace(b"\r\n", b"\n"):
                return t
        return None


def run_on_a_terminal(argv: list[str], env: dict[str, str], stderr_fd: int | None = None,
                      cwd: str | None = None, timeout: float = 300.0) -> Screen:
    """Run ``argv`` with a new pseudo-terminal as its controlling terminal: its stdin, stdout and, unless
    ``stderr_fd`` is given, its stderr."""
    start = time.monotonic()
    pid, master = pty.fork()  # the child leads a new session whose controlling terminal is the new one
    if pid == 0:  # pragma: no cover - the child
        try:
            if stderr_fd is not None:
                os.dup2(stderr_fd, 2)
            if cwd is not None:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    chunks: list[tuple[float, bytes]] = []
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every other end of the terminal is closed
                break
            if not data:
                break
            chunks.append((time.monotonic() - start, data))
    finally:
        os.close(master)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        if time.monotonic() - start >= timeout:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return Screen(os.waitstatus_to_exitcode(status), chunks)
