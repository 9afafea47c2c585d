"""The crash handler (内部错误): an unexpected exception becomes one Chinese line, a crash log and exit status 3.

Exit status 3 is kept for govsite's own faults, so CI and pre-commit can tell them from error-level findings
(1) and from usage or input problems (2).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

EXIT_INTERNAL = 3


def crash_dir() -> Path:
    from checks.cachedir import user_cache_dir  # noqa: PLC0415

    return user_cache_dir() / "crash"


def write_crash_log(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Write versions, the command and the traceback to a new file under the cache root; its path (None if
    nothing could be written)."""
    from govsite import __version__  # noqa: PLC0415

    now = dt.datetime.now(dt.UTC)
    lines = [
        f"govsite {__version__} 内部错误 {now.isoformat(timespec='seconds')}",
        f"python {sys.version.split()[0]} ({platform.platform()})",
        f"command: govsite {' '.join(argv)}",
        f"cwd: {os.getcwd()}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ]
    for name in ("mkdocs", "markdown", "jieba", "GitPython", "PyYAML", "pycorrector", "kenlm"):
        try:
            from importlib.metadata import version  # noqa: PLC0415

            lines.insert(2, f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - a missing package is no reason to lose the log
            continue
    folder = crash_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path
    except OSError:
        return None


def report(exc: BaseException, argv: Sequence[str]) -> int:
    """Tell the user in one line where the crash log is; the exit status for an internal error."""
    path = write_crash_log(exc, argv)
    where = f"详细信息已写入 {path}" if path else "未能写入崩溃日志"
    print(f"govsite：内部错误（{type(exc).__name__}），这不是您的操作问题。{where}，请把该文件发给县大数据管理中心。",
          file=sys.stderr)
    return EXIT_INTERNAL
