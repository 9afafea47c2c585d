"""Reposts (转载, Art. 24): a reposted page names its source and link; sources should be authoritative."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.detectors.view import PageView
from checks.kinds import Hit

# "转载自…", "来源：某某" in the body: the page says it is a repost.
_SAYS_REPOST = re.compile(r"(转载自|转自|来源[:：]\s*|稿件来源[:：]\s*|原文来源[:：]\s*)([^\s，。；、\n]{2,30})")


def _own_names(view: PageView) -> set[str]:
    """The names the page's own unit and the portal publish under (来源：本单位 is no repost)."""
    ctx = view.context
    names = set(ctx.own_names.get(view.page.unit_id, ()))
    if view.page.source:
        names.add(view.page.source)
    names.update(ctx.site_names)
    return names


def repost_missing(view: PageView) -> Iterator[Hit]:
    if view.page.repost is not None:
        return
    own = _own_names(view)
    for m in _SAYS_REPOST.finditer(view.masked, view.page.body_start):
        named = m.group(2).strip("“”\"'《》")
        if any(named.startswith(n) or n.startswith(named) for n in own):
            continue  # 来源：本单位 is not a repost
        yield Hit(m.start(), m.end(), None, detail={"named": named})


def repost_incomplete(view: PageView) -> Iterator[Hit]:
    repost = view.page.repost
    if repost is None:
        return
    missing = [label for label, value in (("from（原发单位或媒体）", repost.from_), ("url（原文链接）", repost.url))
               if not value]
    if missing:
        start, end = view.line_span(repost.line)
        yield Hit(start, end, None, detail={"missing": "、".join(missing)})


def is_authoritative(name: str, sources: list[str], patterns: list[str]) -> bool:
    if name in sources:
        return True
    return any(re.fullmatch(p, name) for p in patterns)


def unauthoritative(view: PageView) -> Iterator[Hit]:
    repost = view.page.repost
    if repost is None or not repost.from_:
        return
    lists = view.context.lists
    sources = [str(s) for s in lists.get("authoritative_sources", [])]
    patterns = [str(p) for p in lists.get("source_patterns", [])]
    if not is_authoritative(repost.from_, sources, patterns):
        line = view.page.key_line("repost", "from")
        start, end = view.line_span(line)
        yield Hit(start, end, None, detail={"named": repost.from_})
