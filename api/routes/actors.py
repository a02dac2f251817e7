"""``GET /api/actors`` (filtered, paginated) and ``GET /api/actors/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query

from api import deps
from api.models import (
    Actor,
    ActorSummary,
    GoalLink,
    Kind,
    MemberLink,
    MembershipLink,
    Page,
    ProjectLink,
    SourceLink,
    Tie,
)
from api.routes.common import BAD, NOT_FOUND, IdPath, IdQuery, Limit, Offset, split
from api.routes.goals import goal_actors
from graph import queries
from graph.errors import NotFound
from graph.landscape import Actor as LandActor
from graph.landscape import Landscape
from graph.store import Store

router = APIRouter(prefix="/api", tags=["actors"])


@router.get("/actors", response_model=Page[ActorSummary], responses=BAD, summary="actors, filtered")
def list_actors(
    land: Annotated[Landscape, Depends(deps.landscape)],
    kind: Annotated[Kind | None, Query(description="actor kind from actors.csv")] = None,
    goal: Annotated[IdQuery, Query(description="id of a goal the actor works on (directly or "
                                               "through a project)")] = None,
    district: Annotated[IdQuery, Query(description="id of a district the actor is active in")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in the name or id")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Actors ordered by name, filtered on the app's landscape (plain comparisons, no query text)."""
    workers = goal_actors(land).get(goal, set()) if goal else None
    text = (q or "").casefold()
    matches = [
        a for a in by_name(land)
        if (kind is None or a.kind == kind) and (workers is None or a.id in workers)
        and (district is None or district in a.districts)
        and (not text or text in a.name.casefold() or text in a.id.casefold())
    ]
    items = [ActorSummary(id=a.id, name=a.name, kind=a.kind) for a in matches[offset:offset + limit]]
    return {"total": len(matches), "limit": limit, "offset": offset, "items": items}


def by_name(land: Landscape) -> list[LandActor]:
    """The landscape's actors ordered by name, computed once per landscape."""
    key = ("api.actors.by_name",)
    if key not in land.cache:
        land.cache[key] = sorted(land.actors.values(), key=lambda a: (a.name.casefold(), a.id))
    return land.cache[key]  # type: ignore[return-value]


@router.get("/actors/{id}", response_model=Actor, responses={**NOT_FOUND, **BAD}, summary="one actor")
def get_actor(id: IdPath, store: Annotated[Store, Depends(deps.store)]) -> Actor:
    """One actor with its goals, projects, memberships, ties and sources."""
    rows = queries.run(store, "api_actor", id=id)
    if not rows:
        raise NotFound(f"no actor with id {id!r}")
    r = rows[0]
    actor = Actor(id=r["id"], name=r["name"], kind=r["kind"], parent=r.get("parent_id"),
                  website=r.get("website"), description=r.get("description"),
                  districts=split(r.get("districts")), target_groups=split(r.get("target_groups")))
    for link in queries.run(store, "api_actor_links", actor=ox.NamedNode(r["actor"])):
        _add_link(actor, link)
    return actor


def _add_link(actor: Actor, r: dict[str, Any]) -> None:
    rel, tid, name = r["rel"], r["target_id"], r.get("target_name") or r["target_id"]
    start = None if r.get("start") is None else str(r["start"])
    end = None if r.get("end") is None else str(r["end"])
    if rel == "goal":
        actor.goals.append(GoalLink(id=tid, label=r.get("target_name"), via=r.get("via", "direct")))
    elif rel == "project":
        actor.projects.append(ProjectLink(id=tid, name=name, role=r["role"], start=start, end=end))
    elif rel == "membership":
        actor.memberships.append(MembershipLink(group=tid, name=name, role=r.get("role"),
                                                 start=start, end=end))
    elif rel == "member":
        actor.members.append(MemberLink(member=tid, name=name, role=r.get("role"), start=start, end=end))
    elif rel == "tie":
        actor.ties.append(Tie(actor=tid, name=name, kind=r.get("role"), start=start, end=end))
    elif rel == "source":
        actor.sources.append(SourceLink(id=tid, title=name, url=r.get("url")))
