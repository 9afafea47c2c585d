"""Where govsite may write (输出位置): report files and the built site, never over the repository.

A build replaces its output folder as a whole, so an output that is, contains or lies inside the repository's
own folders (content/, units/, .git …) would delete them; a folder that holds something other than an earlier
build is refused too. Report files need an existing folder and must not name one.
"""

from __future__ import annotations

from pathlib import Path

from govsite.core.errors import GovsiteError

PROTECTED = ("content", "units", "site_config", ".git", "checks", "govsite", "hooks", "tests", "benchmarks", "docs")
SITE_MARK = "render-digests.json"  # every govsite build writes it: a folder with it holds an earlier build


def site_folder(root: Path, output: Path) -> Path:
    """``output`` resolved, or a :class:`GovsiteError` when a build there would destroy something."""
    root, out = root.resolve(), output.resolve()
    if out == root or out in root.parents:
        raise GovsiteError(f"输出目录 {output} 是仓库本身或包含仓库；构建会整体替换输出目录，仓库（含 .git）会被删除。"
                           "请指定仓库之外或仓库下 site/ 这样的目录，例如 -o site。")
    for name in PROTECTED:
        folder = root / name
        if out == folder or folder in out.parents:
            raise GovsiteError(f"输出目录 {output} 在仓库的 {name}/ 中；构建会整体替换输出目录，{name}/ 下的文件会被删除。"
                               "请换一个目录，例如 -o site。")
    if out.exists() and not out.is_dir():
        raise GovsiteError(f"输出位置 {output} 是一个文件，不是目录。请换一个目录。")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARK).is_file():
        raise GovsiteError(f"目录 {output} 中已有不是 govsite 构建出的文件（没有 {SITE_MARK}），构建会把它们全部替换。"
                           "为免误删，请换一个空目录，或先自行清空该目录。")
    return out


def report_file(path: Path) -> Path:
    """A report's file: its folder must exist and it must not be a folder itself."""
    if path.is_dir():
        raise GovsiteError(f"{path} 是一个目录，不能作为报告文件。请给出文件名，例如 {path / 'report.json'}。")
    if not path.parent.exists():
        raise GovsiteError(f"报告文件 {path} 所在的目录 {path.parent} 不存在。请先创建该目录，或换一个位置。")
    return path


def write_report(path: Path, text: str) -> None:
    """Write a report (UTF-8), with a Chinese message instead of a traceback when the system refuses."""
    report_file(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GovsiteError(f"无法写入 {path}：{exc.strerror or exc}。请检查该位置是否有写权限。") from None
