"""Chunked static search index with Chinese segmentation: Pagefind (extended build from PyPI)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from checks.errors import GovsiteError


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable  # noqa: PLC0415
    except ImportError as exc:
        raise GovsiteError("未安装 Pagefind 扩展版（站内中文搜索）。请运行：.venv/bin/pip install pagefind-bin-extended==1.5.2") from exc
    return get_executable()


def index_site(site_dir: Path) -> None:
    """Index ``site_dir`` in place; only elements marked ``data-pagefind-body`` (articles) are indexed."""
    exe = pagefind_executable()
    proc = subprocess.run([str(exe), "--site", str(site_dir), "--output-subdir", "pagefind", "--quiet"],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GovsiteError(f"站内搜索索引（Pagefind）生成失败：{detail[-1] if detail else '未知错误'}。"
                           "请检查构建输出目录是否完整，或以 --verbose 重新运行查看详情。")
