"""``Authorization: Bearer TOKEN`` for the write routes: 401 without a valid token, 403 below the role.

Tokens are read from ``settings.tokens_file`` (see :mod:`api.tokens`) when
the app starts; without a file no token is valid, so nothing can be written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.tokens import TokenEntry, find

bearer = HTTPBearer(auto_error=False, description="a token from the server's tokens file")


def require(role: str) -> Callable[..., TokenEntry]:
    """A dependency that returns the caller's token entry if its role is at least ``role``."""

    def check(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> TokenEntry:
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "this route needs Authorization: Bearer TOKEN", challenge)
        entry = find(credentials.credentials, request.app.state.tokens)
        if entry is None:
            raise ApiError(401, "unauthorized", "unknown token", challenge)
        if not entry.allows(role):
            raise ApiError(403, "forbidden", f"this route needs the {role} role; the token has {entry.role}")
        return entry

    return check
