"""Applying suggestions (自动修正) to files, keeping their encoding marks and line ends."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from checks.findings import Finding
from checks.textio import decode_text


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def apply_fixes(root: Path, findings: list[Finding]) -> dict[str, int]:
    """Replace each finding's span with its suggestion; overlapping fixes keep the first. Returns path → count."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.suggestion is not None and not f.suppressed:
            by_path[f.path].append(f)
    done: dict[str, int] = {}
    for rel, items in by_path.items():
        path = root / rel
        tf = decode_text(path.read_bytes())
        text = tf.text
        starts = _offsets(text)
        spans = []
        for f in items:
            if f.line > len(starts) or f.end_line > len(starts):
                continue
            start = starts[f.line - 1] + f.column - 1
            end = starts[f.end_line - 1] + f.end_column - 1
            if end > start:
                spans.append((start, end, f.suggestion))
        spans.sort()
        kept, last = [], -1
        for s, e, sug in spans:
            if s >= last:
                kept.append((s, e, sug))
                last = e
        for s, e, sug in reversed(kept):
            text = text[:s] + sug + text[e:]
        if tf.had_crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if tf.had_bom:
            data = b"\xef\xbb\xbf" + data
        tmp = path.with_name(path.name + ".govsite-tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        done[rel] = len(kept)
    return done
