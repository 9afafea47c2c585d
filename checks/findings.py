"""Findings (检查结果): what a check reports, in the one shape every output format uses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES = (
    "secrecy", "privacy", "political", "sensitive", "typo", "norm", "ad", "emotion", "source", "schema", "link",
)
CATEGORY_NAMES = {
    "secrecy": "保密", "privacy": "个人隐私", "political": "政治性表述", "sensitive": "敏感词",
    "typo": "错别字", "norm": "规范表述", "ad": "商业广告", "emotion": "情绪化表述",
    "source": "转载来源", "schema": "格式", "link": "链接",
}
SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}

# Rules that mean "the input could not be read at all": the run still reports them, then exits 2.
INPUT_RULES = frozenset(
    {"schema.encoding", "schema.binary", "schema.too-large", "schema.unreadable", "schema.yaml-syntax"}
)


@dataclass
class Finding:
    """One problem at one place. Lines and columns are 1-based code points; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    category: str
    rule: str
    severity: str
    message: str
    suggestion: str | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        if not self.suppressed:
            data.pop("suppressed")
            data.pop("suppression_reason")
        return data

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


def whole_line(path: str, line: int, category: str, rule: str, severity: str, message: str,
               suggestion: str | None = None) -> Finding:
    """A finding about a whole line (front matter keys, file-level problems)."""
    return Finding(path, line, 1, line, 1, category, rule, severity, message, suggestion)
