"""Where govsite may write (输出位置): report files, the built site and its internal output, never over the
repository.

A build replaces its output folders as a whole, so an output that is, contains or lies inside the repository's
own folders (content/, units/, .git …) would delete them; a folder that holds something other than an earlier
build is refused too. The internal output (内部输出: the office's scorecard, with staff names) is a folder of its
own that never lies inside the public site nor holds it. Report files need an existing folder and must not
name one.
"""

from __future__ import annotations

from pathlib import Path

from govsite.core.errors import GovsiteError

PROTECTED = ("content", "units", "site_config", ".git", "checks", "govsite", "hooks", "tests", "benchmarks", "docs")
SITE_MARK = "render-digests.json"  # every govsite build writes it: a folder with it holds an earlier build
INTERNAL_MARK = "DO-NOT-PUBLISH.txt"  # every internal output holds it: what the folder is, and that it stays inside
INTERNAL_SUFFIX = "-internal"  # the internal output's default: beside the site, its name + this (site-internal/)


def internal_beside(output: Path) -> Path:
    """The internal output's default place: a sibling of the site's ``output`` (``site`` → ``site-internal``)."""
    return output.parent / (output.name + INTERNAL_SUFFIX)


def site_folder(root: Path, output: Path) -> Path:
    """``output`` resolved, or a :class:`GovsiteError` when a build there would destroy something."""
    return _folder(root, output, SITE_MARK, "-o site")


def internal_folder(root: Path, internal: Path, site: Path) -> Path:
    """The internal output ``internal`` resolved: refused like :func:`site_folder`, and when it is the public
    ``site`` folder, lies inside it (it would be published) or holds it."""
    pub, out = site.resolve(), internal.resolve()
    if out == pub or pub in out.parents or out in pub.parents:
        raise GovsiteError(f"内部输出目录 {internal} 与网站输出目录 {site} 重合或互相包含；内部页面（读网看板，含工作人员姓名）"
                           "不得放进公开网站。请把内部输出放在网站目录之外，例如 --internal-output site-internal。")
    return _folder(root, internal, INTERNAL_MARK, "--internal-output site-internal")


def _folder(root: Path, output: Path, mark: str, hint: str) -> Path:
    root, out = root.resolve(), output.resolve()
    if out == root or out in root.parents:
        raise GovsiteError(f"输出目录 {output} 是仓库本身或包含仓库；构建会整体替换输出目录，仓库（含 .git）会被删除。"
                           f"请指定仓库之外或仓库下 site/ 这样的目录，例如 {hint}。")
    for name in PROTECTED:
        folder = root / name
        if out == folder or folder in out.parents:
            raise GovsiteError(f"输出目录 {output} 在仓库的 {name}/ 中；构建会整体替换输出目录，{name}/ 下的文件会被删除。"
                               f"请换一个目录，例如 {hint}。")
    if out.exists() and not out.is_dir():
        raise GovsiteError(f"输出位置 {output} 是一个文件，不是目录。请换一个目录。")
    if out.is_dir() and any(out.iterdir()) and not (out / mark).is_file():
        raise GovsiteError(f"目录 {output} 中已有不是 govsite 构建出的文件（没有 {mark}），构建会把它们全部替换。"
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
