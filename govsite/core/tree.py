"""What content/ holds (稿件目录): regular files only, pages named ``*.md``.

A symbolic link, a named pipe or a device under content/ could bring a file from outside the repository into
the published site, or block a build forever; a page named ``*.MD`` or ``*.markdown`` would be published by
MkDocs without ever being checked; a name with control characters can forge the lines of an approval. Each is
a finding here, for ``govsite check`` and before any build, and none of them is read or followed.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from checks.findings import Finding, whole_line

MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs renders as a page, in any case


@dataclass
class ContentScan:
    """Pages (``*.md`` regular files), attachments (other regular files) and the entries refused."""

    pages: list[Path] = field(default_factory=list)
    attachments: list[Path] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


def _odd_name(name: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)


def entry_problem(rel: str, mode: int, name: str) -> Finding | None:
    """Why one entry of content/ is refused, or None."""
    if _odd_name(name):
        return whole_line(rel.encode("unicode_escape").decode("ascii"), 1, "schema", "schema.file-name", "error",
                          "文件名中含有换行、制表等控制字符，不能放在 content/ 下（会让审核记录指向别的文件）。请改名。")
    if stat.S_ISLNK(mode):
        return whole_line(rel, 1, "schema", "schema.symlink", "error",
                          "content/ 下不能有符号链接：它可能把仓库之外的文件带进网站，也躲过了审核。"
                          "请把真正的文件放进来，并删除该链接。")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return whole_line(rel, 1, "schema", "schema.special-file", "error",
                          "这不是普通文件（命名管道、设备或套接字），不能放在 content/ 下。请删除它。")
    lower = name.lower()
    if stat.S_ISREG(mode) and lower.endswith(MARKDOWN) and not name.endswith(".md"):
        return whole_line(rel, 1, "schema", "schema.page-name", "error",
                          f"稿件文件名须以小写 .md 结尾，“{name}”不会被检查，却会被发布成网页。请改名为 "
                          f"{name[: name.lower().rfind('.')]}.md。")
    return None


def scan_content(root: Path) -> ContentScan:
    """Walk content/ without following any link; sorted, so runs and reports are stable."""
    scan = ContentScan()
    base = root / "content"
    if not base.is_dir() or base.is_symlink():
        return scan
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            scan.problems.append(whole_line(Path(folder).relative_to(root).as_posix(), 1, "schema", "schema.unreadable",
                                            "error", f"无法读取目录：{exc.strerror or exc}。请检查权限。"))
            continue
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            problem = entry_problem(rel, mode, entry.name)
            if problem is not None:
                scan.problems.append(problem)
            elif stat.S_ISDIR(mode):
                stack.append(path)
            elif entry.name.endswith(".md"):
                scan.pages.append(path)
            else:
                scan.attachments.append(path)
    scan.pages.sort()
    scan.attachments.sort()
    scan.problems.sort(key=lambda f: f.path)
    return scan
