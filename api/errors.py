"""One status per error class, one JSON error shape, no stack traces.

``graph`` raises the classes of :mod:`graph.errors`; this module maps each to
one HTTP status. Messages that help the caller (a SPARQL syntax error, the
limit that was hit, the problems of an import) pass through; an unexpected
exception is answered with a generic 500 by Starlette and never echoed.

An :class:`OSError` that reaches a route (a full disk while an upload is
spooled to a temporary file, say) is the server's storage failing, not a bug:
it is answered 503 with the operating system's reason, without file names.
"""

from __future__ import annotations

import errno
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from graph.edit import Conflict
from graph.errors import (
    IntegraphError,
    InvalidInput,
    NotFound,
    QueryRejected,
    QueryTimeout,
    StoreError,
    TooLarge,
)
from graph.guard import UpdateRejected
from graph.query_worker import NotAcceptable
from graph.sandbox import Busy


class ApiError(Exception):
    """An error raised by the HTTP layer itself (bad media type, missing token...)."""

    def __init__(self, status: int, error: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


#: graph error class → (status, code); the first matching class wins (subclasses first).
STATUS: list[tuple[type[IntegraphError], int, str]] = [
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (InvalidInput, 400, "invalid_input"),
    (TooLarge, 400, "too_many"),
    (UpdateRejected, 403, "read_only"),
    (QueryRejected, 400, "query_rejected"),
    (QueryTimeout, 503, "query_timeout"),
    (Busy, 503, "busy"),
    (NotAcceptable, 406, "not_acceptable"),
    (StoreError, 503, "store_unavailable"),
]


def body(error: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": error, "message": message, **{k: v for k, v in extra.items() if v is not None}}


def _graph_error(_: Request, exc: Exception) -> JSONResponse:
    for cls, status, code in STATUS:
        if isinstance(exc, cls):
            problems = [p.as_dict() for p in exc.problems] if isinstance(exc, InvalidInput) else None
            headers = {"Retry-After": "1"} if isinstance(exc, Busy) else None
            return JSONResponse(body(code, str(exc), problems=problems), status, headers=headers)
    return JSONResponse(body("error", str(exc)), 400)


#: errnos that mean the server's disk refuses: full, read-only, not permitted, failing
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def _os_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OSError)
    reason = exc.strerror or type(exc).__name__
    if exc.errno in STORAGE_ERRNOS:
        return JSONResponse(body("storage_unavailable",
                                 f"the server could not read or write its files: {reason}"), 503)
    return JSONResponse(body("unavailable", f"the server could not complete the request: {reason}"), 503)


def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(body(exc.error, exc.message), exc.status, headers=exc.headers)


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()))
        details.append(f"{where}: {e.get('msg', 'invalid')}")
    return JSONResponse(body("invalid_parameter", "; ".join(details)[:2000]), 422)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and not request.url.path.startswith(("/api/", "/sparql", "/static/")):
        from api.routes import pages  # a browser asking for an unknown page gets a page

        return pages.not_found(request, str(exc.detail), str(exc.detail))
    codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
    return JSONResponse(body(codes.get(exc.status_code, "http_error"), str(exc.detail)),
                        exc.status_code, headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(IntegraphError, _graph_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(OSError, _os_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
