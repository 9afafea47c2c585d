"""The typo engine proper (错别字引擎): model loading and the search over a text; the proper-name variants are
:mod:`checks.typo.names`, the statistical check :mod:`checks.typo.statistical`, the score :mod:`checks.typo.scoring`.

See the package docstring (:mod:`checks.typo`) for the design and the choice of sources.
"""

from __future__ import annotations

import bisect
import gc
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path


from checks.typo import DATA_VERSION, RULE_CONFUSION, TypoHit
from checks.typo import build as _build
from checks.typo import libime as _libime
from checks.typo.charlm import CharLM
from checks.typo.domain import learn
from checks.typo.names import _NAME_NOTES, NameVariants
from checks.typo.scoring import CLOSE_QUOTES, DOC_NUMBER_YEAR, HAN_RUN, OPEN_QUOTES, QUOTED_TERM, SCORE_BIGRAMS, SCORE_TRIGRAMS, SECOND_PASS, SENTENCE_END, STATE_LEADERS, _fuzzy_cached
from checks.typo.statistical import StatisticalCheck
from checks.typo.wordlm import WordLM


class TypoEngine(NameVariants, StatisticalCheck):
    """Finds typos in page text. Build with :meth:`load` (or :func:`checks.typo.load_engine`)."""

    def __init__(self, model: dict, proper_names: Mapping[str, str], terms: Mapping[str, int] | None = None,
                 pages: list[str] | None = None, lookalikes: Sequence[str] = ()) -> None:
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
        index = model.get("component_index")
        self._by_component: ComponentIndex | None = ComponentIndex(index) if index is not None else None
        self._conf: dict[str, dict[str, int]] = {}
        self.function_chars = frozenset(model.get("function_chars", ""))
        self.common = frozenset(model.get("common", ""))
        self.debug = False
        names: dict[str, str] = {n: "leader" for n in STATE_LEADERS}
        names.update({n: k for n, k in proper_names.items() if n})
        self.names = names
        self.terms = dict(terms or {})
        self.pages = list(pages or [])
        self.lookalike_groups = tuple(lookalikes)  # 形近字 groups of the lists, for the names' near-misses
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
    def load(cls, proper_names: Mapping[str, str], content_root: Path | None = None,
             lookalikes: Sequence[str] = ()) -> TypoEngine:
        model = load_model()
        terms, pages = learn(content_root) if content_root is not None else ({}, [])
        return cls(model, proper_names, terms, pages, lookalikes)

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
            if self._by_component is None:  # a model built before the index was stored
                self._by_component = ComponentIndex(_build.index_components(self.components))
            by_component = self._by_component
            parts = self.components.get(a, "")
            out = set(parts)
            out.update(by_component.get(a, ()))
            for part in parts:
                out.update(by_component.get(part, ()))
            out.discard(a)
            got = self._alike[a] = frozenset(out)
        return got

    # -- finding --------------------------------------------------------------------------------------

    def find(self, text: str) -> list[TypoHit]:
        hits: list[tuple[float, TypoHit]] = []
        weak: list[tuple[float, TypoHit]] = []
        if self.variants is not None:
            for end, (name, kind, rule, *size) in self.variants.iter(text):
                start = end - (size[0] if size else len(name)) + 1  # a left-out or doubled character: lengths differ
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


class ComponentIndex(dict):
    """Component → the characters that contain it: stored as strings (a set per component took 20 ms to
    unpickle), given out as sets."""

    def get(self, key, default=None):
        chars = dict.get(self, key)
        return frozenset(chars) if chars is not None else default


_MODEL: dict | None = None


def _sunpinyin_present() -> bool:
    try:
        _build.sunpinyin_dir()
    except _build.BuildError:
        return False
    return True


def load_model() -> dict:
    """The shipped model from the cache, built on first use (its steps shown on stderr and on the terminal)."""
    global _MODEL  # noqa: PLW0603 - a per-process memory of read-only data
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
        _build.build_on_first_use(path)
        with open(path, "rb") as fh:
            model = pickle.load(fh)
    _MODEL = model
    return model
