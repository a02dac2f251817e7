"""``GET /api/export?format=``: the same formats as ``integraph export`` (SPEC §5, §7).

The public graph by default; ``include_private=true`` needs an admin token
(personal data never leaves without one). The export is written first, so a
bad dataset or format is a clean 404/422 before any byte is sent, then
streamed in chunks.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from api import deps
from api.auth import require
from api.models import Error
from api.routes.common import BAD, NOT_FOUND
from graph.export import FORMATS, export_stream, file_name
from graph.settings import Settings
from graph.store import Store

router = APIRouter(prefix="/api", tags=["export"])
ExportFormat = Literal["turtle", "trig", "jsonld", "nt", "nq", "rdfxml", "graphml", "gexf", "csv", "xlsx"]


@router.get("/export", response_class=StreamingResponse, responses={
    **NOT_FOUND, **BAD, 401: {"model": Error, "description": "include_private without a token"},
    403: {"model": Error, "description": "include_private without the admin role"}},
            summary="export the public graph (same formats as integraph export)")
def export_route(
    request: Request,
    store: Annotated[Store, Depends(deps.store)],
    settings: Annotated[Settings, Depends(deps.settings)],
    format: Annotated[ExportFormat, Query(description="export format")],
    dataset: Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                         description="one dataset (default: all)")] = None,
    pseudonymise: Annotated[bool, Query(description="pseudonymise migrant organisations and "
                                        "religious communities")] = False,
    include_private: Annotated[bool, Query(description="include contact data (admin token)")] = False,
) -> StreamingResponse:
    """Stream an export; contacts only for an admin who asks for them."""
    if include_private:
        # Read the token only here: the public export needs none, so the route declares no
        # security scheme (a client without a token is not "unauthenticated", it is public).
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        credentials = HTTPAuthorizationCredentials(scheme=scheme, credentials=token) if token else None
        require("admin")(request, credentials)
    chunks = export_stream(store, format, dataset=dataset, include_private=include_private,
                           pseudonymise=pseudonymise, endpoint=settings.sparql_endpoint)
    return StreamingResponse(chunks, media_type=FORMATS[format].media_type, headers={
        "Content-Disposition": f'attachment; filename="{file_name(format, dataset)}"'})
