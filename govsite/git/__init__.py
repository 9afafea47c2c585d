"""The one place that runs git (git 层): everything else asks these modules.

- :mod:`.process` — the one process wrapper (``git -C root …``), Chinese errors, never a traceback;
- :mod:`.repo` — the repository as a whole: GitPython opens it and reads its configuration (what GitPython is
  made for); whether it is a work tree of its own, shallow, or has a commit;
- :mod:`.refs` — names to commits, merge bases, the branch a merge request targets, what it changes;
- :mod:`.objects` — commits, trees and blobs read in bulk (one ``cat-file --batch`` for many objects);
- :mod:`.history` — every commit reachable from a revision (the review gate) and the first-parent log of a
  branch with the files each commit changed (publish dates, the audit);
- :mod:`.dates` — a page's 发布日期 (first publication) and 更新日期 (latest change), for the portal and the audit
  alike, and commit times;
- :mod:`.export` — a revision's tree written to a folder, as git would check it out;
- :mod:`.commits` — writing: signed empty commits (approvals), authors and uncommitted changes.

Bulk reads go through plumbing commands streamed in one process each, because GitPython's per-object calls
are too slow for 10,000 pages and 30,000 approvals.
"""
