"""Logging for ``integraph serve``: the access log never prints query strings.

Tokens belong in the ``Authorization`` header, but a client that puts one in
a URL (``?token=…``) must not leave it in the server's log, and search terms
or SPARQL text in query strings can carry personal data. The access log
therefore keeps method, path and status and drops everything after ``?``.

Examples:
    >>> import logging
    >>> record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
    ...                            ("127.0.0.1:1", "GET", "/api/x?token=s3cret", "1.1", 200), None)
    >>> NoQueryStrings().filter(record), record.getMessage()
    (True, '127.0.0.1:1 - "GET /api/x HTTP/1.1" 200')
"""

from __future__ import annotations

import copy
import logging
from typing import Any


class NoQueryStrings(logging.Filter):
    """Cut the query string from uvicorn's access-log records (``args[2]`` is the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with :class:`NoQueryStrings` on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_query_strings"] = {"()": NoQueryStrings}
    config["handlers"]["access"].setdefault("filters", []).append("no_query_strings")
    return config
