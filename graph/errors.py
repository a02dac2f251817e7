"""The error hierarchy of integraph.

Every failure a user can cause maps to one of these classes, so the CLI can
print a clear message and the API can choose one status code per class,
without catch-all handlers that leak stack traces.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as possible.

    ``file`` is the file or sheet name, ``row`` the 1-based row in the file
    (the header is row 1), ``column`` the column name; ``value`` is what was
    found and ``expected`` what would have been accepted.
    """

    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""
    severity: str = "error"
    code: str = field(default="invalid")

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)

    def where(self) -> str:
        """``file:row:column`` for messages."""
        parts = [self.file or "-"]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


class IntegraphError(Exception):
    """Base class of every error integraph raises on purpose."""


class NotFound(IntegraphError):
    """An id, file or graph that does not exist."""


class InvalidInput(IntegraphError):
    """Input that cannot be imported; carries every problem found at once."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        self.problems = problems
        n = sum(1 for p in problems if p.severity == "error")
        super().__init__(message or f"{n} problem(s) in the input; nothing was changed")


class StoreError(IntegraphError):
    """The store cannot be opened, read or written (locked, read-only, bad URL)."""


class QueryRejected(IntegraphError):
    """A query that is syntactically wrong or not allowed (update, SERVICE, LOAD...)."""


class TooLarge(IntegraphError):
    """An answer that would not fit in memory as asked; a limit or a narrower question would."""


class QueryTimeout(IntegraphError):
    """A query that ran over its time limit and was stopped."""
