"""Helpers the route modules share: pagination parameters, id validation, 404 answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from api.models import ID_PATTERN, Error

Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=200, description="dataset id",
                             examples=["amt"])]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN, max_length=200)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "unknown id"}}
BAD: dict[int | str, dict[str, Any]] = {422: {"model": Error, "description": "bad parameter"}}


def split(value: Any) -> list[str]:
    """The ids of a ``GROUP_CONCAT(...; separator="|")`` column."""
    return [v for v in str(value or "").split("|") if v]


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """One page of ``items`` with the total count."""
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit]}
