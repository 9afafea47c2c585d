"""What a detector sees of one page."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

from checks.context import CheckContext, Document


@dataclass
class PageView:
    """A parsed page, its prose-masked text and what the checks know of its county."""

    page: Document
    masked: str
    context: CheckContext
    shared: dict = field(default_factory=dict)  # per-run data detectors share (lists, published numbers)
    memo: dict = field(default_factory=dict)    # per-page data detectors share (the page's links)
    visible: str = ""  # all of the page that reaches the site (prose.visible_text): for privacy and secrecy

    @functools.cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        text = self.page.text
        pos = text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def line_offset(self, line: int) -> int:
        return self.line_starts[min(max(line, 1), len(self.line_starts)) - 1]

    def line_span(self, line: int) -> tuple[int, int]:
        """The offsets of a whole line without its newline (for findings about a front-matter key)."""
        start = self.line_offset(line)
        end = self.page.text.find("\n", start)
        return start, (len(self.page.text) if end == -1 else end)
