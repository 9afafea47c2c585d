"""Writing accepted fixes (自动修正) into the pages, keeping each file's BOM and line ends."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from checks.findings import Finding
from checks.fix import apply_to_text
from checks.textio import UnreadableFile, decode_text


def apply_fixes(root: Path, findings: list[Finding]) -> dict[str, int]:
    """Apply the suggestions of ``findings`` to their files under ``root``. Returns path → fixes applied."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.suggestion is not None and not f.suppressed:
            by_path[f.path].append(f)
    done: dict[str, int] = {}
    for rel, items in by_path.items():
        path = root / rel
        try:
            tf = decode_text(path.read_bytes())
        except (OSError, UnreadableFile):
            continue  # reported by the check itself
        text, count = apply_to_text(tf.text, items)
        if not count:
            continue
        if tf.had_crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if tf.had_bom:
            data = b"\xef\xbb\xbf" + data
        tmp = path.with_name(path.name + ".govsite-tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        done[rel] = count
    return done
