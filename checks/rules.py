"""Rule packs (规则包): YAML data read into :class:`Rule` objects.

Shipped packs live in ``checks/packs/*.yml``; the county's own in ``site_config/rules/*.yml``. A county rule
with the id of a shipped rule replaces it, so a level can be changed (or set to ``off``) without touching code.
Only three kinds exist, as in Vale: ``existence`` (these terms must not appear), ``substitution`` (write X, not Y)
and ``code`` (a built-in detector, for what needs an algorithm: ID checksums, links, typos…).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import PACKS_DIR, regexcache
from checks.detectors import DETECTORS
from checks.errors import CheckError
from checks.findings import CATEGORIES, SEVERITIES, Finding, whole_line
from checks.textio import UnreadableFile, read_text
from checks.yamlio import YamlSyntaxError, load_yaml

KINDS = ("existence", "substitution", "code")
RULE_KEYS = ("id", "kind", "level", "message", "explain", "tokens", "swap", "regex", "exceptions", "ignorecase",
             "detector", "suggestion", "examples", "category", "fix")


@dataclass
class Rule:
    """One rule: what it looks for, how serious it is, and what it tells the editor."""

    id: str
    category: str
    kind: str
    level: str
    message: str
    explain: str = ""
    tokens: list[str] = field(default_factory=list)
    swap: dict[str, str] = field(default_factory=dict)
    regex: bool = False
    ignorecase: bool = False
    exceptions: list[str] = field(default_factory=list)
    detector: str = ""
    suggestion: str | None = None
    examples: dict[str, list[str]] = field(default_factory=dict)
    fix: bool | None = None  # may `govsite check --fix` apply the suggestion unasked? (default: norm rules)
    source: str = ""   # the pack file it came from
    line: int = 0


@dataclass
class RuleSet:
    rules: dict[str, Rule]
    fingerprint: str          # changes whenever any pack changes: part of the result-cache key
    problems: list[Finding]

    def active(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.level != "off"]


def _pack_files(root: Path | None) -> list[tuple[Path, str]]:
    files = [(p, f"checks/packs/{p.name}") for p in sorted(PACKS_DIR.glob("*.yml"))]
    if root is not None:
        files += [(p, f"site_config/rules/{p.name}") for p in sorted((root / "site_config" / "rules").glob("*.yml"))]
    return files


def _as_str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value]


def parse_pack(text: str, rel: str) -> tuple[list[Rule], list[Finding]]:
    """Parse one pack file into rules; problems are ``schema`` findings on the pack file."""
    problems: list[Finding] = []

    def bad(line: int, message: str) -> None:
        problems.append(whole_line(rel, line, "schema", "schema.rule-pack", "error", message))

    try:
        doc = load_yaml(text)
    except YamlSyntaxError as exc:
        return [], [whole_line(rel, exc.line, "schema", "schema.yaml-syntax", "error", exc.message)]
    if doc.data is not None and not isinstance(doc.data, dict):
        bad(1, "规则包应为键值表，写成 category: <类别> 和 rules: [<规则>, …]，见 docs/design.md；这个文件中的规则都没有生效。")
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(data.get("rules", []), list):
        bad(doc.line("rules"), "规则包的 rules 应为列表（每条规则以 - 开头）；这个文件中的规则都没有生效。")
        data = {}
    pack_category = data.get("category")
    rules: list[Rule] = []
    for i, item in enumerate(data.get("rules") or []):
        line = doc.line("rules", i)
        if not isinstance(item, dict) or not item.get("id"):
            bad(line, "规则缺少 id。")
            continue
        rid = str(item["id"])
        unknown = [k for k in item if k not in RULE_KEYS]
        if unknown:
            bad(line, f"规则 {rid} 有未知字段：{'、'.join(unknown)}。")
        category = str(item.get("category") or pack_category or rid.split(".")[0])
        kind = str(item.get("kind") or "existence")
        level = str(item.get("level") or "warning")
        if category not in CATEGORIES:
            bad(line, f"规则 {rid} 的类别“{category}”无效，只能是：{'、'.join(CATEGORIES)}。")
            continue
        if kind not in KINDS:
            bad(line, f"规则 {rid} 的 kind“{kind}”无效，只能是：{'、'.join(KINDS)}。")
            continue
        if level not in SEVERITIES + ("off",):
            bad(line, f"规则 {rid} 的 level“{level}”无效，只能是 error、warning、info 或 off。")
            continue
        swap = item.get("swap") or {}
        if not isinstance(swap, dict):
            bad(line, f"规则 {rid} 的 swap 应为“错误写法: 正确写法”的键值表。")
            continue
        examples = item.get("examples") or {}
        rule = Rule(
            id=rid, category=category, kind=kind, level=level,
            message=str(item.get("message") or ""), explain=str(item.get("explain") or ""),
            tokens=_as_str_list(item.get("tokens")), swap={str(k): str(v) for k, v in swap.items()},
            regex=bool(item.get("regex")), ignorecase=bool(item.get("ignorecase")),
            exceptions=_as_str_list(item.get("exceptions")), detector=str(item.get("detector") or ""),
            suggestion=None if item.get("suggestion") is None else str(item["suggestion"]),
            examples={k: _as_str_list(v) for k, v in examples.items()} if isinstance(examples, dict) else {},
            fix=None if item.get("fix") is None else bool(item["fix"]),
            source=rel, line=line,
        )
        if kind == "existence" and not rule.tokens:
            bad(line, f"规则 {rid} 是 existence，需要 tokens 列表。")
            continue
        if kind == "substitution" and not rule.swap:
            bad(line, f"规则 {rid} 是 substitution，需要 swap 键值表。")
            continue
        if kind == "code" and not rule.detector:
            bad(line, f"规则 {rid} 是 code，需要 detector。")
            continue
        if kind == "code" and rule.detector not in DETECTORS and rule.detector != "schema":
            bad(line, f"规则 {rid} 的 detector“{rule.detector}”不存在（可用：{'、'.join(sorted(DETECTORS))}）。")
            continue
        if rule.regex:
            flags = re.IGNORECASE if rule.ignorecase else 0
            try:
                for pattern in rule.tokens + list(rule.swap):
                    regexcache.compile(pattern, flags)
            except re.error as exc:
                bad(line, f"规则 {rid} 的正则表达式有误：{exc}。")
                continue
        rules.append(rule)
    return rules, problems


def load_rules(root: Path | None) -> RuleSet:
    """Load shipped packs then the county's; later rules with the same id replace earlier ones.

    Parsed packs are cached (keyed by the packs' bytes), since parsing YAML with line tracking is the
    slowest part of starting a pre-commit check.
    """
    import pickle

    from checks.cachedir import read_pickle, user_cache_dir, write_atomic

    problems: list[Finding] = []
    digest = hashlib.sha1()
    for code in (Path(__file__), Path(__file__).parent / "detectors" / "__init__.py"):
        digest.update(code.read_bytes())  # the parser and the detector names decide what a pack means
    texts: list[tuple[str, str]] = []
    for path, rel in _pack_files(root):
        try:
            tf = read_text(path)
        except UnreadableFile as exc:
            problems.append(whole_line(rel, exc.line, "schema", exc.rule, "error", exc.message))
            continue
        digest.update(rel.encode() + b"\0" + tf.raw + b"\0")
        texts.append((rel, tf.text))
    fingerprint = digest.hexdigest()
    cache = user_cache_dir() / f"rules-{fingerprint}.pickle"
    stored = read_pickle(cache)
    if isinstance(stored, tuple) and len(stored) == 2:
        rules, cached_problems = stored
        return RuleSet(rules=rules, fingerprint=fingerprint, problems=problems + cached_problems)
    rules: dict[str, Rule] = {}
    parsed_problems: list[Finding] = []
    for rel, text in texts:
        found, probs = parse_pack(text, rel)
        parsed_problems.extend(probs)
        for rule in found:
            if rule.id in rules and rules[rule.id].source == rel:
                parsed_problems.append(whole_line(rel, rule.line, "schema", "schema.rule-pack", "error",
                                                  f"规则 id“{rule.id}”在同一文件中重复。"))
            rules[rule.id] = rule
    regexcache.save()
    write_atomic(cache, pickle.dumps((rules, parsed_problems), protocol=pickle.HIGHEST_PROTOCOL))
    return RuleSet(rules=rules, fingerprint=fingerprint, problems=problems + parsed_problems)


def safe_to_fix(rule: Rule) -> bool:
    """Formatting fixes (norm) are safe to apply unasked; others need the editor's ``--accept``."""
    return rule.fix if rule.fix is not None else rule.category == "norm"


def require_rule(ruleset: RuleSet, rule_id: str) -> Rule:
    try:
        return ruleset.rules[rule_id]
    except KeyError:
        raise CheckError(f"没有规则“{rule_id}”。用 govsite rules 查看全部规则。") from None
