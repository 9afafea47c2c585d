"""The typo engine proper: model loading, the statistical confusion check and proper-name variants.

See the package docstring (:mod:`checks.typo`) for the design and the choice of sources.
"""

from __future__ import annotations

import array
import bisect
import gc
import pickle
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import ahocorasick

from checks.typo import DATA_VERSION, RULE_CONFUSION, RULE_DOMAIN_TERM, RULE_PROPER_NAME, TypoHit
from checks.typo import build as _build
from checks.typo.domain import learn_terms

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")

# The state leaders (general knowledge, not read off any benchmark): a misspelling is always an error.
STATE_LEADERS = ("习近平", "李强", "赵乐际", "王沪宁", "蔡奇", "丁薛祥", "李希", "韩正")

WINDOW = 4            # characters of context on each side scored by the language model
UNKNOWN_COST = 14.0   # cost (nats) of a character the language model does not know
# Minimum language-model gain (nats) for a correction, by (coverage tier, confusion class).
# Tier: 0 = the character is in no dictionary word, 1 = only in rare words, 2 = in a frequent word.
# Class: 0 = same pinyin (toneless), 1 = look-alike or fuzzy pinyin (z/zh, n/l, -n/-ng),
# 2 = a whole two/three-character homophone word.
THRESHOLDS = {
    (0, 0): 11.0, (0, 1): 11.0, (0, 2): 11.0,
    (1, 0): 11.0, (1, 1): 11.0, (1, 2): 11.0,
    (2, 0): 99.0, (2, 1): 99.0, (2, 2): 99.0,
}
MAX_TIER = 2  # characters covered at this tier or above are not examined at all (speed, precision)


def _fuzzy(p: str) -> set[str]:
    out = {p}
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if p.startswith(a):
            out.add(b + p[2:])
        elif p.startswith(b):
            out.add(a + p[1:])
    for x in list(out):
        if x.startswith("n"):
            out.add("l" + x[1:])
        elif x.startswith("l"):
            out.add("n" + x[1:])
    for x in list(out):
        for a, b in (("ang", "an"), ("eng", "en"), ("ing", "in")):
            if x.endswith(a):
                out.add(x[: -len(a)] + b)
            elif x.endswith(b):
                out.add(x + "g")
    return out


class WordLM:
    """Back-off word-bigram model (sunpinyin open-gram), scored over the best segmentation of a window."""

    def __init__(self, lex, uni_c: bytes, uni_b: bytes, bk: bytes, bc: bytes, bb: bytes = b"", tk: bytes = b"",
                 tc: bytes = b"") -> None:
        self.lex = lex
        self.uc = array.array("f")
        self.uc.frombytes(uni_c)
        self.ub = array.array("f")
        self.ub.frombytes(uni_b)
        self.bk = array.array("Q")
        self.bk.frombytes(bk)
        self.bc = array.array("f")
        self.bc.frombytes(bc)
        self.n = len(self.bk)
        self.bb = array.array("f")
        self.bb.frombytes(bb)
        self.tk = array.array("Q")
        self.tk.frombytes(tk)
        self.tc = array.array("f")
        self.tc.frombytes(tc)
        self.nt = len(self.tk)
        self.trigram_on = False  # measured: no gain over the bigram path on the dev set, 3x slower
        self._bi: dict[int, float] = {}
        self._bow: dict[int, float] = {}
        self._tri: dict[int, float] = {}

    def bow2(self, u: int, v: int) -> float:
        key = u << 17 | v
        got = self._bow.get(key)
        if got is None:
            i = bisect.bisect_left(self.bk, key)
            got = self.bb[i] if i < self.n and self.bk[i] == key else 0.0
            if len(self._bow) > 500_000:
                self._bow.clear()
            self._bow[key] = got
        return got

    def trigram(self, u: int, v: int, w: int) -> float:
        key = u << 34 | v << 17 | w
        got = self._tri.get(key)
        if got is None:
            i = bisect.bisect_left(self.tk, key)
            if i < self.nt and self.tk[i] == key:
                got = self.tc[i]
            else:
                got = self.bow2(u, v) + self.bigram(v, w)
            if len(self._tri) > 500_000:
                self._tri.clear()
            self._tri[key] = got
        return got

    def cost3(self, s: str) -> float:
        """Like :meth:`cost`, with the trigram model (states are word pairs)."""
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
        best: list[dict[tuple[int, int], float]] = [{} for _ in range(n + 1)]
        best[0] = {(0, 0): 0.0}
        trigram = self.trigram
        for e in range(1, n + 1):
            cur = best[e]
            for start, wid in ends[e]:
                prev = best[start]
                if not prev:
                    continue
                if wid < 0:
                    for (_u, v), pc in prev.items():
                        c = pc + UNKNOWN_COST
                        old = cur.get((v, 0))
                        if old is None or c < old:
                            cur[(v, 0)] = c
                    continue
                for (u, v), pc in prev.items():
                    c = pc + trigram(u, v, wid)
                    old = cur.get((v, wid))
                    if old is None or c < old:
                        cur[(v, wid)] = c
        return min(best[n].values()) if best[n] else 0.0

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
        best: list[dict[int, float]] = [{} for _ in range(n + 1)]
        best[0] = {0: 0.0}
        bigram = self.bigram
        for e in range(1, n + 1):
            cur = best[e]
            for start, wid in ends[e]:
                prev = best[start]
                if not prev:
                    continue
                if wid < 0:
                    c = min(prev.values()) + UNKNOWN_COST
                    wid = 0
                else:
                    c = min(pc + bigram(u, wid) for u, pc in prev.items())
                old = cur.get(wid)
                if old is None or c < old:
                    cur[wid] = c
        return min(best[n].values()) if best[n] else 0.0


class TypoEngine:
    """Finds typos in page text. Build with :meth:`load` (or :func:`checks.typo.load_engine`)."""

    def __init__(self, model: dict, proper_names: Mapping[str, str], terms: Mapping[str, int] | None = None) -> None:
        self.lm = WordLM(model["lex"], model["uni_c"], model["uni_b"], model["bk"], model["bc"],
                         model.get("bb", b""), model.get("tk", b""), model.get("tc", b""))
        self.words = model["words"]
        self.masked = model["masked"]
        self.homophones = model["homophones"]
        self.py: dict[str, str] = model["py"]
        self.py2c: dict[str, str] = model["py2c"]
        self.same_pinyin: dict[str, str] = model["same_pinyin"]
        self.same_stroke: dict[str, str] = model["same_stroke"]
        self._class: dict[tuple[str, str], int | None] = {}
        self.debug = False
        names: dict[str, str] = {n: "leader" for n in STATE_LEADERS}
        names.update({n: k for n, k in proper_names.items() if n})
        self.names = names
        self.terms = dict(terms or {})
        self._build_local()

    # -- construction ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, proper_names: Mapping[str, str], content_root: Path | None = None) -> "TypoEngine":
        model = load_model()
        terms = learn_terms(content_root) if content_root is not None else {}
        return cls(model, proper_names, terms)

    def _build_local(self) -> None:
        """Project words (never flagged) and the misspellings of names and learnt terms (always flagged)."""
        local = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        variants = ahocorasick.Automaton()
        self._nvariants = 0
        entries: list[tuple[str, str, str]] = []  # (name, kind, rule)
        for name, kind in self.names.items():
            entries.append((name, kind, RULE_PROPER_NAME))
        for term in self.terms:
            if term not in self.names:
                entries.append((term, "term", RULE_DOMAIN_TERM))
        protected = set()
        for name, _kind, _rule in entries:
            for part in HAN_RUN.findall(name):
                protected.add(part)
                local.add_word(part)
        seen: dict[str, tuple] = {}
        for name, kind, rule in entries:
            for part in HAN_RUN.findall(name):
                if len(part) < 2:
                    continue
                for q, ch in enumerate(part):
                    for c2 in self._name_confusables(ch, len(part)):
                        v = part[:q] + c2 + part[q + 1:]
                        if v in protected or self.words.exists(v) or v in seen:
                            continue
                        seen[v] = (part, kind, rule)
        for v, value in seen.items():
            variants.add_word(v, value)
        self._nvariants = len(seen)
        if len(local):
            local.make_automaton()
        if len(variants):
            variants.make_automaton()
        self.local = local if len(local) else None
        self.variants = variants if len(variants) else None

    def _name_confusables(self, ch: str, length: int) -> str:
        out = set(self.same_pinyin.get(ch, ""))
        for r in self.py.get(ch, "").split("|"):
            if r:
                out.update(self.py2c.get(r, ""))
        if length >= 3:
            out.update(self.same_stroke.get(ch, ""))
        out.discard(ch)
        return "".join(sorted(out))

    # -- confusion classes ----------------------------------------------------------------------------
    def conf_class(self, c: str, c2: str) -> int | None:
        key = (c, c2)
        got = self._class.get(key, -1)
        if got != -1:
            return got  # type: ignore[return-value]
        pc = set(self.py.get(c, "").split("|")) - {""}
        p2 = set(self.py.get(c2, "").split("|")) - {""}
        if c2 in self.same_pinyin.get(c, "") or pc & p2:
            got = 0
        elif c2 in self.same_stroke.get(c, "") or any(_fuzzy_cached(p) & p2 for p in pc):
            got = 1
        else:
            got = None
        self._class[key] = got
        return got

    # -- finding --------------------------------------------------------------------------------------
    def find(self, text: str) -> list[TypoHit]:
        hits: list[tuple[float, TypoHit]] = []
        covered_global: bytearray | None = None
        if self.variants is not None:
            for end, (name, kind, rule) in self.variants.iter(text):
                start = end - len(name) + 1
                if covered_global is None:
                    covered_global = self._coverage(text)
                if self._name_variant_ok(text, start, end + 1, covered_global):
                    note = _NAME_NOTES.get(kind, "")
                    hits.append((1000.0, TypoHit(start, end + 1, text[start:end + 1], name, rule, note)))
        for m in HAN_RUN.finditer(text):
            base = m.start()
            for a, b, r, score in self._statistical(m.group()):
                hits.append((score, TypoHit(base + a, base + b, text[base + a:base + b], r, RULE_CONFUSION)))
        hits.sort(key=lambda h: -h[0])
        taken: set[int] = set()
        out: list[TypoHit] = []
        for _score, h in hits:
            if any(q in taken for q in range(h.start, h.end)):
                continue
            taken.update(range(h.start, h.end))
            out.append(h)
        out.sort(key=lambda h: h.start)
        return out

    def _coverage(self, s: str) -> bytearray:
        """Per character: 2 inside a frequent word or a local name, 1 inside a rare word only, 0 in no word."""
        cov = bytearray(len(s))
        for end, value in self.words.iter(s):
            length = value & 15
            level = 2 if value & 16 else 1
            for q in range(end - length + 1, end + 1):
                if cov[q] < level:
                    cov[q] = level
        if self.local is not None:
            two = b"\x02"
            for end, length in self.local.iter(s):
                cov[end - length + 1:end + 1] = two * length
        return cov

    def _name_variant_ok(self, text: str, start: int, end: int, cov: bytearray) -> bool:
        """A misspelt name must stand on its own: no dictionary word crosses its edges."""
        for end2, value in self.words.iter(text[max(0, start - 5):end + 5]):
            length = value & 15
            s2 = max(0, start - 5) + end2 - length + 1
            e2 = s2 + length
            if s2 < start < e2 or s2 < end < e2:
                return False
        return True

    def _statistical(self, s: str) -> list[tuple[int, int, str, float]]:
        n = len(s)
        cov = self._coverage(s)
        if all(cov):
            return []
        cands: dict[tuple[int, int, str], tuple[int, int]] = {}
        max_tier = MAX_TIER
        masked_get = self.masked.get
        conf_class = self.conf_class
        for i in range(n):
            tier = cov[i]
            if tier >= max_tier:
                continue
            c = s[i]
            for length in (2, 3, 4):
                for j in range(max(0, i - length + 1), min(i, n - length) + 1):
                    k = i - j
                    fills = masked_get(s[j:i] + "?" + s[i + 1:j + length], None)
                    if not fills:
                        continue
                    for c2 in fills:
                        if c2 == c:
                            continue
                        cl = conf_class(c, c2)
                        if cl is not None:
                            key = (i, i + 1, c2)
                            if key not in cands or cands[key][1] > cl:
                                cands[key] = (tier, cl)
        # whole-word homophones (鱼蒜 → 预算): spans of uncovered characters
        for length in (2, 3):
            for j in range(0, n - length + 1):
                tier = max(cov[j:j + length])
                if tier >= max_tier:
                    continue
                span = s[j:j + length]
                keys = [""]
                for ch in span:
                    rs = self.py.get(ch, "")
                    if not rs:
                        keys = []
                        break
                    keys = [k + "|" + r if k else r for k in keys for r in rs.split("|")]
                for key in keys:
                    words = self.homophones.get(key, None)
                    if not words:
                        continue
                    for w in words.split(" "):
                        if w != span and sum(1 for x, y in zip(w, span) if x != y) >= 2:
                            cands[(j, j + length, w)] = (tier, 2)
        if not cands:
            return []
        out: list[tuple[int, int, str, float]] = []
        base_cost: dict[tuple[int, int], float] = {}
        lm_cost = self.lm.cost3 if self.lm.trigram_on else self.lm.cost
        for (a, b, r), tier_class in cands.items():
            lo = max(0, a - WINDOW)
            hi = min(n, b + WINDOW)
            old = base_cost.get((lo, hi))
            if old is None:
                old = base_cost[(lo, hi)] = lm_cost(s[lo:hi])
            gain = old - lm_cost(s[lo:a] + r + s[b:hi])
            if gain > THRESHOLDS[tier_class]:
                out.append((a, b, r, gain) if not self.debug else (a, b, r, gain, tier_class))
        return out


_NAME_NOTES = {
    "leader": "国家领导人或本县领导姓名写错属严重错误。",
    "unit": "本县单位名称写错属严重错误。",
    "place": "本县地名写错属严重错误。",
    "title": "职务名称写错属严重错误。",
    "term": "本站已发布稿件中多次使用该名称。",
}


@lru_cache(maxsize=4096)
def _fuzzy_cached(p: str) -> frozenset[str]:
    return frozenset(_fuzzy(p))


_MODEL: dict | None = None


def load_model() -> dict:
    """The shipped model from the cache, built on first use (with a one-line notice on stderr)."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    path = _build.model_path()
    model = None
    if path.is_file():
        try:
            gc.disable()
            with open(path, "rb") as fh:
                model = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt
            model = None
        finally:
            gc.enable()
        if not isinstance(model, dict) or model.get("version") != DATA_VERSION:
            model = None
    if model is None:
        print("错别字检查：首次使用，正在生成模型缓存（约 20 秒）……", file=sys.stderr)
        _build.build(path)
        with open(path, "rb") as fh:
            model = pickle.load(fh)
    _MODEL = model
    return model
