"""``govsite check``: compliance checks over pages (all content by default, given paths, or --changed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("text", "json", "sarif", "codequality")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="要检查的稿件或目录（默认：content/ 下全部稿件）")
    parser.add_argument("--changed", action="store_true", help="只检查相对基准分支有改动的稿件（合并请求用）")
    parser.add_argument("--base", help="--changed 的比较基准（默认：CI_MERGE_REQUEST_DIFF_BASE_SHA、origin/main 或 main）")
    parser.add_argument("--format", choices=FORMATS, default="text", help="输出格式（默认 text）")
    parser.add_argument("--output", "-o", help="把报告写入文件（同时在终端显示文字摘要）")
    parser.add_argument("--fix", action="store_true", help="自动修正格式类问题（标点、文号括号等），并应用 --accept 指定规则的建议")
    parser.add_argument("--accept", action="append", default=[], metavar="规则ID",
                        help="与 --fix 一起使用：也应用该规则（或类别，如 typo）的修改建议，可重复")
    parser.add_argument("--no-cache", action="store_true", help="不使用检查结果缓存")
    parser.add_argument("--show-suppressed", action="store_true", help="文字输出中也显示已豁免的问题")
    parser.add_argument("--jobs", type=int, default=None, help="并行进程数（默认按文件数和 CPU 自动选择）")


def _select(project, args: argparse.Namespace) -> tuple[list[Path], list]:
    """The pages to check, and the findings about what content/ may not hold among the chosen entries
    (symbolic links, special files, pages not named ``*.md``: govsite.core.tree)."""
    import os  # noqa: PLC0415

    from govsite.core.errors import GovsiteError
    from govsite.core.tree import entry_problem

    if not args.paths and not args.changed:
        return project.content_files() + _attachments(project, project.content_scan.attachments), project.content_problems()
    raw_of: dict[Path, str] = {}  # a path as the user wrote it
    if args.changed:
        from govsite.git.refs import changed_files, default_base

        base = args.base or default_base(project.root)
        chosen = [p for p in changed_files(project.root, base, follow=False) if project.rel(p).startswith("content/")]
    else:
        chosen = []
        for raw in args.paths:
            p = Path(raw) if Path(raw).is_absolute() else Path.cwd() / raw
            if not os.path.lexists(p):
                raise GovsiteError(f"路径不存在：{raw}。请检查拼写，或不带参数检查全部稿件。")
            chosen.append(p)
            raw_of[p] = raw
    pages: list[Path] = []
    problems = []
    scan = project.content_scan
    for p in chosen:
        rel = project.rel(p)
        st = os.lstat(p)
        problem = entry_problem(rel, st.st_mode, p.name) if rel.startswith("content/") else None
        if problem is not None:
            problems.append(problem)
        elif p.is_dir() and not p.is_symlink():
            inside = rel.rstrip("/") + "/"
            found = [q for q in scan.pages + _attachments(project, scan.attachments) if project.rel(q).startswith(inside)]
            held = [f for f in scan.problems if f.path.startswith(inside)]
            if not found and not held:
                raise GovsiteError(f"{raw_of.get(p, rel)} 是一个文件夹，其中没有稿件（.md 文件）。请指定稿件文件，"
                                   "或 content/ 下含有稿件的文件夹。")
            pages += found
            problems += held
        elif p.is_file():
            pages.append(p)
    return pages, problems


def _attachments(project, paths: list[Path]) -> list[Path]:
    """The files under content/ other than pages whose text or metadata the checks read (checks.attachments)."""
    from checks.attachments import is_attachment

    return [p for p in paths if is_attachment(project.rel(p))]


FIX_ROUNDS = 5  # one fix can make another rule apply (文号 brackets, then its punctuation): repeat until none


def _fix(project, pages: list[Path], args: argparse.Namespace, checker, result):
    """Apply the safe fixes (and the accepted ones) until no fixable finding is left; the last check's result."""
    from checks.rules import safe_to_fix
    from govsite.compliance.fixes import apply_fixes
    from govsite.compliance.run import check_paths

    accepted = set(args.accept)
    total: dict[str, int] = {}
    for _ in range(FIX_ROUNDS):
        fixable = [f for f in result.findings if f.suggestion is not None and (
            (f.rule in checker.ruleset.rules and safe_to_fix(checker.ruleset.rules[f.rule]))
            or f.rule in accepted or f.category in accepted)]
        done = apply_fixes(project.root, fixable)
        if not done:
            break
        for path, n in done.items():
            total[path] = total.get(path, 0) + n
        result = check_paths(project, pages, use_cache=not args.no_cache, jobs=args.jobs, checker=checker)
    if total:
        print(f"已自动修正 {sum(total.values())} 处，涉及 {len(total)} 个文件：" + "、".join(sorted(total)), file=sys.stderr)
    return result


def run(args: argparse.Namespace) -> int:
    from checks.report import formatter
    from govsite.cli import open_project
    from govsite.compliance.context import checker_for
    from govsite.compliance.run import check_paths

    if args.output:
        from govsite.core.outputs import report_file

        report_file(Path(args.output))  # before the work, not after it
    project = open_project(args)
    paths, refused = _select(project, args)
    # units/ and site_config/ files given explicitly are checked by loading the project (always done);
    # attachments (PDF, Word, Excel, CSV, images under content/) for their text and metadata
    pages = [p for p in paths if p.suffix == ".md"] + _attachments(project, [p for p in paths if p.suffix != ".md"])
    checker = checker_for(project)
    result = check_paths(project, pages, use_cache=not args.no_cache, jobs=args.jobs, checker=checker)
    if args.fix:
        result = _fix(project, pages, args, checker, result)
    result.add(checker._schema(refused))
    render = formatter(args.format)
    report = render(result.findings, checked=result.checked, rules=checker.ruleset.rules,
                    show_suppressed=args.show_suppressed)
    if args.output:
        from govsite.core.outputs import write_report

        write_report(Path(args.output), report)
        if args.format != "text":
            sys.stdout.write(formatter("text")(result.findings, checked=result.checked))
    else:
        sys.stdout.write(report)
    if result.input_error:
        return 2
    return 1 if result.errors else 0
