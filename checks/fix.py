"""Applying suggestions (自动修正) to a page's text: the caller reads and writes the file."""

from __future__ import annotations

from checks.findings import Finding


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def apply_to_text(text: str, findings: list[Finding]) -> tuple[str, int]:
    """``text`` with each finding's span replaced by its suggestion (findings of one page; suppressed ones and
    those without a suggestion are skipped; of overlapping fixes the first is kept). Returns (text, fixes)."""
    starts = _offsets(text)
    spans = []
    for f in findings:
        if f.suggestion is None or f.suppressed:
            continue
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
    return text, len(kept)
