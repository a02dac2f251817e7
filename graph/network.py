"""Projections of the landscape into networks, for one reference date (SPEC §6).

Two actors *cooperate* on a date when they have an explicit cooperation, lead or
partner the same project, or are members of the same working group or
committee at that date; undated rows always hold.

Working groups and committees are **venues**: their members are tied to one
another, the venue itself is not a node of the actor network. An actor of kind
``working_group`` is never a node. A ``committee`` (an advisory board, a
council committee) is a node only when it also acts as an organisation: when it
has an explicit cooperation or takes part in a project (at any date, so that
the node set does not change with ``as_of``). Ties with a non-node (a
cooperation with a working group) are left out of the actor network.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> land = load_landscape(store)
    >>> g = cooperation_network(land, as_of=dt.date(2014, 6, 1))
    >>> g.edges["ihk", "jobcenter"]["kinds"], g.edges["ihk", "jobcenter"]["projects"]
    (['project'], ['p-ausbildung'])
    >>> g.has_edge("ihk", "jobcenter") and not cooperation_network(land).has_edge("ihk", "jobcenter")
    True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import combinations
from typing import NamedTuple

import networkx as nx

from .landscape import Landscape, active, paused_gc

#: Sectors of SPEC §6 in the order used for tables and matrices.
SECTORS = ("public", "welfare", "civil_society", "migrant", "education", "economy", "other")
SECTOR_LABELS = {
    "de": {"public": "öffentliche Hand", "welfare": "Wohlfahrtsverband", "civil_society": "Zivilgesellschaft",
           "migrant": "Migrantenorganisation", "education": "Bildung", "economy": "Wirtschaft",
           "other": "Sonstige", "venue": "Gremium"},
    "en": {"public": "public sector", "welfare": "welfare association", "civil_society": "civil society",
           "migrant": "migrant organisation", "education": "education", "economy": "economy",
           "other": "other", "venue": "venue"},
}
TIE_KINDS = ("cooperation", "project", "working_group")


class Tie(NamedTuple):
    """One reason two actors are tied, with its period: a cooperation, project or shared venue."""

    kind: str
    ref: str
    start: dt.date | None
    end: dt.date | None
    sources: tuple[str, ...] = ()

    def active(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or self.end >= on)


_tie = tuple.__new__  # builds a Tie without the Python-level __new__: venues expand to many pairs


def today() -> dt.date:
    """The default reference date."""
    return dt.date.today()


def network_actors(land: Landscape) -> set[str]:
    """The actors that are nodes of the cooperation network (venues left out, see module doc)."""
    organising = {c.a for c in land.cooperations} | {c.b for c in land.cooperations}
    for p in land.projects.values():
        organising.update(p.members)
    return {a.id for a in land.actors.values()
            if a.kind != "working_group" and (a.kind != "committee" or a.id in organising)}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def all_ties(land: Landscape) -> dict[tuple[str, str], list[Tie]]:
    """Every tie between two network actors at any date, keyed by the sorted id pair (computed once)."""
    cached = land.cache.get("all_ties")
    if cached is not None:
        return cached  # type: ignore[return-value]
    nodes = network_actors(land)
    ties: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for c in land.cooperations:
        if c.a != c.b and c.a in nodes and c.b in nodes:
            ties[_pair(c.a, c.b)].append(Tie("cooperation", c.id, c.start, c.end, c.sources))
    for p in land.projects.values():
        members = sorted({m for m in p.members if m in nodes})
        for a, b in combinations(members, 2):
            ties[(a, b)].append(Tie("project", p.id, p.start, p.end, p.sources))
    by_group: dict[str, list] = defaultdict(list)
    for m in land.memberships:
        if m.actor in nodes:
            by_group[m.group].append(m)
    for group, ms in by_group.items():
        ms.sort(key=lambda m: m.actor)
        for x, y in combinations(ms, 2):
            if x.actor == y.actor:
                continue
            # both members at the same time: the later start, the earlier end
            start = x.start if y.start is None else y.start if x.start is None else max(x.start, y.start)
            end = x.end if y.end is None else y.end if x.end is None else min(x.end, y.end)
            if start is not None and end is not None and start > end:
                continue
            pair = (x.actor, y.actor) if x.actor < y.actor else (y.actor, x.actor)
            ties[pair].append(_tie(Tie, ("working_group", group, start, end, x.sources + y.sources)))
    land.cache["all_ties"] = ties
    return ties


def edge_data(ties: list[Tie]) -> dict[str, object]:
    """Edge attributes from the ties that hold: kinds, period, sources, projects, groups."""
    starts, ends = [t.start for t in ties], [t.end for t in ties]
    return {
        "kinds": sorted({t.kind for t in ties}),
        "start": "" if None in starts else min(d for d in starts if d).isoformat(),
        "end": "" if None in ends else max(d for d in ends if d).isoformat(),
        "sources": sorted({s for t in ties for s in t.sources}),
        "projects": sorted({t.ref for t in ties if t.kind == "project"}),
        "groups": sorted({t.ref for t in ties if t.kind == "working_group"}),
    }


def active_ties(land: Landscape, as_of: dt.date | None = None,
                ties: dict[tuple[str, str], list[Tie]] | None = None) -> dict[tuple[str, str], list[Tie]]:
    """The ties that hold on ``as_of`` (default today), from ``ties`` if already computed."""
    on = as_of or today()
    out = {}
    for pair, reasons in (all_ties(land) if ties is None else ties).items():
        holding = [t for t in reasons if t.active(on)]
        if holding:
            out[pair] = holding
    return out


def goal_links(land: Landscape, as_of: dt.date | None = None) -> dict[str, dict[str, list[dict[str, str]]]]:
    """actor → goal → how it works on it (SPEC §5 ``via``): directly, or as lead/partner of an active project.

    Examples:
        >>> from graph.landscape import Project
        >>> land = Landscape(projects={"p": Project("p", "P", lead="a", partners=("b",), goals=("g",))})
        >>> goal_links(land)["b"]
        {'g': [{'type': 'project', 'project': 'p', 'role': 'partner'}]}
    """
    on = as_of or today()
    cached = land.cache.get(("goal_links", on))
    if cached is not None:
        return cached  # type: ignore[return-value]
    links: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for ag in sorted(land.actor_goals, key=lambda x: (x.actor, x.goal)):
        if {"type": "direct"} not in links[ag.actor][ag.goal]:
            links[ag.actor][ag.goal].append({"type": "direct"})
    for p in sorted(land.projects.values(), key=lambda p: p.id):
        if not active(p.start, p.end, on):
            continue
        for actor in p.members:
            role = "lead" if actor == p.lead else "partner"
            for goal in p.goals:
                links[actor][goal].append({"type": "project", "project": p.id, "role": role})
    result = {a: dict(gs) for a, gs in links.items()}
    land.cache[("goal_links", on)] = result
    return result


def active_groups(land: Landscape, as_of: dt.date | None = None) -> dict[str, list[str]]:
    """actor → the working groups and committees it is a member of on ``as_of``."""
    on = as_of or today()
    groups: dict[str, set[str]] = defaultdict(set)
    for m in land.memberships:
        if active(m.start, m.end, on):
            groups[m.actor].add(m.group)
    return {a: sorted(g) for a, g in groups.items()}


def cooperation_network(land: Landscape, as_of: dt.date | None = None, field: str | None = None,
                        goal: str | None = None) -> nx.Graph:
    """The actor cooperation network on ``as_of`` (default today), optionally for one field or goal.

    Nodes carry ``id, name, kind, sector, districts, target_groups, goals, fields`` (and ``groups``,
    the venues the actor sits in); edges carry ``kinds, start, end, sources, projects, groups``.
    With ``field`` or ``goal`` only the actors working on it (at ``as_of``) are kept.
    """
    with paused_gc():
        return _cooperation_network(land, as_of or today(), field, goal)


def _cooperation_network(land: Landscape, on: dt.date, field: str | None, goal: str | None) -> nx.Graph:
    links = goal_links(land, on)
    venues = active_groups(land, on)
    g = nx.Graph(as_of=on.isoformat(), field=field or "", goal=goal or "")
    for aid in sorted(network_actors(land)):
        a = land.actors[aid]
        goals = sorted(links.get(aid, {}))
        fields = sorted({land.goals[x].field for x in goals if x in land.goals and land.goals[x].field})
        if goal is not None and goal not in goals:
            continue
        if field is not None and field not in fields:
            continue
        g.add_node(aid, id=aid, name=a.name, kind=a.kind, sector=a.sector, districts=list(a.districts),
                   target_groups=list(a.target_groups), goals=goals, fields=fields,
                   groups=venues.get(aid, []))
    for (u, v), ties in sorted(active_ties(land, on).items()):
        if u in g and v in g:
            g.add_edge(u, v, **edge_data(ties))
    return g


def actor_goal_graph(land: Landscape, as_of: dt.date | None = None) -> nx.Graph:
    """Bipartite actor–goal graph on ``as_of``; nodes ``actor/{id}`` (bipartite 0) and ``goal/{id}`` (1)."""
    g = nx.Graph()
    for gid, goal in sorted(land.goals.items()):
        g.add_node(f"goal/{gid}", id=gid, name=goal.label_de, type="goal", field=goal.field, bipartite=1)
    for aid, goals in sorted(goal_links(land, as_of).items()):
        if aid not in land.actors:
            continue
        actor = land.actors[aid]
        g.add_node(f"actor/{aid}", id=aid, name=actor.name, type="actor", kind=actor.kind,
                   sector=actor.sector, bipartite=0)
        for gid, via in goals.items():
            if gid in land.goals:
                g.add_edge(f"actor/{aid}", f"goal/{gid}",
                           via=[v["type"] if v["type"] == "direct" else f"{v['role']}:{v['project']}"
                                for v in via])
    return g


def actor_group_graph(land: Landscape, as_of: dt.date | None = None) -> nx.Graph:
    """Bipartite actor–venue graph (working groups, committees) of the memberships active on ``as_of``."""
    on = as_of or today()
    g = nx.Graph()
    for m in land.memberships:
        if not active(m.start, m.end, on) or m.actor not in land.actors or m.group not in land.actors:
            continue
        for key, aid, part in ((f"actor/{m.actor}", m.actor, 0), (f"group/{m.group}", m.group, 1)):
            a = land.actors[aid]
            g.add_node(key, id=aid, name=a.name, kind=a.kind, sector=a.sector, bipartite=part)
        g.add_edge(f"actor/{m.actor}", f"group/{m.group}", role=m.role,
                   start=m.start.isoformat() if m.start else "", end=m.end.isoformat() if m.end else "")
    return g

