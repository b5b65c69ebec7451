"""The exception hierarchy. Every user mistake becomes one of these, and the CLI prints it in one message."""

from __future__ import annotations


class ThreadlensError(Exception):
    """Base of every error threadlens raises on purpose.

    ``path`` and ``position`` say where (file, line or JSON path), ``expected`` what should have been
    there, and ``hint`` what the user can do about it.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        position: str | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.position = position
        self.expected = expected
        self.hint = hint

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.path, self.position) if part)
        text = f"{where}: {self.reason}" if where else self.reason
        if self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f". {self.hint}"
        return text


class InputError(ThreadlensError):
    """An input file cannot be read or does not hold what it should."""


class FormatError(InputError):
    """No reader recognises the file, or the named reader does not fit it."""


class ConfigError(ThreadlensError):
    """A definition or option in ``config/`` is missing or invalid."""


class ConsentError(ThreadlensError):
    """A submission or fetch has no valid consent record."""


class FetchError(ThreadlensError):
    """Collection from a platform API failed (network, authorisation, rate limit)."""


class ReviewError(ThreadlensError):
    """A panel's review file cannot be read, or a reading in it does not fit the case or the definition."""


class ReportError(ThreadlensError):
    """A report could not be written."""
