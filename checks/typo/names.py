"""Proper names and learnt terms (专有名称): their misspellings, always reported, and the county's own words,
never flagged; built once per county and name set, cached as automata."""

from __future__ import annotations

import pickle

import ahocorasick

from checks.typo import DATA_VERSION, RULE_DOMAIN_TERM, RULE_PROPER_NAME
from checks.typo import build as _build
from checks.typo.scoring import HAN_RUN, OFFICIAL_TERMS


_NAME_NOTES = {
    "leader": "国家领导人或本县领导姓名写错属严重错误。",
    "unit": "本县单位名称写错属严重错误。",
    "place": "本县地名写错属严重错误。",
    "title": "职务名称写错属严重错误。",
    "term": "本站已发布稿件中多次使用该名称。",
}


class NameVariants:
    """The part of :class:`checks.typo.engine.TypoEngine` that knows the county's names."""

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

    def _name_variant_ok(self, text: str, start: int, end: int) -> bool:
        """A misspelt name must stand on its own: no dictionary word crosses its edges."""
        for end2, value in self.words.iter(text[max(0, start - 5):end + 5]):
            length = value & 15
            s2 = max(0, start - 5) + end2 - length + 1
            e2 = s2 + length
            if s2 < start < e2 or s2 < end < e2:
                return False
        return True
