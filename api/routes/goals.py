"""``GET /api/goals``: the goals with action field, actor count and project count."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api import deps
from api.models import ActionFieldRef, Goal
from graph.landscape import Landscape

router = APIRouter(prefix="/api", tags=["goals"])


def goal_actors(land: Landscape) -> dict[str, set[str]]:
    """goal → actors working on it directly or as lead/partner of a project (any date)."""
    out: dict[str, set[str]] = {g: set() for g in land.goals}
    for ag in land.actor_goals:
        out.setdefault(ag.goal, set()).add(ag.actor)
    for p in land.projects.values():
        for g in p.goals:
            out.setdefault(g, set()).update(a for a in (p.lead, *p.partners) if a)
    return out


@router.get("/goals", response_model=list[Goal], summary="goals with action field and counts")
def list_goals(land: Annotated[Landscape, Depends(deps.landscape)]) -> list[Goal]:
    """Every goal, ordered by action field and id; counts ignore dates (see ``/goals/{id}/actors``)."""
    actors = goal_actors(land)
    projects: dict[str, int] = {}
    for p in land.projects.values():
        for gid in p.goals:
            projects[gid] = projects.get(gid, 0) + 1
    out = []
    for goal in sorted(land.goals.values(), key=lambda x: (x.field, x.id)):
        f = land.fields.get(goal.field)
        field = ActionFieldRef(id=f.id, label=f.label_de, label_en=f.label_en or None) if f else None
        out.append(Goal(id=goal.id, label=goal.label_de, label_en=goal.label_en or None, action_field=field,
                        actor_count=len(actors.get(goal.id, ())), project_count=projects.get(goal.id, 0)))
    return out
