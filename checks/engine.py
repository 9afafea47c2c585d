"""The check engine (检查引擎): runs every active rule over one page and turns matches into findings.

Flow for one page: decode (textio) → the caller's reader parses the front matter (a :class:`PageReader`, with
its ``schema`` findings) → mask non-prose (prose) → data rules (kinds.terms, one pass for all literal terms)
and code rules (detectors) → inline suppressions → findings. Running many pages, caching results and
fanning out over the cores is the caller's business (govsite.compliance).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.context import CheckContext, PageReader
from checks.detectors import load_detector
from checks.detectors.view import PageView
from checks.findings import INPUT_RULES, Finding, whole_line
from checks.kinds import Hit
from checks.prose import UNCLOSED_COMMENT, mask_prose, printed_spans, visible_text
from checks.rules import Rule, RuleSet
from checks.textio import UnreadableFile, decode_text

# Detectors whose result depends on other files: never cached, always re-run.
CROSS_FILE_DETECTORS = frozenset({"links.internal", "policy.references"})
# Cross-file detectors that read front-matter fields (else the re-run reads the body only), with the keys
# whose presence in the front matter makes the page worth parsing.
CROSS_FILE_FRONT = {"policy.references": ("validity", "interprets")}
_ALLOW = re.compile(r"<!--\s*govsite:\s*allow\s+([A-Za-z0-9_.\-]+)(?:[ \t]+([^\n]*?))?\s*-->")


class _Fmt(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Suppression:
    rule: str
    reason: str
    line: int          # the line it applies to
    comment_line: int


def find_suppressions(text: str) -> list[Suppression]:
    """``<!-- govsite: allow RULE 理由 -->`` silences RULE (or a whole category) on its line, or on the next
    non-empty line when the comment stands alone."""
    out: list[Suppression] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for m in _ALLOW.finditer(line):
            target = i
            if not (line[:m.start()] + line[m.end():]).strip():
                target = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), i)
            out.append(Suppression(m.group(1), (m.group(2) or "").strip(), target + 1, i + 1))
    return out


class Checker:
    """Checks pages of one county with one rule set. Build once, use for many pages."""

    def __init__(self, context: CheckContext, reader: PageReader, ruleset: RuleSet) -> None:
        self.context = context
        self.reader = reader
        self.ruleset = ruleset
        self.shared: dict = {}

    @functools.cached_property
    def matcher(self):
        from checks.kinds.terms import TermMatcher

        return TermMatcher(self.ruleset.active())

    @functools.cached_property
    def detectors(self) -> list[tuple[str, object, list[Rule]]]:
        grouped: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.ruleset.active():
            if rule.kind == "code":
                grouped[rule.detector].append(rule)
        out = []
        for name, rules in grouped.items():
            fn = load_detector(name)
            if fn is not None:
                out.append((name, fn, rules))
        return out

    @functools.cached_property
    def cross_file_rules(self) -> frozenset[str]:
        """Rule ids whose findings depend on other files (kept out of the result cache)."""
        return frozenset(r.id for name, _, rules in self.detectors if name in CROSS_FILE_DETECTORS for r in rules)

    def warm_up(self) -> None:
        """Load everything lazily loaded (before forking workers, so they share it)."""
        _ = self.matcher, self.detectors
        if any(name == "typo.engine" for name, _, _ in self.detectors):
            from checks.detectors.typo import get_engine

            get_engine(self.context)

    # -- one page -------------------------------------------------------------------------------------
    def check_text(self, rel: str, text: str, cross_file: bool | None = None) -> list[Finding]:
        """Findings for one decoded page. ``cross_file``: True only cross-file detectors, False none of them."""
        findings: list[Finding] = []
        if cross_file is True:
            # cross-file detectors (links) need the body only: skip the YAML and the prose mask
            page = self.reader.body(rel, text)
            front_keys = [k for name, _, _ in self.detectors for k in CROSS_FILE_FRONT.get(name, ())]
            if front_keys and any(k in text[:page.body_start] for k in front_keys):
                page, _ = self.reader.read(rel, text)
            masked = ""
        else:
            page, problems = self.reader.read(rel, text)
            findings.extend(self._schema(problems))
            if "<!--" in text:
                findings.extend(self._schema(_unclosed_comments(rel, text, page.body_start)))
            printed = printed_spans(text, page.body_start)
            masked = mask_prose(text, page.body_start, printed)
            visible = visible_text(text, page.body_start, printed)
        view = PageView(page=page, masked=masked, context=self.context, shared=self.shared,
                        visible=visible if cross_file is not True else "")
        if cross_file is not True:
            for rule_id, hits in self.matcher.find(masked).items():
                findings.extend(self._to_findings(view, self.ruleset.rules[rule_id], hits, {}))
        for name, fn, rules in self.detectors:
            is_cross = name in CROSS_FILE_DETECTORS
            if (cross_file is True and not is_cross) or (cross_file is False and is_cross):
                continue
            by_id = {r.id: r for r in rules}
            for hit in fn(view):
                rule = by_id.get(hit.rule or "", rules[0])
                findings.extend(self._to_findings(view, rule, [hit], {}))
        findings = self._drop_covered(findings)
        return self._suppress(findings, text, rel, report_bad=cross_file is not True)

    def _drop_covered(self, findings: list[Finding]) -> list[Finding]:
        """A statistical (code) finding inside the span of a data rule of the same category says the same thing
        less well (布署: the engine's “布→部” vs the rule that explains 部署): keep the explained one. So does a
        warning inside an error of the same category (a contact handle inside a spam advert)."""
        findings = _drop_weaker(findings)
        data = [f for f in findings if f.suggestion is not None
                and getattr(self.ruleset.rules.get(f.rule), "kind", "code") != "code"]
        if not data:
            return findings

        def covered(f: Finding) -> bool:
            if getattr(self.ruleset.rules.get(f.rule), "kind", "") != "code":
                return False
            return any(d.category == f.category and d.line == f.line == d.end_line == f.end_line
                       and d.column <= f.column and f.end_column <= d.end_column for d in data)

        return [f for f in findings if not covered(f)]

    def _schema(self, problems: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in problems:
            rule = self.ruleset.rules.get(f.rule)
            if rule is not None:
                if rule.level == "off":
                    continue
                f.severity = rule.level
            out.append(f)
        return out

    def _to_findings(self, view: PageView, rule: Rule, hits: Sequence[Hit], _: dict) -> list[Finding]:
        out = []
        text = view.page.text
        for hit in hits:
            line, col = view.position(hit.start)
            end_line, end_col = view.position(hit.end)
            match = text[hit.start:hit.end]
            suggestion = hit.suggestion if hit.suggestion is not None else rule.suggestion
            values = _Fmt(match=match, suggestion=suggestion or "", **hit.detail)
            message = hit.detail.get("message") or rule.message.format_map(values) or rule.explain
            out.append(Finding(view.page.path, line, col, end_line, end_col, rule.category, rule.id, rule.level,
                               message, suggestion))
        return out

    def _suppress(self, findings: list[Finding], text: str, rel: str, report_bad: bool = True) -> list[Finding]:
        sups = find_suppressions(text) if "govsite:" in text else []
        if not sups:
            return findings
        extra: list[Finding] = []
        valid = []
        categories = {r.category for r in self.ruleset.rules.values()}
        for s in sups:
            if s.rule not in self.ruleset.rules and s.rule not in categories:
                if report_bad:
                    extra.append(whole_line(rel, s.comment_line, "schema", "schema.suppression-rule", "error",
                                            f"豁免的规则“{s.rule}”不存在，这条豁免不起作用。请用 govsite rules 查看规则 id "
                                            "（如 privacy.mobile），或写类别名（如 privacy）。"))
                continue
            if not s.reason:
                if report_bad:
                    extra.append(whole_line(rel, s.comment_line, "schema", "schema.suppression-reason", "error",
                                            f"豁免“{s.rule}”必须写明理由，例如 <!-- govsite: allow {s.rule} 经核实为公开信息 -->。"
                                            "未写理由的豁免不生效。"))
            else:
                valid.append(s)
        for f in findings:
            for s in valid:
                if s.line == f.line and (f.rule == s.rule or f.category == s.rule) and f.rule not in INPUT_RULES:
                    f.suppressed = True
                    f.suppression_reason = s.reason
                    break
        return findings + extra

    def check_raw(self, rel: str, raw: bytes, cross_file: bool | None = None) -> list[Finding]:
        try:
            tf = decode_text(raw)
        except UnreadableFile as exc:
            if cross_file is True:
                return []
            return [whole_line(rel, exc.line, "schema", exc.rule, "error", exc.message)]
        findings = self.check_text(rel, tf.text, cross_file)
        if cross_file is not True and not tf.text.strip():
            findings.append(whole_line(rel, 1, "schema", "schema.empty", "error",
                                       "稿件为空。请写入头部信息和正文，或删除该文件。"))
        return findings


_RANK = {"error": 3, "warning": 2, "info": 1}


def _drop_weaker(findings: list[Finding]) -> list[Finding]:
    strong = [f for f in findings if f.severity == "error"]
    if not strong or len(strong) == len(findings):
        return findings

    def inside(f: Finding, d: Finding) -> bool:
        return (d.rule != f.rule and d.category == f.category and _RANK.get(d.severity, 0) > _RANK.get(f.severity, 0)
                and (d.line, d.column) <= (f.line, f.column) and (f.end_line, f.end_column) <= (d.end_line, d.end_column))

    return [f for f in findings if f.severity == "error" or not any(inside(f, d) for d in strong)]


def _unclosed_comments(rel: str, text: str, body_start: int) -> list[Finding]:
    m = UNCLOSED_COMMENT.search(text, body_start)
    if m is None:
        return []
    line = text.count("\n", 0, m.start()) + 1
    return [whole_line(rel, line, "schema", "schema.unclosed-comment", "error",
                       "HTML 注释“<!--”没有结束（缺少“-->”）：其后的文字在网页上会被吞掉或原样显示。请补上“-->”，"
                       "或删除“<!--”。")]


def blob_id(raw: bytes) -> str:
    """The git blob id of some bytes (what ``git hash-object`` prints)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """The checks package's code and data (detectors, typo weights, packs, lists, word lists): a change of any
    must not reuse old results."""
    import hashlib

    digest = hashlib.sha1()
    package = Path(__file__).resolve().parent
    for p in sorted(q for q in package.rglob("*") if q.suffix in (".py", ".txt", ".yml", ".lock") and q.is_file()):
        try:
            digest.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes())
        except OSError:
            pass
    return digest.hexdigest()
