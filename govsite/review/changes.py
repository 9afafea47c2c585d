"""Changes (变更): what each first-parent commit brought to a branch, and the base whose roster judges it.

A merge brings its side branch; the base is the merge base (the newest already-published commit the side
branch grew from). A direct commit is its own change, based on its parent. The root commit is its own base.
"""

from __future__ import annotations

from govsite.git.history import History


def assign_bases(history: History, tip: str, owner: dict[str, str] | None = None) -> dict[str, str]:
    """Commit → base commit of the change that brought it onto ``tip``'s first-parent history.

    ``owner`` (if given) is filled with commit → the first-parent commit whose change it belongs to.
    """
    owner = {} if owner is None else owner
    chain = history.first_parent_chain(tip)[::-1]
    base: dict[str, str] = {}
    owner_index: dict[str, int] = {}
    for index, m in enumerate(chain):
        c = history.commits[m]
        if not c.parents:
            base[m], owner_index[m], owner[m] = m, index, m
            continue
        side: list[str] = []
        boundary: set[str] = set()
        stack = [p for p in c.parents[1:] if p not in base]
        seen = set(stack)
        while stack:
            s = stack.pop()
            side.append(s)
            for p in history.commits[s].parents:
                if p in base:
                    boundary.add(p)
                elif p not in seen and p in history.commits:
                    seen.add(p)
                    stack.append(p)
        chosen = c.parents[0]
        if side and boundary:
            chosen = max(boundary, key=lambda b: (owner_index.get(b, -1), history.commits[b].generation))
        for s in (m, *side):
            base[s] = chosen
            owner_index[s] = index
            owner[s] = m
    return base
