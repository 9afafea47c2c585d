"""Learning the county's own vocabulary from its approved pages (``content/``).

Place and organisation names recur on a county site (``大昌镇``, ``齐圣村``, ``县农业农村委``); they are often
missing from general dictionaries, so a statistical checker would otherwise "correct" them.  Every name-like
term (ending in an administrative or organisational suffix) that occurs at least twice is learnt: it is never
flagged, and its one-character misspellings are (rule ``typo.domain-term``).

A span the statistical check would flag is left alone when the same characters occur in at least two of
the site's pages: a recurring local usage (``政银企``) is vocabulary, not a typo.

The result is cached under the typo cache folder, keyed by a hash of the pages' paths, sizes and mtimes.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import Counter
from pathlib import Path

SUFFIXES_RE = (
    "街道|社区|居委会|村委会|合作社|委员会|办公室|服务中心|中心|公司|协会|管委会|"
    "省|市|县|区|镇|乡|村|组|局|委|办|站|所|队|院|校|馆|场|园|厂|处|科|股|室"
)
HAN = re.compile(r"[\u4e00-\u9fff]+")
_SUFFIX = re.compile(SUFFIXES_RE)
# Function characters that do not start a name (a match may begin with the word before the name).
_BAD_FIRST = set("的在和与及对为是了从向于将把被由以到等并或也都在该本其各全我各")
MIN_COUNT = 2
MAX_TERMS = 5000


def _pages(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.is_file())


def _fingerprint(root: Path, pages: list[Path]) -> str:
    h = hashlib.sha1()
    for p in pages:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def learn_terms(content_root: Path | None) -> dict[str, int]:
    return learn(content_root)[0]


def learn(content_root: Path | None) -> tuple[dict[str, int], list[str]]:
    """(name-like terms with their counts, the Chinese text of every page) for ``content_root``, cached."""
    if content_root is None or not Path(content_root).is_dir():
        return {}, []
    root = Path(content_root)
    pages = _pages(root)
    if not pages:
        return {}, []
    from checks.cachedir import read_pickle, write_atomic
    from checks.typo.build import cache_dir

    fp = _fingerprint(root, pages)
    cache = cache_dir() / f"domain-{hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:12]}.pickle"
    stored = read_pickle(cache)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == fp:
        return stored[1], stored[2]
    texts = []
    for p in pages:
        try:
            texts.append(p.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    terms = learn_from_texts(texts)
    han = ["|".join(HAN.findall(t)) for t in texts]
    write_atomic(cache, pickle.dumps((fp, terms, han), protocol=pickle.HIGHEST_PROTOCOL))
    try:
        from checks.typo.build import prune

        prune(cache.parent, "domain-")
    except OSError:
        pass
    return terms, han


def learn_from_texts(texts) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for text in texts:
        for run in HAN.findall(text):
            for m in _SUFFIX.finditer(run):
                end = m.end()
                for start in range(max(0, end - 10), end - 2):
                    counts[run[start:end]] += 1
    table = {t: c for t, c in counts.items() if c >= MIN_COUNT}
    longer: dict[str, int] = {}
    for t, c in table.items():
        tail = t[1:]
        if longer.get(tail, 0) < c:
            longer[tail] = c
    out: dict[str, int] = {}
    for term, c in table.items():
        if term[0] in _BAD_FIRST:
            continue
        # the left edge is where extending by one more character loses most occurrences
        if longer.get(term, 0) >= 0.8 * c:
            continue
        out[term] = c
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:MAX_TERMS])
