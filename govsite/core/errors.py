"""The one error type users see: a Chinese message, optionally a place, and exit status 2."""

from __future__ import annotations


class GovsiteError(Exception):
    """A usage or input problem (exit status 2). ``str()`` is the Chinese message for the user."""

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
