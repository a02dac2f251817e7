"""What-if: recompute gaps and metrics after removing an actor, adding a tie or ending a project.

"What breaks if this funded project ends?", "what if the integration office
stopped chairing the working group?", "what would one new tie fix?": the
answer is the difference between the gaps and metrics of the landscape as it is
and of the changed one.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> r = what_if(load_landscape(store), add_ties=[("amt", "mso2")], as_of=dt.date(2024, 1, 1))
    >>> [(g["kind"], g["actors"]) for g in r["gaps_resolved"]]
    [('isolated_actor', ['mso2']), ('unlinked_peers', ['amt', 'mso2'])]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from .gaps import find_gaps, sort_key
from .landscape import Landscape
from .metrics import compute_metrics
from .network import cooperation_network, today


def gap_key(gap: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies a gap across two runs: kind, actors, goals (and the recommendation)."""
    return (gap["kind"], tuple(gap["actors"]), tuple(gap["goals"]),
            gap["evidence"].get("recommendation", ""))


def what_if(land: Landscape, *, without: Iterable[str] = (), add_ties: Iterable[tuple[str, str]] = (),
            end_projects: Iterable[str] = (), as_of: dt.date | None = None, lang: str = "de",
            seed: int = 0) -> dict[str, Any]:
    """Gaps and network metrics before and after a change, and what the change breaks or fixes.

    ``without``: actor ids to remove; ``add_ties``: id pairs to tie (an undated
    cooperation); ``end_projects``: project ids that end the day before ``as_of``.
    Returns the new gaps, the resolved gaps, ties lost, actors newly isolated,
    the change in components and articulation points, and the biggest betweenness shifts.
    """
    on = as_of or today()
    without, add_ties, end_projects = list(without), [(p[0], p[1]) for p in add_ties], list(end_projects)
    changed = land.ending(end_projects, on).without(without).with_ties(add_ties)  # type: ignore[arg-type]
    before_gaps = find_gaps(land, as_of=on, lang=lang)
    after_gaps = find_gaps(changed, as_of=on, lang=lang)
    keys_before = {gap_key(g) for g in before_gaps}
    keys_after = {gap_key(g) for g in after_gaps}
    g0, g1 = cooperation_network(land, on), cooperation_network(changed, on)
    m0, m1 = compute_metrics(g0, seed=seed), compute_metrics(g1, seed=seed)
    shifts = []
    for v, data in m1["nodes"].items():
        if v in m0["nodes"]:
            delta = (data["betweenness"] or 0.0) - (m0["nodes"][v]["betweenness"] or 0.0)
            if abs(delta) > 1e-9:
                shifts.append({"actor": v, "before": m0["nodes"][v]["betweenness"],
                               "after": data["betweenness"], "change": round(delta, 6)})
    shifts.sort(key=lambda s: (-abs(s["change"]), s["actor"]))
    ties_lost = sorted(sorted(e) for e in g0.edges if e[0] in g1 and e[1] in g1 and not g1.has_edge(*e))
    return {
        "as_of": on.isoformat(),
        "without": sorted(without),
        "added_ties": [sorted(p) for p in add_ties],
        "ended_projects": sorted(end_projects),
        "gaps_added": sorted((g for g in after_gaps if gap_key(g) not in keys_before), key=sort_key),
        "gaps_resolved": sorted((g for g in before_gaps if gap_key(g) not in keys_after), key=sort_key),
        "ties_lost": ties_lost,
        "ties_gained": sorted(sorted(e) for e in g1.edges if not g0.has_edge(*e)),
        "newly_isolated": sorted(v for v in g1 if g1.degree(v) == 0 and v in g0 and g0.degree(v) > 0),
        "components": {"before": nx.number_connected_components(g0),
                       "after": nx.number_connected_components(g1)},
        "articulation_points": {"before": m0["articulation_points"], "after": m1["articulation_points"]},
        "betweenness_shifts": shifts[:10],
    }
