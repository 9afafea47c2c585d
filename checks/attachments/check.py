"""Checking an attachment (附件检查): its extracted text through the text rules of the privacy, secrecy,
political and sensitive packs, each finding put back where it stands in the attachment.

The text is laid out as a page with no front matter: line 1 empty (for what the file says of itself: an
image's GPS position, a file that could not be read), then one line per paragraph or PDF text line, and one
Markdown table row per table or spreadsheet row, so the table rules read both alike. A finding keeps the
one shape of :class:`checks.findings.Finding`: ``path`` is the attachment, ``line`` the PDF page, the Word
block or the spreadsheet row, ``column`` the spreadsheet column, and the message begins with where it is
(附件 files/名单.xlsx 工作表“名单” B7 单元格：…). Findings of one rule beyond :data:`PER_RULE` in one
attachment are summed up in one more finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checks.attachments.extract import Extracted, Piece, extract
from checks.context import BodyOnly
from checks.findings import Finding

CATEGORIES = ("privacy", "secrecy", "political", "sensitive")
PER_RULE = 20
# what would make extracted text Markdown (code, HTML, links, table cells, comments that suppress findings)
_PLAIN = str.maketrans({"`": "'", "<": "＜", ">": "＞", "[": "［", "]": "］", "{": "｛", "}": "｝", "|": "｜",
                        "\t": " ", "\r": " ", "\n": " "})


@dataclass
class AttachmentText(BodyOnly):
    """An attachment seen as a page without front matter, with what was extracted of it."""

    attachment: Extracted | None = None


@dataclass
class _Reader:
    document: AttachmentText | None = None

    def read(self, path: str, text: str) -> tuple[AttachmentText, list[Finding]]:
        assert self.document is not None
        return self.document, []

    def body(self, path: str, text: str) -> AttachmentText:
        assert self.document is not None
        return self.document


@dataclass
class Layout:
    text: str
    spans: list[list[tuple[int, int, Piece]]] = field(default_factory=list)  # per line: [start, end) columns


def layout(found: Extracted) -> Layout:
    lines = [""]
    spans: list[list[tuple[int, int, Piece]]] = [[]]
    for line in found.lines:
        if line is None:
            lines.append("")
            spans.append([])
            continue
        if not line.table:
            piece = line.pieces[0]
            text = piece.text.translate(_PLAIN).strip()
            lines.append(text)
            spans.append([(0, len(text), piece)])
            continue
        parts, row = [], []
        pos = 0
        for piece in line.pieces:
            text = piece.text.translate(_PLAIN).strip()
            parts.append("| ")
            pos += 2
            row.append((pos, pos + len(text), piece))
            parts.append(text + " ")
            pos += len(text) + 1
        parts.append("|")
        lines.append("".join(parts))
        spans.append(row)
    return Layout("\n".join(lines) + "\n", spans)


def attachment_checker(checker: Any) -> Any:
    """A checker of the same county with only the rules that judge an attachment's text, made once."""
    sub = checker.shared.get("attachments.checker")
    if sub is None:
        from checks.engine import Checker
        from checks.rules import RuleSet

        ruleset = checker.ruleset
        rules = {k: r for k, r in ruleset.rules.items() if r.category in CATEGORIES}
        sub = Checker(checker.context, _Reader(), RuleSet(rules, ruleset.fingerprint, []))
        checker.shared["attachments.checker"] = sub
    return sub


def shown_name(rel: str) -> str:
    """How a page of the column links the attachment: ``files/x.xlsx`` for ``content/u/c/files/x.xlsx``."""
    parts = rel.split("/")
    return "/".join(parts[3:]) if len(parts) > 3 and parts[0] == "content" else rel


def _piece_at(spans: list[tuple[int, int, Piece]], column: int) -> Piece | None:
    if not spans:
        return None
    offset = column - 1
    for start, end, piece in spans:
        if offset < end or (start == end == offset):
            return piece
    return spans[-1][2]


def check_attachment(checker: Any, rel: str, raw: bytes, size: int | None = None) -> list[Finding]:
    """Findings for the attachment ``rel`` (``content/…``) whose bytes are ``raw`` (or, when it is too large to
    read, whose ``size`` it is)."""
    found = extract(rel, raw, size=size)
    if not found.lines and not found.notes and found.gps is None:
        return []
    page = layout(found)
    sub = attachment_checker(checker)
    parts = rel.split("/")
    sub.reader.document = AttachmentText(rel, page.text, unit_id=parts[1] if len(parts) > 2 else "",
                                         column_id=parts[2] if len(parts) > 3 else "", attachment=found)
    try:
        raw_findings = sub.check_text(rel, page.text, cross_file=False)
    finally:
        sub.reader.document = None
    name = shown_name(rel)
    out: list[Finding] = []
    counts: dict[str, list[Finding]] = {}
    for f in sorted(raw_findings, key=lambda f: (f.line, f.column, f.rule)):
        piece = _piece_at(page.spans[f.line - 1], f.column) if 0 < f.line <= len(page.spans) else None
        if piece is None:
            where, line, column = f"附件 {name}", 1, 1
        else:
            where, line, column = f"附件 {name} {piece.where}", piece.line, piece.column
        g = Finding(rel, line, column, line, column + 1, f.category, f.rule, f.severity, f"{where}：{f.message}")
        g.extra["where"] = where
        same = counts.setdefault(f.rule, [])
        same.append(g)
        if len(same) <= PER_RULE:
            out.append(g)
    for rule, same in counts.items():
        if len(same) > PER_RULE:
            rest = same[PER_RULE:]
            first = rest[0]
            out.append(Finding(rel, first.line, first.column, first.line, first.column + 1, first.category, rule,
                               first.severity,
                               f"附件 {name} 中同类问题（{rule}）还有 {len(rest)} 处未逐条列出，下一处在"
                               f"{first.extra['where'].removeprefix(f'附件 {name}').strip() or '文件中'}。"
                               "请对整份附件统一处理（如整列打码、删除不需要的列）后重新放入。"))
    return out
