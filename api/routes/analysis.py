"""``/api/goals/{id}/actors`` (= ``integraph who``), ``/api/gaps`` (= ``integraph gaps``), ``/api/network``.

The answers come from the same library functions as the CLI, over a
:class:`graph.landscape.Landscape` that the app loads once and reloads after
each write (:func:`api.deps.landscape`).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api import deps
from api.errors import ApiError
from api.models import Gap, Network, WhoRow
from api.routes.common import BAD, NOT_FOUND, IdPath, IdQuery
from graph.coverage import who
from graph.errors import NotFound
from graph.gaps import find_gaps
from graph.landscape import Landscape
from graph.network import cooperation_network

router = APIRouter(prefix="/api", tags=["analysis"])
#: ``YYYY-MM-DD`` or ``YYYY``; parsed here, because pydantic would read "2020" as a Unix timestamp.
AsOf = Annotated[str | None, Query(
    max_length=10, examples=["2020-01-01"], description="reference date YYYY-MM-DD or year YYYY "
    "[default: today]", json_schema_extra={"anyOf": [
        {"type": "string", "format": "date"}, {"type": "string", "pattern": "^[1-9][0-9]{3}$"},
        {"type": "null"}]})]
#: The gap kinds of SPEC §6 (kept equal to :data:`graph.gaps.KINDS` by a test).
GapKind = Literal["unlinked_peers", "isolated_actor", "uncovered_goal", "single_sector_goal",
                  "broker_dependency", "lapsed_tie", "unimplemented_recommendation"]


def as_date(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD``, or a year ``YYYY`` as its 1 January (as the CLI's ``--as-of``)."""
    if value is None:
        return None
    try:
        if len(value) == 4 and value.isdigit():
            return dt.date(int(value), 1, 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_parameter",
                       f"as_of: not a date YYYY-MM-DD or year YYYY: {value!r}") from None


@router.get("/goals/{id}/actors", response_model=list[WhoRow], response_model_exclude_none=True,
            responses={**NOT_FOUND, **BAD}, summary="who works on a goal (same as integraph who)")
def goal_actors(id: IdPath, land: Annotated[Landscape, Depends(deps.landscape)],
                as_of: AsOf = None) -> Response:
    """Actors working on the goal at ``as_of``, directly or as lead/partner of a project."""
    # The library returns the contract shape already; answering directly skips re-validating
    # thousands of rows (the schema above still documents it, and the tests check it). The
    # answer for today (no ``as_of``) is kept with the landscape, which is replaced after every
    # write; one entry per known goal and day at most.
    if as_of is not None:
        return JSONResponse(who(land, id, as_date(as_of)))
    key = ("api.who", id, dt.date.today())
    if key not in land.cache:
        land.cache[key] = bytes(JSONResponse(who(land, id)).body)
    return Response(land.cache[key], media_type="application/json")  # type: ignore[arg-type]


@router.get("/gaps", response_model=list[Gap], responses={**NOT_FOUND, **BAD},
            summary="ranked cooperation gaps (same as integraph gaps)")
def gaps(land: Annotated[Landscape, Depends(deps.landscape)],
         kind: Annotated[GapKind | None, Query(description="one gap kind of SPEC §6")] = None,
         field: Annotated[IdQuery, Query(description="action field id")] = None,
         as_of: AsOf = None,
         limit: Annotated[int | None, Query(ge=0, le=100_000, description="best N gaps")] = None,
         lang: Annotated[Literal["de", "en"], Query(description="language of the explanations")] = "de",
         ) -> Response:
    """Gaps best first: actors on the same goals without ties, isolated actors, uncovered goals…"""
    on = as_date(as_of)

    def answer() -> bytes:
        gaps = find_gaps(land, kind=kind, field=field, as_of=on, limit=limit, lang=lang)
        return bytes(JSONResponse(list(gaps)).body)  # already JSON types: no encoder pass

    if limit is None or limit > CACHED_GAPS_LIMIT:
        # Every gap of a region is hundreds of megabytes of JSON: found and ranked first (so bad
        # parameters still get their error status), then written out and sent 10,000 at a time.
        found = find_gaps(land, kind=kind, field=field, as_of=on, limit=limit, lang=lang)
        return StreamingResponse(found.json_parts(), media_type="application/json")
    return Response(cached(land, ("api.gaps", kind, field, on or dt.date.today(), limit, lang), answer),
                    media_type="application/json")


#: Gap answers up to this many gaps are kept per landscape (at most CACHED_ANSWERS of them).
CACHED_GAPS_LIMIT = 1_000
CACHED_ANSWERS = 256
_locks_guard = threading.Lock()


def cached(land: Landscape, key: tuple[object, ...], compute: Any) -> bytes:
    """``compute()`` once per key and landscape, however many requests ask at the same time.

    Gaps take seconds at state scale (6 s at 30,000 actors) and are a pure function of the
    landscape and the parameters; without this, 50 clients asking for the best 20 gaps each
    recomputed them and starved every other request of the one process's CPU (the ``load_mix``
    benchmark). Concurrent first requests wait for the one computation instead of repeating it.
    The landscape is replaced after every write, and its cache with it.
    """
    with _locks_guard:
        lock: Any = land.cache.setdefault(("lock", *key), threading.Lock())
    with lock:
        if key not in land.cache:
            answers = [k for k in land.cache if isinstance(k, tuple) and k and k[0] == key[0]]
            if len(answers) >= CACHED_ANSWERS:
                for k in answers:
                    land.cache.pop(k, None)
            land.cache[key] = compute()
        value = land.cache[key]
    assert isinstance(value, bytes)
    return value


@router.get("/network", response_model=Network, responses={**NOT_FOUND, **BAD},
            summary="the cooperation network as nodes and links")
def network(land: Annotated[Landscape, Depends(deps.landscape)],
            field: Annotated[IdQuery, Query(description="only actors working on this action field")] = None,
            goal: Annotated[IdQuery, Query(description="only actors working on this goal")] = None,
            as_of: AsOf = None) -> dict[str, Any]:
    """Actors as nodes and their active ties as links on ``as_of``."""
    if field is not None and field not in land.fields:
        raise NotFound(f"no action field with id {field!r}")
    if goal is not None and goal not in land.goals:
        raise NotFound(f"no goal with id {goal!r}")
    g = cooperation_network(land, as_date(as_of), field=field, goal=goal)
    nodes = [dict(data) for _, data in g.nodes(data=True)]
    links = [{"source": a, "target": b, **data} for a, b, data in g.edges(data=True)]
    return jsonable_encoder({"as_of": g.graph["as_of"], "field": field, "goal": goal,
                             "nodes": nodes, "links": links})
