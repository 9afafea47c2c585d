"""Compiled regular expressions that survive the process.

Python compiles a character class with CJK ranges (``[\\u4e00-\\u9fff]``) into a 64K bitmap, about 10 ms each;
a pre-commit hook with a few dozen such rules would spend most of its budget there. The compiler's output
(the opcode list handed to ``_sre.compile``) is plain data, so it is cached per Python version and replayed.
If anything about the interpreter differs, patterns are simply compiled again.
"""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

from checks.cachedir import read_pickle, user_cache_dir, write_atomic

try:
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other interpreters
    _sre = None

_KEY = f"{sys.implementation.cache_tag}-{getattr(_sre, 'MAGIC', 0)}"
_codes: dict[tuple[str, int], tuple] | None = None
_dirty = False


def _file() -> Path:
    return user_cache_dir() / f"regex-{_KEY}.pickle"


def _load() -> dict:
    global _codes  # noqa: PLW0603 - a per-process memory of read-only data
    if _codes is None:
        stored = read_pickle(_file())
        _codes = stored if isinstance(stored, dict) else {}
    return _codes


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile`` with the compiler's work cached across processes."""
    global _dirty  # noqa: PLW0603 - a per-process memory of read-only data
    if _sre is None:
        return re.compile(pattern, flags)
    codes = _load()
    entry = codes.get((pattern, flags))
    if entry is not None:
        try:
            return _sre.compile(*entry)
        except Exception:  # noqa: BLE001 - stale cache: fall through and recompile
            pass
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # named opcodes do not pickle
        groupindex = parsed.state.groupdict
        indexgroup = [None] * parsed.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        entry = (pattern, flags | parsed.state.flags, code, parsed.state.groups - 1, dict(groupindex),
                 tuple(indexgroup))
        compiled = _sre.compile(*entry)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - interpreter internals differ: use the public API
        return re.compile(pattern, flags)
    codes[(pattern, flags)] = entry
    _dirty = True
    return compiled


def save() -> None:
    """Persist newly compiled patterns (call once after building a matcher)."""
    global _dirty  # noqa: PLW0603 - a per-process memory of read-only data
    if _dirty and _codes is not None:
        write_atomic(_file(), pickle.dumps(_codes, protocol=pickle.HIGHEST_PROTOCOL))
        _dirty = False


def prime_stdlib_cache() -> None:
    """Put every cached pattern into ``re``'s own cache, so modules that call ``re.compile`` at import time
    (PyYAML's reader, Markdown…) get them without compiling. Only for CPython layouts known to match."""
    cache = getattr(re, "_cache", None)
    if _sre is None or not isinstance(cache, dict) or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return
    for (pattern, flags), entry in _load().items():
        key = (type(pattern), pattern, flags)
        if key not in cache:
            try:
                cache[key] = _sre.compile(*entry)
            except Exception:  # noqa: BLE001
                continue


def remember_stdlib_cache() -> None:
    """Record the patterns this process compiled through ``re`` (once; the next start primes them)."""
    cache = getattr(re, "_cache", None)
    if _sre is None or not isinstance(cache, dict):
        return
    codes = _load()
    for key in list(cache):
        if len(key) == 3 and key[0] is str and (key[1], key[2]) not in codes:
            try:
                compile(key[1], key[2])
            except Exception:  # noqa: BLE001
                continue
    save()
