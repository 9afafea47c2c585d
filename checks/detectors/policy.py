"""Policy documents and their interpretations (政策文件效力与政策解读).

A page is a *policy document* when its column's category is ``policy`` (规范性文件, 政策文件) or its front
matter gives a ``doc_type``; it is a *政策解读* when its column's category is ``interpretation``. Column
categories come from the units' column catalogues (``CheckContext.columns``).

- :func:`validity` (one page): a policy document says whether it is in force, with a status the portal knows
  and the date when it is not simply 有效; a 解读 names the document it interprets.
- :func:`references` (cross-file: other pages decide it): ``validity.by`` and ``interprets`` name a page
  that exists, or a 文号 some page carries (:mod:`checks.references`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from checks import references as refs
from checks.detectors.view import PageView
from checks.kinds import Hit

STATUSES = ("有效", "已修改", "已废止", "已失效")


def _category(view: PageView) -> str:
    page = view.page
    return view.context.columns.get(f"{page.unit_id}/{page.column_id}", "")


def _front(view: PageView) -> dict:
    front = getattr(view.page, "front", None)
    return front if isinstance(front, dict) else {}


def _key_span(view: PageView, *keypath: str) -> tuple[int, int]:
    return view.line_span(view.page.key_line(*keypath))


def is_policy_document(view: PageView) -> bool:
    return _category(view) == "policy" or bool(getattr(view.page, "doc_type", ""))


def validity(view: PageView) -> Iterator[Hit]:
    page = view.page
    front = _front(view)
    v = getattr(page, "validity", None)
    if is_policy_document(view) and "validity" not in front:
        start, end = _key_span(view, "title")
        yield Hit(start, end, None, rule="schema.validity-missing")
    if v is not None:
        value = front.get("validity")
        where = ("validity", "status") if isinstance(value, dict) else ("validity",)
        if v.status not in STATUSES:
            start, end = _key_span(view, *where)
            yield Hit(start, end, None, rule="schema.validity-status", detail={"status": v.status})
        elif v.status != "有效" and v.date is None and not (isinstance(value, dict) and "date" in value):
            start, end = _key_span(view, *where)  # a date written wrong is the parser's schema.date
            yield Hit(start, end, None, rule="schema.validity-date", detail={"status": v.status})
    if _category(view) == "interpretation" and not getattr(page, "interprets", ""):
        start, end = _key_span(view, "title")
        yield Hit(start, end, None, rule="schema.interprets-missing")


def references_of(page: object) -> list[tuple[str, str, tuple[str, ...]]]:
    """(field as written in messages, value, key path) of each reference a page makes."""
    out = []
    v = getattr(page, "validity", None)
    if v is not None and v.by:
        out.append(("validity.by", v.by, ("validity", "by")))
    interprets = getattr(page, "interprets", "")
    if interprets:
        out.append(("interprets", interprets, ("interprets",)))
    return out


def references(view: PageView) -> Iterator[Hit]:
    root = view.context.root
    page = view.page
    for name, value, keypath in references_of(page):
        start, end = _key_span(view, *keypath)
        if refs.is_path(value):
            if root is None:
                continue
            found = [c for c in refs.candidates(page.path, value) if (Path(root) / c).is_file()]
            if not found:
                yield Hit(start, end, None, rule="link.policy-target-missing", detail={"field": name, "target": value})
        elif not view.context.doc_numbers.get(refs.number_key(value)):
            yield Hit(start, end, None, rule="link.policy-number-unknown", detail={"field": name, "number": value})
