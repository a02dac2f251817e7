"""Change over time: how the landscape moved between two dates (``integraph diff``).

Ties gained and lost, actors newly isolated (and no longer isolated), goals
that gained or lost actors or coverage: the questions a planner asks about
the years since the integration concept was adopted.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> change = diff(load_landscape(store), dt.date(2013, 1, 1), dt.date(2020, 1, 1))
    >>> [t["actors"] for t in change["ties_lost"]], change["goals_newly_uncovered"]
    ([['ihk', 'jobcenter']], ['g-ausbildung'])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .landscape import Landscape
from .network import active_ties, edge_data, goal_links, network_actors


def _snapshot(land: Landscape, on: dt.date) -> tuple[dict, dict[str, set[str]]]:
    ties = {pair: edge_data(t) for pair, t in active_ties(land, on).items()}
    goals: dict[str, set[str]] = {g: set() for g in land.goals}
    for aid, gs in goal_links(land, on).items():
        for g in gs:
            if g in goals and aid in land.actors:
                goals[g].add(aid)
    return ties, goals


def diff(land: Landscape, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """What changed between ``date_from`` and ``date_to``, as plain data.

    ``ties_gained`` / ``ties_lost``: ``{"actors": [a, b], "kinds": [...], "projects", "groups"}``;
    ``newly_isolated`` / ``no_longer_isolated``: actor ids; ``goals``: per goal whose set of
    actors changed, the actors ``gained`` and ``lost``; ``goals_newly_covered`` /
    ``goals_newly_uncovered``: goals that went from no actor to some, or back.
    """
    before, goals_before = _snapshot(land, date_from)
    after, goals_after = _snapshot(land, date_to)
    nodes = network_actors(land)

    def tie(pair: tuple[str, str], data: dict) -> dict[str, Any]:
        return {"actors": list(pair), "kinds": data["kinds"], "projects": data["projects"],
                "groups": data["groups"]}

    def isolated(ties: dict) -> set[str]:
        linked = {a for pair in ties for a in pair}
        return nodes - linked

    iso_before, iso_after = isolated(before), isolated(after)
    goals = []
    for g in sorted(land.goals):
        gained, lost = goals_after[g] - goals_before[g], goals_before[g] - goals_after[g]
        if gained or lost:
            goals.append({"goal": g, "actors_before": len(goals_before[g]),
                          "actors_after": len(goals_after[g]),
                          "gained": sorted(gained), "lost": sorted(lost)})
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "ties_gained": [tie(p, after[p]) for p in sorted(after.keys() - before.keys())],
        "ties_lost": [tie(p, before[p]) for p in sorted(before.keys() - after.keys())],
        "newly_isolated": sorted(iso_after - iso_before),
        "no_longer_isolated": sorted(iso_before - iso_after),
        "goals": goals,
        "goals_newly_covered": sorted(g for g in land.goals if goals_after[g] and not goals_before[g]),
        "goals_newly_uncovered": sorted(g for g in land.goals if goals_before[g] and not goals_after[g]),
    }
