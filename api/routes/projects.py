"""``GET /api/projects`` and ``GET /api/projects/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api import deps
from api.models import Page, Project, ProjectSummary
from api.routes.common import BAD, NOT_FOUND, IdPath, Limit, Offset, page, split
from graph import queries
from graph.errors import NotFound
from graph.landscape import Landscape
from graph.store import Store

router = APIRouter(prefix="/api", tags=["projects"])


def _project(r: dict[str, Any]) -> Project:
    return Project(id=r["id"], name=r["name"], lead=r.get("lead_id"), partners=split(r.get("partners")),
                   goals=split(r.get("goals")), funded_by=split(r.get("funded_by")),
                   districts=split(r.get("districts")), target_groups=split(r.get("target_groups")),
                   start=_text(r.get("start")), end=_text(r.get("end")), description=r.get("description"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@router.get("/projects", response_model=Page[ProjectSummary], responses=BAD, summary="projects, paginated")
def list_projects(land: Annotated[Landscape, Depends(deps.landscape)],
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Projects ordered by id; ``/api/projects/{id}`` has funding, districts and target groups."""
    items = [ProjectSummary(id=p.id, name=p.name, lead=p.lead or None, partners=list(p.partners),
                            goals=list(p.goals), start=p.start.isoformat() if p.start else None,
                            end=p.end.isoformat() if p.end else None)
             for p in sorted(land.projects.values(), key=lambda p: p.id)]
    return page(items, limit, offset)


@router.get("/projects/{id}", response_model=Project, responses={**NOT_FOUND, **BAD},
            summary="one project")
def get_project(id: IdPath, store: Annotated[Store, Depends(deps.store)]) -> Project:
    """One project by its dataset id."""
    rows = queries.run(store, "api_project", project_id=id)
    if not rows:
        raise NotFound(f"no project with id {id!r}")
    return _project({**rows[0], "id": id})
