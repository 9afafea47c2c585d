"""Front-matter fields that name another document (``validity.by``, ``interprets``): a page's path or a 文号.

One rule for every reader, so that what the checks accept is what the portal links: a value with a ``/`` or
ending in ``.md`` is a path — ``content/office/zcwj/x.md``, ``/office/zcwj/x.md`` and ``office/zcwj/x.md``
from ``content/`` (as unit files name announcements), ``./x.md`` and ``../zcwj/x.md`` from the page's own
folder; a plain file name (``x.md``) is looked for in the page's folder; ``.md`` may be left out. Anything
else is a 文号 (巫山府发〔2026〕9号), matched against the pages' ``doc_number`` with spaces and the brackets
editors type instead of 〔〕 ([ ] ［ ］ ( ) （ ）) evened out.
"""

from __future__ import annotations

import posixpath
import re

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔",
                           "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕"})
_SPACE = re.compile(r"\s+")


def is_path(value: str) -> bool:
    """Whether a reference names a page by its path (else it is a 文号)."""
    value = value.strip()
    return "/" in value or value.endswith(".md")


def number_key(number: str) -> str:
    """A 文号 as compared: no spaces, 〔〕 for every kind of bracket."""
    return _SPACE.sub("", number).translate(_BRACKETS)


def candidates(page_path: str, value: str) -> list[str]:
    """The repository paths (``content/…md``) a path reference may mean, in the order they are tried;
    empty when it leaves ``content/``."""
    value = value.strip()
    if not value.endswith(".md"):
        value += ".md"
    here = posixpath.dirname(page_path)
    if value.startswith("content/"):
        raw = [value]
    elif value.startswith("/"):
        raw = ["content" + value]
    elif value.startswith(("./", "../")):
        raw = [posixpath.join(here, value)]
    elif "/" in value:
        raw = ["content/" + value, posixpath.join(here, value)]
    else:
        raw = [posixpath.join(here, value)]
    out = []
    for path in raw:
        norm = posixpath.normpath(path)
        if norm.startswith("content/") and norm not in out:
            out.append(norm)
    return out
