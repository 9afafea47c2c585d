"""The one error type users see: a Chinese message, optionally a place, and exit status 2."""

from __future__ import annotations

from checks.errors import CheckError


class GovsiteError(CheckError):
    """A usage or input problem (exit status 2). ``str()`` is the Chinese message for the user.

    A subclass of the checks library's :class:`~checks.errors.CheckError`, so the command line treats both
    alike."""
