"""Reposts (转载, Art. 24): a reposted page names its source and link; sources should be authoritative."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

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
    if not is_authoritative(repost.from_, sources, patterns) and repost.from_ not in _wechat_registry(view)[0]:
        line = view.page.key_line("repost", "from")
        start, end = view.line_span(line)
        yield Hit(start, end, None, detail={"named": repost.from_})


# -- WeChat articles (微信公众号文章) ------------------------------------------------------------------------

def wechat_hosts(view: PageView) -> list[str]:
    return [str(h).lower().strip() for h in view.context.lists.get("wechat_article_hosts", []) if h]


def _wechat_registry(view: PageView) -> tuple[frozenset[str], frozenset[str]]:
    """Names and ``__biz`` ids of the WeChat accounts whose articles count as reposts with a source: the
    units' registered accounts (Art. 9) and the authoritative ones of the lists."""
    cached = view.shared.get("wechat_registry")
    if cached is None:
        names = {name for _unit, platform, name, _account in view.context.new_media if "微信" in platform and name}
        biz: set[str] = set()
        for entry in view.context.lists.get("wechat_accounts", []):
            if isinstance(entry, dict):
                if entry.get("name"):
                    names.add(str(entry["name"]))
                if entry.get("biz"):
                    biz.add(str(entry["biz"]))
            elif entry:
                names.add(str(entry))
        cached = view.shared["wechat_registry"] = (frozenset(names), frozenset(biz))
    return cached


def wechat_account(view: PageView) -> Iterator[Hit]:
    """A link to a WeChat article names a registered account, else the section head verifies it (Art. 24)."""
    from checks.detectors.links import _host, page_links  # noqa: PLC0415 - links imports nothing of ours

    hosts = wechat_hosts(view)
    if not hosts or "weixin" not in view.page.text:
        return
    names, biz = _wechat_registry(view)
    repost = view.page.repost
    named = repost.from_ if repost is not None else ""
    for link in page_links(view.page.text, view.page.body_start):
        if _host(link.target) not in hosts:
            continue
        try:
            ids = parse_qs(urlsplit(link.target).query).get("__biz", [])
        except ValueError:
            ids = []
        if named in names or any(i in biz for i in ids):
            continue
        said = (f"但“{named}”不是本县登记的政务新媒体，也不在权威公众号清单中" if named
                else "但稿件头部没有写明是哪个公众号发布的（稿件未写明公众号名称）")
        yield Hit(link.start, link.end, None, detail={"named": said})
