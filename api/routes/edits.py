"""JSON writes: ``POST /api/edit/{table}``, ``PUT`` and ``DELETE /api/edit/{table}/{key}``.

Each write goes through :func:`graph.edit.edit_row`, i.e. through the same
all-or-nothing importer as a spreadsheet: the same checks and shapes, the
same entity diff in the answer, and a provenance record naming the token.
Rows use the columns of SPEC §4 (``{"id": "x", "name": "…", "kind": "…"}``;
several values in one cell separated by ``|``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.auth import require
from api.errors import ApiError
from api.models import ID_PATTERN, Error, ImportReport
from api.routes.imports import _redact, _write_lock
from api.tokens import TokenEntry
from graph.edit import EDITABLE, Operation, edit_row

router = APIRouter(prefix="/api/edit", tags=["writes"])
Row = Annotated[dict[str, str | None], Body(examples=[{"id": "neu", "name": "Neuer Verein",
                                                       "kind": "association", "source": "s1"}])]
OptionalRow = Annotated[dict[str, str | None] | None, Body(examples=[{"id": "neu", "name": "Neuer Verein",
                                                                     "kind": "association"}])]
Key = Annotated[str, Path(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                          description="the row's id, or a--b for a cooperation, actor--group for a "
                          "membership, actor--goal for an actor_goals row")]
Dataset = Annotated[str | None, Query(pattern=ID_PATTERN,
                                      description="dataset (needed when the store holds several)")]
DryRun = Annotated[bool, Query(description="check and diff, write nothing")]
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Error, "description": "the edited dataset is invalid: every problem, nothing changed"},
    401: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}, 409: {"model": Error}}


async def _edit(request: Request, who: TokenEntry, table: str, op: Operation, key: str | None,
                row: dict[str, str | None] | None, dataset: str | None, dry_run: bool) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with _write_lock:
            report = edit_row(request.app.state.store, table, op, key,
                              {k: v or "" for k, v in (row or {}).items()}, dataset=dataset,
                              agent=f"token:{who.name}", dry_run=dry_run)
            if not dry_run:
                request.app.state.generation += 1
                request.app.state.sandbox.refresh()
        return report.as_dict()

    return _redact(await run_in_threadpool(work), who)


def _routes(table: str) -> None:
    """Register POST /api/{table}, PUT and DELETE /api/{table}/{key} for one table.

    Explicit paths per table (not a ``{table}`` parameter) keep every other
    path answering 404/405 as before; the writes live under ``/api/edit/`` so
    that no path mixes read and write routes.
    """

    async def create_row(request: Request, row: Row, who: Annotated[TokenEntry, Depends(require("editor"))],
                         dataset: Dataset = None, dry_run: DryRun = False) -> dict[str, Any]:
        return await _edit(request, who, table, "create", None, row, dataset, dry_run)

    async def change_row(request: Request, key: Key, who: Annotated[TokenEntry, Depends(require("editor"))],
                         row: OptionalRow = None, dataset: Dataset = None,
                         dry_run: DryRun = False) -> dict[str, Any]:
        # PUT and DELETE share one route so that the path's Allow header names both.
        if request.method == "DELETE":
            return await _edit(request, who, table, "delete", key, None, dataset, dry_run)
        if row is None:
            raise ApiError(422, "invalid_parameter", "PUT needs the new row as a JSON object")
        return await _edit(request, who, table, "replace", key, row, dataset, dry_run)

    router.add_api_route(f"/{table}", create_row, methods=["POST"], response_model=ImportReport,
                         status_code=201, responses=RESPONSES, operation_id=f"create_{table}",
                         summary=f"create one row of {table} (editor token; 409 if it exists)")
    router.add_api_route(f"/{table}/{{key}}", change_row, methods=["PUT", "DELETE"],
                         response_model=ImportReport, responses=RESPONSES,
                         summary=f"replace (PUT, with the row) or delete (DELETE) one row of {table} "
                         "(editor token; a delete that leaves references is 400)")


for _table in EDITABLE:
    _routes(_table)
