"""The typo engine's score (评分): thresholds, the logistic score fitted on the development file, and the fuzzy
pinyin of an input method. Numbers only; the engine (:mod:`checks.typo.engine`) applies them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
# The parts of SCORE_TRIGRAMS set by rule, not fitted (``benchmarks/typo_fit.py`` applies them to its fit, and
# ``benchmarks/typos.py --folds K`` to the fit of every cross-validation fold):
ACCEPT = 1.0            # a sure finding needs log-odds above 1 (the candidate right nearly three times in four)
REAL_WORD = (2, 5)      # the class of a frequent word replaced by a homophone word (a real-word slip)
REAL_WORD_MARGIN = 0.5  # held back by this much below its fitted offset: a false alarm on a real word costs more
RIDGE = 1.0             # ridge penalty of the logistic fit
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


@lru_cache(maxsize=4096)
def _fuzzy_cached(p: str) -> frozenset[str]:
    return frozenset(_fuzzy(p))
