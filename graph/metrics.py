"""Network metrics of the cooperation network: who is central, who brokers, who is left out.

Computed with igraph, which is 10–12,000× faster than networkx on these
graphs (``research/perf-baseline.md``: Burt's constraint at 3,000 actors
takes 2.4 ms in igraph and 28.6 s in networkx). Betweenness is exact up to
:data:`EXACT_BETWEENNESS_MAX` nodes; above that it is estimated from
:data:`BETWEENNESS_SAMPLES` source nodes drawn with ``seed`` and scaled up
(the ranking of the brokers is stable, the values are approximate; the result
says which one was used). Louvain communities use ``seed`` and ``resolution``.

Examples:
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(g, {"a": "office", "b": "association", "c": "migrant_organisation"}, "kind")
    >>> m = compute_metrics(g)
    >>> m["articulation_points"], m["nodes"]["b"]["betweenness"], m["nodes"]["b"]["degree"]
    (['b'], 1.0, 2)
    >>> m["migrant_inclusion"]["single_broker"]
    {'c': 'b'}
"""

from __future__ import annotations

import math
import random
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import igraph as ig
import networkx as nx

from .landscape import paused_gc
from .namespaces import KIND_SECTOR

EXACT_BETWEENNESS_MAX = 2000
BETWEENNESS_SAMPLES = 200


def to_igraph(graph: nx.Graph) -> tuple[ig.Graph, list[str]]:
    """An undirected igraph copy of ``graph`` and its node ids in vertex order (sorted ids)."""
    nodes = sorted(graph.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges if u != v])
    return g, nodes


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


def _betweenness(g: ig.Graph, seed: int) -> tuple[list[float], str]:
    n = g.vcount()
    if n <= EXACT_BETWEENNESS_MAX:
        raw, method = g.betweenness(directed=False), "exact"
    else:
        k = min(BETWEENNESS_SAMPLES, n)
        sources = random.Random(seed).sample(range(n), k)
        raw = [b * n / k for b in g.betweenness(directed=False, sources=sources)]
        method = f"sampled from {k} sources (seed {seed})"
    norm = (n - 1) * (n - 2) / 2 if n > 2 else 1.0
    return [b / norm for b in raw], method


def louvain(g: ig.Graph, nodes: list[str], *, seed: int = 0, resolution: float = 1.0) -> list[int]:
    """Louvain community of each vertex, numbered by size (largest first), reproducible with ``seed``."""
    if g.vcount() == 0:
        return []
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        membership = g.community_multilevel(resolution=resolution).membership
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    groups: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(membership):
        groups[c].append(v)
    ranked = sorted(groups.values(), key=lambda vs: (-len(vs), nodes[vs[0]]))
    out = [0] * len(membership)
    for number, vs in enumerate(ranked):
        for v in vs:
            out[v] = number
    return out


def compute_metrics(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> dict[str, Any]:
    """Per-node and graph-level metrics of a cooperation network, as plain data.

    ``nodes``: id → degree, betweenness (normalised), pagerank, eigenvector,
    core_number, community, constraint (None for an isolated actor).
    Graph level: articulation_points, bridges, communities, density_per_field,
    ei_index (and per sector), migrant_inclusion (see :func:`migrant_inclusion`).
    """
    with paused_gc():
        g, nodes = to_igraph(graph)
    n = g.vcount()
    betweenness, method = _betweenness(g, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eigen = g.eigenvector_centrality() if g.ecount() else [0.0] * n
        constraint = g.constraint()
    pagerank = g.pagerank(implementation="arpack") if n else []
    core, degree = g.coreness(), g.degree()
    community = louvain(g, nodes, seed=seed, resolution=resolution)
    per_node = {
        v: {"degree": degree[i], "betweenness": _clean(betweenness[i]), "pagerank": _clean(pagerank[i]),
            "eigenvector": _clean(eigen[i]), "core_number": core[i], "community": community[i],
            "constraint": _clean(constraint[i]) if degree[i] else None}
        for i, v in enumerate(nodes)
    }
    communities: dict[int, list[str]] = defaultdict(list)
    for i, v in enumerate(nodes):
        communities[community[i]].append(v)
    return {
        "nodes": per_node,
        "node_count": n,
        "edge_count": g.ecount(),
        "betweenness_method": method,
        "articulation_points": sorted(nodes[i] for i in g.articulation_points()),
        "bridges": sorted(sorted((nodes[e.source], nodes[e.target])) for e in g.es[g.bridges()]),
        "communities": [communities[c] for c in sorted(communities)],
        "density_per_field": density_per_field(graph),
        **ei_index(graph),
        "migrant_inclusion": migrant_inclusion(graph, (g, nodes)),
    }


def _sectors(graph: nx.Graph) -> dict[str, str]:
    return {v: data.get("sector") or KIND_SECTOR.get(data.get("kind", ""), "other")
            for v, data in graph.nodes(data=True)}


def density_per_field(graph: nx.Graph) -> dict[str, float]:
    """Density of the ties among the actors of each action field (node attribute ``fields``).

    Examples:
        >>> g = nx.Graph([("a", "b")])
        >>> g.add_node("c")
        >>> nx.set_node_attributes(g, {"a": ["f"], "b": ["f"], "c": ["f"]}, "fields")
        >>> density_per_field(g)
        {'f': 0.333333}
    """
    fields = {v: set(data.get("fields", ())) for v, data in graph.nodes(data=True)}
    size: dict[str, int] = defaultdict(int)
    ties: dict[str, int] = defaultdict(int)
    for fs in fields.values():
        for f in fs:
            size[f] += 1
    for u, v in graph.edges:
        for f in fields[u] & fields[v]:
            ties[f] += 1
    return {f: round(2 * ties[f] / (n * (n - 1)), 6) if n > 1 else 0.0 for f, n in sorted(size.items())}


def ei_index(graph: nx.Graph) -> dict[str, Any]:
    """Krackhardt's E–I index of ties between sectors: (external − internal) / all, in [−1, 1].

    −1: every tie stays within a sector; +1: every tie crosses sectors. Also per sector.

    Examples:
        >>> g = nx.Graph([("a", "b"), ("b", "c")])
        >>> nx.set_node_attributes(g, {"a": "public", "b": "public", "c": "migrant"}, "sector")
        >>> ei_index(g)["ei_index"], ei_index(g)["ei_by_sector"]["migrant"]
        (0.0, 1.0)
    """
    sector = _sectors(graph)
    ext = internal = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for u, v in graph.edges:
        su, sv = sector[u], sector[v]
        if su != sv:
            ext += 1
            per[su][0] += 1
            per[sv][0] += 1
        else:
            internal += 1
            per[su][1] += 1
    total = ext + internal
    return {
        "ei_index": round((ext - internal) / total, 6) if total else None,
        "ei_by_sector": {s: round((e - i) / (e + i), 6) for s, (e, i) in sorted(per.items())},
    }


def migrant_inclusion(graph: nx.Graph, converted: tuple[ig.Graph, list[str]] | None = None) -> dict[str, Any]:
    """How well migrant organisations are included: venues, distance to an office, single brokers.

    ``single_broker`` maps each migrant organisation that reaches every office only
    through one other actor to that actor (its immediate dominator, seen from the
    offices); a direct tie to an office is no dependency.
    """
    msos = sorted(v for v in graph if graph.nodes[v].get("kind") == "migrant_organisation")
    offices = [v for v in graph if graph.nodes[v].get("kind") == "office"]
    g, nodes = converted or to_igraph(graph)
    index = {v: i for i, v in enumerate(nodes)}
    root = len(nodes)
    pairs = g.get_edgelist()
    edges = pairs + [(v, u) for u, v in pairs]
    dg = ig.Graph(n=root + 1, edges=edges + [(root, index[o]) for o in offices], directed=True)
    dist = dg.distances(source=[root], mode="out")[0] if nodes else []
    idom = dg.dominator(root, mode="out") if nodes else []
    distance: dict[str, int | None] = {}
    broker: dict[str, str] = {}
    for m in msos:
        d = dist[index[m]]
        distance[m] = None if math.isinf(d) else int(d) - 1
        dom = idom[index[m]]
        if distance[m] and isinstance(dom, int) and 0 <= dom < root and graph.nodes[nodes[dom]].get(
                "kind") != "office":
            broker[m] = nodes[dom]
    reachable = [d for d in distance.values() if d is not None]
    in_groups = [m for m in msos if graph.nodes[m].get("groups")]
    return {
        "migrant_organisations": len(msos),
        "in_working_groups": len(in_groups),
        "share_in_working_groups": round(len(in_groups) / len(msos), 6) if msos else None,
        "distance_to_office": distance,
        "mean_distance_to_office": round(sum(reachable) / len(reachable), 6) if reachable else None,
        "unreachable_from_offices": sorted(m for m, d in distance.items() if d is None),
        "isolated": sorted(m for m in msos if graph.degree(m) == 0),
        "single_broker": broker,
        "depending_on_single_broker": len(broker),
    }


@dataclass(frozen=True)
class Cut:
    """An articulation point: removing ``node`` splits its component into parts."""

    node: str
    component_size: int
    part_sizes: tuple[int, ...]
    _members: Callable[[int | None], list[list[str]]]

    def parts(self, largest: int | None = None) -> list[list[str]]:
        """The parts (sorted ids), largest first; parts above ``largest`` actors come back empty.

        Listing a part walks it, so a caller that only shows small parts saves the walk
        through the big rest of a regional network.
        """
        return self._members(largest)


def articulation_parts(adj: Mapping[str, set[str]]) -> dict[str, Cut]:
    """Every articulation point of an undirected graph given as adjacency sets, with its parts.

    igraph finds the biconnected components (blocks) and articulation points in C;
    the sizes of the parts each one holds together come from the block-cut tree
    (blocks and articulation points, a tree per component) in O(V + E). The parts'
    members are only listed when asked for.

    Examples:
        >>> cuts = articulation_parts({"a": {"b"}, "b": {"a", "c"}, "c": {"b"}})
        >>> list(cuts), cuts["b"].part_sizes, cuts["b"].parts()
        (['b'], (1, 1), [['a'], ['c']])
    """
    nodes = sorted(adj)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(i, j) for v, i in index.items() for w in adj[v] if (j := index[w]) > i]
    g = ig.Graph(n=len(nodes), edges=edges)
    blocks, points = g.biconnected_components(return_articulation_points=True)
    if not points:
        return {}
    blocks = [list(b) for b in blocks]
    first = len(blocks)
    tree_node = {v: first + k for k, v in enumerate(points)}
    weight = [sum(1 for v in b if v not in tree_node) for b in blocks] + [1] * len(points)
    tree: list[list[int]] = [[] for _ in weight]
    for b, vs in enumerate(blocks):
        for v in vs:
            if v in tree_node:
                tree[b].append(tree_node[v])
                tree[tree_node[v]].append(b)
    parent = [-2] * len(weight)
    below = weight[:]
    total = [0] * len(weight)
    for root in range(len(weight)):
        if parent[root] != -2:
            continue
        parent[root] = -1
        order, stack = [], [root]
        while stack:
            t = stack.pop()
            order.append(t)
            for u in tree[t]:
                if parent[u] == -2:
                    parent[u] = t
                    stack.append(u)
        for t in reversed(order):
            if parent[t] >= 0:
                below[parent[t]] += below[t]
        for t in order:
            total[t] = below[root]

    def side(t: int, start: int) -> list[str]:
        """Members of the tree on ``start``'s side of articulation point ``t``."""
        seen, stack, members = {t, start}, [start], set()
        while stack:
            u = stack.pop()
            if u < first:
                members.update(blocks[u])
            for w in tree[u]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        members.discard(points[t - first])
        return sorted(nodes[m] for m in members)

    cuts = {}
    for v in points:
        t = tree_node[v]
        sides = [(below[c], c) for c in tree[t] if c != parent[t]]
        if parent[t] >= 0:
            sides.append((total[t] - below[t], parent[t]))
        cuts[nodes[v]] = Cut(nodes[v], total[t], tuple(sorted((n for n, _ in sides), reverse=True)),
                             _lister(t, sides, side))
    return dict(sorted(cuts.items()))


def _lister(t: int, sides: list[tuple[int, int]], side: Callable[[int, int], list[str]]
            ) -> Callable[[int | None], list[list[str]]]:
    def members(largest: int | None) -> list[list[str]]:
        parts = [side(t, b) if largest is None or n <= largest else [] for n, b in sides]
        order = sorted(range(len(sides)), key=lambda k: (-sides[k][0], parts[k][:1]))
        return [parts[k] for k in order]
    return members
