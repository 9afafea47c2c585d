"""The error a caller of the checks shows its user: a Chinese message (a usage or input problem, exit 2)."""

from __future__ import annotations


class CheckError(Exception):
    """A usage or input problem found by the checks library; ``str()`` is the Chinese message."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
