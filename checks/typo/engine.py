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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from checks.typo import DATA_VERSION, RULE_CONFUSION, RULE_DOMAIN_TERM, RULE_PROPER_NAME, TypoHit
from checks.typo import build as _build
from checks.typo import libime as _libime
from checks.typo.charlm import CharLM
from checks.typo.domain import learn

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")

# The state leaders (general knowledge, not read off any benchmark): a misspelling is always an error.
STATE_LEADERS = ("习近平", "李强", "赵乐际", "王沪宁", "蔡奇", "丁薛祥", "李希", "韩正")

OFFICIAL_TERMS = tuple(
    line.strip() for line in (Path(__file__).with_name("official_terms.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
PLACE_SUFFIX = frozenset("省市县区镇乡村街路巷里屯寨湾坪坝沟岭山河湖江")
VILLAGE_SUFFIX = frozenset("村镇乡寨屯")
WINDOW = 4            # characters of context on each side scored by the language model
UNKNOWN_COST = 14.0   # cost (nats) of a character the language model does not know
# Minimum word-model gain (nats) for a correction, by (coverage tier, confusion class), used only when the
# character model is not installed (see Score below for the usual path).
# Tier: 0 = the character is in no dictionary word, 1 = only in rare words, 2 = in a frequent word.
# Class: 0 = same pinyin (toneless), 1 = look-alike or fuzzy pinyin (z/zh, n/l, -n/-ng),
# 2 = a whole two/three-character homophone word, 3 = any replacement of an uncommon character that is in no
# word (measured on the dev set: +0.003 F1 for twice the candidates, so it is off), 4 = a character that
# shares a component with the one written (颈/领), for a character in no word, 5 = a frequent two-character
# word that is no part of a longer word, replaced by a homophone word of its usual reading (自愿/资源, 礼仪/利益,
# 时常/市场): the real-word slips of a pinyin input method. Class 5 needs the character model.
THRESHOLDS = {
    (0, 0): 8.5, (0, 1): 10.0, (0, 2): 12.0, (0, 3): 99.0,
    (1, 0): 12.0, (1, 1): 12.0, (1, 2): 16.0,
    (2, 0): 99.0, (2, 1): 99.0, (2, 2): 99.0,
}
# With the character model (:mod:`checks.typo.charlm`), a candidate's evidence is one logistic score, fitted
# (iteratively reweighted least squares, ``benchmarks/typo_fit.py``) on the development file's candidates:
#   z = bias + word*gain + char*char_gain + both*min(gain, char_gain) + trigram*trigram_gain
#       + old*rarity(original) + new*rarity(replacement)
#       + new_word*longest word covering the replacement + new_strong*the same for frequent words
#       + old_word*longest word covering the original + tier/class offset + edge offsets
# where gain is sunpinyin's word-bigram gain, trigram_gain libime's word-trigram gain (:mod:`checks.typo.libime`),
# gains are in nats, rarity() is the mean character unigram cost in running text, word lengths are in
# characters, and a correction is reported when z > accept (z is the log-odds that the candidate is right).
# A candidate at the edge of a run (next to punctuation) has context on one side only.
FUNCTION_TIER = 3  # the tier given to a function character (的 里 不 和 …) that is in no word


@dataclass
class Score:
    """The weights of one logistic score (see above); ``offsets`` by (tier, class), a missing class is off."""

    bias: float
    word: float
    char: float
    both: float
    trigram: float
    old: float
    new: float
    new_word: float
    new_strong: float
    old_word: float
    left_edge: float
    right_edge: float
    offsets: dict[tuple[int, int], float]
    accept: float  # a candidate above this is a sure finding

    def z(self, gain: float, char_gain: float, trigram_gain: float, offset: float) -> float:
        """Log-odds that a candidate is the right correction (``offset``: its class and other features)."""
        return (self.bias + self.word * gain + self.char * char_gain + self.both * min(gain, char_gain)
                + self.trigram * trigram_gain + offset)


# The character model and sunpinyin's word bigrams (when libime's model is not installed).
# Offsets (2, 5) and (3, 0) set by hand on the development file, each with a margin before a cliff of false
# alarms: (2, 5) at 6 gains 0.02 F1, at 7 triples them; (3, 0) at 3 adds two false alarms in 31,000 characters.
SCORE_BIGRAMS = Score(bias=-8.632, word=0.305, char=0.566, both=-0.127, trigram=0.0,
                      old=-0.435, new=0.433, new_word=1.238, new_strong=0.407, old_word=-2.618,
                      left_edge=0.35, right_edge=-0.104,
                      offsets={(0, 0): 0.0, (0, 1): -0.769, (0, 2): -2.726, (0, 4): -3.503,
                               (1, 0): 5.532, (1, 1): 4.763, (1, 2): 2.806, (2, 5): 4.0, (FUNCTION_TIER, 0): 0.0},
                      accept=0.7)  # 0.6: one more false alarm in 31,000 clean characters, F1 +0.002
# The character model, sunpinyin's word bigrams and libime's word trigrams (when Debian's
# libime-data-language-model and the kenlm module are installed): fitted as a whole, offsets included
# (``benchmarks/typo_fit.py``); accept set on the development file: 0.7 gives correction F1 +0.015 but 0.96 false
# alarms per 10,000 clean characters instead of 0.64, 1.5 gives 0.32 and F1 -0.028.
# (2, 5) lowered by hand from the fitted 2.898: half the false alarms on the clean sentences, none on the sample
# county (集中驻防 was taken for 住房), correction F1 -0.003.
SCORE_TRIGRAMS = Score(bias=-8.554, word=0.131, char=0.444, both=-0.062, trigram=0.251,
                       old=-0.387, new=0.363, new_word=1.022, new_strong=0.322, old_word=-0.511,
                       left_edge=0.177, right_edge=-0.128,
                       offsets={(0, 0): 0.0, (0, 1): -0.492, (0, 2): -3.223, (0, 4): -3.438,
                                (1, 0): 1.936, (1, 1): -0.025, (1, 2): 0.006, (2, 5): 2.4, (FUNCTION_TIER, 0): 0.340},
                       accept=1.0)
# A candidate scoring above WEAK_Z but not the score's ``accept`` is reported only in a sentence that already
# has a sure finding: slips come in clusters, so one sure error raises the odds of the next.
WEAK_Z = -1.5
DOC_NUMBER_YEAR = re.compile(r"[〔［[（(]\d{4}[〕］\]）)]")
SURE_ONLY = {(2, 5)}  # classes whose weak candidates do not count, even next to a sure finding
SENTENCE_END = re.compile(r"[。！？!?\n]")
LOOKALIKE_TIER = 0  # class 4 only for a character in no word
MIN_CHAR_GAIN = 2.0  # below this the score cannot pass on the development set (5 of 593 lost); saves 64% of work
CHEAP_MARGIN = 8.0  # the unigram estimate of the word gain may fall short of the exact gain by this much
SECOND_PASS = True  # re-examine a run once with the first pass's corrections applied
QUOTED_TERM = 6  # a run of at most this many characters standing alone in quotation marks is not corrected
OPEN_QUOTES = "“‘「『\"'"
CLOSE_QUOTES = "”’」』\"'"
GATE_WINDOW = 2   # context of the cheap unigram estimate
GATE_MARGIN = 8.0  # the unigram estimate may fall short of the threshold by this much before the bigram pass
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

    def __init__(self, lex, uni_c: bytes, uni_b: bytes, bk: bytes, bc: bytes) -> None:
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


class TypoEngine:
    """Finds typos in page text. Build with :meth:`load` (or :func:`checks.typo.load_engine`)."""

    def __init__(self, model: dict, proper_names: Mapping[str, str], terms: Mapping[str, int] | None = None,
                 pages: list[str] | None = None) -> None:
        self.lm = WordLM(model["lex"], model["uni_c"], model["uni_b"], model["bk"], model["bc"])
        self.has_lm = bool(model.get("has_lm", True))
        self.clm = CharLM(model["clm"]) if model.get("clm") else None
        libime_path, libime_words = model.get("libime") or (None, None)
        self.trigrams = _libime.load(libime_path, libime_words) if self.clm is not None else None
        self.score = SCORE_TRIGRAMS if self.trigrams is not None else SCORE_BIGRAMS
        self.words = model["words"]
        self.masked = model["masked"]
        self.homophones = model["homophones"]
        self.alternatives: dict[str, str] = model.get("alternatives") or {}
        self.py: dict[str, str] = model["py"]
        self.py2c: dict[str, str] = model["py2c"]
        self.same_pinyin: dict[str, str] = model["same_pinyin"]
        self.same_stroke: dict[str, str] = model["same_stroke"]
        self.components: dict[str, str] = model.get("components") or {}
        self._alike: dict[str, frozenset[str]] = {}
        self._by_component: dict[str, set[str]] | None = None
        self._conf: dict[str, dict[str, int]] = {}
        self.function_chars = frozenset(model.get("function_chars", ""))
        self.common = frozenset(model.get("common", ""))
        self.debug = False
        names: dict[str, str] = {n: "leader" for n in STATE_LEADERS}
        names.update({n: k for n, k in proper_names.items() if n})
        self.names = names
        self.terms = dict(terms or {})
        self.pages = list(pages or [])
        self._run_cache: dict[str, list[tuple]] = {}
        self._build_local()
        # The model is hundreds of thousands of long-lived containers: left in the collector's generations,
        # every full collection walks them all (measured: two thirds of the check time on dense text).
        gc.freeze()

    def forget(self) -> None:
        """Empty the memories kept between calls (benchmarks time a cold pass this way)."""
        self._run_cache.clear()
        self.lm._bi.clear()
        if self.trigrams is not None:
            self.trigrams.forget()

    # -- construction ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, proper_names: Mapping[str, str], content_root: Path | None = None) -> "TypoEngine":
        model = load_model()
        terms, pages = learn(content_root) if content_root is not None else ({}, [])
        return cls(model, proper_names, terms, pages)

    def _build_local(self) -> None:
        """Project words (never flagged) and the misspellings of names and learnt terms (always flagged).

        Cached (pickled automata) by a hash of the names, the learnt terms and the official terms."""
        import hashlib

        key = hashlib.sha1(repr((DATA_VERSION, sorted(self.names.items()), sorted(self.terms),
                                 OFFICIAL_TERMS)).encode()).hexdigest()[:16]
        from checks.cachedir import read_pickle, write_atomic

        path = _build.cache_dir() / f"local-{key}.pickle"
        stored = read_pickle(path)
        if isinstance(stored, tuple) and len(stored) == 3:
            self.local, self.variants, self._nvariants = stored
            return
        self._make_local()
        write_atomic(path, pickle.dumps((self.local, self.variants, self._nvariants), protocol=pickle.HIGHEST_PROTOCOL))
        _build.prune(path.parent, "local-")

    def _make_local(self) -> None:
        local = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        variants = ahocorasick.Automaton()
        self._nvariants = 0
        entries: list[tuple[str, str, str]] = []  # (name, kind, rule)
        for name, kind in self.names.items():
            entries.append((name, kind, RULE_PROPER_NAME))
        for term in self.terms:
            if term not in self.names:
                entries.append((term, "term", RULE_DOMAIN_TERM))
        protected = set(OFFICIAL_TERMS)
        for term in OFFICIAL_TERMS:
            local.add_word(term)
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
    def confusables(self, c: str) -> dict[str, int]:
        """Candidate replacements of ``c`` with their confusion class (0 same pinyin, 1 look-alike/fuzzy)."""
        got = self._conf.get(c)
        if got is not None:
            return got
        got = {}
        readings = [r for r in self.py.get(c, "").split("|") if r]
        for r in readings:
            for c2 in self.py2c.get(r, ""):
                got[c2] = 0
        for c2 in self.same_pinyin.get(c, ""):
            got[c2] = 0
        for c2 in self.same_stroke.get(c, ""):
            got.setdefault(c2, 1)
        for r in readings:
            for f in _fuzzy_cached(r):
                for c2 in self.py2c.get(f, ""):
                    got.setdefault(c2, 1)
        got.pop(c, None)
        self._conf[c] = got
        return got

    def _share_component(self, a: str, b: str) -> bool:
        """Look-alikes by decomposition: a shared component, or one is a component of the other (也/地)."""
        return b in self._lookalikes(a)

    def _lookalikes(self, a: str) -> frozenset[str]:
        got = self._alike.get(a)
        if got is None:
            if self._by_component is None:
                index: dict[str, set[str]] = {}
                for ch, parts in self.components.items():
                    for part in parts:
                        index.setdefault(part, set()).add(ch)
                self._by_component = index
            parts = self.components.get(a, "")
            out = set(parts) | self._by_component.get(a, set())
            for part in parts:
                out |= self._by_component.get(part, set())
            out.discard(a)
            got = self._alike[a] = frozenset(out)
        return got

    # -- finding --------------------------------------------------------------------------------------
    def find(self, text: str) -> list[TypoHit]:
        hits: list[tuple[float, TypoHit]] = []
        weak: list[tuple[float, TypoHit]] = []
        if self.variants is not None:
            for end, (name, kind, rule) in self.variants.iter(text):
                start = end - len(name) + 1
                if self._name_variant_ok(text, start, end + 1):
                    note = _NAME_NOTES.get(kind, "")
                    # names first, the longest name first (全称 before 简称)
                    hits.append((1000.0 + len(name), TypoHit(start, end + 1, text[start:end + 1], name, rule, note)))
        for m in HAN_RUN.finditer(text):
            base = m.start()
            run = m.group()
            if QUOTED_TERM and len(run) <= QUOTED_TERM and base and text[base - 1] in OPEN_QUOTES \
                    and text[m.end():m.end() + 1] in CLOSE_QUOTES and m.end() < len(text):
                continue  # a short quoted term (“访惠聚”, a slogan, a coined abbreviation) is deliberate wording
            if DOC_NUMBER_YEAR.match(text, m.end()):
                continue  # the issuer's code of a document number (巫农执罚〔2026〕17号) is no prose
            found = self._run_cache.get(run)
            if found is None:
                found = self._check_run(run)
                if len(self._run_cache) > 50_000:
                    self._run_cache.clear()
                self._run_cache[run] = found  # boilerplate repeats across pages
            for a, b, r, score, sure in found:
                if self.pages and self._local_usage(run, a, b):
                    continue
                hit = TypoHit(base + a, base + b, text[base + a:base + b], r, RULE_CONFUSION)
                (hits if sure else weak).append((score, hit))
        if weak and hits:
            # slips come in clusters (a sentence typed in a hurry): in a sentence with a sure finding, a
            # candidate above WEAK_Z counts too
            ends = [m.start() for m in SENTENCE_END.finditer(text)]
            sure_sentences = {bisect.bisect_left(ends, h.start) for _score, h in hits}
            hits.extend(x for x in weak if bisect.bisect_left(ends, x[1].start) in sure_sentences)
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

    def _check_run(self, run: str) -> list[tuple]:
        """Statistical corrections (start, end, replacement, score, sure) inside one run of Chinese characters.

        ``sure`` is True for a score above the score's ``accept``; the others (above WEAK_Z) count only in a
        sentence with a sure finding (see :meth:`find`)."""
        cands = self._statistical(run)
        accept = self.score.accept
        found = self._resolve([c for c in cands if c[3] > accept])
        if found and SECOND_PASS:
            # errors often come in pairs: look again with the first corrections applied
            fixed = list(run)
            for a, b, r, _ in found:
                fixed[a:b] = r
            cands = [c for c in self._statistical("".join(fixed)) if run[c[0]:c[1]] != c[2]]
        taken = {q for a, b, _r, _ in found for q in range(a, b)}
        out = [(a, b, r, z, True) for a, b, r, z in found]
        for a, b, r, z in sorted(cands, key=lambda c: -c[3]):
            if not any(q in taken for q in range(a, b)):
                taken.update(range(a, b))
                out.append((a, b, r, z, z > accept))
        return out

    @staticmethod
    def _resolve(cands: list[tuple]) -> list[tuple]:
        """Best-first, non-overlapping."""
        taken: set[int] = set()
        out = []
        for c in sorted(cands, key=lambda c: -c[3]):
            if any(q in taken for q in range(c[0], c[1])):
                continue
            taken.update(range(c[0], c[1]))
            out.append(c)
        return out

    def _local_usage(self, run: str, a: int, b: int) -> bool:
        """``run[a:b]`` as the site's own pages write it: with its neighbours, three characters or more (投资健康
        does not vouch for 垫资健设), found in two or more pages."""
        windows = [run[max(0, a - 1):b + 1]]
        if b - a >= 2:
            windows += [run[max(0, a - 1):b], run[a:b + 1]]
        else:
            windows += [run[max(0, a - 2):b], run[a:b + 2]]
        return any(len(w) >= 3 and self._site_usage(w) for w in windows)

    def _site_usage(self, wrong: str) -> bool:
        """``wrong`` occurs in two or more of the site's pages."""
        n = 0
        for page in self.pages:
            if wrong in page:
                n += 1
                if n >= 2:
                    return True
        return False

    def _coverage(self, s: str) -> tuple[bytearray, list[tuple[int, int]]]:
        """Per character: 2 inside a frequent word or a local name, 1 inside a rare word only, 0 in no word;
        and the dictionary matches it was made from ((end, value) as ``self.words.iter`` gives them)."""
        cov = bytearray(len(s))
        matches = list(self.words.iter(s))
        for end, value in matches:
            length = value & 15
            level = 2 if value & 16 else 1
            for q in range(end - length + 1, end + 1):
                if cov[q] < level:
                    cov[q] = level
        if self.local is not None:
            two = b"\x02"
            for end, length in self.local.iter(s):
                cov[end - length + 1:end + 1] = two * length
        return cov, matches

    def _word_cover(self, seg: str, a: int, b: int) -> tuple[int, int]:
        """Length of the longest dictionary word, and of the longest frequent one, overlapping ``seg[a:b]``."""
        best = strong = 0
        for end, value in self.words.iter(seg):
            length = value & 15
            if end >= a and end - length + 1 < b:
                if length > best:
                    best = length
                if value & 16 and length > strong:
                    strong = length
        return best, strong

    def _name_variant_ok(self, text: str, start: int, end: int) -> bool:
        """A misspelt name must stand on its own: no dictionary word crosses its edges."""
        for end2, value in self.words.iter(text[max(0, start - 5):end + 5]):
            length = value & 15
            s2 = max(0, start - 5) + end2 - length + 1
            e2 = s2 + length
            if s2 < start < e2 or s2 < end < e2:
                return False
        return True

    def _statistical(self, s: str) -> list[tuple]:
        if not self.has_lm:
            return []
        n = len(s)
        cov, matches = self._coverage(s)
        offsets = self.score.offsets
        floor = min(WEAK_Z, self.score.accept)
        max_tier = MAX_TIER
        function_chars = self.function_chars
        todo = [i for i in range(n) if cov[i] < max_tier and s[i] not in function_chars]
        # a function character in no word (管里, 综和): only its homophones, with an offset of its own
        todo_function = [i for i in range(n) if not cov[i] and s[i] in function_chars] \
            if (FUNCTION_TIER, 0) in offsets else []
        real_words = self.clm is not None and (2, 5) in offsets
        if not todo and not real_words and not todo_function:
            return []
        cands: dict[tuple[int, int, str], tuple[int, int]] = {}
        masked_get = self.masked.get
        use_rare = THRESHOLDS[(0, 3)] < 99.0
        n_todo = len(todo)
        for k, i in enumerate(todo + todo_function):
            if k < n_todo:
                tier = cov[i]
                rare = use_rare and s[i] not in self.common
                lookalikes = self._lookalikes(s[i]) if tier <= LOOKALIKE_TIER and self.components else frozenset()
            else:
                tier, rare, lookalikes = FUNCTION_TIER, False, frozenset()
            conf = self.confusables(s[i])
            for length in (2, 3, 4):
                for j in range(max(0, i - length + 1), min(i, n - length) + 1):
                    fills = masked_get(s[j:i] + "?" + s[i + 1:j + length], None)
                    if not fills:
                        continue
                    for c2 in fills:
                        cl = conf.get(c2)
                        if cl is None and rare and tier == 0:
                            cl = 3  # an uncommon character outside any word: any look-alike may be meant
                        if cl is None and c2 in lookalikes:
                            cl = 4
                        if cl is not None:
                            key = (i, i + 1, c2)
                            if key not in cands or cands[key][1] > cl:
                                cands[key] = (tier, cl)
        # whole-word homophones (鱼蒜 → 预算): two or three consecutive examined characters
        todo_set = set(todo)
        py = self.py
        for j in todo:
            for length in (2, 3):
                if j + length - 1 not in todo_set or (length == 3 and j + 1 not in todo_set):
                    break
                span = s[j:j + length]
                keys = [""]
                for ch in span:
                    rs = py.get(ch)
                    if not rs:
                        keys = []
                        break
                    keys = [k + "|" + r if k else r for k in keys for r in rs.split("|")]
                for key in keys:
                    words = self.homophones.get(key, None)
                    if not words:
                        continue
                    tier = max(cov[j:j + length])
                    if not all(ch in self.common for ch in span):
                        continue  # an input method offers common characters: an odd one is a look-alike error
                    for w in words.split(" "):
                        if sum(1 for x, y in zip(w, span) if x != y) >= 2:
                            cands[(j, j + length, w)] = (tier, 2)
        if real_words:  # class 5: a frequent word that is the wrong one (see THRESHOLDS)
            alternatives = self.alternatives
            inside = bytearray(n)  # inside[p]: characters p and p+1 belong to one word of three or more
            for end, value in matches:
                length = value & 15
                if length >= 3:
                    inside[end - length + 1:end] = b"\x01" * (length - 1)
            for end, value in matches:
                if value & 15 != 2 or not value & 16 or inside[end - 1]:
                    continue
                j = end - 1
                span = s[j:j + 2]
                # the words of the written word's reading: what the editor typed for the word they meant
                words = alternatives.get(span)
                if words:
                    for w in words.split(" "):
                        cands.setdefault((j, j + 2, w), (2, 5))
        if not cands:
            return []
        out: list[tuple] = []
        base_cost: dict[tuple[int, int], float] = {}
        base_cost1: dict[tuple[int, int], float] = {}
        lm = self.lm
        clm = self.clm
        char_memo: dict = {}
        common = self.common
        trigrams = self.trigrams
        score = self.score
        for (a, b, r), tier_class in cands.items():
            if any(ch not in common for ch in s[a:b]) and any(ch in PLACE_SUFFIX for ch in s[b:b + 2]):
                continue  # an uncommon character just before 路/街/镇/村…: a place name the model cannot know
            if b - a == 1 and s[b:b + 1] in VILLAGE_SUFFIX:
                continue  # one character just before 村/镇/乡…: part of a local name (太坪村), not a word slip
            lo = max(0, a - WINDOW)
            hi = min(n, b + WINDOW)
            if clm is not None:
                # cheapest evidence first: the character model, then the features, then the word model
                offset = offsets.get(tier_class)
                if offset is None:
                    continue
                char_gain = clm.gain(s, a, b, r, char_memo, None if self.debug else MIN_CHAR_GAIN)
                if char_gain <= MIN_CHAR_GAIN and not self.debug:
                    continue  # the character model must clearly prefer the correction (the word model too, below)
                offset += self._features(s, a, b, r)
            glo = max(0, a - GATE_WINDOW)
            ghi = min(n, b + GATE_WINDOW)
            old1 = base_cost1.get((glo, ghi))
            if old1 is None:
                old1 = base_cost1[(glo, ghi)] = lm.cost1(s[glo:ghi])
            gain1 = old1 - lm.cost1(s[glo:a] + r + s[b:ghi])
            if self.debug:
                pass
            elif clm is not None:
                # sunpinyin's unigram estimate stands in for the exact word gain (bigrams or trigrams)
                if score.z(gain1 + CHEAP_MARGIN, char_gain, gain1 + CHEAP_MARGIN, offset) <= floor:
                    continue
            elif gain1 < THRESHOLDS[tier_class] - GATE_MARGIN:
                continue
            old = base_cost.get((lo, hi))
            if old is None:
                old = base_cost[(lo, hi)] = lm.cost(s[lo:hi])
            gain = old - lm.cost(s[lo:a] + r + s[b:hi])
            if clm is not None:
                trigram_gain = trigrams.gain(s, a, b, r, WINDOW) if trigrams is not None else 0.0
                z = score.z(gain, char_gain, trigram_gain, offset)
                if self.debug:
                    out.append((a, b, r, z, tier_class, gain, char_gain, trigram_gain))
                elif z > (score.accept if tier_class in SURE_ONLY else floor) \
                        and (trigram_gain if trigrams is not None else gain) > 0:
                    out.append((a, b, r, z))  # the word model must prefer the correction too
            elif self.debug:
                out.append((a, b, r, gain, tier_class, gain1))
            elif gain > THRESHOLDS[tier_class]:
                out.append((a, b, r, gain))
        return out

    def features(self, s: str, a: int, b: int, r: str) -> list[float]:
        """The score's terms besides the gains, unweighted: rarity of the old and new characters, the longest
        word (and frequent word) the replacement forms, the longest word the original is in, the run edges."""
        clm = self.clm
        wlo = max(0, a - 4)
        old_word, _ = self._word_cover(s[wlo:b + 4], a - wlo, b - wlo)
        new_word, new_strong = self._word_cover(s[wlo:a] + r + s[b:b + 4], a - wlo, b - wlo)
        return [clm.mean_unigram(s[a:b]), clm.mean_unigram(r), new_word, new_strong, old_word,
                1.0 if a == 0 else 0.0, 1.0 if b == len(s) else 0.0]

    def _features(self, s: str, a: int, b: int, r: str) -> float:
        """The weighted sum of :meth:`features` under the engine's score."""
        w = self.score
        old, new, new_word, new_strong, old_word, left, right = self.features(s, a, b, r)
        return (w.old * old + w.new * new + w.new_word * new_word + w.new_strong * new_strong
                + w.old_word * old_word + w.left_edge * left + w.right_edge * right)


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


def _sunpinyin_present() -> bool:
    try:
        _build.sunpinyin_dir()
    except _build.BuildError:
        return False
    return True


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
        elif not model.get("has_lm", True) and _sunpinyin_present():
            model = None  # built before sunpinyin was installed: build again with the language model
    if model is None:
        print("错别字检查：首次使用，正在生成模型缓存（约 20 秒）……", file=sys.stderr)
        _build.build(path)
        with open(path, "rb") as fh:
            model = pickle.load(fh)
    _MODEL = model
    return model
