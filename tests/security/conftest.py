"""The security tests reuse the API tests' session client over the Testville fixture."""

from __future__ import annotations

from tests.api.conftest import client

__all__ = ["client"]
