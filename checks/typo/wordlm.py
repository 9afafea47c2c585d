"""Sunpinyin's word model (词语模型): the best segmentation cost of a window of text under its back-off bigrams."""

from __future__ import annotations

import bisect

from checks.typo.scoring import UNKNOWN_COST


class WordLM:
    """Back-off word-bigram model (sunpinyin open-gram), scored over the best segmentation of a window."""

    def __init__(self, lex, uni_c: bytes, uni_b: bytes, bk: bytes, bc: bytes) -> None:
        self.lex = lex
        # views of the model's bytes, not copies (30 MB copied at every start took 15 ms)
        self.uc = memoryview(uni_c).cast("f")
        self.ub = memoryview(uni_b).cast("f")
        self.bk = memoryview(bk).cast("Q")
        self.bc = memoryview(bc).cast("f")
        self.n = len(self.bk)
        self._bi: dict[int, float] = {}

    def bigram(self, u: int, v: int) -> float:
        key = u << 17 | v
        got = self._bi.get(key)
        if got is not None:
            return got
        i = bisect.bisect_left(self.bk, key)
        if i < self.n and self.bk[i] == key:
            got = self.bc[i]
        else:
            got = self.ub[u] + self.uc[v]
        if len(self._bi) > 500_000:
            self._bi.clear()
        self._bi[key] = got
        return got

    def cost1(self, s: str) -> float:
        """Unigram cost of the best segmentation: a cheap first estimate (gate) of :meth:`cost`."""
        n = len(s)
        ends: list[list[tuple[int, float]]] = [[] for _ in range(n + 1)]
        uc = self.uc
        single = [False] * n
        for end, value in self.lex.iter(s):
            length = value & 15
            ends[end + 1].append((end - length + 1, uc[value >> 4]))
            if length == 1:
                single[end] = True
        best = [0.0] * (n + 1)
        for e in range(1, n + 1):
            b = best[e - 1] + UNKNOWN_COST if not single[e - 1] else 1e9
            for start, c in ends[e]:
                c += best[start]
                if c < b:
                    b = c
            best[e] = b
        return best[n]

    def cost(self, s: str) -> float:
        """-log P of the best segmentation of ``s`` (a window cut out of a sentence)."""
        n = len(s)
        ends: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
        single = [False] * n
        for end, value in self.lex.iter(s):
            length = value & 15
            start = end - length + 1
            ends[end + 1].append((start, value >> 4))
            if length == 1:
                single[start] = True
        for i in range(n):
            if not single[i]:
                ends[i + 1].append((i, -1))
        best: list[tuple] = [()] * (n + 1)
        best[0] = ((0, 0.0),)
        cache = self._bi
        bigram = self.bigram
        for e in range(1, n + 1):
            cur: dict[int, float] = {}
            for start, wid in ends[e]:
                prev = best[start]
                if not prev:
                    continue
                if wid < 0:
                    c = min(pc for _u, pc in prev) + UNKNOWN_COST
                    wid = 0
                else:
                    c = 1e18
                    for u, pc in prev:
                        x = cache.get(u << 17 | wid)
                        if x is None:
                            x = bigram(u, wid)
                        x += pc
                        if x < c:
                            c = x
                old = cur.get(wid)
                if old is None or c < old:
                    cur[wid] = c
            best[e] = tuple(cur.items())
        return min(pc for _u, pc in best[n]) if best[n] else 0.0
