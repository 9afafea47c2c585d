"""The statistical confusion check (统计纠错): candidates from confusion sets that form dictionary words,
judged by the language models' gains in one logistic score (:mod:`checks.typo.scoring`)."""

from __future__ import annotations

from checks.typo.scoring import CHEAP_MARGIN, FUNCTION_TIER, GATE_MARGIN, GATE_WINDOW, LOOKALIKE_TIER, MAX_TIER, MIN_CHAR_GAIN, PLACE_SUFFIX, SURE_ONLY, THRESHOLDS, VILLAGE_SUFFIX, WEAK_Z, WINDOW


class StatisticalCheck:
    """The part of :class:`checks.typo.engine.TypoEngine` that scores candidate corrections."""

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
