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
   word; a candidate is reported only when a word-trigram language model, read over a window of eight
   characters around it, prefers the corrected text by a large margin.
3. **Context rules** for the classic real-word confusions of official writing (截至/截止, 权利/权力, 部署/布署,
   …) are data rules in ``checks/packs/typo.yml`` and run in the generic rule engine.

Sources, and why these
----------------------
Evaluated on the development split of the ECSpell official-document-writing set (see ``benchmarks/typos.py``
and BENCHMARKS.md for the figures):

* **Character bigrams of the PyPI package ``Pinyin2Hanzi`` 0.1.1** (its HMM transition table, 278k
  pairs): fast, but it is trained on words, not running text, so every word boundary looks improbable
  ("加强[和]改进" → "加强化改进" scored +16.9 nats): detection precision 0.38–0.45 at 50–120 false alarms
  per 10,000 characters of clean text.  Rejected.
* **Open-gram word model of Debian ``sunpinyin-data``** (``lm_sc.t3g``: 71,759 unigrams, 2.5M bigrams, 1M
  trigrams; the lexicon of 84,154 words is the UTF-32 string table at the end of ``pydict_sc.bin``, whose index
  is the word id): scoring the best segmentation of a window with the back-off bigram model separates errors
  from clean text several times better at the same recall.  Chosen.  The build step reads it with
  ``tslminfo -v`` (package ``sunpinyin-utils``) and stores the bigram table as sorted ``array`` columns
  (loaded with ``frombytes``; looked up with ``bisect``), so loading costs tens of milliseconds.
* **jieba's dictionary** (349k words with frequencies) and pycorrector's place and person names make the
  "is this span a word" dictionary; pycorrector's ``same_pinyin.txt``/``same_stroke.txt`` plus toneless and
  fuzzy (z/zh, n/l, -n/-ng) pinyin from pypinyin make the confusion sets.  pycorrector's own statistical
  corrector needs a 2.8 GB kenlm model fetched at run time and torch for anything better, so only its data
  files are used (never ``import pycorrector``).

Everything derived is built by ``python -m checks.typo.build`` into one pickle under ``$GOVSITE_CACHE_DIR``
(default ``~/.cache/govsite/typo-<DATA_VERSION>/``); if it is missing, :func:`load_engine` builds it on first
use and says so in one line on stderr.

This module must import fast: everything heavy lives in :mod:`checks.typo.engine`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from checks.typo.engine import TypoEngine

DATA_VERSION = "1"

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


def load_engine(proper_names: Mapping[str, str], content_root: Path | None = None) -> "TypoEngine":
    """The engine for one project: shipped model + the county's names + vocabulary learnt from ``content_root``."""
    from checks.typo.engine import TypoEngine

    return TypoEngine.load(proper_names, content_root)


def __getattr__(name: str):
    if name == "TypoEngine":
        from checks.typo.engine import TypoEngine

        return TypoEngine
    raise AttributeError(name)
