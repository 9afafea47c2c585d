"""Proper names and learnt terms (专有名称): their misspellings, always reported, and the county's own words,
never flagged; built once per county and name set, cached as automata."""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator

import ahocorasick

from checks.typo import DATA_VERSION, RULE_DOMAIN_TERM, RULE_PROPER_NAME
from checks.typo import build as _build
from checks.typo.scoring import HAN_RUN, OFFICIAL_TERMS


NEAR_MISS_VERSION = 4  # how near-misses are made: bump when _near_misses changes
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

        Cached (pickled automata) by a hash of the names, the learnt terms, the official terms, the look-alike
        groups and which list of real places protects them."""
        import hashlib

        from checks.typo import divisions

        key = hashlib.sha1(repr((DATA_VERSION, NEAR_MISS_VERSION, sorted(self.names.items()), sorted(self.terms),
                                 OFFICIAL_TERMS, sorted(self.lookalike_groups),
                                 divisions.identity())).encode()).hexdigest()[:16]
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
        from checks.typo import divisions

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
        # a near-miss that is a piece of a right name (巫山县人民政 of 巫山县人民政府) or a real place is no slip
        pieces = {w[i:j] for w in protected for i in range(len(w)) for j in range(i + 2, len(w) + 1)}
        places = divisions.names()
        seen: dict[str, tuple] = {}
        for name, kind, rule in entries:
            for part in HAN_RUN.findall(name):
                if len(part) < 2:
                    continue
                for v in self._near_misses(part, rule == RULE_PROPER_NAME):
                    if v in pieces or v in places or self.words.exists(v) or v in seen:
                        continue
                    seen[v] = (part, kind, rule, len(v))
        for v, value in seen.items():
            variants.add_word(v, value)
        self._nvariants = len(seen)
        if len(local):
            local.make_automaton()
        if len(variants):
            variants.make_automaton()
        self.local = local if len(local) else None
        self.variants = variants if len(variants) else None

    def _near_misses(self, part: str, proper: bool) -> Iterator[str]:
        """Misspellings of one name: a character replaced by a homophone (or, in a name of three characters or
        more, a look-alike); for proper names of four or more also a character left out or doubled inside."""
        for q, ch in enumerate(part):
            for c2 in self._name_confusables(ch, len(part), proper):
                yield part[:q] + c2 + part[q + 1:]
        if proper and len(part) >= 4:
            for q in range(1, len(part) - 1):
                yield part[:q] + part[q + 1:]              # 巫山县人民政府 → 巫山县民政府
            for q in range(len(part) - 1):
                yield part[:q + 1] + part[q] + part[q + 1:]  # 巫山县 → 巫山山县 (never the last: 县县长)
        elif proper and len(part) == 3:
            yield part[0] + part[1] + part[1] + part[2]

    def _name_confusables(self, ch: str, length: int, proper: bool = False) -> str:
        out = set(self.same_pinyin.get(ch, ""))
        for r in self.py.get(ch, "").split("|"):
            if r:
                out.update(self.py2c.get(r, ""))
        if length >= 3:
            out.update(self.same_stroke.get(ch, ""))
            if proper:
                out.update(self._lookalike_chars(ch))
        out.discard(ch)
        return "".join(sorted(out))

    def _lookalike_chars(self, ch: str) -> set[str]:
        """Look-alikes of a character in a proper name: one is a component of the other (山/出), or the lists
        put them in one group (县/具); common characters only, never a function word (的, 了)."""
        groups = self._groups
        out = set(groups.get(ch, ""))
        if self._by_component is None:
            self._lookalikes(ch)  # builds the component index
        index = self._by_component or {}
        contained = set(self.components.get(ch, "")) | index.get(ch, set())
        out |= {c for c in contained if c in self.common}
        return {c for c in out if c not in self.function_chars and "\u3400" <= c <= "\u9fff"}

    @functools.cached_property
    def _groups(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for group in self.lookalike_groups:
            for c in group:
                out[c] = out.get(c, "") + group.replace(c, "")
        return out

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
