"""Word trigrams of fcitx5's libime: the modern language model of the typo engine.

Debian's ``libime-data-language-model`` ships ``zh_CN.lm``, the language model of the fcitx5 pinyin input
method: a KenLM binary (format 5) of 164,887 words, 2.0M bigrams and 634k trigrams, trained on recent text,
with its vocabulary at the end of the file.  The PyPI package ``kenlm`` reads it in place (memory-mapped, a
few milliseconds).  A window of text is scored as its best segmentation into the model's words (Viterbi over
the last word, carrying KenLM's trigram state).

Why it is there: next to the 1998 newspaper characters (:mod:`checks.typo.charlm`) and sunpinyin's 2008 word
bigrams it knows modern usage and it sees two words back.  Its gain is the third term of the engine's logistic
score, refitted with it (``benchmarks/typo_fit.py``); see :mod:`checks.typo` for the figures.  Without it (the
Debian package or the ``kenlm`` module missing) the engine falls back to the two-model score.
"""

from __future__ import annotations

import glob
import math
from pathlib import Path

LM_GLOBS = ("/usr/lib/*/libime/zh_CN.lm", "/usr/lib/libime/zh_CN.lm", "/usr/share/libime/zh_CN.lm")
MAX_WORD = 6      # longest word tried when segmenting (the vocabulary has longer ones, rarely useful here)
LN10 = math.log(10)


def find_model() -> Path | None:
    """Where Debian put ``zh_CN.lm``, or None."""
    for pattern in LM_GLOBS:
        for hit in sorted(glob.glob(pattern)):
            if Path(hit).is_file():
                return Path(hit)
    return None


def read_vocabulary(path: Path) -> list[str]:
    """The model's words: KenLM writes them NUL-separated after ``<unk>`` at the end of the binary."""
    raw = path.read_bytes()
    start = raw.rfind(b"<unk>\x00")
    if start < 0:
        return []
    words = []
    for item in raw[start:].split(b"\x00"):
        try:
            word = item.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if word and word != "<unk>" and len(word) <= MAX_WORD:
            words.append(word)
    return words


class LibimeLM:
    """``cost(s)``: -ln P of the best segmentation of ``s``; ``gain``: how much a replacement lowers it."""

    def __init__(self, path: str | Path, vocabulary: frozenset[str] | None = None) -> None:
        import kenlm  # a compiled module: imported only when the engine loads

        self._kenlm = kenlm
        self.model = kenlm.Model(str(path))
        # is a word in the model: KenLM's own vocabulary index answers in place (a set of its 165k words took
        # 30 ms to make at every start, a tenth of a fresh process's check of one page)
        self.vocabulary = vocabulary if vocabulary is not None else self.model
        self._memo: dict[str, float] = {}

    def cost(self, s: str) -> float:
        got = self._memo.get(s)
        if got is not None:
            return got
        kenlm, model, vocabulary = self._kenlm, self.model, self.vocabulary
        n = len(s)
        start = kenlm.State()
        model.NullContextWrite(start)
        best: list[dict[str, tuple[float, object]]] = [{} for _ in range(n + 1)]
        best[0][""] = (0.0, start)
        for i in range(n):
            here = best[i]
            if not here:
                continue
            for j in range(i + 1, min(n, i + MAX_WORD) + 1):
                word = s[i:j]
                if j - i > 1 and word not in vocabulary:
                    continue  # a single character is always tried (unknown ones as <unk>)
                there = best[j]
                for score, state in here.values():
                    out = kenlm.State()
                    total = score + model.BaseScore(state, word, out)
                    old = there.get(word)
                    if old is None or total > old[0]:
                        there[word] = (total, out)
        got = -max(score for score, _state in best[n].values()) * LN10
        if len(self._memo) > 200_000:
            self._memo.clear()
        self._memo[s] = got
        return got

    def gain(self, s: str, a: int, b: int, replacement: str, window: int) -> float:
        """Cost of ``window`` characters each side of ``s[a:b]``, less the same with ``replacement``."""
        lo = max(0, a - window)
        hi = min(len(s), b + window)
        return self.cost(s[lo:hi]) - self.cost(s[lo:a] + replacement + s[b:hi])

    def forget(self) -> None:
        self._memo.clear()


def load(path: str | None, vocabulary: str | None) -> LibimeLM | None:
    """The model recorded at install time, or None when it or the ``kenlm`` module is missing."""
    if not path or not vocabulary or not Path(path).is_file():
        return None
    try:
        return LibimeLM(path)
    except (ImportError, OSError, RuntimeError):
        return None
