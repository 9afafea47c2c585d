"""``govsite rules``: every rule with its category, level and explanation (data from the rule packs)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("filter", nargs="?", help="只显示 id 或类别包含该文字的规则，如 privacy")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from checks.findings import CATEGORY_NAMES, SEVERITY_NAMES
    from govsite.core.county import find_root
    from checks.rules import load_rules

    try:
        root = Path(args.root).resolve() if args.root else find_root()
    except Exception:  # outside a repository: list the shipped packs only
        root = None
    ruleset = load_rules(root)
    rules = sorted(ruleset.rules.values(), key=lambda r: (r.category, r.id))
    if args.filter:
        rules = [r for r in rules if args.filter in r.id or args.filter == r.category]
        if not rules:
            from govsite.core.errors import GovsiteError

            cats = "、".join(f"{c}（{CATEGORY_NAMES.get(c, c)}）" for c in sorted({r.category for r in ruleset.rules.values()}))
            raise GovsiteError(f"没有 id 或类别包含“{args.filter}”的规则。类别有：{cats}。")
    if args.format == "json":
        data = [{"id": r.id, "category": r.category, "kind": r.kind, "level": r.level, "message": r.message,
                 "explain": r.explain, "source": r.source} for r in rules]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    current = None
    for r in rules:
        if r.category != current:
            current = r.category
            print(f"\n== {CATEGORY_NAMES.get(r.category, r.category)}（{r.category}）==")
        level = "关闭" if r.level == "off" else SEVERITY_NAMES.get(r.level, r.level)
        terms = ""
        if r.kind == "substitution":
            terms = "；".join(f"{k}→{v}" for k, v in list(r.swap.items())[:4]) + ("…" if len(r.swap) > 4 else "")
        elif r.kind == "existence":
            terms = "、".join(r.tokens[:6]) + ("…" if len(r.tokens) > 6 else "")
        print(f"{r.id}  [{level}]  {r.explain or r.message}")
        if terms:
            print(f"    {terms}")
    print(f"\n共 {len(rules)} 条规则。规则包：checks/packs/*.yml；本县补充：site_config/rules/*.yml。")
    return 0
