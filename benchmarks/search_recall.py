"""Chinese search recall (issue 17): what Pagefind finds against the pages that contain the word.

Builds a county with search into a temp dir: by default the repository's own sample county
(``content/``, ``units/``, ``site_config/`` committed in a fresh git repository, as the portal tests do),
with ``--pages N`` a synthetic county of N pages from ``benchmarks/corpus.py`` (one year of history),
with ``--site DIR`` an already built site. Then ``govsite build --preview`` (preview: a copy carries no
review signatures, so every page is built and indexed).

The index as Pagefind holds it is read back from the built site's own fragments
(``pagefind/<shard>/fragment/*.pf_fragment``: gzip, the ``pagefind_dcd`` signature, JSON with the
page's URL and its text as Pagefind extracted it, title included). That text is what a query is judged
against, so nothing of the theme or of the Markdown source is guessed.

The query set: every page's text segmented with jieba (precise mode, the default dictionary); the words
of 2 to 4 Chinese characters (U+4E00–U+9FFF only); minus function words, i.e. words whose jieba
dictionary tag is a pronoun (r), adverb (d), preposition (p), conjunction (c), particle (u), numeral (m),
classifier (q), locative (f), interjection (e), modal (y) or onomatopoeia (o): nobody searches a portal for
这些, 进一步, 以及 or 以上, and leaving them in would measure the tail of a word list rather than search.
Pagefind itself drops no word, so this filter can only make recall look different, not the index.
From the distinct words left, ``--queries`` (300) are drawn uniformly with ``random.Random(--seed)``
over the sorted list: deterministic for the same site, and rare words weigh as much as common ones.

For each word: expected = pages whose indexed text contains the word as a substring; found = every
result of ``pagefind.search(word)`` through the JS API (``pagefind/<first shard>/pagefind.js``, the other
shards added with ``mergeIndex`` as the search page does), each result's ``data()`` loaded for its URL;
Pagefind's JS API returns all results at once (the UI pages them, the API does not), in headless Debian
Chromium driven by Playwright over a local HTTP server (``tests/govsite/portal/browser.py``).

Reported: macro recall (mean over queries of |found ∩ expected| / |expected|), micro recall (the sums),
precision of the found pages (found pages that contain the word: micro and macro over queries that found
anything), queries with recall below 1 and examples of missed pages with the word in context, timings.
A Markdown table, or ``--json`` (to stdout, or ``--json FILE``).

Exit 0 when macro and micro recall are both at least ``--min-recall`` (0.95), 1 when one is below,
2 on a usage error (bad arguments, no Chromium, a site without a search index).

    .venv/bin/python benchmarks/search_recall.py [--queries 300] [--seed 1] [--pages N | --site DIR] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
SIGNATURE = b"pagefind_dcd"
ZWSP = "\u200b"
HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
FUNCTION_TAGS = ("r", "d", "p", "c", "u", "m", "q", "f", "e", "y", "o")  # first letter of the jieba tag
BATCH = 50  # queries per page.evaluate call


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- build

def sample_county(dest: Path) -> Path:
    """The repository's sample county committed in a fresh git repository (the portal tests' own copy)."""
    from tests.govsite.portal.conftest import make_county  # noqa: PLC0415

    return make_county(dest)


def synthetic_county(dest: Path, pages: int, seed: int) -> Path:
    import corpus  # noqa: PLC0415  (benchmarks/corpus.py)

    corpus.generate(dest, pages, seed=seed, history_years=1.0)
    return dest


def build(root: Path, out: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("GOVSITE_ROOT", None)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "govsite", "--root", str(root), "build", "--preview", "-o", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"search_recall: govsite build failed ({proc.returncode})\n{(proc.stderr or proc.stdout)[-3000:]}")
    return time.monotonic() - start


# ---------------------------------------------------------------- the index as Pagefind holds it

def shards(site: Path) -> list[str]:
    """Shard bundle paths (site-absolute) in the search page's order: s1, s2, …"""
    names = [p.parent.name for p in (site / "pagefind").glob("*/pagefind.js")]
    names.sort(key=lambda n: (len(n), n))
    return [f"/pagefind/{n}/" for n in names]


def indexed_pages(site: Path) -> dict[str, str]:
    """URL → the text Pagefind indexed for that page (its fragment's ``content``, the title being the h1).

    Pagefind's extended build marks the word boundaries of its Chinese segmentation in that text with
    U+200B (zero-width space): kept here (the misses show them as ``|``), removed for matching (:func:`plain`)."""
    pages: dict[str, str] = {}
    for frag in sorted((site / "pagefind").glob("*/fragment/*.pf_fragment")):
        raw = gzip.decompress(frag.read_bytes())
        if raw.startswith(SIGNATURE):
            raw = raw[len(SIGNATURE):]
        data = json.loads(raw.decode("utf-8"))
        title = str(data.get("meta", {}).get("title", ""))
        text = str(data.get("content", ""))
        pages[normal_url(str(data["url"]))] = text if title in text else f"{title} {text}"
    return pages


def plain(text: str) -> str:
    """The page's text as a reader sees it: without Pagefind's segmentation marks."""
    return text.replace(ZWSP, "")


def normal_url(url: str) -> str:
    url = url.split("#", 1)[0]
    return url if url.endswith("/") else url + "/"


# ---------------------------------------------------------------- queries

def _jieba() -> tuple[Any, dict[str, str]]:
    import jieba  # noqa: PLC0415
    import jieba.posseg  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba, jieba.posseg.dt.word_tag_tab


def candidate_words(pages: dict[str, str]) -> tuple[list[str], int]:
    """Distinct 2–4 character Chinese words of the pages' text (sorted), and how many function words were left out."""
    jieba, tags = _jieba()
    words: set[str] = set()
    for text in pages.values():
        words.update(w for w in jieba.lcut(plain(text)) if HAN.match(w))
    content = sorted(w for w in words if not tags.get(w, "x").startswith(FUNCTION_TAGS))
    return content, len(words) - len(content)


def draw(words: list[str], n: int, seed: int) -> list[str]:
    return sorted(random.Random(seed).sample(words, min(n, len(words))))


# ---------------------------------------------------------------- Pagefind in Chromium

SETUP = """async (bundles) => {
  window.pf = await import(bundles[0] + 'pagefind.js');
  await window.pf.options({basePath: bundles[0]});
  for (const b of bundles.slice(1)) { await window.pf.mergeIndex(b); }
  await window.pf.init();
}"""

SEARCH = """async (queries) => {
  const out = [];
  const words = typeof Intl.Segmenter === 'undefined' ? null : new Intl.Segmenter('zh-CN', {granularity: 'word'});
  for (const q of queries) {
    const t0 = performance.now();
    const s = await window.pf.search(q);
    const data = await Promise.all(s.results.map(r => r.data()));
    const ms = performance.now() - t0;
    // how Pagefind's JS splits the query before searching (Intl.Segmenter, i.e. Chromium's ICU dictionary)
    const terms = words ? [...words.segment(q)].map(w => w.segment) : [q];
    out.push({q, urls: data.map(d => d.url), ms, terms});
  }
  return out;
}"""


UNSPLIT = "delete Intl.Segmenter;  // search_recall --diagnose: the query reaches Pagefind's index unsplit\n"


def run_queries(site: Path, queries: list[str], split: bool = True
                ) -> tuple[dict[str, list[str]], dict[str, float], dict[str, list[str]], float]:
    """Query → found URLs, query → milliseconds (search + every result's data), query → the terms Pagefind's JS
    split it into, seconds to load Pagefind. ``split=False`` (diagnosis only, never what readers get): Pagefind's
    scripts (page and worker) are served without ``Intl.Segmenter``, so the query is not split by Chromium's ICU
    dictionary before the index is searched."""
    if not Path(CHROMIUM).exists():
        raise UsageError(f"未找到 Chromium（{CHROMIUM}）：apt-get install -y chromium")
    from tests.govsite.portal.browser import browser, serve  # noqa: PLC0415

    bundles = shards(site)
    found: dict[str, list[str]] = {}
    ms: dict[str, float] = {}
    terms: dict[str, list[str]] = {}
    with serve(site) as base, browser() as b:
        ctx = b.new_context(locale="zh-CN")  # type: ignore[attr-defined]
        if not split:
            def unsplit(route) -> None:  # type: ignore[no-untyped-def]
                r = route.fetch()
                route.fulfill(response=r, body=UNSPLIT + r.text())

            ctx.route("**/pagefind/*/pagefind*.js", unsplit)
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + "search/")  # a page of the site, so the modules load from its origin
        start = time.monotonic()
        page.evaluate(SETUP, bundles)
        load = time.monotonic() - start
        for i in range(0, len(queries), BATCH):
            for r in page.evaluate(SEARCH, queries[i:i + BATCH]):
                found[r["q"]] = [normal_url(u) for u in r["urls"]]
                ms[r["q"]] = r["ms"]
                terms[r["q"]] = r["terms"]
        ctx.close()
    return found, ms, terms, load


# ---------------------------------------------------------------- measure

@dataclass
class Result:
    word: str
    expected: set[str]
    found: set[str]
    ms: float = 0.0
    terms: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return len(self.found & self.expected) / len(self.expected)


def measure(pages: dict[str, str], queries: list[str], found: dict[str, list[str]], ms: dict[str, float],
            terms: dict[str, list[str]]) -> list[Result]:
    out = []
    for q in queries:
        expected = {u for u, text in pages.items() if q in plain(text)}
        got = set(found.get(q, []))
        out.append(Result(q, expected, got, ms.get(q, 0.0), terms.get(q, [q]), sorted(expected - got)))
    return out


def indexed_as_prefix(text: str, word: str) -> bool:
    """Whether one of Pagefind's words of the page starts with ``word`` (what a one-term prefix search can find)."""
    return any(t.startswith(word) for t in re.split(r"[\s\u200b]+", text) if t)


def causes(results: list[Result], pages: dict[str, str]) -> dict[str, int]:
    """Missed page–word pairs by cause: the query was split although the index holds the word at the start of one
    of its words (``query_split``), or no indexed word of the page starts with it: the word lies inside or across
    the words of Pagefind's segmentation (``index_segmentation``)."""
    out = {"query_split": 0, "index_segmentation": 0}
    for r in results:
        for u in r.missed:
            out["query_split" if indexed_as_prefix(pages[u], r.word) else "index_segmentation"] += 1
    return out


def context(text: str, word: str, width: int = 6) -> str:
    """The word in the indexed text with ``width`` characters either side, Pagefind's word boundaries as ``|``."""
    flat = plain(text)
    i = flat.find(word)
    if i < 0:
        return ""
    lo, hi = max(0, i - width), i + len(word) + width
    out, n = [], 0  # walk the marked text, counting unmarked characters
    for ch in text:
        if ch == ZWSP:
            if lo < n < hi:
                out.append("|")
            continue
        if lo <= n < hi:
            out.append(ch)
        n += 1
    return "".join(out).replace("\n", " ").replace("||", "|")


def summary(results: list[Result], pages: dict[str, str], examples: int) -> dict[str, Any]:
    hit = sum(len(r.found & r.expected) for r in results)
    expected = sum(len(r.expected) for r in results)
    found = sum(len(r.found) for r in results)
    with_found = [r for r in results if r.found]
    misses = [r for r in results if r.recall < 1]
    times = sorted(r.ms for r in results)
    return {
        "queries": len(results),
        "recall_macro": round(statistics.fmean(r.recall for r in results), 4) if results else 1.0,
        "recall_micro": round(hit / expected, 4) if expected else 1.0,
        "precision_micro": round(hit / found, 4) if found else 1.0,
        "precision_macro": round(statistics.fmean(len(r.found & r.expected) / len(r.found) for r in with_found), 4)
        if with_found else 1.0,
        "expected_pairs": expected,
        "hit_pairs": hit,
        "found_pairs": found,
        "queries_recall_below_1": len(misses),
        "queries_found_nothing": sum(1 for r in results if not r.found),
        "query_ms_median": round(statistics.median(times), 1) if times else 0.0,
        "query_ms_p95": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1) if times else 0.0,
        "misses": [{"word": r.word, "recall": round(r.recall, 3), "expected": len(r.expected), "found": len(r.found), "searched_as": r.terms,
                    "missing": [{"url": u, "context": context(pages[u], r.word)} for u in r.missed[:3]]}
                   for r in sorted(misses, key=lambda r: (r.recall, r.word))[:examples]],
        "extra": [{"word": r.word, "url": u} for r in results for u in sorted(r.found - r.expected)][:examples],
    }


def table(s: dict[str, Any]) -> str:
    rows = [
        ("pages indexed", f"{s['pages']:,} in {s['shards']} shard indexes"),
        ("county", s["county"]),
        ("queries (2–4 character words, seed " + str(s["seed"]) + ")", f"{s['queries']} of {s['candidate_words']:,} "
         f"distinct words ({s['function_words_skipped']:,} function words left out)"),
        ("recall, macro (mean over queries)", f"{s['recall_macro']:.4f}"),
        ("recall, micro (page–word pairs)", f"{s['recall_micro']:.4f} ({s['hit_pairs']:,} of {s['expected_pairs']:,})"),
        ("precision, micro (found pages that contain the word)", f"{s['precision_micro']:.4f} (of {s['found_pairs']:,} found)"),
        ("precision, macro (queries that found something)", f"{s['precision_macro']:.4f}"),
        ("queries with recall < 1", str(s["queries_recall_below_1"])),
        ("queries that found nothing", str(s["queries_found_nothing"])),
        ("queries split into several terms by Chromium's Intl.Segmenter", str(s["queries_split_by_icu"])),
        ("missed pairs: query split / word inside or across Pagefind's words",
         f"{s['missed_pairs_by_cause']['query_split']} / {s['missed_pairs_by_cause']['index_segmentation']}"),
        ("build (govsite build --preview)", f"{s['build_s']:.1f} s" if s["build_s"] is not None else "— (--site)"),
        ("Pagefind load (s1 + mergeIndex)", f"{s['pagefind_load_s'] * 1000:.0f} ms"),
        ("per query: search + all results' data, median / p95", f"{s['query_ms_median']} ms / {s['query_ms_p95']} ms"),
        ("all queries", f"{s['queries_s']:.1f} s"),
    ]
    d = s["unsplit_diagnosis"]
    if d:
        rows += [
            ("diagnosis, query not split (Intl.Segmenter removed): recall macro / micro",
             f"{d['recall_macro']:.4f} / {d['recall_micro']:.4f}"),
            ("diagnosis, query not split: precision micro / macro", f"{d['precision_micro']:.4f} / {d['precision_macro']:.4f}"),
            ("diagnosis, query not split: queries with recall < 1; missed pairs split / inside or across",
             f"{d['queries_recall_below_1']}; {d['missed_pairs_by_cause']['query_split']} / "
             f"{d['missed_pairs_by_cause']['index_segmentation']}"),
        ]
    lines = ["| measure | value |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in rows]
    if s["misses"]:
        lines += ["", "| word | searched as | recall (found / expected) | missing page | indexed text, \\| = Pagefind word boundary |",
                  "|---|---|---:|---|---|"]
        for m in s["misses"]:
            for x in m["missing"]:
                ctx = x["context"].replace("|", "\\|")
                lines.append(f"| {m['word']} | {' + '.join(m['searched_as'])} | {m['recall']} ({m['found']}/{m['expected']}) "
                             f"| {x['url']} | {ctx} |")
    if s["extra"]:
        lines += ["", "found without the word (first " + str(len(s["extra"])) + "): "
                  + ", ".join(f"{e['word']} → {e['url']}" for e in s["extra"])]
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="站内中文搜索召回率（Pagefind，无头 Chromium）")
    ap.add_argument("--queries", type=int, default=300, help="查询词数（默认 300）")
    ap.add_argument("--seed", type=int, default=1, help="抽样随机种子（默认 1）")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--pages", type=int, default=0, help="改用 benchmarks/corpus.py 生成的 N 篇稿件的县（默认：样例县）")
    src.add_argument("--site", type=Path, help="直接测已构建的站点目录（不构建）")
    ap.add_argument("--min-recall", type=float, default=0.95, help="召回率下限（宏、微平均均须达到；默认 0.95）")
    ap.add_argument("--examples", type=int, default=10, help="列出的漏检示例数")
    ap.add_argument("--no-diagnose", action="store_true", help="不做诊断（查询词不经 Intl.Segmenter 切分时的召回率）")
    ap.add_argument("--json", nargs="?", const="-", metavar="FILE", help="输出 JSON（不给文件名时写到标准输出）")
    a = ap.parse_args(argv)
    if a.queries < 1 or a.pages < 0 or a.examples < 0 or not 0 <= a.min_recall <= 1:
        ap.error("--queries 须为正数，--pages、--examples 不能为负，--min-recall 在 0 到 1 之间")
    if a.site is not None and not shards(a.site):
        ap.error(f"{a.site} 下没有 Pagefind 索引（pagefind/*/pagefind.js）")
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    with tempfile.TemporaryDirectory(prefix="govsite-recall-") as tmp:
        build_s: float | None = None
        if a.site is not None:
            site, county = a.site, str(a.site)
        else:
            work = Path(tmp)
            if a.pages:
                root, county = synthetic_county(work / "county", a.pages, a.seed), f"synthetic, {a.pages:,} pages (corpus.py)"
            else:
                root, county = sample_county(work / "county"), "sample county (content/, units/, site_config/)"
            site = work / "site"
            build_s = build(root, site)
        pages = indexed_pages(site)
        bundles = len(shards(site))
        words, skipped = candidate_words(pages)
        queries = draw(words, a.queries, a.seed)
        start = time.monotonic()
        try:
            found, ms, terms, load = run_queries(site, queries)
        except UsageError as exc:
            print(f"search_recall: {exc}", file=sys.stderr)
            return 2
        queries_s = time.monotonic() - start
        diagnosis = None
        if not a.no_diagnose:
            found2, ms2, terms2, _ = run_queries(site, queries, split=False)
            unsplit = measure(pages, queries, found2, ms2, terms2)
            d = summary(unsplit, pages, 0)
            diagnosis = {k: d[k] for k in ("recall_macro", "recall_micro", "precision_micro", "precision_macro",
                                           "queries_recall_below_1", "found_pairs")}
            diagnosis["missed_pairs_by_cause"] = causes(unsplit, pages)
    results = measure(pages, queries, found, ms, terms)
    s = {"county": county, "pages": len(pages), "shards": bundles, "seed": a.seed,
         "candidate_words": len(words), "function_words_skipped": skipped, "build_s": build_s,
         "pagefind_load_s": round(load, 3), "queries_s": round(queries_s, 2), **summary(results, pages, a.examples),
         "queries_split_by_icu": sum(1 for r in results if len(r.terms) > 1),
         "missed_pairs_by_cause": causes(results, pages), "unsplit_diagnosis": diagnosis}
    ok = s["recall_macro"] >= a.min_recall and s["recall_micro"] >= a.min_recall
    s["min_recall"], s["pass"] = a.min_recall, ok
    if a.json == "-":
        print(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        if a.json:
            Path(a.json).write_text(json.dumps(s, ensure_ascii=False, indent=2), encoding="utf-8")
        print(table(s))
        print(f"\n{'PASS' if ok else 'FAIL'}: recall macro {s['recall_macro']:.4f}, micro {s['recall_micro']:.4f} "
              f"(minimum {a.min_recall})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
