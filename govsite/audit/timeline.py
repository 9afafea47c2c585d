"""The published branch as a timeline (时间线): every page's blobs and dates, from one pass over its first-parent
history.

The timeline and the rule of a page's dates (发布日期 = first publication, 更新日期 = the arrival of its present
version) are :mod:`govsite.git.dates`, the same the portal shows; the audit uses them for ``--as-of``, trends and
pages per month.
"""

from __future__ import annotations

from govsite.git.dates import PageDates, PageState, Timeline, read_timeline

__all__ = ["PageDates", "PageState", "Timeline", "read_timeline"]
