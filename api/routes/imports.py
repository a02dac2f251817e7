"""``POST /api/import``: upload an XLSX workbook or a zipped CSV folder; needs an editor token.

The upload goes through the same all-or-nothing importer as ``integraph
import`` and the answer is its report (``?dry_run=true`` checks and diffs
without writing). The body is refused above ``max_upload_bytes`` before it is
read, and before any token check has passed nothing is read at all. Zip
entries are checked for path tricks, zip bombs (``max_unpacked_bytes``,
``max_unpack_ratio``, ``max_zip_members``) and workbooks for macros and
external links (:mod:`graph.archive_guard`); a refusal is a 400 naming the
file and the reason. After a write the SPARQL workers get a fresh snapshot.
"""

from __future__ import annotations

import re
import tempfile
import threading
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from api.auth import require
from api.errors import ApiError
from api.models import ID_PATTERN, Error, ImportReport
from api.tokens import TokenEntry
from graph.archive_guard import ZipLimits, check_workbook, extract_zip, open_zip
from graph.errors import InvalidInput, Problem
from graph.importer import import_dataset

router = APIRouter(prefix="/api", tags=["import"])
_write_lock = threading.Lock()
PRIVATE_FILES = {"contacts", "contacts.csv"}

_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "an .xlsx workbook or a .zip of the CSV folder"}}}}}}}


def _safe_name(name: str, default: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(name.replace("\\", "/")).name)[:100]
    return base.lstrip(".") or default


def _unpack(upload: Path, workdir: Path, limits: ZipLimits) -> Path:
    """The dataset path inside an upload: the workbook itself or the folder holding dataset.csv.

    Both kinds are zips and are inspected before anything inflates them
    (:mod:`graph.archive_guard`): a workbook here under the configured limits
    (the importer checks it again for macros and links), a CSV zip while it
    is unpacked, member by member, under a meter.
    """
    if not zipfile.is_zipfile(upload):
        raise InvalidInput([Problem("the upload is neither an XLSX workbook nor a zip of CSV files",
                                    file=upload.name)])
    with open_zip(upload, limits=limits) as z:
        is_workbook = "[Content_Types].xml" in z.namelist()  # an XLSX workbook is a zip of XML parts
    if is_workbook:
        workbook = upload if upload.suffix == ".xlsx" else upload.rename(upload.with_suffix(".xlsx"))
        check_workbook(workbook, limits, label=upload.name)
        return workbook
    folder = workdir / upload.stem
    extract_zip(upload, folder, limits)
    found = sorted(folder.rglob("dataset.csv"), key=lambda p: len(p.parts))
    if not found:
        raise InvalidInput([Problem("the zip holds no dataset.csv", file=upload.name)])
    return found[0].parent


def _redact(report: dict[str, Any], entry: TokenEntry) -> dict[str, Any]:
    """Values from contacts.csv (personal data) are shown to admins only."""
    if entry.allows("admin"):
        return report
    for p in report.get("problems", []):
        if str(p.get("file", "")).lower() in PRIVATE_FILES:
            p["value"] = "(hidden: personal data needs the admin role)"
    return report


@router.post("/import", response_model=ImportReport, summary="import an XLSX or zipped CSV dataset",
             openapi_extra=_BODY, responses={
                 400: {"model": Error, "description": "invalid dataset: every problem, nothing changed"},
                 401: {"model": Error}, 403: {"model": Error},
                 413: {"model": Error, "description": "larger than max_upload_bytes"}})
async def import_upload(
    request: Request,
    who: Annotated[TokenEntry, Depends(require("editor"))],
    dry_run: Annotated[bool, Query(description="check and diff, write nothing")] = False,
    dataset: Annotated[str | None, Query(pattern=ID_PATTERN, description="dataset name")] = None,
) -> dict[str, Any]:
    """Import a dataset all-or-nothing and return the report of what was added, changed and removed."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is None:
        raise ApiError(411, "length_required", "send a Content-Length header")
    if not declared.isdigit() or int(declared) > limit:
        raise ApiError(413, "too_large", f"the upload is larger than max_upload_bytes = {limit}")
    form = await request.form(max_files=1, max_fields=0)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(400, "bad_request", "send the dataset as the multipart field 'file'")
    with tempfile.TemporaryDirectory(prefix="integraph-upload-") as tmp:
        target = Path(tmp) / _safe_name(upload.filename or "", "upload.zip")
        target.write_bytes(await upload.read(limit + 1))
        if target.stat().st_size > limit:
            raise ApiError(413, "too_large", f"the upload is larger than max_upload_bytes = {limit}")
        report = await run_in_threadpool(_import, request, target, Path(tmp), dry_run, dataset,
                                         f"token:{who.name}")
    return _redact(report, who)


def _import(request: Request, target: Path, workdir: Path, dry_run: bool,
            dataset: str | None, agent: str) -> dict[str, Any]:
    path = _unpack(target, workdir, ZipLimits.of(request.app.state.settings))
    with _write_lock:
        report = import_dataset(request.app.state.store, path, dataset=dataset, dry_run=dry_run,
                                agent=agent)
        if not dry_run:
            request.app.state.generation += 1
            request.app.state.sandbox.refresh()
    return report.as_dict()
